/**
 * Urgency: which severities wake people up. An escalation policy says which severities are HIGH
 * urgency; every other severity is LOW urgency. Pure.
 *
 *     escalationPolicy:
 *       urgency:
 *         high: [SEV1, SEV2]          # the default
 *         lowSmsDelayMinutes: 15      # the default
 *     workingHours:                   # on the team; the default below
 *       timezone: Europe/London
 *       days: [mon, tue, wed, thu, fri]
 *       from: "09:00"
 *       to: "17:30"
 *
 * - High urgency pages at once on every channel and escalates through the ladder (as before).
 * - Low urgency pages level 1 by Slack at once. Its SMS and SNS topic pages are HELD: each is sent
 *   `lowSmsDelayMinutes` after it was due, or at the start of the team's next working hours when
 *   that falls outside them, and only if the incident is still unacknowledged and unresolved by
 *   then. Low urgency does not escalate past the level it paged (as PagerDuty's low urgency).
 * - Raising the incident's severity to a high-urgency one pages as high urgency from then on: the
 *   held pages are sent at once, and the ladder escalates again.
 *
 * Working hours default to Monday–Friday 09:00–17:00 in the time zone of the team's first rotation
 * (UTC for a team without rotations). `to` is after `from` on the same day; the times are read on
 * the wall clock of each day, so a DST change moves them with the clock.
 */
import * as z from "@firebreak/core/shared/zod";
import { SEVERITIES, type Severity } from "../incident/model";
import {
  addDays,
  isValidTimeZone,
  type LocalDate,
  parseLocalTime,
  utcMs,
  wallTimeAt,
  zonedTimeToInstant,
} from "./tz";

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WorkingHours {
  /** IANA time zone. */
  timezone: string;
  /** The working days, e.g. `["mon", "tue", "wed", "thu", "fri"]`. */
  days: Weekday[];
  /** `HH:MM` local, inclusive. */
  from: string;
  /** `HH:MM` local, exclusive; after `from`. */
  to: string;
}

export interface UrgencyPolicy {
  /** Severities paged as high urgency (default SEV1, SEV2); the rest are low urgency. */
  high: Severity[];
  /** How long a low-urgency SMS waits (within working hours) before it is sent (default 15). */
  lowSmsDelayMinutes: number;
}

/** What the pager needs, resolved from the policy and the team at declaration. */
export interface UrgencyRules extends UrgencyPolicy {
  workingHours: WorkingHours;
}

export type Urgency = "high" | "low";

export const DEFAULT_URGENCY: UrgencyPolicy = { high: ["SEV1", "SEV2"], lowSmsDelayMinutes: 15 };
const DEFAULT_DAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri"];

const TIME_RULE = 'expected a 24-hour time "HH:MM" such as "09:00"';

export const workingHoursSchema = z
  .strictObject({
    timezone: z.string({ error: 'required (an IANA time zone such as "Europe/London")' }).check(
      z.refine(isValidTimeZone, {
        error: (issue) =>
          `unknown time zone ${JSON.stringify(issue.input)} (expected an IANA name such as "Europe/London")`,
      }),
    ),
    days: z._default(
      z
        .array(z.enum(WEEKDAYS, { error: `expected a day: ${WEEKDAYS.join(", ")}` }), {
          error: "expected a list of days such as [mon, tue, wed, thu, fri]",
        })
        .check(z.minLength(1, "list at least one working day")),
      DEFAULT_DAYS,
    ),
    from: z
      .string({ error: `required (${TIME_RULE})` })
      .check(z.refine((v) => parseLocalTime(v) !== undefined, TIME_RULE)),
    to: z
      .string({ error: `required (${TIME_RULE})` })
      .check(z.refine((v) => parseLocalTime(v) !== undefined, TIME_RULE)),
  })
  .check(
    z.refine((h) => !(parseLocalTime(h.from) && parseLocalTime(h.to)) || h.to > h.from, {
      path: ["to"],
      message: "must be after from (working hours end on the day they start)",
    }),
  );

export const urgencyPolicySchema = z.strictObject({
  high: z._default(
    z
      .array(z.enum(SEVERITIES, { error: `expected a severity: ${SEVERITIES.join(", ")}` }), {
        error: "expected a list of severities such as [SEV1, SEV2]",
      })
      .check(z.refine((list) => new Set(list).size === list.length, "lists a severity twice")),
    DEFAULT_URGENCY.high,
  ),
  lowSmsDelayMinutes: z._default(
    z
      .int({ error: "expected a whole number of minutes" })
      .check(z.gte(0, "must be at least 0"), z.lte(1440, "must be at most 1440")),
    DEFAULT_URGENCY.lowSmsDelayMinutes,
  ),
});

/** The team's working hours, or the default (Mon–Fri 09:00–17:00 in its first rotation's zone). */
export function workingHoursOf(team: {
  workingHours?: WorkingHours;
  rotations: ReadonlyArray<{ timezone: string }>;
}): WorkingHours {
  if (team.workingHours) return team.workingHours;
  return { timezone: team.rotations[0]?.timezone ?? "UTC", days: DEFAULT_DAYS, from: "09:00", to: "17:00" };
}

export function urgencyRulesOf(
  policy: { urgency?: UrgencyPolicy },
  team: { workingHours?: WorkingHours; rotations: ReadonlyArray<{ timezone: string }> },
): UrgencyRules {
  const urgency = policy.urgency ?? DEFAULT_URGENCY;
  return {
    high: [...urgency.high],
    lowSmsDelayMinutes: urgency.lowSmsDelayMinutes,
    workingHours: workingHoursOf(team),
  };
}

export function urgencyOf(rules: Pick<UrgencyPolicy, "high"> | undefined, severity: Severity): Urgency {
  // An escalation started before urgencies existed pages as it always did.
  if (!rules) return "high";
  return rules.high.includes(severity) ? "high" : "low";
}

function weekdayOf(date: LocalDate): Weekday {
  return WEEKDAYS[new Date(utcMs(date.year, date.month, date.day)).getUTCDay()] as Weekday;
}

/** The working period of `date` (when it is a working day), as instants. */
function periodOn(hours: WorkingHours, date: LocalDate): { start: number; end: number } | undefined {
  if (!hours.days.includes(weekdayOf(date))) return undefined;
  const from = parseLocalTime(hours.from);
  const to = parseLocalTime(hours.to);
  if (!from || !to) return undefined;
  const start = zonedTimeToInstant(hours.timezone, date, from).instant.getTime();
  const end = zonedTimeToInstant(hours.timezone, date, to).instant.getTime();
  return end > start ? { start, end } : undefined;
}

/** Whether `at` is within the working hours. */
export function isWorkingTime(hours: WorkingHours, at: Date): boolean {
  return nextWorkingTime(hours, at).getTime() === at.getTime();
}

/** `at` when it is within working hours, else the start of the next working period. */
export function nextWorkingTime(hours: WorkingHours, at: Date): Date {
  const t = at.getTime();
  const wall = wallTimeAt(hours.timezone, t);
  const today: LocalDate = { year: wall.year, month: wall.month, day: wall.day };
  // Yesterday too: nothing spans midnight today, but it keeps the search honest at zone edges.
  for (let d = -1; d <= 8; d++) {
    const period = periodOn(hours, addDays(today, d));
    if (period && t < period.end) return new Date(Math.max(t, period.start));
  }
  // No working day in a week (cannot happen for a validated `days`): never hold forever.
  return at;
}

/** When a low-urgency SMS due at `dueAt` is sent: after the delay, within working hours. */
export function heldUntil(rules: UrgencyRules, dueAt: Date): Date {
  return nextWorkingTime(rules.workingHours, new Date(dueAt.getTime() + rules.lowSmsDelayMinutes * 60_000));
}

/** "Mon 7 Dec 09:00 Europe/London": an instant on the team's wall clock, for messages. */
export function formatWorkingTime(hours: WorkingHours, at: Date): string {
  const w = wallTimeAt(hours.timezone, at);
  const day = weekdayOf(w);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${day[0]?.toUpperCase()}${day.slice(1)} ${w.day} ${months[w.month - 1]} ${pad(w.hour)}:${pad(w.minute)} ${hours.timezone}`;
}
