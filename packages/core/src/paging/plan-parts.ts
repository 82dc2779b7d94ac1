/**
 * The parts `planEscalation` is made of: held pages (low urgency, notification rule delays), the
 * role-coverage rule, people paged by request or by a grouped alarm, and the incident commander.
 */

import type { Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { Person } from "../oncall/directory-types";
import type { Urgency } from "../oncall/urgency";
import type { Draft, PlannedPage } from "./config";
import { PAGING_KINDS, type PagingConfig, type PagingDeps } from "./config";
import { targetName } from "./deliver";
import { type EscalationLadder, type RoleCoverageDecision, roleCoverageDue } from "./escalation";
import type { EscalationRecord, HeldPage, SnapshotPerson, SnapshotStep, SnapshotTarget } from "./records";
import { type PageContext, type PageSpec, planPage } from "./targets";

/** Drops every held page (the incident was acknowledged or resolved first), one entry each. */
export function cancelHeld(after: EscalationRecord, why: string): Draft[] {
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
export function releaseAt(h: HeldPage, urgency: Urgency): number {
  if (urgency === "low") return Date.parse(h.sendAt);
  return Date.parse(h.heldAt) + (h.delayMinutes ?? 0) * 60_000;
}

export function heldWhat(h: Pick<HeldPage, "target" | "channel">): string {
  if (h.target.type === "topic") return `SNS topic ${h.target.arn}`;
  const via = h.channel === "slack" ? "Slack DM" : h.channel === "voice" ? "call" : "SMS";
  return `${via} to ${h.target.name}`;
}

/** The page a hold was for, now sent (an SMS or the topic through SNS; a rule step on its channel). */
export function heldPage(context: PageContext, h: HeldPage): PlannedPage {
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

export function coverageDecision(
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
export function requestedPeople(entry: TimelineEntry): { personId: string; name: string }[] {
  const people = Array.isArray(entry.data.people) ? entry.data.people : [];
  return people.flatMap((p: unknown) => {
    const { personId, name } = (p ?? {}) as { personId?: unknown; name?: unknown };
    return typeof personId === "string"
      ? [{ personId, name: typeof name === "string" ? name : personId }]
      : [];
  });
}

/** An escalate-now or re-page request not carried out yet. */
export function unhandledEscalationRequest(
  timeline: readonly TimelineEntry[],
  escalation: EscalationRecord,
): boolean {
  const handled = new Set(escalation.escalationRequests ?? []);
  return timeline.some((e) => e.kind === "incident.escalation_requested" && !handled.has(e.id));
}

/** The people asked for by request who have not been paged yet (their ids). */
export function unpagedResponders(
  timeline: readonly TimelineEntry[],
  escalation: EscalationRecord,
): string[] {
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
export async function directoryPeopleFor(
  deps: PagingDeps,
  ids: readonly string[],
  roster: readonly SnapshotPerson[],
) {
  const missing = ids.filter((id) => !findPerson(roster, id));
  if (missing.length === 0) return [];
  return snapshotPeople((await deps.directory.get())?.directory.people ?? [], missing);
}

/** These directory people (by id) as page targets. */
export function snapshotPeople(people: readonly Person[], ids: readonly string[]): SnapshotPerson[] {
  return people.filter((p) => ids.includes(p.id)).map(snapshotOf);
}

/** A grouped alarm joined the incident and its page to the IC has not been planned yet. */
export function unpagedRelatedAlarm(
  timeline: readonly TimelineEntry[],
  escalation: EscalationRecord,
): boolean {
  const paged = new Set(escalation.relatedPaged ?? []);
  return timeline.some(
    (e) =>
      e.kind === "incident.alarm_attached" &&
      typeof e.data.alarmArn === "string" &&
      !paged.has(e.data.alarmArn),
  );
}

/** The incident commander as a page target: a known person, else a bare Slack id; else none. */
export function icTargetOf(escalation: EscalationRecord, incident: Incident): SnapshotTarget | undefined {
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

export function findPerson(people: readonly SnapshotPerson[], id: string): SnapshotPerson | undefined {
  return people.find((p) => p.personId === id || p.slackUserId === id);
}

/** The ids an actor may carry for the person who holds `personId`: directory id, Slack id, email. */
export function identitiesOf(personId: string, people: readonly SnapshotPerson[]): Set<string> {
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

export function policyLabel(
  escalation: Pick<EscalationRecord, "policyName" | "policyId" | "teamName">,
): string {
  if (escalation.policyName) return `escalation policy "${escalation.policyName}"`;
  if (escalation.policyId?.startsWith("team:")) return "escalation policy";
  return escalation.policyId ? `escalation policy "${escalation.policyId}"` : "escalation policy";
}

/** A directory person as copied into the escalation: contact details and notification rules. */
export function snapshotOf(p: Person): SnapshotPerson {
  return {
    personId: p.id,
    name: p.name,
    ...(p.phone ? { phone: p.phone } : {}),
    ...(p.slackUserId ? { slackUserId: p.slackUserId } : {}),
    ...(p.email ? { email: p.email } : {}),
    ...(p.notify ? { notify: p.notify } : {}),
  };
}

export const FAR_FUTURE = new Date("9999-12-31T00:00:00.000Z");

export type Ladder = EscalationLadder<SnapshotTarget, SnapshotStep>;

export function ladderOf(escalation: EscalationRecord): Ladder {
  return {
    levels: escalation.ladder.levels,
    repeat: escalation.ladder.repeat,
    fallback: escalation.ladder.fallback,
  };
}

export function acknowledgedAt(escalation: EscalationRecord, incident: Incident): string | undefined {
  if (escalation.acknowledgedAt) return escalation.acknowledgedAt;
  if (incident.acknowledgedAt) return incident.acknowledgedAt;
  return incident.status === "declared" ? undefined : incident.updatedAt;
}
