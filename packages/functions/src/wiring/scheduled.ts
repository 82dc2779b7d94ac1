import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { createLogger } from "../lib/logger";

/**
 * `defineScheduled`: the Lambda handler of a function a schedule runs (topology.ts ESCALATION,
 * MAINTENANCE, HEARTBEATS, COVERAGE, ACTION_ITEM_PULL): one run of `run` per invocation, with the
 * function's logger carrying the Lambda context. The scheduled event carries nothing to read.
 */
export function defineScheduled<R>(name: string, run: (logger: Logger) => Promise<R>) {
  const logger = createLogger(name);
  return middy(async (_event: ScheduledEvent, _context: Context) => run(logger)).use(
    injectLambdaContext(logger),
  );
}
