import { AUTH_ROLES } from "@firebreak/core/auth/roles";
import { createTokenInputSchema } from "@firebreak/core/auth/tokens";
import { INCIDENT_STATUSES, SEVERITIES } from "@firebreak/core/incident/model";
import { ROLES } from "@firebreak/core/incident/timeline";
import * as z from "zod";

/**
 * Every request schema of the HTTP API (query, path and body), exported: the routes validate with
 * them, and `openapi.ts` turns the same objects into the OpenAPI 3.1 document.
 */

const serviceName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "expected a service name: lowercase letters, digits, . _ -");

export const incidentPath = z.object({
  id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "expected an incident id: 26 characters (a ULID)"),
});

export const listIncidentsQuery = z.object({
  status: z
    .enum(["open", "resolved", "all"], { message: 'expected "open", "resolved" or "all"' })
    .default("open"),
  severity: z.enum(SEVERITIES, { message: "expected SEV1, SEV2, SEV3, SEV4 or SEV5" }).optional(),
  service: serviceName.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2048).optional(),
});

export const metricsQuery = z.object({
  since: z.string().max(64).default("30d"),
  until: z.string().max(64).optional(),
  service: serviceName.optional(),
});

export const pagesQuery = z.object({ incident: incidentPath.shape.id });

const expectedVersion = z.number().int().positive().optional();

export const declareBody = z.strictObject({
  title: z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters"),
  severity: z.enum(SEVERITIES, { message: "expected SEV1, SEV2, SEV3, SEV4 or SEV5" }).default("SEV3"),
  service: serviceName.optional(),
  description: z.string().max(4000, "at most 4000 characters").optional(),
});

export const statusBody = z.strictObject({
  expectedVersion,
  summary: z.string().trim().max(4000, "at most 4000 characters").optional(),
});

export const roleBody = z.strictObject({
  role: z.enum(ROLES, { message: `expected one of ${ROLES.join(", ")}` }),
  personId: z.string().trim().min(1, "must not be empty").max(128),
  expectedVersion,
});

export const updateBody = z.strictObject({
  text: z.string().trim().min(1, "must not be empty").max(4000, "at most 4000 characters"),
  temporary: z.boolean().default(false),
  expectedVersion,
});

export const postmortemBody = z.strictObject({
  markdown: z.string().min(1, "must not be empty").max(200_000, "at most 200,000 characters"),
  baseVersion: z.number().int().positive(),
});

export const tokenBody = createTokenInputSchema.strict();
export const tokenPath = z.object({
  id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "expected a token id: 26 characters (a ULID)"),
});

export const devSignInBody = z.object({
  person: z.string().trim().min(1, "pick a person").max(128),
  role: z.enum(AUTH_ROLES, { message: "expected viewer, responder or admin" }),
});

export const slackCallbackQuery = z.object({
  code: z.string().min(1).max(2048),
  state: z.string().min(1).max(256),
});

// ---- Responses (documentation: the OpenAPI document describes them) --------------------------

const roleHolder = z.object({
  personId: z.string(),
  personName: z.string().optional(),
  assignedAt: z.string(),
});

export const incidentView = z.object({
  id: z.string(),
  key: z.string().describe("INC-<number>"),
  number: z.number().int(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(INCIDENT_STATUSES),
  service: z.string().describe("the first of `services`"),
  services: z.array(z.string()),
  source: z.enum(["alarm", "manual"]),
  alarm: z.object({ name: z.string(), arn: z.string(), account: z.string(), region: z.string() }).nullable(),
  flapping: z.boolean(),
  description: z.string().optional(),
  roles: z.record(z.string(), roleHolder).optional(),
  summary: z.string().optional(),
  declaredAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  acknowledgedAt: z.string().optional(),
  mitigatedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  version: z.number().int(),
});

export const timelineEntry = z.object({
  id: z.string(),
  incidentId: z.string(),
  kind: z.string(),
  at: z.string(),
  actor: z.object({ type: z.string(), id: z.string(), name: z.string().optional() }),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const incidentList = z.object({ items: z.array(incidentView), cursor: z.string().nullable() });
export const incidentDetail = incidentView.extend({
  timeline: z.array(timelineEntry),
  pages: z.array(z.record(z.string(), z.unknown())),
});

export const meResponse = z.object({
  user: z.object({ id: z.string(), name: z.string(), slackUserId: z.string().nullable() }),
  role: z.enum(AUTH_ROLES),
  csrfToken: z.string().nullable(),
  devSignIn: z.boolean(),
});

export const peopleResponse = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), slackUserId: z.string().optional() })),
});

export const apiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(AUTH_ROLES),
  userId: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().optional(),
  revokedAt: z.string().optional(),
});

export const problemResponse = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  currentVersion: z.number().int().optional(),
  current: incidentView.optional(),
});

/** PUT /api/directory (JSON): the directory in its source shape (as examples/directory.yaml). */
export const directoryDocument = z.record(z.string(), z.unknown(), {
  message: "expected a directory document",
});
