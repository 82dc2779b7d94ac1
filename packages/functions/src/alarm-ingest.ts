import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type ProcessDeps, type ProcessSummary, processAlarmEvent } from "@firebreak/core/alarm/process";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { awsDeadLetters } from "./lib/dead-letters";
import { createLogger } from "./lib/logger";
import { lambdaPlatform } from "./lib/resources";
import { ingestDeps } from "./wiring/alarm-ingest";

/**
 * alarm-ingest: CloudWatch alarm transitions from the default-bus rule (EventBridge), from SNS
 * topic subscriptions, and from alarms that invoke Lambda directly.
 */
export function createAlarmIngestHandler(getDeps: () => Omit<ProcessDeps, "log">) {
  const logger = createLogger("alarm-ingest");
  return middy(
    async (event: unknown, _context: Context): Promise<ProcessSummary> =>
      processAlarmEvent({ ...getDeps(), log: logger }, event),
  ).use(injectLambdaContext(logger));
}

/** Production wiring (wiring/alarm-ingest.ts), on the first event: a bad setting fails it, naming the variable. */
let deps: Omit<ProcessDeps, "log"> | undefined;
export const handler = createAlarmIngestHandler(() => {
  deps ??= ingestDeps(lambdaPlatform(), awsDeadLetters());
  return deps;
});
