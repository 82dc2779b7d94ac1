import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { createIntegrationsApp, type IntegrationDeps } from "./integrations/app";
import { awsDeadLetters } from "./lib/dead-letters";
import { createLogger } from "./lib/logger";
import { lambdaPlatform } from "./lib/resources";
import { integrationDeps } from "./wiring/integrations";

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

/** Production wiring (wiring/integrations.ts), on the first request: a bad setting fails it, naming the variable. */
let deps: Omit<IntegrationDeps, "log"> | undefined;
export const handler = createIntegrationsHandler(() => {
  deps ??= integrationDeps(lambdaPlatform(), awsDeadLetters());
  return deps;
});
