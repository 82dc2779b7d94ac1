import type { ApiDeps, RouteGroup } from "./api/base";
import { createApiLambda } from "./api/lambda";
import { mainRoutes } from "./api/routes/main";
import { peopleRoutes } from "./api/routes/people";
import { lambdaPlatform } from "./lib/resources";
import { apiDeps } from "./wiring/api";

/** The route groups this function serves (API Gateway sends it their routes: infra/routes.ts). */
export const ROUTE_GROUPS: readonly RouteGroup[] = [mainRoutes, peopleRoutes as RouteGroup];

/**
 * The "ApiHandler" function: the HTTP API's main route group (api/routes/main.ts): everything but
 * postmortem edits (api-postmortem.ts) and directory writes (api-directory.ts), which API Gateway
 * sends to functions of their own (infra/routes.ts), and the ack links (ack.ts).
 */
export function createApiHandler(getDeps: () => ApiDeps) {
  return createApiLambda("api", getDeps, ROUTE_GROUPS);
}

let deps: ApiDeps | undefined;

/** Production wiring (wiring/api.ts): the table's stores, sessions and Sign in with Slack. */
export const handler = createApiHandler(() => {
  deps ??= apiDeps(lambdaPlatform());
  return deps;
});
