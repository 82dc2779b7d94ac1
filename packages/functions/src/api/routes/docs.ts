/**
 * The published documents (the "ApiDocs" function): `GET /api/openapi.json`, the OpenAPI 3.1
 * document built from the very zod schemas the routes validate with (openapi.ts), and the
 * postmortem metadata's JSON Schemas. A group of its own because turning schemas into JSON Schema
 * bundles zod's converter (≈ 25 KB), and the two metadata schemas are ≈ 15 KB, which no other
 * route needs: the main function stays under its bundle budget.
 */
import { postmortemSchemaV1, postmortemSchemaV2 } from "@firebreak/core/postmortem/schema-document";
import { requireRole } from "../auth";
import type { BaseDeps, RouteGroup } from "../base";
import { openApiDocument } from "../openapi";

export const docsRoutes: RouteGroup<BaseDeps> = (app) => {
  const viewer = requireRole("viewer");
  app.get("/api/openapi.json", viewer, (c) => c.json(openApiDocument()));
  // v1 stays served: drafts stored before v2 are v1 documents, and consumers may still use it.
  app.get("/api/schemas/postmortem.v1.json", viewer, (c) =>
    c.json(postmortemSchemaV1, 200, { "content-type": "application/schema+json" }),
  );
  app.get("/api/schemas/postmortem.v2.json", viewer, (c) =>
    c.json(postmortemSchemaV2, 200, { "content-type": "application/schema+json" }),
  );
};
