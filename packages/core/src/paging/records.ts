import { FirebreakError, VersionConflictError } from "@firebreak/core/shared/errors";
import type { Actor, Severity } from "../incident/model";
import type { NotifyRules } from "../oncall/notify-rules";
import type { UrgencyRules } from "../oncall/urgency";
import type { ChannelName, DeliveryError, PageTarget } from "./channels";

/**
 * The records of paging: pages, the escalation of an incident (its ladder snapshot and the steps
 * taken), and the errors of their writes. PageRepository (ports/paging.ts) stores them.
 */

/** Where the page stands: requested → delivered | failed → acknowledged. */
export type PageState = "requested" | "delivered" | "failed" | "acknowledged";
export type DeliveryState = Exclude<PageState, "acknowledged">;

/** A ladder level (1-based), the fallback, or a role-coverage re-page of the incident commander. */
export type PageLevel = number | "fallback" | "role_coverage" | "related_alarm" | "responder";

/** `escalation`: a ladder step; `announce`: the team's alert channel; `role_coverage`: IC re-page. */
export type PagePurpose =
  | "escalation"
  | "announce"
  | "role_coverage"
  | "related_alarm"
  | "responder"
  | "repage";

/** The channel target with the person's name (for people reading the list). */
export type PageTargetRecord = PageTarget & { name?: string };

export interface StoredPage {
  /** Deterministic (see `pageIdFor`): the same page planned twice has the same id. */
  pageId: string;
  incidentId: string;
  channel: ChannelName;
  target: PageTargetRecord;
  /** `person:<id>`, `topic:<arn>` or `channel:<id>`. */
  targetKey: string;
  level: PageLevel;
  /** Ladder pass (0 = first) for escalation pages; the attempt (1-based) for role coverage. */
  round: number;
  purpose: PagePurpose;
  /** The paging episode (absent: the first); a reopened incident pages again in a new one. */
  episode?: number;
  /** Delivery state, or `acknowledged` once acknowledged. */
  state: PageState;
  delivery: DeliveryState;
  /** Provider attempts, all sends together. */
  attempts: number;
  /** How many times the page was handed to its channel (more than 1 only after crash recovery). */
  sends: number;
  error?: DeliveryError;
  /** SNS MessageId, or `<channel>:<ts>` of the Slack message. */
  providerId?: string;
  requestedAt: string;
  /** When a sender last took the page (stale-page recovery compares against it). */
  claimedAt: string;
  deliveredAt?: string;
  failedAt?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: Actor;
  /**
   * The id of the page's `page.requested` timeline entry, chosen when the page was planned. The
   * entry itself is written with the page's first recorded outcome (`recordOutcome`), in the same
   * transaction, so the write before the send carries the page only. Absent on pages whose entry
   * was written with the page (before this field existed): nothing more to write for those.
   */
  requestedEntryId?: string;
}

/** A person as copied into the escalation at declare time (contact details included). */
export interface SnapshotPerson {
  personId: string;
  name: string;
  phone?: string;
  slackUserId?: string;
  email?: string;
  /** Their notification rules at declare time (absent: the default, oncall/notify-rules.ts). */
  notify?: NotifyRules;
}

export type SnapshotTarget =
  | ({ type: "person"; rotationId?: string } & SnapshotPerson)
  | { type: "topic"; arn: string };

export interface SnapshotStep {
  targets: SnapshotTarget[];
  /** Why nobody is reachable at this step, when `targets` is empty. */
  nobody?: string;
}

/**
 * The escalation ladder resolved when the incident was declared. Later directory edits do not
 * change a running escalation.
 */
export interface LadderSnapshot {
  levels: Array<SnapshotStep & { level: number; timeoutMinutes: number }>;
  repeat: number;
  fallback: SnapshotStep;
}

/** One ladder step taken (what `nextEscalation` needs as its `pages`). */
export interface EscalationStep {
  level: number | "fallback";
  round: number;
  requestedAt: string;
  /** `urgency_raised`: the severity became high urgency and the paused ladder moved on. */
  trigger: "start" | "timeout" | "role_coverage" | "urgency_raised" | "requested";
}

export interface EscalationRecord {
  incidentId: string;
  /** Optimistic locking: every write is conditioned on the version read. */
  version: number;
  /** `active` while something is due (the item is on the escalationsDue index). */
  status: "active" | "done";
  doneReason?: string;
  severity: Severity;
  declaredAt: string;
  teamId?: string;
  teamName?: string;
  policyId?: string;
  policyName?: string;
  alertChannel?: string;
  directoryVersion?: number;
  ladder: LadderSnapshot;
  /** Everyone the escalation knows, for matching an acknowledging actor to a person. */
  people: SnapshotPerson[];
  steps: EscalationStep[];
  /** Set once the ladder has nothing more to do, with why. */
  ladderDone?: { reason: string; at: string };
  acknowledgedAt?: string;
  acknowledgedBy?: Actor;
  coverage: { attempts: number; lastEscalatedAt?: string };
  /** When the sweeper should look again; absent when done. */
  nextDueAt?: string;
  startedAt: string;
  updatedAt: string;
  /**
   * The paging episode: 1 from the declaration, one more each time the incident is reopened. A new
   * episode restarts the ladder (its pages have ids of their own), not before `notBefore`.
   */
  episode?: number;
  /** The ladder's first step of this episode waits until then: a reopening is not a fresh storm. */
  notBefore?: string;
  /**
   * The urgency rules resolved at declaration (oncall/urgency.ts): which severities are high
   * urgency, the low-urgency SMS delay and the team's working hours. Absent (an escalation started
   * before urgencies existed): every severity is high urgency.
   */
  urgency?: UrgencyRules;
  /** Low-urgency SMS and topic pages waiting for `sendAt` (sent then unless acknowledged or resolved). */
  held?: HeldPage[];
  /** Grouped alarms (`incident.alarm_attached`) whose page to the IC was planned: once per alarm. */
  relatedPaged?: string[];
  /** People paged in by request (`incident.responder_requested`): `<entry id>:<person id>`, once each. */
  respondersPaged?: string[];
  /** Escalate-now and re-page requests (`incident.escalation_requested`) carried out: their entry ids. */
  escalationRequests?: string[];
  /**
   * Everyone a page was requested for, by person id, in every episode: the list's "was paged".
   * Kept by the store (`saveEscalation` adds the people of the new pages), never by the planner.
   */
  paged?: string[];
}

/** What the incident list shows of an escalation (`PageStore.escalationSummaries`). */
export interface EscalationSummary {
  /** The ladder's latest step: its level and when it was paged; absent before the first step. */
  level?: number | "fallback";
  since?: string;
  acknowledged: boolean;
  /** Whether the ladder is still running (something due). */
  active: boolean;
  /** Why it stopped, when it did: `acknowledged`, `resolved`, `low_urgency` (paged, waiting), … */
  doneReason?: string;
  paged: string[];
}

/** A page held by low urgency: what `pagesForTarget` would have sent, and when it will be. */
export interface HeldPage {
  target: SnapshotTarget;
  level: PageLevel;
  round: number;
  purpose: PagePurpose;
  reason: string;
  /** What the page is about beyond its level (a grouped alarm's ARN): part of its id. */
  subject?: string;
  /** The channel it goes by (absent: SNS, an SMS or the topic: a low-urgency hold). */
  channel?: ChannelName;
  /**
   * The person's notification rule delay it waits for (minutes after `heldAt`): it is sent then,
   * whatever the urgency, or at `sendAt` for low urgency. Absent: a low-urgency hold only.
   */
  delayMinutes?: number;
  /** When it was due (and held). */
  heldAt: string;
  /** When it is sent, if the incident is still unacknowledged and unresolved. */
  sendAt: string;
}

export interface DueEscalation {
  incidentId: string;
  dueAt: string;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** The incident already has an escalation (a redelivered `incident.declared`, or a concurrent one). */
export class EscalationExistsError extends FirebreakError {
  constructor(incidentId: string, options?: { cause?: unknown }) {
    super("escalation_exists", `incident ${incidentId} already has an escalation`, options);
  }
}

/** The incident changed between the read and an escalation write that also changes it (the roles). */
export class IncidentChangedError extends VersionConflictError {
  constructor(
    incidentId: string,
    readVersion: number,
    currentVersion?: number,
    options?: { cause?: unknown },
  ) {
    super(`incident ${incidentId} changed since version ${readVersion} was read`, currentVersion, options);
  }
}
