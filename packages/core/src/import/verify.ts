/**
 * The parallel run: does Firebreak put the same people on call as the tool a team is leaving?
 *
 * `compareShifts` takes the source's rendered final shifts for a period (its final-shifts JSON, or
 * its iCal feed, read by the CLI) and the rotations an import made of that schedule, and reports
 * every hour (UTC, [hh:00, hh+1:00)) in which the two disagree about who is on call at any instant.
 * The comparison is exact, not sampled: both timelines are cut at every handoff of either side,
 * and each piece is compared as a set of people (a schedule may put several people on call at once,
 * e.g. Opsgenie's parallel rotations, which an import turns into several Firebreak rotations).
 *
 * Source people are matched to directory people by the import's id map, then by e-mail, then by
 * name, then by directory id, then by the one directory name a calendar event's summary contains; one that matches nobody stays as the source named them, so it
 * differs from whoever Firebreak has on call.
 */

import type { Directory, Person } from "../oncall/directory-types";
import { scheduleBetween } from "../oncall/rotation";
import type { SourcePersonRef, SourceShift } from "./plan";

const MS_PER_HOUR = 3_600_000;

export interface DifferingHour {
  /** The hour's start, ISO 8601 UTC. */
  hour: string;
  /** Who each side has on call at the first instant of the hour where they differ (sorted). */
  source: string[];
  firebreak: string[];
}

/** Consecutive differing hours with the same two answers. */
export interface DifferingRun {
  from: string;
  to: string;
  hours: number;
  source: string[];
  firebreak: string[];
}

export interface VerifyResult {
  from: string;
  to: string;
  /** Whole or part hours compared. */
  hoursCompared: number;
  differing: DifferingHour[];
  runs: DifferingRun[];
  /** Source people no directory person matched (shown by what the source called them). */
  unmatched: string[];
}

export interface CompareInput {
  directory: Directory;
  /** The rotations that together make the source schedule. */
  rotationIds: string[];
  shifts: SourceShift[];
  from: Date;
  to: Date;
  /** The import's `ids.people`: source person id → directory person id. */
  peopleIds?: Record<string, string>;
}

/** A person matcher: source reference → directory person id, or a label for an unmatched one. */
export function personMatcher(
  people: readonly Person[],
  peopleIds: Record<string, string> = {},
): (ref: SourcePersonRef) => { id: string; matched: boolean } {
  const known = new Set(people.map((p) => p.id));
  const byEmail = new Map(people.filter((p) => p.email).map((p) => [p.email!.toLowerCase(), p.id]));
  const byName = new Map<string, string | null>();
  for (const p of people) {
    const key = p.name.trim().toLowerCase();
    byName.set(key, byName.has(key) ? null : p.id); // an ambiguous name matches nobody
  }
  return (ref) => {
    const mapped = ref.id !== undefined ? peopleIds[ref.id] : undefined;
    if (mapped && known.has(mapped)) return { id: mapped, matched: true };
    const email = ref.email?.trim().toLowerCase();
    if (email && byEmail.has(email)) return { id: byEmail.get(email)!, matched: true };
    const name = ref.name?.trim().toLowerCase();
    const named = name ? byName.get(name) : undefined;
    if (named) return { id: named, matched: true };
    if (ref.id && known.has(ref.id)) return { id: ref.id, matched: true };
    // A calendar event's summary ("On Call - Alice Moreau - Primary"): the one person it names.
    if (name) {
      const named = people.filter((p) => containsWord(name, p.name.trim().toLowerCase()));
      if (named.length === 1) return { id: named[0]!.id, matched: true };
    }
    return { id: `?${ref.email ?? ref.name ?? ref.id ?? "unknown"}`, matched: false };
  };
}

function containsWord(text: string, word: string): boolean {
  if (word.length === 0) return false;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = text[at - 1];
    const after = text[at + word.length];
    if (
      (before === undefined || !/[\p{L}\p{N}]/u.test(before)) &&
      (after === undefined || !/[\p{L}\p{N}]/u.test(after))
    )
      return true;
  }
  return false;
}

interface Piece {
  start: number;
  end: number;
  who: string;
}

/** Who is on call on one side, swept forward through time: counts per person of the pieces open. */
class Sweep {
  private readonly open = new Map<string, number>();
  private readonly starts: Piece[];
  private readonly ends: Piece[];
  private s = 0;
  private e = 0;
  constructor(pieces: readonly Piece[]) {
    this.starts = [...pieces].sort((a, b) => a.start - b.start);
    this.ends = [...pieces].sort((a, b) => a.end - b.end);
  }
  /** The people on call at `t` (sorted); `t` must not decrease between calls. */
  at(t: number): string[] {
    // Starts first: a piece that both began and ended by `t` nets to zero.
    while (this.s < this.starts.length && this.starts[this.s]!.start <= t)
      this.bump(this.starts[this.s++]!.who, 1);
    while (this.e < this.ends.length && this.ends[this.e]!.end <= t) this.bump(this.ends[this.e++]!.who, -1);
    return [...this.open.keys()].sort();
  }
  private bump(who: string, by: number): void {
    const n = (this.open.get(who) ?? 0) + by;
    if (n > 0) this.open.set(who, n);
    else this.open.delete(who);
  }
}

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Every UTC hour of [from, to) in which the source and Firebreak disagree. Throws a `RangeError`
 * for an empty window or an unknown rotation id (the CLI checks both first and says which).
 */
export function compareShifts(input: CompareInput): VerifyResult {
  const from = input.from.getTime();
  const to = input.to.getTime();
  if (!(to > from)) throw new RangeError("the period must end after it starts");
  const people = input.directory.people;
  const rotations = input.directory.teams.flatMap((t) => t.rotations);
  const match = personMatcher(people, input.peopleIds);

  const ours: Piece[] = [];
  for (const id of input.rotationIds) {
    const rotation = rotations.find((r) => r.id === id);
    if (!rotation) throw new RangeError(`unknown rotation "${id}"`);
    for (const s of scheduleBetween(rotation, people, input.from, input.to, 100_000))
      if (s.personId !== null) ours.push({ start: s.start.getTime(), end: s.end.getTime(), who: s.personId });
  }
  const unmatched = new Set<string>();
  const theirs: Piece[] = [];
  for (const shift of input.shifts) {
    const start = Math.max(from, Date.parse(shift.start));
    const end = Math.min(to, Date.parse(shift.end));
    if (!(end > start)) continue;
    const who = match(shift.person);
    if (!who.matched) unmatched.add(who.id.slice(1));
    theirs.push({ start, end, who: who.id });
  }

  // Cut both timelines at every edge of either, then compare piece by piece.
  const edges = new Set<number>([from, to]);
  for (const p of [...ours, ...theirs]) {
    edges.add(p.start);
    edges.add(p.end);
  }
  const cuts = [...edges].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  const differing = new Map<number, DifferingHour>();
  const sourceSweep = new Sweep(theirs);
  const firebreakSweep = new Sweep(ours);
  for (let i = 0; i + 1 < cuts.length; i++) {
    const start = cuts[i]!;
    const end = cuts[i + 1]!;
    const source = sourceSweep.at(start);
    const firebreak = firebreakSweep.at(start);
    if (same(source, firebreak)) continue;
    const firstHour = Math.floor(start / MS_PER_HOUR) * MS_PER_HOUR;
    for (let h = firstHour; h < end; h += MS_PER_HOUR)
      if (!differing.has(h)) differing.set(h, { hour: new Date(h).toISOString(), source, firebreak });
  }
  const hours = [...differing.entries()].sort(([a], [b]) => a - b);
  const runs: DifferingRun[] = [];
  for (const [h, d] of hours) {
    const last = runs.at(-1);
    if (
      last &&
      Date.parse(last.to) === h &&
      same(last.source, d.source) &&
      same(last.firebreak, d.firebreak)
    ) {
      last.to = new Date(h + MS_PER_HOUR).toISOString();
      last.hours++;
    } else
      runs.push({
        from: d.hour,
        to: new Date(h + MS_PER_HOUR).toISOString(),
        hours: 1,
        source: d.source,
        firebreak: d.firebreak,
      });
  }
  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    hoursCompared: Math.ceil(to / MS_PER_HOUR) - Math.floor(from / MS_PER_HOUR),
    differing: hours.map(([, d]) => d),
    runs,
    unmatched: [...unmatched].sort(),
  };
}

/** The span the shifts cover: the earliest start to the latest end. */
export function shiftsSpan(shifts: readonly SourceShift[]): { from: Date; to: Date } | undefined {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const s of shifts) {
    const a = Date.parse(s.start);
    const b = Date.parse(s.end);
    if (Number.isFinite(a) && Number.isFinite(b) && b > a) {
      from = Math.min(from, a);
      to = Math.max(to, b);
    }
  }
  return Number.isFinite(from) ? { from: new Date(from), to: new Date(to) } : undefined;
}

/** The differences as lines for a terminal: one per run, both sides by name. */
export function formatVerify(result: VerifyResult, names: ReadonlyMap<string, string>): string {
  const who = (ids: readonly string[]) =>
    ids.length === 0
      ? "nobody"
      : ids
          .map((id) => (id.startsWith("?") ? `${id.slice(1)} (not in the directory)` : (names.get(id) ?? id)))
          .join(" + ");
  const lines = [`Compared ${result.hoursCompared} hours, ${result.from} → ${result.to} (UTC).`];
  if (result.differing.length === 0)
    lines.push("✓ No differing hours: Firebreak puts the same people on call as the source.");
  else {
    lines.push(`✗ ${result.differing.length} differing hour${result.differing.length === 1 ? "" : "s"}:`);
    for (const run of result.runs)
      lines.push(
        `  ${run.from} → ${run.to} (${run.hours} h): source ${who(run.source)}; Firebreak ${who(run.firebreak)}`,
      );
  }
  if (result.unmatched.length > 0)
    lines.push(
      `Not matched to anyone in the directory: ${result.unmatched.join(", ")} (match is by the import's ids, e-mail, then name).`,
    );
  return lines.join("\n");
}
