import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type PagingDeps, sweepEscalations } from "@firebreak/core/paging/service";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { createLogger } from "./lib/logger";
import { awsPagingDeps } from "./lib/paging-resources";

/**
 * escalation: run every minute by a cron rule (infra/paging.ts); one sweep of the escalations
 * that are due (`sweepEscalations`: next level, repeats, fallback, role coverage). Concurrent or
 * repeated sweeps are safe (each step is a conditional write). When some escalations failed the
 * sweep throws after the others were processed, so the failure shows in the function's error
 * metric; the failed ones stay due and the next sweep tries them again.
 */
export function createEscalationHandler(getDeps: () => PagingDeps) {
  const logger = createLogger("escalation");
  return middy(async (_event: ScheduledEvent, _context: Context) => {
    const result = await sweepEscalations(getDeps());
    const { errors, ...counts } = result;
    if (errors.length > 0) {
      logger.error("escalation sweep: some escalations failed", { ...counts, errors });
      throw new Error(
        `escalation sweep: ${errors.length} of ${result.due} due escalations failed (first: ${errors[0]?.incidentId}: ${errors[0]?.error})`,
      );
    }
    logger.info("escalation sweep", counts);
    return counts;
  }).use(injectLambdaContext(logger));
}

export const handler = createEscalationHandler(awsPagingDeps);
