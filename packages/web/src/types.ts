/** The API shapes the dashboard reads (the OpenAPI document at /api/openapi.json, and packages/core). */

export type * from "./types-oncall";

export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"] as const;

export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ["declared", "acknowledged", "mitigated", "resolved"] as const;

export type IncidentStatus = (typeof STATUSES)[number];

export const ROLES = ["ic", "ops", "comms", "scribe", "planning", "logistics"] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<string, string> = {
  ic: "Incident commander",
  ops: "Operations",
  comms: "Communications",
  scribe: "Scribe",
  planning: "Planning",
  logistics: "Logistics",
};

export interface Actor {
  type: string;
  id: string;
  name?: string;
}

export interface RoleHolder {
  personId: string;
  personName?: string;
  assignedAt: string;
}

/** The alarm's context as the API sends it (core/alarm/context.ts): bounded, text only. */
export interface AlarmContext {
  type: "metric" | "composite";
  state: string;
  stateTimestamp: string;
  description?: string;
  links: { label: string; url: string }[];
  reason?: string;
  metrics: string[];
  threshold?: number;
  comparison?: string;
  value?: number;
  band?: string;
  composite?: { rule: string; children: { name: string; state?: string }[]; suppressedBy?: string };
  /** Where the alarm lives: the CloudWatch console, or the sender's page of an alert from another monitor. */
  consoleUrl?: string;
  /** The sender of an alert from another monitor ("Prometheus Alertmanager"). */
  source?: string;
}

/** GET /api/alarms/ignored: an alarm that opens no incident (core/alarm/ignore.ts). */
export interface IgnoredAlarm {
  arn: string;
  name: string;
  account: string;
  region: string;
  kind: "auto_scaling" | "suppressed" | "tag" | "rule";
  reason: string;
  count: number;
  lastState: string;
  lastStateTimestamp: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface AlarmRef {
  name: string;
  arn: string;
  account: string;
  region: string;
  context?: AlarmContext;
}

export interface IncidentView {
  id: string;
  key: string;
  number: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  services: string[];
  source: "alarm" | "manual";
  alarm: AlarmRef | null;
  flapping: boolean;
  /** How many times its alarm reopened it (fired again soon after it resolved). */
  reopens?: number;
  reopenedAt?: string;
  description?: string;
  roles?: Partial<Record<string, RoleHolder>>;
  summary?: string;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
  /** The incident this duplicate was merged into; the duplicates merged into it; related incidents. */
  mergedInto?: IncidentRef;
  merged?: IncidentRef[];
  links?: IncidentRef[];
  version: number;
  /** In the list only: an open incident's paging (null when resolved or never paged). */
  escalation?: EscalationSummary | null;
}

/** The list's view of an open incident's paging. */
export interface EscalationSummary {
  level?: number | "fallback";
  since?: string;
  acknowledged: boolean;
  active: boolean;
  doneReason?: string;
  paged: string[];
}

/** Another incident, as one incident names it. */
export interface IncidentRef {
  id: string;
  number: number;
  title: string;
  at: string;
}

export interface TimelineEntry {
  id: string;
  /** Whose timeline it is (another incident's, in `mergedTimeline`). */
  incidentId?: string;
  kind: string;
  actor: Actor;
  at: string;
  summary: string;
  data: Record<string, unknown>;
}

export interface Page {
  pageId: string;
  channel: string;
  target: { kind: string; name?: string; personId?: string; arn?: string; slackChannelId?: string };
  level: number | string;
  round: number;
  purpose: string;
  state: "requested" | "delivered" | "failed" | "acknowledged";
  delivery: string;
  attempts: number;
  error?: { message?: string; code?: string };
  requestedAt: string;
  deliveredAt?: string;
  failedAt?: string;
  acknowledgedAt?: string;
}

export interface IncidentAlarm {
  arn: string;
  name: string;
  state: string;
  since?: string;
  role: "opened" | "grouped";
}

export interface IncidentDetail extends IncidentView {
  /** The incident's alarms (the one that opened it, and those grouped into it) and their states. */
  alarms?: IncidentAlarm[];
  allClear?: boolean;
  timeline: TimelineEntry[];
  /** The timelines of the incidents merged into it. */
  mergedTimeline?: TimelineEntry[];
  pages?: Page[];
  /** Changes to its services in the two hours before it started, newest first (core/changes). */
  changes?: Change[];
}

/** A heartbeat (GET /api/heartbeats): a job that must ping at least every interval (+ grace). */
export interface Heartbeat {
  id: string;
  name: string;
  service: string;
  state: "new" | "up" | "down";
  lastPingAt?: string;
  nextPingBy?: string;
  downSince?: string;
  intervalSeconds: number;
  graceSeconds: number;
}

/** A deploy or other change to a service (POST /api/changes, PagerDuty, CodeDeploy, ECS, CloudFormation). */
export interface Change {
  id: string;
  service: string;
  summary: string;
  link?: string;
  at: string;
  source: "api" | "pagerduty" | "codedeploy" | "ecs" | "cloudformation";
  recordedBy?: { id: string; name?: string };
}

export interface Person {
  id: string;
  name: string;
  slackUserId?: string;
  /** The contact methods verified for the person's current addresses. */
  verified?: ("slack" | "sms" | "voice")[];
}

export interface Me {
  user: { id: string; name: string; slackUserId: string | null } | null;
  role: "viewer" | "responder" | "admin";
  csrfToken: string | null;
  devSignIn: boolean;
  /** A session's times (absent for anonymous use): refreshed past its half-life while in use. */
  session?: SessionTimes;
}

export interface SessionTimes {
  issuedAt: string;
  expiresAt: string;
  signedInAt: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  issues?: { path: string; message: string }[];
  currentVersion?: number;
  current?: IncidentView;
}

export interface GroupMetrics {
  key: string;
  count: number;
  mttd: number | null;
  mtta: number | null;
  mttm: number | null;
  mttr: number | null;
  mtbf: number | null;
}

export interface MetricsReport {
  window: { since: string; until: string };
  service: string | null;
  overall: GroupMetrics;
  byService: GroupMetrics[];
  bySeverity: GroupMetrics[];
  /** Per release involvement: yes, suspected (changes just before the impact, unconfirmed), no, unknown. */
  byRelease?: GroupMetrics[];
  weekly: {
    week: string;
    weekStart: string;
    count: number;
    overall?: GroupMetrics;
    byService?: GroupMetrics[];
  }[];
}

/** One stored version of a postmortem (the list in GET /api/incidents/{id}/postmortem). */
export interface PostmortemVersion {
  version: number;
  origin: "generated" | "human";
  createdAt: string;
  basedOnVersion?: number;
}

/** A postmortem version with its Markdown (GET /api/incidents/{id}/postmortem[/versions/{n}], the PUT's answer). */
export interface PostmortemDoc {
  markdown: string;
  version: number;
  origin: "generated" | "human";
  createdAt: string;
  basedOnVersion?: number;
  metadata: {
    incident: { number: number; title?: string };
    responders?: { person_name?: string | null }[];
  } & Record<string, unknown>;
  /** The blame-language findings of this version (core/postmortem/lint.ts). */
  lint?: import("@firebreak/core/postmortem/types").LintFinding[];
  /** With the current version only. */
  versions?: PostmortemVersion[];
}

/** A maintenance window (GET /api/maintenance): alarms of its services are held, not paged. */
export interface MaintenanceWindow {
  id: string;
  key: string;
  number: number;
  services: string[];
  team?: string;
  from: string;
  to: string;
  end: string;
  state: "scheduled" | "active" | "ended" | "cancelled";
  reason: string;
  createdBy: { type: string; id: string; name?: string };
  createdAt: string;
  cancelledAt?: string;
  cancelledBy?: { type: string; id: string; name?: string };
  releasedAt?: string;
}

export interface MaintenanceDetail extends MaintenanceWindow {
  held: { arn: string; name: string; state: string; stateTimestamp: string }[];
  releases: {
    arn: string;
    alarmName: string;
    outcome: string;
    incidentId?: string;
    incidentNumber?: number;
  }[];
  timeline: { id: string; kind: string; at: string; summary: string }[];
}

/** GET /api/budgets (core/metrics/budget.ts `ServiceBudget`). */
export interface ServiceBudget {
  service: string;
  team: string | null;
  slo: { target: number; windowDays: number } | null;
  note?: string;
  window: { since: string; until: string } | null;
  budgetMinutes: number | null;
  consumedMinutes: number | null;
  remainingMinutes: number | null;
  percentConsumed: number | null;
  incidents: {
    id: string;
    key: string;
    title: string;
    start: string;
    end: string;
    open: boolean;
    clipped: boolean;
    minutes: number;
  }[];
  burndown: { at: string; remainingMinutes: number; incident?: string }[];
}

export interface BudgetsResponse {
  now: string;
  items: ServiceBudget[];
}

/** An action item (GET /api/action-items; core/action-items/model.ts). */
export interface ActionItem {
  id: string;
  incidentId: string;
  incidentNumber: number;
  services: string[];
  team?: string;
  title: string;
  owner: string;
  due?: string;
  status: "open" | "done" | "wont_do";
  tags: string[];
  source: { kind: "draft"; draftItemId: string; postmortemVersion: number } | { kind: "manual" };
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  tracker?: { kind: string; key: string; url: string; state: "open" | "closed" };
  sync?: {
    state: "pending" | "synced" | "failed";
    attempts: number;
    lastError?: string;
    nextAttemptAt?: string;
  };
}

/** GET /api/risk: per service, its open action items and its error budget left. */
export interface ServiceRisk {
  service: string;
  team: string | null;
  openActionItems: number;
  overdueActionItems: number;
  oldestOpenDays: number | null;
  medianOpenDays: number | null;
  items: { id: string; title: string; owner: string; due?: string; ageDays: number }[];
  budget: {
    remainingMinutes: number | null;
    budgetMinutes: number | null;
    percentConsumed: number | null;
  } | null;
}
