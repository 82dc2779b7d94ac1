import { ValidationError } from "@firebreak/core/shared/errors";
import { crossingLine, sourceLinkOf } from "../alarm/context";
import { type Incident, incidentKey } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { collectFacts, type Facts, type OrderedEntry, str } from "./facts";
import { frontMatter } from "./front-matter";
import { impactEnd, impactMinutes as minutesOfImpact } from "./impact";
import { createLinter } from "./lint";
import {
  cell,
  code,
  formatDuration,
  inline,
  isTimeZone,
  link,
  row,
  type TimeFormatter,
  timeFormatter,
} from "./markdown";
import { assertValidPostmortem } from "./schema";
import {
  type ActionItemV1,
  type ChangeBeforeImpactV2,
  DURATION_FORMULAS,
  type ErrorBudgetV1,
  type LintFinding,
  POSTMORTEM_SCHEMA_VERSION,
  type PostmortemV2,
  type ReleaseInvolvedV1,
  type SECTION_TITLES,
  type TemporaryFixV1,
} from "./types";

/**
 * Postmortem draft generation (pure: no I/O, no clock; the caller passes `now`).
 *
 * Timestamps (all UTC):
 * - impact_start: the state timestamp of the opening ALARM transition (the first ALARM on the
 *   timeline, for the incident's own alarm when it has one), capped at `detected`; without one,
 *   the declared time (`impact_start_source` says which).
 * - detected: when the incident was created.
 * - acknowledged: the earliest of the incident's `acknowledgedAt`, a status change to
 *   acknowledged, and the first page acknowledgement.
 * - mitigated / resolved: the incident's `mitigatedAt` / `resolvedAt`, else the status change on
 *   the timeline. A skipped step stays null (no invented times).
 * Durations (seconds): TTD = detected − impact_start; TTA = acknowledged − detected;
 * TTM = mitigated − impact_start; TTR = resolved − impact_start; null when an end is missing.
 * A human-declared incident (no ALARM transition) has TTD = null, not 0: its impact start is the
 * declared time by assumption, not an observation, and a 0 would flatter MTTD.
 *
 * Changes before impact: the changes recorded to the incident's services in
 * [impact_start − CHANGES_BEFORE_IMPACT_WINDOW_SECONDS, impact_start] (inclusive; a change after
 * the impact start is not listed), newest first, each once (by id), at most
 * CHANGES_BEFORE_IMPACT_LIMIT. When there is one and nobody said otherwise (`release.value`
 * unknown), `release_involved` is `suspected` with their ids as `references`: a suspicion for a
 * person to confirm as yes or no, and the Markdown says so. Firebreak never sets `yes` itself.
 *
 * Determinism: the same incident, timeline and changes give the same Markdown and the same metadata but
 * for `generated_at` (the only place `now` appears, apart from action-item due dates of an
 * incident that is not resolved). So a redelivered "resolved" event regenerates identical content
 * and `planRegeneration` creates no new version.
 */

export interface SloInput {
  /** e.g. 0.999 */
  target: number;
  windowDays: number;
}

export interface ReleaseInput {
  value?: ReleaseInvolvedV1;
  /** e.g. a deploy id, a commit or a change ticket. */
  reference?: string;
}

export interface GenerateInput {
  incident: Incident;
  timeline: readonly TimelineEntry[];
  /** The team's IANA time zone; default "UTC". */
  timezone?: string;
  /** One SLO for every service of the incident, or one per service (services without one are skipped). */
  slo?: SloInput | Readonly<Record<string, SloInput>>;
  release?: ReleaseInput;
  /**
   * Changes recorded to the incident's services around its start, as the change store has them
   * (the caller reads them: `changesForPostmortem` in changes/actions.ts). Only those in the window
   * before the impact start and to one of the incident's services are listed. Undefined when they
   * were not looked up: `changes_before_impact` is then null.
   */
  changes?: readonly ChangeRecord[];
  now: Date;
}

/** A recorded change (changes/change.ts `Change`), as much of it as the draft uses. */
export interface ChangeRecord {
  id: string;
  service: string;
  summary: string;
  link?: string;
  /** ISO instant. */
  at: string;
  source: string;
}

/**
 * How far before the impact start a change is listed in the draft and suspected: two hours, the
 * same window as the changes on the incident page (changes/change.ts `CHANGE_WINDOW_MS`). Most
 * bad deploys show within minutes to an hour; two hours also covers a slow rollout, without
 * listing the whole day's changes to a busy service.
 */
export const CHANGES_BEFORE_IMPACT_WINDOW_SECONDS = 2 * 3600;
/** At most this many changes are listed and referenced (newest first). */
export const CHANGES_BEFORE_IMPACT_LIMIT = 20;

export interface GeneratedPostmortem {
  markdown: string;
  metadata: PostmortemV2;
  lint: LintFinding[];
}

/** Temporary fixes become action items: P1 due in 7 days for SEV1/SEV2, else P2 due in 14 days. */
export const TEMPORARY_FIX_POLICY = {
  urgent: { priority: "P1", days: 7 },
  normal: { priority: "P2", days: 14 },
} as const;

/** "What went well" calls an acknowledgement fast when it came within this many seconds of detection. */
export const FAST_ACK_SECONDS = 5 * 60;

/** At most this many failed pages, role gaps and handoffs are listed (the rest are counted). */
const LIST_LIMIT = 5;

/** "What went well" calls detection fast when the alarm opened the incident within this many seconds. */
export const FAST_DETECTION_SECONDS = 5 * 60;

const MS_PER_DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const seconds = (end: number | null, start: number | null) =>
  end === null || start === null ? null : (end - start) / 1000;
const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(`invalid postmortem input: ${path}: ${message}`, [{ path, message }]);
}

function checkTimezone(timezone: string): void {
  if (typeof timezone !== "string" || !isTimeZone(timezone)) {
    throw invalid("timezone", `"${timezone}" is not an IANA time zone`);
  }
}

function checkSlo(slo: SloInput, path: string): void {
  if (typeof slo.target !== "number" || !(slo.target > 0 && slo.target < 1)) {
    throw invalid(`${path}.target`, "expected a number between 0 and 1 (exclusive), e.g. 0.999");
  }
  if (typeof slo.windowDays !== "number" || !Number.isFinite(slo.windowDays) || slo.windowDays <= 0) {
    throw invalid(`${path}.windowDays`, "expected a positive number of days, e.g. 30");
  }
}

function isSingleSlo(slo: GenerateInput["slo"]): slo is SloInput {
  return typeof (slo as SloInput | undefined)?.target === "number";
}

function errorBudget(
  slo: GenerateInput["slo"],
  services: readonly string[],
  facts: Facts,
): ErrorBudgetV1 | null {
  if (slo === undefined) return null;
  const perService: { service: string; slo: SloInput }[] = [];
  if (isSingleSlo(slo)) {
    checkSlo(slo, "slo");
    for (const service of services) perService.push({ service, slo });
  } else {
    for (const service of services) {
      const s = Object.hasOwn(slo, service) ? slo[service] : undefined;
      if (!s) continue;
      checkSlo(s, `slo.${service}`);
      perService.push({ service, slo: s });
    }
  }
  const end = impactEnd(facts.mitigatedMs, facts.resolvedMs);
  const impactMinutes = end.endMs === null ? null : minutesOfImpact(facts.impactStartMs, end.endMs);
  return {
    impact_minutes: impactMinutes === null ? null : round(impactMinutes, 6),
    impact_end_source: end.source,
    services: perService.map(({ service, slo: s }) => {
      const budget = s.windowDays * 24 * 60 * (1 - s.target);
      return {
        service,
        target: s.target,
        window_days: s.windowDays,
        budget_minutes: round(budget, 6),
        consumed_minutes: impactMinutes === null ? null : round(impactMinutes, 6),
        percent_of_budget: impactMinutes === null ? null : round((impactMinutes / budget) * 100, 4),
      };
    }),
  };
}

/**
 * `release.value` as given; when unknown and changes were found before the impact, `suspected`
 * with their ids (for a person to confirm).
 */
function release(
  input: ReleaseInput | undefined,
  suspects: readonly ChangeBeforeImpactV2[],
): PostmortemV2["release_involved"] {
  const value = input?.value ?? "unknown";
  if (value !== "unknown" && value !== "yes" && value !== "no") {
    throw invalid("release.value", 'expected "unknown", "yes" or "no"');
  }
  const reference = input?.reference?.trim();
  if (value === "unknown" && suspects.length > 0)
    return {
      value: "suspected",
      ...(reference ? { reference } : {}),
      references: suspects.map((c) => c.id),
    };
  return reference ? { value, reference } : { value };
}

/** The changes to `services` in [impactStart − window, impactStart], newest first, each once. */
function changesBeforeImpact(
  changes: readonly ChangeRecord[] | undefined,
  services: readonly string[],
  impactStartMs: number,
): PostmortemV2["changes_before_impact"] {
  if (changes === undefined) return null;
  if (!Array.isArray(changes)) throw invalid("changes", "expected an array of changes");
  const fromMs = impactStartMs - CHANGES_BEFORE_IMPACT_WINDOW_SECONDS * 1000;
  const wanted = new Set(services);
  const byId = new Map<string, ChangeBeforeImpactV2 & { atMs: number }>();
  for (const c of changes) {
    if (typeof c !== "object" || c === null) continue;
    const id = str(c.id);
    const service = str(c.service);
    const atMs = typeof c.at === "string" ? Date.parse(c.at) : Number.NaN;
    if (!id || !service || !wanted.has(service) || byId.has(id)) continue;
    if (!Number.isFinite(atMs) || atMs < fromMs || atMs > impactStartMs) continue;
    byId.set(id, {
      id,
      service,
      at: iso(atMs),
      summary: typeof c.summary === "string" ? c.summary : "",
      link: str(c.link) ?? null,
      source: str(c.source) ?? "unknown",
      atMs,
    });
  }
  const listed = [...byId.values()]
    .sort((a, b) => b.atMs - a.atMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, CHANGES_BEFORE_IMPACT_LIMIT)
    .map(({ atMs: _, ...change }) => change);
  return { window_seconds: CHANGES_BEFORE_IMPACT_WINDOW_SECONDS, changes: listed };
}

/**
 * The impact start the draft will have (`timestamps.impact_start`), for a caller that reads the
 * changes of the window before it.
 */
export function impactStartOf(incident: Incident, timeline: readonly TimelineEntry[]): string {
  return iso(collectFacts(incident, timeline).impactStartMs);
}

function utcDate(ms: number): string {
  return iso(ms).slice(0, 10);
}

/** Builds metadata, Markdown and lint findings; validates the metadata before returning it. */
export function generatePostmortem(input: GenerateInput): GeneratedPostmortem {
  const { incident } = input;
  if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) {
    throw invalid("now", "expected a valid Date");
  }
  const timezone = input.timezone ?? "UTC";
  checkTimezone(timezone);
  const facts = collectFacts(incident, input.timeline);
  const services = [...new Set(incident.services)];
  const key = incidentKey(incident);

  const fixesPolicy =
    incident.severity === "SEV1" || incident.severity === "SEV2"
      ? TEMPORARY_FIX_POLICY.urgent
      : TEMPORARY_FIX_POLICY.normal;
  const dueBase = facts.resolvedMs ?? input.now.getTime();
  const ic = [...facts.intervals].reverse().find((i) => i.role === "ic");
  const icName = ic ? (ic.personName ?? ic.personId) : null;
  const temporaryFixes: TemporaryFixV1[] = [];
  const actionItems: ActionItemV1[] = [];
  facts.temporaryFixes.forEach((fix, index) => {
    const id = `AI-${index + 1}`;
    temporaryFixes.push({
      entry_id: fix.entryId,
      text: fix.text,
      posted_at: iso(fix.atMs),
      posted_by: fix.postedBy,
      action_item_id: id,
    });
    actionItems.push({
      id,
      title: `Follow up the temporary fix "${fix.text.replace(/\s+/g, " ").trim()}": revert it or make it permanent`,
      owner: fix.personPoster ?? icName,
      priority: fixesPolicy.priority,
      due: utcDate(dueBase + fixesPolicy.days * MS_PER_DAY),
      tags: ["postmortem", "temporary-fix"],
      source: "temporary_fix",
      source_entry_id: fix.entryId,
    });
  });

  const detectionSource = incident.source === "alarm" ? "alarm" : "human";
  const accounts = [...new Set(facts.locations.map((l) => l.account))];
  const regions = [...new Set(facts.locations.map((l) => l.region))];
  const declaredBy = facts.declaredBy;

  const changesBefore = changesBeforeImpact(input.changes, services, facts.impactStartMs);
  const metadata: PostmortemV2 = {
    schema_version: POSTMORTEM_SCHEMA_VERSION,
    generated_at: input.now.toISOString(),
    timezone,
    incident: {
      id: incident.id,
      number: incident.number,
      key,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      services,
      locations: facts.locations,
      accounts,
      regions,
      alarm_arns: facts.alarmArns,
    },
    detection: {
      source: detectionSource,
      alarm: facts.openingAlarm
        ? {
            name: facts.openingAlarm.name ?? incident.alarm?.name ?? null,
            arn: facts.openingAlarm.arn,
            reason: facts.openingAlarm.reason,
            state_timestamp: iso(facts.openingAlarm.stateMs),
          }
        : null,
      declared_by:
        detectionSource === "human" && declaredBy
          ? {
              type: String(declaredBy.type),
              id: String(declaredBy.id ?? ""),
              name: str(declaredBy.name) ?? null,
            }
          : null,
    },
    timestamps: {
      impact_start: iso(facts.impactStartMs),
      impact_start_source: facts.impactStartSource,
      detected: iso(facts.detectedMs),
      acknowledged: isoOrNull(facts.acknowledgedMs),
      mitigated: isoOrNull(facts.mitigatedMs),
      resolved: isoOrNull(facts.resolvedMs),
    },
    durations: {
      ttd: {
        seconds:
          facts.impactStartSource === "declared" ? null : seconds(facts.detectedMs, facts.impactStartMs),
        formula: DURATION_FORMULAS.ttd,
      },
      tta: { seconds: seconds(facts.acknowledgedMs, facts.detectedMs), formula: DURATION_FORMULAS.tta },
      ttm: { seconds: seconds(facts.mitigatedMs, facts.impactStartMs), formula: DURATION_FORMULAS.ttm },
      ttr: { seconds: seconds(facts.resolvedMs, facts.impactStartMs), formula: DURATION_FORMULAS.ttr },
    },
    responders: facts.intervals.map((i) => ({
      role: i.role,
      person_id: i.personId,
      person_name: i.personName,
      from: iso(i.fromMs),
      to: isoOrNull(i.toMs),
    })),
    pages: {
      sent: facts.pages.sent,
      delivered: facts.pages.delivered,
      failed: facts.pages.failed,
      acknowledged: facts.pages.acknowledged,
      highest_escalation_level: facts.pages.highestLevel,
      fallback_reached: facts.pages.fallbackReached,
    },
    release_involved: release(input.release, changesBefore?.changes ?? []),
    temporary_fixes: temporaryFixes,
    action_items: actionItems,
    error_budget: errorBudget(input.slo, services, facts),
    lint: [],
    changes_before_impact: changesBefore,
  };

  const lines = renderMarkdown(incident, metadata, facts, timeFormatter(timezone));
  const lint = createLinter({ names: facts.names }).lintLines(lines);
  const markdown = lines.join("\n");
  metadata.lint = lint;
  return { markdown, metadata: assertValidPostmortem(metadata), lint };
}

// ---------------------------------------------------------------------------------------------
// Markdown

function fenced(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text.replace(/\r\n?/g, "\n")}\n${fence}`;
}

const KIND_LABELS: Record<string, string> = {
  "incident.declared": "Declared",
  "incident.alarm_transition": "Alarm",
  "incident.status_changed": "Status",
  "incident.flapping": "Flapping",
  "incident.role_assigned": "Role",
  "incident.update_posted": "Update",
  "incident.severity_changed": "Severity",
  "incident.merge_received": "Merged",
  "incident.linked": "Linked",
  "page.requested": "Page",
  "page.delivered": "Page delivered",
  "page.failed": "Page not delivered",
  "page.acknowledged": "Page acknowledged",
  "incident.role_flagged": "Role note",
  "incident.alarm_attached": "Grouped alarm",
  "incident.merged": "Merged",
  "incident.unlinked": "Unlinked",
  "incident.responder_requested": "Paged in",
  "incident.escalation_requested": "Escalation asked",
  "maintenance.alarm_held": "Held by maintenance",
  "maintenance.alarm_released": "Released from maintenance",
};

function eventText(oe: OrderedEntry, incident: Incident): string {
  const { entry } = oe;
  const data = (typeof entry.data === "object" && entry.data !== null ? entry.data : {}) as Record<
    string,
    unknown
  >;
  const said = typeof entry.summary === "string" && entry.summary.trim() !== "" ? entry.summary : entry.kind;
  // A summary that is only the kind says nothing a reader can use: fall back to the data.
  const summary = said === entry.kind ? (str(data.text) ?? str(data.to) ?? "(no summary)") : said;
  switch (entry.kind) {
    case "incident.declared": {
      const alarm =
        typeof data.alarm === "object" && data.alarm !== null ? (data.alarm as { name?: unknown }) : null;
      const alarmName = str(alarm?.name) ?? (data.source === "alarm" ? incident.alarm?.name : undefined);
      const by = alarmName
        ? `from alarm ${code(alarmName, true)}`
        : `by ${cell(str(entry.actor?.name) ?? str(entry.actor?.id) ?? "unknown")}`;
      const severity = str(data.severity);
      return `**Declared** ${cell(incidentKey(incident))} ${by}${severity ? ` (${cell(severity)})` : ""}`;
    }
    case "incident.alarm_transition": {
      const name = str(data.alarmName) ?? str(data.alarmArn) ?? "alarm";
      const state = str(data.state) ?? "?";
      const previous = str(data.previousState);
      const reason = str(data.reason);
      const late = data.late === true ? " (late: arrived after a newer transition)" : "";
      return `**Alarm** ${code(name, true)} ${previous ? `${cell(previous)} → ` : ""}${cell(state)}${late}${
        reason ? ` — reason: ${code(reason, true)}` : ""
      }`;
    }
    case "incident.update_posted":
      return `**${data.temporary === true ? "Temporary fix" : "Update"}** ${cell(summary)}`;
    case "page.failed": {
      const error = str(data.error);
      return `**Page not delivered** ${cell(summary)}${error ? ` — error: ${code(error, true)}` : ""}`;
    }
    default:
      // Never the raw kind: an entry of a kind this list does not know is an "Event".
      if (said === entry.kind && entry.kind === "incident.status_changed" && str(data.to))
        return `**Status** → ${cell(str(data.to)!)}`;
      return `**${KIND_LABELS[entry.kind] ?? "Event"}** ${cell(summary)}`;
  }
}

/** The summary: what happened, to what, for how long, the last word to stakeholders, how it ended. */
function summaryLines(incident: Incident, m: PostmortemV2, facts: Facts, t: TimeFormatter): string[] {
  const endMs = facts.mitigatedMs ?? facts.resolvedMs;
  const services = m.incident.services.length
    ? m.incident.services.map(inline).join(", ")
    : "no recorded service";
  const impact =
    endMs === null
      ? `is still open; the impact began ${t.both(m.timestamps.impact_start)}`
      : `affected ${services} for ${formatDuration((endMs - facts.impactStartMs) / 1000)}, from ${t.both(m.timestamps.impact_start)} until it was ${facts.mitigatedMs !== null ? "mitigated" : "resolved"}`;
  const lines = [`${inline(m.incident.title)} (${m.incident.severity}) ${impact}.`];
  const last = facts.updates.at(-1);
  const text = str((last?.entry.data as Record<string, unknown> | undefined)?.text);
  if (last && text) {
    const by = str(last.entry.actor?.name) ?? str(last.entry.actor?.id);
    lines.push(
      "",
      `The last stakeholder update${by ? `, by ${inline(by)}` : ""} at ${t.both(last.iso)}: ${inline(text)}`,
    );
  }
  if (str(incident.summary)) lines.push("", `Resolution: ${inline(incident.summary!)}`);
  else if (m.incident.status !== "resolved")
    lines.push("", "_It is not resolved yet: the resolution goes here._");
  return lines;
}

const PAGING = /^(page|escalation)\./;

/** What an escalation entry means, when it has no summary of its own. */
const ESCALATION_WORDS: Record<string, string> = {
  "escalation.escalated": "nobody acknowledged: escalated to the next level",
  "escalation.level_skipped": "a level was skipped: nobody on call",
  "escalation.stopped": "paging stopped",
  "escalation.not_started": "nobody could be paged",
  "escalation.restarted": "paging started again (reopened)",
};

/** The timeline as people read it: the impact start first, one line per paged level, labels not kinds. */
function timelineRows(incident: Incident, m: PostmortemV2, facts: Facts): { iso: string; text: string }[] {
  const rows: { iso: string; text: string; order: number }[] = [];
  const alarm = m.detection.alarm?.name;
  rows.push({
    iso: m.timestamps.impact_start,
    order: 0,
    text:
      m.timestamps.impact_start_source === "alarm_state"
        ? `**Impact began** (alarm ${code(alarm ?? "?", true)} went to ALARM)`
        : facts.impactStartNote
          ? "**Impact began** (taken as the detection time: the alarm's state time was not plausible)"
          : "**Impact began** (taken as the declared time: not observed)",
  });
  // Paging: one line per level and round, at its first page, with who, how and how it went.
  const levels = new Map<
    string,
    {
      iso: string;
      who: Set<string>;
      channels: Set<string>;
      delivered: number;
      failed: number;
      acked: Set<string>;
    }
  >();
  const pageLevel = new Map<string, string>();
  for (const oe of facts.entries) {
    const { entry } = oe;
    if (!PAGING.test(entry.kind)) continue;
    const data = (entry.data ?? {}) as Record<string, unknown>;
    if (entry.kind.startsWith("escalation.")) {
      if (entry.kind === "escalation.started") continue;
      const said =
        entry.summary && entry.summary !== entry.kind ? entry.summary : ESCALATION_WORDS[entry.kind];
      rows.push({ iso: oe.iso, order: 1, text: `**Escalation** ${cell(said ?? "the escalation changed")}` });
      continue;
    }
    const pageId = str(data.pageId) ?? entry.id;
    let key = pageLevel.get(pageId);
    if (!key) {
      const level = data.level;
      const round = typeof data.round === "number" ? data.round : 0;
      const purpose = str(data.purpose);
      key =
        purpose === "announce"
          ? "the team's alert channel"
          : purpose === "role_coverage"
            ? "the IC again (role coverage)"
            : purpose === "related_alarm"
              ? "the IC (a grouped alarm)"
              : purpose === "responder"
                ? "people asked for"
                : level === "fallback"
                  ? "the fallback"
                  : `level ${String(level ?? "?")}${round ? ` (repeat ${round})` : ""}`;
      pageLevel.set(pageId, key);
    }
    let line = levels.get(key);
    if (!line) {
      line = { iso: oe.iso, who: new Set(), channels: new Set(), delivered: 0, failed: 0, acked: new Set() };
      levels.set(key, line);
    }
    const target = (data.target ?? {}) as Record<string, unknown>;
    const name = str(target.name) ?? str(data.personId) ?? str(target.arn) ?? str(target.slackChannelId);
    if (entry.kind === "page.requested") {
      if (name) line.who.add(name);
      const channel = str(data.channel);
      if (channel)
        line.channels.add(
          channel === "slack" ? "Slack" : channel === "sns" || channel === "sms" ? "SMS/SNS" : cell(channel),
        );
    } else if (entry.kind === "page.delivered") line.delivered++;
    else if (entry.kind === "page.failed") line.failed++;
    else if (entry.kind === "page.acknowledged") line.acked.add(str(entry.actor?.name) ?? name ?? "someone");
  }
  for (const [key, line] of levels) {
    const outcome = [
      `${line.delivered} delivered`,
      ...(line.failed ? [`${line.failed} not delivered`] : []),
      ...(line.acked.size ? [`acknowledged by ${[...line.acked].map(cell).join(", ")}`] : []),
    ].join(", ");
    rows.push({
      iso: line.iso,
      order: 1,
      text: `**Paged** ${key}: ${[...line.who].map(cell).join(", ") || "nobody"} by ${[...line.channels].join(" and ") || "?"} (${outcome})`,
    });
  }
  for (const oe of facts.entries) {
    if (PAGING.test(oe.entry.kind)) continue;
    rows.push({ iso: oe.iso, order: 1, text: eventText(oe, incident) });
  }
  return rows.sort((a, b) => a.iso.localeCompare(b.iso) || a.order - b.order);
}

/** The lines of What went well and What went wrong, each from a fact. */
function sectionFacts(m: PostmortemV2, facts: Facts, t: TimeFormatter): { well: string[]; wrong: string[] } {
  const d = m.durations;
  const well: string[] = [];
  const wrong: string[] = [];
  const policyAck = facts.firstLevelTimeoutMinutes;
  const ackBound = policyAck !== null ? policyAck * 60 : FAST_ACK_SECONDS;
  const ackBoundText =
    policyAck !== null ? `level 1's ${policyAck}-minute timeout` : `${formatDuration(FAST_ACK_SECONDS)}`;
  // Detection
  if (m.detection.alarm && d.ttd.seconds !== null && d.ttd.seconds <= FAST_DETECTION_SECONDS)
    well.push(
      `- Fast detection: the alarm ${code(m.detection.alarm.name ?? m.detection.alarm.arn)} opened the incident ${formatDuration(d.ttd.seconds)} after the impact began.`,
    );
  if (m.detection.alarm && d.ttd.seconds !== null && d.ttd.seconds > FAST_DETECTION_SECONDS)
    wrong.push(
      `- Slow detection: the incident opened ${formatDuration(d.ttd.seconds)} after the alarm's state changed.`,
    );
  if (facts.impactStartNote) wrong.push(`- A late alarm: ${inline(facts.impactStartNote)}.`);
  if (facts.lateAlarms > 0)
    wrong.push(
      `- ${facts.lateAlarms} alarm transition${facts.lateAlarms === 1 ? "" : "s"} arrived out of order (after a newer one).`,
    );
  // Acknowledgement
  if (d.tta.seconds !== null && d.tta.seconds <= ackBound)
    well.push(
      `- Acknowledged inside policy: ${formatDuration(d.tta.seconds)} after detection (within ${ackBoundText}).`,
    );
  if (d.tta.seconds !== null && d.tta.seconds > ackBound)
    wrong.push(
      `- Slow acknowledgement: ${formatDuration(d.tta.seconds)} after detection, over ${ackBoundText}.`,
    );
  if (m.timestamps.acknowledged === null && m.pages.sent > 0)
    wrong.push(
      `- Nobody acknowledged: ${m.pages.sent} page${m.pages.sent === 1 ? " was" : "s were"} sent (${m.pages.delivered} delivered) and none was acknowledged.`,
    );
  if (m.pages.delivered > 0 && m.pages.delivered === m.pages.sent && m.timestamps.acknowledged !== null)
    well.push(`- Every page was delivered (${m.pages.delivered}).`);
  for (const failed of facts.failedPages.slice(0, LIST_LIMIT))
    wrong.push(`- A page was not delivered: ${inline(failed)}.`);
  if (facts.failedPages.length > LIST_LIMIT)
    wrong.push(`- … and ${facts.failedPages.length - LIST_LIMIT} more pages not delivered.`);
  if (m.pages.highest_escalation_level !== null && m.pages.highest_escalation_level >= 2)
    wrong.push(
      `- The page escalated to level ${m.pages.highest_escalation_level}: the earlier levels did not acknowledge in time.`,
    );
  if (m.pages.fallback_reached) wrong.push("- Every level went unanswered: the fallback was paged.");
  for (const gap of facts.roleGaps.slice(0, LIST_LIMIT)) wrong.push(`- A role gap: ${inline(gap)}.`);
  if (facts.flapping)
    wrong.push("- The alarm flapped: it changed state repeatedly while the incident was open.");
  // Mitigation
  if (facts.mitigatedMs !== null && facts.resolvedMs !== null && facts.mitigatedMs < facts.resolvedMs)
    well.push(
      `- The impact was mitigated ${formatDuration((facts.resolvedMs - facts.mitigatedMs) / 1000)} before the incident was resolved (at ${t.both(iso(facts.mitigatedMs))}).`,
    );
  for (const h of facts.handoffs.slice(0, LIST_LIMIT))
    well.push(
      `- ${h.role.toUpperCase()} handoff from ${inline(h.from)} to ${inline(h.to)} at ${t.both(iso(h.atMs))} kept the role staffed.`,
    );
  return { well, wrong };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The Summary's release line: the value, and for `suspected` that it is a suspicion to confirm. */
function releaseLine(m: PostmortemV2): string {
  const r = m.release_involved;
  const reference = r.reference ? ` (${code(r.reference)})` : "";
  if (r.value !== "suspected") return `${r.value}${reference}`;
  const n = m.changes_before_impact?.changes.length ?? 0;
  return `suspected, not confirmed${reference}: ${plural(n, "change was", "changes were")} recorded to the incident's services in the ${formatDuration(CHANGES_BEFORE_IMPACT_WINDOW_SECONDS)} before the impact began (see Changes before impact). Confirm it as yes or no.`;
}

/** The "Changes before impact" section: each change's time, service, summary and reference. */
function changeLines(m: PostmortemV2, facts: Facts, t: TimeFormatter): string[] {
  const c = m.changes_before_impact;
  if (c === null) return ["_Changes were not looked up for this draft._"];
  const window = formatDuration(c.window_seconds);
  const from = iso(facts.impactStartMs - c.window_seconds * 1000);
  const services = m.incident.services.length
    ? m.incident.services.map(inline).join(", ")
    : "the incident's services (none recorded)";
  const range = `${t.both(from)} → ${t.both(m.timestamps.impact_start)}`;
  if (c.changes.length === 0)
    return [`_No change to ${services} was recorded in the ${window} before the impact began (${range})._`];
  const lines = [
    `${plural(c.changes.length, "change", "changes")} to ${services} recorded in the ${window} before the impact began (${range}), newest first.`,
    "",
    m.release_involved.value === "suspected"
      ? "**A release is suspected, not established:** a change shortly before the impact may or may not have contributed. Confirm whether one did, and set release involved to yes (with the change's reference) or no."
      : `Release involved: ${m.release_involved.value}.`,
    "",
  ];
  for (const change of c.changes) {
    const lead = (facts.impactStartMs - Date.parse(change.at)) / 1000;
    const summary = change.summary.trim() ? change.summary : "(no summary)";
    lines.push(
      `- ${t.both(change.at)}, ${lead === 0 ? "at the impact start" : `${formatDuration(lead)} before the impact`} — **${inline(change.service)}**: ${
        change.link ? link(summary, change.link) : inline(summary)
      } (${inline(change.source)}, reference ${code(change.id)})`,
    );
  }
  return lines;
}

/** The draft's lines (no line contains a line break). */
function renderMarkdown(incident: Incident, m: PostmortemV2, facts: Facts, t: TimeFormatter): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => {
    for (const l of lines) {
      if (l.includes("\n")) for (const part of l.split("\n")) out.push(part);
      else out.push(l);
    }
  };
  const section = (title: (typeof SECTION_TITLES)[number]) => {
    push("", `## ${title}`, "");
  };
  const d = m.durations;
  const dur = (s: number | null) => (s === null ? "unknown" : formatDuration(s));
  const alarmName = m.detection.alarm?.name ?? incident.alarm?.name;

  push(frontMatter(m), "", `# ${inline(`${m.incident.key}: ${m.incident.title}`)}`);

  // Summary: built from the title, the impact, the last stakeholder update and the resolution.
  section("Summary");
  push(...summaryLines(incident, m, facts, t));
  if (str(incident.description)) {
    push("", "**Description at declaration:**", "", fenced(incident.description!));
  }
  push(
    "",
    `- **Severity:** ${m.incident.severity}`,
    `- **Status:** ${m.incident.status}`,
    `- **Detected by:** ${m.detection.source === "alarm" ? `alarm${alarmName ? ` ${code(alarmName)}` : ""}` : "a person"}`,
    ...(incident.reopens
      ? [
          `- **Reopened:** ${incident.reopens === 1 ? "once" : `${incident.reopens} times`}: the alarm fired again soon after it resolved (see the timeline)`,
        ]
      : []),
    `- **Time to resolve (TTR):** ${dur(d.ttr.seconds)}`,
    `- **Release involved:** ${releaseLine(m)}`,
  );

  // Impact
  section("Impact");
  const endMs = facts.mitigatedMs ?? facts.resolvedMs;
  const endLabel = facts.mitigatedMs !== null ? "mitigated" : facts.resolvedMs !== null ? "resolved" : null;
  push(
    `- **Services:** ${m.incident.services.length ? m.incident.services.map(inline).join(", ") : "none recorded"}`,
    `- **Accounts and regions:** ${
      m.incident.locations.length
        ? m.incident.locations.map((l) => `${inline(l.account)} / ${inline(l.region)}`).join(", ")
        : "none recorded"
    }`,
    `- **Severity:** ${m.incident.severity}`,
    `- **Impact window:** ${t.both(m.timestamps.impact_start)} → ${
      endMs === null ? "not yet mitigated" : `${t.both(iso(endMs))} (${endLabel})`
    }${endMs === null ? "" : `, ${formatDuration((endMs - facts.impactStartMs) / 1000)}`}`,
    `- **Impact start:** ${
      m.timestamps.impact_start_source === "alarm_state"
        ? "the opening alarm's own state time"
        : facts.impactStartNote
          ? `the detection time, not the alarm's: ${inline(facts.impactStartNote)}`
          : "the declared time (not observed)"
    }`,
  );
  if (m.error_budget) {
    for (const b of m.error_budget.services) {
      push(
        `- **Error budget, ${inline(b.service)}:** ${
          b.consumed_minutes === null
            ? "not known until the impact ends"
            : `${formatDuration(b.consumed_minutes * 60)} of ${formatDuration(b.budget_minutes * 60)} (${b.percent_of_budget}% of the ${b.window_days}-day budget at ${round(b.target * 100, 6)}%)`
        }`,
      );
    }
  }
  push("- **Who was affected, and how:** _describe the customer impact._");

  // Detection
  section("Detection");
  if (m.detection.alarm) {
    const a = m.detection.alarm;
    push(
      `- **Detected by:** alarm ${a.name ? `${code(a.name)} ` : ""}(${code(a.arn)})`,
      `- **Alarm state since:** ${t.both(a.state_timestamp)}`,
    );
    if (a.reason) push(`- **Reason:** ${code(a.reason)}`);
    const context = incident.alarm?.context;
    if (context) {
      const crossing = crossingLine(context);
      if (crossing) push(`- **Crossing:** ${code(crossing)}`);
      for (const metric of context.metrics) push(`- **Metric:** ${code(metric)}`);
      if (context.band) push(`- **Band:** ${code(context.band)}`);
      if (context.composite) push(`- **Composite rule:** ${code(context.composite.rule)}`);
      const source = sourceLinkOf(context);
      const links = [...context.links, ...(source ? [source] : [])];
      if (links.length > 0) push(`- **Links:** ${links.map((l) => link(l.label, l.url)).join(" · ")}`);
    }
  } else if (m.detection.source === "alarm") {
    push(
      `- **Detected by:** alarm${alarmName ? ` ${code(alarmName)}` : ""} (no ALARM transition on the timeline)`,
    );
  } else {
    const who = m.detection.declared_by?.name ?? m.detection.declared_by?.id;
    push(`- **Detected by:** a person${who ? `: ${inline(who)} declared the incident` : ""}`);
  }
  push(`- **Detected (incident created):** ${t.both(m.timestamps.detected)}`);
  push(
    d.ttd.seconds !== null
      ? `- **Time to detect (TTD):** ${formatDuration(d.ttd.seconds)} (detected − impact start)`
      : facts.impactStartNote
        ? "- **Time to detect (TTD):** not measured: the alarm's state time was not plausible (see Impact), and no duration built on it goes into the metrics."
        : "- **Time to detect (TTD):** not measured: the impact start of a human-declared incident is its declared time.",
  );

  // Response
  section("Response");
  push(
    `- **Acknowledged:** ${
      m.timestamps.acknowledged === null
        ? "not recorded"
        : `${t.both(m.timestamps.acknowledged)} (TTA ${dur(d.tta.seconds)}, acknowledged − detected)`
    }`,
    `- **Mitigated:** ${
      m.timestamps.mitigated === null
        ? "not recorded"
        : `${t.both(m.timestamps.mitigated)} (TTM ${dur(d.ttm.seconds)}, mitigated − impact start)`
    }`,
    `- **Resolved:** ${
      m.timestamps.resolved === null
        ? "not recorded"
        : `${t.both(m.timestamps.resolved)} (TTR ${dur(d.ttr.seconds)}, resolved − impact start)`
    }`,
    `- **Pages:** ${m.pages.sent} sent, ${m.pages.delivered} delivered, ${m.pages.failed} not delivered, ${m.pages.acknowledged} acknowledged${
      m.pages.highest_escalation_level === null
        ? ""
        : `; highest escalation level ${m.pages.highest_escalation_level}`
    }${m.pages.fallback_reached ? "; the fallback was paged" : ""}`,
    "",
  );
  // Responders: everyone who acted, with the roles they held and what they did.
  push("**Responders** (everyone who acted):", "");
  const roleOf = new Map<string, string[]>();
  for (const r of m.responders) {
    const roles = roleOf.get(r.person_id) ?? [];
    if (!roles.includes(r.role.toUpperCase())) roles.push(r.role.toUpperCase());
    roleOf.set(r.person_id, roles);
  }
  if (facts.actors.length === 0)
    push("_Nobody acted on the timeline: no acknowledgement, update or status change._");
  else {
    push(row(["Person", "Roles", "What they did"]), row(["---", "---", "---"]));
    for (const a of facts.actors)
      push(row([cell(a.name), (roleOf.get(a.id) ?? []).join(", ") || "—", cell(a.actions.join(", "))]));
  }
  const acted = new Set(facts.actors.map((a) => a.id));
  if (m.responders.length > 0) {
    push("", "Roles held:", "");
    push(row(["Role", "Person", "From", "To"]), row(["---", "---", "---", "---"]));
    for (const r of m.responders) {
      const to =
        r.to === null
          ? "still holding"
          : r.to === m.timestamps.resolved
            ? `${t.both(r.to)} (resolved)`
            : t.both(r.to);
      const idle = acted.has(r.person_id) ? "" : " (no recorded action)";
      push(row([r.role.toUpperCase(), `${cell(r.person_name ?? r.person_id)}${idle}`, t.both(r.from), to]));
    }
  }

  // Timeline: the impact start first, paging collapsed into one line per level, no raw kinds.
  section("Timeline");
  const rows = timelineRows(incident, m, facts);
  push(
    t.isUtc ? "Times are UTC." : `Times are UTC, and ${inline(t.timezone)} for the team.`,
    "",
    t.isUtc ? row(["Time (UTC)", "Event"]) : row(["Time (UTC)", `Time (${cell(t.timezone)})`, "Event"]),
    t.isUtc ? row(["---", "---"]) : row(["---", "---", "---"]),
  );
  for (const r of rows)
    push(t.isUtc ? row([t.utc(r.iso), r.text]) : row([t.utc(r.iso), t.local(r.iso), r.text]));

  // Changes before impact: what the change store had for the incident's services.
  section("Changes before impact");
  push(...changeLines(m, facts, t));

  // Mitigations
  section("Mitigations");
  if (facts.mitigatedMs !== null) {
    const e = facts.mitigatedEntry?.entry;
    const data = (e?.data ?? {}) as Record<string, unknown>;
    const by = str(e?.actor?.name) ?? (e?.actor?.type === "user" ? str(e?.actor?.id) : undefined);
    const note = str(data.summary);
    push(
      `- **Mitigated** at ${t.both(iso(facts.mitigatedMs))}${by ? ` by ${inline(by)}` : ""}${note ? `: ${inline(note)}` : ""}`,
    );
  } else push("- The incident has no mitigation time: it went straight to resolved, or is still open.");
  for (const fix of m.temporary_fixes) {
    push(
      `- **Temporary fix** at ${t.both(fix.posted_at)}${fix.posted_by ? ` by ${inline(fix.posted_by)}` : ""}: ${inline(fix.text)} (to roll back: ${fix.action_item_id})`,
    );
  }
  push("- _Describe what stopped the impact, and what made it work._");

  // Temporary fixes to roll back
  section("Temporary fixes to roll back");
  if (m.temporary_fixes.length === 0) push("_None: no update was marked temporary._");
  else {
    push("Each temporary fix is an action item until it is rolled back or made permanent.", "");
    for (const fix of m.temporary_fixes) {
      push(
        `- [ ] **${fix.action_item_id}** ${inline(fix.text)} (applied ${t.both(fix.posted_at)}${
          fix.posted_by ? ` by ${inline(fix.posted_by)}` : ""
        })`,
      );
    }
  }

  // Contributing factors
  section("Contributing factors");
  push(
    "_An incident rarely has a single root cause. Answer these questions to find the conditions that combined:_",
    "",
    `- What changed shortly before the impact began (deploys, configuration, traffic, dependencies)? Release involved: ${
      m.release_involved.value === "suspected"
        ? "suspected, to confirm (see Changes before impact)"
        : m.release_involved.value
    }.`,
    "- Which safeguards (tests, alarms, limits, automatic rollbacks) were in place, and what kept them from stopping this?",
    ...(d.ttd.seconds === null
      ? ["- How was the impact noticed, and could an alarm have noticed it sooner?"]
      : d.ttd.seconds >= 60
        ? [`- What made detection take as long as it did (TTD ${formatDuration(d.ttd.seconds)})?`]
        : []),
    "- What made diagnosis or mitigation harder: missing dashboards, runbooks, access or context?",
    "- Were there earlier signals, and how could they reach the right people sooner?",
    "- What would make the same trigger harmless next time?",
  );

  // What went well, what went wrong, where we got lucky: each line only when the facts support it.
  section("What went well");
  const findings = sectionFacts(m, facts, t);
  push(...(findings.well.length ? findings.well : ["_Nothing on the timeline stands out as going well._"]));
  push("- _Add the people and systems that did better than expected._");
  section("What went wrong");
  push(
    ...(findings.wrong.length ? findings.wrong : ["_Nothing on the timeline stands out as going wrong._"]),
  );
  push("- _Add what made the response harder than necessary._");
  section("Where we got lucky");
  push(
    "_No fact on the timeline says. Ask: what could have made this worse, and what kept it from happening (the time of day, who happened to be around, a limit that held)?_",
  );

  // Action items
  section("Action items");
  push(
    row(["ID", "Action", "Owner", "Priority", "Due", "Tags"]),
    row(["---", "---", "---", "---", "---", "---"]),
  );
  for (const a of m.action_items) {
    push(
      row([
        a.id,
        cell(a.title),
        a.owner === null ? "unassigned" : cell(a.owner),
        a.priority,
        a.due,
        a.tags.join(", "),
      ]),
    );
  }
  push(
    "",
    "_Add one row per action item, tagged `postmortem`, with an owner, a priority (P1–P3) and a due date._",
  );

  // Lessons learned
  section("Lessons learned");
  push(
    "- _What did we learn about our systems?_",
    "- _What did we learn about how we respond?_",
    "- _What surprised us?_",
  );

  push("");
  return out;
}
