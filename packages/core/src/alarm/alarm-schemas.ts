/**
 * The shapes CloudWatch alarm notifications arrive in, as zod schemas: EventBridge's "CloudWatch
 * Alarm State Change", the Lambda alarm action, and the SNS notification (normalise.ts reads them).
 */

import { normaliseTimestamp } from "@firebreak/core/shared/timestamp";
import { convertedString } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import { ALARM_STATES } from "./transition";

export const CLOUDWATCH_SOURCE = "aws.cloudwatch";

export const STATE_CHANGE_DETAIL_TYPE = "CloudWatch Alarm State Change";

export interface ParsedAlarmArn {
  arn: string;
  partition: string;
  region: string;
  account: string;
  /** The alarm name, unencoded: it may contain spaces, unicode and colons. */
  name: string;
}

const ALARM_ARN_PATTERN = /^arn:(aws[-a-z]*):cloudwatch:([a-z]+(?:-[a-z]+)+-\d+):(\d{12}):alarm:(.+)$/u;

/** Parses `arn:aws[-a-z]*:cloudwatch:<region>:<12-digit account>:alarm:<name>`; undefined otherwise. */
export function parseAlarmArn(arn: string): ParsedAlarmArn | undefined {
  const match = ALARM_ARN_PATTERN.exec(arn);
  if (!match) return undefined;
  const [, partition = "", region = "", account = "", name = ""] = match;
  return { arn, partition, region, account, name };
}

// ---------------------------------------------------------------------------------------------
// Schemas (exported for reuse and documentation; their output feeds the mappers below)
// ---------------------------------------------------------------------------------------------

const STATE_CHOICES = ALARM_STATES.join("|");

export const alarmStateSchema = z.enum(ALARM_STATES, {
  error: (issue) =>
    issue.input === undefined
      ? `required (expected one of ${STATE_CHOICES})`
      : `expected one of ${STATE_CHOICES}`,
});

export const alarmTimestampSchema = convertedString(
  normaliseTimestamp,
  (value) =>
    `expected an ISO 8601 timestamp such as 2025-03-14T09:42:13.274+0000, got "${value.slice(0, 64)}"`,
);

export const alarmArnSchema = convertedString(
  parseAlarmArn,
  (value) =>
    `expected a CloudWatch alarm ARN arn:aws:cloudwatch:<region>:<12-digit account>:alarm:<name>, got "${value.slice(0, 300)}"`,
);

const dimensionsSchema = z.record(z.string(), z.string());

export const metricDataQuerySchema = z.object({
  id: z.optional(z.string()),
  metricStat: z.optional(
    z.object({
      metric: z.object({
        namespace: z.optional(z.string()),
        name: z.optional(z.string()),
        dimensions: z.optional(dimensionsSchema),
      }),
      period: z.optional(z.number()),
      stat: z.optional(z.string()),
      unit: z.nullish(z.string()),
    }),
  ),
  expression: z.optional(z.string()),
  label: z.optional(z.string()),
  period: z.optional(z.number()),
  returnData: z.optional(z.boolean()),
});

/** `detail` of the EventBridge event and `alarmData` of the direct Lambda action share this shape. */
export const alarmDetailSchema = z.object({
  alarmName: z.string().check(z.minLength(1)),
  state: z.object({
    value: alarmStateSchema,
    reason: z.optional(z.string()),
    /** A JSON string; parsed leniently later (invalid JSON is dropped, never an error). */
    reasonData: z.optional(z.unknown()),
    timestamp: alarmTimestampSchema,
    actionsSuppressedBy: z.optional(z.string()),
    actionsSuppressedReason: z.optional(z.string()),
  }),
  previousState: z.optional(z.object({ value: alarmStateSchema })),
  configuration: z.optional(
    z.object({
      description: z.nullish(z.string()),
      metrics: z.optional(z.array(metricDataQuerySchema)),
      alarmRule: z.optional(z.string()),
      thresholdMetricId: z.optional(z.string()),
    }),
  ),
  /** With tag propagation on: `{ key: value }` (read leniently by alarm/tags.ts, never an error). */
  alarmTags: z.optional(z.unknown()),
});

export type AlarmDetail = z.output<typeof alarmDetailSchema>;

export type MetricDataQuery = z.output<typeof metricDataQuerySchema>;

/** Just enough of an EventBridge envelope to decide whether the event is ours. */
export const eventBridgeEnvelopeSchema = z.object({
  source: z.string(),
  "detail-type": z.string(),
});

export const eventBridgeAlarmEventSchema = z.object({
  id: z.string().check(z.minLength(1)),
  source: z.literal(CLOUDWATCH_SOURCE),
  "detail-type": z.literal(STATE_CHANGE_DETAIL_TYPE),
  resources: z.tuple([alarmArnSchema], z.unknown()),
  detail: alarmDetailSchema,
});

export const lambdaAlarmActionSchema = z.object({
  source: z.literal(CLOUDWATCH_SOURCE),
  alarmArn: alarmArnSchema,
  alarmData: alarmDetailSchema,
});

export const snsDimensionsSchema = z.array(z.object({ name: z.string(), value: z.string() }));

export const snsMetricDataQuerySchema = z.object({
  Id: z.nullish(z.string()),
  Expression: z.nullish(z.string()),
  Label: z.nullish(z.string()),
  ReturnData: z.nullish(z.boolean()),
  Period: z.nullish(z.number()),
  MetricStat: z.nullish(
    z.object({
      Metric: z.object({
        Namespace: z.nullish(z.string()),
        MetricName: z.nullish(z.string()),
        Dimensions: z.nullish(snsDimensionsSchema),
      }),
      Period: z.nullish(z.number()),
      Stat: z.nullish(z.string()),
      Unit: z.nullish(z.string()),
    }),
  ),
});

export type SnsMetricDataQuery = z.output<typeof snsMetricDataQuerySchema>;

export const snsTriggerSchema = z.object({
  MetricName: z.nullish(z.string()),
  Namespace: z.nullish(z.string()),
  StatisticType: z.nullish(z.string()),
  Statistic: z.nullish(z.string()),
  ExtendedStatistic: z.nullish(z.string()),
  Unit: z.nullish(z.string()),
  Dimensions: z.nullish(snsDimensionsSchema),
  Period: z.nullish(z.number()),
  Metrics: z.nullish(z.array(snsMetricDataQuerySchema)),
  ThresholdMetricId: z.nullish(z.string()),
  ComparisonOperator: z.nullish(z.string()),
  Threshold: z.nullish(z.number()),
});

export type SnsTrigger = z.output<typeof snsTriggerSchema>;

/** The decoded `Sns.Message` of a CloudWatch alarm notification (metric or composite alarm). */
export const snsAlarmMessageSchema = z.object({
  NewStateValue: alarmStateSchema,
  AlarmName: z.string().check(z.minLength(1)),
  AlarmArn: alarmArnSchema,
  StateChangeTime: alarmTimestampSchema,
  OldStateValue: z.nullish(alarmStateSchema),
  NewStateReason: z.nullish(z.string()),
  AlarmDescription: z.nullish(z.string()),
  Trigger: z.nullish(snsTriggerSchema),
  AlarmActions: z.nullish(z.array(z.string())),
  /** With tag propagation on (read leniently by alarm/tags.ts, never an error). */
  AlarmTags: z.nullish(z.unknown()),
  AlarmRule: z.nullish(z.string()),
  /** Documented as strings, sent as `{ Arn, State: { Value, Timestamp } }`: both are read leniently. */
  TriggeringChildren: z.nullish(z.array(z.unknown())),
});

export type SnsAlarmMessage = z.output<typeof snsAlarmMessageSchema>;

/** An SNS notification: the Lambda record's `Sns` object, or the body of an HTTP(S) delivery. */
export const snsNotificationSchema = z.object({
  MessageId: z.string().check(z.minLength(1)),
  Message: z.string(),
});

export const snsRecordSchema = z.object({ Sns: z.unknown() });

export const snsLambdaEventSchema = z.object({
  Records: z.array(z.unknown()).check(z.minLength(1, "expected at least one SNS record")),
});

// ---------------------------------------------------------------------------------------------
// Validation helpers
// ---------------------------------------------------------------------------------------------
