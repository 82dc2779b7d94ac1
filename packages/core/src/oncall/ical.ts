/**
 * On-call shifts as an iCalendar feed (RFC 5545): a rotation's shifts, or a person's shifts in
 * every rotation, overrides included, from a week ago to `weeks` ahead. Events carry their
 * rotation's time zone (`DTSTART;TZID=Europe/London:…`), and each zone used has a VTIMEZONE built
 * from the zone's own transitions in the feed's range (found with the runtime's ICU, the same rules
 * every other on-call computation uses), so a calendar shows the shifts right across DST changes.
 *
 * A wall-clock time that a DST change makes ambiguous or skips is written in UTC instead (`…Z`):
 * RFC 5545 would read the ambiguous one as its first occurrence. UIDs are stable (rotation, start),
 * so a calendar that fetches again updates events instead of duplicating them.
 */

import { indexDirectory } from "./directory-index";
import type { Directory, Rotation } from "./directory-types";
import { type ScheduleSegment, scheduleBetween } from "./rotation";
import { MS_PER_DAY, offsetMsAt, wallTimeAt, zonedTimeToInstant } from "./tz";

export const CALENDAR_KINDS = ["person", "rotation"] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

export interface CalendarFeed {
  kind: CalendarKind;
  id: string;
}

const MS_PER_HOUR = 3_600_000;

/** RFC 5545 TEXT: backslash, semicolon, comma and newlines escaped. */
function text(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Lines folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const bytes = Buffer.from(line, "utf8");
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = "";
  let size = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, "utf8");
    if (size + n > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = "";
      size = 0;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function utcStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

function localStamp(w: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}) {
  return `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
}

/** `DTSTART;TZID=zone:local` when that local time names this instant alone, else `DTSTART:…Z`. */
function dateTime(name: "DTSTART" | "DTEND", zone: string, ms: number): string {
  const w = wallTimeAt(zone, ms);
  const back = zonedTimeToInstant(zone, w, w);
  const exact = back.resolution === "exact" && back.instant.getTime() + w.second * 1000 === ms;
  return exact ? `${name};TZID=${zone}:${localStamp(w)}` : `${name}:${utcStamp(ms)}`;
}

function offsetText(ms: number): string {
  const sign = ms < 0 ? "-" : "+";
  const minutes = Math.round(Math.abs(ms) / 60_000);
  return `${sign}${pad(Math.floor(minutes / 60))}${pad(minutes % 60)}`;
}

/** The zone's offset changes in [from, to): each instant (to the second) and its offsets. */
export function zoneTransitions(
  zone: string,
  from: number,
  to: number,
): { at: number; before: number; after: number }[] {
  const out: { at: number; before: number; after: number }[] = [];
  let previous = offsetMsAt(zone, from);
  for (let t = from + MS_PER_HOUR; t < to + MS_PER_HOUR; t += MS_PER_HOUR) {
    const offset = offsetMsAt(zone, t);
    if (offset === previous) continue;
    let lo = Math.floor((t - MS_PER_HOUR) / 1000);
    let hi = Math.floor(t / 1000);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetMsAt(zone, mid * 1000) === previous) lo = mid;
      else hi = mid;
    }
    out.push({ at: hi * 1000, before: previous, after: offset });
    previous = offset;
  }
  return out;
}

/** A VTIMEZONE for `zone` valid over [from, to): its offset at `from`, then each transition. */
function vtimezone(zone: string, from: number, to: number): string[] {
  const transitions = zoneTransitions(zone, from, to);
  const initial = offsetMsAt(zone, from);
  const kind = (before: number, after: number) => (after > before ? "DAYLIGHT" : "STANDARD");
  const first = transitions[0];
  const lines = [
    "BEGIN:VTIMEZONE",
    `TZID:${zone}`,
    // The offset in force before the range's first transition (or throughout, with none).
    ...observance(
      first ? (first.after > initial ? "STANDARD" : "DAYLIGHT") : "STANDARD",
      "19700101T000000",
      initial,
      initial,
    ),
  ];
  for (const t of transitions)
    lines.push(
      ...observance(
        kind(t.before, t.after),
        localStamp(wallTimeAt("UTC", t.at + t.before)),
        t.before,
        t.after,
      ),
    );
  lines.push("END:VTIMEZONE");
  return lines;
}

function observance(kind: string, start: string, from: number, to: number): string[] {
  return [
    `BEGIN:${kind}`,
    `DTSTART:${start}`,
    `TZOFFSETFROM:${offsetText(from)}`,
    `TZOFFSETTO:${offsetText(to)}`,
    `END:${kind}`,
  ];
}

interface Shift {
  rotation: Rotation;
  team: string;
  segment: ScheduleSegment;
}

/** Consecutive segments of one person and source, merged: one event per stretch on call. */
function merged(segments: ScheduleSegment[]): ScheduleSegment[] {
  const out: ScheduleSegment[] = [];
  for (const s of segments) {
    const last = out.at(-1);
    if (
      last &&
      last.personId === s.personId &&
      last.source === s.source &&
      last.end.getTime() === s.start.getTime()
    )
      out[out.length - 1] = { ...last, end: s.end };
    else out.push(s);
  }
  return out;
}

/** The window a feed covers: a week back (the shift in progress shows) to `weeks` ahead. */
export function feedWindow(now: Date, weeks: number): { from: Date; to: Date } {
  const hour = Math.floor(now.getTime() / MS_PER_HOUR) * MS_PER_HOUR;
  return { from: new Date(hour - 7 * MS_PER_DAY), to: new Date(hour + weeks * 7 * MS_PER_DAY) };
}

/** The feed's shifts (undefined when the directory has no such person or rotation). */
export function feedShifts(
  directory: Directory,
  feed: CalendarFeed,
  from: Date,
  to: Date,
): Shift[] | undefined {
  const index = indexDirectory(directory);
  const rotations: { rotation: Rotation; team: string }[] = [];
  for (const team of directory.teams)
    for (const rotation of team.rotations) rotations.push({ rotation, team: team.name ?? team.id });
  if (feed.kind === "rotation") {
    const found = rotations.find((r) => r.rotation.id === feed.id);
    if (!found) return undefined;
    return merged(scheduleBetween(found.rotation, directory.people, from, to))
      .filter((segment) => segment.personId !== null)
      .map((segment) => ({ ...found, segment }));
  }
  if (!index.people.has(feed.id)) return undefined;
  return rotations.flatMap((r) =>
    merged(scheduleBetween(r.rotation, directory.people, from, to))
      .filter((segment) => segment.personId === feed.id)
      .map((segment) => ({ ...r, segment })),
  );
}

/** The feed as an iCalendar document (CRLF line endings, folded). */
export function renderCalendar(
  directory: Directory,
  feed: CalendarFeed,
  options: { now: Date; weeks: number },
): string | undefined {
  const { from, to } = feedWindow(options.now, options.weeks);
  const shifts = feedShifts(directory, feed, from, to);
  if (!shifts) return undefined;
  const people = indexDirectory(directory).people;
  const name =
    feed.kind === "person"
      ? `On call: ${people.get(feed.id)?.name ?? feed.id}`
      : `On call: ${shifts[0]?.rotation.name ?? feed.id}`;
  const zones = [...new Set(shifts.map((s) => s.rotation.timezone))].sort();
  const stamp = utcStamp(options.now.getTime());
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Firebreak//On-call shifts//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${text(name)}`,
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    ...zones.flatMap((zone) => vtimezone(zone, from.getTime() - MS_PER_DAY, to.getTime() + MS_PER_DAY)),
  ];
  for (const { rotation, team, segment } of shifts) {
    const person = segment.personId ? (people.get(segment.personId)?.name ?? segment.personId) : "nobody";
    const rotationName = rotation.name ?? rotation.id;
    const summary =
      feed.kind === "rotation" ? `${person} on call (${rotationName})` : `On call: ${rotationName} (${team})`;
    lines.push(
      "BEGIN:VEVENT",
      `UID:${rotation.id}-${utcStamp(segment.start.getTime())}-${segment.personId}@firebreak`,
      `DTSTAMP:${stamp}`,
      dateTime("DTSTART", rotation.timezone, segment.start.getTime()),
      dateTime("DTEND", rotation.timezone, segment.end.getTime()),
      `SUMMARY:${text(segment.source === "override" ? `${summary}, override` : summary)}`,
      `DESCRIPTION:${text(`${person} is on call for ${rotationName} of ${team}${segment.source === "override" ? " (an override)" : ""}.`)}`,
      "TRANSP:TRANSPARENT",
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(fold).join("\r\n")}\r\n`;
}
