import { calendarFeedSchema } from "@firebreak/core/adapters/dynamodb/oncall/calendar-store";
import { createTokenInputSchema } from "@firebreak/core/auth/tokens";
import { changeInputSchema } from "@firebreak/core/changes/change";
import { heartbeatInputSchema } from "@firebreak/core/heartbeats/heartbeat";
import {
  expectedVersionSchema,
  manyLineText,
  oneLineText,
  reopenInputSchema,
  serviceNameSchema,
  updateInputSchema,
} from "@firebreak/core/incident/inputs";
import {
  INCIDENT_STATUSES,
  parseSeverity,
  SEVERITIES,
  SEVERITY_VALUES,
} from "@firebreak/core/incident/model";
import { escalationRequestSchema, responderRequestSchema } from "@firebreak/core/incident/responders";
import { ROLES } from "@firebreak/core/incident/timeline";
import { createIntegrationInputSchema } from "@firebreak/core/integrations/keys";
import { windowRequestSchema } from "@firebreak/core/maintenance/window";
import { convertedString } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import { INCIDENT_KEY, INCIDENT_ULID, incidentPath } from "./schemas-base";

export * from "./schemas-base";

/**
 * Every request schema of the HTTP API (query, path and body), exported: the routes validate with
 * them, and `openapi.ts` turns the same objects into the OpenAPI 3.1 document.
 */

export const listIncidentsQuery = z.object({
  status: z._default(
    z.enum(["open", "resolved", "all"], { message: 'expected "open", "resolved" or "all"' }),
    "open",
  ),
  severity: z.optional(z.enum(SEVERITIES, { message: "expected SEV1, SEV2, SEV3, SEV4 or SEV5" })),
  service: z.optional(serviceNameSchema),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), 50),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});

export const metricsQuery = z.object({
  since: z._default(z.string().check(z.maxLength(64)), "30d"),
  until: z.optional(z.string().check(z.maxLength(64))),
  service: z.optional(serviceNameSchema),
});

/** GET /api/budgets: one service, else every service with an SLO. */
export const budgetsQuery = z.object({ service: z.optional(serviceNameSchema) });

export const pagesQuery = z.object({ incident: incidentPath.shape.id });

/** GET /api/oncall/coverage: the window (core/oncall/coverage.ts). */
export const coverageQuery = z.object({
  from: z.optional(
    z.string().check(
      z.maxLength(64),
      z.refine((v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v)), {
        message: 'expected an ISO 8601 instant such as "2026-03-17T12:00:00Z"',
      }),
    ),
  ),
  days: z._default(
    z.coerce
      .number({ message: "expected a whole number of days from 1 to 31" })
      .check(
        z.int({ message: "expected a whole number of days from 1 to 31" }),
        z.gte(1, { message: "expected a whole number of days from 1 to 31" }),
        z.lte(31, { message: "expected a whole number of days from 1 to 31" }),
      ),
    14,
  ),
});

const STATUS_DAYS = "expected a whole number of days from 1 to 90";

/** The public status summary's query: how many days of history (today included). */
export const statusQuery = z.strictObject({
  days: z._default(
    z.coerce
      .number({ message: STATUS_DAYS })
      .check(
        z.int({ message: STATUS_DAYS }),
        z.gte(1, { message: STATUS_DAYS }),
        z.lte(90, { message: STATUS_DAYS }),
      ),
    90,
  ),
});

/** The Atom feed takes no query. */
export const feedQuery = z.strictObject({});

// Text is normalised as it enters (shared/text.ts): well-formed, no stray control characters.
export const declareBody = z.strictObject({
  title: z
    .string()
    .check(
      oneLineText(),
      z.trim(),
      z.minLength(1, "must not be empty"),
      z.maxLength(200, "at most 200 characters"),
    ),
  // Any case, as Slack and the CLI take it (`sev1`); the route stores it upper-case.
  severity: z._default(
    z.enum([...SEVERITIES, ...SEVERITIES.map((s) => s.toLowerCase() as Lowercase<typeof s>)], {
      message: "expected SEV1, SEV2, SEV3, SEV4 or SEV5 (any case)",
    }),
    "SEV3",
  ),
  service: z.optional(serviceNameSchema),
  description: z.optional(z.string().check(manyLineText(), z.maxLength(4000, "at most 4000 characters"))),
});

export const statusBody = z.strictObject({
  expectedVersion: expectedVersionSchema,
  expectedStatus: z.optional(
    z
      .enum(INCIDENT_STATUSES)
      .check(
        z.describe(
          "the status you saw: 409 only if the status moved since (an unrelated change, such as a role, does not block)",
        ),
      ),
  ),
  summary: z.optional(
    z.string().check(manyLineText(), z.trim(), z.maxLength(4000, "at most 4000 characters")),
  ),
});

export const severityBody = z.strictObject({
  severity: convertedString(
    parseSeverity,
    (value) => `${JSON.stringify(value.slice(0, 32))} is not a severity: expected ${SEVERITY_VALUES}`,
    z.string({ error: `required: ${SEVERITY_VALUES}` }),
  ),
  reason: z.optional(z.string().check(oneLineText(), z.trim(), z.maxLength(500, "at most 500 characters"))),
  expectedVersion: expectedVersionSchema,
});

export const roleBody = z.strictObject({
  role: z.enum(ROLES, { message: `expected one of ${ROLES.join(", ")}` }),
  personId: z.string().check(oneLineText(), z.trim(), z.minLength(1, "must not be empty"), z.maxLength(128)),
  expectedVersion: expectedVersionSchema,
  page: z.optional(
    z.boolean().check(z.describe("page the assignee (default: for the IC, unless you assign yourself)")),
  ),
});

export const updateBody = z.strictObject(updateInputSchema.shape);

export const postmortemBody = z.strictObject({
  markdown: z
    .string()
    .check(z.minLength(1, "must not be empty"), z.maxLength(200_000, "at most 200,000 characters")),
  baseVersion: z.number().check(z.int(), z.positive()),
  releaseInvolved: z.optional(
    z
      .enum(["yes", "no", "unknown"])
      .check(
        z.describe(
          "a person's answer on release involvement (confirms or rejects a `suspected` one; yes keeps the suspected changes as references)",
        ),
      ),
  ),
});

/** One stored version of an incident's postmortem (`/postmortem/versions/{version}`). */
export const postmortemVersionPath = z.object({
  id: incidentPath.shape.id,
  version: z.coerce.number().check(z.int(), z.gte(1), z.lte(1_000_000)),
});

export const tokenBody = z.strictObject(createTokenInputSchema.shape);

export const integrationBody = z.strictObject(createIntegrationInputSchema.shape);

export const heartbeatBody = z.strictObject(heartbeatInputSchema.shape);

export const calendarBody = z.strictObject(calendarFeedSchema.shape);

export const changeBody = z.strictObject(changeInputSchema.shape);

export const calendarQuery = z.object({
  weeks: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(26)), 8),
});

export const heartbeatPath = z.object({ id: heartbeatInputSchema.shape.id });

export const tokenPath = z.object({
  id: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "expected a token id: 26 characters (a ULID)")),
});

// The responses are response-schemas.ts (the OpenAPI document's only).

/** A reference to another incident in a body: its id or INC-<n>. */
const otherIncident = (what: string) =>
  z.string({ error: `required: ${what} (INC-<n> or its id)` }).check(
    z.trim(),
    z.refine((v) => INCIDENT_ULID.test(v) || INCIDENT_KEY.test(v), {
      message: `expected ${what}: INC-<n> or an incident id (26 characters, a ULID)`,
    }),
  );

export const mergeBody = z.strictObject({
  into: otherIncident("the incident to merge into"),
  reason: z.optional(z.string().check(oneLineText(), z.trim(), z.maxLength(500, "at most 500 characters"))),
  expectedVersion: expectedVersionSchema,
});

export const linkBody = z.strictObject({
  incident: otherIncident("the related incident"),
  reason: z.optional(z.string().check(oneLineText(), z.trim(), z.maxLength(500, "at most 500 characters"))),
});

export const linkPath = z.object({ id: incidentPath.shape.id, other: incidentPath.shape.id });

/** POST /api/incidents/{id}/responders: a person of the directory, or a team's current on-call. */
export const respondersBody = responderRequestSchema;

/** POST /api/incidents/{id}/escalate: `next` (escalate now, the default) or `repage` (the current level again). */
export const escalateBody = escalationRequestSchema;

/** POST /api/incidents/{id}/reopen. */
export const reopenBody = z.strictObject(reopenInputSchema.shape);

export const onCallQuery = z.object({
  service: z.optional(serviceNameSchema),
  team: z.optional(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "expected a team id"))),
});

/** POST /api/maintenance: services and/or a team; from (default now); to or duration; reason. */
export const maintenanceBody = windowRequestSchema;

export const maintenancePath = z.object({
  id: z
    .string()
    .check(
      z.regex(/^(?:MW-)?[1-9]\d{0,8}$/i, "expected a maintenance window such as MW-3"),
      z.describe("MW-<n> (or n)"),
    ),
});

export const maintenanceQuery = z.object({
  service: z.optional(serviceNameSchema),
});
