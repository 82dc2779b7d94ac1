import type { ApiDeps, RouteGroup } from "./api/base";
import { createApiLambda } from "./api/lambda";
import { postmortemEditRoutes } from "./api/routes/postmortem-edit";
import { awsApiAuth } from "./lib/api-resources";
import { awsPostmortemDeps } from "./lib/resources";

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

export const handler = createApiPostmortemHandler(() => {
  if (deps) return deps;
  const { incidents, postmortems } = awsPostmortemDeps();
  deps = {
    store: incidents,
    postmortems,
    auth: awsApiAuth(incidents.db, incidents.tableName, { signIn: false }),
  };
  return deps;
});
