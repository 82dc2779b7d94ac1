import type { RouteGroup } from "./api/base";
import { createApiLambda } from "./api/lambda";
import { type PagingReadDeps, pagingReadRoutes } from "./api/routes/paging-reads";
import { testPageRoutes } from "./api/routes/test-pages";
import { lambdaPlatform } from "./lib/resources";
import { apiPagingDeps } from "./wiring/api";

/** The route groups this function serves (API Gateway sends it their routes: infra/routes.ts). */
export const ROUTE_GROUPS: readonly RouteGroup<PagingReadDeps>[] = [pagingReadRoutes, testPageRoutes];

/**
 * The "ApiPaging" function: the page trace (`GET /api/incidents/{id}/trace`) and the coverage
 * check (`GET /api/oncall/coverage`) and the rotations' calendar (`GET /api/oncall/calendar`), api/routes/paging-reads.ts;
 * test pages (`POST /api/test-pages`, `GET /api/test-pages/{id}`), api/routes/test-pages.ts. Linked to Table and SessionKey
 * (it verifies sessions; it signs nobody in).
 */
export function createApiPagingHandler(getDeps: () => PagingReadDeps) {
  return createApiLambda("api-paging", getDeps, ROUTE_GROUPS);
}

let deps: PagingReadDeps | undefined;

/** Production wiring (wiring/api.ts). */
export const handler = createApiPagingHandler(() => {
  deps ??= apiPagingDeps(lambdaPlatform());
  return deps;
});
