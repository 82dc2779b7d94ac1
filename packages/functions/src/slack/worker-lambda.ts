import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { BusEvent } from "@firebreak/core/events/dispatcher";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { createLogger } from "../lib/logger";
import { handleSlackWorkerEvent, type SlackWorkerDeps } from "./worker";

/**
 * The Slack worker's Lambda handler: the app-bus consumer for incident channels and postmortem delivery (see
 * slack/worker.ts for the events). Thin: wiring and logging. A failure throws, so Lambda retries
 * the async invoke, then sends the event to the DLQ.
 */
export function createSlackWorkerHandler(getDeps: () => SlackWorkerDeps | Promise<SlackWorkerDeps>) {
  const logger = createLogger("slack-worker");
  let ready: Promise<SlackWorkerDeps> | undefined;
  return middy(async (event: BusEvent, _context: Context) => {
    ready ??= Promise.resolve(getDeps()).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    const deps = { ...(await ready), log: logger };
    const result = await handleSlackWorkerEvent(deps, event);
    logger.info("slack worker", {
      type: event["detail-type"],
      eventId: event.detail?.id,
      incidentId: event.detail?.incidentId,
      ...result,
    });
    return result;
  }).use(injectLambdaContext(logger));
}
