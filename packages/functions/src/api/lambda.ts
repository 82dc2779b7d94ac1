import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { createLogger } from "../lib/logger";
import { type BaseDeps, buildApiApp, type RouteGroup } from "./base";

type HonoEvent = Parameters<ReturnType<typeof handle>>[0];

/** A Lambda handler (API Gateway HTTP API, payload v2) for the given route groups. */
export function createApiLambda<D extends BaseDeps>(
  name: string,
  getDeps: () => D,
  groups: readonly RouteGroup<D>[],
) {
  const logger = createLogger(name);
  const app = handle(buildApiApp(() => ({ log: logger, ...getDeps() }), groups));
  // Hono's event type is its own rendition of the same API Gateway v2 payload.
  return middy((event: APIGatewayProxyEventV2, context: Context) =>
    app(event as unknown as HonoEvent, context),
  ).use(injectLambdaContext(logger));
}
