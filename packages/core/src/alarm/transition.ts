/**
 * One normalised alarm state change, whatever format it arrived in (EventBridge, SNS, or the
 * direct Lambda alarm action). Everything downstream works on this type only.
 */
export const ALARM_STATES = ["OK", "ALARM", "INSUFFICIENT_DATA"] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export type AlarmTransitionFormat =
  | "eventbridge"
  | "sns"
  | "lambda-action"
  // Alerts from other monitors, through their compatible endpoints (core/integrations).
  | "alertmanager"
  | "pagerduty"
  | "opsgenie"
  // A heartbeat that missed its ping (core/heartbeats).
  | "heartbeat";

/**
 * An alert from another monitor (core/integrations): the integration key it came through and
 * what the sender said beyond a CloudWatch alarm's fields. Its sender resolves it explicitly, so
 * its OK resolves its incident whatever FIREBREAK_AUTO_RESOLVE_ON_OK says.
 */
export interface ExternalSource {
  /** "Prometheus Alertmanager", "PagerDuty Events API", "Opsgenie Alert API", "Firebreak heartbeat". */
  sender: string;
  integration: { id: string; name: string };
  /** The integration key's service and team, used when the alert names none of its own. */
  service?: string;
  team?: string;
  /** The sender's severity, mapped (critical → SEV1 …), used when no severity tag says otherwise. */
  severity?: "SEV1" | "SEV2" | "SEV3" | "SEV4" | "SEV5";
  /** Links the sender gave (runbook_url, links[], images[].href): http(s) only, bounded. */
  links: { label: string; url: string }[];
  /** Where the alert lives at the sender (Alertmanager's generatorURL, PagerDuty's client_url). */
  sourceUrl?: string;
}

export interface MetricSummary {
  /** Metric id inside the alarm (metric-math alarms have several), when known. */
  id?: string;
  namespace?: string;
  name?: string;
  dimensions: Record<string, string>;
  stat?: string;
  period?: number;
  /** A metric-math expression, e.g. `m1/m2*100`, or anomaly band `ANOMALY_DETECTION_BAND(m1, 2)`. */
  expression?: string;
  label?: string;
  returnData?: boolean;
  /** One line for humans: `AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum/60s LoadBalancer=…`. */
  text: string;
}

export interface TriggeringAlarm {
  arn: string;
  name: string;
  state?: AlarmState;
  timestamp?: string;
}

export interface AlarmTransition {
  format: AlarmTransitionFormat;
  /** Set for alerts from other monitors (core/integrations); account and region are then empty. */
  external?: ExternalSource;
  /**
   * Delivery id used for idempotency: the EventBridge envelope `id`, the SNS `MessageId`, or for
   * the direct Lambda action (which has none) `lambda:<arn>:<state>:<stateTimestamp>`.
   */
  deliveryId: string;
  alarmArn: string;
  alarmName: string;
  account: string;
  /** Region code (`eu-west-1`), always taken from the ARN or envelope, never a display name. */
  region: string;
  alarmType: "metric" | "composite";
  state: AlarmState;
  previousState?: AlarmState;
  reason: string;
  /** `reasonData` parsed from its JSON string, when present and valid JSON. */
  reasonData?: Record<string, unknown>;
  /** The alarm's own state-change time, normalised to ISO 8601 UTC with milliseconds (`…Z`). */
  stateTimestamp: string;
  description?: string;
  metrics: MetricSummary[];
  /** The alarm's tags, when CloudWatch propagates them (alarm/tags.ts; bounded, no `aws:` keys). */
  tags?: Record<string, string>;
  /** SNS notifications: the Trigger's Threshold and ComparisonOperator (EventBridge's are in reasonData and the reason). */
  threshold?: number;
  comparisonOperator?: string;
  /** SNS notifications: the alarm's AlarmActions (at most 5 kept). */
  alarmActions?: string[];
  /** Composite alarms: the rule and the child alarms that triggered this transition. */
  composite?: {
    alarmRule: string;
    triggeringAlarms: TriggeringAlarm[];
    actionsSuppressedBy?: string;
    actionsSuppressedReason?: string;
  };
}

/**
 * What the normaliser returns: a transition to ingest, or a deliberate ignore (another detail
 * type, such as `CloudWatch Alarm Configuration Change`), with the reason for the log line.
 * A malformed event throws `ValidationError` naming the bad field.
 */
export type NormaliseResult =
  | { kind: "transitions"; transitions: AlarmTransition[] }
  | { kind: "ignored"; reason: string };
