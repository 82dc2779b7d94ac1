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
 * processed is dead-lettered there with its reason), with the ingest's settings. Also
 * `GET|POST /heartbeats/{id}` (a heartbeat's ping), and Function "HeartbeatSweep" with Cron
 * "HeartbeatCron" (every minute: heartbeats overdue open their incidents), and Function
 * "ChangeIngest" on the default bus's deployment events (core/changes).
 */
import { INGEST_SETTING_NAMES } from "../packages/core/src/shared/config";
import { CHANGE_INGEST, HEARTBEATS, HTTP_FUNCTIONS } from "../packages/functions/src/wiring/topology";
import { api } from "./api";
import { functionSettings } from "./config";
import { alarmIngestDlq, defaultBus } from "./events";
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

/**
 * The heartbeat sweep, every minute: heartbeats whose last ping is older than interval + grace
 * open their incidents through the ingest. Linked and set like Integrations; a failed sweep goes
 * to AlarmIngestDlq (the next minute's sweep sends the same alerts again).
 */
export const heartbeatSweep = new sst.aws.Function("HeartbeatSweep", {
  handler: HEARTBEATS.handler,
  link: [table, alarmIngestDlq],
  environment: functionSettings(INGEST_SETTING_NAMES),
  retries: 0,
  timeout: "55 seconds",
  transform: {
    eventInvokeConfig: {
      destinationConfig: { onFailure: { destination: alarmIngestDlq.arn } },
    },
  },
});

export const heartbeatCron = new sst.aws.Cron("HeartbeatCron", {
  function: heartbeatSweep.arn,
  schedule: HEARTBEATS.schedule,
});

/**
 * AWS's own deployment events → changes (core/changes): a default-bus rule (CHANGE_INGEST's
 * pattern: CodeDeploy deployment state changes, ECS deployment state changes, CloudFormation stack
 * status changes) to Function "ChangeIngest", linked to Table and AlarmIngestDlq (an event it
 * cannot read is dead-lettered there; a failed write is retried twice, then lands there too).
 */
export const changeIngest = new sst.aws.Function("ChangeIngest", {
  handler: CHANGE_INGEST.handler,
  link: [table, alarmIngestDlq],
  retries: 2,
  transform: {
    eventInvokeConfig: {
      destinationConfig: { onFailure: { destination: alarmIngestDlq.arn } },
    },
  },
});

export const changeRule = defaultBus.subscribe("ChangeIngest", changeIngest, {
  pattern: {
    source: [...CHANGE_INGEST.pattern.source],
    detailType: [...CHANGE_INGEST.pattern["detail-type"]],
  },
});

export const outputs = {};
