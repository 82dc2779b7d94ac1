/** The OpenAPI 3.1 document: the routes of openapi-routes-*.ts, their schemas turned into JSON Schema. */
import * as z from "@firebreak/core/shared/zod";
import type { RouteDoc } from "./openapi-route-doc";
import { INCIDENT_ROUTES } from "./openapi-routes-incidents";
import { ONCALL_ROUTES } from "./openapi-routes-oncall";
import { OPERATIONS_ROUTES } from "./openapi-routes-operations";
import * as r from "./response-schemas";

/** Every documented route. The request schemas are the very objects the routes validate with. */
export const ROUTES: RouteDoc[] = [...INCIDENT_ROUTES, ...ONCALL_ROUTES, ...OPERATIONS_ROUTES];

const schema = (type: z.core.$ZodType, io: "input" | "output") =>
  z.toJSONSchema(type, { io, unrepresentable: "any", target: "draft-2020-12" });

function parameters(obj: z.ZodMiniObject | undefined, where: "query" | "path") {
  if (!obj) return [];
  const json = schema(obj, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, sub]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    schema: sub,
  }));
}

let cached: object | undefined;

/** The OpenAPI 3.1 document, generated from the zod schemas (JSON Schema 2020-12 is 3.1's dialect). */
export function openApiDocument(): object {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
  for (const route of ROUTES) {
    const responses: Record<string, unknown> = {
      [String(route.status ?? 200)]: {
        description: "OK",
        ...(route.response
          ? { content: { "application/json": { schema: schema(route.response, "output") } } }
          : {}),
      },
    };
    if (route.query || route.params || route.body)
      responses["400"] = { description: "Invalid input", content: problem };
    if (route.role) {
      responses["401"] = { description: "Not signed in, or a bad token", content: problem };
      responses["403"] = { description: "Wrong role, or CSRF check failed", content: problem };
    }
    if (route.body) responses["413"] = { description: "Body too large", content: problem };
    if (route.unavailable && route.response)
      responses["503"] = {
        description: route.unavailable,
        content: { "application/json": { schema: schema(route.response, "output") } },
      };
    if (route.method !== "get" && route.role)
      responses["409"] = { description: "Version conflict", content: problem };
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      summary: route.summary,
      ...(route.role
        ? { "x-firebreak-role": route.role, security: [{ session: [] }, { bearer: [] }] }
        : { security: [] }),
      parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { [route.bodyType ?? "application/json"]: { schema: schema(route.body, "input") } },
            },
          }
        : {}),
      responses,
    };
  }
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Firebreak API",
      version: "1.0.0",
      description:
        "Incidents, pages, postmortems and the on-call directory. Cookie sessions need X-CSRF-Token on writes; API tokens (Bearer fbk_…) do not.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "fb_session" },
        bearer: { type: "http", scheme: "bearer", bearerFormat: "fbk_<id>_<secret>" },
      },
      schemas: { Problem: schema(r.problemResponse, "output") },
    },
    security: [{ session: [] }, { bearer: [] }],
    paths,
  };
  return cached;
}
