import { FirebreakError } from "@firebreak/core/shared/errors";
import * as z from "@firebreak/core/shared/zod";
import type { AlarmContext } from "../alarm/context";
import type { Role } from "./timeline";

export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;
export const DEFAULT_SEVERITY: Severity = "SEV3";

/** Whether going from `from` to `to` lowers the severity (SEV1 is the most severe). */
export function lowersSeverity(from: Severity, to: Severity): boolean {
  return SEVERITIES.indexOf(to) > SEVERITIES.indexOf(from);
}

/** The values a person may type for a severity, for every refusal. */
export const SEVERITY_VALUES = "SEV1 (most severe) to SEV5, written SEV2, sev2 or 2";

/**
 * The one severity parser for people's input (API, Slack, CLI): `SEVn`, `sevN` or `N`, N 1–5, any
 * case. Anything else (`sev0`, `SEV6`, `high`, `critical`) is undefined: refused, never mapped.
 */
export function parseSeverity(text: string): Severity | undefined {
  const m = /^(?:sev)?([1-5])$/i.exec(text.trim());
  return m ? (`SEV${m[1]}` as Severity) : undefined;
}
export const DEFAULT_SERVICE = "unassigned";

export const INCIDENT_STATUSES = ["declared", "acknowledged", "mitigated", "resolved"] as const;
export const incidentStatusSchema = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof incidentStatusSchema>;

export type IncidentSource = "alarm" | "manual";

export interface AlarmRef {
  name: string;
  arn: string;
  account: string;
  region: string;
  /** What the responder needs to know, as the opening transition said it (bounded: alarm/context.ts). */
  context?: AlarmContext;
}

export interface RelatedAlarm {
  arn: string;
  name: string;
  /** When it joined the incident. */
  at: string;
}

export interface Actor {
  type: "system" | "alarm" | "user" | "slack" | "api";
  id: string;
  name?: string;
}

export const SYSTEM_ACTOR: Actor = { type: "system", id: "firebreak" };

export interface Incident {
  /** Sortable id (ULID). */
  id: string;
  /** Human number: INC-<number>. */
  number: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  services: string[];
  /** Account and region pairs the incident touches. */
  locations: { account: string; region: string }[];
  source: IncidentSource;
  /** The alarm that opened it, for alarm-made incidents. */
  alarm?: AlarmRef;
  /** The owning team the alarm named (its `team` tag); paging uses it when the directory has it. */
  team?: string;
  flapping: boolean;
  /** Free text from the declarer (manual incidents) or the alarm description. */
  description?: string;
  /** Who holds each role now. The timeline keeps the history (assignments and handoffs). */
  roles?: Partial<Record<Role, RoleHolder>>;
  /** The resolver's summary. */
  summary?: string;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
  /** When the incident was last reopened (its alarm fired again soon after it resolved). */
  reopenedAt?: string;
  /** How many times it was reopened: each reopening is a new paging episode (paging/service.ts). */
  reopens?: number;
  /**
   * Other alarms grouped into this incident (alarm/grouping.ts): they fired for its service while it
   * was open. Its own alarm is `alarm`.
   */
  relatedAlarms?: RelatedAlarm[];
  /** Who declared it (manual incidents): the declarer may take command of it (Slack's permissions). */
  declaredBy?: Actor;
  /**
   * The incident this one was merged into (core/incident/merge.ts): a duplicate, resolved by the
   * merge, its alarms moved there.
   */
  mergedInto?: IncidentRef;
  /** The duplicates merged into this one (at most MAX_MERGED), newest last. */
  merged?: IncidentRef[];
  /** Related incidents (at most MAX_LINKS), both ways: each lists the other. */
  links?: IncidentRef[];
  /** Optimistic-locking version: incremented on every write. */
  version: number;
}

/** One page of a list, and the cursor of the next (none on the last). */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** What an incident list can filter on: status, and optionally severity and service. */
export interface IncidentListQuery {
  status: "open" | "resolved" | "all";
  severity?: Incident["severity"];
  service?: string;
  limit?: number;
  cursor?: string;
}

/** Another incident, as one incident names it: its id, its INC-n and its title when it was named. */
export interface IncidentRef {
  id: string;
  number: number;
  title: string;
  /** When the merge or link was made. */
  at: string;
}

export interface RoleHolder {
  personId: string;
  personName?: string;
  assignedAt: string;
}

export function incidentKey(incident: Pick<Incident, "number">): string {
  return `INC-${incident.number}`;
}

/** The lifecycle only moves forward: declared → acknowledged → mitigated → resolved. Steps may be skipped. */
const ORDER: Record<IncidentStatus, number> = { declared: 0, acknowledged: 1, mitigated: 2, resolved: 3 };

export class IllegalTransitionError extends FirebreakError {
  readonly from: IncidentStatus;
  readonly to: IncidentStatus;
  constructor(from: IncidentStatus, to: IncidentStatus) {
    super(
      "illegal_transition",
      `cannot move an incident from "${from}" to "${to}": the lifecycle is declared → acknowledged → mitigated → resolved`,
    );
    this.from = from;
    this.to = to;
  }
}

export function isOpen(status: IncidentStatus): boolean {
  return status !== "resolved";
}

export function assertTransition(from: IncidentStatus, to: IncidentStatus): void {
  if (ORDER[to] <= ORDER[from]) throw new IllegalTransitionError(from, to);
}

/**
 * Reopens a resolved incident (pure): back to declared, as if just declared, with the earlier
 * acknowledgement, mitigation and resolution left to the timeline. Its channel, roles and
 * postmortem stay; the postmortem is drafted again when it resolves again.
 */
export function reopen(incident: Incident, at: string): Incident {
  if (incident.status !== "resolved") throw new IllegalTransitionError(incident.status, "declared");
  const { acknowledgedAt: _a, mitigatedAt: _m, resolvedAt: _r, ...rest } = incident;
  return {
    ...rest,
    status: "declared",
    reopenedAt: at,
    reopens: (incident.reopens ?? 0) + 1,
    updatedAt: at,
    version: incident.version + 1,
  };
}

/** Applies a status change to an incident (pure). Timestamps of skipped steps stay unset. */
export function transition(incident: Incident, to: IncidentStatus, at: string): Incident {
  assertTransition(incident.status, to);
  const next: Incident = { ...incident, status: to, updatedAt: at, version: incident.version + 1 };
  if (to === "acknowledged") next.acknowledgedAt = at;
  if (to === "mitigated") next.mitigatedAt = at;
  if (to === "resolved") next.resolvedAt = at;
  return next;
}
