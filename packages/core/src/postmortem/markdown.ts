/**
 * Markdown text helpers. Nothing is escaped as HTML (the draft is Markdown, and people edit it as
 * text); untrusted text (titles, alarm names and reasons, updates, summaries) is only neutralised
 * where it could break the document's structure:
 * - line breaks inside a heading, list item or table cell become spaces;
 * - a leading block marker (`#`, `>`, `-`, `+`, `*`, `1.`, fences, `|`, setext underlines) is
 *   backslash-escaped, so text never starts a heading, quote, list, fence or table of its own;
 * - `<` is backslash-escaped, so no raw HTML (tags, `<!--` comments) can swallow what follows;
 * - in table cells `|` is escaped, so a cell never splits.
 * Backslash escapes are plain Markdown: they render as the character itself.
 */

import { dateTimeFormat } from "@firebreak/core/shared/intl";

const LINE_BREAKS = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/g;
const TAB = /\t/g;
const LT = /</g;
const PIPE = /\\*\|/g;
const LEADING_MARKER = /^(?:[#>+*=_|-]|`{3}|~{3})/;
const LEADING_ORDERED = /^(\d{1,9})([.)])/;
const TRAILING_HASHES = /(\s)(#+)$/;

/** One line: line breaks and tabs become spaces, other control characters go, ends are trimmed. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, " ").replace(TAB, " ").replace(CONTROL, "").trim();
}

function escapeLeading(text: string): string {
  if (LEADING_MARKER.test(text)) return `\\${text}`;
  return text.replace(LEADING_ORDERED, "$1\\$2");
}

/** Untrusted text for a heading or a list item: one line, no HTML, no block syntax. */
export function inline(text: string): string {
  return escapeLeading(oneLine(text).replace(LT, "\\<")).replace(TRAILING_HASHES, "$1\\$2");
}

/**
 * A link from untrusted parts: `[label](<url>)` for an http(s) URL (as WHATWG serialises it, with
 * no space, `<` or `>` left to end the destination), the label as `inline` text otherwise.
 */
export function link(label: string, url: string): string {
  const text = inline(label).replace(/[[\]]/g, "\\$&");
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "https:" || parsed.protocol === "http:") return `[${text}](<${parsed.href}>)`;
  } catch {
    // not a URL: the label alone
  }
  return text;
}

/** Untrusted text for a table cell: as `inline`, and `|` cannot end the cell. */
export function cell(text: string): string {
  return inline(text).replace(PIPE, "\\|");
}

/**
 * Untrusted multi-line text for a paragraph: line breaks are kept, but each line is neutralised
 * as `inline` (no heading, list, quote, fence or HTML can start inside it).
 */
export function paragraph(text: string): string {
  const lines = text.split(LINE_BREAKS);
  const out: string[] = [];
  for (const line of lines) {
    const safe = inline(line);
    // Keep at most one blank line in a row: an empty line ends the paragraph, which is fine.
    if (safe === "" && (out.length === 0 || out[out.length - 1] === "")) continue;
    out.push(safe);
  }
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\n");
}

/**
 * A code span around untrusted text (alarm names, ARNs, reasons): its delimiter is one backtick
 * longer than the longest run inside, so the text cannot close it early. In a table cell, `|` is
 * escaped too (GFM splits cells before parsing code spans).
 */
export function code(text: string, inTable = false): string {
  let body = oneLine(text);
  if (body === "") return "";
  let longest = 0;
  let run = 0;
  for (let i = 0; i < body.length; i++) {
    if (body.charCodeAt(i) === 96) {
      run++;
      if (run > longest) longest = run;
    } else run = 0;
  }
  if (inTable) body = body.replace(PIPE, "\\|");
  const fence = "`".repeat(longest + 1);
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A table row from already-safe cells. */
export function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

export { formatDuration } from "@firebreak/core/shared/duration";

/** Formats instants as UTC and in the team's time zone. One formatter per generation, reused. */
export interface TimeFormatter {
  readonly timezone: string;
  /** True when the team's zone is UTC (then only one time is shown). */
  readonly isUtc: boolean;
  /** "2026-03-14 09:42:13 UTC". */
  utc(iso: string): string;
  /** "2026-03-14 10:42:13 GMT+1" in the team's zone. */
  local(iso: string): string;
  /** "2026-03-14 09:42:13 UTC (10:42:13 GMT+1)", or just the UTC time when the zone is UTC. */
  both(iso: string): string;
}

const BUCKET_MS = 15 * 60_000;

/** The Intl formatter of a zone (cached). Throws RangeError for an unknown zone. */
function zoneFormat(timezone: string): Intl.DateTimeFormat {
  return dateTimeFormat("en-GB", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "shortOffset",
  });
}

/** True when `timezone` is an IANA zone this runtime knows. */
export function isTimeZone(timezone: string): boolean {
  try {
    zoneFormat(timezone);
    return true;
  } catch {
    return false;
  }
}

export function timeFormatter(timezone: string): TimeFormatter {
  const format = zoneFormat(timezone);
  const resolved = format.resolvedOptions().timeZone;
  const isUtc = resolved === "UTC" || resolved === "Etc/UTC" || resolved === "Etc/GMT";
  const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  // Intl is slow per call, and a zone's offset only changes on a 15-minute boundary of UTC, so the
  // offset and its label are computed once per 15-minute bucket and reused (a timeline of 10,000
  // entries over an hour asks Intl five times, not 10,000).
  const buckets = new Map<number, { offsetMs: number; label: string }>();
  const zoneAt = (ms: number) => {
    const bucket = Math.floor(ms / BUCKET_MS);
    let zone = buckets.get(bucket);
    if (!zone) {
      const at = bucket * BUCKET_MS;
      const p: Record<string, string> = {};
      for (const part of format.formatToParts(new Date(at))) p[part.type] = part.value;
      const wall = Date.UTC(
        Number(p.year),
        Number(p.month) - 1,
        Number(p.day),
        Number(p.hour),
        Number(p.minute),
        Number(p.second),
      );
      zone = { offsetMs: wall - at, label: p.timeZoneName ?? "" };
      buckets.set(bucket, zone);
    }
    return zone;
  };
  /** [local date, local time, zone label]. */
  const localParts = (iso: string): [string, string, string] => {
    const ms = Date.parse(iso);
    const zone = zoneAt(ms);
    const wall = new Date(ms + zone.offsetMs).toISOString();
    return [wall.slice(0, 10), wall.slice(11, 19), zone.label];
  };
  const local = (iso: string) => {
    const [date, time, label] = localParts(iso);
    return `${date} ${time} ${label}`;
  };
  return {
    timezone,
    isUtc,
    utc,
    local,
    both(iso) {
      if (isUtc) return utc(iso);
      const [date, time, label] = localParts(iso);
      return `${utc(iso)} (${date === iso.slice(0, 10) ? "" : `${date} `}${time} ${label})`;
    },
  };
}
