/**
 * The API's on-call and paging shapes as the dashboard reads them: who is on call, shift overrides,
 * coverage, calendars, the page trace and notification rules (types.ts re-exports them).
 */

import type { Actor } from "./types";

/** A team and who paging it reaches now (GET /api/oncall). */
export interface OnCallPerson {
  personId: string;
  name: string;
  until?: string;
}

export interface TeamOnCall {
  id: string;
  name: string;
  services: string[];
  rotations?: { id: string; name?: string; members: string[]; timezone: string }[];
  levels: {
    level: number;
    now: OnCallPerson[];
    next?: { from: string; people: OnCallPerson[] };
    nobody?: string;
  }[];
  /** Whom paging the team reaches now. */
  onCall: { personId: string; name: string }[];
  /** The escalation policy laid out. */
  policy?: {
    id: string;
    name?: string;
    levels: { level: number; timeoutMinutes: number; targets: string[] }[];
    repeat: number;
    fallback: string;
  };
  nobody?: string;
}

/** A runtime shift override (GET /api/oncall/overrides). */
export interface ShiftOverride {
  id: string;
  number: number;
  rotationId: string;
  rotationName?: string;
  personId: string;
  personName?: string;
  from: string;
  to: string;
  reason?: string;
  createdBy: Actor;
  createdAt: string;
}

/** GET /api/incidents/{id}/trace (core/paging/trace.ts): why it paged whom, and why nobody else. */
export type { PageTrace } from "@firebreak/core/paging/trace";

/** GET /api/oncall/coverage (core/oncall/coverage.ts): when a level would page nobody. */
export interface CoverageReport {
  directoryVersion: number;
  from: string;
  to: string;
  gaps: {
    team: string;
    services: string[];
    level: number;
    urgencies: ("high" | "low")[];
    from: string;
    to: string;
    minutes: number;
    reason: string;
    /** `unverified_method`: the person whose methods are not verified. */
    person?: string;
    detail: string;
  }[];
}

/** GET /api/oncall/calendar: who is on call in each rotation over a window. */
export interface RotationCalendar {
  directoryVersion: number;
  from: string;
  to: string;
  rotations: {
    id: string;
    name: string;
    team: string;
    timezone: string;
    segments: {
      personId: string | null;
      name?: string;
      start: string;
      end: string;
      source: "rotation" | "override" | "nobody";
    }[];
  }[];
}

export type ContactMethod = "slack" | "sms" | "voice";

export interface NotifyStep {
  method: ContactMethod;
  delayMinutes: number;
}

export interface NotifyRules {
  high: NotifyStep[];
  low: NotifyStep[];
}

/** One contact method and whether it is verified (GET /api/people/{id}/contact-methods). */
export interface MethodView {
  method: ContactMethod;
  address?: string;
  status: "verified" | "pending" | "unverified" | "no_address";
  verifiedAt?: string;
  verifiedVia?: string;
  requestedAt?: string;
  sentAt?: string;
  expiresAt?: string;
  sendError?: string;
}

export interface ContactMethodsView {
  personId: string;
  name: string;
  methods: MethodView[];
  requestId?: string;
  verified?: ContactMethod;
}

/** GET/PUT /api/people/{id}/notification-rules. */
export interface NotifyRulesView {
  personId: string;
  name: string;
  rules: NotifyRules;
  source: "personal" | "directory" | "default";
  summary: { high: string; low: string };
  reachable: { slack: boolean; phone: boolean };
  updatedAt?: string;
  updatedBy?: { type: string; id: string; name?: string };
}

/** One method of one person of a test page (GET /api/test-pages/{id}). */
export interface TestMethodView {
  method: ContactMethod;
  status: "pending" | "sending" | "delivered" | "failed" | "skipped";
  error?: { code: string; message: string };
  deliveredAt?: string;
  failedAt?: string;
  acknowledgedAt?: string;
  acknowledgedVia?: "link" | "sms_reply";
}

/** A test page's record (POST /api/test-pages, GET /api/test-pages/{id}). */
export interface TestPageView {
  id: string;
  target: { kind: "person" | "team" | "service"; id: string; name: string };
  requestedBy: { type: string; id: string; name?: string };
  requestedAt: string;
  state: "sending" | "done";
  allDelivered: boolean;
  acknowledged: boolean;
  people: Array<{
    personId: string;
    name: string;
    acknowledgedAt?: string;
    acknowledgedVia?: "link" | "sms_reply";
    methods: TestMethodView[];
  }>;
}
