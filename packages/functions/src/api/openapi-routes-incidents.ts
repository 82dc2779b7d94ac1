/** The OpenAPI entries of health, who am I, and incidents: reads, the moves people make, postmortems. */
import type { RouteDoc } from "./openapi-route-doc";
import * as r from "./response-schemas";
import * as s from "./schemas";

const id = s.incidentPath;

export const INCIDENT_ROUTES: RouteDoc[] = [
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
];
