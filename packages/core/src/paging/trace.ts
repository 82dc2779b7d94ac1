/**
 * The page trace: why an incident paged whom it paged, and why nobody else. Pure: built from what
 * was stored when it happened, never from today's directory:
 * - the incident and its timeline: how it began (an alarm, a person), the rules that shaped it
 *   (grouped alarms, a maintenance window's release, merges, reopenings, flapping), the paging
 *   story (`escalation.*`, `page.*` entries) and the acknowledgements;
 * - the escalation record: the team, how it was found (tag, account, service, default team), the
 *   policy, the directory version in force, the urgency rules, and each level as resolved at
 *   declaration (people with the methods they had then, or why nobody);
 * - the pages: each delivery with its outcome and timings.
 * The API (`GET /api/incidents/{id}/trace`), `firebreak trace` and the dashboard show it.
 */

import type { Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { DEFAULT_NOTIFY_RULES } from "../oncall/notify-rules";
import type { EscalationRecord, SnapshotTarget, StoredPage } from "./records";

export interface TraceMethod {
  channel: "slack" | "sms" | "voice" | "topic";
  /** Minutes after the level was paged; a low-urgency SMS waits (within working hours). */
  delayMinutes: number;
  note?: string;
}

export interface TraceTarget {
  name: string;
  personId?: string;
  rotationId?: string;
  arn?: string;
  /** How the level reached them, as the pager does it (Slack DM, SMS; a topic is published to). */
  methods: TraceMethod[];
}

export interface TraceLevel {
  level: number | "fallback";
  timeoutMinutes?: number;
  targets: TraceTarget[];
  /** Why nobody could be paged at this level (at declaration). */
  nobody?: string;
  /** The times it was paged: round (0 = first pass), when, and why. */
  paged: { round: number; at: string; trigger: string }[];
}

export interface TraceDelivery {
  level: string;
  round: number;
  purpose: string;
  channel: string;
  target: string;
  state: string;
  requestedAt: string;
  deliveredAt?: string;
  failedAt?: string;
  acknowledgedAt?: string;
  /** Seconds from request to delivery (or failure). */
  seconds?: number;
  error?: string;
}

export interface PageTrace {
  incident: {
    id: string;
    key: string;
    title: string;
    severity: string;
    status: string;
    services: string[];
    createdAt: string;
  };
  /** How it began. */
  trigger: string;
  /** The rules that shaped it (grouping, maintenance, merge, reopen, flapping), in time order. */
  rules: { rule: string; at: string; text: string }[];
  routing: {
    paged: boolean;
    /** Why nobody was paged, when that is so. */
    reason?: string;
    team?: { id: string; name?: string };
    via?: string;
    policy?: { id: string; name?: string };
    directoryVersion?: number;
    urgency?: { level: "high" | "low"; rule: string };
  };
  levels: TraceLevel[];
  deliveries: TraceDelivery[];
  acknowledgement?: { at: string; by: string; afterSeconds: number };
  /** Why what did not happen did not happen. */
  whyNot: string[];
  /** The paging entries of the timeline, in order, as people read them. */
  story: { at: string; text: string }[];
}

export interface TraceInput {
  incident: Incident;
  timeline: readonly TimelineEntry[];
  escalation?: EscalationRecord | undefined;
  pages: readonly StoredPage[];
}

const seconds = (from: string, to: string | undefined) =>
  to === undefined ? undefined : Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

function targetOf(target: SnapshotTarget, high: boolean, lowSmsDelayMinutes: number): TraceTarget {
  if (target.type === "topic")
    return { name: target.arn, arn: target.arn, methods: [{ channel: "topic", delayMinutes: 0 }] };
  // The person's notification rules for the urgency, as the pager applies them (pagesForTarget).
  const methods: TraceMethod[] = [];
  for (const step of (target.notify ?? DEFAULT_NOTIFY_RULES)[high ? "high" : "low"]) {
    if (!(step.method === "slack" ? target.slackUserId : target.phone)) continue;
    if (step.method === "sms" && !high)
      methods.push({
        channel: "sms",
        delayMinutes: step.delayMinutes + lowSmsDelayMinutes,
        note: "low urgency: within working hours",
      });
    else
      methods.push({
        channel: step.method,
        delayMinutes: step.delayMinutes,
        ...(step.method === "voice" ? { note: "when the voice channel is configured" } : {}),
      });
  }
  methods.sort((a, b) => a.delayMinutes - b.delayMinutes);
  return {
    name: target.name,
    personId: target.personId,
    ...(target.rotationId ? { rotationId: target.rotationId } : {}),
    methods,
  };
}

const RULE_KINDS: Record<string, string> = {
  "incident.alarm_attached": "grouping",
  "incident.merged": "merge",
  "incident.merge_received": "merge",
  "incident.flapping": "flapping",
  "maintenance.alarm_held": "maintenance",
  "maintenance.alarm_released": "maintenance",
};

/** The story's entries: paging and acknowledgement, never the rest of the incident's life. */
const STORY = /^(escalation\.|page\.(acknowledged|failed)$)/;

export function buildTrace({ incident, timeline, escalation, pages }: TraceInput): PageTrace {
  const sorted = [...timeline].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  const declared = sorted.find((e) => e.kind === "incident.declared");
  const maintenance = declared?.data.maintenance as { window?: string; reason?: string } | undefined;
  const trigger =
    incident.source === "alarm" && incident.alarm
      ? `alarm ${incident.alarm.name} went to ALARM (account ${incident.alarm.account}, ${incident.alarm.region})`
      : `declared by ${declared?.actor.name ?? declared?.actor.id ?? "a person"}`;

  const rules: PageTrace["rules"] = [];
  if (maintenance?.window)
    rules.push({
      rule: "maintenance",
      at: incident.createdAt,
      text: `held by maintenance window ${maintenance.window} (${maintenance.reason ?? "no reason"}) and opened when it ended, still in ALARM`,
    });
  for (const entry of sorted) {
    const rule = RULE_KINDS[entry.kind];
    if (rule) rules.push({ rule, at: entry.at, text: entry.summary });
    else if (
      entry.kind === "incident.status_changed" &&
      entry.data.from === "resolved" &&
      entry.data.to !== "resolved"
    )
      rules.push({ rule: "reopen", at: entry.at, text: entry.summary });
  }

  const notStarted = sorted.find((e) => e.kind === "escalation.not_started");
  const via = sorted.find((e) => e.kind === "escalation.started")?.data.via;
  const high = escalation?.urgency ? escalation.urgency.high.includes(incident.severity) : true;
  const lowDelay = escalation?.urgency?.lowSmsDelayMinutes ?? 15;
  const routing: PageTrace["routing"] = escalation
    ? {
        paged: true,
        ...(escalation.teamId
          ? { team: { id: escalation.teamId, ...(escalation.teamName ? { name: escalation.teamName } : {}) } }
          : {}),
        ...(typeof via === "string" ? { via } : {}),
        ...(escalation.policyId
          ? {
              policy: {
                id: escalation.policyId,
                ...(escalation.policyName ? { name: escalation.policyName } : {}),
              },
            }
          : {}),
        ...(escalation.directoryVersion !== undefined
          ? { directoryVersion: escalation.directoryVersion }
          : {}),
        urgency: {
          level: high ? "high" : "low",
          rule: escalation.urgency
            ? `${escalation.urgency.high.join(", ")} page as high urgency; ${incident.severity} is ${high ? "high" : "low"} urgency`
            : "every severity pages as high urgency (the escalation predates urgency rules)",
        },
      }
    : { paged: false, reason: notStarted?.summary ?? "the pager has not handled this incident yet" };

  const steps = escalation?.steps ?? [];
  const levelOf = (
    level: number | "fallback",
    step: { targets: SnapshotTarget[]; nobody?: string },
    timeoutMinutes?: number,
  ): TraceLevel => ({
    level,
    ...(timeoutMinutes !== undefined ? { timeoutMinutes } : {}),
    targets: step.targets.map((t) => targetOf(t, high, lowDelay)),
    ...(step.nobody ? { nobody: step.nobody } : {}),
    paged: steps
      .filter((s) => s.level === level)
      .map((s) => ({ round: s.round, at: s.requestedAt, trigger: s.trigger })),
  });
  const levels: TraceLevel[] = escalation
    ? [
        ...escalation.ladder.levels.map((l) => levelOf(l.level, l, l.timeoutMinutes)),
        levelOf("fallback", escalation.ladder.fallback),
      ]
    : [];

  const deliveries: TraceDelivery[] = [...pages]
    .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.pageId.localeCompare(b.pageId))
    .map((p) => {
      const end = p.deliveredAt ?? p.failedAt;
      const took = seconds(p.requestedAt, end);
      return {
        level: String(p.level),
        round: p.round,
        purpose: p.purpose,
        channel: p.channel,
        target:
          p.target.name ??
          (p.target.kind === "person"
            ? p.target.personId
            : p.target.kind === "channel"
              ? `Slack channel ${p.target.slackChannelId}`
              : p.target.arn),
        state: p.state,
        requestedAt: p.requestedAt,
        ...(p.deliveredAt ? { deliveredAt: p.deliveredAt } : {}),
        ...(p.failedAt ? { failedAt: p.failedAt } : {}),
        ...(p.acknowledgedAt ? { acknowledgedAt: p.acknowledgedAt } : {}),
        ...(took !== undefined ? { seconds: took } : {}),
        ...(p.error?.message ? { error: p.error.message } : {}),
      };
    });

  const ackEntry = sorted.find((e) => e.kind === "incident.status_changed" && e.data.to === "acknowledged");
  const ackAt = escalation?.acknowledgedAt ?? incident.acknowledgedAt ?? ackEntry?.at;
  const ackBy = escalation?.acknowledgedBy ?? ackEntry?.actor;
  const acknowledgement = ackAt
    ? {
        at: ackAt,
        by: ackBy?.name ?? ackBy?.id ?? "someone",
        afterSeconds: seconds(incident.createdAt, ackAt) ?? 0,
      }
    : undefined;

  const whyNot: string[] = [];
  const merged = sorted.find((e) => e.kind === "incident.merged");
  if (merged)
    whyNot.push(`${merged.summary}: it pages nobody more; the incident it was merged into carries on.`);
  if (!escalation) whyNot.push(`Nobody was paged: ${routing.reason?.replace(/^nobody was paged: /i, "")}.`);
  for (const level of levels) {
    if (level.paged.length > 0) {
      for (const target of level.targets)
        if (target.methods.length === 0)
          whyNot.push(
            `${target.name} (level ${level.level}) was not paged: no Slack id and no phone in directory version ${escalation?.directoryVersion ?? "?"}.`,
          );
      continue;
    }
    const name = level.level === "fallback" ? "The fallback" : `Level ${level.level}`;
    const paged = levels.filter((l) => l.paged.length > 0).map((l) => l.level);
    if (level.nobody) whyNot.push(`${name} had nobody to page: ${level.nobody}.`);
    if (!high && level.level !== 1)
      whyNot.push(
        `${name} was not paged: ${incident.severity} is low urgency, which does not escalate past level 1.`,
      );
    else if (acknowledgement)
      whyNot.push(
        `${name} was not paged: ${acknowledgement.by} acknowledged at ${acknowledgement.at}, ${acknowledgement.afterSeconds} s after it began${paged.length ? `, while level ${paged.at(-1)} was being paged` : ""}.`,
      );
    else if (incident.status === "resolved")
      whyNot.push(`${name} was not paged: the incident was resolved at ${incident.resolvedAt ?? "?"} first.`);
    else if (escalation?.ladderDone) whyNot.push(`${name} was not paged: ${escalation.ladderDone.reason}.`);
    else if (escalation?.nextDueAt)
      whyNot.push(
        `${name} is not paged yet: the next step is due at ${escalation.nextDueAt}, unless someone acknowledges.`,
      );
  }
  for (const held of escalation?.held ?? []) {
    const who = held.target.type === "person" ? held.target.name : held.target.arn;
    const via = held.channel === "slack" ? "A Slack DM" : held.channel === "voice" ? "A call" : "An SMS";
    whyNot.push(
      held.delayMinutes !== undefined && held.channel
        ? `${via} to ${who} waits ${held.delayMinutes} min (their notification rules) until ${held.sendAt}, unless someone acknowledges.`
        : `${via} to ${who} is held by low urgency until ${held.sendAt}.`,
    );
  }

  const story = sorted
    .filter((e) => STORY.test(e.kind) || e.kind === "incident.alarm_attached" || e.kind === "incident.merged")
    .map((e) => ({ at: e.at, text: e.summary }));

  return {
    incident: {
      id: incident.id,
      key: `INC-${incident.number}`,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      services: incident.services,
      createdAt: incident.createdAt,
    },
    trigger,
    rules,
    routing,
    levels,
    deliveries,
    ...(acknowledgement ? { acknowledgement } : {}),
    whyNot,
    story,
  };
}

const methodText = (m: TraceMethod) =>
  `${m.channel === "slack" ? "Slack DM" : m.channel === "sms" ? "SMS" : m.channel === "voice" ? "call" : "SNS topic"} at ${m.delayMinutes} min${m.note ? ` (${m.note})` : ""}`;

/** What a page was for, as people read it. */
export function deliveryLabel(d: Pick<TraceDelivery, "level" | "round" | "purpose">): string {
  switch (d.purpose) {
    case "announce":
      return `level ${d.level} announced in the alert channel`;
    case "role_coverage":
      return `IC re-paged (role coverage, attempt ${d.round})`;
    case "related_alarm":
      return "a grouped alarm, to the IC";
    case "responder":
      return "paged in by request";
    case "repage":
      return `level ${d.level} paged again by request`;
    default:
      return d.level === "fallback"
        ? "the fallback"
        : `level ${d.level}${d.round ? ` (repeat ${d.round})` : ""}`;
  }
}

/** The trace as lines of text, for the CLI. */
export function renderTrace(trace: PageTrace): string[] {
  const out: string[] = [];
  const i = trace.incident;
  out.push(
    `${i.key} ${i.severity} ${i.status}: ${i.title} (${i.services.join(", ")}), opened ${i.createdAt}`,
  );
  out.push(`How it began: ${trace.trigger}.`);
  if (trace.rules.length > 0) {
    out.push("Rules that shaped it:");
    for (const r of trace.rules) out.push(`  ${r.at}  ${r.rule}: ${r.text}`);
  }
  const r = trace.routing;
  if (r.paged) {
    out.push(
      `Routing: ${i.services[0] ?? "?"} → team ${r.team?.name ?? r.team?.id ?? "?"}${r.via ? ` (found by ${r.via.replace("_", " ")})` : ""} → policy ${r.policy?.name ?? r.policy?.id ?? "?"}, directory version ${r.directoryVersion ?? "?"}.`,
    );
    if (r.urgency) out.push(`Urgency: ${r.urgency.level} (${r.urgency.rule}).`);
  } else out.push(`Routing: nobody was paged: ${r.reason}.`);
  for (const level of trace.levels) {
    const head = level.level === "fallback" ? "Fallback" : `Level ${level.level}`;
    const timeout = level.timeoutMinutes !== undefined ? `, ${level.timeoutMinutes} min timeout` : "";
    const paged = level.paged.length
      ? `paged ${level.paged.map((p) => `${p.at} (${p.trigger}${p.round ? `, repeat ${p.round}` : ""})`).join(", ")}`
      : "not paged";
    out.push(`${head}${timeout}: ${paged}`);
    if (level.nobody) out.push(`  nobody: ${level.nobody}`);
    for (const t of level.targets)
      out.push(
        `  ${t.name}${t.rotationId ? ` (rotation ${t.rotationId})` : ""}: ${t.methods.map(methodText).join(", ") || "no method"}`,
      );
  }
  if (trace.deliveries.length > 0) {
    out.push("Deliveries:");
    for (const d of trace.deliveries)
      out.push(
        `  ${d.requestedAt}  ${deliveryLabel(d)}: ${d.channel === "sns" ? "SMS/SNS" : "Slack"} → ${d.target}: ${d.state}${d.seconds !== undefined ? ` in ${d.seconds} s` : ""}${d.error ? ` (${d.error})` : ""}${d.acknowledgedAt ? `, acknowledged ${d.acknowledgedAt}` : ""}`,
      );
  }
  if (trace.acknowledgement)
    out.push(
      `Acknowledged by ${trace.acknowledgement.by} at ${trace.acknowledgement.at}, ${trace.acknowledgement.afterSeconds} s after it began.`,
    );
  if (trace.whyNot.length > 0) {
    out.push("Why not elsewhere:");
    for (const w of trace.whyNot) out.push(`  ${w}`);
  }
  return out;
}
