import { ValidationError } from "@firebreak/core/shared/errors";
import { crossingLine, sourceLinkOf } from "../alarm/context";
import { type Incident, incidentKey } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { collectFacts, type Facts, type OrderedEntry, str } from "./facts";
import { frontMatter } from "./front-matter";
import { createLinter } from "./lint";
import {
  cell,
  code,
  formatDuration,
  inline,
  isTimeZone,
  link,
  paragraph,
  row,
  type TimeFormatter,
  timeFormatter,
} from "./markdown";
import { assertValidPostmortem } from "./schema";
import {
  type ActionItemV1,
  DURATION_FORMULAS,
  type ErrorBudgetV1,
  type LintFinding,
  POSTMORTEM_SCHEMA_VERSION,
  type PostmortemV1,
  type ReleaseInvolved,
  SECTION_TITLES,
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
 * Determinism: the same incident and timeline give the same Markdown and the same metadata but
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
  value?: ReleaseInvolved;
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
  now: Date;
}

export interface GeneratedPostmortem {
  markdown: string;
  metadata: PostmortemV1;
  lint: LintFinding[];
}

/** Temporary fixes become action items: P1 due in 7 days for SEV1/SEV2, else P2 due in 14 days. */
export const TEMPORARY_FIX_POLICY = {
  urgent: { priority: "P1", days: 7 },
  normal: { priority: "P2", days: 14 },
} as const;

/** "What went well" calls an acknowledgement fast when it came within this many seconds of detection. */
export const FAST_ACK_SECONDS = 5 * 60;

/** At most this many people and handoffs are listed under "What went well" (the rest are counted). */
const WENT_WELL_LIMIT = 5;

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
  const endMs = facts.mitigatedMs ?? facts.resolvedMs;
  const impactMinutes = endMs === null ? null : (endMs - facts.impactStartMs) / 60_000;
  return {
    impact_minutes: impactMinutes === null ? null : round(impactMinutes, 6),
    impact_end_source:
      facts.mitigatedMs !== null ? "mitigated" : facts.resolvedMs !== null ? "resolved" : null,
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

function release(input: ReleaseInput | undefined): PostmortemV1["release_involved"] {
  const value = input?.value ?? "unknown";
  if (value !== "unknown" && value !== "yes" && value !== "no") {
    throw invalid("release.value", 'expected "unknown", "yes" or "no"');
  }
  const reference = input?.reference?.trim();
  return reference ? { value, reference } : { value };
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
      title: `Roll back temporary fix: ${fix.text.replace(/\s+/g, " ").trim()}`,
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

  const metadata: PostmortemV1 = {
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
    release_involved: release(input.release),
    temporary_fixes: temporaryFixes,
    action_items: actionItems,
    error_budget: errorBudget(input.slo, services, facts),
    lint: [],
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
};

function eventText(oe: OrderedEntry, incident: Incident): string {
  const { entry } = oe;
  const data = (typeof entry.data === "object" && entry.data !== null ? entry.data : {}) as Record<
    string,
    unknown
  >;
  const summary =
    typeof entry.summary === "string" && entry.summary.trim() !== "" ? entry.summary : entry.kind;
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
      return `**${KIND_LABELS[entry.kind] ?? cell(entry.kind)}** ${cell(summary)}`;
  }
}

/** The draft's lines (no line contains a line break). */
function renderMarkdown(incident: Incident, m: PostmortemV1, facts: Facts, t: TimeFormatter): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => {
    for (const l of lines) {
      if (l.includes("\n")) for (const part of l.split("\n")) out.push(part);
      else out.push(l);
    }
  };
  const section = (index: number) => {
    push("", `## ${SECTION_TITLES[index]}`, "");
  };
  const d = m.durations;
  const dur = (s: number | null) => (s === null ? "unknown" : formatDuration(s));
  const alarmName = m.detection.alarm?.name ?? incident.alarm?.name;

  push(frontMatter(m), "", `# ${inline(`${m.incident.key}: ${m.incident.title}`)}`);

  // Summary
  section(0);
  if (str(incident.summary)) push(paragraph(incident.summary!));
  else push("_Summarise what happened, the impact and how it ended, in two or three sentences._");
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
    `- **Release involved:** ${m.release_involved.value}${m.release_involved.reference ? ` (${code(m.release_involved.reference)})` : ""}`,
  );

  // Impact
  section(1);
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
  section(2);
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
    d.ttd.seconds === null
      ? "- **Time to detect (TTD):** not measured: the impact start of a human-declared incident is its declared time."
      : `- **Time to detect (TTD):** ${formatDuration(d.ttd.seconds)} (detected − impact start)`,
  );

  // Response
  section(3);
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
  if (m.responders.length === 0) push("_No roles were assigned on the timeline._");
  else {
    push(row(["Role", "Person", "From", "To"]), row(["---", "---", "---", "---"]));
    for (const r of m.responders) {
      const to =
        r.to === null
          ? "still holding"
          : r.to === m.timestamps.resolved
            ? `${t.both(r.to)} (resolved)`
            : t.both(r.to);
      push(row([r.role.toUpperCase(), cell(r.person_name ?? r.person_id), t.both(r.from), to]));
    }
  }

  // Timeline
  section(4);
  if (facts.entries.length === 0) push("_The timeline is empty._");
  else {
    push(
      t.isUtc ? "Times are UTC." : `Times are UTC, and ${inline(t.timezone)} for the team.`,
      "",
      t.isUtc ? row(["Time (UTC)", "Event"]) : row(["Time (UTC)", `Time (${cell(t.timezone)})`, "Event"]),
      t.isUtc ? row(["---", "---"]) : row(["---", "---", "---"]),
    );
    for (const oe of facts.entries) {
      const text = eventText(oe, incident);
      push(t.isUtc ? row([t.utc(oe.iso), text]) : row([t.utc(oe.iso), t.local(oe.iso), text]));
    }
  }

  // Mitigations
  section(5);
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
  section(6);
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
  section(7);
  push(
    "_An incident rarely has a single root cause. Answer these questions to find the conditions that combined:_",
    "",
    `- What changed shortly before the impact began (deploys, configuration, traffic, dependencies)? Release involved: ${m.release_involved.value}.`,
    "- Which safeguards (tests, alarms, limits, automatic rollbacks) were in place, and what kept them from stopping this?",
    `- What made detection take as long as it did${d.ttd.seconds === null ? "" : ` (TTD ${formatDuration(d.ttd.seconds)})`}?`,
    "- What made diagnosis or mitigation harder: missing dashboards, runbooks, access or context?",
    "- Were there earlier signals, and how could they reach the right people sooner?",
    "- What would make the same trigger harmless next time?",
  );

  // What went well
  section(8);
  const well: string[] = [];
  if (m.detection.alarm && d.ttd.seconds !== null) {
    well.push(
      `- The alarm${m.detection.alarm.name ? ` ${code(m.detection.alarm.name)}` : ""} detected the impact automatically; the incident existed ${formatDuration(d.ttd.seconds)} after the impact began.`,
    );
  }
  if (d.tta.seconds !== null && d.tta.seconds <= FAST_ACK_SECONDS) {
    well.push(`- Fast acknowledgement: ${formatDuration(d.tta.seconds)} after detection.`);
  }
  if (m.pages.delivered > 0) {
    well.push(
      m.pages.delivered === m.pages.sent
        ? `- Every page was delivered (${m.pages.delivered}).`
        : `- ${m.pages.delivered} of ${m.pages.sent} pages were delivered.`,
    );
  }
  const fastAcks = facts.pages.acks.filter((a) => a.who !== null && a.seconds !== null);
  for (const a of fastAcks.slice(0, WENT_WELL_LIMIT)) {
    well.push(`- ${inline(a.who!)} acknowledged a page ${formatDuration(a.seconds!)} after it was sent.`);
  }
  if (fastAcks.length > WENT_WELL_LIMIT)
    well.push(`- … and ${fastAcks.length - WENT_WELL_LIMIT} more page acknowledgements.`);
  for (const h of facts.handoffs.slice(0, WENT_WELL_LIMIT)) {
    well.push(
      `- ${h.role.toUpperCase()} handoff from ${inline(h.from)} to ${inline(h.to)} at ${t.both(iso(h.atMs))} kept the role staffed.`,
    );
  }
  if (facts.handoffs.length > WENT_WELL_LIMIT) {
    well.push(`- … and ${facts.handoffs.length - WENT_WELL_LIMIT} more handoffs.`);
  }
  push(...well, "- _Add the people and systems that did better than expected._");

  // Action items
  section(9);
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
  section(10);
  push(
    "- _What did we learn about our systems?_",
    "- _What did we learn about how we respond?_",
    "- _What surprised us?_",
  );

  push("");
  return out;
}
