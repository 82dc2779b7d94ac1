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
import * as z from "@firebreak/core/shared/zod";
import { defined, metricFromQuery, metricsFromSnsTrigger, summarise } from "./alarm-metrics";
import {
  type AlarmDetail,
  CLOUDWATCH_SOURCE,
  eventBridgeAlarmEventSchema,
  eventBridgeEnvelopeSchema,
  lambdaAlarmActionSchema,
  type ParsedAlarmArn,
  parseAlarmArn,
  type SnsAlarmMessage,
  STATE_CHANGE_DETAIL_TYPE,
  snsAlarmMessageSchema,
  snsLambdaEventSchema,
  snsNotificationSchema,
  snsRecordSchema,
} from "./alarm-schemas";
import { tagsFrom } from "./tags";
import {
  ALARM_STATES,
  type AlarmState,
  type AlarmTransition,
  type AlarmTransitionFormat,
  type NormaliseResult,
  type TriggeringAlarm,
} from "./transition";

export { metricText } from "./alarm-metrics";
export * from "./alarm-schemas";

const ACCEPTED_FORMATS =
  'expected an EventBridge "CloudWatch Alarm State Change" event (source, detail-type, detail), ' +
  "a Lambda SNS event (Records[].Sns) or a direct Lambda alarm action (source, alarmArn, alarmData)";

// ---------------------------------------------------------------------------------------------
// Timestamps and ARNs
// ---------------------------------------------------------------------------------------------

// normaliseTimestamp lives in shared/timestamp.ts, so that the on-call directory uses it without
// bundling these alarm schemas.
export { normaliseTimestamp };

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
