/**
 * Who a rotation puts on call at an instant. Pure: the instant is an argument, no clock is read.
 *
 * Shifts. Shift k (k = 0, 1, …) belongs to `members[k mod n]`. Shift 0 begins on the `start` date at
 * `handoffTime`, local wall-clock time in the rotation's `timezone`.
 *
 * - `daily`: shift k begins on `start + k` days at `handoffTime` local. A 09:00 handoff stays at
 *   09:00 local on both sides of a DST change (that shift lasts 23 or 25 hours of elapsed time).
 * - `weekly`: the same with `start + 7k` days: the handoff weekday is the start date's.
 * - `hours` (N): shift k begins N·k hours of ELAPSED time after shift 0 began. Such shifts do not
 *   follow the wall clock: across a DST change a 12-hour 09:00/21:00 rotation hands off at
 *   10:00/22:00 (or 08:00/20:00) local. Use `daily` for wall-clock handoffs.
 *
 * A handoff time that does not exist on a spring-forward day (02:30 in New York on 2026-03-08)
 * happens at the first valid instant after it: the transition itself (03:00 EDT). One that happens
 * twice on a fall-back day happens at the first occurrence. See `tz.ts`.
 *
 * Boundaries: a shift is the half-open interval [shiftStart, shiftEnd): exactly at a handoff the
 * new person is on call; 1 ms before, the old one.
 *
 * Overrides replace the rotation during [from, to). When several cover an instant, the NARROWEST
 * (shortest from→to) wins, and among equally long ones the one written LATER in the list (later =
 * created later). Reason: a short swap ("cover my 2 hours") is normally layered on a broad cover
 * ("I take Bob's week") and must not be swallowed by it. Overrides apply before the start date and
 * on an empty rotation too. An override covering part of a shift splits it: the result's
 * `shiftStart`/`shiftEnd` are those of the contiguous piece containing the instant, during which
 * the same person is on call for the same reason (the same shift, or the same override).
 *
 * An empty rotation (no members) has nobody on call outside its overrides: the result says so
 * (`personId: null`, `reason: "empty rotation"`), and the caller falls through to the escalation
 * policy's next level or fallback.
 */
import { ValidationError } from "@firebreak/core/shared/errors";
import type { Person, Rotation, RotationOverride } from "./directory-types";
import {
  addDays,
  isValidTimeZone,
  type LocalDate,
  type LocalTime,
  MS_PER_DAY,
  parseLocalDate,
  parseLocalTime,
  zonedTimeToInstant,
} from "./tz";

const MS_PER_HOUR = 3_600_000;

export type PeopleLookup = ReadonlyMap<string, Person> | readonly Person[];

export interface OnCall {
  personId: string;
  /** The person's directory entry (absent only when `people` does not list the id). */
  person?: Person;
  /** Start of the contiguous piece of time this assignment covers (inclusive). */
  shiftStart: Date;
  /** Its end (exclusive): the next handoff, or an override's edge. */
  shiftEnd: Date;
  source: "rotation" | "override";
  /** The rotation shift index (source "rotation"). */
  shiftIndex?: number;
  /** The winning override (source "override"). */
  override?: RotationOverride;
}

export interface NobodyOnCall {
  personId: null;
  reason: "empty rotation" | "before start";
  /** When this stretch of nobody began (the end of the previous override), null if it always was. */
  from: Date | null;
  /** When somebody is next on call (an override, or the first shift), null if never. */
  until: Date | null;
}

export type OnCallResult = OnCall | NobodyOnCall;

interface CompiledOverride {
  override: RotationOverride;
  index: number;
  from: number;
  to: number;
}

interface CompiledRotation {
  rotation: Rotation;
  start: LocalDate;
  handoff: LocalTime;
  /** Instant shift 0 begins. */
  first: number;
  /** Nominal shift length (exact for `hours`). */
  nominal: number;
  overrides: CompiledOverride[];
}

/** Time-zone work per (zone, start, handoff, shift): rotations are small, their anchors few. */
const anchors = new Map<string, { first: number; start: LocalDate; handoff: LocalTime }>();

/** Validates and prepares a rotation (cheap; only the anchor instant is cached, by value not identity). */
function compile(rotation: Rotation): CompiledRotation {
  const start = parseLocalDate(rotation.start);
  const handoff = parseLocalTime(rotation.handoffTime);
  const issues = [];
  if (!start) issues.push({ path: "start", message: `expected "YYYY-MM-DD", got "${rotation.start}"` });
  if (!handoff)
    issues.push({ path: "handoffTime", message: `expected "HH:MM", got "${rotation.handoffTime}"` });
  if (!isValidTimeZone(rotation.timezone))
    issues.push({ path: "timezone", message: `unknown time zone "${rotation.timezone}"` });
  if (
    rotation.shift.type === "hours" &&
    !(Number.isInteger(rotation.shift.hours) && rotation.shift.hours >= 1)
  )
    issues.push({ path: "shift.hours", message: "must be a whole number of hours, at least 1" });
  const overrides = rotation.overrides.map((override, index) => ({
    override,
    index,
    from: Date.parse(override.from),
    to: Date.parse(override.to),
  }));
  for (const o of overrides) {
    if (!(o.to > o.from))
      issues.push({
        path: `overrides[${o.index}]`,
        message: "needs valid from and to instants, to after from",
      });
  }
  if (!start || !handoff || issues.length > 0) {
    throw new ValidationError(`rotation "${rotation.id}" is invalid (use parseDirectory)`, issues);
  }
  const key = `${rotation.timezone}|${rotation.start}|${rotation.handoffTime}`;
  let anchor = anchors.get(key);
  if (!anchor) {
    if (anchors.size > 10_000) anchors.clear();
    anchor = {
      first: zonedTimeToInstant(rotation.timezone, start, handoff).instant.getTime(),
      start,
      handoff,
    };
    anchors.set(key, anchor);
  }
  const nominal =
    rotation.shift.type === "hours"
      ? rotation.shift.hours * MS_PER_HOUR
      : (rotation.shift.type === "daily" ? 1 : 7) * MS_PER_DAY;
  return { rotation, start, handoff, first: anchor.first, nominal, overrides };
}

function boundary(r: CompiledRotation, k: number): number {
  const shift = r.rotation.shift;
  if (shift.type === "hours") return r.first + k * r.nominal;
  const step = shift.type === "daily" ? 1 : 7;
  return zonedTimeToInstant(r.rotation.timezone, addDays(r.start, k * step), r.handoff).instant.getTime();
}

function indexAt(r: CompiledRotation, t: number): number | undefined {
  if (t < r.first) return undefined;
  // The nominal estimate is off by at most a shift or two (DST, or a zone changing its offset).
  let k = Math.floor((t - r.first) / r.nominal);
  while (k > 0 && boundary(r, k) > t) k--;
  while (boundary(r, k + 1) <= t) k++;
  return k;
}

function toMs(instant: Date): number {
  const t = instant.getTime();
  if (!Number.isFinite(t))
    throw new ValidationError("instant is not a valid date", [{ path: "instant", message: "invalid date" }]);
  return t;
}

/** The un-overridden shift at `instant`: its index, the member and its bounds; undefined before the start. */
export function rotationShiftAt(
  rotation: Rotation,
  instant: Date,
): { index: number; personId: string | null; start: Date; end: Date } | undefined {
  const r = compile(rotation);
  const k = indexAt(r, toMs(instant));
  if (k === undefined) return undefined;
  const n = rotation.members.length;
  return {
    index: k,
    personId: n === 0 ? null : (rotation.members[k % n] ?? null),
    start: new Date(boundary(r, k)),
    end: new Date(boundary(r, k + 1)),
  };
}

/** The instant shift `index` begins (0 = the start date's handoff). */
export function shiftStartAt(rotation: Rotation, index: number): Date {
  return new Date(boundary(compile(rotation), index));
}

/** Narrower wins; equally wide: written later wins. */
function beats(a: CompiledOverride, b: CompiledOverride): boolean {
  const wa = a.to - a.from;
  const wb = b.to - b.from;
  return wa < wb || (wa === wb && a.index > b.index);
}

const peopleMaps = new WeakMap<readonly Person[], ReadonlyMap<string, Person>>();

function lookup(people: PeopleLookup, id: string): Person | undefined {
  if (!Array.isArray(people)) return (people as ReadonlyMap<string, Person>).get(id);
  const list = people as readonly Person[];
  let map = peopleMaps.get(list);
  if (!map) {
    map = new Map(list.map((p) => [p.id, p]));
    peopleMaps.set(list, map);
  }
  return map.get(id);
}

function withPerson(result: OnCall, people: PeopleLookup): OnCall {
  const person = lookup(people, result.personId);
  return person ? { ...result, person } : result;
}

/** Who `rotation` puts on call at `instant`; see the module comment for every rule. */
export function onCallAt(rotation: Rotation, people: PeopleLookup, instant: Date): OnCallResult {
  const r = compile(rotation);
  const t = toMs(instant);

  let winner: CompiledOverride | undefined;
  for (const o of r.overrides) {
    if (o.from <= t && t < o.to && (!winner || beats(o, winner))) winner = o;
  }
  if (winner) {
    let start = winner.from;
    let end = winner.to;
    for (const o of r.overrides) {
      if (o === winner || !beats(o, winner)) continue;
      if (o.to <= t) start = Math.max(start, o.to);
      else if (o.from > t) end = Math.min(end, o.from);
    }
    return withPerson(
      {
        personId: winner.override.personId,
        shiftStart: new Date(start),
        shiftEnd: new Date(end),
        source: "override",
        override: winner.override,
      },
      people,
    );
  }

  // No override covers t: each lies wholly before or after it.
  let previousEnd = Number.NEGATIVE_INFINITY;
  let nextStart = Number.POSITIVE_INFINITY;
  for (const o of r.overrides) {
    if (o.to <= t) previousEnd = Math.max(previousEnd, o.to);
    else nextStart = Math.min(nextStart, o.from);
  }
  const date = (ms: number) => (Number.isFinite(ms) ? new Date(ms) : null);

  const n = rotation.members.length;
  if (n === 0)
    return { personId: null, reason: "empty rotation", from: date(previousEnd), until: date(nextStart) };
  const k = indexAt(r, t);
  if (k === undefined) {
    return {
      personId: null,
      reason: "before start",
      from: date(previousEnd),
      until: new Date(Math.min(r.first, nextStart)),
    };
  }
  return withPerson(
    {
      personId: rotation.members[k % n] as string,
      shiftStart: new Date(Math.max(boundary(r, k), previousEnd)),
      shiftEnd: new Date(Math.min(boundary(r, k + 1), nextStart)),
      source: "rotation",
      shiftIndex: k,
    },
    people,
  );
}

export interface ScheduleSegment {
  personId: string | null;
  person?: Person;
  start: Date;
  end: Date;
  source: "rotation" | "override" | "nobody";
  reason?: NobodyOnCall["reason"];
}

/**
 * The on-call timeline of `rotation` over [from, to): contiguous segments, the first starting at
 * `from` and the last ending at `to`, each as `onCallAt` describes it (clipped to the window).
 */
export function scheduleBetween(
  rotation: Rotation,
  people: PeopleLookup,
  from: Date,
  to: Date,
  maxSegments = 10_000,
): ScheduleSegment[] {
  const end = toMs(to);
  let t = toMs(from);
  const out: ScheduleSegment[] = [];
  while (t < end) {
    if (out.length >= maxSegments) {
      throw new ValidationError(`schedule window has more than ${maxSegments} segments`, [
        { path: "to", message: "window too long" },
      ]);
    }
    const at = onCallAt(rotation, people, new Date(t));
    const segmentEnd = Math.min(end, (at.personId === null ? at.until : at.shiftEnd)?.getTime() ?? end);
    const segment: ScheduleSegment =
      at.personId === null
        ? {
            personId: null,
            start: new Date(t),
            end: new Date(segmentEnd),
            source: "nobody",
            reason: at.reason,
          }
        : { personId: at.personId, start: new Date(t), end: new Date(segmentEnd), source: at.source };
    if (at.personId !== null && at.person) segment.person = at.person;
    out.push(segment);
    t = segmentEnd;
  }
  return out;
}
