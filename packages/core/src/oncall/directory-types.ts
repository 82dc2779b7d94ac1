/**
 * The parsed, normalised on-call directory: plain JSON, safe to store and to send (directory.ts
 * parses it; directory-index.ts looks things up in it).
 */

import type { ValidationIssue } from "@firebreak/core/shared/errors";
import type { Grouping } from "../alarm/grouping";
import type { IgnoreRule } from "./alarm-rules";
import type { TrackerConfig } from "./directory-schemas";
import type { NotifyRules } from "./notify-rules";
import type { UrgencyPolicy, WorkingHours } from "./urgency";

export interface Person {
  id: string;
  name: string;
  /** Slack member id, `U…` or `W…` (Enterprise Grid). */
  slackUserId?: string;
  /** E.164, e.g. `+447700900123`. */
  phone?: string;
  email?: string;
  /** IANA time zone, e.g. `Europe/London`. */
  timezone: string;
  /** Personal notification rules (notify-rules.ts); absent: the default. */
  notify?: NotifyRules;
}

export type Shift = { type: "daily" } | { type: "weekly" } | { type: "hours"; hours: number };

export interface RotationOverride {
  personId: string;
  /** ISO 8601 instant, normalised to UTC with milliseconds (inclusive). */
  from: string;
  /** ISO 8601 instant, normalised to UTC with milliseconds (exclusive); after `from`. */
  to: string;
  reason?: string;
}

export interface Rotation {
  /** Unique across the whole directory. */
  id: string;
  name?: string;
  /** Person ids in rotation order; may be empty (nobody is on call) and may repeat a person. */
  members: string[];
  shift: Shift;
  /** `HH:MM`, local wall-clock time in `timezone`. */
  handoffTime: string;
  timezone: string;
  /** `YYYY-MM-DD`: the first shift (members[0]) begins on this date at `handoffTime` in `timezone`. */
  start: string;
  /** In the order they were written: later entries were created later. */
  overrides: RotationOverride[];
}

export type TargetRef =
  | { type: "person"; id: string }
  | { type: "rotation"; id: string }
  | { type: "topic"; arn: string };

export interface EscalationLevel {
  targets: TargetRef[];
  timeoutMinutes: number;
}

export interface EscalationPolicy {
  /** A named policy's id, or `team:<team id>` for a policy written inside its team. */
  id: string;
  name?: string;
  levels: EscalationLevel[];
  /** How many times the whole ladder is paged again after the first pass (0 = once). */
  repeat: number;
  /** Paged once when the ladder and its repeats are exhausted without an acknowledgement. */
  fallback: TargetRef;
  /** Which severities are high urgency (urgency.ts); absent: SEV1–SEV2 high, a 15-minute SMS delay. */
  urgency?: UrgencyPolicy;
}

export interface ServiceOwnership {
  id: string;
  /** When present, the team owns the service in these AWS accounts only. */
  accounts?: string[];
}

export interface Slo {
  /** Fraction of good events, 0 < target < 1 (e.g. 0.999). */
  target: number;
  windowDays: number;
}

export interface Team {
  id: string;
  name: string;
  services: ServiceOwnership[];
  /** Slack channel id where the team's incidents are announced. */
  alertChannel?: string;
  snsTopicArn?: string;
  rotations: Rotation[];
  /** Resolved: a named policy reference is replaced by the policy itself. */
  escalationPolicy: EscalationPolicy;
  /** Rotation id (any team's) that supplies the comms lead. */
  commsRotation?: string;
  /** Keyed by the id of a service the team owns. */
  slo?: Record<string, Slo>;
  /** Alarms of this team's that never open an incident (alarm-rules.ts). */
  ignoreAlarms?: IgnoreRule[];
  /** When low-urgency SMS may be sent (urgency.ts); absent: Mon–Fri 09:00–17:00, first rotation's zone. */
  workingHours?: WorkingHours;
  /** Where the team's postmortem action items are synced (core/action-items/trackers.ts). */
  tracker?: TrackerConfig;
  /** How the team's alarms group into incidents (alarm/grouping.ts); absent: `by-service`. */
  grouping?: Grouping;
}

export interface Directory {
  version: 1;
  /** The team that owns services nobody else owns. */
  defaultTeam?: string;
  people: Person[];
  teams: Team[];
  /** Named policies (teams may refer to them by id). */
  escalationPolicies: EscalationPolicy[];
  /** Alarms that never open an incident, whoever owns them (alarm-rules.ts). */
  ignoreAlarms?: IgnoreRule[];
  /** The public status page (status/summary.ts); absent: the page lists no services. */
  statusPage?: StatusPageConfig;
}

/** Which services the public status page shows, under which public names, and which severities count. */
export interface StatusPageConfig {
  /** The page's heading. */
  title?: string;
  /** Open incidents of these severities set a service's state; SEV1–SEV3 unless given. */
  severities: ("SEV1" | "SEV2" | "SEV3" | "SEV4" | "SEV5")[];
  /** `service` is the directory's service id (never shown); `name` is shown. */
  services: { service: string; name: string }[];
}

/** A `ValidationIssue`; from `parseDirectoryYaml`, with the 1-based position in the YAML text. */
export interface DirectoryIssue extends ValidationIssue {
  line?: number;
  column?: number;
}
