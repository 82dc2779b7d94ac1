/**
 * Acknowledgement, by a person or by a signed one-click link (once), and the page list.
 */

import { NotFoundError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import { changeStatus, setStatus, validate } from "../incident/actions";
import { type Actor, IllegalTransitionError, type Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { verifyAckLink } from "./ack-link";
import type { Draft } from "./config";
import {
  type AckLinkSubject,
  type AcknowledgeInput,
  type AckResult,
  acknowledgeInputSchema,
  ackTokenSchema,
  clockOf,
  configOf,
  incidentIdSchema,
  PAGING_KINDS,
  type PageView,
  type PagingDeps,
} from "./config";
import { entries, levelLabel, pageData, pageTargetName, toView, viaLabel } from "./deliver";
import { cancelHeld, coverageDecision, icAcknowledgedAt, identitiesOf } from "./plan-parts";
import type { EscalationRecord, StoredPage } from "./records";

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

  await retryOnConflict(async () => {
    const found = await deps.incidents.getIncidentWithTimeline(incidentId);
    if (!found) throw new NotFoundError("incident", incidentId);
    const page = pageId ? await deps.pages.getPage(incidentId, pageId) : undefined;
    if (pageId && !page) throw new NotFoundError("page", pageId);
    const escalation = await deps.pages.getEscalation(incidentId);
    if (!escalation) return;
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
    if (!pageNeedsAck && !escalationNeedsAck && !icNeedsAck) return;

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
    await deps.pages.saveEscalation({
      expectedVersion: escalation.version,
      escalation: after,
      acknowledgePages: pageNeedsAck && page ? [{ pageId: page.pageId, at, by: actor }] : [],
      entries: [entry, ...entries(incidentId, now, cancelled)],
    });
    changed = true;
  }, MAX_ACK_ATTEMPTS);

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

// Listing

/** The incident's pages, oldest first (`GET /api/pages?incident=<id>`). */
export async function listPages(deps: Pick<PagingDeps, "pages">, incidentId: string): Promise<PageView[]> {
  const id = validate(incidentIdSchema, incidentId, "incident id");
  return (await deps.pages.listPages(id)).map(toView);
}
