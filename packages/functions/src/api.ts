import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { handle } from "hono/aws-lambda";
import { type ApiDeps, createApiApp } from "./api/app";
import { createLogger } from "./lib/logger";
import { awsStore } from "./lib/resources";

/** The HTTP API handler (API Gateway v2 events). */
export function createApiHandler(getDeps: () => ApiDeps) {
  const logger = createLogger("api");
  return middy(handle(createApiApp(() => ({ log: logger, ...getDeps() })))).use(injectLambdaContext(logger));
}

export const handler = createApiHandler(() => ({ store: awsStore() }));
