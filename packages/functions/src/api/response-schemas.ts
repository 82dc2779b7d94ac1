/**
 * What the API answers, as zod schemas for the OpenAPI document only (openapi.ts): no route imports
 * them, so no handler bundles them (a module of zod schemas is bundled whole).
 */

import { AUTH_ROLES } from "@firebreak/core/auth/roles";
import { INCIDENT_STATUSES, SEVERITIES } from "@firebreak/core/incident/model";
import * as z from "@firebreak/core/shared/zod";

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

export const mergeResponse = z.object({
  incident: incidentView.check(z.describe("the merged incident, now resolved")),
  into: incidentView.check(z.describe("the incident that survives")),
  changed: z.boolean().check(z.describe("false when it had been merged there already: nothing was written")),
  movedAlarms: z.array(z.string()).check(z.describe("the ARNs of the alarms that now attach to `into`")),
});

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

export const respondersResponse = z.object({
  incidentId: z.string(),
  key: z.string(),
  people: z.array(z.object({ personId: z.string(), name: z.string() })),
});

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
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      slackUserId: z.optional(z.string()),
      /** The contact methods verified for the person's current addresses. */
      verified: z.array(z.enum(["slack", "sms", "voice"])),
    }),
  ),
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
