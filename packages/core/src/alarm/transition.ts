/**
 * One normalised alarm state change, whatever format it arrived in (EventBridge, SNS, or the
 * direct Lambda alarm action). Everything downstream works on this type only.
 */
export const ALARM_STATES = ["OK", "ALARM", "INSUFFICIENT_DATA"] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export type AlarmTransitionFormat = "eventbridge" | "sns" | "lambda-action";

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
