import { DirectoryStore } from "@firebreak/core/oncall/store";
import { createDocumentClient } from "@firebreak/core/storage/client";
import type { BaseDeps, RouteGroup } from "./api/base";
import { createApiLambda } from "./api/lambda";
import { directoryEditRoutes } from "./api/routes/directory-edit";
import { awsApiAuth } from "./lib/api-resources";
import { linked } from "./lib/resources";

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

export const handler = createApiDirectoryHandler(() => {
  if (deps) return deps;
  const tableName = linked.Table.name;
  const db = createDocumentClient({ tableName });
  deps = { auth: awsApiAuth(db, tableName, { signIn: false }), directory: new DirectoryStore(db, tableName) };
  return deps;
});
