/**
 * Time-zone maths on top of `Intl.DateTimeFormat` (Node 20 ships full ICU, so every IANA zone and
 * its whole history is there). Two operations are all the rotations need:
 *
 * - `wallTimeAt(zone, instant)`: the local calendar date and clock time of an instant;
 * - `zonedTimeToInstant(zone, date, time)`: the instant a local wall-clock time happens.
 *
 * The second is the hard one, because a wall-clock time can happen never (the spring-forward gap)
 * or twice (the autumn overlap). The rule here, used for every rotation handoff:
 *
 * - a time in a gap resolves to **the first valid instant after it**, which is the instant of the
 *   transition itself: New York's 02:30 on 2026-03-08 (clocks jump 02:00 → 03:00) is 03:00 EDT
 *   (07:00Z). Temporal's "compatible" mode would say 03:30; the handoff must not happen later
 *   than the first moment the wall clock is at or past the handoff time, so we do not;
 * - a time in an overlap resolves to **the earlier of the two instants** (01:30 on New York's
 *   fall-back day is 01:30 EDT, 05:30Z), like Temporal's "compatible" and "earlier" modes.
 *
 * Offsets are computed at one-second resolution (ICU formats whole seconds; every transition in
 * the tz database is on a whole second). The zone must not change its offset twice within 36 hours
 * of the time asked for: no zone in the tz database does.
 */

const MS_PER_SECOND = 1000;
const MS_PER_HOUR = 3_600_000;

import { ValidationError } from "@firebreak/core/shared/errors";
import { dateTimeFormat } from "@firebreak/core/shared/intl";

export const MS_PER_DAY = 86_400_000;

export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

export interface LocalTime {
  /** 0–23 */
  hour: number;
  /** 0–59 */
  minute: number;
}

export interface WallTime extends LocalDate, LocalTime {
  second: number;
}

export type ZonedResolution =
  /** The wall-clock time happens exactly once. */
  | "exact"
  /** It happens twice (autumn overlap): the earlier instant was taken. */
  | "overlap"
  /** It never happens (spring-forward gap): the transition instant, the first valid one after, was taken. */
  | "gap";

function formatter(zone: string): Intl.DateTimeFormat {
  return dateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
}

/** IANA names only (`Europe/London`, `UTC`, `Etc/GMT+5`): offsets such as `+01:00` are refused. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** True when `zone` is an IANA time-zone name that this runtime's ICU knows. */
export function isValidTimeZone(zone: string): boolean {
  if (!ZONE_NAME.test(zone)) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds since the epoch of a UTC date-time; unlike `Date.UTC`, years 0–99 are not 19xx. */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/** The local wall-clock time in `zone` at `instant` (to the second). */
export function wallTimeAt(zone: string, instant: Date | number): WallTime {
  const ms = typeof instant === "number" ? instant : instant.getTime();
  const out: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(zone).formatToParts(ms)) {
    if (part.type === "year") out.year = Number(part.value);
    else if (part.type === "month") out.month = Number(part.value);
    else if (part.type === "day") out.day = Number(part.value);
    else if (part.type === "hour") out.hour = Number(part.value);
    else if (part.type === "minute") out.minute = Number(part.value);
    else if (part.type === "second") out.second = Number(part.value);
  }
  return out;
}

/** The zone's offset from UTC at `instant`, in milliseconds (positive east of Greenwich). */
export function offsetMsAt(zone: string, instant: Date | number): number {
  const ms = typeof instant === "number" ? instant : instant.getTime();
  const w = wallTimeAt(zone, ms);
  const floored = Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND;
  return utcMs(w.year, w.month, w.day, w.hour, w.minute, w.second) - floored;
}

/**
 * The instant at which the wall clock in `zone` shows `date` `time`; see the module comment for
 * gaps (→ the transition instant) and overlaps (→ the earlier instant).
 */
export function zonedTimeToInstant(
  zone: string,
  date: LocalDate,
  time: LocalTime,
): { instant: Date; resolution: ZonedResolution } {
  // The wall time read as if it were UTC. The true instant t satisfies t + offset(t) = wall.
  const wall = utcMs(date.year, date.month, date.day, time.hour, time.minute);
  // Every offset in the tz database is within ±16 h, so t lies within wall ± 16 h: sample the
  // offsets just outside that window, before and after any transition near it.
  const before = offsetMsAt(zone, wall - 18 * MS_PER_HOUR);
  const after = offsetMsAt(zone, wall + 18 * MS_PER_HOUR);
  const valid = [...new Set([wall - before, wall - after])]
    .filter((t) => t + offsetMsAt(zone, t) === wall)
    .sort((a, b) => a - b);
  const first = valid[0];
  if (first !== undefined) {
    return { instant: new Date(first), resolution: valid.length > 1 ? "overlap" : "exact" };
  }
  if (after > before) {
    // A gap: the transition T lies in (wall - after, wall - before]. Find the first second whose
    // offset is no longer `before`.
    let lo = Math.floor((wall - after) / MS_PER_SECOND); // offset here is `before`
    let hi = Math.ceil((wall - before) / MS_PER_SECOND); // offset here is `after`
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetMsAt(zone, mid * MS_PER_SECOND) === before) lo = mid;
      else hi = mid;
    }
    return { instant: new Date(hi * MS_PER_SECOND), resolution: "gap" };
  }
  // Unreachable for the tz database (two transitions within 36 hours): keep the earlier offset.
  return { instant: new Date(wall - before), resolution: "exact" };
}

/** `date` plus `days` calendar days (proleptic Gregorian, no time zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(utcMs(date.year, date.month, date.day) + days * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Parses `YYYY-MM-DD` into a real calendar date, or undefined (2026-02-30 is refused). */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const round = addDays(date, 0);
  if (round.year !== date.year || round.month !== date.month || round.day !== date.day) return undefined;
  return date;
}

/** Parses `HH:MM` (00:00–23:59), or undefined. */
export function parseLocalTime(text: string): LocalTime | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!m) return undefined;
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** The team's IANA time zone: local times in postmortem drafts and Slack messages (UTC when unset). */
export const TIMEZONE_SETTING = "FIREBREAK_TIMEZONE";

/**
 * FIREBREAK_TIMEZONE from the environment (here, beside `isValidTimeZone`, so the functions that read it
 * bundle no other setting reader): undefined when unset or empty, the zone when it is one
 * this runtime knows (`Europe/London`, `UTC`), else a ValidationError naming the variable, so a
 * deploy (infra/config.ts) and a function's init fail on a typo instead of drafting in UTC.
 */
export function timezoneFromEnv(env: Record<string, string | undefined> = process.env): string | undefined {
  const value = env[TIMEZONE_SETTING]?.trim();
  if (!value) return undefined;
  if (!isValidTimeZone(value)) {
    throw new ValidationError(
      `invalid configuration: ${TIMEZONE_SETTING}: "${value}" is not an IANA time zone`,
      [{ path: TIMEZONE_SETTING, message: 'expected an IANA time zone such as "Europe/London" or "UTC"' }],
    );
  }
  return value;
}
