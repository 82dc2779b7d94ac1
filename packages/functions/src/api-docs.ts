import type { BaseDeps, RouteGroup } from "./api/base";
import { createApiLambda } from "./api/lambda";
import { docsRoutes } from "./api/routes/docs";
import { lambdaPlatform } from "./lib/resources";
import { apiDocsDeps } from "./wiring/api";

/** The route groups this function serves (API Gateway sends it their routes: infra/routes.ts). */
export const ROUTE_GROUPS: readonly RouteGroup<BaseDeps>[] = [docsRoutes];

/**
 * The "ApiDocs" function: `GET /api/openapi.json` (api/routes/docs.ts). Linked to Table and
 * SessionKey: it checks the caller's session or token (viewers and up), nothing else.
 */
export function createApiDocsHandler(getDeps: () => BaseDeps) {
  return createApiLambda("api-docs", getDeps, ROUTE_GROUPS);
}

let deps: BaseDeps | undefined;

/** Production wiring (wiring/api.ts). */
export const handler = createApiDocsHandler(() => {
  deps ??= apiDocsDeps(lambdaPlatform());
  return deps;
});
