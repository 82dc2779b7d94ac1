/**
 * API: the HTTP API ("Api", API Gateway v2) for the dashboard. All routes go to one function,
 * "ApiHandler" (packages/functions/src/api.handler, linked to Table), which routes internally:
 * `API_ROUTES` below (health, incidents, postmortems, the postmortem schema, metrics).
 */
import { table } from "./storage";

export const API_HANDLER = "packages/functions/src/api.handler";

export const API_ROUTES = [
  "GET /health",
  "GET /api/incidents",
  "GET /api/incidents/{id}",
  "GET /api/incidents/{id}/postmortem",
  "GET /api/incidents/{id}/postmortem.md",
  "GET /api/incidents/{id}/postmortem.json",
  "GET /api/schemas/postmortem.v1.json",
  "GET /api/metrics",
];

export const apiHandler = new sst.aws.Function("ApiHandler", {
  handler: API_HANDLER,
  link: [table],
});

export const api = new sst.aws.ApiGatewayV2("Api");

for (const route of API_ROUTES) {
  api.route(route, apiHandler.arn);
}

export const outputs = {
  api: api.url,
};
