import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type CoverageCheckDeps, checkCoverage } from "@firebreak/core/oncall/coverage-alerts";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { createLogger } from "./lib/logger";
import { lambdaPlatform } from "./lib/resources";
import { coverageCheckDeps } from "./wiring/paging";

/**
 * coverage: run every hour by a cron rule (infra/paging.ts "CoverageCron"): the directory's
 * coverage for the next 14 days; new gaps become one `oncall.coverage_gaps_found` event (the Slack
 * worker posts it to each team's alert channel). A failure throws (the function's error metric
 * and CoverageDlq show it); the next hour's check finds the same gaps still new.
 */
export function createCoverageHandler(getDeps: () => CoverageCheckDeps) {
  const logger = createLogger("coverage");
  return middy(async (_event: ScheduledEvent, _context: Context) => {
    const result = await checkCoverage(getDeps());
    logger.info("coverage checked", { ...result });
    return result;
  }).use(injectLambdaContext(logger));
}

let deps: CoverageCheckDeps | undefined;
export const handler = createCoverageHandler(() => {
  deps ??= coverageCheckDeps(lambdaPlatform());
  return deps;
});
