import {
  actionItemCreateSchema,
  actionItemFilterSchema,
  actionItemUpdateSchema,
} from "@firebreak/core/action-items/actions";
import { notifyRulesEditSchema } from "@firebreak/core/oncall/notify-actions";
import { CONTACT_METHODS } from "@firebreak/core/oncall/notify-rules";
import * as z from "@firebreak/core/shared/zod";
import { riskQuery } from "./action-item-schemas";
import * as p from "./people-schemas";
import * as r from "./response-schemas";
import * as s from "./schemas";

type Role = "viewer" | "responder" | "admin" | null;

interface RouteDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  role: Role;
  query?: z.ZodMiniObject;
  params?: z.ZodMiniObject;
  body?: z.core.$ZodType;
  bodyType?: string;
  response?: z.core.$ZodType;
  status?: number;
  /** Answers 503 with the same body when it cannot serve (GET /health). */
  unavailable?: string;
}

/** A test page (routes/test-pages.ts; core/paging/test-pages.ts): the request and the record. */
const testPageIdText = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/));
const testPageBody = z.strictObject({
  person: z.optional(testPageIdText),
  team: z.optional(testPageIdText),
  service: z.optional(testPageIdText),
});
const testPagePath = z.object({
  id: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "expected a test page id")),
});
const testPageResponse = z.object({
  id: z.string(),
  target: z.object({ kind: z.enum(["person", "team", "service"]), id: z.string(), name: z.string() }),
  requestedBy: z.object({ type: z.string(), id: z.string(), name: z.optional(z.string()) }),
  requestedAt: z.string(),
  state: z.enum(["sending", "done"]),
  allDelivered: z.boolean(),
  acknowledged: z.boolean(),
  people: z.array(
    z.object({
      personId: z.string(),
      name: z.string(),
      acknowledgedAt: z.optional(z.string()),
      acknowledgedVia: z.optional(z.enum(["link", "sms_reply"])),
      methods: z.array(
        z.object({
          method: z.enum(CONTACT_METHODS),
          status: z.enum(["pending", "sending", "delivered", "failed", "skipped"]),
          error: z.optional(z.object({ code: z.string(), message: z.string() })),
          deliveredAt: z.optional(z.string()),
          failedAt: z.optional(z.string()),
          acknowledgedAt: z.optional(z.string()),
          acknowledgedVia: z.optional(z.enum(["link", "sms_reply"])),
        }),
      ),
    }),
  ),
});

const id = s.incidentPath;
const actionItemPath = z.object({
  id: z.string().check(z.regex(/^AI-\d+-\d+$/i, "expected an action item such as AI-42-1")),
});

const step = z.object({ method: z.enum(CONTACT_METHODS), delayMinutes: z.number() });
/** A person's notification rules (routes/people.ts). */
const notifyRulesResponse = z.object({
  personId: z.string(),
  name: z.string(),
  rules: z.object({ high: z.array(step), low: z.array(step) }),
  source: z.enum(["personal", "directory", "default"]),
  summary: z.object({ high: z.string(), low: z.string() }),
  reachable: z.object({ slack: z.boolean(), phone: z.boolean() }),
  updatedAt: z.optional(z.string()),
  updatedBy: z.optional(z.object({ type: z.string(), id: z.string(), name: z.optional(z.string()) })),
});

/** A person's contact methods with their verification (routes/people.ts). */
const contactMethodsResponse = z.object({
  personId: z.string(),
  name: z.string(),
  methods: z.array(
    z.object({
      method: z.enum(CONTACT_METHODS),
      address: z.optional(z.string()),
      status: z.enum(["verified", "pending", "unverified", "no_address"]),
      verifiedAt: z.optional(z.string()),
      verifiedVia: z.optional(z.string()),
      requestedAt: z.optional(z.string()),
      sentAt: z.optional(z.string()),
      expiresAt: z.optional(z.string()),
      sendError: z.optional(z.string()),
    }),
  ),
  requestId: z.optional(z.string()),
  verified: z.optional(z.enum(CONTACT_METHODS)),
});

/** Every documented route. The request schemas are the very objects the routes validate with. */
export const ROUTES: RouteDoc[] = [
  {
    method: "get",
    path: "/health",
    summary:
      "Readiness: the table answers a read, and (locally) the outbox's stream poller is not lagging; 503 names each failing check",
    role: null,
    response: r.healthReport,
    unavailable: "A check failed: `reasons` says which and why",
  },
  { method: "get", path: "/api/me", summary: "The signed-in user", role: "viewer", response: r.meResponse },
  {
    method: "get",
    path: "/api/incidents",
    summary: "List incidents (index Queries only; ETag / If-None-Match → 304)",
    role: "viewer",
    query: s.listIncidentsQuery,
    response: r.incidentList,
  },
  {
    method: "post",
    path: "/api/incidents",
    summary: "Declare an incident",
    role: "responder",
    body: s.declareBody,
    response: r.incidentView,
    status: 201,
  },
  {
    method: "get",
    path: "/api/incidents/{id}",
    summary: "An incident with its timeline and pages",
    role: "viewer",
    params: id,
    response: r.incidentDetail,
  },
  ...(["ack", "mitigate", "resolve"] as const).map(
    (action): RouteDoc => ({
      method: "post",
      path: `/api/incidents/{id}/${action}`,
      summary: `${action[0]!.toUpperCase()}${action.slice(1)}: 409 with currentVersion and current on a stale expectedVersion (or one another change based on the same version won); 200 with changed: false and alreadyInState: true, writing nothing, when the incident is already in that state; 409 illegal_transition for a step backwards`,
      role: "responder",
      params: id,
      body: s.statusBody,
      response: r.statusChangeView,
    }),
  ),
  {
    method: "post",
    path: "/api/incidents/{id}/severity",
    summary:
      "Change the severity (SEV1–SEV5; sev2 and 2 are accepted). Raising it to a high-urgency severity pages the high-urgency way from then on (held SMS sent, the ladder escalates); lowering it needs a reason (400 without); the same severity writes nothing (changed: false); 409 for a resolved incident or a stale expectedVersion",
    role: "responder",
    params: id,
    body: s.severityBody,
    response: r.severityChangeView,
  },
  {
    method: "post",
    path: "/api/incidents/{id}/roles",
    summary: "Assign or hand off a role",
    role: "responder",
    params: id,
    body: s.roleBody,
    response: r.incidentView,
  },
  {
    method: "post",
    path: "/api/incidents/{id}/updates",
    summary: "Post a status update",
    role: "responder",
    params: id,
    body: s.updateBody,
    response: r.timelineEntry,
    status: 201,
  },
  {
    method: "get",
    path: "/api/incidents/{id}/postmortem",
    summary: "The postmortem draft",
    role: "viewer",
    params: id,
  },
  {
    method: "get",
    path: "/api/incidents/{id}/postmortem.md",
    summary: "The postmortem as Markdown",
    role: "viewer",
    params: id,
  },
  {
    method: "get",
    path: "/api/incidents/{id}/postmortem.json",
    summary: "The postmortem metadata",
    role: "viewer",
    params: id,
  },
  {
    method: "get",
    path: "/api/incidents/{id}/postmortem/versions/{version}",
    summary:
      "One stored version of the postmortem (generated or edited), with its Markdown: the dashboard diffs it against the current one; 404 for a version that does not exist",
    role: "viewer",
    params: s.postmortemVersionPath,
  },
  {
    method: "put",
    path: "/api/incidents/{id}/postmortem",
    summary:
      "Edit the postmortem (responder or admin): `baseVersion` is the version the editor started from; the Markdown is linted for blame language (the findings come back in `lint`, advice only); 409 with currentVersion when baseVersion is not the current version",
    role: "responder",
    params: id,
    body: s.postmortemBody,
  },
  { method: "get", path: "/api/metrics", summary: "Incident metrics", role: "viewer", query: s.metricsQuery },
  { method: "get", path: "/api/pages", summary: "An incident's pages", role: "viewer", query: s.pagesQuery },
  {
    method: "get",
    path: "/api/incidents/{id}/trace",
    summary:
      "Why the incident paged whom it paged, and why nobody else: how it began, the rules that shaped it (grouping, maintenance, merge, reopen), service → team → policy with the directory version in force, each level with its targets and their methods, each delivery with its outcome and timings, the acknowledgement, and what did not happen and why",
    role: "viewer",
    params: id,
  },
  {
    method: "get",
    path: "/api/oncall/calendar",
    summary:
      "Who is on call in each rotation over a window (default: the next 14 days), the live shift overrides included: contiguous segments with the person (or nobody), from–to and whether a rotation shift or an override",
    role: "viewer",
    query: s.coverageQuery,
  },
  {
    method: "get",
    path: "/api/budgets",
    summary:
      "Error budgets of the on-call directory's SLOs, each over its window ending now: the budget (windowDays × 1440 × (1 − target) minutes), the minutes each incident consumed (impact start to mitigation, else resolution, open incidents up to now, only the part inside the window, overlaps once), the remaining budget and a burn-down; with `service`, that service only (a note when it has no SLO)",
    role: "viewer",
    query: s.budgetsQuery,
  },
  {
    method: "post",
    path: "/api/incidents/{id}/action-items",
    summary:
      "Create an action item of the incident (AI-<incident number>-<n>): a title, an owner (a person of the on-call directory: id, Slack id or e-mail), an optional due date (YYYY-MM-DD, not in the past), tagged `postmortem`; records the actor and emits `action_item.created`. With an `Idempotency-Key` header, a retried request returns the item it made (200) instead of a second one (201)",
    role: "responder",
    params: id,
    body: actionItemCreateSchema,
    status: 201,
  },
  {
    method: "post",
    path: "/api/incidents/{id}/action-items/from-draft",
    summary:
      "Make the current postmortem draft's action item rows into action items, once each (pressing it again creates nothing: 200); a row without a known owner goes to the caller, a past due date to today",
    role: "responder",
    params: id,
    status: 201,
  },
  {
    method: "get",
    path: "/api/action-items",
    summary:
      "Action items, filtered by service, owner (a person id), status (open, done, wont_do) and incident (INC-n or its id)",
    role: "viewer",
    query: actionItemFilterSchema,
  },
  {
    method: "get",
    path: "/api/action-items/{id}",
    summary: "One action item, with its tracker issue and sync state when synced",
    role: "viewer",
    params: actionItemPath,
  },
  {
    method: "patch",
    path: "/api/action-items/{id}",
    summary:
      "Change an action item's status (open, done, wont_do), title, owner or due date (null clears it); with `expectedVersion`, a change made meanwhile is a 409 carrying the item as it is now (`current`); emits `action_item.updated`",
    role: "responder",
    params: actionItemPath,
    body: actionItemUpdateSchema,
  },
  {
    method: "post",
    path: "/api/action-items/{id}/sync",
    summary:
      "Sync an action item with its team's tracker now (GitHub Issues, Jira Cloud or Linear, from the directory's `tracker`): create its issue if there is none (once: a claim, and the item's marker adopts an issue made before a crash), else read it back (closed there: done here). Answers the outcome and the item with its `tracker` and `sync` (a failure is recorded with its next attempt)",
    role: "responder",
    params: actionItemPath,
  },
  {
    method: "get",
    path: "/api/risk",
    summary:
      "How much risk each service carries: its open action items (count, overdue, oldest and median age in days, each item) and its error budget left (as GET /api/budgets), services with the most open items first",
    role: "viewer",
    query: riskQuery,
  },
  {
    method: "get",
    path: "/api/oncall/coverage",
    summary:
      "Coverage gaps of the stored directory (with its live shift overrides) over a window (default: the next 14 days): each time an escalation level would page nobody who can be paged, with its services, level, urgencies, from–to and reason",
    role: "viewer",
    query: s.coverageQuery,
  },
  {
    method: "get",
    path: "/api/status/summary",
    summary:
      "Public, no sign-in: the status page's services (public names) with their state (operational, degraded, major_outage: open incidents of the directory's statusPage severities), the public stakeholder updates (newest first, at most 50) and each service's daily state over the last `days` (default 90); cached 30 s",
    role: null,
    query: s.statusQuery,
  },
  {
    method: "get",
    path: "/api/status/feed.atom",
    summary: "Public, no sign-in: an Atom feed of the public stakeholder updates; cached 30 s",
    role: null,
    query: s.feedQuery,
  },
  {
    method: "get",
    path: "/api/alarms/ignored",
    summary:
      "Alarms that open no incident (auto-scaling alarms, composites whose actions are suppressed, alarms tagged firebreak:ignore=true), each with its count and last transition",
    role: "viewer",
    response: r.ignoredAlarmsResponse,
  },
  {
    method: "post",
    path: "/api/incidents/{id}/responders",
    summary:
      "Page a person of the directory (personId), or a team's current on-call (team), into an open incident, with an optional message; the pager pages each of them at once on their own channels (409 once resolved)",
    role: "responder",
    params: id,
    body: s.respondersBody,
    status: 202,
    response: r.respondersResponse,
  },
  {
    method: "get",
    path: "/api/maintenance",
    summary:
      "Maintenance windows that have not ended, and those that ended in the last 7 days (optionally for one service)",
    role: "viewer",
    query: s.maintenanceQuery,
    response: r.maintenanceListResponse,
  },
  {
    method: "post",
    path: "/api/maintenance",
    summary:
      "Schedule a maintenance window: alarms of its services (or team) are held, not paged, until it ends; those still in ALARM then open their incidents",
    role: "responder",
    body: s.maintenanceBody,
    status: 201,
    response: r.maintenanceWindowView,
  },
  {
    method: "get",
    path: "/api/maintenance/{id}",
    summary: "A maintenance window with its held alarms, releases and timeline",
    role: "viewer",
    params: s.maintenancePath,
    response: r.maintenanceDetailResponse,
  },
  {
    method: "post",
    path: "/api/maintenance/{id}/cancel",
    summary:
      "End a maintenance window now (409 when it has ended); its held alarms are released within a minute",
    role: "responder",
    params: s.maintenancePath,
    response: r.maintenanceWindowView,
  },
  {
    method: "post",
    path: "/api/incidents/{id}/reopen",
    summary:
      "Reopen a resolved incident with a reason, within 7 days of its resolution (409 otherwise): back to declared, the same channel and roles; paging starts again as a new episode",
    role: "responder",
    params: id,
    body: s.reopenBody,
  },
  {
    method: "post",
    path: "/api/incidents/{id}/merge",
    summary:
      "Merge this incident (a duplicate) into another open one (`into`: INC-n or id): it is resolved by the merge and points there, its alarms attach there, its pages stop, it gets no postmortem of its own; the other's detail shows its timeline. A repeat is changed: false; 409 when either is resolved, it was merged elsewhere, or expectedVersion is stale",
    role: "responder",
    params: id,
    body: s.mergeBody,
    response: r.mergeResponse,
  },
  {
    method: "post",
    path: "/api/incidents/{id}/links",
    summary:
      "Link a related incident (INC-n or id; either may be resolved): each lists the other, and each timeline says so. Linking a linked pair is changed: false",
    role: "responder",
    params: id,
    body: s.linkBody,
    response: r.linkResponse,
  },
  {
    method: "delete",
    path: "/api/incidents/{id}/links/{other}",
    summary: "Unlink two incidents (both ways); unlinking a pair that is not linked is changed: false",
    role: "responder",
    params: s.linkPath,
    response: r.linkResponse,
  },
  {
    method: "post",
    path: "/api/incidents/{id}/escalate",
    summary:
      "Escalate now (mode next: the policy's next level, at once, even after an acknowledgement) or re-page (mode repage: the level paged last, again); 409 once resolved",
    role: "responder",
    params: id,
    body: s.escalateBody,
    status: 202,
  },
  {
    method: "get",
    path: "/api/oncall/overrides",
    summary:
      "The runtime shift overrides that have not ended (OV-n), soonest first: who covers which rotation, when",
    role: "viewer",
    response: r.overrideList,
  },
  {
    method: "post",
    path: "/api/oncall/overrides",
    summary:
      "Take, give away or swap a shift: `personId` is on call in the rotation (default: the one whose shift the requester holds at `from`, or their only one) during [from, to) (ISO instants with offsets; at most 31 days, ending in the future). The person taking it, a member of the rotation or an admin may; it expires on its own. 409 for a duplicate",
    role: "responder",
    body: s.overrideBody,
    response: r.overrideResponse,
    status: 201,
  },
  {
    method: "delete",
    path: "/api/oncall/overrides/{id}",
    summary:
      "Cancel an override (the person it puts on call, whoever made it, a member of its rotation or an admin); 404 once it has ended",
    role: "responder",
    params: s.overridePath,
    response: r.overrideResponse,
  },
  {
    method: "get",
    path: "/api/people/{id}/notification-rules",
    summary:
      "A person's notification rules in force: per urgency, each contact method (slack, sms, voice) and its delay after a page starts; where they come from (their own edit, the directory, the default)",
    role: "viewer",
    params: p.personPath,
    response: notifyRulesResponse,
  },
  {
    method: "put",
    path: "/api/people/{id}/notification-rules",
    summary:
      "Set a person's own notification rules ({high, low}: ordered steps {method, delayMinutes}, each method at most once, one the person has an address for), or {reset: true}; the person themselves (any role) or an admin, 403 otherwise. Kept across directory applies; emits oncall.notify_rules_changed",
    role: "viewer",
    params: p.personPath,
    body: notifyRulesEditSchema,
    response: notifyRulesResponse,
  },
  {
    method: "post",
    path: "/api/test-pages",
    summary:
      "Send a clearly marked test page (no incident, no incident number, no metric) to exactly one of {person}, {team} (its level-1 on-call people now) or {service} (its owning team's), by every method of each person's high-urgency rules at once; 202 with the record (its id, each method pending). A person may test themselves (any role), responders and admins anyone (403 otherwise); 404 for an unknown person, team or service, 422 when nobody is on call or nobody has a method, 429 (Retry-After) within a minute of the last test page to the same person. Emits page.test_requested",
    role: "viewer",
    body: testPageBody,
    response: testPageResponse,
    status: 202,
  },
  {
    method: "get",
    path: "/api/test-pages/{id}",
    summary:
      "A test page's record: per person and method, its status (pending, sending, delivered, failed with its error, skipped when the channel is not configured), when it was delivered, and when and how it was acknowledged (its one-click link or an SMS reply)",
    role: "viewer",
    params: testPagePath,
    response: testPageResponse,
  },
  {
    method: "get",
    path: "/api/people/{id}/contact-methods",
    summary:
      "A person's contact methods (slack, sms, voice) with their address and verification: verified (for the address the directory has now), pending (a test message's code works until expiresAt), unverified, no_address",
    role: "viewer",
    params: p.personPath,
    response: contactMethodsResponse,
  },
  {
    method: "post",
    path: "/api/people/{id}/contact-methods/{method}/verification",
    summary:
      "Send a test message with a six-digit code to the method's address (the pager sends it: watch sentAt or sendError); the person themselves or an admin; 429 within a minute of the last one. Emits oncall.verification_requested",
    role: "viewer",
    params: p.contactMethodPath,
    response: contactMethodsResponse,
    status: 202,
  },
  {
    method: "post",
    path: "/api/people/{id}/contact-methods/{method}/verification/confirm",
    summary:
      "Confirm the code of the method's test message: the method is verified for its address (a code works 15 minutes, 5 wrong tries kill it). Emits oncall.contact_verified",
    role: "viewer",
    params: p.contactMethodPath,
    body: p.verificationCodeBody,
    response: contactMethodsResponse,
  },
  {
    method: "get",
    path: "/api/oncall",
    summary:
      "Each team (or the one owning ?service=, or ?team=): who is on call now at each level of its policy and who is next (from when), and whom paging the team reaches now",
    role: "viewer",
    query: s.onCallQuery,
    response: r.onCallResponse,
  },
  {
    method: "get",
    path: "/api/people",
    summary: "People of the on-call directory",
    role: "viewer",
    response: r.peopleResponse,
  },
  { method: "get", path: "/api/directory", summary: "The on-call directory", role: "admin" },
  {
    method: "put",
    path: "/api/directory",
    summary: "Replace the on-call directory (YAML text or the same document as JSON; If-Match: version)",
    role: "admin",
    body: s.directoryDocument,
    bodyType: "application/json",
  },
  { method: "get", path: "/api/tokens", summary: "API tokens (never their secrets)", role: "admin" },
  {
    method: "post",
    path: "/api/tokens",
    summary: "Create an API token (shown once)",
    role: "admin",
    body: s.tokenBody,
    status: 201,
  },
  {
    method: "delete",
    path: "/api/tokens/{id}",
    summary: "Revoke an API token",
    role: "admin",
    params: s.tokenPath,
  },
  {
    method: "get",
    path: "/api/integrations",
    summary: "Integration keys of the alert endpoints (never the keys)",
    role: "admin",
  },
  {
    method: "post",
    path: "/api/integrations",
    summary:
      "Create an integration key for an alert endpoint (alertmanager: POST /integrations/alertmanager; pagerduty: POST /v2/enqueue; opsgenie: POST /v2/alerts); the key is shown once",
    role: "admin",
    body: s.integrationBody,
    status: 201,
  },
  {
    method: "delete",
    path: "/api/integrations/{id}",
    summary: "Revoke an integration key (it stops working at once)",
    role: "admin",
    params: s.tokenPath,
  },
  {
    method: "get",
    path: "/api/heartbeats",
    summary: "Heartbeats: state (new, up, down), last ping, next ping due (never their keys)",
    role: "viewer",
  },
  {
    method: "post",
    path: "/api/heartbeats",
    summary:
      "Create a heartbeat; its job then pings GET or POST /heartbeats/{id} with the key (shown once) as Bearer or ?key=",
    role: "admin",
    body: s.heartbeatBody,
    status: 201,
  },
  {
    method: "delete",
    path: "/api/heartbeats/{id}",
    summary: "Delete a heartbeat",
    role: "admin",
    params: s.heartbeatPath,
  },
  {
    method: "post",
    path: "/api/changes",
    summary:
      "Record a change (a deploy, a config change) to a service: { service, summary, link?, at? }; an incident's detail lists its services' changes from 2 hours before it started",
    role: "responder",
    body: s.changeBody,
    status: 201,
  },
  {
    method: "post",
    path: "/api/calendars",
    summary:
      "The secret iCal URL of a person's or a rotation's on-call shifts (overrides included): path /ical/<token>.ics, shown once; creating it again rotates it. Anyone for their own person feed, admins for any",
    role: "viewer",
    body: s.calendarBody,
    status: 201,
  },
  {
    method: "get",
    path: "/ical/{token}",
    summary:
      "An iCal feed (RFC 5545, text/calendar) of on-call shifts from a week ago to ?weeks= ahead (default 8, at most 26); the token is the secret",
    role: null,
  },
  { method: "get", path: "/api/openapi.json", summary: "This document", role: "viewer" },
  { method: "get", path: "/auth/dev", summary: "Dev sign-in page (local runtime only)", role: null },
  {
    method: "post",
    path: "/auth/dev",
    summary: "Dev sign-in (form) → cookies, 303 /",
    role: null,
    body: s.devSignInBody,
    bodyType: "application/x-www-form-urlencoded",
  },
  { method: "get", path: "/auth/slack/login", summary: "Sign in with Slack: 302 to Slack", role: null },
  {
    method: "get",
    path: "/auth/slack/callback",
    summary: "Sign in with Slack: callback → cookies, 303 /",
    role: null,
    query: s.slackCallbackQuery,
  },
  {
    method: "post",
    path: "/auth/refresh",
    summary:
      "Refresh the session silently (the dashboard does, while its tab is in use): same person and CSRF token, a new expiry, never past 7 days after the sign-in (then 401)",
    role: null,
  },
  { method: "post", path: "/auth/logout", summary: "Sign out (clears the cookies)", role: null },
];

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
