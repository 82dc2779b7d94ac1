import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type ReleaseDeps, releaseEndedWindows } from "@firebreak/core/maintenance/release";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { awsDeadLetters } from "./lib/dead-letters";
import { createLogger } from "./lib/logger";
import { lambdaPlatform } from "./lib/resources";
import { maintenanceReleaseDeps } from "./wiring/alarm-ingest";

/**
 * maintenance: run every minute by a cron rule (infra/events.ts): releases the held alarms of the
 * maintenance windows that ended (`releaseEndedWindows`: each alarm still in ALARM opens its
 * incident through the ingest, one that recovered is only recorded). Repeated or concurrent sweeps
 * are safe. When an alarm fails, the sweep throws after the others were released, so the failure
 * shows in the function's error metric; the window stays due and the next sweep tries again.
 */
export function createMaintenanceHandler(getDeps: () => Omit<ReleaseDeps, "log">) {
  const logger = createLogger("maintenance");
  return middy(async (_event: ScheduledEvent, _context: Context) => {
    const { errors, ...counts } = await releaseEndedWindows({ ...getDeps(), log: logger });
    if (errors.length > 0) {
      logger.error("maintenance release: some alarms failed", { ...counts, errors });
      throw new Error(
        `maintenance release: ${errors.length} failed (first: ${errors[0]?.window} ${errors[0]?.alarmArn ?? ""}: ${errors[0]?.error})`,
      );
    }
    if (counts.windows > 0) logger.info("maintenance release", counts);
    return counts;
  }).use(injectLambdaContext(logger));
}

/** Production wiring (wiring/alarm-ingest.ts): the same table, settings and dead letters as alarm-ingest. */
let deps: Omit<ReleaseDeps, "log"> | undefined;
export const handler = createMaintenanceHandler(() => {
  deps ??= maintenanceReleaseDeps(lambdaPlatform(), awsDeadLetters());
  return deps;
});
