/**
 * API: the HTTP API ("Api", API Gateway v2) for the dashboard. All routes go to one function,
 * "ApiHandler" (packages/functions/src/api.handler, linked to Table), which routes internally:
 * `API_ROUTES` below (health, everything under /api and /auth).
 */
import { bus } from "./events";
import { API_ROUTES } from "./routes";
import {
  sessionKey,
  slackBotToken,
  slackClientId,
  slackClientSecret,
  slackSigningSecret,
  slackTeamId,
} from "./secrets";
import { table } from "./storage";

export const API_HANDLER = "packages/functions/src/api.handler";

export { API_ROUTES } from "./routes";

export const apiHandler = new sst.aws.Function("ApiHandler", {
  handler: API_HANDLER,
  // Sessions (SessionKey) and Sign in with Slack (client id/secret, the allowed workspace).
  link: [table, sessionKey, slackClientId, slackClientSecret, slackTeamId],
});

export const SLACK_HANDLER = "packages/functions/src/slack.handler";

/** Slack commands, interactivity and events: one route, verified by Slack's signature. */
export const slackHandler = new sst.aws.Function("SlackHandler", {
  handler: SLACK_HANDLER,
  link: [table, bus, slackSigningSecret, slackBotToken, slackTeamId],
  memory: "1024 MB",
  timeout: "10 seconds",
});

/**
 * Throttling of every route (API Gateway applies the stage's default route settings to each route
 * separately): steady requests per second and burst. Above it, callers get 429 before any Lambda runs.
 */
export const API_THROTTLE = { throttlingRateLimit: 50, throttlingBurstLimit: 100 };

export const api = new sst.aws.ApiGatewayV2("Api", {
  transform: { stage: { defaultRouteSettings: API_THROTTLE } },
});

for (const route of API_ROUTES) {
  api.route(route, apiHandler.arn);
}
api.route("POST /slack/events", slackHandler.arn);

export const outputs = {
  api: api.url,
};
