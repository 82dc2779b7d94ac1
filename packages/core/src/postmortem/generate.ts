import { ValidationError } from "@firebreak/core/shared/errors";
import { type Incident, incidentKey } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { renderMarkdown } from "./draft-markdown";
import {
  CHANGES_BEFORE_IMPACT_LIMIT,
  CHANGES_BEFORE_IMPACT_WINDOW_SECONDS,
  iso,
  isoOrNull,
  MS_PER_DAY,
  round,
  seconds,
  TEMPORARY_FIX_POLICY,
} from "./draft-rules";
import { collectFacts, type Facts, str } from "./facts";
import { impactEnd, impactMinutes as minutesOfImpact } from "./impact";
import { createLinter } from "./lint";
import { isTimeZone, timeFormatter } from "./markdown";
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
  type TemporaryFixV1,
} from "./types";

export {
  CHANGES_BEFORE_IMPACT_LIMIT,
  CHANGES_BEFORE_IMPACT_WINDOW_SECONDS,
  FAST_ACK_SECONDS,
  FAST_DETECTION_SECONDS,
  TEMPORARY_FIX_POLICY,
} from "./draft-rules";

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

export interface GeneratedPostmortem {
  markdown: string;
  metadata: PostmortemV2;
  lint: LintFinding[];
}

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
export function release(
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
