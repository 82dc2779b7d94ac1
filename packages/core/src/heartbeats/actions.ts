/**
 * What happens to heartbeats: created (API, CLI), pinged (the Integrations function's
 * `/heartbeats/{id}`), swept every minute (functions/heartbeats.ts, and the local runtime's timer).
 *
 * The alert is sent before the heartbeat's state is written, and both are idempotent, so a crash
 * between them loses nothing: the next sweep sends the same ALARM (same deadline, a duplicate) and
 * marks it down; the next ping of a heartbeat still overdue or down sends its OK again.
 */
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { validate } from "@firebreak/core/shared/validate";
import type { Actor } from "../incident/model";
import { type AlertResult, type ReceiveDeps, receiveAlerts } from "../integrations/receive";
import { parseWindowDuration } from "../maintenance/window";
import type { HeartbeatRepository } from "../ports";
import {
  deadlineOf,
  type Heartbeat,
  type HeartbeatInput,
  heartbeatInputSchema,
  missedAlert,
  overdue,
  recoveredAlert,
} from "./heartbeat";

export interface HeartbeatDeps {
  heartbeats: HeartbeatRepository;
  /** The ingest (with its dead letters): a missed heartbeat is an alert like any other. */
  receive: ReceiveDeps;
  clock?: Clock;
}

const clockOf = (deps: { clock?: Clock }) => deps.clock ?? systemClock;

export async function createHeartbeat(
  deps: Pick<HeartbeatDeps, "heartbeats" | "clock">,
  input: HeartbeatInput,
  actor?: Actor,
): Promise<{ key: string; heartbeat: Heartbeat }> {
  const data = validate(heartbeatInputSchema, input, "heartbeat");
  const seconds = (text: string) => Math.round((parseWindowDuration(text) ?? 0) / 1000);
  return deps.heartbeats.create({
    id: data.id,
    name: data.name ?? data.id,
    service: data.service,
    ...(data.team ? { team: data.team } : {}),
    severity: data.severity,
    intervalSeconds: seconds(data.interval),
    graceSeconds: seconds(data.grace),
    createdAt: clockOf(deps).now().toISOString(),
    ...(actor ? { createdBy: actor } : {}),
    state: "new",
  });
}

/** A heartbeat as the API shows it: with the deadline of its next ping. */
export function heartbeatView(hb: Heartbeat) {
  const deadline = deadlineOf(hb);
  return { ...hb, ...(deadline ? { nextPingBy: deadline.toISOString() } : {}) };
}

export interface PingResult {
  heartbeat: Heartbeat;
  /** The recovery sent when the ping came after a miss. */
  recovered?: AlertResult;
}

/**
 * A ping from the heartbeat's job (its key already checked; `heartbeat` as read then, strongly
 * consistent). Down, or overdue and not yet swept: the recovery is sent first, then the ping is
 * recorded, so a crash between them leaves the heartbeat as it was and the next ping sends the
 * recovery again (a repeat OK changes nothing).
 */
export async function pingHeartbeat(
  deps: HeartbeatDeps,
  heartbeat: Heartbeat,
): Promise<PingResult | undefined> {
  const now = clockOf(deps).now();
  const missed = heartbeat.state === "down" || overdue(heartbeat, now);
  const [recovered] = missed
    ? await receiveAlerts(deps.receive, "heartbeat", heartbeat, [recoveredAlert(heartbeat, now)])
    : [];
  const pinged = await deps.heartbeats.recordPing(heartbeat.id, now.toISOString());
  if (!pinged) return undefined;
  return { heartbeat: pinged.after, ...(recovered ? { recovered } : {}) };
}

export interface SweepSummary {
  checked: number;
  missed: { id: string; outcome: string; incidentId?: string }[];
}

/** Every heartbeat overdue and not yet down: its missed alert, then marked down. */
export async function sweepHeartbeats(deps: HeartbeatDeps): Promise<SweepSummary> {
  const now = clockOf(deps).now();
  const all = await deps.heartbeats.list();
  const summary: SweepSummary = { checked: all.length, missed: [] };
  for (const hb of all) {
    if (hb.state === "down" || !hb.lastPingAt || !overdue(hb, now)) continue;
    const deadline = deadlineOf(hb) as Date;
    const [result] = await receiveAlerts(deps.receive, "heartbeat", hb, [missedAlert(hb, deadline)]);
    // A ping that landed meanwhile moved lastPingAt: not marked down; that ping sent the recovery.
    await deps.heartbeats.markDown(hb.id, hb.lastPingAt, deadline.toISOString());
    summary.missed.push({
      id: hb.id,
      outcome: result?.outcome ?? "none",
      ...(result?.incidentId ? { incidentId: result.incidentId } : {}),
    });
  }
  return summary;
}
