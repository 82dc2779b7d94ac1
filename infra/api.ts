/**
 * API: the HTTP API ("Api", API Gateway v2) for the dashboard, served by several functions
 * (`API_FUNCTIONS` in infra/routes.ts): "ApiHandler" (packages/functions/src/api.handler: reads,
 * incident actions, tokens, sign-in; linked to Table, SessionKey and the Sign in with Slack
 * secrets), "ApiPostmortem" (`PUT /api/incidents/{id}/postmortem`) and "ApiDirectory"
 * (`PUT /api/directory`, and taking or cancelling shift overrides: `POST /api/oncall/overrides`,
 * `DELETE /api/oncall/overrides/{id}`), "ApiDocs" (`GET /api/openapi.json`) and "ApiPaging"
 * (`GET /api/incidents/{id}/trace`, `GET /api/oncall/coverage`, `GET /api/oncall/calendar`,
 * `GET /api/budgets`), "ApiActionItems" (`/api/action-items`, `/api/incidents/{id}/action-items`,
 * `GET /api/risk`) and "ApiStatus" (the public status page), each linked to Table and
 * SessionKey only. API Gateway picks the most specific route, so these bypass
 * `ANY /api/{proxy+}`.
 */
import { functionSettings } from "./config";
import { bus } from "./events";
import { API_FUNCTIONS, SLACK_FUNCTION } from "./routes";
import {
  githubToken,
  jiraApiToken,
  linearApiKey,
  sessionKey,
  slackBotToken,
  slackClientId,
  slackClientSecret,
  slackSigningSecret,
  slackTeamId,
} from "./secrets";
import { table } from "./storage";

export const API_HANDLER = API_FUNCTIONS.ApiHandler.handler;

const withEnvironment = (environment: Record<string, string>) =>
  Object.keys(environment).length > 0 ? { environment } : {};

export { API_FUNCTIONS, API_ROUTES } from "./routes";

export const apiHandler = new sst.aws.Function("ApiHandler", {
  handler: API_HANDLER,
  // Sessions (SessionKey) and Sign in with Slack (client id/secret, the allowed workspace).
  link: [table, sessionKey, slackClientId, slackClientSecret, slackTeamId],
  ...withEnvironment(functionSettings(["FIREBREAK_ADMINS", "FIREBREAK_DASHBOARD_URL"])),
});

/** Postmortem edits: verifies sessions (SessionKey), writes drafts (Table). */
export const apiPostmortem = new sst.aws.Function("ApiPostmortem", {
  handler: API_FUNCTIONS.ApiPostmortem.handler,
  link: [table, sessionKey],
});

/** The OpenAPI document: verifies sessions and tokens (SessionKey, Table). */
export const apiDocs = new sst.aws.Function("ApiDocs", {
  handler: API_FUNCTIONS.ApiDocs.handler,
  link: [table, sessionKey],
});

/** Directory writes: verifies sessions (SessionKey), writes the directory (Table). */
export const apiDirectory = new sst.aws.Function("ApiDirectory", {
  handler: API_FUNCTIONS.ApiDirectory.handler,
  link: [table, sessionKey],
});

/** Paging reads (the page trace, coverage): verifies sessions (SessionKey), reads Table. */
export const apiPaging = new sst.aws.Function("ApiPaging", {
  handler: API_FUNCTIONS.ApiPaging.handler,
  link: [table, sessionKey],
});

/**
 * Action items and the risk view: verifies sessions (SessionKey), reads and writes Table; syncs an
 * item to its tracker on demand (the trackers' secrets, FIREBREAK_JIRA_EMAIL).
 */
export const apiActionItems = new sst.aws.Function("ApiActionItems", {
  handler: API_FUNCTIONS.ApiActionItems.handler,
  link: [table, sessionKey, githubToken, jiraApiToken, linearApiKey],
  ...withEnvironment(functionSettings(["FIREBREAK_JIRA_EMAIL", "FIREBREAK_DASHBOARD_URL"])),
});

/** The public status page's summary and feed (no sign-in): reads Table; SessionKey for the shared middleware. */
export const apiStatus = new sst.aws.Function("ApiStatus", {
  handler: API_FUNCTIONS.ApiStatus.handler,
  link: [table, sessionKey],
});

export const SLACK_HANDLER = SLACK_FUNCTION.handler;

/** Read by packages/functions/src/slack.ts when set (README, Slack). */
const SLACK_HANDLER_SETTINGS = [
  "FIREBREAK_DASHBOARD_URL",
  "FIREBREAK_SLACK_ADMINS",
  "FIREBREAK_SLACK_BOT_ID",
  "FIREBREAK_SLACK_BOT_USER_ID",
  "FIREBREAK_TIMEZONE",
];

/** Slack commands, interactivity and events: one route, verified by Slack's signature. */
export const slackHandler = new sst.aws.Function("SlackHandler", {
  handler: SLACK_HANDLER,
  link: [table, bus, slackSigningSecret, slackBotToken, slackTeamId],
  memory: "1024 MB",
  timeout: "10 seconds",
  ...withEnvironment(functionSettings(SLACK_HANDLER_SETTINGS)),
});

/**
 * Throttling of every route (API Gateway applies the stage's default route settings to each route
 * separately): steady requests per second and burst. Above it, callers get 429 before any Lambda runs.
 */
export const API_THROTTLE = { throttlingRateLimit: 50, throttlingBurstLimit: 100 };

export const api = new sst.aws.ApiGatewayV2("Api", {
  transform: { stage: { defaultRouteSettings: API_THROTTLE } },
});

const API_FUNCTION_RESOURCES = {
  ApiHandler: apiHandler,
  ApiPostmortem: apiPostmortem,
  ApiDirectory: apiDirectory,
  ApiDocs: apiDocs,
  ApiPaging: apiPaging,
  ApiActionItems: apiActionItems,
  ApiStatus: apiStatus,
} satisfies Record<keyof typeof API_FUNCTIONS, sst.aws.Function>;

for (const [name, { routes }] of Object.entries(API_FUNCTIONS)) {
  const fn = API_FUNCTION_RESOURCES[name as keyof typeof API_FUNCTIONS];
  for (const route of routes) api.route(route, fn.arn);
}
for (const route of SLACK_FUNCTION.routes) api.route(route, slackHandler.arn);

export const outputs = {
  api: api.url,
};
