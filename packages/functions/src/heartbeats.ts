import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type HeartbeatDeps, sweepHeartbeats } from "@firebreak/core/heartbeats/actions";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { awsDeadLetters } from "./lib/dead-letters";
import { createLogger } from "./lib/logger";
import { lambdaPlatform } from "./lib/resources";
import { heartbeatSweepDeps } from "./wiring/integrations";

/**
 * heartbeats: run every minute by a cron rule (infra/integrations.ts "HeartbeatCron"): each
 * heartbeat whose last ping is older than its interval + grace opens its incident through the
 * ingest and is marked down (`sweepHeartbeats`). Repeated or concurrent sweeps are safe: the missed
 * alert of one deadline is one delivery. A failure throws (the function's error metric shows it);
 * the next minute's sweep sends the same alerts again.
 */
export function createHeartbeatsHandler(getDeps: () => HeartbeatDeps) {
  const logger = createLogger("heartbeats");
  return middy(async (_event: ScheduledEvent, _context: Context) => {
    const summary = await sweepHeartbeats(getDeps());
    if (summary.missed.length > 0) logger.warn("heartbeats missed", { ...summary });
    return summary;
  }).use(injectLambdaContext(logger));
}

/** Production wiring (wiring/integrations.ts): the same table, settings and dead letters as alarm-ingest. */
let deps: HeartbeatDeps | undefined;
export const handler = createHeartbeatsHandler(() => {
  deps ??= heartbeatSweepDeps(lambdaPlatform(), awsDeadLetters());
  return deps;
});
