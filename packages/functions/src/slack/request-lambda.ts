import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { createLogger } from "../lib/logger";
import { createSlackRequestHandler, type SlackHandlerDeps } from "./handler";

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
