/**
 * The whole HTTP API in one app: every route group on the base app (base.ts). The local runtime
 * serves this, and the API tests drive it. Deployed, each Lambda handler registers only its own
 * groups (api.ts, api-postmortem.ts, api-directory.ts, api-docs.ts, api-paging.ts; the Ack function serves the
 * ack links).
 */
import { type ApiDeps, buildApiApp, type RouteGroup } from "./base";
import { createApiLambda } from "./lambda";
import { ackLinkRoutes } from "./routes/ack-links";
import { actionItemRoutes } from "./routes/action-items";
import { directoryEditRoutes } from "./routes/directory-edit";
import { docsRoutes } from "./routes/docs";
import { mainRoutes } from "./routes/main";
import { pagingReadRoutes } from "./routes/paging-reads";
import { peopleRoutes } from "./routes/people";
import { postmortemEditRoutes } from "./routes/postmortem-edit";
import { statusRoutes } from "./routes/status";
import { testPageRoutes } from "./routes/test-pages";

export { type ApiDeps, MAX_API_BODY_BYTES } from "./base";
export { incidentView } from "./routes/main";
export { incidentPath, listIncidentsQuery, metricsQuery } from "./schemas";

/** Every route group, in registration order. */
export const ALL_ROUTE_GROUPS: readonly RouteGroup[] = [
  mainRoutes,
  peopleRoutes as RouteGroup,
  postmortemEditRoutes,
  directoryEditRoutes,
  docsRoutes,
  pagingReadRoutes,
  actionItemRoutes as RouteGroup,
  statusRoutes as RouteGroup,
  testPageRoutes as RouteGroup,
  ackLinkRoutes,
];

/** The HTTP API with every route. */
export function createApiApp(getDeps: () => ApiDeps) {
  return buildApiApp(getDeps, ALL_ROUTE_GROUPS);
}

/** A Lambda handler (API Gateway v2 events) serving every route: the local runtime's. */
export function createApiHandler(getDeps: () => ApiDeps) {
  return createApiLambda("api", getDeps, ALL_ROUTE_GROUPS);
}
