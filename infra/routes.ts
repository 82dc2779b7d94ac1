/** Plain data (no SST globals), so tests can import it. */
/**
 * The HTTP API's functions and the routes API Gateway sends to each. A request goes to its most
 * specific route: an exact path, then a path with `{variables}`, then a greedy `{proxy+}`; a route
 * with the request's method before `ANY` (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
 * So the writes that need the schema validator or the YAML parser reach their own, smaller
 * functions, and everything else under /api and /auth the main one. Each function's Hono app
 * serves its route groups (packages/functions/src/api/routes/); infra/test/api-routes.test.ts
 * checks that every route a group serves reaches a function that registers it.
 * `/ack/{token}` goes to the Ack function (infra/paging.ts), `POST /slack/events` to the Slack handler.
 */
export const API_FUNCTIONS = {
  /** Everything else: reads, incident actions, tokens, sign-in. Linked to the sign-in secrets. */
  ApiHandler: {
    handler: "packages/functions/src/api.handler",
    routes: ["GET /health", "ANY /api/{proxy+}", "ANY /auth/{proxy+}"],
  },
  /** Human edits of postmortems (lint + schema validation). */
  ApiPostmortem: {
    handler: "packages/functions/src/api-postmortem.handler",
    routes: ["PUT /api/incidents/{id}/postmortem"],
  },
  /** Directory writes (YAML or JSON). */
  ApiDirectory: {
    handler: "packages/functions/src/api-directory.handler",
    routes: ["PUT /api/directory"],
  },
} as const;

/** The main API function's routes. */
export const API_ROUTES: readonly string[] = API_FUNCTIONS.ApiHandler.routes;
