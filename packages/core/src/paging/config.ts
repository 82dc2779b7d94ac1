/**
 * Paging's dependencies and configuration, the input schemas, page ids, the timeline kinds it
 * writes and the results its use cases answer. The flows and their guarantees: service.ts.
 */

import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { digestId } from "@firebreak/core/shared/ids";
import type { Log } from "@firebreak/core/shared/log";
import * as z from "@firebreak/core/shared/zod";
import type { Actor, Incident, Severity } from "../incident/model";
import type {
  ContactRepository,
  DirectoryRepository,
  IncidentRepository,
  PageRepository,
  TestPageRepository,
} from "../ports";
import type { AckKey } from "./ack-link";
import type { ChannelName, DeliveryError, OutgoingPage, PageChannel, SendIsolatedOptions } from "./channels";
import type { CoveredSeverity } from "./escalation";
import type { PageRenderers } from "./page-renderers";
import type { EscalationRecord, PageLevel, PagePurpose, StoredPage } from "./records";

export interface PagingConfig {
  /** How long a one-click ack link works (default 24 h). */
  ackLinkTtlMs: number;
  /** Time budget of one send, per channel or for all (see `sendIsolated`; default 10 s). */
  sendTimeoutMs: SendIsolatedOptions["timeoutMs"];
  /**
   * A page still `requested` this long after it was taken for sending is assumed lost (the sender
   * crashed) and is sent again. Keep it well above `sendTimeoutMs` (default 2 min).
   */
  staleAfterMs: number;
  /** Role-coverage minutes for SEV1/SEV2 (default `DEFAULT_ROLE_COVERAGE_MINUTES`: 5 and 15). */
  roleCoverageMinutes?: number | Partial<Record<CoveredSeverity, number>>;
  /** Escalations taken per index Query in a sweep (default 50). */
  sweepBatch: number;
  /** Escalations processed at once in a sweep (default 4). */
  sweepConcurrency: number;
  /** Batches per sweep at most (default 20): the rest waits for the next sweep. */
  sweepMaxBatches: number;
  /**
   * The severities whose pages also call a person's phone, when the voice channel is configured
   * (default SEV1 and SEV2; the setting `FIREBREAK_VOICE_SEVERITIES`). See `pagesForTarget`.
   */
  voiceSeverities: readonly Severity[];
}

export const DEFAULT_PAGING_CONFIG: PagingConfig = {
  ackLinkTtlMs: 24 * 3600 * 1000,
  sendTimeoutMs: 10_000,
  staleAfterMs: 120_000,
  sweepBatch: 50,
  sweepConcurrency: 4,
  sweepMaxBatches: 20,
  voiceSeverities: ["SEV1", "SEV2"],
};

export interface PagingDeps {
  incidents: IncidentRepository;
  pages: PageRepository;
  directory: DirectoryRepository;
  /** A channel left out is reported as `channel_not_configured` on each of its pages (never dropped). */
  channels: { sns?: PageChannel; slack?: PageChannel; voice?: PageChannel };
  clock?: Clock;
  /** Signs new ack links (and verifies them). */
  ackKey: AckKey;
  /** Older keys still accepted when verifying links, while they rotate out. */
  previousAckKeys?: readonly AckKey[];
  /** Base of the one-click link, e.g. `https://firebreak.example.com/ack` (see `ackUrl`). */
  ackBaseUrl: string;
  /** The dashboard's base URL; an incident is `<dashboardUrl>/incidents/<id>`. */
  dashboardUrl?: string;
  log?: Log;
  config?: Partial<PagingConfig>;
  /** The page renderers (default `PAGE_RENDERERS`); one that throws fails only its own pages. */
  renderers?: Partial<PageRenderers>;
}

/**
 * Paging as answering people needs it (SMS replies, ack links, test sends): an SMS reply may carry
 * a contact method's verification code, and a reply or a link may be a test page's.
 */
export interface PagingReplyDeps extends PagingDeps {
  contacts: ContactRepository;
  testPages: TestPageRepository;
}

/** Who Firebreak's own timeline entries and role assignments are by. */
export const FIREBREAK_ACTOR: Actor = { type: "system", id: "firebreak", name: "Firebreak" };

/**
 * Timeline kinds written by paging. The `page.*` kinds are in TIMELINE_KINDS; the others are new
 * (each is also a domain event on the bus, so the names are a contract: add, never rename).
 */
export const PAGING_KINDS = {
  pageRequested: "page.requested",
  pageDelivered: "page.delivered",
  pageFailed: "page.failed",
  pageAcknowledged: "page.acknowledged",
  /** The escalation began: team, policy and ladder. */
  escalationStarted: "escalation.started",
  /** Nobody can be paged (no directory, no owning team). */
  escalationNotStarted: "escalation.not_started",
  /** The next level (or the fallback) was paged: `trigger` is `timeout` or `role_coverage`. */
  escalated: "escalation.escalated",
  /** A level had nobody on call and was passed over. */
  levelSkipped: "escalation.level_skipped",
  /** The role-coverage rule fired: the IC was re-paged and the ladder moved up. */
  roleCoverage: "escalation.role_coverage",
  /** The ladder stopped: acknowledged, resolved, or every level and the fallback were paged. */
  stopped: "escalation.stopped",
  /** The incident was reopened: its ladder starts again as a new episode. */
  escalationRestarted: "escalation.restarted",
  /** Something about the initial roles a person should know (comms unassigned, ops is the IC…). */
  roleFlagged: "incident.role_flagged",
  /** A person asked for (`incident.responder_requested`) who could not be paged: not in the directory. */
  responderNotPaged: "escalation.responder_not_paged",
  /** The current level paged again, as a person asked (`incident.escalation_requested`, re-page). */
  repaged: "escalation.repaged",
  /** An escalate-now or re-page request with nothing to page (every level paged, or none yet). */
  requestNoop: "escalation.request_noop",
  /** A grouped alarm that could not be told to anyone (the incident has no commander). */
  relatedAlarm: "escalation.related_alarm",
  /** A low-urgency SMS or topic page held until `sendAt` (the delay, within working hours). */
  pageHeld: "page.held",
  /** A held page not sent after all: the incident was acknowledged or resolved first. */
  holdCancelled: "page.hold_cancelled",
} as const;

/** How long a grouped alarm waits for the incident to have a commander before saying nobody was told. */
export const RELATED_IC_WAIT_MS = 5 * 60_000;

/** `doneReason` of a low-urgency escalation that paged its level and waits (a severity raise resumes it). */
export const LOW_URGENCY_PAUSE = "low_urgency";

export function configOf(deps: PagingDeps): PagingConfig {
  return { ...DEFAULT_PAGING_CONFIG, ...deps.config };
}

export function clockOf(deps: PagingDeps): Clock {
  return deps.clock ?? systemClock;
}

// Input schemas (exported for the edges)

export const incidentIdSchema = z
  .string()
  .check(z.trim(), z.regex(/^[A-Za-z0-9_-]{1,64}$/, "expected an incident id"));

export const actorSchema = z.object({
  type: z.enum(["system", "alarm", "user", "slack", "api"]),
  id: z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
  name: z.optional(z.string().check(z.trim(), z.maxLength(200))),
});

export const acknowledgeInputSchema = z.object({
  incidentId: incidentIdSchema,
  pageId: z.optional(z.string().check(z.trim(), z.regex(/^[A-Za-z0-9_-]{1,64}$/, "expected a page id"))),
  actor: actorSchema,
  /**
   * The incident version the acknowledgement was based on (the API's optimistic lock). When given,
   * the incident is acknowledged first, conditioned on it: stale or lost to another change, it is a
   * VersionConflictError and nothing else is written.
   */
  expectedVersion: z.optional(z.number().check(z.int(), z.positive())),
});
export type AcknowledgeInput = z.input<typeof acknowledgeInputSchema>;

/** An ack-link token as it arrives in the URL (anything else is `malformed`). */
export const ackTokenSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(256));

// Page ids

/**
 * The deterministic id of a page: 128 bits of SHA-256 over what makes the page unique, written
 * like a ULID (26 Crockford characters) so that an ack link packs it into 16 bytes. It is not a
 * time: pages sort by `requestedAt`, not by id.
 */
export function pageIdFor(parts: {
  incidentId: string;
  level: PageLevel;
  round: number;
  purpose: PagePurpose;
  targetKey: string;
  channel: ChannelName;
  /** The paging episode; the first one (absent or 1) keeps the ids pages always had. */
  episode?: number;
  /** What the page is about beyond its level (a grouped alarm's ARN). */
  subject?: string;
}): string {
  const episode = parts.episode && parts.episode > 1 ? [parts.episode] : [];
  const subject = parts.subject ? [`subject:${parts.subject}`] : [];
  return digestId([
    "firebreak/page/v1",
    parts.incidentId,
    parts.purpose,
    parts.level,
    parts.round,
    parts.targetKey,
    parts.channel,
    ...episode,
    ...subject,
  ]);
}

// Results

/** A page as the API shows it: contact details left out (the directory has them). */
export type PageView = Omit<StoredPage, "target" | "claimedAt"> & {
  target:
    | { kind: "person"; personId: string; name?: string; slackUserId?: string }
    | { kind: "topic"; arn: string }
    | { kind: "channel"; slackChannelId: string };
};

export interface DeclaredResult {
  /** `started`: roles assigned and pages sent; `already_started`: a redelivery, nothing sent again. */
  outcome: "started" | "already_started" | "not_paged";
  /** Why nobody was paged (`not_paged`). */
  reason?: string;
  incident: Incident;
  pages: PageView[];
}

export type AckLinkFailure = "expired" | "forged" | "malformed" | "already_used" | "not_found" | "resolved";

/** What an ack link is for, said before anyone acknowledges (the GET of the link). */
export interface AckLinkSubject {
  incident: Pick<Incident, "number" | "title" | "severity" | "status">;
  /** Who the page went to and how: "Bob Okafor by SMS (level 1)". */
  page: string;
}

export type AckResult =
  | {
      ok: true;
      incident: Incident;
      /** The page acknowledged, when one was named (always, for a link). */
      pageId?: string;
      /** Nothing changed: it was acknowledged before (by anyone). */
      alreadyAcknowledged: boolean;
    }
  | { ok: false; reason: AckLinkFailure; subject?: AckLinkSubject };

export interface SweepResult {
  /** Escalations found due. */
  due: number;
  /** Escalations that took a step or changed state. */
  advanced: number;
  /** Pages sent (or attempted) by this sweep. */
  pagesSent: number;
  /** Escalations another sweeper handled first (nothing sent by this one). */
  raced: number;
  /** Escalations whose processing failed (left due: the next sweep tries again). */
  errors: { incidentId: string; error: string }[];
}

/** A timeline entry the plan writes, before it has an id and a time. */
export interface Draft {
  kind: string;
  summary: string;
  data: Record<string, unknown>;
}

/** A page to send: its rendering, or why it could not be rendered (then it is recorded as failed, unsent). */
export interface PlannedPage {
  page: StoredPage;
  outgoing: OutgoingPage | { renderError: DeliveryError };
}

/** What `planEscalation` decides: the escalation as it becomes, the pages to send, the timeline entries. */
export interface Plan {
  after: EscalationRecord;
  pages: PlannedPage[];
  drafts: Draft[];
}
