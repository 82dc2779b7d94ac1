import type { Actor, Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { DeliveryError } from "../paging/channels";
import type { DueEscalation, EscalationRecord, EscalationSummary, StoredPage } from "../paging/records";
import type { TestAckVia, TestPageRecord, TestPageSend, TestSendOutcome } from "../paging/test-page-records";

/**
 * One escalation step, all or nothing: the escalation (new when `expectedVersion` is undefined,
 * else conditioned on that version), the pages it acknowledges, its new pages and its entries.
 */
export interface EscalationChange {
  expectedVersion: number | undefined;
  escalation: EscalationRecord;
  newPages?: StoredPage[];
  acknowledgePages?: { pageId: string; at: string; by: Actor }[];
  entries?: TimelineEntry[];
  /** The incident changed with this step (the initial roles), conditioned on `before.version`. */
  incident?: { before: Incident; after: Incident };
}

/** How a page's send ended. */
export type PageOutcome =
  | { delivery: "delivered"; at: string; attempts: number; providerId: string }
  | { delivery: "failed"; at: string; attempts: number; error: DeliveryError };

/** Escalations, their pages, used ack links and taken SMS replies. */
export interface PageRepository {
  /** The escalation among an incident partition's items (`IncidentRepository.getIncidentPartition`). */
  escalationIn(items: readonly Record<string, unknown>[]): EscalationRecord | undefined;
  getEscalation(incidentId: string): Promise<EscalationRecord | undefined>;
  escalationSummaries(incidentIds: readonly string[]): Promise<Map<string, EscalationSummary>>;
  getPage(incidentId: string, pageId: string): Promise<StoredPage | undefined>;
  listPages(incidentId: string): Promise<StoredPage[]>;
  /** Escalations due at or before `now`, earliest first, continuing after `startAfter`. */
  queryDue(now: Date, limit?: number, startAfter?: DueEscalation): Promise<DueEscalation[]>;
  /** EscalationExistsError (new, but one exists), VersionConflictError or ConcurrentChangeError. */
  saveEscalation(change: EscalationChange): Promise<void>;
  /** Takes a page for (re)sending; false when someone else took it or it was recorded meanwhile. */
  claimPage(incidentId: string, pageId: string, seenClaimedAt: string, at: string): Promise<boolean>;
  /** Records a page's outcome with its entries, once: false when it was already recorded. */
  recordOutcome(
    incidentId: string,
    pageId: string,
    outcome: PageOutcome,
    entries: TimelineEntry[],
  ): Promise<boolean>;
  /** Uses a one-click ack link, once: false when it was used before. */
  consumeAckLink(
    incidentId: string,
    pageId: string,
    at: string,
    expiresAt: number,
    keyId: string,
  ): Promise<boolean>;
  isAckLinkUsed(incidentId: string, pageId: string): Promise<boolean>;
  releaseAckLink(incidentId: string, pageId: string, consumedAt: string): Promise<void>;
  /** Takes an inbound SMS reply once: false when it was taken before (a redelivery). */
  claimInboundSms(inboundMessageId: string, at: string, expiresAt: number): Promise<boolean>;
  releaseInboundSms(inboundMessageId: string, at: string): Promise<void>;
}

/** Test pages and their sends: what sending and acknowledging them needs. */
export interface TestPageRepository {
  get(id: string): Promise<{ record: TestPageRecord; sends: TestPageSend[] } | undefined>;
  /** The person's newest test page. */
  lastFor(personId: string): Promise<{ testPageId: string; at: string } | undefined>;
  getSend(id: string, sendId: string): Promise<TestPageSend | undefined>;
  claimSend(id: string, sendId: string, at: string, staleBefore: string): Promise<boolean>;
  recordSend(id: string, sendId: string, outcome: TestSendOutcome): Promise<boolean>;
  acknowledge(id: string, sendId: string, at: string, via: TestAckVia): Promise<boolean>;
}

/** A test page to write: its record, its sends and its entry, unless someone was paged after `rateCutoff`. */
export interface TestPageRequest {
  record: TestPageRecord;
  sends: TestPageSend[];
  entry: TimelineEntry;
  rateCutoff: string;
  retryAfterSeconds: number;
}

/** Test pages as requested: each one written with its sends, within the people's rate limit. */
export interface TestPageRequestRepository extends TestPageRepository {
  /** TestPageRateLimitedError when a person had a test page after `rateCutoff`. */
  create(input: TestPageRequest): Promise<void>;
}
