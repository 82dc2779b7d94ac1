/**
 * Paging use cases (flows 2 and 3): roles and the first pages when an incident is declared, the
 * escalation sweeper, acknowledgement (by a person, or by a signed one-click link that works
 * once), and the page list.
 *
 * Guarantees, and how they are kept:
 * - Nobody is paged twice for one page. A page's id is deterministic (a hash of incident, level,
 *   round, target and channel) and each step is committed in one transaction with the escalation
 *   item, conditioned on the version that was read (or on its absence, for the first step). Only
 *   the writer that won sends: a redelivered `incident.declared` or a second sweeper sends nothing.
 * - No page is silently lost. Every page is written `requested` BEFORE it is sent, and its outcome
 *   is written after (`page.delivered`, or `page.failed` with the error once the channel's bounded
 *   retries are spent; that entry is also the `page.failed` domain event through the outbox). The
 *   page's `page.requested` entry (id and time fixed when it was planned, so it sorts where it
 *   happened) is written in the outcome's transaction: the write before the send stays small, and
 *   the entry can no more be lost than the page (a page left `requested` is resent and recorded).
 *   A page still `requested` after `staleAfterMs` (the sender crashed) is taken again, by a
 *   conditional claim, on the next visit of the sweeper.
 * - SNS and Slack are isolated: each page is sent on its own (`sendIsolated`, one time budget
 *   per channel) and recorded as soon as its own result is known.
 * - Acknowledgement stops the ladder. The sweeper also reads the incident itself, so an incident
 *   acknowledged or resolved anywhere else (Slack, the dashboard) is never paged again.
 * - Role coverage: a SEV1/SEV2 whose incident commander has not acknowledged within the rule's
 *   minutes gets the IC re-paged and the next level paged at once, again every N minutes.
 *
 * The escalation uses the ladder resolved at declaration (a snapshot in the escalation item), so
 * editing the directory never changes a running escalation.
 */

import { createHash } from "node:crypto";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { NotFoundError, VersionConflictError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import type { Log } from "@firebreak/core/shared/log";
import * as z from "@firebreak/core/shared/zod";
import { backoffDelay, CONFLICT_BACKOFF, sleep } from "../events/backoff";
import { changeStatus, setStatus, validate, withRole } from "../incident/actions";
import {
  type Actor,
  DEFAULT_SERVICE,
  IllegalTransitionError,
  type Incident,
  type Severity,
} from "../incident/model";
import type { Role, TimelineEntry } from "../incident/timeline";
import type { Person } from "../oncall/directory";
import { type ContactMethod, DEFAULT_NOTIFY_RULES } from "../oncall/notify-rules";
import type { DirectoryStore } from "../oncall/store";
import { formatWorkingTime, heldUntil, type Urgency, urgencyOf, urgencyRulesOf } from "../oncall/urgency";
import { assignInitialRoles, type InitialRoles, type ResolvedStep, whoIsOnCall } from "../oncall/who";
import { ConcurrentChangeError, type IncidentStore } from "../storage/incident-store";
import { type AckKey, ackUrl, signAckLink, verifyAckLink, voiceAckCode } from "./ack-link";
import {
  type ChannelName,
  type DeliveryError,
  type DeliveryResult,
  type OutgoingPage,
  type PageChannel,
  type SendIsolatedOptions,
  sendIsolated,
} from "./channels";
import {
  type CoveredSeverity,
  type EscalationDecision,
  type EscalationLadder,
  nextEscalation,
  type RoleCoverageDecision,
  roleCoverageDue,
} from "./escalation";
import { PAGE_RENDERERS, type PageContent, type PageRenderers } from "./messages";
import {
  type DueEscalation,
  EscalationExistsError,
  type EscalationRecord,
  type EscalationStep,
  type HeldPage,
  IncidentChangedError,
  type LadderSnapshot,
  type PageLevel,
  type PagePurpose,
  type PageStore,
  type PageTargetRecord,
  type SnapshotPerson,
  type SnapshotStep,
  type SnapshotTarget,
  type StoredPage,
} from "./store";

// ---------------------------------------------------------------------------------------------
// Dependencies and configuration
// ---------------------------------------------------------------------------------------------

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
  incidents: IncidentStore;
  pages: PageStore;
  directory: DirectoryStore;
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
const RELATED_IC_WAIT_MS = 5 * 60_000;

/** `doneReason` of a low-urgency escalation that paged its level and waits (a severity raise resumes it). */
export const LOW_URGENCY_PAUSE = "low_urgency";

function configOf(deps: PagingDeps): PagingConfig {
  return { ...DEFAULT_PAGING_CONFIG, ...deps.config };
}

function clockOf(deps: PagingDeps): Clock {
  return deps.clock ?? systemClock;
}

// ---------------------------------------------------------------------------------------------
// Input schemas (exported for the edges)
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Page ids
// ---------------------------------------------------------------------------------------------

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

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
  const digest = createHash("sha256")
    .update(
      JSON.stringify([
        "firebreak/page/v1",
        parts.incidentId,
        parts.purpose,
        parts.level,
        parts.round,
        parts.targetKey,
        parts.channel,
        ...episode,
        ...subject,
      ]),
    )
    .digest()
    .subarray(0, 16);
  let n = 0n;
  for (const byte of digest) n = (n << 8n) | BigInt(byte);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = (CROCKFORD[Number(n & 31n)] ?? "0") + out;
    n >>= 5n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Declared → roles → pages
// ---------------------------------------------------------------------------------------------

/**
 * Handles `incident.declared`: assigns the initial roles (only those still empty: a person's
 * choice is never overwritten) and starts the escalation with the first level's pages. Safe to
 * call again for the same incident: it then assigns nothing and pages nobody (it only resumes
 * pages a crashed sender left behind).
 */
export async function onIncidentDeclared(deps: PagingDeps, incidentId: string): Promise<DeclaredResult> {
  const id = validate(incidentIdSchema, incidentId, "incident id");
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await declareOnce(deps, id);
      // Nobody to page by the rules, but someone may have been paged in by name already.
      if (result.outcome === "not_paged" && result.incident.status !== "resolved")
        await onIncidentStatusChanged(deps, id);
      return result;
    } catch (error) {
      // Someone changed the incident between the read and the write (a person took a role, the
      // alarm flapped), or a concurrent delivery's transaction collided with ours: read again and
      // plan again; roles a person chose are then kept, and a started escalation is seen.
      const raced = error instanceof IncidentChangedError || error instanceof ConcurrentChangeError;
      if (!raced || attempt >= MAX_DECLARE_ATTEMPTS) throw error;
      await sleep(backoffDelay(attempt, CONFLICT_BACKOFF));
    }
  }
}

const MAX_DECLARE_ATTEMPTS = 40;

/**
 * One read → plan → write round of onIncidentDeclared. The two reads (the incident's partition:
 * incident, timeline and any escalation; the directory) run in parallel; the escalation, its start
 * entry and its first pages are then written in ONE transaction (conditioned on the escalation's
 * absence: only one delivery pages), the pages are sent, and the initial roles follow
 * (`writeInitialRoles`, which a redelivery completes if this one died before it). So the alarm →
 * page path has a single small write before the sends.
 */
async function declareOnce(deps: PagingDeps, id: string): Promise<DeclaredResult> {
  const clock = clockOf(deps);
  // The escalation lives in the incident's partition: the Query that reads the incident has it.
  const [found, stored] = await Promise.all([deps.incidents.getIncidentPartition(id), deps.directory.get()]);
  if (!found) throw new NotFoundError("incident", id);
  const existing = deps.pages.escalationIn(found.others);
  const declaredAt = new Date(found.incident.createdAt);
  const service = found.incident.services[0] ?? DEFAULT_SERVICE;
  const account = found.incident.alarm?.account ?? found.incident.locations[0]?.account;
  // The team the alarm named (its `team` tag), when the directory has it, owns the incident.
  const team = found.incident.team;

  if (existing) {
    // A redelivery: finish what the first delivery may not have (it crashed after its pages).
    if (stored && existing.doneReason !== "not_started") {
      const roles = assignInitialRoles(stored.directory, service, declaredAt, account, team);
      await writeInitialRoles(deps, found, roles, clock.now());
    }
    await resumeStalePages(deps, found.incident, found.timeline, existing);
    return already(deps, found.incident);
  }
  if (found.incident.status === "resolved") {
    return { outcome: "not_paged", reason: "resolved", incident: found.incident, pages: [] };
  }

  if (!stored) {
    const reason = "no on-call directory has been applied: nobody was assigned or paged";
    return notPaged(deps, found.incident, reason, [], undefined);
  }
  const { directory } = stored;
  const now = clock.now();
  const at = now.toISOString();
  const roles = assignInitialRoles(directory, service, declaredAt, account, team);
  const filled = fillRoles(found.incident, roles, now);
  const incident = filled.after;
  const flags = [...filled.drafts, ...roleFlagDrafts(roles)];

  const who = whoIsOnCall(directory, service, declaredAt, account, team);
  if (!who.owned) return notPaged(deps, found.incident, who.reason, flags, stored.version, incident);

  const ladder: LadderSnapshot = {
    levels: who.levels.map((level) => ({
      level: level.level,
      timeoutMinutes: level.timeoutMinutes,
      ...snapshotStep(level),
    })),
    repeat: who.repeat,
    fallback: snapshotStep(who.fallback),
  };
  const before: EscalationRecord = {
    incidentId: id,
    version: 0,
    status: "active",
    severity: incident.severity,
    declaredAt: incident.createdAt,
    teamId: who.team.id,
    teamName: who.team.name,
    policyId: who.policy.id,
    ...(who.policy.name ? { policyName: who.policy.name } : {}),
    ...(who.team.alertChannel ? { alertChannel: who.team.alertChannel } : {}),
    directoryVersion: stored.version,
    ladder,
    urgency: urgencyRulesOf(who.policy, who.team),
    people: rosterOf(ladder, roles),
    steps: [],
    coverage: { attempts: 0 },
    startedAt: at,
    updatedAt: at,
    // Declared after it was reopened already (events out of order): this start is that episode's.
    ...(incident.reopens ? { episode: incident.reopens + 1 } : {}),
  };
  const startDraft: Draft = {
    kind: PAGING_KINDS.escalationStarted,
    summary: `escalation started: ${who.team.name}'s ${policyLabel(before)} (${ladder.levels.length} level${ladder.levels.length === 1 ? "" : "s"}, ${who.repeat} repeat${who.repeat === 1 ? "" : "s"}, then the fallback)`,
    data: {
      teamId: who.team.id,
      via: who.via,
      policyId: who.policy.id,
      levels: ladder.levels.map((l) => ({
        level: l.level,
        timeoutMinutes: l.timeoutMinutes,
        targets: l.targets.map(targetName),
        nobody: l.nobody,
      })),
      repeat: who.repeat,
      fallback: ladder.fallback.targets.map(targetName),
      directoryVersion: stored.version,
    },
  };
  // Entry ids in the order things happened: the roles, the escalation's start, then its pages.
  const roleEntries = entries(id, now, flags);
  const startEntries = entries(id, now, [startDraft]);
  // People paged in before this declaration was handled (events can arrive in any order).
  const asked = unpagedResponders(found.timeline, before);
  const plan = planEscalation(
    deps,
    before,
    incident,
    found.timeline,
    now,
    [],
    snapshotPeople(stored.directory.people, asked),
  );
  try {
    await deps.pages.saveEscalation({
      expectedVersion: undefined,
      escalation: plan.after,
      newPages: plan.pages.map((p) => p.page),
      entries: [...startEntries, ...entries(id, now, plan.drafts)],
    });
  } catch (error) {
    if (error instanceof EscalationExistsError) return already(deps, found.incident);
    throw error;
  }
  await sendPlanned(deps, incident, plan.pages);
  await writeInitialRoles(deps, found, roles, now, { after: incident, entries: roleEntries });
  return {
    outcome: "started",
    incident: (await deps.incidents.getIncident(id)) ?? incident,
    pages: (await deps.pages.listPages(id)).map(toView),
  };
}

/**
 * The initial roles and the flags about them, written after the first pages were sent (so the
 * write before the sends holds only the escalation and its pages): one change of the incident,
 * conditioned on the version read. On a concurrent change (a person took a role meanwhile) it
 * reads again and fills only the roles still empty, so a person's choice is kept. Once: when the
 * timeline already has Firebreak's role entries (a redelivery), it writes nothing. `planned` is
 * the change computed with the first read (its entry ids sort before the escalation's).
 */
async function writeInitialRoles(
  deps: PagingDeps,
  read: { incident: Incident; timeline: TimelineEntry[] },
  roles: InitialRoles,
  now: Date,
  planned?: { after: Incident; entries: TimelineEntry[] },
): Promise<void> {
  let current = read;
  for (let attempt = 1; ; attempt++) {
    const { incident, timeline } = current;
    if (incident.status === "resolved" || timeline.some(isInitialRoleEntry)) return;
    let change = attempt === 1 ? planned : undefined;
    if (!change) {
      const filled = fillRoles(incident, roles, now);
      change = {
        after: filled.after,
        entries: entries(incident.id, now, [...filled.drafts, ...roleFlagDrafts(roles)]),
      };
    }
    if (change.entries.length === 0) return;
    try {
      // The version moves even for flags alone, so two deliveries never both record them.
      const after = { ...change.after, version: incident.version + 1 };
      await deps.incidents.commitIncidentChange({ before: incident, after, entries: change.entries });
      return;
    } catch (error) {
      const raced = error instanceof VersionConflictError || error instanceof ConcurrentChangeError;
      if (!raced || attempt >= MAX_DECLARE_ATTEMPTS) throw error;
      await sleep(backoffDelay(attempt, CONFLICT_BACKOFF));
      const again = await deps.incidents.getIncidentWithTimeline(incident.id);
      if (!again) throw new NotFoundError("incident", incident.id);
      current = again;
    }
  }
}

/** An entry `writeInitialRoles` (or a declare that paged nobody) wrote: a role Firebreak assigned or flagged. */
function isInitialRoleEntry(entry: TimelineEntry): boolean {
  return (
    entry.actor.type === FIREBREAK_ACTOR.type &&
    entry.actor.id === FIREBREAK_ACTOR.id &&
    (entry.kind === "incident.role_assigned" || entry.kind === PAGING_KINDS.roleFlagged)
  );
}

async function already(deps: PagingDeps, incident: Incident): Promise<DeclaredResult> {
  return {
    outcome: "already_started",
    incident,
    pages: (await deps.pages.listPages(incident.id)).map(toView),
  };
}

/**
 * Records why nobody is paged (once: the escalation item marks the incident as handled), with
 * the roles `withRoles` gives the incident when some were assigned, in the same transaction.
 */
async function notPaged(
  deps: PagingDeps,
  incident: Incident,
  reason: string,
  flags: Draft[],
  directoryVersion: number | undefined,
  withRoles: Incident = incident,
): Promise<DeclaredResult> {
  const now = clockOf(deps).now();
  const at = now.toISOString();
  const escalation: EscalationRecord = {
    incidentId: incident.id,
    version: 1,
    status: "done",
    doneReason: "not_started",
    severity: incident.severity,
    declaredAt: incident.createdAt,
    ...(directoryVersion === undefined ? {} : { directoryVersion }),
    ladder: { levels: [], repeat: 0, fallback: { targets: [], nobody: reason } },
    people: [],
    steps: [],
    ladderDone: { reason: "not_started", at },
    coverage: { attempts: 0 },
    startedAt: at,
    updatedAt: at,
  };
  const drafts: Draft[] = [
    ...flags,
    {
      kind: PAGING_KINDS.escalationNotStarted,
      summary: `nobody paged: ${reason}`,
      data: { reason },
    },
  ];
  try {
    await deps.pages.saveEscalation({
      expectedVersion: undefined,
      escalation,
      entries: entries(incident.id, now, drafts),
      ...(withRoles === incident ? {} : { incident: { before: incident, after: withRoles } }),
    });
  } catch (error) {
    if (error instanceof EscalationExistsError) return already(deps, incident);
    throw error;
  }
  deps.log?.warn("incident declared but nobody paged", { incidentId: incident.id, reason });
  return { outcome: "not_paged", reason, incident: withRoles, pages: [] };
}

/**
 * The incident with each proposed role that is still empty (a person's choice is never
 * overwritten; nothing for a resolved incident), and one `incident.role_assigned` draft each.
 */
function fillRoles(incident: Incident, roles: InitialRoles, now: Date): { after: Incident; drafts: Draft[] } {
  let after = incident;
  const drafts: Draft[] = [];
  if (incident.status === "resolved") return { after, drafts };
  for (const role of ["ic", "ops", "comms"] as const) {
    const person = roles[role];
    if (!person || after.roles?.[role]) continue;
    const step = withRole(
      after,
      { role, personId: person.id, personName: person.name },
      FIREBREAK_ACTOR,
      now,
    );
    // One write for all roles: the version goes up once, as for any single change.
    after = { ...step.after, version: incident.version + 1 };
    drafts.push(...step.drafts);
  }
  return { after, drafts };
}

const FLAG_ROLE: Partial<Record<InitialRoles["flags"][number], Role>> = {
  no_ic: "ic",
  ops_is_ic: "ops",
  no_ops: "ops",
  comms_unassigned: "comms",
};

function roleFlagDrafts(roles: InitialRoles): Draft[] {
  return roles.flags.map((flag, i) => {
    const note = roles.notes[i] ?? flag;
    const role = FLAG_ROLE[flag];
    return {
      kind: PAGING_KINDS.roleFlagged,
      summary: flag === "comms_unassigned" ? `comms lead unassigned: ${note.replace(/^comms: /, "")}` : note,
      data: { flag, note, ...(role ? { role } : {}) },
    };
  });
}

function snapshotStep(step: ResolvedStep): SnapshotStep {
  const targets: SnapshotTarget[] = step.targets.map((t) =>
    t.type === "topic"
      ? { type: "topic", arn: t.arn }
      : { type: "person", ...snapshotOf(t.person), ...(t.rotationId ? { rotationId: t.rotationId } : {}) },
  );
  return step.nobody ? { targets, nobody: step.nobody } : { targets };
}

/** A directory person as copied into the escalation: contact details and notification rules. */
function snapshotOf(p: Person): SnapshotPerson {
  return {
    personId: p.id,
    name: p.name,
    ...(p.phone ? { phone: p.phone } : {}),
    ...(p.slackUserId ? { slackUserId: p.slackUserId } : {}),
    ...(p.email ? { email: p.email } : {}),
    ...(p.notify ? { notify: p.notify } : {}),
  };
}

function rosterOf(ladder: LadderSnapshot, roles: InitialRoles): SnapshotPerson[] {
  const people = new Map<string, SnapshotPerson>();
  const add = (p: SnapshotPerson) => {
    if (!people.has(p.personId)) people.set(p.personId, p);
  };
  for (const step of [...ladder.levels, ladder.fallback])
    for (const t of step.targets) if (t.type === "person") add(personOf(t));
  for (const role of ["ic", "ops", "comms"] as const) {
    const p = roles[role];
    if (p) add(snapshotOf(p));
  }
  return [...people.values()];
}

function personOf(t: Extract<SnapshotTarget, { type: "person" }>): SnapshotPerson {
  const { type: _type, rotationId: _rotation, ...person } = t;
  return person;
}

// ---------------------------------------------------------------------------------------------
// Planning a step (pure, given the time)
// ---------------------------------------------------------------------------------------------

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

const FAR_FUTURE = new Date("9999-12-31T00:00:00.000Z");

type Ladder = EscalationLadder<SnapshotTarget, SnapshotStep>;

function ladderOf(escalation: EscalationRecord): Ladder {
  return {
    levels: escalation.ladder.levels,
    repeat: escalation.ladder.repeat,
    fallback: escalation.ladder.fallback,
  };
}

function acknowledgedAt(escalation: EscalationRecord, incident: Incident): string | undefined {
  if (escalation.acknowledgedAt) return escalation.acknowledgedAt;
  if (incident.acknowledgedAt) return incident.acknowledgedAt;
  return incident.status === "declared" ? undefined : incident.updatedAt;
}

/**
 * What the escalation does now: the ladder's next step when due, the role-coverage rule, the
 * stop when acknowledged or resolved, and the next due time. `extra` drafts go first. Pure: it reads
 * no store and sends nothing (the caller writes `after` and the drafts in one transaction, then
 * sends the pages), and `before` is left as it was.
 */
export function planEscalation(
  deps: PagingDeps,
  before: EscalationRecord,
  incident: Incident,
  timeline: TimelineEntry[],
  now: Date,
  extra: Draft[] = [],
  directoryPeople: readonly SnapshotPerson[] = [],
): Plan {
  const config = configOf(deps);
  const at = now.toISOString();
  const after: EscalationRecord = structuredClone(before);
  after.version = before.version + 1;
  after.updatedAt = at;
  after.severity = incident.severity;
  const drafts: Draft[] = [...extra];
  const pages: PlannedPage[] = [];
  const urgency = urgencyOf(after.urgency, incident.severity);
  const context = pageContext(deps, incident, timeline, now, urgency);
  if (after.episode && after.episode > 1) context.episode = after.episode;

  if (incident.status === "resolved") {
    drafts.push(...cancelHeld(after, "the incident is resolved"));
    after.status = "done";
    after.doneReason = "resolved";
    delete after.nextDueAt;
    if (after.ladderDone?.reason !== "resolved") {
      after.ladderDone = { reason: "resolved", at };
      drafts.push({
        kind: PAGING_KINDS.stopped,
        summary: "escalation stopped: the incident is resolved",
        data: { reason: "resolved" },
      });
    }
    return { after, pages, drafts };
  }

  const ladder = ladderOf(after);
  const ackAt = acknowledgedAt(after, incident);
  const state = () => ({
    pages: after.steps.map((s) => ({ level: s.level, round: s.round, requestedAt: s.requestedAt })),
    ...(ackAt ? { acknowledgedAt: ackAt } : {}),
  });
  let stepped = false;

  // Low urgency: SMS and topic pages wait (the delay, within working hours); held ones are sent
  // when due, or at once when the severity became high urgency, unless acknowledged first.
  if (ackAt) drafts.push(...cancelHeld(after, "acknowledged"));
  const release = (after.held ?? []).filter((h) => releaseAt(h, urgency) <= now.getTime());
  if (release.length > 0) {
    after.held = (after.held ?? []).filter((h) => !release.includes(h));
    if (after.held.length === 0) delete after.held;
    for (const h of release) pages.push(heldPage(context, h));
  }
  if (urgency === "low" && after.urgency) {
    const rules = after.urgency;
    context.hold = (target, spec, delayMinutes = 0) => {
      const sendAt = heldUntil(rules, new Date(now.getTime() + delayMinutes * 60_000));
      const hold: HeldPage = {
        target,
        ...spec,
        ...(delayMinutes > 0 ? { delayMinutes } : {}),
        heldAt: at,
        sendAt: sendAt.toISOString(),
      };
      after.held = [...(after.held ?? []), hold];
      drafts.push({
        kind: PAGING_KINDS.pageHeld,
        summary: `${heldWhat(hold)} held: ${incident.severity} is low urgency; sent ${formatWorkingTime(rules.workingHours, sendAt)} unless acknowledged by then`,
        data: {
          target: targetName(target),
          ...(target.type === "person" ? { personId: target.personId } : {}),
          level: spec.level,
          round: spec.round,
          severity: incident.severity,
          urgency,
          sendAt: hold.sendAt,
        },
      });
    };
  }

  // A person's notification rule step with a delay: waits, and is cancelled by an acknowledgement.
  context.defer = (target, spec, channel, delayMinutes) => {
    const sendAt = new Date(now.getTime() + delayMinutes * 60_000).toISOString();
    const hold: HeldPage = { target, ...spec, channel, delayMinutes, heldAt: at, sendAt };
    after.held = [...(after.held ?? []), hold];
    drafts.push({
      kind: PAGING_KINDS.pageHeld,
      summary: `${heldWhat(hold)} waits ${delayMinutes} min (${target.type === "person" ? `${target.name}'s` : "the"} notification rules): sent at ${sendAt} unless acknowledged by then`,
      data: {
        target: targetName(target),
        ...(target.type === "person" ? { personId: target.personId } : {}),
        level: spec.level,
        round: spec.round,
        channel,
        delayMinutes,
        sendAt,
      },
    });
  };

  const takeStep = (
    decision: Extract<EscalationDecision<SnapshotTarget, SnapshotStep>, { action: "page" | "fallback" }>,
    trigger: EscalationStep["trigger"],
  ) => {
    stepped = true;
    for (const skipped of decision.skipped) {
      const nobody = after.ladder.levels[skipped.level - 1]?.nobody ?? "no targets";
      drafts.push({
        kind: PAGING_KINDS.levelSkipped,
        summary: `level ${skipped.level}${skipped.round > 0 ? ` (repeat ${skipped.round})` : ""} skipped: nobody on call (${nobody})`,
        data: { level: skipped.level, round: skipped.round, reason: nobody },
      });
    }
    const isFallback = decision.action === "fallback";
    const level: number | "fallback" = decision.action === "page" ? decision.level : "fallback";
    const round = decision.action === "page" ? decision.round : ladder.repeat;
    const targets = decision.action === "page" ? decision.targets : decision.target.targets;
    after.steps.push({ level, round, requestedAt: at, trigger });
    const reason = isFallback
      ? `the fallback of ${policyLabel(after)}: nobody acknowledged`
      : `level ${level} of ${policyLabel(after)}${round > 0 ? ` (repeat ${round} of ${ladder.repeat})` : ""}`;
    // Asked for by a person (escalate now): sent at once, whatever the urgency.
    const urgent = trigger === "requested";
    const stepPages = targets.flatMap((target) =>
      pagesForTarget(context, target, {
        level,
        round,
        purpose: "escalation",
        reason,
        ...(urgent ? { urgent } : {}),
      }),
    );
    // The alert channel is an announcement, not a page to a person: only when Slack is configured.
    if (trigger === "start" && after.alertChannel && context.deps.channels.slack) {
      const mention = targets.flatMap((t) => (t.type === "person" && t.slackUserId ? [t.slackUserId] : []));
      stepPages.push(
        planPage(
          context,
          { kind: "channel", slackChannelId: after.alertChannel },
          "slack",
          { level, round, purpose: "announce", reason: `${after.teamName ?? after.teamId}'s alert channel` },
          mention,
        ),
      );
    }
    pages.push(...stepPages);
    if (trigger !== "start" || isFallback) {
      const who = targets.map(targetName).join(", ") || "nobody";
      const nobody = isFallback && targets.length === 0 ? ` (${decision.target.nobody ?? "no targets"})` : "";
      drafts.push({
        kind: PAGING_KINDS.escalated,
        summary: `${trigger === "role_coverage" ? "role coverage: " : trigger === "requested" ? `escalate now (asked by ${requestedBy}): ` : "nobody acknowledged: "}escalated to ${isFallback ? "the fallback" : `level ${level}${round > 0 ? ` (repeat ${round})` : ""}`}: paging ${who}${nobody}`,
        data: { level, round, trigger, targets: targets.map(targetName), pages: stepPages.length },
      });
    }
  };

  const stopLadder = (reason: string) => {
    if (after.ladderDone) return;
    after.ladderDone = { reason, at };
    drafts.push({
      kind: PAGING_KINDS.stopped,
      summary:
        reason === "acknowledged"
          ? "escalation stopped: acknowledged"
          : "escalation finished: every level and the fallback have been paged",
      data: { reason },
    });
  };

  // Grouped alarms: the current incident commander hears of each one, once (not the ladder).
  const paged = new Set(after.relatedPaged ?? []);
  const pagesBeforeRelated = pages.length;
  let relatedWaiting = false;
  for (const entry of timeline) {
    const arn = entry.data.alarmArn;
    if (entry.kind !== "incident.alarm_attached" || typeof arn !== "string" || paged.has(arn)) continue;
    const icTarget = icTargetOf(after, incident);
    // The initial roles are written just after the first pages: an alarm grouped in between
    // waits for its IC (the sweeper looks again), for a few minutes at most.
    if (!icTarget && now.getTime() - Date.parse(after.startedAt) < RELATED_IC_WAIT_MS) {
      relatedWaiting = true;
      continue;
    }
    paged.add(arn);
    after.relatedPaged = [...paged];
    const name = String(entry.data.alarmName ?? arn);
    if (!icTarget) {
      drafts.push({
        kind: PAGING_KINDS.relatedAlarm,
        summary: `related alarm ${name}: no incident commander to tell`,
        data: { alarmArn: arn, paged: false },
      });
      continue;
    }
    pages.push(
      ...pagesForTarget(context, icTarget, {
        level: "related_alarm",
        round: 0,
        purpose: "related_alarm",
        reason: `you are the incident commander, and another alarm fired for this incident's service: ${name}`,
        subject: arn,
      }),
    );
  }

  // People paged in by request: each named person once per request, at once (never held), on
  // their own channels; they join the roster, so their acknowledgement counts.
  const pagedIn = new Set(after.respondersPaged ?? []);
  for (const entry of timeline) {
    if (entry.kind !== "incident.responder_requested") continue;
    for (const { personId, name } of requestedPeople(entry)) {
      const key = `${entry.id}:${personId}`;
      if (pagedIn.has(key)) continue;
      pagedIn.add(key);
      const person = findPerson(after.people, personId) ?? findPerson(directoryPeople, personId);
      if (!person) {
        drafts.push({
          kind: PAGING_KINDS.responderNotPaged,
          summary: `${name} could not be paged: not in the on-call directory any more`,
          data: { personId, requestId: entry.id },
        });
        continue;
      }
      if (!findPerson(after.people, person.personId)) after.people = [...after.people, person];
      const by = entry.actor.name ?? entry.actor.id;
      const message = typeof entry.data.message === "string" ? `: ${entry.data.message}` : "";
      pages.push(
        ...pagesForTarget(
          context,
          { type: "person", ...person },
          {
            level: "responder",
            round: 0,
            purpose: "responder",
            reason: `${by} asked you to join${message}`,
            subject: entry.id,
            urgent: true,
          },
        ),
      );
    }
  }
  if (pagedIn.size > 0) after.respondersPaged = [...pagedIn];

  // Escalate now, or page the current level again, as a person asked: once per request.
  let requestedBy = "";
  const handled = new Set(after.escalationRequests ?? []);
  for (const entry of timeline) {
    if (entry.kind !== "incident.escalation_requested" || handled.has(entry.id)) continue;
    handled.add(entry.id);
    requestedBy = entry.actor.name ?? entry.actor.id;
    if (entry.data.mode !== "repage") {
      const forced = nextEscalation(ladder, { pages: state().pages }, FAR_FUTURE);
      if (forced.action === "page" || forced.action === "fallback") takeStep(forced, "requested");
      else
        drafts.push({
          kind: PAGING_KINDS.requestNoop,
          summary: `escalate now (asked by ${requestedBy}): nothing more to page: every level and the fallback have been paged`,
          data: { requestId: entry.id, mode: "next" },
        });
      continue;
    }
    const last = after.steps.at(-1);
    const step =
      last && (last.level === "fallback" ? after.ladder.fallback : after.ladder.levels[last.level - 1]);
    if (!last || !step || step.targets.length === 0) {
      drafts.push({
        kind: PAGING_KINDS.requestNoop,
        summary: `re-page (asked by ${requestedBy}): ${last ? "the current level has nobody to page" : "nothing has been paged yet"}`,
        data: { requestId: entry.id, mode: "repage" },
      });
      continue;
    }
    const where = last.level === "fallback" ? "the fallback" : `level ${last.level}`;
    for (const target of step.targets)
      pages.push(
        ...pagesForTarget(context, target, {
          level: last.level,
          round: last.round,
          purpose: "repage",
          reason: `${requestedBy} asked to page ${where} again`,
          subject: entry.id,
          urgent: true,
        }),
      );
    drafts.push({
      kind: PAGING_KINDS.repaged,
      summary: `${where} paged again (asked by ${requestedBy}): ${step.targets.map(targetName).join(", ")}`,
      data: {
        requestId: entry.id,
        level: last.level,
        round: last.round,
        targets: step.targets.map(targetName),
      },
    });
  }
  if (handled.size > 0) after.escalationRequests = [...handled];

  const relatedPlanned = pages.length > pagesBeforeRelated;

  // A reopened incident's ladder starts again, but not before `notBefore`.
  const held = after.steps.length === 0 && after.notBefore !== undefined && after.notBefore > at;
  // Low urgency pages its first level and does not escalate; high urgency moves on from there.
  const paused = urgency === "low" && after.steps.length > 0;
  if (!after.ladderDone && !held && !paused) {
    const decision = nextEscalation(ladder, state(), now);
    if (decision.action === "page" || decision.action === "fallback")
      takeStep(
        decision,
        after.steps.length === 0
          ? "start"
          : after.doneReason === LOW_URGENCY_PAUSE
            ? "urgency_raised"
            : "timeout",
      );
    else if (decision.action === "done") stopLadder(decision.reason);
  }
  if (
    urgency === "low" &&
    after.steps.length > 0 &&
    !after.ladderDone &&
    after.doneReason !== LOW_URGENCY_PAUSE
  ) {
    drafts.push({
      kind: PAGING_KINDS.stopped,
      summary: `escalation paused: ${incident.severity} is low urgency, so it pages one level and does not escalate (it does if the severity is raised to ${(after.urgency?.high ?? []).join(" or ")})`,
      data: { reason: LOW_URGENCY_PAUSE, severity: incident.severity },
    });
  }

  // Role coverage: a SEV1/SEV2 needs an incident commander who has acknowledged.
  const icAckAt = icAcknowledgedAt(incident, timeline, after);
  const coverage = coverageDecision(config, after, incident, icAckAt, now);
  if (coverage.action === "escalate") {
    after.coverage = { attempts: after.coverage.attempts + 1, lastEscalatedAt: at };
    const ic = incident.roles?.ic;
    const icTarget = icTargetOf(after, incident);
    const icName = ic ? (ic.personName ?? ic.personId) : undefined;
    drafts.push({
      kind: PAGING_KINDS.roleCoverage,
      summary: `${coverage.summary}${icName ? ` (IC: ${icName})` : " (no IC assigned)"}`,
      data: {
        severity: incident.severity,
        attempt: after.coverage.attempts,
        minutesSinceDeclared: coverage.minutesSinceDeclared,
        icPersonId: ic?.personId,
        icReachable: Boolean(icTarget),
      },
    });
    if (icTarget) {
      pages.push(
        ...pagesForTarget(context, icTarget, {
          level: "role_coverage",
          round: after.coverage.attempts,
          purpose: "role_coverage",
          reason: `you are the incident commander of this ${incident.severity} and have not acknowledged`,
        }),
      );
    }
    if (!stepped) {
      const forced = nextEscalation(ladder, { pages: state().pages }, FAR_FUTURE);
      if (forced.action === "page" || forced.action === "fallback") takeStep(forced, "role_coverage");
    }
  }

  // When to look again.
  const due: number[] = [];
  for (const h of after.held ?? []) due.push(releaseAt(h, urgency));
  const pausedNow = urgency === "low" && after.steps.length > 0 && !after.ladderDone;
  if (held) due.push(Date.parse(after.notBefore as string));
  else if (!after.ladderDone && !pausedNow) {
    const next = nextEscalation(ladder, state(), now);
    if (next.action === "wait") due.push(next.until.getTime());
    else if (next.action === "done") stopLadder(next.reason);
    else due.push(now.getTime());
  }
  if (relatedWaiting) due.push(now.getTime() + 30_000);
  const nextCoverage = coverageDecision(config, after, incident, icAckAt, now);
  if (nextCoverage.action === "wait") due.push(nextCoverage.until.getTime());
  else if (nextCoverage.action === "escalate") due.push(now.getTime());
  if ((due.length > 0 || pausedNow || relatedPlanned) && pages.length > 0)
    due.push(now.getTime() + config.staleAfterMs);

  if (due.length > 0) {
    after.status = "active";
    after.nextDueAt = new Date(Math.min(...due)).toISOString();
    if (pausedNow) after.doneReason = LOW_URGENCY_PAUSE;
    else delete after.doneReason;
  } else {
    after.status = "done";
    after.doneReason = pausedNow ? LOW_URGENCY_PAUSE : (after.ladderDone?.reason ?? "covered");
    delete after.nextDueAt;
  }
  return { after, pages, drafts };
}

/** Drops every held page (the incident was acknowledged or resolved first), one entry each. */
function cancelHeld(after: EscalationRecord, why: string): Draft[] {
  const held = after.held ?? [];
  delete after.held;
  return held.map((h) => ({
    kind: PAGING_KINDS.holdCancelled,
    summary: `held ${heldWhat(h)} not sent: ${why}`,
    data: {
      target: targetName(h.target),
      ...(h.target.type === "person" ? { personId: h.target.personId } : {}),
      level: h.level,
      round: h.round,
      heldAt: h.heldAt,
      reason: why,
    },
  }));
}

/** When a held page is sent: its rule's delay, or (low urgency) its `sendAt`. */
function releaseAt(h: HeldPage, urgency: Urgency): number {
  if (urgency === "low") return Date.parse(h.sendAt);
  return Date.parse(h.heldAt) + (h.delayMinutes ?? 0) * 60_000;
}

function heldWhat(h: Pick<HeldPage, "target" | "channel">): string {
  if (h.target.type === "topic") return `SNS topic ${h.target.arn}`;
  const via = h.channel === "slack" ? "Slack DM" : h.channel === "voice" ? "call" : "SMS";
  return `${via} to ${h.target.name}`;
}

/** The page a hold was for, now sent (an SMS or the topic through SNS; a rule step on its channel). */
function heldPage(context: PageContext, h: HeldPage): PlannedPage {
  const spec: PageSpec = {
    level: h.level,
    round: h.round,
    purpose: h.purpose,
    reason: h.reason,
    ...(h.subject ? { subject: h.subject } : {}),
  };
  if (h.target.type === "topic") return planPage(context, { kind: "topic", arn: h.target.arn }, "sns", spec);
  const { personId, name, phone, slackUserId } = h.target;
  const base = { kind: "person" as const, personId, name };
  if (h.channel === "slack" && slackUserId)
    return planPage(context, { ...base, slackUserId }, "slack", spec, [slackUserId]);
  return planPage(context, { ...base, ...(phone ? { phone } : {}) }, h.channel ?? "sns", spec);
}

function coverageDecision(
  config: PagingConfig,
  escalation: EscalationRecord,
  incident: Incident,
  icAckAt: string | undefined,
  now: Date,
): RoleCoverageDecision {
  return roleCoverageDue({
    severity: incident.severity,
    declaredAt: incident.createdAt,
    ...(icAckAt ? { icAcknowledgedAt: icAckAt } : {}),
    ...(config.roleCoverageMinutes === undefined ? {} : { minutes: config.roleCoverageMinutes }),
    now,
    ...(escalation.coverage.lastEscalatedAt ? { lastEscalatedAt: escalation.coverage.lastEscalatedAt } : {}),
  });
}

/** The people an `incident.responder_requested` entry names. */
function requestedPeople(entry: TimelineEntry): { personId: string; name: string }[] {
  const people = Array.isArray(entry.data.people) ? entry.data.people : [];
  return people.flatMap((p: unknown) => {
    const { personId, name } = (p ?? {}) as { personId?: unknown; name?: unknown };
    return typeof personId === "string"
      ? [{ personId, name: typeof name === "string" ? name : personId }]
      : [];
  });
}

/** An escalate-now or re-page request not carried out yet. */
function unhandledEscalationRequest(
  timeline: readonly TimelineEntry[],
  escalation: EscalationRecord,
): boolean {
  const handled = new Set(escalation.escalationRequests ?? []);
  return timeline.some((e) => e.kind === "incident.escalation_requested" && !handled.has(e.id));
}

/** The people asked for by request who have not been paged yet (their ids). */
function unpagedResponders(timeline: readonly TimelineEntry[], escalation: EscalationRecord): string[] {
  const paged = new Set(escalation.respondersPaged ?? []);
  return timeline.flatMap((e) =>
    e.kind === "incident.responder_requested"
      ? requestedPeople(e)
          .filter((p) => !paged.has(`${e.id}:${p.personId}`))
          .map((p) => p.personId)
      : [],
  );
}

/** Contact details of people the escalation's roster does not have, from the directory now. */
async function directoryPeopleFor(
  deps: PagingDeps,
  ids: readonly string[],
  roster: readonly SnapshotPerson[],
) {
  const missing = ids.filter((id) => !findPerson(roster, id));
  if (missing.length === 0) return [];
  return snapshotPeople((await deps.directory.get())?.directory.people ?? [], missing);
}

/** These directory people (by id) as page targets. */
function snapshotPeople(people: readonly Person[], ids: readonly string[]): SnapshotPerson[] {
  return people.filter((p) => ids.includes(p.id)).map(snapshotOf);
}

/** A grouped alarm joined the incident and its page to the IC has not been planned yet. */
function unpagedRelatedAlarm(timeline: readonly TimelineEntry[], escalation: EscalationRecord): boolean {
  const paged = new Set(escalation.relatedPaged ?? []);
  return timeline.some(
    (e) =>
      e.kind === "incident.alarm_attached" &&
      typeof e.data.alarmArn === "string" &&
      !paged.has(e.data.alarmArn),
  );
}

/** The incident commander as a page target: a known person, else a bare Slack id; else none. */
function icTargetOf(escalation: EscalationRecord, incident: Incident): SnapshotTarget | undefined {
  const ic = incident.roles?.ic;
  if (!ic) return undefined;
  const person = findPerson(escalation.people, ic.personId);
  if (person) return { type: "person", ...person };
  if (/^[UW][A-Z0-9]{2,}$/.test(ic.personId))
    return {
      type: "person",
      personId: ic.personId,
      name: ic.personName ?? ic.personId,
      slackUserId: ic.personId,
    };
  return undefined;
}

function findPerson(people: readonly SnapshotPerson[], id: string): SnapshotPerson | undefined {
  return people.find((p) => p.personId === id || p.slackUserId === id);
}

/** The ids an actor may carry for the person who holds `personId`: directory id, Slack id, email. */
function identitiesOf(personId: string, people: readonly SnapshotPerson[]): Set<string> {
  const ids = new Set([personId]);
  const person = findPerson(people, personId);
  if (person) {
    ids.add(person.personId);
    if (person.slackUserId) ids.add(person.slackUserId);
    if (person.email) ids.add(person.email);
  }
  return ids;
}

/**
 * When the current incident commander acknowledged, read from the timeline (the source of
 * truth): an acknowledgement by them (of the incident or of a page, including their page's
 * one-click link), or their taking the IC role themselves.
 */
export function icAcknowledgedAt(
  incident: Incident,
  timeline: readonly TimelineEntry[],
  escalation: Pick<EscalationRecord, "people">,
): string | undefined {
  const ic = incident.roles?.ic;
  if (!ic) return undefined;
  const ids = identitiesOf(ic.personId, escalation.people);
  for (const entry of timeline) {
    const byIc = ids.has(entry.actor.id);
    const data = entry.data ?? {};
    if (entry.kind === "page.acknowledged" && (byIc || ids.has(String(data.personId)))) return entry.at;
    if (entry.kind === "incident.status_changed" && data.to === "acknowledged" && byIc) return entry.at;
    if (
      entry.kind === "incident.role_assigned" &&
      data.role === "ic" &&
      byIc &&
      ids.has(String(data.personId))
    )
      return entry.at;
  }
  return undefined;
}

function policyLabel(escalation: Pick<EscalationRecord, "policyName" | "policyId" | "teamName">): string {
  if (escalation.policyName) return `escalation policy "${escalation.policyName}"`;
  if (escalation.policyId?.startsWith("team:")) return "escalation policy";
  return escalation.policyId ? `escalation policy "${escalation.policyId}"` : "escalation policy";
}

// ---------------------------------------------------------------------------------------------
// Pages: targets, rendering, sending, recording
// ---------------------------------------------------------------------------------------------

interface PageContext {
  deps: PagingDeps;
  incident: Incident;
  now: Date;
  /** The escalation's episode (pages of a reopened incident are new pages). */
  episode?: number;
  /** The incident's urgency now (a person's rules have a list per urgency). */
  urgency: Urgency;
  /** Low urgency: takes the SMS and topic pages that must wait instead of sending them now. */
  hold?: (target: SnapshotTarget, spec: PageSpec, delayMinutes?: number) => void;
  /** Takes a notification rule step that waits (its delay) instead of sending it now. */
  defer?: (target: SnapshotTarget, spec: PageSpec, channel: ChannelName, delayMinutes: number) => void;
  alarmReason?: string;
  dashboardUrl?: string;
}

function pageContext(
  deps: PagingDeps,
  incident: Incident,
  timeline: readonly TimelineEntry[],
  now: Date,
  urgency: Urgency,
) {
  const context: PageContext = { deps, incident, now, urgency };
  const alarm = [...timeline]
    .reverse()
    .find((e) => e.kind === "incident.alarm_transition" && e.data.state === "ALARM");
  if (typeof alarm?.data.reason === "string") context.alarmReason = alarm.data.reason;
  if (deps.dashboardUrl)
    context.dashboardUrl = `${deps.dashboardUrl.replace(/\/+$/, "")}/incidents/${encodeURIComponent(incident.id)}`;
  return context;
}

interface PageSpec {
  level: PageLevel;
  round: number;
  purpose: PagePurpose;
  reason: string;
  /** A grouped alarm's ARN, for its page to the IC (one per alarm); a responder request's entry id. */
  subject?: string;
  /** Sent now whatever the urgency (a person asked for them by name): never held. */
  urgent?: boolean;
}

/**
 * A topic: SNS. A person: their notification rules for the urgency (high for a page asked for by
 * name), step by step: a Slack DM to their Slack id, an SMS or a call to their phone (a call only
 * when the voice channel is configured, for the voice severities, and never for a grouped alarm's
 * note to the IC). A step at 0 minutes is sent now; a later one waits (`defer`), and a low-urgency
 * SMS is held (`hold`). With no step on a configured channel, every way they have is used at once;
 * with none configured either, the channels report the failure (`channel_not_configured`,
 * `no_address`), so the gap is on the timeline, never skipped.
 */
function pagesForTarget(context: PageContext, target: SnapshotTarget, spec: PageSpec): PlannedPage[] {
  const hold = spec.urgent ? undefined : context.hold;
  if (target.type === "topic") {
    if (hold) {
      hold(target, spec);
      return [];
    }
    return [planPage(context, { kind: "topic", arn: target.arn }, "sns", spec)];
  }
  const { deps, incident } = context;
  const steps = (target.notify ?? DEFAULT_NOTIFY_RULES)[spec.urgent ? "high" : context.urgency];
  const voiceOn =
    Boolean(deps.channels.voice) &&
    spec.purpose !== "related_alarm" &&
    configOf(deps).voiceSeverities.includes(incident.severity);
  const base = { kind: "person" as const, personId: target.personId, name: target.name };
  const configured: PlannedPage[] = [];
  let waiting = false;
  for (const step of steps) {
    const channel = METHOD_CHANNEL[step.method];
    const address = step.method === "slack" ? target.slackUserId : target.phone;
    if (!address || (step.method === "voice" && !voiceOn)) continue;
    if (step.method === "sms" && hold) {
      hold(target, spec, step.delayMinutes);
      waiting = true;
      continue;
    }
    const on = Boolean(deps.channels[channel]);
    if (step.delayMinutes > 0 && on && context.defer) {
      context.defer(target, spec, channel, step.delayMinutes);
      waiting = true;
      continue;
    }
    if (!on) continue;
    configured.push(
      channel === "slack"
        ? planPage(context, { ...base, slackUserId: address }, channel, spec, [address])
        : planPage(context, { ...base, phone: address }, channel, spec),
    );
  }
  if (configured.length > 0 || waiting) return configured;
  // Their rules reach them by no configured channel (a call with no voice channel, say): a page
  // must still land, so every way they have is used, at once.
  const anyhow: PlannedPage[] = [];
  if (target.phone) anyhow.push(planPage(context, { ...base, phone: target.phone }, "sns", spec));
  if (target.slackUserId)
    anyhow.push(
      planPage(context, { ...base, slackUserId: target.slackUserId }, "slack", spec, [target.slackUserId]),
    );
  const on = anyhow.filter((p) => deps.channels[p.page.channel]);
  if (on.length > 0) return on;
  if (anyhow.length > 0) return anyhow;
  return [planPage(context, { ...base, ...(target.email ? { email: target.email } : {}) }, "sns", spec)];
}

const METHOD_CHANNEL: Record<ContactMethod, ChannelName> = { slack: "slack", sms: "sns", voice: "voice" };

function targetKeyOf(target: PageTargetRecord): string {
  switch (target.kind) {
    case "person":
      return `person:${target.personId}`;
    case "topic":
      return `topic:${target.arn}`;
    case "channel":
      return `channel:${target.slackChannelId}`;
  }
}

function planPage(
  context: PageContext,
  target: PageTargetRecord,
  channel: ChannelName,
  spec: PageSpec,
  mention: string[] = [],
): PlannedPage {
  const { incident, now } = context;
  const at = now.toISOString();
  const targetKey = targetKeyOf(target);
  const pageId = pageIdFor({
    incidentId: incident.id,
    level: spec.level,
    round: spec.round,
    purpose: spec.purpose,
    targetKey,
    channel,
    ...(context.episode ? { episode: context.episode } : {}),
    ...(spec.subject ? { subject: spec.subject } : {}),
  });
  const page: StoredPage = {
    pageId,
    incidentId: incident.id,
    channel,
    target,
    targetKey,
    level: spec.level,
    round: spec.round,
    purpose: spec.purpose,
    ...(context.episode && context.episode > 1 ? { episode: context.episode } : {}),
    state: "requested",
    delivery: "requested",
    attempts: 0,
    sends: 1,
    requestedAt: at,
    claimedAt: at,
    requestedEntryId: newId(now.getTime()),
  };
  return { page, outgoing: render(context, page, spec.reason, mention) };
}

/** The page's `page.requested` entry, written with its first outcome (see `recordOutcome`). */
function requestedEntry(page: StoredPage, id: string): TimelineEntry {
  return {
    id,
    incidentId: page.incidentId,
    kind: PAGING_KINDS.pageRequested,
    actor: FIREBREAK_ACTOR,
    at: page.requestedAt,
    summary: `paging ${pageTargetName(page.target)} by ${viaLabel(page)} (${levelLabel(page)})`,
    data: pageData(page),
  };
}

/**
 * Renders what the page's channel and target use, and only that: a Slack page the Slack message; an
 * SMS to a person's phone the SMS; a topic page the SMS, the email and the default text (its
 * subscribers may use any of them); a person without a phone nothing (SNS reports `no_address`).
 * Each page's rendering is isolated: a renderer that throws fails this page alone (`render_failed`,
 * recorded on the timeline by `recordOutcome`), never another page, channel or target, and a
 * renderer a page does not use cannot fail it.
 */
function render(
  context: PageContext,
  page: StoredPage,
  reason: string,
  mention: string[],
): OutgoingPage | { renderError: DeliveryError } {
  const { deps, incident, now } = context;
  const renderers = deps.renderers ? { ...PAGE_RENDERERS, ...deps.renderers } : PAGE_RENDERERS;
  let step = "ack link";
  try {
    const token = signAckLink(
      {
        pageId: page.pageId,
        incidentId: incident.id,
        expiresAt: new Date(now.getTime() + configOf(deps).ackLinkTtlMs),
      },
      deps.ackKey,
    );
    const content: PageContent = {
      incident,
      reason,
      ackUrl: ackUrl(deps.ackBaseUrl, token),
      ...(context.dashboardUrl ? { dashboardUrl: context.dashboardUrl } : {}),
      ...(context.alarmReason ? { alarmReason: context.alarmReason } : {}),
      ...(mention.length > 0 ? { mention } : {}),
    };
    const { name: _name, ...target } = page.target;
    const base = {
      pageId: page.pageId,
      incidentId: incident.id,
      incidentNumber: incident.number,
      severity: incident.severity,
      title: incident.title,
      target,
    };
    const none = { sms: "", email: { subject: "", body: "" } };
    if (page.channel === "voice") {
      step = "voice";
      const phone = page.target.kind === "person" ? page.target.phone : undefined;
      const ackCode = phone ? voiceAckCode(deps.ackKey, page.pageId, phone) : undefined;
      const ssml = renderers.voice({ ...content, ...(ackCode ? { voiceAckCode: ackCode } : {}) });
      const voice = ackCode ? { voice: { ssml, ackCode } } : {};
      return { ...base, ...none, text: "", slack: { text: "", blocks: [] }, ...voice };
    }
    if (page.channel === "slack") {
      step = "slack";
      const slack = renderers.slack(content);
      // The default text only when the Slack message has no notification text of its own.
      step = "text";
      const text = slack.text || renderers.text(content);
      return { ...base, ...none, text, slack };
    }
    const topic = page.target.kind === "topic";
    if (!topic && !(page.target.kind === "person" && page.target.phone)) {
      return { ...base, ...none, text: "", slack: { text: "", blocks: [] } };
    }
    step = "sms";
    const sms = renderers.sms(content);
    const omitted = sms.link === "omitted" ? { smsLinkOmitted: true } : {};
    if (!topic)
      return { ...base, ...none, sms: sms.text, text: sms.text, slack: { text: "", blocks: [] }, ...omitted };
    step = "email";
    const email = renderers.email(content);
    step = "text";
    const text = renderers.text(content);
    return { ...base, sms: sms.text, email, text, slack: { text, blocks: [] }, ...omitted };
  } catch (error) {
    deps.log?.error("page rendering failed", { pageId: page.pageId, step, error: String(error) });
    return {
      renderError: {
        code: "render_failed",
        message: `the ${step} rendering failed: ${error instanceof Error ? error.message : String(error)}`,
        retryable: false,
      },
    };
  }
}

/** Sends each page through its channel on its own, recording each outcome as soon as it is known. */
async function sendPlanned(
  deps: PagingDeps,
  incident: Incident,
  pages: readonly PlannedPage[],
): Promise<void> {
  if (pages.length === 0) return;
  const channels = [deps.channels.sns, deps.channels.slack, deps.channels.voice].filter(
    (c): c is PageChannel => c !== undefined,
  );
  const timeoutMs = configOf(deps).sendTimeoutMs;
  const settled = await Promise.allSettled(
    pages.map(async ({ page, outgoing }) => {
      if ("renderError" in outgoing) {
        await recordOutcome(deps, incident, page, {
          status: "failed",
          error: outgoing.renderError,
          attempts: 0,
        });
        return;
      }
      const [sent] = await sendIsolated(channels, [{ channel: page.channel, page: outgoing }], {
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      if (sent?.thrown)
        deps.log?.error("paging channel threw", { pageId: page.pageId, error: String(sent.thrown) });
      await recordOutcome(deps, incident, page, sent?.result ?? missingResult(), outgoing);
    }),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) throw failure.reason;
}

function missingResult(): DeliveryResult {
  return {
    status: "failed",
    error: { code: "channel_error", message: "no result from sendIsolated", retryable: false },
    attempts: 0,
  };
}

async function recordOutcome(
  deps: PagingDeps,
  incident: Incident,
  page: StoredPage,
  result: DeliveryResult,
  sent?: OutgoingPage,
): Promise<void> {
  const now = clockOf(deps).now();
  const at = now.toISOString();
  const who = pageTargetName(page.target);
  // An SMS without its link (it did not fit) says so on the timeline: ack it in Slack or by email.
  // A topic's SMS subscribers get that SMS too, so a topic page says it as well.
  const noLink =
    sent?.smsLinkOmitted === true &&
    (page.target.kind === "topic" || (page.target.kind === "person" && page.target.phone !== undefined));
  const base = { ...pageData(page), ...(noLink ? { smsLinkOmitted: true } : {}) };
  const noLinkNote = noLink
    ? ` (the SMS${page.target.kind === "topic" ? " rendering" : ""} went without its ack link: "SEVn INC-n <link>" is longer than the 140 characters of one SMS, so it says to ack in Slack or email; a shorter FIREBREAK_ACK_BASE_URL keeps the link)`
    : "";
  // The outcome's entry, preceded by the page's deferred `page.requested` entry when it has one.
  const withRequested = (outcome: Draft): TimelineEntry[] => [
    ...(page.requestedEntryId ? [requestedEntry(page, page.requestedEntryId)] : []),
    ...entries(incident.id, now, [outcome]),
  ];
  if (result.status === "delivered") {
    await deps.pages.recordOutcome(
      incident.id,
      page.pageId,
      { delivery: "delivered", at, attempts: result.attempts, providerId: result.providerId },
      withRequested({
        kind: PAGING_KINDS.pageDelivered,
        summary: `page delivered to ${who} by ${viaLabel(page)}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ""}${noLinkNote}`,
        data: { ...base, providerId: result.providerId, attempts: result.attempts },
      }),
    );
    return;
  }
  const { error } = result;
  deps.log?.warn("page failed", { incidentId: incident.id, pageId: page.pageId, code: error.code });
  await deps.pages.recordOutcome(
    incident.id,
    page.pageId,
    { delivery: "failed", at, attempts: result.attempts, error },
    withRequested({
      kind: PAGING_KINDS.pageFailed,
      summary: `page to ${who} by ${viaLabel(page)} failed after ${result.attempts} attempt${result.attempts === 1 ? "" : "s"}: ${error.code}: ${error.message}`,
      data: {
        ...base,
        attempts: result.attempts,
        error: { code: error.code, message: error.message, retryable: error.retryable },
      },
    }),
  );
}

/**
 * Sends again the pages a crashed sender left `requested` for longer than `staleAfterMs`, each
 * taken with a conditional claim so that two sweepers never both resend it.
 */
async function resumeStalePages(
  deps: PagingDeps,
  incident: Incident,
  timeline: TimelineEntry[],
  escalation: EscalationRecord,
): Promise<number> {
  if (incident.status === "resolved" || escalation.status !== "active") return 0;
  const now = clockOf(deps).now();
  const { staleAfterMs } = configOf(deps);
  const stale = (await deps.pages.listPages(incident.id)).filter(
    (p) =>
      p.delivery === "requested" &&
      !p.acknowledgedAt &&
      Date.parse(p.claimedAt) + staleAfterMs <= now.getTime(),
  );
  if (stale.length === 0) return 0;
  const context = pageContext(
    deps,
    incident,
    timeline,
    now,
    urgencyOf(escalation.urgency, incident.severity),
  );
  const claimed: PlannedPage[] = [];
  for (const page of stale) {
    if (!(await deps.pages.claimPage(incident.id, page.pageId, page.claimedAt, now.toISOString()))) continue;
    deps.log?.warn("resending a page left requested", { incidentId: incident.id, pageId: page.pageId });
    const mention = page.target.kind === "person" && page.target.slackUserId ? [page.target.slackUserId] : [];
    const reason =
      page.purpose === "role_coverage"
        ? `you are the incident commander of this ${incident.severity} and have not acknowledged`
        : page.level === "fallback"
          ? `the fallback of ${policyLabel(escalation)}: nobody acknowledged`
          : `level ${page.level} of ${policyLabel(escalation)}`;
    claimed.push({ page, outgoing: render(context, page, reason, mention) });
  }
  await sendPlanned(deps, incident, claimed);
  return claimed.length;
}

function pageData(page: StoredPage): Record<string, unknown> {
  return {
    pageId: page.pageId,
    channel: page.channel,
    level: page.level,
    round: page.round,
    purpose: page.purpose,
    target: publicTarget(page.target),
    ...(page.target.kind === "person" ? { personId: page.target.personId } : {}),
  };
}

function publicTarget(target: PageTargetRecord): PageView["target"] {
  switch (target.kind) {
    case "person":
      return {
        kind: "person",
        personId: target.personId,
        ...(target.name ? { name: target.name } : {}),
        ...(target.slackUserId ? { slackUserId: target.slackUserId } : {}),
      };
    case "topic":
      return { kind: "topic", arn: target.arn };
    case "channel":
      return { kind: "channel", slackChannelId: target.slackChannelId };
  }
}

function toView(page: StoredPage): PageView {
  const { claimedAt: _claimed, target, ...rest } = page;
  return { ...rest, target: publicTarget(target) };
}

function targetName(target: SnapshotTarget): string {
  return target.type === "person" ? target.name : `topic ${target.arn.split(":").pop() ?? target.arn}`;
}

function pageTargetName(target: PageTargetRecord): string {
  switch (target.kind) {
    case "person":
      return target.name ?? target.personId;
    case "topic":
      return `topic ${target.arn.split(":").pop() ?? target.arn}`;
    case "channel":
      return `Slack channel ${target.slackChannelId}`;
  }
}

function viaLabel(page: Pick<StoredPage, "channel" | "target">): string {
  if (page.channel === "slack") return page.target.kind === "channel" ? "Slack" : "Slack DM";
  if (page.channel === "voice") return "voice call";
  if (page.target.kind === "topic") return "SNS";
  return page.target.kind === "person" && page.target.phone ? "SMS" : "SNS";
}

function levelLabel(page: Pick<StoredPage, "level" | "round" | "purpose">): string {
  if (page.purpose === "role_coverage") return `role coverage, attempt ${page.round}`;
  if (page.purpose === "related_alarm") return "a related alarm";
  if (page.purpose === "responder") return "asked to join";
  if (page.purpose === "repage")
    return `re-paged, ${page.level === "fallback" ? "fallback" : `level ${page.level}`}`;
  const where = page.level === "fallback" ? "fallback" : `level ${page.level}`;
  const repeat = page.round > 0 ? `, repeat ${page.round}` : "";
  return page.purpose === "announce" ? `announcing ${where}${repeat}` : `${where}${repeat}`;
}

function entries(incidentId: string, now: Date, drafts: Draft[]): TimelineEntry[] {
  const at = now.toISOString();
  return drafts.map((d) => ({ id: newId(now.getTime()), incidentId, actor: FIREBREAK_ACTOR, at, ...d }));
}

// ---------------------------------------------------------------------------------------------
// Escalation sweeper
// ---------------------------------------------------------------------------------------------

type ProcessOutcome =
  | { outcome: "not_due" | "waiting" | "done" | "raced" }
  | { outcome: "advanced"; pagesSent: number };

/**
 * One sweep: every escalation due now (a Query on the escalationsDue index) takes its step. Run
 * it every minute (EventBridge Scheduler / a cron rule in the cloud, an interval locally). Safe
 * to run concurrently: each step is conditioned on the escalation's version, so of two sweepers
 * only one sends. One failing escalation does not hold up the others (it stays due).
 */
export async function sweepEscalations(deps: PagingDeps): Promise<SweepResult> {
  const config = configOf(deps);
  const result: SweepResult = { due: 0, advanced: 0, pagesSent: 0, raced: 0, errors: [] };
  const seen = new Set<string>();
  let last: DueEscalation | undefined;
  for (let batch = 0; batch < config.sweepMaxBatches; batch++) {
    const found = await deps.pages.queryDue(clockOf(deps).now(), config.sweepBatch, last);
    last = found.at(-1);
    const due = found.filter((d) => !seen.has(d.incidentId));
    if (due.length === 0) break;
    for (const d of due) seen.add(d.incidentId);
    result.due += due.length;
    await forEachLimited(due, config.sweepConcurrency, async ({ incidentId }) => {
      try {
        const outcome = await processEscalation(deps, incidentId, false);
        if (outcome.outcome === "advanced") {
          result.advanced += 1;
          result.pagesSent += outcome.pagesSent;
        } else if (outcome.outcome === "raced") result.raced += 1;
      } catch (error) {
        deps.log?.error("escalation sweep failed for an incident", { incidentId, error: String(error) });
        result.errors.push({ incidentId, error: error instanceof Error ? error.message : String(error) });
      }
    });
    if (found.length < config.sweepBatch) break;
  }
  return result;
}

/**
 * Brings an incident's escalation up to date at once (for `incident.status_changed`,
 * `page.acknowledged` and `incident.severity_changed`): an acknowledgement or resolution made
 * anywhere stops the ladder now instead of at the next due time; a severity raised to high urgency
 * sends the held pages and lets a paused ladder escalate. It pages only what is due anyway.
 */
export async function onIncidentStatusChanged(deps: PagingDeps, incidentId: string): Promise<void> {
  const id = validate(incidentIdSchema, incidentId, "incident id");
  for (let attempt = 1; attempt <= 10; attempt++) {
    const outcome = await processEscalation(deps, id, true);
    if (outcome.outcome !== "raced") return;
  }
}

async function processEscalation(
  deps: PagingDeps,
  incidentId: string,
  force: boolean,
): Promise<ProcessOutcome> {
  const before = await deps.pages.getEscalation(incidentId);
  if (!before || (before.status !== "active" && !force)) return { outcome: "done" };
  const now = clockOf(deps).now();
  if (!force && before.nextDueAt && before.nextDueAt > now.toISOString()) return { outcome: "not_due" };
  const found = await deps.incidents.getIncidentWithTimeline(incidentId);
  // Reopened since this escalation's episode began: a new episode (`startEpisode`).
  const reopenedEpisode =
    found && found.incident.status !== "resolved" ? (found.incident.reopens ?? 0) + 1 : 1;
  const neverStarted = before.ladderDone?.reason === "not_started"; // nobody to page, then or now
  if (found && !neverStarted && reopenedEpisode > (before.episode ?? 1))
    return startEpisode(deps, before, found, reopenedEpisode, now);
  // A paused low-urgency ladder is looked at again when asked (its severity may have been raised).
  const paused = force && before.doneReason === LOW_URGENCY_PAUSE;
  const related = force && found !== undefined && unpagedRelatedAlarm(found.timeline, before);
  const asked = found ? unpagedResponders(found.timeline, before) : [];
  const requested = found !== undefined && unhandledEscalationRequest(found.timeline, before);
  if (before.status !== "active" && !paused && !related && !(force && (asked.length > 0 || requested)))
    return { outcome: "done" };
  if (!found) {
    const after: EscalationRecord = {
      ...before,
      version: before.version + 1,
      status: "done",
      doneReason: "incident_missing",
      updatedAt: now.toISOString(),
    };
    delete after.nextDueAt;
    return saveStep(deps, before, after, [], [], now, undefined);
  }
  const directoryPeople = await directoryPeopleFor(deps, asked, before.people);
  const plan = planEscalation(deps, before, found.incident, found.timeline, now, [], directoryPeople);
  const unchanged =
    plan.pages.length === 0 &&
    plan.drafts.length === 0 &&
    plan.after.status === before.status &&
    plan.after.nextDueAt === before.nextDueAt;
  let outcome: ProcessOutcome = { outcome: "waiting" };
  if (!unchanged) {
    outcome = await saveStep(deps, before, plan.after, plan.pages, plan.drafts, now, found.incident);
    if (outcome.outcome === "raced") return outcome;
  }
  const resent = await resumeStalePages(deps, found.incident, found.timeline, plan.after);
  if (resent > 0) {
    return {
      outcome: "advanced",
      pagesSent: (outcome.outcome === "advanced" ? outcome.pagesSent : 0) + resent,
    };
  }
  return outcome;
}

/**
 * A reopened incident pages again, by its escalation rules: the ladder restarts at level 1 as a new
 * episode (new page ids, no acknowledgement yet), but its first step waits until the first level's
 * timeout has run since the previous episode began. A flapping alarm that reopens its incident
 * three times in a minute pages level 1 once, not three times; one that comes back an hour later
 * pages at once.
 */
async function startEpisode(
  deps: PagingDeps,
  before: EscalationRecord,
  found: { incident: Incident; timeline: TimelineEntry[] },
  episode: number,
  now: Date,
): Promise<ProcessOutcome> {
  const firstTimeout = (before.ladder.levels[0]?.timeoutMinutes ?? 0) * 60_000;
  // The previous episode's start; one still held (it never started) keeps its own hold.
  const lastStart = before.steps.find((s) => s.trigger === "start")?.requestedAt;
  const hold = lastStart
    ? Date.parse(lastStart) + firstTimeout
    : before.notBefore
      ? Date.parse(before.notBefore)
      : 0;
  const notBefore = new Date(Math.max(now.getTime(), hold));
  const next: EscalationRecord = {
    ...before,
    status: "active",
    episode,
    steps: [],
    coverage: { attempts: 0 },
    nextDueAt: notBefore.toISOString(),
  };
  for (const key of ["doneReason", "ladderDone", "acknowledgedAt", "acknowledgedBy", "notBefore"] as const)
    delete next[key];
  const held = notBefore > now;
  if (held) next.notBefore = notBefore.toISOString();
  const draft: Draft = {
    kind: PAGING_KINDS.escalationRestarted,
    summary: `escalation restarted (episode ${episode}): the incident was reopened; ${
      held
        ? `level 1 is paged at ${next.notBefore}, once its ${firstTimeout / 60_000}-minute timeout has run since the last start`
        : "paging level 1 now"
    }`,
    data: { episode, ...(held ? { notBefore: next.notBefore } : {}) },
  };
  // planEscalation bumps the version from `next`'s: start from the one that was read.
  const plan = planEscalation(deps, next, found.incident, found.timeline, now, [draft]);
  return saveStep(deps, before, plan.after, plan.pages, plan.drafts, now, found.incident);
}

async function saveStep(
  deps: PagingDeps,
  before: EscalationRecord,
  after: EscalationRecord,
  pages: PlannedPage[],
  drafts: Draft[],
  now: Date,
  incident: Incident | undefined,
): Promise<ProcessOutcome> {
  try {
    await deps.pages.saveEscalation({
      expectedVersion: before.version,
      escalation: after,
      newPages: pages.map((p) => p.page),
      entries: entries(before.incidentId, now, drafts),
    });
  } catch (error) {
    if (error instanceof VersionConflictError) return { outcome: "raced" };
    throw error;
  }
  if (incident) await sendPlanned(deps, incident, pages);
  return { outcome: "advanced", pagesSent: pages.length };
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

// ---------------------------------------------------------------------------------------------
// Acknowledgement
// ---------------------------------------------------------------------------------------------

const MAX_ACK_ATTEMPTS = 40;

/**
 * Acknowledges an incident (and, with `pageId`, that page) for `actor`: stops the escalation,
 * records `page.acknowledged`, and moves the incident to `acknowledged` if it is still declared.
 * Idempotent: acknowledging again changes nothing (`alreadyAcknowledged`). With `expectedVersion`,
 * a stale version (or a lost race with another change based on it) is a VersionConflictError.
 */
export async function acknowledge(
  deps: PagingDeps,
  input: AcknowledgeInput,
  via: "api" | "slack" | "link" | "sms" = "api",
): Promise<Extract<AckResult, { ok: true }>> {
  const data = validate(acknowledgeInputSchema, input);
  const actor: Actor = data.actor;
  const { incidentId, pageId } = data;
  const clock = clockOf(deps);
  let changed = false;
  if (data.expectedVersion !== undefined) {
    // The version gate first: only the change that wins it goes on to the escalation.
    const gate = await setStatus(
      { store: deps.incidents, clock },
      incidentId,
      { to: "acknowledged", expectedVersion: data.expectedVersion },
      actor,
    );
    changed = gate.changed;
  }

  for (let attempt = 1; ; attempt++) {
    const found = await deps.incidents.getIncidentWithTimeline(incidentId);
    if (!found) throw new NotFoundError("incident", incidentId);
    const page = pageId ? await deps.pages.getPage(incidentId, pageId) : undefined;
    if (pageId && !page) throw new NotFoundError("page", pageId);
    const escalation = await deps.pages.getEscalation(incidentId);
    if (!escalation) break;
    const pageNeedsAck = Boolean(page && !page.acknowledgedAt);
    const escalationNeedsAck =
      !escalation.acknowledgedAt && escalation.status === "active" && found.incident.status !== "resolved";
    const stopsLadder = escalationNeedsAck && !escalation.ladderDone;
    // The incident commander acknowledging matters on its own: it satisfies role coverage.
    const ic = found.incident.roles?.ic;
    const icIds = ic ? identitiesOf(ic.personId, escalation.people) : new Set<string>();
    const byIc = icIds.has(actor.id) || (page?.target.kind === "person" && icIds.has(page.target.personId));
    const icNeedsAck =
      byIc &&
      escalation.status === "active" &&
      found.incident.status !== "resolved" &&
      icAcknowledgedAt(found.incident, found.timeline, escalation) === undefined;
    if (!pageNeedsAck && !escalationNeedsAck && !icNeedsAck) break;

    const now = clock.now();
    const at = now.toISOString();
    const after: EscalationRecord = structuredClone(escalation);
    after.version = escalation.version + 1;
    after.updatedAt = at;
    const cancelled: Draft[] = [];
    if (escalationNeedsAck) {
      after.acknowledgedAt = at;
      after.acknowledgedBy = actor;
      after.ladderDone ??= { reason: "acknowledged", at };
      cancelled.push(...cancelHeld(after, "acknowledged"));
    }
    const summaryWho = actor.name ?? actor.id;
    const entry: TimelineEntry = {
      id: newId(now.getTime()),
      incidentId,
      kind: PAGING_KINDS.pageAcknowledged,
      actor,
      at,
      summary: page
        ? `page to ${pageTargetName(page.target)} (${levelLabel(page)}) acknowledged by ${summaryWho}${via === "link" ? " with the one-click link" : via === "sms" ? " by SMS reply" : ""}${stopsLadder ? ": escalation stopped" : ""}`
        : `acknowledged by ${summaryWho}${byIc ? " (incident commander)" : ""}${stopsLadder ? ": escalation stopped" : ""}`,
      data: {
        via,
        ...(page ? pageData(page) : {}),
        escalationStopped: stopsLadder,
        incidentCommander: Boolean(byIc),
      },
    };
    // Still due only for role coverage (a SEV1/SEV2 whose IC has not acknowledged); the sweeper
    // reads the timeline, this entry included, and decides.
    const icAck = icAcknowledgedAt(found.incident, [...found.timeline, entry], after);
    const coverage = coverageDecision(configOf(deps), after, found.incident, icAck, now);
    if (coverage.action === "none") {
      after.status = "done";
      after.doneReason = "acknowledged";
      delete after.nextDueAt;
    } else if (after.status === "active") {
      const dueAt = coverage.action === "wait" ? coverage.until.toISOString() : at;
      after.nextDueAt = after.nextDueAt && after.nextDueAt < dueAt ? after.nextDueAt : dueAt;
    }
    try {
      await deps.pages.saveEscalation({
        expectedVersion: escalation.version,
        escalation: after,
        acknowledgePages: pageNeedsAck && page ? [{ pageId: page.pageId, at, by: actor }] : [],
        entries: [entry, ...entries(incidentId, now, cancelled)],
      });
      changed = true;
      break;
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ACK_ATTEMPTS) throw error;
      await sleep(backoffDelay(attempt, CONFLICT_BACKOFF));
    }
  }

  let incident = await deps.incidents.getIncident(incidentId);
  if (!incident) throw new NotFoundError("incident", incidentId);
  if (incident.status === "declared") {
    try {
      incident = await changeStatus(
        { store: deps.incidents, clock },
        incidentId,
        { to: "acknowledged" },
        actor,
      );
      changed = true;
    } catch (error) {
      if (!(error instanceof IllegalTransitionError)) throw error;
      incident = (await deps.incidents.getIncident(incidentId)) ?? incident;
    }
  }
  return { ok: true, incident, ...(pageId ? { pageId } : {}), alreadyAcknowledged: !changed };
}

/**
 * The one-click link from an SMS or email: verifies the token (key, tag, expiry), uses it once
 * (a conditional write keyed by the page id) and acknowledges as the person the page was for.
 * Expired, forged, malformed, reused or dangling links acknowledge nothing and say why.
 */
export async function acknowledgeByLink(deps: PagingDeps, token: unknown): Promise<AckResult> {
  const now = clockOf(deps).now();
  const link = await readAckLink(deps, token, now);
  if (!link.ok) return link;
  const { verified, page } = link;
  const { incidentId, pageId } = verified;
  // Resolved: nothing to acknowledge, and nothing is written after the postmortem.
  if (link.incident.status === "resolved") return { ok: false, reason: "resolved", subject: link.subject };

  const consumedAt = now.toISOString();
  // Kept a day past the link's own expiry, then DynamoDB's TTL may delete it.
  const keepUntil = Math.floor(verified.expiresAt.getTime() / 1000) + 24 * 3600;
  const fresh = await deps.pages.consumeAckLink(incidentId, pageId, consumedAt, keepUntil, verified.keyId);
  if (!fresh) return { ok: false, reason: "already_used", subject: link.subject };
  try {
    return await acknowledge(deps, { incidentId, pageId, actor: linkActor(page) }, "link");
  } catch (error) {
    // Nothing was acknowledged: give the link back so that the person can try again.
    await deps.pages.releaseAckLink(incidentId, pageId, consumedAt).catch((release: unknown) => {
      deps.log?.error("could not release an ack link", { pageId, error: String(release) });
    });
    throw error;
  }
}

/**
 * What an ack link is for, read without acknowledging anything (the link's GET): the incident and
 * the page, or why the link would be refused (invalid, expired, used, resolved). Writes nothing.
 */
export async function inspectAckLink(
  deps: PagingDeps,
  token: unknown,
): Promise<{ ok: true; subject: AckLinkSubject } | Extract<AckResult, { ok: false }>> {
  const link = await readAckLink(deps, token, clockOf(deps).now());
  if (!link.ok) return link;
  const { subject } = link;
  if (link.incident.status === "resolved") return { ok: false, reason: "resolved", subject };
  if (await deps.pages.isAckLinkUsed(link.verified.incidentId, link.verified.pageId))
    return { ok: false, reason: "already_used", subject };
  return { ok: true, subject };
}

/** An ack link checked (well-formed, signed, unexpired) with its page and incident, or why not. */
async function readAckLink(deps: PagingDeps, token: unknown, now: Date) {
  const parsed = ackTokenSchema.safeParse(token);
  if (!parsed.success) return { ok: false as const, reason: "malformed" as const };
  const verified = verifyAckLink(parsed.data, [deps.ackKey, ...(deps.previousAckKeys ?? [])], now);
  if ("error" in verified) return { ok: false as const, reason: verified.error };
  const page = await deps.pages.getPage(verified.incidentId, verified.pageId);
  const incident = page ? await deps.incidents.getIncident(verified.incidentId) : undefined;
  if (!page || !incident) return { ok: false as const, reason: "not_found" as const };
  return { ok: true as const, verified, page, incident, subject: subjectOf(incident, page) };
}

function subjectOf(incident: Incident, page: StoredPage): AckLinkSubject {
  const { number, title, severity, status } = incident;
  return {
    incident: { number, title, severity, status },
    page: `${pageTargetName(page.target)} by ${viaLabel(page)} (${levelLabel(page)})`,
  };
}

/** Who clicked: the person the page was for; for a topic or channel page, the link itself. */
function linkActor(page: StoredPage): Actor {
  if (page.target.kind === "person")
    return { type: "user", id: page.target.personId, name: page.target.name ?? page.target.personId };
  return {
    type: "user",
    id: `ack-link:${page.pageId}`,
    name: `the ack link sent to ${pageTargetName(page.target)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Listing
// ---------------------------------------------------------------------------------------------

/** The incident's pages, oldest first (`GET /api/pages?incident=<id>`). */
export async function listPages(deps: Pick<PagingDeps, "pages">, incidentId: string): Promise<PageView[]> {
  const id = validate(incidentIdSchema, incidentId, "incident id");
  return (await deps.pages.listPages(id)).map(toView);
}
