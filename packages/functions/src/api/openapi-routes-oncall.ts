/** The OpenAPI entries of on call: who is on call, coverage and calendars, traces, overrides, people, their notification rules and contact methods, test pages, the directory. */
import { notifyRulesEditSchema } from "@firebreak/core/oncall/notify-actions";
import { CONTACT_METHODS } from "@firebreak/core/oncall/notify-rules";
import * as z from "@firebreak/core/shared/zod";
import type { RouteDoc } from "./openapi-route-doc";
import * as p from "./people-schemas";
import * as r from "./response-schemas";
import * as s from "./schemas";

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

const id = s.incidentPath;

export const ONCALL_ROUTES: RouteDoc[] = [
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
    path: "/api/oncall/coverage",
    summary:
      "Coverage gaps of the stored directory (with its live shift overrides) over a window (default: the next 14 days): each time an escalation level would page nobody who can be paged, with its services, level, urgencies, from–to and reason",
    role: "viewer",
    query: s.coverageQuery,
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
];
