/**
 * What a responder needs to know about the alarm behind an incident, kept on the incident
 * (`incident.alarm.context`) and on each later transition's timeline entry: the description and
 * the links in it (runbooks, dashboards), the metric with its threshold, comparison and the value
 * that crossed it, the composite rule and its triggering children, and a link to the alarm in the
 * CloudWatch console.
 *
 * Every part is bounded (ALARM_CONTEXT_LIMITS), so an alarm with a 100 KB description or 500
 * metrics still makes a small item. Text stays text: links are extracted as data (http and https
 * only), never as markup; each renderer escapes for its own medium.
 */
import type { AlarmRef } from "../incident/model";
import type { AlarmState, AlarmTransition } from "./transition";

export const ALARM_CONTEXT_LIMITS = {
  /** Characters of the description kept (the rest is cut, with an ellipsis). */
  description: 2_000,
  reason: 1_000,
  metrics: 5,
  metricText: 300,
  links: 8,
  linkLength: 500,
  linkLabel: 40,
  children: 10,
  rule: 500,
} as const;

export interface AlarmLink {
  /** The word before the link (`Runbook: https://…` → "Runbook"), else the link's host. */
  label: string;
  url: string;
}

export interface AlarmContext {
  type: "metric" | "composite";
  state: AlarmState;
  stateTimestamp: string;
  description?: string;
  links: AlarmLink[];
  reason?: string;
  /** One line per metric (`AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum/60s LoadBalancer=…`). */
  metrics: string[];
  threshold?: number;
  /** `>=`, `>`, `<`, `<=`, or `outside the band` (anomaly detection). */
  comparison?: string;
  /** The newest datapoint the alarm evaluated: the value that crossed the threshold. */
  value?: number;
  /** The anomaly detection band's expression, e.g. `ANOMALY_DETECTION_BAND(m1, 2)`. */
  band?: string;
  composite?: {
    rule: string;
    children: { name: string; state?: AlarmState }[];
    suppressedBy?: string;
  };
  /**
   * The alarm in the CloudWatch console (its partition's console); for an alert from another
   * monitor, where its sender shows it, when the sender said (`source` names the sender).
   */
  consoleUrl?: string;
  /** The sender of an alert from another monitor ("Prometheus Alertmanager"); absent for CloudWatch. */
  source?: string;
  /** The integration key it came through (core/integrations). */
  integration?: { id: string; name: string };
}

/** The link to the alarm where it lives: "CloudWatch alarm", or the sender's ("Prometheus Alertmanager"). */
export function sourceLinkOf(context: Pick<AlarmContext, "consoleUrl" | "source">): AlarmLink | undefined {
  if (!context.consoleUrl) return undefined;
  return { label: context.source ?? "CloudWatch alarm", url: context.consoleUrl };
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** `raw` as a link a renderer can put in markup: http(s), at most linkLength, no space, <, >, ", ', ` or |. */
export function safeUrl(raw: string): string | undefined {
  if (raw.length > ALARM_CONTEXT_LIMITS.linkLength || /[\s<>"'`|]/.test(raw)) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    return /[\s<>"'`|]/.test(url.href) ? undefined : url.href;
  } catch {
    return undefined;
  }
}

const LINK = /(?:([A-Za-z][\w-]{0,38})\s*:\s*)?(https?:\/\/[^\s<>"'`|]+)/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

/** http(s) links in the text, with a label: the word before them, or their host. Bounded. */
export function linksIn(text: string): AlarmLink[] {
  const links: AlarmLink[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(LINK)) {
    if (links.length >= ALARM_CONTEXT_LIMITS.links) break;
    const raw = (match[2] ?? "").replace(TRAILING_PUNCTUATION, "");
    if (raw.length > ALARM_CONTEXT_LIMITS.linkLength) continue;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") continue;
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    const word = match[1]?.trim();
    links.push({ label: cut(word || url.host, ALARM_CONTEXT_LIMITS.linkLabel), url: url.href });
  }
  return links;
}

const COMPARISON_OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: ">=",
  GreaterThanThreshold: ">",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
  LessThanLowerOrGreaterThanUpperThreshold: "outside the band",
  GreaterThanUpperThreshold: "above the band",
  LessThanLowerThreshold: "below the band",
};

/** CloudWatch's reason text, e.g. "… was greater than or equal to the threshold (40.0) …". */
const REASON_COMPARISON: [RegExp, string][] = [
  [/greater than or equal to the threshold/i, ">="],
  [/less than or equal to the threshold/i, "<="],
  [/greater than the threshold/i, ">"],
  [/less than the threshold/i, "<"],
  [
    /greater than the upper thresholds? and less than the lower|outside the band|less than the lower thresholds? or greater than the upper/i,
    "outside the band",
  ],
  [/greater than the upper threshold/i, "above the band"],
  [/less than the lower threshold/i, "below the band"],
];

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The comparison: SNS's ComparisonOperator, else read from the reason text. */
function comparisonOf(t: AlarmTransition): string | undefined {
  if (t.comparisonOperator) return COMPARISON_OPERATORS[t.comparisonOperator] ?? t.comparisonOperator;
  return REASON_COMPARISON.find(([pattern]) => pattern.test(t.reason))?.[1];
}

/** The threshold: reasonData's, SNS's Trigger.Threshold, else "the threshold (40.0)" in the reason. */
function thresholdOf(t: AlarmTransition): number | undefined {
  const fromData = finite(t.reasonData?.threshold);
  if (fromData !== undefined) return fromData;
  if (t.threshold !== undefined) return t.threshold;
  const match = /the threshold \((-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\)/.exec(t.reason);
  return match ? Number(match[1]) : undefined;
}

/**
 * The newest evaluated datapoint: reasonData's evaluatedDatapoints (newest first) or
 * recentDatapoints (oldest first), else the first value in the reason's "[88.0 (02/08/25 03:16:00), …]".
 */
function triggeringValueOf(t: AlarmTransition): number | undefined {
  const evaluated = t.reasonData?.evaluatedDatapoints;
  if (Array.isArray(evaluated)) {
    const newest = evaluated.find((d) => finite((d as { value?: unknown })?.value) !== undefined) as
      | { value: number }
      | undefined;
    if (newest) return newest.value;
  }
  const recent = t.reasonData?.recentDatapoints;
  if (Array.isArray(recent)) {
    const last = finite(recent.at(-1));
    if (last !== undefined) return last;
  }
  const match = /\[(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?) \(/.exec(t.reason);
  return match ? Number(match[1]) : undefined;
}

/** The alarm's page in the CloudWatch console of its partition (commercial, China, GovCloud). */
export function consoleUrlOf(arn: string, region: string, name: string): string {
  const partition = arn.split(":")[1] ?? "aws";
  const host =
    partition === "aws-cn"
      ? `${region}.console.amazonaws.cn`
      : partition === "aws-us-gov"
        ? "console.amazonaws-us-gov.com"
        : `${region}.console.aws.amazon.com`;
  return `https://${host}/cloudwatch/home?region=${encodeURIComponent(region)}#alarmsV2:alarm/${encodeURIComponent(name)}`;
}

/** The sender's links first, then those in the description: unique, bounded. */
function contextLinks(t: AlarmTransition, description: string | undefined): AlarmLink[] {
  const links: AlarmLink[] = [];
  const seen = new Set<string>();
  for (const link of [...(t.external?.links ?? []), ...(description ? linksIn(description) : [])]) {
    if (links.length >= ALARM_CONTEXT_LIMITS.links) break;
    if (seen.has(link.url)) continue;
    seen.add(link.url);
    links.push(link);
  }
  return links;
}

/** The bounded context of one transition. */
export function alarmContextOf(t: AlarmTransition): AlarmContext {
  const description = t.description?.trim();
  const band = t.metrics.find((m) => m.expression?.startsWith("ANOMALY_DETECTION_BAND"))?.expression;
  const threshold = thresholdOf(t);
  const comparison = comparisonOf(t);
  const value = triggeringValueOf(t);
  return {
    type: t.alarmType,
    state: t.state,
    stateTimestamp: t.stateTimestamp,
    ...(description ? { description: cut(description, ALARM_CONTEXT_LIMITS.description) } : {}),
    links: contextLinks(t, description),
    ...(t.reason ? { reason: cut(t.reason, ALARM_CONTEXT_LIMITS.reason) } : {}),
    metrics: t.metrics
      .slice(0, ALARM_CONTEXT_LIMITS.metrics)
      .map((m) => cut(m.text, ALARM_CONTEXT_LIMITS.metricText)),
    ...(threshold === undefined ? {} : { threshold }),
    ...(comparison === undefined ? {} : { comparison }),
    ...(value === undefined ? {} : { value }),
    ...(band ? { band: cut(band, ALARM_CONTEXT_LIMITS.metricText) } : {}),
    ...(t.composite
      ? {
          composite: {
            rule: cut(t.composite.alarmRule, ALARM_CONTEXT_LIMITS.rule),
            children: t.composite.triggeringAlarms
              .slice(0, ALARM_CONTEXT_LIMITS.children)
              .map((c) => ({ name: c.name, ...(c.state ? { state: c.state } : {}) })),
            ...(t.composite.actionsSuppressedBy ? { suppressedBy: t.composite.actionsSuppressedBy } : {}),
          },
        }
      : {}),
    ...(t.external
      ? {
          ...(t.external.sourceUrl ? { consoleUrl: t.external.sourceUrl } : {}),
          source: t.external.sender,
          integration: t.external.integration,
        }
      : { consoleUrl: consoleUrlOf(t.alarmArn, t.region, t.alarmName) }),
  };
}

/** The incident's reference to the alarm that opened it, with that transition's context. */
export function alarmRefOf(t: AlarmTransition): AlarmRef {
  return {
    name: t.alarmName,
    arn: t.alarmArn,
    account: t.account,
    region: t.region,
    context: alarmContextOf(t),
  };
}

/** "HTTPCode_Target_5XX_Count 88 >= 40": the crossing in one line, as far as it is known. */
export function crossingLine(context: AlarmContext): string | undefined {
  if (context.value === undefined && context.threshold === undefined) return undefined;
  const parts = [
    context.value === undefined ? undefined : `value ${context.value}`,
    context.comparison,
    context.threshold === undefined ? undefined : `threshold ${context.threshold}`,
  ].filter(Boolean);
  return parts.join(" ");
}
