/**
 * Rendering, sending and recording pages: each on its own, so a failure of one is recorded and
 * never stops another; pages a crashed sender left `requested` are sent again; the page views.
 */

import { newId } from "@firebreak/core/shared/ids";
import type { Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { urgencyOf } from "../oncall/urgency";
import { ackUrl, signAckLink, voiceAckCode } from "./ack-link";
import {
  type DeliveryError,
  type DeliveryResult,
  type OutgoingPage,
  type PageChannel,
  sendIsolated,
} from "./channels";
import type { Draft, PlannedPage } from "./config";
import { clockOf, configOf, FIREBREAK_ACTOR, PAGING_KINDS, type PageView, type PagingDeps } from "./config";
import type { PageContent } from "./messages";
import { PAGE_RENDERERS } from "./page-renderers";
import { policyLabel } from "./plan-parts";
import type { EscalationRecord, PageTargetRecord, SnapshotTarget, StoredPage } from "./records";
import { type PageContext, pageContext, requestedEntry } from "./targets";

/**
 * Renders what the page's channel and target use, and only that: a Slack page the Slack message; an
 * SMS to a person's phone the SMS; a topic page the SMS, the email and the default text (its
 * subscribers may use any of them); a person without a phone nothing (SNS reports `no_address`).
 * Each page's rendering is isolated: a renderer that throws fails this page alone (`render_failed`,
 * recorded on the timeline by `recordOutcome`), never another page, channel or target, and a
 * renderer a page does not use cannot fail it.
 */
export function render(
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
export async function sendPlanned(
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

export async function recordOutcome(
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
export async function resumeStalePages(
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

export function pageData(page: StoredPage): Record<string, unknown> {
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

export function toView(page: StoredPage): PageView {
  const { claimedAt: _claimed, target, ...rest } = page;
  return { ...rest, target: publicTarget(target) };
}

export function targetName(target: SnapshotTarget): string {
  return target.type === "person" ? target.name : `topic ${target.arn.split(":").pop() ?? target.arn}`;
}

export function pageTargetName(target: PageTargetRecord): string {
  switch (target.kind) {
    case "person":
      return target.name ?? target.personId;
    case "topic":
      return `topic ${target.arn.split(":").pop() ?? target.arn}`;
    case "channel":
      return `Slack channel ${target.slackChannelId}`;
  }
}

export function viaLabel(page: Pick<StoredPage, "channel" | "target">): string {
  if (page.channel === "slack") return page.target.kind === "channel" ? "Slack" : "Slack DM";
  if (page.channel === "voice") return "voice call";
  if (page.target.kind === "topic") return "SNS";
  return page.target.kind === "person" && page.target.phone ? "SMS" : "SNS";
}

export function levelLabel(page: Pick<StoredPage, "level" | "round" | "purpose">): string {
  if (page.purpose === "role_coverage") return `role coverage, attempt ${page.round}`;
  if (page.purpose === "related_alarm") return "a related alarm";
  if (page.purpose === "responder") return "asked to join";
  if (page.purpose === "repage")
    return `re-paged, ${page.level === "fallback" ? "fallback" : `level ${page.level}`}`;
  const where = page.level === "fallback" ? "fallback" : `level ${page.level}`;
  const repeat = page.round > 0 ? `, repeat ${page.round}` : "";
  return page.purpose === "announce" ? `announcing ${where}${repeat}` : `${where}${repeat}`;
}

export function entries(incidentId: string, now: Date, drafts: Draft[]): TimelineEntry[] {
  const at = now.toISOString();
  return drafts.map((d) => ({ id: newId(now.getTime()), incidentId, actor: FIREBREAK_ACTOR, at, ...d }));
}
