import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { createLogger } from "../lib/logger";
import { createIntegrationsApp, type IntegrationDeps } from "./app";

type HonoEvent = Parameters<ReturnType<typeof handle>>[0];

/**
 * "Integrations": the alert endpoints of other monitors (integrations/app.ts): Alertmanager's
 * webhook, PagerDuty's Events API v2 and Opsgenie's Alert API, authenticated by integration keys,
 * into the same ingest as CloudWatch alarms. Linked to Table and AlarmIngestDlq, with the ingest's
 * settings (infra/integrations.ts); the local runtime routes the same paths here.
 */
export function createIntegrationsHandler(getDeps: () => Omit<IntegrationDeps, "log">) {
  const logger = createLogger("integrations");
  const app = handle(createIntegrationsApp(() => ({ log: logger, ...getDeps() })));
  return middy((event: APIGatewayProxyEventV2, context: Context) =>
    app(event as unknown as HonoEvent, context),
  ).use(injectLambdaContext(logger));
}
