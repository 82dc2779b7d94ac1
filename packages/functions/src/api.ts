import { DirectoryStore } from "@firebreak/core/oncall/store";
import { PageStore } from "@firebreak/core/paging/store";
import type { ApiDeps, RouteGroup } from "./api/base";
import { createApiLambda } from "./api/lambda";
import { mainRoutes } from "./api/routes/main";
import { awsApiAuth } from "./lib/api-resources";
import { awsPostmortemDeps } from "./lib/resources";

/** The route groups this function serves (API Gateway sends it their routes: infra/routes.ts). */
export const ROUTE_GROUPS: readonly RouteGroup[] = [mainRoutes];

/**
 * The "ApiHandler" function: the HTTP API's main route group (api/routes/main.ts): everything but
 * postmortem edits (api-postmortem.ts) and directory writes (api-directory.ts), which API Gateway
 * sends to functions of their own (infra/routes.ts), and the ack links (ack.ts).
 */
export function createApiHandler(getDeps: () => ApiDeps) {
  return createApiLambda("api", getDeps, ROUTE_GROUPS);
}

let deps: ApiDeps | undefined;

/** Production wiring: the table's stores, sessions and Sign in with Slack (lib/api-resources.ts). */
function awsDeps(): ApiDeps {
  if (deps) return deps;
  const { incidents, postmortems } = awsPostmortemDeps();
  const { db, tableName } = incidents;
  deps = {
    store: incidents,
    postmortems,
    auth: awsApiAuth(db, tableName, { signIn: true }),
    directory: new DirectoryStore(db, tableName),
    pages: new PageStore(db, tableName),
  };
  return deps;
}

export const handler = createApiHandler(awsDeps);
