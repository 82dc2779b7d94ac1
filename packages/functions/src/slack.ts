import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { EventBridgePublisher } from "@firebreak/core/adapters/aws/eventbridge";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { createLogger } from "./lib/logger";
import { lambdaPlatform } from "./lib/resources";
import { createSlackRequestHandler, type SlackHandlerDeps } from "./slack/handler";
import { linked } from "./slack/linked";
import { slackHandlerDeps } from "./wiring/slack";

/**
 * The Slack endpoint (`POST /slack/events`: slash command, interactivity), API Gateway HTTP API
 * payload v2. middy carries the logger only: no body parser, Bolt reads the raw body.
 */
export function createSlackHandler(getDeps: () => SlackHandlerDeps | Promise<SlackHandlerDeps>) {
  const logger = createLogger("slack");
  const handle = createSlackRequestHandler(getDeps, logger);
  return middy((event: APIGatewayProxyEventV2, context: Context) => handle(event, context)).use(
    injectLambdaContext(logger),
  );
}

/**
 * Production wiring (wiring/slack.ts), read on the first request. The app bus is the linked Bus;
 * inside Slack's 3 seconds: two rounds at most, short backoff.
 */
export const handler = createSlackHandler(() => {
  const busName = linked("Bus");
  if (!busName) throw new Error("Bus must be linked");
  const bus = new EventBridgePublisher({ busName, maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 });
  return slackHandlerDeps({ ...lambdaPlatform(), bus: () => bus });
});
