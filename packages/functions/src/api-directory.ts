import type { BaseDeps, RouteGroup } from "./api/base";
import { createApiLambda } from "./api/lambda";
import { directoryEditRoutes } from "./api/routes/directory-edit";
import { lambdaPlatform } from "./lib/resources";
import { apiDirectoryDeps } from "./wiring/api";

/** The route groups this function serves (API Gateway sends it their routes: infra/routes.ts). */
export const ROUTE_GROUPS: readonly RouteGroup<BaseDeps>[] = [directoryEditRoutes];

/**
 * The "ApiDirectory" function: `PUT /api/directory` (api/routes/directory-edit.ts), the on-call
 * directory as YAML or JSON. Linked to Table and SessionKey (it verifies sessions; it signs nobody
 * in). It needs only the directory and the API tokens, not the incident or postmortem stores.
 */
export function createApiDirectoryHandler(getDeps: () => BaseDeps) {
  return createApiLambda("api-directory", getDeps, ROUTE_GROUPS);
}

let deps: BaseDeps | undefined;

/** Production wiring (wiring/api.ts). */
export const handler = createApiDirectoryHandler(() => {
  deps ??= apiDirectoryDeps(lambdaPlatform());
  return deps;
});
