/**
 * Heartbeats: monitors that must be pinged. A job, a cron or a pipeline pings
 * `POST /heartbeats/{id}` (GET works too) with the heartbeat's key at least once per `interval`;
 * when `interval + grace` passes after the last ping, the heartbeat is down and an incident opens for
 * its service, through the same ingest as any alarm; the next ping recovers it and resolves the
 * incident. A heartbeat never pinged is `new` and alerts on nothing (as in Healthchecks.io and
 * Opsgenie: it starts when its job does).
 *
 * Times come from the injected clock: locally the sweep runs off the runtime's clock, in the cloud
 * every minute (HEARTBEATS in wiring/topology.ts).
 */

import { formatDuration } from "@firebreak/core/shared/duration";
import * as z from "@firebreak/core/shared/zod";
import { type Actor, type Severity, severitySchema } from "../incident/model";
import type { ExternalAlert } from "../integrations/alert";
import { parseWindowDuration } from "../maintenance/window";

export const HEARTBEAT_STATES = ["new", "up", "down"] as const;
export type HeartbeatState = (typeof HEARTBEAT_STATES)[number];

export interface Heartbeat {
  id: string;
  name: string;
  service: string;
  team?: string;
  severity: Severity;
  intervalSeconds: number;
  graceSeconds: number;
  createdAt: string;
  createdBy?: Actor;
  lastPingAt?: string;
  state: HeartbeatState;
  /** When it went down: the deadline it missed. */
  downSince?: string;
}

const slug = (what: string) =>
  z
    .string()
    .check(
      z.trim(),
      z.toLowerCase(),
      z.regex(
        /^[a-z0-9][a-z0-9._-]{0,62}$/,
        `expected a ${what}: lowercase letters, digits, . _ - (at most 63)`,
      ),
    );

/** "5m", "1h", "1h30m", "1d", within [min, max] seconds (`range` says them for people). */
const duration = (what: string, minSeconds: number, maxSeconds: number, range: string) =>
  z.string().check(
    z.refine(
      (text) => {
        const ms = parseWindowDuration(text);
        return ms !== undefined && ms / 1000 >= minSeconds && ms / 1000 <= maxSeconds;
      },
      {
        message: `expected ${what} such as "5m", "1h" or "1d", ${range}`,
      },
    ),
  );

export const heartbeatInputSchema = z.object({
  id: slug("heartbeat id"),
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100, "at most 100 characters"))),
  service: slug("service name"),
  team: z.optional(slug("team id")),
  severity: z._default(severitySchema, "SEV3"),
  /** How often it must be pinged. */
  interval: duration("an interval", 60, 7 * 86_400, "from 1 minute to 7 days"),
  /** How late a ping may be before it counts as missed (default 1 minute). */
  grace: z._default(duration("a grace period", 60, 86_400, "from 1 minute to 1 day"), "1m"),
});
export type HeartbeatInput = z.input<typeof heartbeatInputSchema>;

/** When the heartbeat is missed unless pinged: its last ping + interval + grace (none before a first ping). */
export function deadlineOf(
  hb: Pick<Heartbeat, "lastPingAt" | "intervalSeconds" | "graceSeconds">,
): Date | undefined {
  if (!hb.lastPingAt) return undefined;
  return new Date(Date.parse(hb.lastPingAt) + (hb.intervalSeconds + hb.graceSeconds) * 1000);
}

/** Whether the last ping is older than interval + grace at `now`. */
export function overdue(
  hb: Pick<Heartbeat, "lastPingAt" | "intervalSeconds" | "graceSeconds">,
  now: Date,
): boolean {
  const deadline = deadlineOf(hb);
  return deadline !== undefined && now.getTime() > deadline.getTime();
}

/** The heartbeat's alert: its identity is the heartbeat's, so its down and up are one alarm's states. */
export function missedAlert(hb: Heartbeat, deadline: Date): ExternalAlert {
  const every = formatDuration(hb.intervalSeconds);
  const at = deadline.toISOString();
  return {
    identity: "missed",
    action: "trigger",
    title: `Heartbeat ${hb.name} missed`,
    summary: `no ping since ${hb.lastPingAt}; expected every ${every} (grace ${formatDuration(hb.graceSeconds)})`,
    description: `The heartbeat ${hb.id} of ${hb.service} expects a ping every ${every}. Its last ping was at ${hb.lastPingAt}.\nPing it with POST /heartbeats/${hb.id} once the job runs again.`,
    severity: hb.severity,
    links: [],
    at,
    deliveryHint: at,
  };
}

/** The heartbeat's recovery: a ping at `at` after it was missed. */
export function recoveredAlert(hb: Heartbeat, at: Date): ExternalAlert {
  const iso = at.toISOString();
  return {
    identity: "missed",
    action: "resolve",
    title: `Heartbeat ${hb.name} missed`,
    summary: `pinged again at ${iso}`,
    links: [],
    at: iso,
    deliveryHint: iso,
  };
}
