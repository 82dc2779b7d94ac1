/**
 * Maintenance windows: for a time, the alarms of some services (or of a team's services) are
 * recorded and held, not paged. When the window ends (its `to`, or when it is cancelled), each
 * held alarm still in ALARM opens its incident as usual; one that recovered is only recorded
 * (release.ts). Pure rules here; DynamoDB in store.ts.
 */

import { FirebreakError, issuesFromZod, ValidationError } from "@firebreak/core/shared/errors";
import * as z from "@firebreak/core/shared/zod";
import type { AlarmTransition } from "../alarm/transition";
import { oneLineText, serviceNameSchema } from "../incident/inputs";
import type { Actor } from "../incident/model";

export interface MaintenanceWindow {
  /** Sortable id (ULID). */
  id: string;
  /** Human number: MW-<number>. */
  number: number;
  /** The services whose alarms it holds (lowercase service names). */
  services: string[];
  /** A team whose services' alarms it holds (the alarm's owning team, as classification finds it). */
  team?: string;
  from: string;
  to: string;
  reason: string;
  createdBy: Actor;
  createdAt: string;
  cancelledAt?: string;
  cancelledBy?: Actor;
  /** When its held alarms were released (release.ts); set once, after every one was. */
  releasedAt?: string;
}

export type WindowState = "scheduled" | "active" | "ended" | "cancelled";

/** The longest window: a window that holds pages for weeks is a forgotten window. */
export const MAX_WINDOW_MS = 7 * 24 * 3_600_000;
export const MAX_WINDOW_SERVICES = 20;
export const MAX_REASON_LENGTH = 500;

/** MW-<n>. */
export function windowKey(w: Pick<MaintenanceWindow, "number">): string {
  return `MW-${w.number}`;
}

/** When the window stops holding alarms: its `to`, or its cancellation when that came first. */
export function windowEnd(w: Pick<MaintenanceWindow, "to" | "cancelledAt">): string {
  return w.cancelledAt && w.cancelledAt < w.to ? w.cancelledAt : w.to;
}

export function windowState(w: MaintenanceWindow, now: Date): WindowState {
  const at = now.toISOString();
  if (w.cancelledAt && w.cancelledAt <= at) return w.cancelledAt <= w.from ? "cancelled" : "ended";
  if (at < w.from) return "scheduled";
  return at < w.to ? "active" : "ended";
}

/** Whether the window holds, at `now`, an alarm of these services and this owning team. */
export function windowHolds(
  w: MaintenanceWindow,
  now: Date,
  alarm: { services: readonly string[]; team?: string | undefined },
): boolean {
  if (windowState(w, now) !== "active") return false;
  if (w.team && alarm.team === w.team) return true;
  return alarm.services.some((s) => w.services.includes(s));
}

/** What the window covers, for messages: "checkout, payments" or "team payments". */
export function windowScope(w: Pick<MaintenanceWindow, "services" | "team">): string {
  return [...w.services, ...(w.team ? [`team ${w.team}`] : [])].join(", ");
}

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?$/i;

/** "2h", "90m", "1h30m", "1d" → milliseconds; undefined when it is not such a duration. */
export function parseWindowDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || !text.trim() || !(match[1] || match[2] || match[3])) return undefined;
  const [days, hours, minutes] = [match[1], match[2], match[3]].map((n) => Number(n ?? 0)) as [
    number,
    number,
    number,
  ];
  const ms = ((days * 24 + hours) * 60 + minutes) * 60_000;
  return ms > 0 ? ms : undefined;
}

const isoInstant = z.string().check(
  z.refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s), {
    message: "expected an ISO 8601 instant with a time zone, e.g. 2026-12-04T22:00:00Z",
  }),
  z.refine((s) => Number.isFinite(Date.parse(s)), { message: "not a real date and time" }),
);

/** The request to schedule a window (API body, CLI flags, Slack arguments). */
export const windowRequestSchema = z
  .strictObject({
    services: z.optional(
      z
        .array(serviceNameSchema)
        .check(z.maxLength(MAX_WINDOW_SERVICES, `at most ${MAX_WINDOW_SERVICES} services`)),
    ),
    team: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "expected a team id"))),
    from: z.optional(isoInstant),
    to: z.optional(isoInstant),
    duration: z.optional(
      z.string().check(
        z.refine((s) => parseWindowDuration(s) !== undefined, {
          message: 'expected a duration such as "30m", "2h", "1h30m" or "1d"',
        }),
      ),
    ),
    reason: z
      .string()
      .check(
        oneLineText(),
        z.trim(),
        z.minLength(1, "say why (it is shown on every alarm the window holds)"),
        z.maxLength(MAX_REASON_LENGTH),
      ),
  })
  .check(
    z.refine((r) => (r.services?.length ?? 0) > 0 || r.team !== undefined, {
      message: "name the services (services) or the team (team) the window is for",
      path: ["services"],
    }),
    z.refine((r) => (r.to === undefined) !== (r.duration === undefined), {
      message: "give exactly one of to and duration",
      path: ["to"],
    }),
  );

export type WindowRequest = z.infer<typeof windowRequestSchema>;

/** The window's services, team and times, checked against now; a ValidationError names each problem. */
export function planWindow(
  input: unknown,
  now: Date,
): { services: string[]; team?: string; from: string; to: string; reason: string } {
  const parsed = windowRequestSchema.safeParse(input);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues);
    throw new ValidationError(
      `invalid maintenance window: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  const r = parsed.data;
  const fromMs = r.from ? Date.parse(r.from) : now.getTime();
  const toMs = r.to ? Date.parse(r.to) : fromMs + (parseWindowDuration(r.duration ?? "") ?? 0);
  const problem = (path: string, message: string) =>
    new ValidationError(`invalid maintenance window: ${path}: ${message}`, [{ path, message }]);
  if (toMs <= fromMs) throw problem("to", "must be after from");
  if (toMs <= now.getTime()) throw problem("to", `must be in the future (now is ${now.toISOString()})`);
  if (toMs - fromMs > MAX_WINDOW_MS) throw problem("to", "a window lasts at most 7 days");
  if (fromMs > now.getTime() + 90 * 24 * 3_600_000) throw problem("from", "schedule at most 90 days ahead");
  return {
    services: [...new Set(r.services ?? [])],
    ...(r.team ? { team: r.team } : {}),
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    reason: r.reason,
  };
}

/** Each alarm's latest held transition (by state timestamp; ALARM after OK on a tie). */
export function latestPerAlarm(held: readonly { transition: AlarmTransition }[]): AlarmTransition[] {
  const latest = new Map<string, AlarmTransition>();
  for (const { transition: t } of held) {
    const seen = latest.get(t.alarmArn);
    const later =
      !seen ||
      t.stateTimestamp > seen.stateTimestamp ||
      (t.stateTimestamp === seen.stateTimestamp && t.state === "ALARM");
    if (later) latest.set(t.alarmArn, t);
  }
  return [...latest.values()];
}

/** What a window's timeline says of one of its alarms' transitions (held, released). */
export function windowAlarmData(w: Pick<MaintenanceWindow, "id" | "number">, t: AlarmTransition) {
  return {
    window: windowKey(w),
    windowId: w.id,
    alarmArn: t.alarmArn,
    alarmName: t.alarmName,
    state: t.state,
    stateTimestamp: t.stateTimestamp,
  };
}

/** The window cannot change any more: it ended or was cancelled (a 409). */
export class WindowEndedError extends FirebreakError {
  constructor(w: MaintenanceWindow, what: string) {
    super("window_ended", `${windowKey(w)} ${what}`);
  }
}

export interface HeldTransition {
  windowId: string;
  transition: AlarmTransition;
  heldAt: string;
}

export interface ReleaseRecord {
  arn: string;
  alarmName: string;
  outcome: string;
  incidentId?: string;
  incidentNumber?: number;
  at: string;
}
