import { AUTH_ROLES } from "@firebreak/core/auth/roles";
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
import { calendarFeedSchema } from "@firebreak/core/oncall/calendar-store";
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

// ---- Responses (documentation: the OpenAPI document describes them) --------------------------

const roleHolder = z.object({
  personId: z.string(),
  personName: z.optional(z.string()),
  assignedAt: z.string(),
});

const incidentRef = z.object({
  id: z.string(),
  number: z.number().check(z.int()),
  title: z.string(),
  at: z.string().check(z.describe("when it was merged or linked")),
});

export const incidentView = z.object({
  id: z.string(),
  key: z.string().check(z.describe("INC-<number>")),
  number: z.number().check(z.int()),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(INCIDENT_STATUSES),
  service: z.string().check(z.describe("the first of `services`")),
  services: z.array(z.string()),
  /** The owning team the alarm's team tag named, when it did. */
  team: z.optional(z.string()),
  source: z.enum(["alarm", "manual"]),
  alarm: z.nullable(
    z.object({
      name: z.string(),
      arn: z.string(),
      account: z.string(),
      region: z.string(),
      /** The opening transition's context (core/alarm/context.ts; bounded). */
      context: z.optional(
        z.object({
          type: z.enum(["metric", "composite"]),
          state: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]),
          stateTimestamp: z.string(),
          description: z.optional(z.string()),
          links: z.array(z.object({ label: z.string(), url: z.string() })),
          reason: z.optional(z.string()),
          metrics: z.array(z.string()),
          threshold: z.optional(z.number()),
          comparison: z.optional(z.string()),
          value: z.optional(z.number()),
          band: z.optional(z.string()),
          composite: z.optional(
            z.object({
              rule: z.string(),
              children: z.array(
                z.object({
                  name: z.string(),
                  state: z.optional(z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"])),
                }),
              ),
              suppressedBy: z.optional(z.string()),
            }),
          ),
          consoleUrl: z.optional(z.string()),
          source: z.optional(z.string()),
          integration: z.optional(z.object({ id: z.string(), name: z.string() })),
        }),
      ),
    }),
  ),
  flapping: z.boolean(),
  description: z.optional(z.string()),
  roles: z.optional(z.record(z.string(), roleHolder)),
  summary: z.optional(z.string()),
  declaredAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  acknowledgedAt: z.optional(z.string()),
  mitigatedAt: z.optional(z.string()),
  resolvedAt: z.optional(z.string()),
  reopenedAt: z.optional(
    z.string().check(z.describe("when its alarm last reopened it (fired again within the reopen window)")),
  ),
  reopens: z.optional(z.number().check(z.int(), z.describe("how many times it was reopened"))),
  relatedAlarms: z.optional(
    z
      .array(z.object({ arn: z.string(), name: z.string(), at: z.string() }))
      .check(z.describe("alarms grouped into it (they fired for its service while it was open)")),
  ),
  mergedInto: z.optional(incidentRef.check(z.describe("the incident this duplicate was merged into"))),
  merged: z.optional(z.array(incidentRef).check(z.describe("the duplicates merged into this incident"))),
  links: z.optional(z.array(incidentRef).check(z.describe("related incidents (each lists the other)"))),
  version: z.number().check(z.int()),
});

/** The answer to ack, mitigate and resolve: the incident, and whether this request changed it. */
/** The answer to a severity change: the incident, and whether this request changed it. */
export const severityChangeView = z.extend(incidentView, { changed: z.boolean() });

export const statusChangeView = z.extend(incidentView, {
  changed: z.boolean().check(z.describe("this request changed the incident (and wrote its timeline entry)")),
  alreadyInState: z
    .boolean()
    .check(
      z.describe(
        "the incident was already in the requested state: nothing was written (the opposite of changed)",
      ),
    ),
});

export const timelineEntry = z.object({
  id: z.string(),
  incidentId: z.string(),
  kind: z.string(),
  at: z.string(),
  actor: z.object({ type: z.string(), id: z.string(), name: z.optional(z.string()) }),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** The list's view of an open incident's paging (null when resolved or never paged). */
export const escalationSummary = z.object({
  level: z.optional(
    z
      .union([z.number().check(z.int()), z.literal("fallback")])
      .check(z.describe("the ladder's latest level")),
  ),
  since: z.optional(z.string().check(z.describe("when that level was paged"))),
  acknowledged: z.boolean(),
  active: z.boolean().check(z.describe("the ladder is still running: something is due")),
  doneReason: z.optional(
    z.string().check(z.describe("why it stopped: acknowledged, resolved, low_urgency (paged, waiting)…")),
  ),
  paged: z.array(z.string()).check(z.describe("person ids a page was requested for")),
});
export const incidentList = z.object({
  items: z.array(z.extend(incidentView, { escalation: z.nullable(escalationSummary) })),
  cursor: z.nullable(z.string()),
});
export const incidentDetail = z.extend(incidentView, {
  alarms: z.array(
    z.object({
      arn: z.string(),
      name: z.string(),
      state: z.string().check(z.describe("its latest in-order state: ALARM, OK or INSUFFICIENT_DATA")),
      since: z.optional(z.string()),
      role: z.enum(["opened", "grouped"]),
    }),
  ),
  allClear: z.boolean().check(z.describe("every alarm of the incident is OK")),
  timeline: z.array(timelineEntry),
  mergedTimeline: z
    .array(timelineEntry)
    .check(
      z.describe(
        "the timelines of the incidents merged into this one (each entry's incidentId says whose), oldest first",
      ),
    ),
  pages: z.array(z.record(z.string(), z.unknown())),
});

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

export const mergeResponse = z.object({
  incident: incidentView.check(z.describe("the merged incident, now resolved")),
  into: incidentView.check(z.describe("the incident that survives")),
  changed: z.boolean().check(z.describe("false when it had been merged there already: nothing was written")),
  movedAlarms: z.array(z.string()).check(z.describe("the ARNs of the alarms that now attach to `into`")),
});

export const linkBody = z.strictObject({
  incident: otherIncident("the related incident"),
  reason: z.optional(z.string().check(oneLineText(), z.trim(), z.maxLength(500, "at most 500 characters"))),
});

export const linkPath = z.object({ id: incidentPath.shape.id, other: incidentPath.shape.id });

export const linkResponse = z.object({
  incident: incidentView,
  other: incidentView,
  changed: z.boolean().check(z.describe("false when they were linked (or unlinked) already")),
});

const healthCheckResult = z.object({ ok: z.boolean(), detail: z.string() });
/** GET /health (health.ts): 200 with status "ok", or 503 with status "unavailable" and the reasons. */
export const healthReport = z.object({
  status: z.enum(["ok", "unavailable"]),
  checks: z.record(z.string(), healthCheckResult),
  reasons: z.array(z.string()),
});

export const meResponse = z.object({
  user: z.object({ id: z.string(), name: z.string(), slackUserId: z.nullable(z.string()) }),
  role: z.enum(AUTH_ROLES),
  csrfToken: z.nullable(z.string()),
  devSignIn: z.boolean(),
  /** A signed-in session's times (absent for an API token): the dashboard refreshes it past half-life. */
  session: z.optional(z.object({ issuedAt: z.string(), expiresAt: z.string(), signedInAt: z.string() })),
});

export const ignoredAlarmsResponse = z.object({
  items: z.array(
    z.object({
      arn: z.string(),
      name: z.string(),
      account: z.string(),
      region: z.string(),
      kind: z.enum(["auto_scaling", "suppressed", "tag", "rule"]),
      reason: z.string(),
      count: z.number().check(z.int()),
      lastState: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]),
      lastStateTimestamp: z.string(),
      firstSeenAt: z.string(),
      lastSeenAt: z.string(),
    }),
  ),
});

/** POST /api/incidents/{id}/responders: a person of the directory, or a team's current on-call. */
export const respondersBody = responderRequestSchema;

export const respondersResponse = z.object({
  incidentId: z.string(),
  key: z.string(),
  people: z.array(z.object({ personId: z.string(), name: z.string() })),
});

/** POST /api/incidents/{id}/escalate: `next` (escalate now, the default) or `repage` (the current level again). */
export const escalateBody = escalationRequestSchema;

/** POST /api/incidents/{id}/reopen. */
export const reopenBody = z.strictObject(reopenInputSchema.shape);

const overrideView = z.object({
  id: z.string().check(z.describe("OV-<n>")),
  number: z.number().check(z.int()),
  rotationId: z.string(),
  rotationName: z.optional(z.string()),
  personId: z.string(),
  personName: z.optional(z.string()),
  from: z.string(),
  to: z.string(),
  reason: z.optional(z.string()),
  createdBy: z.object({ type: z.string(), id: z.string(), name: z.optional(z.string()) }),
  createdAt: z.string(),
});
export const overrideResponse = overrideView;
export const overrideList = z.object({ items: z.array(overrideView) });

export const onCallQuery = z.object({
  service: z.optional(serviceNameSchema),
  team: z.optional(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "expected a team id"))),
});

const onCallPerson = z.object({ personId: z.string(), name: z.string(), until: z.optional(z.string()) });

export const onCallResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      services: z.array(z.string()),
      rotations: z.array(
        z.object({
          id: z.string(),
          name: z.optional(z.string()),
          members: z.array(z.string()),
          timezone: z.string(),
        }),
      ),
      levels: z.array(
        z.object({
          level: z.number().check(z.int()),
          now: z.array(onCallPerson),
          next: z.optional(z.object({ from: z.string(), people: z.array(onCallPerson) })),
          nobody: z.optional(z.string()),
        }),
      ),
      onCall: z
        .array(z.object({ personId: z.string(), name: z.string() }))
        .check(z.describe("whom paging the team reaches now (its first level with anyone on call)")),
      nobody: z.optional(z.string().check(z.describe("why paging the team reaches nobody now"))),
    }),
  ),
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

const actorView = z.object({ type: z.string(), id: z.string(), name: z.optional(z.string()) });

export const maintenanceWindowView = z.object({
  id: z.string(),
  key: z.string().check(z.describe("MW-<n>")),
  number: z.number().check(z.int()),
  services: z.array(z.string()),
  team: z.optional(z.string()),
  from: z.string(),
  to: z.string(),
  end: z.string().check(z.describe("when it stops holding alarms: `to`, or when it was cancelled")),
  state: z.enum(["scheduled", "active", "ended", "cancelled"]),
  reason: z.string(),
  createdBy: actorView,
  createdAt: z.string(),
  cancelledAt: z.optional(z.string()),
  cancelledBy: z.optional(actorView),
  releasedAt: z.optional(z.string()),
});

export const maintenanceListResponse = z.object({ items: z.array(maintenanceWindowView) });

export const maintenanceDetailResponse = z.extend(maintenanceWindowView, {
  held: z.array(
    z.object({ arn: z.string(), name: z.string(), state: z.string(), stateTimestamp: z.string() }),
  ),
  releases: z.array(
    z.object({
      arn: z.string(),
      alarmName: z.string(),
      outcome: z.string(),
      incidentId: z.optional(z.string()),
      incidentNumber: z.optional(z.number()),
      at: z.string(),
    }),
  ),
  timeline: z.array(z.object({ id: z.string(), kind: z.string(), at: z.string(), summary: z.string() })),
});

export const peopleResponse = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), slackUserId: z.optional(z.string()) })),
});

export const apiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(AUTH_ROLES),
  userId: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.optional(z.string()),
  revokedAt: z.optional(z.string()),
});

export const problemResponse = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().check(z.int()),
  detail: z.string(),
  code: z.optional(z.string()),
  issues: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  currentVersion: z.optional(z.number().check(z.int())),
  current: z.optional(incidentView),
});

/** PUT /api/directory (JSON): the directory in its source shape (as examples/directory.yaml). */
