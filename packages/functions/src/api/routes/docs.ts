/**
 * The API's own description (the "ApiDocs" function): `GET /api/openapi.json`, the OpenAPI 3.1
 * document built from the very zod schemas the routes validate with (openapi.ts). A group of its
 * own because turning schemas into JSON Schema bundles zod's converter (≈ 25 KB), which no other
 * route needs: the main function stays under its bundle budget.
 */
import { requireRole } from "../auth";
import type { BaseDeps, RouteGroup } from "../base";
import { openApiDocument } from "../openapi";

export const docsRoutes: RouteGroup<BaseDeps> = (app) => {
  app.get("/api/openapi.json", requireRole("viewer"), (c) => c.json(openApiDocument()));
};
