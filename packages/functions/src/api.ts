import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { type ApiDeps, createApiApp } from "./api/app";
import { createLogger } from "./lib/logger";
import { awsPostmortemDeps } from "./lib/resources";

type HonoEvent = Parameters<ReturnType<typeof handle>>[0];

/** The HTTP API handler (API Gateway HTTP API, payload v2). */
export function createApiHandler(getDeps: () => ApiDeps) {
  const logger = createLogger("api");
  const app = handle(createApiApp(() => ({ log: logger, ...getDeps() })));
  // Hono's event type is its own rendition of the same API Gateway v2 payload.
  return middy((event: APIGatewayProxyEventV2, context: Context) =>
    app(event as unknown as HonoEvent, context),
  ).use(injectLambdaContext(logger));
}

export const handler = createApiHandler(() => {
  const { incidents, postmortems } = awsPostmortemDeps();
  return { store: incidents, postmortems };
});
