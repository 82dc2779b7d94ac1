/**
 * Alarms that never open an incident. Their transitions are recorded and counted (one item per
 * alarm, `IGNORED` / `ALARM#<arn>`, read by `GET /api/alarms/ignored`), never paged:
 *
 * - **auto_scaling** (on by default; FIREBREAK_IGNORE_AUTOSCALING=false turns it off): the alarms
 *   AWS creates for target tracking policies, which change state in normal scaling. They are
 *   named `TargetTracking-<resource>-AlarmHigh|AlarmLow|ProvisionedCapacityHigh|ProvisionedCapacityLow-<uuid>`
 *   and described "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy arn:aws:autoscaling:…";
 *   and step scaling alarms, whose only actions (SNS notifications list them) are scaling policies.
 * - **suppressed**: a composite alarm whose actions are suppressed (`actionsSuppressedBy`:
 *   `WaitPeriod`, `ExtensionPeriod` or `Alarm`, e.g. a maintenance window alarm) does not open an
 *   incident. On an incident it already belongs to, its transition goes on the timeline as usual.
 * - **tag**: an alarm tagged `firebreak:ignore=true`.
 * - **rule**: a rule of the on-call directory (oncall/alarm-rules.ts): the top-level
 *   `ignoreAlarms`, or the owning team's.
 *
 * Only an alarm with no open incident is ignored: an incident it already has goes on recording it.
 */
import { describeRule, type IgnoreRule, ruleMatches } from "../oncall/alarm-rules";
import type { AlarmTransition } from "./transition";

export interface IgnoreSettings {
  /** Ignore AWS-managed auto-scaling alarms (default true). */
  autoScaling: boolean;
}

export const DEFAULT_IGNORE_SETTINGS: IgnoreSettings = { autoScaling: true };

export type IgnoreKind = "auto_scaling" | "suppressed" | "tag" | "rule";

/** Ignore rules from the on-call directory, each with where it comes from ("global" or a team id). */
export interface ScopedIgnoreRule {
  scope: string;
  index: number;
  rule: IgnoreRule;
}

export interface IgnoreDecision {
  kind: IgnoreKind;
  reason: string;
}

/** The tag that makes Firebreak ignore an alarm (value `true`, any case). */
export const IGNORE_TAG = "firebreak:ignore";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const TARGET_TRACKING_NAME = new RegExp(
  `^TargetTracking-.+-(?:AlarmHigh|AlarmLow|ProvisionedCapacityHigh|ProvisionedCapacityLow)-${UUID}$`,
  "i",
);
const TARGET_TRACKING_DESCRIPTION =
  /^DO NOT EDIT OR DELETE\. For TargetTrackingScaling policy arn:aws[\w-]*:autoscaling:/;
const SCALING_POLICY_ACTION = /^arn:aws[\w-]*:autoscaling:[^:]*:\d*:scalingPolicy:/;

function autoScaling(t: AlarmTransition): string | undefined {
  if (TARGET_TRACKING_NAME.test(t.alarmName) || TARGET_TRACKING_DESCRIPTION.test(t.description ?? ""))
    return "an auto-scaling target tracking alarm: it changes state in normal scaling";
  const actions = t.alarmActions ?? [];
  if (actions.length > 0 && actions.every((a) => SCALING_POLICY_ACTION.test(a)))
    return "an auto-scaling alarm: its only actions are scaling policies";
  return undefined;
}

/** Why this transition opens no incident, or undefined when it may. */
export function ignoreDecision(
  t: AlarmTransition,
  settings: IgnoreSettings = DEFAULT_IGNORE_SETTINGS,
  rules: readonly ScopedIgnoreRule[] = [],
): IgnoreDecision | undefined {
  for (const { scope, index, rule } of rules) {
    if (!ruleMatches(rule, t)) continue;
    const where = scope === "global" ? `ignoreAlarms[${index}]` : `team ${scope}'s ignoreAlarms[${index}]`;
    return {
      kind: "rule",
      reason: `${where} (${describeRule(rule)})${rule.reason ? `: ${rule.reason}` : ""}`.slice(0, 500),
    };
  }
  const tagged = Object.entries(t.tags ?? {}).find(([key]) => key.toLowerCase() === IGNORE_TAG);
  if (tagged && tagged[1].trim().toLowerCase() === "true")
    return { kind: "tag", reason: `tagged ${IGNORE_TAG}=true` };
  if (t.composite?.actionsSuppressedBy) {
    const why = t.composite.actionsSuppressedReason ? `: ${t.composite.actionsSuppressedReason}` : "";
    return {
      kind: "suppressed",
      reason:
        `a composite alarm whose actions are suppressed (${t.composite.actionsSuppressedBy})${why}`.slice(
          0,
          500,
        ),
    };
  }
  if (settings.autoScaling) {
    const reason = autoScaling(t);
    if (reason) return { kind: "auto_scaling", reason };
  }
  return undefined;
}
