/**
 * Alerts from other monitors (packages/core/src/integrations): Function "Integrations"
 * (packages/functions/src/integrations.handler) on the HTTP API's alert endpoints, at the paths
 * their senders already use (INTEGRATION_ROUTES, from the one route table):
 * - `POST /integrations/alertmanager`: Prometheus Alertmanager's webhook (version 4);
 * - `POST /v2/enqueue`: PagerDuty Events API v2;
 * - `POST /v2/alerts`, `POST /v2/alerts/{identifier}/close|acknowledge`: Opsgenie's Alert API.
 *
 * Each request is authenticated by an integration key (stored hashed in Table) and goes through
 * the same ingest as CloudWatch alarms: linked to Table and AlarmIngestDlq (what cannot be
 * processed is dead-lettered there with its reason), with the ingest's settings.
 */
import { INGEST_SETTING_NAMES } from "../packages/core/src/shared/config";
import { HTTP_FUNCTIONS } from "../packages/functions/src/wiring/topology";
import { api } from "./api";
import { functionSettings } from "./config";
import { alarmIngestDlq } from "./events";
import { table } from "./storage";

export const INTEGRATION_ROUTES = HTTP_FUNCTIONS.Integrations.routes;

export const integrations = new sst.aws.Function("Integrations", {
  handler: HTTP_FUNCTIONS.Integrations.handler,
  link: [table, alarmIngestDlq],
  environment: functionSettings(INGEST_SETTING_NAMES),
  // A grouped notification of 500 alerts is one request (npm run bench measures it).
  timeout: "29 seconds",
  memory: "512 MB",
});

for (const route of INTEGRATION_ROUTES) api.route(route, integrations.arn);

export const outputs = {};
