/**
 * Importing an on-call setup from the tool a team is leaving: the shared part of every importer.
 *
 * An importer (`opsgenie.ts`, `pagerduty.ts`, `grafana-oncall.ts`, `aws-incident-manager.ts`) reads
 * the JSON that the source's documented list/get endpoints return, saved to files, and produces an
 * `ImportResult`:
 * - `directory`: the directory it would create, in the shape `directory.yaml` is written in (the
 *   INPUT of `parseDirectory`: teams name their escalation policy by id);
 * - `report`: one entry per source object, mapped or not, with every feature that was not carried
 *   over and why. Nothing is dropped silently: a file or object the importer does not recognise is
 *   in the report too;
 * - `ids`: which directory ids each source person and schedule became, so that `import verify` can
 *   compare the source's rendered shifts with Firebreak's.
 *
 * Importing writes nothing to any table: it is a plan (`renderPlan`), like `terraform plan`.
 * Applying it is `firebreak directory apply directory.yaml`.
 *
 * `ImportBuilder` is what importers write with: unique directory ids from source names, report
 * entries, and the conversions every source needs (a shift length in seconds, a start instant in
 * a zone).
 */

import { ID_PATTERN } from "../oncall/directory-schemas";
import type {
  EscalationLevel,
  Person,
  Rotation,
  RotationOverride,
  ServiceOwnership,
  Shift,
  TargetRef,
  Team,
} from "../oncall/directory-types";
import { isValidTimeZone, wallTimeAt } from "../oncall/tz";

export const IMPORT_SOURCES = ["opsgenie", "pagerduty", "grafana-oncall", "aws-incident-manager"] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

export const SOURCE_LABELS: Record<ImportSource, string> = {
  opsgenie: "Opsgenie",
  pagerduty: "PagerDuty",
  "grafana-oncall": "Grafana OnCall",
  "aws-incident-manager": "AWS Incident Manager",
};

/** One saved API response: its file name (for the report) and its parsed JSON. */
export interface SourceFile {
  name: string;
  json: unknown;
}

// ---------------------------------------------------------------------------------------------
// The directory as it is written (the input shape of parseDirectory)
// ---------------------------------------------------------------------------------------------

export interface PolicyDraft {
  id: string;
  name?: string;
  levels: EscalationLevel[];
  repeat: number;
  fallback: TargetRef;
}

export interface TeamDraft extends Omit<Team, "escalationPolicy" | "services" | "rotations"> {
  services: (string | ServiceOwnership)[];
  rotations: Rotation[];
  /** The id of a policy in `escalationPolicies`. */
  escalationPolicy: string;
}

export interface DirectoryDraft {
  version: 1;
  defaultTeam?: string;
  people: Person[];
  teams: TeamDraft[];
  escalationPolicies: PolicyDraft[];
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

export type ReportOutcome = "mapped" | "partly mapped" | "not mapped";

export interface ReportEntry {
  /** The source's kind of object, in its own words: "user", "schedule", "escalation policy", "file". */
  kind: string;
  /** The source's id for it (the file name for a file). */
  id: string;
  name?: string;
  /** The file it was read from. */
  file?: string;
  outcome: ReportOutcome;
  /** What it became, e.g. `rotation sre-primary`, `person alice-smith`. */
  becomes: string[];
  /** Each feature not carried over (or changed on the way), and why. */
  notes: string[];
}

export interface ImportIds {
  /** Source person id (user, contact ARN) → directory person id. */
  people: Record<string, string>;
  /** Source schedule id (schedule, rotation ARN) → the directory rotations that together make it. */
  schedules: Record<string, string[]>;
}

export interface ImportResult {
  source: ImportSource;
  directory: DirectoryDraft;
  report: ReportEntry[];
  ids: ImportIds;
}

/** What an importer module exports. */
export interface Importer {
  source: ImportSource;
  /** Reads every file; never throws on a shape it does not know (that goes in the report). */
  import(files: SourceFile[]): ImportResult;
  /**
   * The source's rendered final shifts for a period, when `file` is in its final-shifts format
   * (PagerDuty's schedule with `final_schedule`, Opsgenie's timeline, Grafana OnCall's
   * `final_shifts`, AWS's `ListRotationShifts`); undefined when it is not.
   */
  shifts(file: SourceFile): SourceShifts | undefined;
}

/** Who a source shift names: whichever of these the source gives. */
export interface SourcePersonRef {
  id?: string;
  email?: string;
  name?: string;
}

export interface SourceShift {
  /** ISO 8601 instants; [start, end). */
  start: string;
  end: string;
  person: SourcePersonRef;
}

export interface SourceShifts {
  /** The schedule they are of, when the file says. */
  scheduleId?: string;
  scheduleName?: string;
  shifts: SourceShift[];
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

/** A directory id from any name: lower case, runs of other characters become "-". */
export function slugId(name: string, fallback = "imported"): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/-+$/, "")
    .slice(0, 56)
    .replace(/[^a-z0-9]+$/, "");
  return slug.length > 0 ? slug : fallback;
}

export type IdKind = "person" | "team" | "rotation" | "policy";

export class ImportBuilder {
  readonly directory: DirectoryDraft = { version: 1, people: [], teams: [], escalationPolicies: [] };
  readonly report: ReportEntry[] = [];
  readonly ids: ImportIds = { people: {}, schedules: {} };
  /** Rotation and policy ids share one namespace each across the directory; people and teams theirs. */
  private readonly taken = new Map<IdKind, Set<string>>();
  private readonly suffixes = new Map<string, number>();

  constructor(readonly source: ImportSource) {}

  /** A new unique id of `kind` from `name` ("alice-smith", then "alice-smith-2", …). */
  uniqueId(kind: IdKind, name: string, fallback: string = kind): string {
    const taken = this.taken.get(kind) ?? new Set<string>();
    this.taken.set(kind, taken);
    const base = slugId(name, fallback);
    // Suffixes go on from the last one this base was given: linear in repeated names, not quadratic.
    const suffixKey = `${kind}:${base}`;
    let n = this.suffixes.get(suffixKey) ?? 1;
    let id = base;
    while (taken.has(id) || !ID_PATTERN.test(id)) id = `${base}-${++n}`;
    this.suffixes.set(suffixKey, n);
    taken.add(id);
    return id;
  }

  mapped(entry: Omit<ReportEntry, "outcome" | "notes"> & { notes?: string[] }): ReportEntry {
    const notes = entry.notes ?? [];
    return this.add({ ...entry, notes, outcome: notes.length > 0 ? "partly mapped" : "mapped" });
  }

  notMapped(entry: Omit<ReportEntry, "outcome" | "becomes" | "notes">, why: string | string[]): ReportEntry {
    return this.add({
      ...entry,
      becomes: [],
      notes: typeof why === "string" ? [why] : why,
      outcome: "not mapped",
    });
  }

  /** A file whose shape this importer does not know. */
  unrecognisedFile(file: SourceFile, expected: string): ReportEntry {
    return this.notMapped(
      { kind: "file", id: file.name, file: file.name },
      `not ${/^[AEIOU]/.test(SOURCE_LABELS[this.source]) ? "an" : "a"} ${SOURCE_LABELS[this.source]} export this importer reads (expected ${expected})`,
    );
  }

  private add(entry: ReportEntry): ReportEntry {
    const clean = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)) as ReportEntry;
    this.report.push(clean);
    return clean;
  }

  result(): ImportResult {
    return { source: this.source, directory: this.directory, report: this.report, ids: this.ids };
  }
}

/**
 * A rotation's shift from a turn length in seconds: a day is `daily`, a week `weekly` (both keep
 * the handoff on the local wall clock across DST), any other whole number of hours `hours`
 * (elapsed time). Undefined, with the reason, when Firebreak has no such shift.
 */
export function shiftFromSeconds(seconds: number): { shift: Shift } | { why: string } {
  if (seconds === 86_400) return { shift: { type: "daily" } };
  if (seconds === 604_800) return { shift: { type: "weekly" } };
  if (Number.isInteger(seconds) && seconds > 0 && seconds % 3600 === 0 && seconds / 3600 <= 24 * 366)
    return { shift: { type: "hours", hours: seconds / 3600 } };
  return {
    why: `a turn of ${seconds} s is not a whole number of hours (Firebreak's shifts are daily, weekly or N hours)`,
  };
}

/**
 * Where a rotation starts, from the instant its first turn began and its zone: the local date and
 * `HH:MM` there. Seconds are dropped (with a note); an instant before 1970 is refused.
 */
export function localStart(
  instant: string,
  zone: string,
): { start: string; handoffTime: string; note?: string } | { why: string } {
  const ms = Date.parse(instant);
  if (!Number.isFinite(ms)) return { why: `start "${instant}" is not an ISO 8601 instant` };
  if (!isValidTimeZone(zone)) return { why: `time zone "${zone}" is not an IANA name` };
  const w = wallTimeAt(zone, ms);
  if (w.year < 1970) return { why: `start ${instant} is before 1970` };
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    start: `${w.year}-${pad(w.month)}-${pad(w.day)}`,
    handoffTime: `${pad(w.hour)}:${pad(w.minute)}`,
    ...(w.second !== 0 ? { note: `the handoff's seconds (${w.second}) were dropped` } : {}),
  };
}

/** An override in the directory's normalised form (UTC, milliseconds). */
export function override(personId: string, from: string, to: string, reason?: string): RotationOverride {
  return {
    personId,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    ...(reason ? { reason } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What would be created, like `terraform plan`, and what was not mapped. */
export function renderPlan(result: ImportResult, files: { directory: string; report: string }): string {
  const d = result.directory;
  const lines: string[] = [
    `${SOURCE_LABELS[result.source]} import plan (nothing has been written to Firebreak):`,
  ];
  const add = (what: string, id: string, detail: string) =>
    lines.push(`  + ${what.padEnd(18)} ${id}${detail ? `  ${detail}` : ""}`);
  for (const p of d.people)
    add(
      "person",
      p.id,
      `${p.name} <${[p.email, p.phone, p.slackUserId].filter(Boolean).join(", ")}> ${p.timezone}`,
    );
  for (const t of d.teams) {
    add(
      "team",
      t.id,
      `${t.name}${t.services.length > 0 ? `: ${t.services.map((s) => (typeof s === "string" ? s : s.id)).join(", ")}` : ""}`,
    );
    for (const r of t.rotations)
      add(
        "rotation",
        r.id,
        `${describeShift(r.shift)} from ${r.start} ${r.handoffTime} ${r.timezone}, ${plural(r.members.length, "member")}${r.overrides.length > 0 ? `, ${plural(r.overrides.length, "override")}` : ""}`,
      );
  }
  for (const p of d.escalationPolicies)
    add(
      "escalation policy",
      p.id,
      `${plural(p.levels.length, "level")}${p.repeat > 0 ? `, repeated ${p.repeat}×` : ""}`,
    );
  const notMapped = result.report.filter((e) => e.outcome === "not mapped");
  const partly = result.report.filter((e) => e.outcome === "partly mapped");
  if (notMapped.length > 0) {
    lines.push("", `Not mapped (${notMapped.length}):`);
    for (const e of notMapped)
      lines.push(`  - ${e.kind} ${e.name ? `"${e.name}" ` : ""}(${e.id}): ${e.notes.join("; ")}`);
  }
  if (partly.length > 0) {
    lines.push("", `Partly mapped (${partly.length}):`);
    for (const e of partly)
      lines.push(
        `  ~ ${e.kind} ${e.name ? `"${e.name}" ` : ""}(${e.id}) → ${e.becomes.join(", ")}: ${e.notes.join("; ")}`,
      );
  }
  const rotations = d.teams.reduce((n, t) => n + t.rotations.length, 0);
  lines.push(
    "",
    `Plan: ${plural(d.people.length, "person", "people")}, ${plural(d.teams.length, "team")}, ${plural(rotations, "rotation")}, ${plural(d.escalationPolicies.length, "escalation policy", "escalation policies")} to create; ${plural(notMapped.length, "object")} not mapped, ${partly.length} partly (see ${files.report}).`,
    `Written: ${files.directory} and ${files.report}. Review them, then apply: npm run firebreak -- directory apply ${files.directory}`,
  );
  return lines.join("\n");
}

export function describeShift(shift: Shift): string {
  return shift.type === "hours" ? `every ${shift.hours} h` : shift.type;
}

/** The report as Markdown: every object, grouped by outcome. */
export function renderReport(result: ImportResult, generatedFrom: string[]): string {
  const label = SOURCE_LABELS[result.source];
  const order: ReportOutcome[] = ["not mapped", "partly mapped", "mapped"];
  const count = (o: ReportOutcome) => result.report.filter((e) => e.outcome === o).length;
  const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
  const lines = [
    `# ${label} import report`,
    "",
    `Read from: ${generatedFrom.map((f) => `\`${f}\``).join(", ")}.`,
    "",
    `${result.report.length} objects: ${count("mapped")} mapped, ${count("partly mapped")} partly mapped, ${count("not mapped")} not mapped. Nothing was written to Firebreak; apply the directory with \`firebreak directory apply\`.`,
  ];
  for (const outcome of order) {
    const entries = result.report.filter((e) => e.outcome === outcome);
    if (entries.length === 0) continue;
    lines.push("", `## ${outcome[0]!.toUpperCase()}${outcome.slice(1)} (${entries.length})`, "");
    lines.push("| kind | source id | name | becomes | notes | file |", "|---|---|---|---|---|---|");
    for (const e of entries)
      lines.push(
        `| ${cell(e.kind)} | \`${cell(e.id)}\` | ${cell(e.name ?? "")} | ${cell(e.becomes.join(", "))} | ${cell(e.notes.join("; "))} | ${cell(e.file ?? "")} |`,
      );
  }
  return `${lines.join("\n")}\n`;
}
