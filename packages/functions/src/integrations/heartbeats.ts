import { type HeartbeatDeps, sweepHeartbeats } from "@firebreak/core/heartbeats/actions";
import { defineScheduled } from "../wiring/scheduled";

/**
 * The heartbeat sweep (HEARTBEATS, every minute; infra/integrations.ts "HeartbeatCron"): each
 * heartbeat whose last ping is older than its interval + grace opens its incident through the
 * ingest and is marked down (`sweepHeartbeats`). Repeated or concurrent sweeps are safe: the missed
 * alert of one deadline is one delivery. A failure throws (the function's error metric shows it);
 * the next minute's sweep sends the same alerts again.
 */
export function createHeartbeatsHandler(getDeps: () => HeartbeatDeps) {
  return defineScheduled("heartbeats", async (logger) => {
    const summary = await sweepHeartbeats(getDeps());
    if (summary.missed.length > 0) logger.warn("heartbeats missed", { ...summary });
    return summary;
  });
}
