/**
 * Turns a CloudWatch alarm state change, in any of the three formats AWS delivers it, into
 * `AlarmTransition`s:
 *
 * - EventBridge `CloudWatch Alarm State Change` events (other detail types are ignored, not failed);
 * - Lambda SNS events (`Records[].Sns`, one transition per record, `normaliseSnsRecord` for batches);
 * - the direct Lambda alarm action (`{ source, alarmArn, alarmData }`).
 *
 * Liberal where AWS is (unknown fields pass, optional fields may be missing, `null` descriptions),
 * strict where it matters: state values, the alarm ARN and timestamps. A malformed event throws
 * `ValidationError` whose issues name the bad field, e.g. `detail.state.value`.
 */

import { issuesFromZod, ValidationError, type ValidationIssue } from "@firebreak/core/shared/errors";
import { multiLineText, singleLineText } from "@firebreak/core/shared/text";
import { normaliseTimestamp } from "@firebreak/core/shared/timestamp";
import { convertedString } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import { tagsFrom } from "./tags";
import {
  ALARM_STATES,
  type AlarmState,
  type AlarmTransition,
  type AlarmTransitionFormat,
  type MetricSummary,
  type NormaliseResult,
  type TriggeringAlarm,
} from "./transition";

export const CLOUDWATCH_SOURCE = "aws.cloudwatch";
export const STATE_CHANGE_DETAIL_TYPE = "CloudWatch Alarm State Change";

const ACCEPTED_FORMATS =
  'expected an EventBridge "CloudWatch Alarm State Change" event (source, detail-type, detail), ' +
  "a Lambda SNS event (Records[].Sns) or a direct Lambda alarm action (source, alarmArn, alarmData)";

// ---------------------------------------------------------------------------------------------
// Timestamps and ARNs
// ---------------------------------------------------------------------------------------------

// normaliseTimestamp lives in shared/timestamp.ts, so that the on-call directory uses it without
// bundling these alarm schemas.
export { normaliseTimestamp };

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
type AlarmDetail = z.output<typeof alarmDetailSchema>;
type MetricDataQuery = z.output<typeof metricDataQuerySchema>;

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

const snsDimensionsSchema = z.array(z.object({ name: z.string(), value: z.string() }));

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
type SnsMetricDataQuery = z.output<typeof snsMetricDataQuerySchema>;

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
type SnsTrigger = z.output<typeof snsTriggerSchema>;

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
type SnsAlarmMessage = z.output<typeof snsAlarmMessageSchema>;

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

const MAX_ISSUES_IN_MESSAGE = 5;

function fail(what: string, issues: ValidationIssue[]): never {
  const listed = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => `${issue.path}: ${issue.message}`);
  const more =
    issues.length > MAX_ISSUES_IN_MESSAGE ? ` (and ${issues.length - MAX_ISSUES_IN_MESSAGE} more)` : "";
  throw new ValidationError(`Invalid ${what}: ${listed.join("; ")}${more}`, issues);
}

/** zod says "Invalid input: expected string, received undefined"; we say "required (expected string)". */
function readableIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_type" || !issue.message.endsWith("received undefined")) return issue;
  return { ...issue, message: `required (expected ${issue.expected})` };
}

function parseWith<S extends z.core.$ZodType>(
  schema: S,
  input: unknown,
  what: string,
  prefix = "",
): z.output<S> {
  const result = z.safeParse(schema, input);
  if (!result.success) fail(what, issuesFromZod(result.error.issues.map(readableIssue), prefix));
  return result.data;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * How deep `reasonData` may nest. It is stored inside a timeline entry (`data.reasonData`), and
 * DynamoDB stores at most 32 levels in an item: deeper, the event is refused (permanently).
 */
export const MAX_REASON_DATA_DEPTH = 30;

/**
 * Whether JSON text nests objects and arrays deeper than `max`, by a scan that neither parses nor
 * recurses (brackets inside strings do not count).
 */
export function jsonTextDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** Whether a value nests objects and arrays deeper than `max`, walked without recursion. */
export function valueDeeperThan(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/**
 * `reasonData` bounded in depth before anything recurses into it: nested deeper than
 * MAX_REASON_DATA_DEPTH, the event is refused with a ValidationError naming `path`.
 */
function boundedReasonData(value: unknown, path: string): unknown {
  const deep =
    typeof value === "string"
      ? jsonTextDeeperThan(value, MAX_REASON_DATA_DEPTH)
      : valueDeeperThan(value, MAX_REASON_DATA_DEPTH);
  if (!deep) return value;
  fail("alarm event", [
    {
      path,
      message: `nested deeper than ${MAX_REASON_DATA_DEPTH} levels (DynamoDB stores at most 32 levels in an item)`,
    },
  ]);
}

/** Parses a JSON string leniently: anything but a JSON object becomes undefined. */
function parseJsonObject(value: unknown): Record<string, unknown> | undefined {
  if (isPlainObject(value)) return value;
  if (typeof value !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Metric summaries
// ---------------------------------------------------------------------------------------------

type MetricFields = Omit<MetricSummary, "text">;

/** One line for humans, e.g. `m1: AWS/Lambda Errors Sum/60s FunctionName=payments-authorize`. */
export function metricText(metric: MetricFields, options: { withId: boolean; threshold: boolean }): string {
  const statPeriod = [metric.stat, metric.period === undefined ? undefined : `${metric.period}s`]
    .filter((part) => part !== undefined)
    .join("/");
  const dimensions = Object.entries(metric.dimensions).map(([key, value]) => `${key}=${value}`);
  const body =
    metric.expression ??
    [metric.namespace, metric.name, statPeriod, ...dimensions].filter((part) => part).join(" ");
  const parts = [
    options.withId && metric.id ? `${metric.id}:` : undefined,
    body || undefined,
    metric.label ? `"${metric.label}"` : undefined,
    options.threshold ? "(threshold)" : undefined,
  ];
  return parts.filter((part) => part !== undefined).join(" ") || metric.id || "metric";
}

function summarise(metrics: MetricFields[], thresholdMetricId: string | undefined): MetricSummary[] {
  const withId = metrics.length > 1;
  return metrics.map((metric) => ({
    ...metric,
    text: metricText(metric, {
      withId,
      threshold: metric.id !== undefined && metric.id === thresholdMetricId,
    }),
  }));
}

type Defined<T> = { [K in keyof T]?: NonNullable<T[K]> };

/** Copies only the values that are neither undefined nor null, so none reaches storage marshalling. */
function defined<T extends Record<string, unknown>>(fields: T): Defined<T> {
  const out: Defined<T> = {};
  for (const key of Object.keys(fields) as (keyof T)[]) {
    const value = fields[key];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

function metricFromQuery(query: MetricDataQuery): MetricFields {
  const stat = query.metricStat;
  return {
    ...defined({
      id: query.id,
      namespace: stat?.metric.namespace,
      name: stat?.metric.name,
      stat: stat?.stat,
      period: stat?.period ?? query.period,
      expression: query.expression,
      label: query.label,
      returnData: query.returnData,
    }),
    dimensions: { ...(stat?.metric.dimensions ?? {}) },
  };
}

function dimensionsFromSns(dimensions: z.output<typeof snsDimensionsSchema> | null | undefined) {
  return Object.fromEntries((dimensions ?? []).map((dimension) => [dimension.name, dimension.value]));
}

/** SNS spells statistics in upper snake case (`SUM`); the rest of AWS (and we) say `Sum`. */
const SNS_STATISTICS: Record<string, string> = {
  SUM: "Sum",
  AVERAGE: "Average",
  MINIMUM: "Minimum",
  MAXIMUM: "Maximum",
  SAMPLE_COUNT: "SampleCount",
};

function snsStatistic(trigger: SnsTrigger): string | undefined {
  if (trigger.ExtendedStatistic) return trigger.ExtendedStatistic;
  if (!trigger.Statistic) return undefined;
  return SNS_STATISTICS[trigger.Statistic] ?? trigger.Statistic;
}

function metricFromSnsQuery(query: SnsMetricDataQuery): MetricFields {
  const stat = query.MetricStat;
  return {
    ...defined({
      id: query.Id,
      namespace: stat?.Metric.Namespace,
      name: stat?.Metric.MetricName,
      stat: stat?.Stat,
      period: stat?.Period ?? query.Period,
      expression: query.Expression,
      label: query.Label,
      returnData: query.ReturnData,
    }),
    dimensions: dimensionsFromSns(stat?.Metric.Dimensions),
  };
}

function metricsFromSnsTrigger(trigger: SnsTrigger | null | undefined): MetricSummary[] {
  if (!trigger) return [];
  const thresholdMetricId = trigger.ThresholdMetricId ?? undefined;
  if (trigger.Metrics && trigger.Metrics.length > 0) {
    return summarise(trigger.Metrics.map(metricFromSnsQuery), thresholdMetricId);
  }
  if (!trigger.MetricName && !trigger.Namespace) return [];
  const single: MetricFields = {
    ...defined({
      namespace: trigger.Namespace,
      name: trigger.MetricName,
      stat: snsStatistic(trigger),
      period: trigger.Period,
    }),
    dimensions: dimensionsFromSns(trigger.Dimensions),
  };
  return summarise([single], thresholdMetricId);
}

// ---------------------------------------------------------------------------------------------
// Composite alarms
// ---------------------------------------------------------------------------------------------

const lenientChildSchema = z.object({
  arn: z.string(),
  state: z.optional(z.partial(z.object({ value: z.unknown(), timestamp: z.unknown() }))),
});

function isAlarmState(value: unknown): value is AlarmState {
  return typeof value === "string" && (ALARM_STATES as readonly string[]).includes(value);
}

/** A child alarm, or undefined when its ARN is unusable: reason data is informative, never fatal. */
function triggeringAlarm(arn: string, state: unknown, timestamp: unknown): TriggeringAlarm | undefined {
  const parsed = parseAlarmArn(arn);
  if (!parsed) return undefined;
  const iso = typeof timestamp === "string" ? normaliseTimestamp(timestamp) : undefined;
  return {
    arn,
    name: parsed.name,
    ...(isAlarmState(state) ? { state } : {}),
    ...(iso === undefined ? {} : { timestamp: iso }),
  };
}

function compact<T>(items: (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

/** `reasonData.triggeringAlarms` of an EventBridge / Lambda-action composite alarm. */
function triggeringAlarmsFromReasonData(reasonData: Record<string, unknown> | undefined): TriggeringAlarm[] {
  const list = reasonData?.triggeringAlarms;
  if (!Array.isArray(list)) return [];
  return compact(
    list.map((entry: unknown) => {
      const child = lenientChildSchema.safeParse(entry);
      if (!child.success) return undefined;
      return triggeringAlarm(child.data.arn, child.data.state?.value, child.data.state?.timestamp);
    }),
  );
}

const lenientSnsChildSchema = z.union([
  z.string(),
  z.object({
    Arn: z.string(),
    State: z.optional(z.partial(z.object({ Value: z.unknown(), Timestamp: z.unknown() }))),
  }),
]);

/** `TriggeringChildren` of an SNS composite notification: ARN strings or `{ Arn, State }` objects. */
function triggeringAlarmsFromSns(children: unknown[] | null | undefined): TriggeringAlarm[] {
  return compact(
    (children ?? []).map((entry) => {
      const child = lenientSnsChildSchema.safeParse(entry);
      if (!child.success) return undefined;
      if (typeof child.data === "string") return triggeringAlarm(child.data, undefined, undefined);
      return triggeringAlarm(child.data.Arn, child.data.State?.Value, child.data.State?.Timestamp);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Transitions
// ---------------------------------------------------------------------------------------------

/**
 * An alarm's name as text enters Firebreak (shared/text.ts): one line, well-formed (a lone
 * surrogate becomes U+FFFD: it would fail every SMS page of the incident), no control characters.
 * The ARN keeps the name as AWS has it (it is the alarm's identity); a name with nothing left
 * falls back to the ARN's.
 */
function displayName(name: string, arn: ParsedAlarmArn): string {
  const clean = singleLineText(name).trim();
  if (clean !== "") return clean;
  return singleLineText(arn.name).trim() || "unnamed alarm";
}

function transitionFromDetail(
  detail: AlarmDetail,
  arn: ParsedAlarmArn,
  format: AlarmTransitionFormat,
  deliveryId: string,
  detailPath: string,
): AlarmTransition {
  const { state, configuration } = detail;
  const reasonData = parseJsonObject(boundedReasonData(state.reasonData, `${detailPath}.state.reasonData`));
  const alarmRule = configuration?.alarmRule;
  const description = configuration?.description ?? undefined;
  return {
    format,
    deliveryId,
    alarmArn: arn.arn,
    alarmName: displayName(detail.alarmName, arn),
    account: arn.account,
    region: arn.region,
    alarmType: alarmRule === undefined ? "metric" : "composite",
    state: state.value,
    ...(detail.previousState ? { previousState: detail.previousState.value } : {}),
    reason: multiLineText(state.reason ?? ""),
    ...(reasonData ? { reasonData } : {}),
    stateTimestamp: state.timestamp,
    ...(description === undefined ? {} : { description: multiLineText(description) }),
    metrics: summarise((configuration?.metrics ?? []).map(metricFromQuery), configuration?.thresholdMetricId),
    ...defined({ tags: tagsFrom(detail.alarmTags) }),
    ...(alarmRule === undefined
      ? {}
      : {
          composite: {
            alarmRule,
            triggeringAlarms: triggeringAlarmsFromReasonData(reasonData),
            ...defined({
              actionsSuppressedBy: state.actionsSuppressedBy,
              actionsSuppressedReason: state.actionsSuppressedReason,
            }),
          },
        }),
  };
}

function transitionFromSnsMessage(message: SnsAlarmMessage, deliveryId: string): AlarmTransition {
  const arn = message.AlarmArn;
  const alarmRule = message.AlarmRule ?? undefined;
  return {
    format: "sns",
    deliveryId,
    alarmArn: arn.arn,
    alarmName: displayName(message.AlarmName, arn),
    account: arn.account,
    region: arn.region,
    alarmType: alarmRule === undefined ? "metric" : "composite",
    state: message.NewStateValue,
    ...defined({ previousState: message.OldStateValue }),
    reason: multiLineText(message.NewStateReason ?? ""),
    stateTimestamp: message.StateChangeTime,
    ...defined({
      description:
        message.AlarmDescription == null ? message.AlarmDescription : multiLineText(message.AlarmDescription),
    }),
    metrics: metricsFromSnsTrigger(message.Trigger),
    ...defined({
      tags: tagsFrom(message.AlarmTags),
      threshold: Number.isFinite(message.Trigger?.Threshold) ? message.Trigger?.Threshold : undefined,
      comparisonOperator: message.Trigger?.ComparisonOperator
        ? singleLineText(message.Trigger.ComparisonOperator).slice(0, 64)
        : undefined,
      alarmActions: message.AlarmActions?.length
        ? message.AlarmActions.slice(0, 5).map((a) => singleLineText(a).slice(0, 300))
        : undefined,
    }),
    ...(alarmRule === undefined
      ? {}
      : {
          composite: {
            alarmRule,
            triggeringAlarms: triggeringAlarmsFromSns(message.TriggeringChildren),
          },
        }),
  };
}

function normaliseEventBridge(input: Record<string, unknown>): NormaliseResult {
  const envelope = parseWith(eventBridgeEnvelopeSchema, input, "EventBridge event");
  const detailType = envelope["detail-type"];
  if (envelope.source !== CLOUDWATCH_SOURCE || detailType !== STATE_CHANGE_DETAIL_TYPE) {
    return {
      kind: "ignored",
      reason: `ignored EventBridge detail-type "${detailType}" (source "${envelope.source}"): only "${STATE_CHANGE_DETAIL_TYPE}" from ${CLOUDWATCH_SOURCE} is an alarm transition`,
    };
  }
  const event = parseWith(eventBridgeAlarmEventSchema, input, "EventBridge alarm event");
  const transition = transitionFromDetail(
    event.detail,
    event.resources[0],
    "eventbridge",
    event.id,
    "detail",
  );
  return { kind: "transitions", transitions: [transition] };
}

function normaliseLambdaAction(input: Record<string, unknown>): NormaliseResult {
  const action = parseWith(lambdaAlarmActionSchema, input, "Lambda alarm action");
  const { state } = action.alarmData;
  const deliveryId = `lambda:${action.alarmArn.arn}:${state.value}:${state.timestamp}`;
  const transition = transitionFromDetail(
    action.alarmData,
    action.alarmArn,
    "lambda-action",
    deliveryId,
    "alarmData",
  );
  return { kind: "transitions", transitions: [transition] };
}

/**
 * Normalises one SNS notification carrying a CloudWatch alarm message: a Lambda record's `Sns`
 * object or an HTTP(S) notification body (verify its signature first). `path` prefixes issue
 * paths, e.g. `Records[0].Sns`.
 */
export function normaliseSnsNotification(notification: unknown, path = ""): AlarmTransition {
  const what = "SNS alarm notification";
  const sns = parseWith(snsNotificationSchema, notification, what, path);
  const messagePath = path ? `${path}.Message` : "Message";
  const decoded = parseJsonObject(sns.Message);
  if (decoded === undefined) {
    fail(what, [{ path: messagePath, message: "expected a JSON object (a CloudWatch alarm notification)" }]);
  }
  const message = parseWith(snsAlarmMessageSchema, decoded, what, messagePath);
  return transitionFromSnsMessage(message, sns.MessageId);
}

/** Normalises `Records[index]` of a Lambda SNS event; issue paths start with `Records[index]`. */
export function normaliseSnsRecord(record: unknown, index: number): AlarmTransition {
  const path = `Records[${index}]`;
  const { Sns } = parseWith(snsRecordSchema, record, "SNS record", path);
  return normaliseSnsNotification(Sns, `${path}.Sns`);
}

function normaliseSnsEvent(input: Record<string, unknown>): NormaliseResult {
  const event = parseWith(snsLambdaEventSchema, input, "Lambda SNS event");
  return {
    kind: "transitions",
    transitions: event.Records.map((record, index) => normaliseSnsRecord(record, index)),
  };
}

/**
 * Detects the delivery format and normalises it. Returns `ignored` for EventBridge events that are
 * not alarm state changes; throws `ValidationError` naming the bad field for anything malformed.
 */
export function normaliseAlarmEvent(input: unknown): NormaliseResult {
  if (!isPlainObject(input)) {
    fail("alarm event", [{ path: "(root)", message: `${ACCEPTED_FORMATS}, got ${describe(input)}` }]);
  }
  if ("Records" in input) return normaliseSnsEvent(input);
  if ("alarmData" in input || "alarmArn" in input) return normaliseLambdaAction(input);
  if ("detail-type" in input || "detail" in input) return normaliseEventBridge(input);
  fail("alarm event", [{ path: "(root)", message: `${ACCEPTED_FORMATS}; got an object without them` }]);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "undefined";
  return `a ${typeof value}`;
}
