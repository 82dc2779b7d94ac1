import type { ApiDeps, RouteGroup } from "./api/base";
import { createApiLambda } from "./api/lambda";
import { postmortemEditRoutes } from "./api/routes/postmortem-edit";
import { lambdaPlatform } from "./lib/resources";
import { apiPostmortemDeps } from "./wiring/api";

/** The route groups this function serves (API Gateway sends it their routes: infra/routes.ts). */
export const ROUTE_GROUPS: readonly RouteGroup[] = [postmortemEditRoutes];

/**
 * The "ApiPostmortem" function: `PUT /api/incidents/{id}/postmortem` (api/routes/postmortem-edit.ts),
 * a human edit of a postmortem draft, linted and validated against the schema. Linked to Table and
 * SessionKey (it verifies sessions; it signs nobody in).
 */
export function createApiPostmortemHandler(getDeps: () => ApiDeps) {
  return createApiLambda("api-postmortem", getDeps, ROUTE_GROUPS);
}

let deps: ApiDeps | undefined;

/** Production wiring (wiring/api.ts). */
export const handler = createApiPostmortemHandler(() => {
  deps ??= apiPostmortemDeps(lambdaPlatform());
  return deps;
});
