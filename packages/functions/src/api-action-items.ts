import type { RouteGroup } from "./api/base";
import { createApiLambda } from "./api/lambda";
import { type ActionItemRouteDeps, actionItemRoutes } from "./api/routes/action-items";
import { lambdaPlatform } from "./lib/resources";
import { apiActionItemsDeps } from "./wiring/api";

/** The route groups this function serves (API Gateway sends it their routes: infra/routes.ts). */
export const ROUTE_GROUPS: readonly RouteGroup<ActionItemRouteDeps>[] = [actionItemRoutes];

/**
 * The "ApiActionItems" function: postmortem action items (create, from the draft, list, read,
 * change) and the risk view, api/routes/action-items.ts. Linked to Table and SessionKey (it
 * verifies sessions; it signs nobody in).
 */
export function createApiActionItemsHandler(getDeps: () => ActionItemRouteDeps) {
  return createApiLambda("api-action-items", getDeps, ROUTE_GROUPS);
}

let deps: ActionItemRouteDeps | undefined;

/** Production wiring (wiring/api.ts). */
export const handler = createApiActionItemsHandler(() => {
  deps ??= apiActionItemsDeps(lambdaPlatform());
  return deps;
});
