/**
 * Planning a step of the escalation: pure, given the time (unit tests without a store:
 * plan.test.ts). The caller commits the plan in one transaction, then sends its pages.
 */

import type { Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { formatWorkingTime, heldUntil, urgencyOf } from "../oncall/urgency";
import type { Draft, Plan, PlannedPage } from "./config";
import { configOf, LOW_URGENCY_PAUSE, PAGING_KINDS, type PagingDeps, RELATED_IC_WAIT_MS } from "./config";
import { targetName } from "./deliver";
import { type EscalationDecision, nextEscalation } from "./escalation";
import {
  acknowledgedAt,
  cancelHeld,
  coverageDecision,
  FAR_FUTURE,
  findPerson,
  heldPage,
  heldWhat,
  icAcknowledgedAt,
  icTargetOf,
  ladderOf,
  policyLabel,
  releaseAt,
  requestedPeople,
} from "./plan-parts";
import type {
  EscalationRecord,
  EscalationStep,
  HeldPage,
  SnapshotPerson,
  SnapshotStep,
  SnapshotTarget,
} from "./records";
import { pageContext, pagesForTarget, planPage } from "./targets";

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
