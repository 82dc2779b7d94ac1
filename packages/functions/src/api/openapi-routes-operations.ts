/** The OpenAPI entries of everything around incidents: metrics, budgets, action items and risk, the status page, ignored alarms, maintenance, changes, tokens, integration keys, heartbeats, sign-in. */
import {
  actionItemCreateSchema,
  actionItemFilterSchema,
  actionItemUpdateSchema,
} from "@firebreak/core/action-items/actions";
import * as z from "@firebreak/core/shared/zod";
import { riskQuery } from "./action-item-schemas";
import type { RouteDoc } from "./openapi-route-doc";
import * as r from "./response-schemas";
import * as s from "./schemas";

const id = s.incidentPath;
const actionItemPath = z.object({
  id: z.string().check(z.regex(/^AI-\d+-\d+$/i, "expected an action item such as AI-42-1")),
});

export const OPERATIONS_ROUTES: RouteDoc[] = [
  { method: "get", path: "/api/metrics", summary: "Incident metrics", role: "viewer", query: s.metricsQuery },
  { method: "get", path: "/api/pages", summary: "An incident's pages", role: "viewer", query: s.pagesQuery },
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
