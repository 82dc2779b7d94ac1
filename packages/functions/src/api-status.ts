import type { RouteGroup } from "./api/base";
import { createApiLambda } from "./api/lambda";
import { type StatusDeps, statusRoutes } from "./api/routes/status";
import { lambdaPlatform } from "./lib/resources";
import { apiStatusDeps } from "./wiring/api";

/** The route groups this function serves (API Gateway sends it their routes: infra/routes.ts). */
export const ROUTE_GROUPS: readonly RouteGroup<StatusDeps>[] = [statusRoutes];

/**
 * The "ApiStatus" function: the public status page's summary and Atom feed
 * (api/routes/status.ts), no sign-in. Linked to Table and SessionKey (the API's shared auth
 * middleware verifies any session it is sent; these routes need none).
 */
export function createApiStatusHandler(getDeps: () => StatusDeps) {
  return createApiLambda("api-status", getDeps, ROUTE_GROUPS);
}

let deps: StatusDeps | undefined;

/** Production wiring (wiring/api.ts). */
export const handler = createApiStatusHandler(() => {
  deps ??= apiStatusDeps(lambdaPlatform());
  return deps;
});
