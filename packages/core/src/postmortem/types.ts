import type { Severity } from "../incident/model";
import type { Role } from "../incident/timeline";

/**
 * The machine-readable postmortem metadata. The published contracts are
 * `schemas/postmortem.v1.json` and `schemas/postmortem.v2.json` (JSON Schema 2020-12); the
 * interfaces below mirror them, and every document Firebreak produces is validated against its
 * schema (by its `schema_version`) before it leaves core.
 *
 * Field names are snake_case: the document is a public, language-neutral contract. Any change
 * to the shape is a new schema version, never an edit of a published one. Drafts are written in
 * the latest version (v2); drafts stored in v1 stay v1 (readers take both), and both schemas are
 * served (`GET /api/schemas/postmortem.v1.json`, `.v2.json`).
 *
 * v2 (a breaking change, hence a new version): `release_involved.value` may be `"suspected"`
 * (with `references`: the ids of the changes suspected), and `changes_before_impact` lists the
 * changes recorded to the incident's services in the window before the impact start.
 */
export const POSTMORTEM_SCHEMA_ID_V1 = "https://firebreak.dev/schemas/postmortem.v1.json";
export const POSTMORTEM_SCHEMA_ID_V2 = "https://firebreak.dev/schemas/postmortem.v2.json";
/** The schema of the drafts Firebreak writes now. */
export const POSTMORTEM_SCHEMA_ID = POSTMORTEM_SCHEMA_ID_V2;
export const POSTMORTEM_SCHEMA_VERSION = 2;

/** A document's schema `$id` by its `schema_version`. */
export function postmortemSchemaId(doc: { schema_version: number }): string {
  return doc.schema_version === 1 ? POSTMORTEM_SCHEMA_ID_V1 : POSTMORTEM_SCHEMA_ID_V2;
}

/**
 * Duration formulas, stated once and written into every document next to the number:
 * - TTD (time to detect)      = detected − impact_start (null for human-declared incidents: see below)
 * - TTA (time to acknowledge) = acknowledged − detected
 * - TTM (time to mitigate)    = mitigated − impact_start
 * - TTR (time to resolve)     = resolved − impact_start
 * Each is null when its end (or start) is missing.
 */
export const DURATION_FORMULAS = {
  ttd: "detected - impact_start",
  tta: "acknowledged - detected",
  ttm: "mitigated - impact_start",
  ttr: "resolved - impact_start",
} as const;
export type DurationKey = keyof typeof DURATION_FORMULAS;

export interface DurationV1<F extends string = string> {
  /** Seconds (millisecond precision, so possibly fractional), or null when unknown. */
  seconds: number | null;
  formula: F;
}

export type DetectionSource = "alarm" | "human";
export type ImpactStartSource = "alarm_state" | "declared";

/**
 * An alarm's state time earlier than this before the incident was created is not taken as the
 * impact's start: alarms reach Firebreak within minutes (a maintenance window may hold one for
 * hours), so a day means a replayed or stuck event.
 */
export const IMPACT_START_MAX_LEAD_SECONDS = 24 * 3600;
/** v1's values: what a person says (or `unknown`). */
export type ReleaseInvolvedV1 = "unknown" | "yes" | "no";
/** v2 adds `suspected`: Firebreak found changes before the impact start, for a person to confirm. */
export type ReleaseInvolved = ReleaseInvolvedV1 | "suspected";
/** Every value, in the order the metrics list them. */
export const RELEASE_INVOLVED_VALUES = [
  "yes",
  "suspected",
  "no",
  "unknown",
] as const satisfies readonly ReleaseInvolved[];
export type ActionItemPriority = "P1" | "P2" | "P3";

export const LINT_RULES = [
  "human-error",
  "fault",
  "should-have",
  "judgement",
  "failed-to",
  "person-failure",
] as const;
export type LintRule = (typeof LINT_RULES)[number];

export interface LintFinding {
  rule: LintRule;
  /** The flagged text, exactly as written. */
  match: string;
  message: string;
  /** A blameless rewording to consider. */
  suggestion: string;
  /** 1-based line and column in the linted Markdown. */
  line: number;
  column: number;
  /** The heading the line sits under, or null above the first heading. */
  section: string | null;
}

export interface ResponderIntervalV1 {
  role: Role;
  person_id: string;
  person_name: string | null;
  from: string;
  /** When the person stopped holding the role (a handoff, or resolution); null while still held. */
  to: string | null;
}

export interface TemporaryFixV1 {
  /** The `incident.update_posted` timeline entry that announced the temporary fix. */
  entry_id: string;
  text: string;
  posted_at: string;
  posted_by: string | null;
  /** The action item that tracks rolling it back. */
  action_item_id: string;
}

export interface ActionItemV1 {
  id: string;
  title: string;
  owner: string | null;
  priority: ActionItemPriority;
  /** Due date (YYYY-MM-DD, UTC). */
  due: string;
  /** Always contains "postmortem". */
  tags: string[];
  source: "temporary_fix";
  source_entry_id: string | null;
}

export interface ServiceBudgetV1 {
  service: string;
  target: number;
  window_days: number;
  /** windowDays × 24 × 60 × (1 − target). */
  budget_minutes: number;
  /** The impact minutes, charged to this service's budget; null when the impact has no end yet. */
  consumed_minutes: number | null;
  /** consumed / budget × 100; null when consumed is null. */
  percent_of_budget: number | null;
}

export interface ErrorBudgetV1 {
  /** impact_start → mitigated (else resolved), in minutes; null when neither is known. */
  impact_minutes: number | null;
  impact_end_source: "mitigated" | "resolved" | null;
  services: ServiceBudgetV1[];
}

export interface PostmortemV1 {
  schema_version: 1;
  generated_at: string;
  /** The team's IANA time zone used for local times in the Markdown. */
  timezone: string;
  incident: {
    id: string;
    number: number;
    key: string;
    title: string;
    severity: Severity;
    status: string;
    services: string[];
    locations: { account: string; region: string }[];
    accounts: string[];
    regions: string[];
    alarm_arns: string[];
  };
  detection: {
    source: DetectionSource;
    alarm: { name: string | null; arn: string; reason: string | null; state_timestamp: string } | null;
    declared_by: { type: string; id: string; name: string | null } | null;
  };
  timestamps: {
    impact_start: string;
    impact_start_source: ImpactStartSource;
    detected: string;
    acknowledged: string | null;
    mitigated: string | null;
    resolved: string | null;
  };
  durations: {
    ttd: DurationV1<typeof DURATION_FORMULAS.ttd>;
    tta: DurationV1<typeof DURATION_FORMULAS.tta>;
    ttm: DurationV1<typeof DURATION_FORMULAS.ttm>;
    ttr: DurationV1<typeof DURATION_FORMULAS.ttr>;
  };
  responders: ResponderIntervalV1[];
  pages: {
    sent: number;
    delivered: number;
    failed: number;
    acknowledged: number;
    /** The highest numbered escalation level paged (any round); null when no page carried a level. */
    highest_escalation_level: number | null;
    /** True when a page went to the policy's fallback (`level: "fallback"`). */
    fallback_reached: boolean;
  };
  release_involved: { value: ReleaseInvolvedV1; reference?: string };
  temporary_fixes: TemporaryFixV1[];
  action_items: ActionItemV1[];
  error_budget: ErrorBudgetV1 | null;
  lint: LintFinding[];
}

/** A change recorded to one of the incident's services shortly before its impact started. */
export interface ChangeBeforeImpactV2 {
  id: string;
  service: string;
  at: string;
  summary: string;
  link: string | null;
  /** Where it was recorded from: api, pagerduty, codedeploy, ecs, cloudformation. */
  source: string;
}

export interface PostmortemV2 extends Omit<PostmortemV1, "schema_version" | "release_involved"> {
  schema_version: 2;
  release_involved: {
    value: ReleaseInvolved;
    reference?: string;
    /** With `suspected`: the ids of the suspected changes (`changes_before_impact`), newest first. */
    references?: string[];
  };
  /** The changes in [impact_start − window_seconds, impact_start], newest first; null when not looked up. */
  changes_before_impact: { window_seconds: number; changes: ChangeBeforeImpactV2[] } | null;
}

/** A stored postmortem document of any published version. */
export type Postmortem = PostmortemV1 | PostmortemV2;

/** The Markdown draft's level-2 sections, in order (the title is the level-1 heading). */
export const SECTION_TITLES = [
  "Summary",
  "Impact",
  "Detection",
  "Response",
  "Timeline",
  "Changes before impact",
  "Mitigations",
  "Temporary fixes to roll back",
  "Contributing factors",
  "What went well",
  "What went wrong",
  "Where we got lucky",
  "Action items",
  "Lessons learned",
] as const;
