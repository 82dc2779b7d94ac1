/**
 * Who a page goes to and by which channel: a person's notification rules (a step now, or held for
 * its delay), topics and the alert channel; each page's deterministic id and its record.
 */

import { newId } from "@firebreak/core/shared/ids";
import type { Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { type ContactMethod, DEFAULT_NOTIFY_RULES } from "../oncall/notify-rules";
import type { Urgency } from "../oncall/urgency";
import type { ChannelName } from "./channels";
import type { PlannedPage } from "./config";
import { configOf, FIREBREAK_ACTOR, PAGING_KINDS, type PagingDeps, pageIdFor } from "./config";
import { levelLabel, pageData, pageTargetName, render, viaLabel } from "./deliver";
import type { PageLevel, PagePurpose, PageTargetRecord, SnapshotTarget, StoredPage } from "./records";

export interface PageContext {
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

export function pageContext(
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

export interface PageSpec {
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
export function pagesForTarget(context: PageContext, target: SnapshotTarget, spec: PageSpec): PlannedPage[] {
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

export function planPage(
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
export function requestedEntry(page: StoredPage, id: string): TimelineEntry {
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
