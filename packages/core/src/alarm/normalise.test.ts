import { existsSync } from "node:fs";
import path from "node:path";
import { ValidationError } from "@firebreak/core/shared/errors";
import { FIXTURES, fixture, fixtureNames, fixturePath, REPO_ROOT } from "@firebreak/testkit/fixtures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  normaliseAlarmEvent,
  normaliseSnsNotification,
  normaliseSnsRecord,
  normaliseTimestamp,
  parseAlarmArn,
} from "./normalise";
import type { AlarmTransition } from "./transition";

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------------------------

/** A fixture from `<repo root>/fixtures` (see fixtures/README.md), parsed afresh. */
function load(file: string): unknown {
  if (!existsSync(fixturePath(file))) throw new Error(`fixture not found: ${fixturePath(file)}`);
  return fixture(file);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object at `keys` inside `root` (test helper: fails loudly when the shape is not there). */
function at(root: unknown, ...keys: (string | number)[]): Json {
  let current: unknown = root;
  for (const key of keys) {
    if (Array.isArray(current) && typeof key === "number") current = current[key];
    else if (isObject(current)) current = current[String(key)];
    else throw new Error(`no object at ${keys.join(".")}`);
  }
  if (!isObject(current)) throw new Error(`no object at ${keys.join(".")}`);
  return current;
}

function one(input: unknown): AlarmTransition {
  const result = normaliseAlarmEvent(input);
  if (result.kind !== "transitions") throw new Error(`expected transitions, got ignored: ${result.reason}`);
  expect(result.transitions).toHaveLength(1);
  const [transition] = result.transitions;
  if (!transition) throw new Error("no transition");
  return transition;
}

function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    if (error instanceof ValidationError) return error;
  }
  throw new Error("expected a ValidationError, but nothing was thrown");
}

/** Asserts that normalising `input` fails on `fieldPath`, named both in the issues and the message. */
function expectInvalid(input: unknown, fieldPath: string, messagePart?: string): ValidationError {
  const error = validationError(() => normaliseAlarmEvent(input));
  expect(error.code).toBe("validation_failed");
  expect(error.issues.map((issue) => issue.path)).toContain(fieldPath);
  expect(error.message).toContain(`${fieldPath}: `);
  if (messagePart) expect(error.message).toContain(messagePart);
  return error;
}

const ACCOUNT = "111122223333";
const REGION = "ap-southeast-2";
const arnOf = (name: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
/** The second account of the fixtures (metric-math and anomaly-detection alarms). */
const OTHER_ACCOUNT = "444455556666";
const OTHER_REGION = "us-west-2";
const otherArnOf = (name: string) => `arn:aws:cloudwatch:${OTHER_REGION}:${OTHER_ACCOUNT}:alarm:${name}`;

const EB_SINGLE_ALARM = "eventbridge/eb-single-metric-ok-to-alarm.json";
const EB_SINGLE_OK = "eventbridge/eb-single-metric-alarm-to-ok.json";
const EB_SINGLE_INSUFFICIENT = "eventbridge/eb-single-metric-ok-to-insufficient-data.json";
const EB_MATH = "eventbridge/eb-metric-math-insufficient-data-to-alarm.json";
const EB_ANOMALY = "eventbridge/eb-anomaly-detection-ok-to-alarm.json";
const EB_COMPOSITE = "eventbridge/eb-composite-ok-to-alarm.json";
const EB_SUPPRESSED = "eventbridge/eb-composite-suppressed-by-alarm.json";
const EB_CONFIG_CHANGE = "edge-cases/eb-configuration-change.json";
const EB_UNICODE = "edge-cases/eb-unicode-name-minimal.json";
const SNS_LAMBDA = "sns/sns-lambda-event-single-metric-alarm.json";
const SNS_DECODED = "sns/sns-alarm-message-single-metric.decoded.json";
const SNS_DECODED_OK = "sns/sns-alarm-message-single-metric-alarm-to-ok.decoded.json";
const SNS_HTTP = "sns/sns-http-notification.body.json";
const SNS_COMPOSITE = "sns/sns-alarm-message-composite.decoded.json";
const SNS_MATH = "sns/sns-alarm-message-metric-math.decoded.json";
const SNS_ANOMALY = "sns/sns-alarm-message-anomaly-detection.decoded.json";
const LAMBDA_ACTION = "lambda-alarm-action/lambda-action-metric-alarm.json";
const LAMBDA_COMPOSITE = "lambda-alarm-action/lambda-action-composite-alarm.json";

/** Wraps a decoded alarm message the way SNS hands it to Lambda. */
function snsEvent(...messages: unknown[]): Json {
  return {
    Records: messages.map((message, index) => ({
      EventSource: "aws:sns",
      EventVersion: "1.0",
      Sns: {
        Type: "Notification",
        MessageId: `msg-${index}`,
        TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:incident-intake`,
        Message: typeof message === "string" ? message : JSON.stringify(message),
        Timestamp: "2025-03-14T09:42:13.336Z",
      },
    })),
  };
}

/** A minimal valid EventBridge state-change event (no optional fields). */
function minimalEventBridge(name = "minimal-alarm"): Json {
  return {
    id: "evt-1",
    source: "aws.cloudwatch",
    "detail-type": "CloudWatch Alarm State Change",
    resources: [arnOf(name)],
    detail: {
      alarmName: name,
      state: { value: "ALARM", reason: "because", timestamp: "2025-03-14T09:42:13.274+0000" },
      configuration: {
        metrics: [
          {
            id: "m1",
            metricStat: {
              metric: { namespace: "Custom/App", name: "QueueDepth" },
              period: 300,
              stat: "Maximum",
            },
            returnData: true,
          },
        ],
      },
    },
  };
}

function findUndefined(value: unknown, trail = "(root)"): string[] {
  if (value === undefined) return [trail];
  if (Array.isArray(value)) return value.flatMap((item, index) => findUndefined(item, `${trail}[${index}]`));
  if (isObject(value))
    return Object.entries(value).flatMap(([key, item]) => findUndefined(item, `${trail}.${key}`));
  return [];
}

const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const LEDGER_5XX_TEXT =
  "AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum/60s LoadBalancer=app/ledger-prod/7e3b91c04d2a8f15 " +
  "TargetGroup=targetgroup/ledger-api/2c4e6a8b0d1f3e57";
const LEDGER_DESCRIPTION =
  "Ledger API target 5xx >= 40/min for 2 consecutive minutes. Runbook: https://runbooks.example.com/ledger/api-5xx";
const LEDGER_ALARM_REASON =
  "Threshold Crossed: 2 out of the last 2 datapoints [88.0 (02/08/25 03:16:00), 73.0 (02/08/25 03:15:00)] was greater than or equal to the threshold (40.0) (minimum 2 datapoints for OK -> ALARM transition).";

// ---------------------------------------------------------------------------------------------
// EventBridge
// ---------------------------------------------------------------------------------------------

describe("normaliseAlarmEvent: EventBridge", () => {
  it("resolves the fixtures folder inside the repository", () => {
    expect(FIXTURES).toBe(path.join(REPO_ROOT, "fixtures"));
    expect(existsSync(path.join(REPO_ROOT, "package.json"))).toBe(true);
    expect(existsSync(path.join(FIXTURES, "README.md"))).toBe(true);
    expect(path.relative(REPO_ROOT, FIXTURES)).toBe("fixtures");
  });

  it("normalises a single-metric OK → ALARM event completely", () => {
    const t = one(load(EB_SINGLE_ALARM));
    expect(t).toStrictEqual({
      format: "eventbridge",
      deliveryId: "3f0b7c1e-52a9-d846-0e7b-a19c4d2f6b83",
      alarmArn: arnOf("ledger-api-5xx-high"),
      alarmName: "ledger-api-5xx-high",
      account: ACCOUNT,
      region: REGION,
      alarmType: "metric",
      state: "ALARM",
      previousState: "OK",
      reason: LEDGER_ALARM_REASON,
      reasonData: {
        version: "1.0",
        queryDate: "2025-08-02T03:17:41.502+0000",
        startDate: "2025-08-02T03:15:00.000+0000",
        statistic: "Sum",
        period: 60,
        recentDatapoints: [73, 88],
        threshold: 40,
        evaluatedDatapoints: [
          { timestamp: "2025-08-02T03:16:00.000+0000", sampleCount: 88, value: 88 },
          { timestamp: "2025-08-02T03:15:00.000+0000", sampleCount: 73, value: 73 },
        ],
      },
      stateTimestamp: "2025-08-02T03:17:41.508Z",
      description: LEDGER_DESCRIPTION,
      metrics: [
        {
          id: "5e8a1c3f-7b2d-4e90-8c16-d4a7b9e2f031",
          namespace: "AWS/ApplicationELB",
          name: "HTTPCode_Target_5XX_Count",
          dimensions: {
            LoadBalancer: "app/ledger-prod/7e3b91c04d2a8f15",
            TargetGroup: "targetgroup/ledger-api/2c4e6a8b0d1f3e57",
          },
          stat: "Sum",
          period: 60,
          returnData: true,
          text: LEDGER_5XX_TEXT,
        },
      ],
    });
  });

  it("normalises a single-metric ALARM → OK event", () => {
    const t = one(load(EB_SINGLE_OK));
    expect(t.deliveryId).toBe("b85e2d40-1c7f-39a6-f4d2-6e0a8b3c5d17");
    expect(t.alarmArn).toBe(arnOf("ledger-api-5xx-high"));
    expect(t.state).toBe("OK");
    expect(t.previousState).toBe("ALARM");
    expect(t.stateTimestamp).toBe("2025-08-02T03:46:09.125Z");
    expect(t.reason).toMatch(/^Threshold Crossed: 2 out of the last 2 datapoints \[6\.0/);
    expect(t.reasonData).toMatchObject({ recentDatapoints: [11, 6], threshold: 40, statistic: "Sum" });
    expect(t.metrics.map((m) => m.text)).toEqual([LEDGER_5XX_TEXT]);
    expect(t.composite).toBeUndefined();
  });

  it("normalises a metric-math alarm with every query as a metric", () => {
    const t = one(load(EB_MATH));
    expect(t).toMatchObject({
      deliveryId: "71c4e8a2-0d9b-5f36-b1e7-c3a5d9f20e48",
      alarmArn: otherArnOf("ingest-worker-error-ratio-high"),
      alarmName: "ingest-worker-error-ratio-high",
      account: OTHER_ACCOUNT,
      region: OTHER_REGION,
      alarmType: "metric",
      state: "ALARM",
      previousState: "INSUFFICIENT_DATA",
      stateTimestamp: "2025-08-02T04:05:31.447Z",
      description: "Error ratio of the ingest-worker Lambda above 2.5% (Errors / Invocations)",
      reasonData: { recentDatapoints: [7.8], threshold: 2.5, period: 60 },
    });
    expect(t.metrics).toStrictEqual([
      {
        id: "e1",
        expression: "100 * (m1 / m2)",
        label: "Error ratio (%)",
        returnData: true,
        dimensions: {},
        text: 'e1: 100 * (m1 / m2) "Error ratio (%)"',
      },
      {
        id: "m1",
        namespace: "AWS/Lambda",
        name: "Errors",
        stat: "Sum",
        period: 60,
        returnData: false,
        dimensions: { FunctionName: "ingest-worker" },
        text: "m1: AWS/Lambda Errors Sum/60s FunctionName=ingest-worker",
      },
      {
        id: "m2",
        namespace: "AWS/Lambda",
        name: "Invocations",
        stat: "Sum",
        period: 60,
        returnData: false,
        dimensions: { FunctionName: "ingest-worker" },
        text: "m2: AWS/Lambda Invocations Sum/60s FunctionName=ingest-worker",
      },
    ]);
  });

  it("normalises an anomaly-detection alarm with its band expression", () => {
    const t = one(load(EB_ANOMALY));
    expect(t).toMatchObject({
      deliveryId: "e9d2b6f1-4a83-07c5-d2e9-5f1b7a3c9e60",
      alarmName: "payments-queue-age-anomaly",
      alarmArn: otherArnOf("payments-queue-age-anomaly"),
      account: OTHER_ACCOUNT,
      region: OTHER_REGION,
      state: "ALARM",
      previousState: "OK",
      stateTimestamp: "2025-08-02T05:10:12.903Z",
      reasonData: {
        period: 300,
        recentDatapoints: [1843],
        recentLowerThresholds: [0],
        recentUpperThresholds: [412.6],
      },
    });
    expect(t.metrics.map((m) => m.text)).toEqual([
      "m1: AWS/SQS ApproximateAgeOfOldestMessage Maximum/300s QueueName=payments-settlement",
      'ad1: ANOMALY_DETECTION_BAND(m1, 3) "ApproximateAgeOfOldestMessage (expected)"',
    ]);
    expect(t.metrics[1]).toMatchObject({ id: "ad1", expression: "ANOMALY_DETECTION_BAND(m1, 3)" });
  });

  it("marks the threshold metric when configuration.thresholdMetricId is present", () => {
    const event = load(EB_ANOMALY);
    at(event, "detail", "configuration").thresholdMetricId = "ad1";
    const t = one(event);
    expect(t.metrics[1]?.text).toBe(
      'ad1: ANOMALY_DETECTION_BAND(m1, 3) "ApproximateAgeOfOldestMessage (expected)" (threshold)',
    );
    expect(t.metrics[0]?.text).not.toContain("(threshold)");
  });

  it("normalises a composite alarm with its triggering children", () => {
    const t = one(load(EB_COMPOSITE));
    expect(t).toMatchObject({
      deliveryId: "5a7f3e09-c2d8-b461-9e3a-07d5f1b8c2e4",
      alarmArn: arnOf("ledger-degraded"),
      alarmName: "ledger-degraded",
      alarmType: "composite",
      state: "ALARM",
      previousState: "OK",
      stateTimestamp: "2025-08-02T03:17:42.066Z",
      description: "Ledger API failing and slow at once: page the ledger on-call.",
      metrics: [],
    });
    expect(t.composite).toStrictEqual({
      alarmRule: 'ALARM("ledger-api-5xx-high") AND ALARM("ledger-api-p95-latency-high")',
      triggeringAlarms: [
        {
          arn: arnOf("ledger-api-5xx-high"),
          name: "ledger-api-5xx-high",
          state: "ALARM",
          timestamp: "2025-08-02T03:17:41.508Z",
        },
        {
          arn: arnOf("ledger-api-p95-latency-high"),
          name: "ledger-api-p95-latency-high",
          state: "ALARM",
          timestamp: "2025-08-02T03:12:57.391Z",
        },
      ],
    });
  });

  it("keeps the suppression of a composite alarm (suppressed by another alarm)", () => {
    const t = one(load(EB_SUPPRESSED));
    expect(t.alarmType).toBe("composite");
    expect(t.composite).toMatchObject({
      actionsSuppressedBy: "Alarm",
      actionsSuppressedReason: `Actions suppressed by alarm ${arnOf("ledger-maintenance-window")}`,
      triggeringAlarms: [{ name: "ledger-api-5xx-high", state: "ALARM" }],
    });
  });

  it.each(["WaitPeriod", "ExtensionPeriod", "Alarm"])("keeps actionsSuppressedBy %s", (suppressor) => {
    const event = load(EB_COMPOSITE);
    const state = at(event, "detail", "state");
    state.actionsSuppressedBy = suppressor;
    state.actionsSuppressedReason = `Actions suppressed by ${suppressor}`;
    const t = one(event);
    expect(t.composite?.actionsSuppressedBy).toBe(suppressor);
    expect(t.composite?.actionsSuppressedReason).toBe(`Actions suppressed by ${suppressor}`);
  });

  it("leaves the suppression fields out when the composite alarm is not suppressed", () => {
    const t = one(load(EB_COMPOSITE));
    expect(t.composite).not.toHaveProperty("actionsSuppressedBy");
    expect(t.composite).not.toHaveProperty("actionsSuppressedReason");
  });

  it("gives a composite alarm without reasonData no triggering alarms, and skips unusable children", () => {
    const event = load(EB_COMPOSITE);
    const state = at(event, "detail", "state");
    delete state.reasonData;
    expect(one(event).composite?.triggeringAlarms).toEqual([]);

    state.reasonData = JSON.stringify({
      triggeringAlarms: [
        { arn: "not-an-arn" },
        { arn: arnOf("child one"), state: { value: "BOGUS", timestamp: "yesterday" } },
        "a string",
      ],
    });
    expect(one(event).composite?.triggeringAlarms).toStrictEqual([
      { arn: arnOf("child one"), name: "child one" },
    ]);
  });

  it("ignores a configuration-change event, naming its detail-type", () => {
    const event = load(EB_CONFIG_CHANGE);
    expect(at(event, "detail").operation).toBe("update");
    const result = normaliseAlarmEvent(event);
    expect(result.kind).toBe("ignored");
    if (result.kind === "ignored") expect(result.reason).toContain('"CloudWatch Alarm Configuration Change"');
  });

  it("normalises an OK → INSUFFICIENT_DATA event whose state has no reasonData", () => {
    const event = load(EB_SINGLE_INSUFFICIENT);
    expect(at(event, "detail", "state")).not.toHaveProperty("reasonData");
    const t = one(event);
    expect(t).toMatchObject({
      deliveryId: "d61a9f03-7e2b-c45d-8a90-2b4f6c8e0d35",
      alarmArn: arnOf("ledger-api-5xx-high"),
      state: "INSUFFICIENT_DATA",
      previousState: "OK",
      reason: "Insufficient Data: 2 datapoints were unknown.",
      stateTimestamp: "2025-08-02T06:20:03.880Z",
    });
    expect(t).not.toHaveProperty("reasonData");
    expect(t.metrics.map((m) => m.text)).toEqual([LEDGER_5XX_TEXT]);
  });

  it("keeps an unencoded unicode name from resources[0] and leaves the missing optional fields out", () => {
    const name = "Zahlungen: Fehlerquote ≥ 5 % – 決済 エラー率 🚨";
    const t = one(load(EB_UNICODE));
    expect(t).toStrictEqual({
      format: "eventbridge",
      deliveryId: "8b3d1f75-6e0c-a942-1d7f-b5e9c3a0f286",
      alarmArn: arnOf(name),
      alarmName: name,
      account: ACCOUNT,
      region: REGION,
      alarmType: "metric",
      state: "ALARM",
      reason:
        "Threshold Crossed: 1 out of the last 1 datapoint [9.0 (02/08/25 08:30:00)] was greater than the threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition).",
      stateTimestamp: "2025-08-02T08:31:26.040Z",
      metrics: [
        {
          id: "m1",
          namespace: "Firebreak/Payments",
          name: "FailedCharges",
          stat: "Sum",
          period: 60,
          returnData: true,
          dimensions: {},
          text: "Firebreak/Payments FailedCharges Sum/60s",
        },
      ],
    });
  });

  it("ignores events from another source", () => {
    const result = normaliseAlarmEvent({
      id: "x",
      source: "aws.ec2",
      "detail-type": "EC2 Instance State-change Notification",
      detail: { state: "running" },
    });
    expect(result).toEqual({ kind: "ignored", reason: expect.stringContaining("aws.ec2") });
    if (result.kind === "ignored") expect(result.reason).toContain("EC2 Instance State-change Notification");
  });

  it("allows unknown extra fields everywhere", () => {
    const event = load(EB_MATH);
    at(event).extra = { nested: true };
    at(event, "detail").newTopLevelThing = 1;
    at(event, "detail", "state").evaluationState = "PARTIAL_DATA";
    at(event, "detail", "configuration", "metrics", 1).futureField = [1, 2];
    expect(one(event).metrics).toHaveLength(3);
  });

  it("transitions never carry undefined values (DynamoDB marshalling refuses them)", () => {
    for (const file of [
      EB_SINGLE_ALARM,
      EB_SINGLE_OK,
      EB_SINGLE_INSUFFICIENT,
      EB_MATH,
      EB_ANOMALY,
      EB_COMPOSITE,
      EB_SUPPRESSED,
      EB_UNICODE,
    ]) {
      expect(findUndefined(one(load(file))), file).toEqual([]);
    }
    expect(findUndefined(one(minimalEventBridge()))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// SNS
// ---------------------------------------------------------------------------------------------

describe("normaliseAlarmEvent: Lambda SNS event", () => {
  const expectedSnsTransition: AlarmTransition = {
    format: "sns",
    deliveryId: "a4c81e2f-6b0d-5937-8e1f-c2a4b6d8f0e3",
    alarmArn: arnOf("ledger-api-5xx-high"),
    alarmName: "ledger-api-5xx-high",
    account: ACCOUNT,
    region: REGION,
    alarmType: "metric",
    state: "ALARM",
    previousState: "OK",
    reason: LEDGER_ALARM_REASON,
    stateTimestamp: "2025-08-02T03:17:41.508Z",
    description: LEDGER_DESCRIPTION,
    metrics: [
      {
        namespace: "AWS/ApplicationELB",
        name: "HTTPCode_Target_5XX_Count",
        stat: "Sum",
        period: 60,
        dimensions: {
          LoadBalancer: "app/ledger-prod/7e3b91c04d2a8f15",
          TargetGroup: "targetgroup/ledger-api/2c4e6a8b0d1f3e57",
        },
        text: LEDGER_5XX_TEXT,
      },
    ],
    // Dropped before: the Trigger's threshold and comparison, and the alarm's actions.
    threshold: 40,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    alarmActions: ["arn:aws:sns:ap-southeast-2:111122223333:firebreak-alarms"],
  };

  it("normalises the Lambda SNS event fixture (region from the ARN, not the display name)", () => {
    expect(one(load(SNS_LAMBDA))).toStrictEqual(expectedSnsTransition);
  });

  it("normalises the decoded message fixture wrapped in a Lambda SNS event", () => {
    const t = one(snsEvent(load(SNS_DECODED)));
    expect(t).toStrictEqual({ ...expectedSnsTransition, deliveryId: "msg-0" });
  });

  it("agrees with the EventBridge event for the same transition", () => {
    const fromSns = one(load(SNS_LAMBDA));
    const fromEventBridge = one(load(EB_SINGLE_ALARM));
    for (const key of [
      "alarmArn",
      "alarmName",
      "account",
      "region",
      "alarmType",
      "state",
      "previousState",
      "reason",
      "stateTimestamp",
      "description",
    ] as const) {
      expect(fromSns[key], key).toEqual(fromEventBridge[key]);
    }
    expect(fromSns.metrics.map((m) => m.text)).toEqual(fromEventBridge.metrics.map((m) => m.text));
  });

  it("agrees with the EventBridge event for the ALARM → OK transition too", () => {
    const fromSns = one(snsEvent(load(SNS_DECODED_OK)));
    const fromEventBridge = one(load(EB_SINGLE_OK));
    expect(fromSns).toMatchObject({ state: "OK", previousState: "ALARM" });
    for (const key of ["alarmArn", "region", "state", "previousState", "reason", "stateTimestamp"] as const) {
      expect(fromSns[key], key).toEqual(fromEventBridge[key]);
    }
  });

  it("normalises an HTTP(S) notification body with normaliseSnsNotification", () => {
    const t = normaliseSnsNotification(load(SNS_HTTP));
    expect(t).toStrictEqual(expectedSnsTransition);
  });

  it("returns one transition per record, each with its own MessageId", () => {
    const result = normaliseAlarmEvent(snsEvent(load(SNS_DECODED), load(SNS_COMPOSITE)));
    if (result.kind !== "transitions") throw new Error("expected transitions");
    expect(result.transitions.map((t) => [t.deliveryId, t.alarmName, t.alarmType])).toEqual([
      ["msg-0", "ledger-api-5xx-high", "metric"],
      ["msg-1", "ledger-degraded", "composite"],
    ]);
  });

  it("normalises a composite alarm notification (AlarmRule and TriggeringChildren, no Trigger)", () => {
    const t = one(snsEvent(load(SNS_COMPOSITE)));
    expect(t).toMatchObject({
      format: "sns",
      alarmArn: arnOf("ledger-degraded"),
      alarmName: "ledger-degraded",
      alarmType: "composite",
      state: "ALARM",
      previousState: "OK",
      stateTimestamp: "2025-08-02T03:17:42.066Z",
      metrics: [],
    });
    expect(t).not.toHaveProperty("description"); // AlarmDescription: null
    expect(t.composite).toStrictEqual({
      alarmRule: 'ALARM("ledger-api-5xx-high") AND ALARM("ledger-api-p95-latency-high")',
      triggeringAlarms: [
        {
          arn: arnOf("ledger-api-5xx-high"),
          name: "ledger-api-5xx-high",
          state: "ALARM",
          timestamp: "2025-08-02T03:17:41.508Z",
        },
        {
          arn: arnOf("ledger-api-p95-latency-high"),
          name: "ledger-api-p95-latency-high",
          state: "ALARM",
          timestamp: "2025-08-02T03:12:57.391Z",
        },
      ],
    });
  });

  it("accepts TriggeringChildren as plain ARN strings (the documented form) or missing", () => {
    const message = at(load(SNS_COMPOSITE));
    message.TriggeringChildren = [arnOf("child: with colon"), 42];
    expect(one(snsEvent(message)).composite?.triggeringAlarms).toStrictEqual([
      { arn: arnOf("child: with colon"), name: "child: with colon" },
    ]);
    delete message.TriggeringChildren;
    expect(one(snsEvent(message)).composite?.triggeringAlarms).toEqual([]);
  });

  it("normalises a metric-math notification (Trigger.Metrics[])", () => {
    const t = one(snsEvent(load(SNS_MATH)));
    expect(t).toMatchObject({
      alarmName: "ingest-worker-error-ratio-high",
      account: OTHER_ACCOUNT,
      region: OTHER_REGION, // from AlarmArn: Region is "US West (Oregon)"
      state: "ALARM",
      previousState: "INSUFFICIENT_DATA",
      stateTimestamp: "2025-08-02T04:05:31.447Z",
    });
    expect(t.metrics.map((m) => m.text)).toEqual([
      'e1: 100 * (m1 / m2) "Error ratio (%)"',
      "m1: AWS/Lambda Errors Sum/60s FunctionName=ingest-worker",
      "m2: AWS/Lambda Invocations Sum/60s FunctionName=ingest-worker",
    ]);
    expect(t.metrics[1]).toStrictEqual(one(load(EB_MATH)).metrics[1]);
  });

  it("normalises an anomaly-detection notification and marks ThresholdMetricId", () => {
    const t = one(snsEvent(load(SNS_ANOMALY)));
    expect(t.metrics.map((m) => m.text)).toEqual([
      "m1: AWS/SQS ApproximateAgeOfOldestMessage Maximum/300s QueueName=payments-settlement",
      'ad1: ANOMALY_DETECTION_BAND(m1, 3) "ApproximateAgeOfOldestMessage (expected)" (threshold)',
    ]);
  });

  it("maps SNS statistics to CloudWatch names and keeps extended statistics", () => {
    const message = at(load(SNS_DECODED));
    at(message, "Trigger").Statistic = "SAMPLE_COUNT";
    expect(one(snsEvent(message)).metrics[0]?.stat).toBe("SampleCount");
    Object.assign(at(message, "Trigger"), {
      StatisticType: "ExtendedStatistic",
      Statistic: null,
      ExtendedStatistic: "p99",
    });
    expect(one(snsEvent(message)).metrics[0]?.text).toContain(" p99/60s ");
  });

  it("treats a null AlarmDescription, missing OldStateValue and missing Trigger as absent", () => {
    const message = at(load(SNS_DECODED));
    message.AlarmDescription = null;
    delete message.OldStateValue;
    delete message.Trigger;
    const t = one(snsEvent(message));
    expect(t).not.toHaveProperty("description");
    expect(t).not.toHaveProperty("previousState");
    expect(t.metrics).toEqual([]);
    expect(findUndefined(t)).toEqual([]);
  });

  it("rejects a record whose Message is not an alarm notification, naming the field", () => {
    const error = expectInvalid(
      snsEvent({ hello: "world" }),
      "Records[0].Sns.Message.NewStateValue",
      "required",
    );
    expect(error.issues.map((i) => i.path)).toContain("Records[0].Sns.Message.AlarmArn");
  });

  it("rejects a record whose Message is not JSON", () => {
    expectInvalid(snsEvent("plain text, not JSON"), "Records[0].Sns.Message", "JSON");
  });

  it("names the failing record in a batch", () => {
    const bad = at(load(SNS_DECODED));
    bad.NewStateValue = "FIRING";
    expectInvalid(
      snsEvent(load(SNS_DECODED), bad),
      "Records[1].Sns.Message.NewStateValue",
      "expected one of OK|ALARM|INSUFFICIENT_DATA",
    );
  });

  it("rejects an SNS event without records, or a record without Sns", () => {
    expectInvalid({ Records: [] }, "Records", "at least one");
    expectInvalid({ Records: [{ EventSource: "aws:sns" }] }, "Records[0].Sns");
    expectInvalid({ Records: "nope" }, "Records");
  });

  it("rejects a bad AlarmArn and StateChangeTime inside the message", () => {
    const message = at(load(SNS_DECODED));
    message.AlarmArn = "arn:aws:sns:ap-southeast-2:111122223333:firebreak-alarms";
    message.StateChangeTime = "Friday";
    const error = expectInvalid(snsEvent(message), "Records[0].Sns.Message.AlarmArn", "CloudWatch alarm ARN");
    expect(error.issues.map((i) => i.path)).toContain("Records[0].Sns.Message.StateChangeTime");
  });
});

describe("normaliseSnsRecord", () => {
  it("normalises one record of a batch on its own", () => {
    const event = load(SNS_LAMBDA);
    const record = at(event, "Records", 0);
    expect(normaliseSnsRecord(record, 0)).toStrictEqual(one(event));
  });

  it("uses the index it is given in issue paths", () => {
    const [record] = snsEvent({ NewStateValue: "ALARM" }).Records as unknown[];
    const error = validationError(() => normaliseSnsRecord(record, 7));
    expect(error.issues.map((i) => i.path)).toContain("Records[7].Sns.Message.AlarmArn");
    expect(error.message).toContain("Records[7].Sns.Message.AlarmArn: ");
  });

  it("rejects a record that is not an object", () => {
    const error = validationError(() => normaliseSnsRecord("nope", 2));
    expect(error.issues[0]?.path).toBe("Records[2]");
  });
});

// ---------------------------------------------------------------------------------------------
// Direct Lambda alarm action
// ---------------------------------------------------------------------------------------------

describe("normaliseAlarmEvent: direct Lambda alarm action", () => {
  it("normalises the metric alarm fixture with a synthetic delivery id", () => {
    const t = one(load(LAMBDA_ACTION));
    const fromEventBridge = one(load(EB_SINGLE_ALARM));
    expect(t).toStrictEqual({
      ...fromEventBridge,
      format: "lambda-action",
      deliveryId: `lambda:${arnOf("ledger-api-5xx-high")}:ALARM:2025-08-02T03:17:41.508Z`,
    });
    expect(t.reasonData).toMatchObject({ threshold: 40, recentDatapoints: [73, 88] });
  });

  it("normalises a composite alarm action", () => {
    const t = one(load(LAMBDA_COMPOSITE));
    expect(t).toMatchObject({
      format: "lambda-action",
      deliveryId: `lambda:${arnOf("ledger-degraded")}:ALARM:2025-08-02T03:17:42.066Z`,
      alarmType: "composite",
      previousState: "OK",
      composite: {
        triggeringAlarms: [
          { name: "ledger-api-5xx-high", state: "ALARM" },
          { name: "ledger-api-p95-latency-high", state: "ALARM" },
        ],
      },
    });
    expect(t).toStrictEqual({
      ...one(load(EB_COMPOSITE)),
      format: "lambda-action",
      deliveryId: t.deliveryId,
    });
  });

  it("rejects a bad alarmArn, naming it", () => {
    const event = at(load(LAMBDA_ACTION));
    event.alarmArn = "arn:aws:cloudwatch:ap-southeast-2:1111222233:alarm:short-account";
    expectInvalid(event, "alarmArn", "12-digit account");
  });

  it("rejects another source and a missing state", () => {
    const event = at(load(LAMBDA_ACTION));
    event.source = "aws.events";
    delete at(event, "alarmData").state;
    const error = expectInvalid(event, "source");
    expect(error.issues.map((i) => i.path)).toContain("alarmData.state");
  });
});

// ---------------------------------------------------------------------------------------------
// Edge cases
// ---------------------------------------------------------------------------------------------

describe("normaliseAlarmEvent: edge cases", () => {
  it("passes unicode alarm names with spaces and colons through untouched", () => {
    const name = "Zahlungsdienst: Fehlerquote ≥ 5 % 🚨 – 決済 エラー率";
    const t = one(minimalEventBridge(name));
    expect(t.alarmName).toBe(name);
    expect(t.alarmArn).toBe(arnOf(name));
    expect(t.account).toBe(ACCOUNT);
    expect(t.region).toBe(REGION);
  });

  it("passes a 255-character alarm name through untouched", () => {
    const name = "prod: checkout/api ünïcödé ".padEnd(255, "x");
    expect(name).toHaveLength(255);
    const t = one(minimalEventBridge(name));
    expect(t.alarmName).toBe(name);
    expect(t.alarmArn).toBe(arnOf(name));
    expect(parseAlarmArn(t.alarmArn)?.name).toBe(name);
  });

  it("passes a 1024-character unicode description through untouched", () => {
    const description = "Läuft über — see https://runbooks.example.internal/ 🧯\n".repeat(40).slice(0, 1024);
    expect(description).toHaveLength(1024);
    const event = minimalEventBridge();
    at(event, "detail", "configuration").description = description;
    expect(one(event).description).toBe(description);
  });

  it("leaves out every optional field that is missing", () => {
    const t = one(minimalEventBridge());
    expect(t).toStrictEqual({
      format: "eventbridge",
      deliveryId: "evt-1",
      alarmArn: arnOf("minimal-alarm"),
      alarmName: "minimal-alarm",
      account: ACCOUNT,
      region: REGION,
      alarmType: "metric",
      state: "ALARM",
      reason: "because",
      stateTimestamp: "2025-03-14T09:42:13.274Z",
      metrics: [
        {
          id: "m1",
          namespace: "Custom/App",
          name: "QueueDepth",
          stat: "Maximum",
          period: 300,
          returnData: true,
          dimensions: {},
          text: "Custom/App QueueDepth Maximum/300s",
        },
      ],
    });
  });

  it("accepts a missing configuration and a missing reason", () => {
    const event = minimalEventBridge();
    delete at(event, "detail").configuration;
    delete at(event, "detail", "state").reason;
    const t = one(event);
    expect(t.metrics).toEqual([]);
    expect(t.reason).toBe("");
  });

  it.each([
    ["not JSON", "{oops"],
    ["a JSON array", "[1,2,3]"],
    ["a JSON string", '"text"'],
    ["a number", 42],
  ])("drops reasonData that is %s without failing", (_label, reasonData) => {
    const event = load(EB_SINGLE_ALARM);
    at(event, "detail", "state").reasonData = reasonData;
    const t = one(event);
    expect(t).not.toHaveProperty("reasonData");
    expect(t.state).toBe("ALARM");
  });

  it.each([
    ["2025-03-14T09:42:13.274+0000", "2025-03-14T09:42:13.274Z"],
    ["2025-03-14T09:42:13.274+00:00", "2025-03-14T09:42:13.274Z"],
    ["2025-03-14T09:42:13.274Z", "2025-03-14T09:42:13.274Z"],
    ["2025-03-14T09:42:13Z", "2025-03-14T09:42:13.000Z"],
    ["2025-03-14T09:42:13.2Z", "2025-03-14T09:42:13.200Z"],
    ["2025-03-14T09:42:13.274999+0000", "2025-03-14T09:42:13.274Z"],
    ["2025-03-14T15:12:13.274+0530", "2025-03-14T09:42:13.274Z"],
    ["2025-03-14T01:42:13.274-08:00", "2025-03-14T09:42:13.274Z"],
    ["2025-03-15T00:42:13.274+15", "2025-03-14T09:42:13.274Z"],
    ["2025-01-01T00:30:00.000+0100", "2024-12-31T23:30:00.000Z"],
    ["2024-02-29T12:00:00.000Z", "2024-02-29T12:00:00.000Z"],
  ])("normalises timestamp %s to %s", (input, expected) => {
    expect(normaliseTimestamp(input)).toBe(expected);
    const event = minimalEventBridge();
    at(event, "detail", "state").timestamp = input;
    expect(one(event).stateTimestamp).toBe(expected);
  });

  it.each([
    "2025-02-29T00:00:00.000Z",
    "2025-03-14T24:00:00.000Z",
    "2025-03-14T09:60:00.000Z",
    "2025-13-01T00:00:00.000Z",
    "2025-03-14T09:42:13.274",
    "2025-03-14 09:42:13.274+0000",
    "14/03/2025 09:42",
    "2025-03-14T09:42:13.274+2500",
    "1969-12-31T23:59:59.000Z",
    "",
  ])("rejects timestamp %j, naming detail.state.timestamp", (input) => {
    expect(normaliseTimestamp(input)).toBeUndefined();
    const event = minimalEventBridge();
    at(event, "detail", "state").timestamp = input;
    expectInvalid(event, "detail.state.timestamp", "ISO 8601");
  });

  it("rejects a missing detail.state.value", () => {
    const event = load(EB_SINGLE_ALARM);
    delete at(event, "detail", "state").value;
    expectInvalid(event, "detail.state.value", "required");
  });

  it("rejects a bad state value with the accepted ones", () => {
    const event = load(EB_SINGLE_ALARM);
    at(event, "detail", "state").value = "alarm";
    const error = expectInvalid(event, "detail.state.value");
    expect(error.message).toContain("detail.state.value: expected one of OK|ALARM|INSUFFICIENT_DATA");
  });

  it("rejects a bad previousState value", () => {
    const event = load(EB_SINGLE_ALARM);
    at(event, "detail", "previousState").value = "PENDING";
    expectInvalid(event, "detail.previousState.value", "expected one of OK|ALARM|INSUFFICIENT_DATA");
  });

  it.each([
    ["an SNS topic ARN", "arn:aws:sns:eu-west-1:210987654321:incident-intake"],
    ["an 11-digit account", "arn:aws:cloudwatch:eu-west-1:21098765432:alarm:x"],
    ["no name", "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:"],
    ["another partition prefix", "arn:azure:cloudwatch:eu-west-1:210987654321:alarm:x"],
    ["no region", "arn:aws:cloudwatch::210987654321:alarm:x"],
    ["not an ARN", "checkout-api-5xx-high"],
  ])("rejects resources[0] with %s", (_label, arn) => {
    const event = load(EB_SINGLE_ALARM);
    at(event).resources = [arn];
    expectInvalid(event, "resources[0]", "CloudWatch alarm ARN");
  });

  it("rejects missing resources and a missing detail", () => {
    const noResources = at(load(EB_SINGLE_ALARM));
    delete noResources.resources;
    expectInvalid(noResources, "resources");
    const noDetail = at(load(EB_SINGLE_ALARM));
    delete noDetail.detail;
    expectInvalid(noDetail, "detail");
  });

  it("lists every bad field of one event", () => {
    const event = load(EB_SINGLE_ALARM);
    const state = at(event, "detail", "state");
    state.value = 1;
    state.timestamp = "soon";
    at(event).id = "";
    const error = expectInvalid(event, "detail.state.value");
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      "detail.state.timestamp",
      "detail.state.value",
      "id",
    ]);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["a string", "{}"],
    ["an array", [load(EB_SINGLE_ALARM)]],
    ["an unrelated object", { hello: "world" }],
    ["an SNS HTTP body (verify and use normaliseSnsNotification instead)", load(SNS_HTTP)],
  ])("rejects %s, listing the accepted formats", (_label, input) => {
    expectInvalid(input, "(root)", "expected an EventBridge");
  });

  it("accepts ARNs of other partitions and regions, and names with colons", () => {
    expect(parseAlarmArn("arn:aws-us-gov:cloudwatch:us-gov-west-1:123456789012:alarm:a:b:c")).toEqual({
      arn: "arn:aws-us-gov:cloudwatch:us-gov-west-1:123456789012:alarm:a:b:c",
      partition: "aws-us-gov",
      region: "us-gov-west-1",
      account: "123456789012",
      name: "a:b:c",
    });
    expect(parseAlarmArn("arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:x")?.region).toBe("cn-north-1");
    expect(parseAlarmArn("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:line\nbreak")).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Every alarm fixture
// ---------------------------------------------------------------------------------------------

describe("normaliseAlarmEvent: every alarm fixture in fixtures/", () => {
  /** Each alarm fixture, as the normaliser receives it (decoded SNS messages wrapped as Lambda gets them). */
  const inputs = [
    ...fixtureNames("eventbridge").map((name) => ({ name: `eventbridge/${name}`, format: "eventbridge" })),
    ...fixtureNames("lambda-alarm-action").map((name) => ({
      name: `lambda-alarm-action/${name}`,
      format: "lambda-action",
    })),
    ...fixtureNames("sns")
      .filter((name) => name.startsWith("sns-alarm-message-") || name.startsWith("sns-lambda-event-"))
      .map((name) => ({ name: `sns/${name}`, format: "sns" })),
  ];

  it("covers every alarm type and every state through each sender", () => {
    const seen = inputs.map(({ name }) => {
      const input = load(name);
      const t = one(name.endsWith(".decoded.json") ? snsEvent(input) : input);
      return { name, t };
    });
    const types = (format: string) =>
      new Set(seen.filter(({ t }) => t.format === format).map(({ t }) => t.alarmType));
    expect(types("eventbridge")).toEqual(new Set(["metric", "composite"]));
    expect(types("sns")).toEqual(new Set(["metric", "composite"]));
    expect(types("lambda-action")).toEqual(new Set(["metric", "composite"]));
    const states = new Set(seen.filter(({ t }) => t.format === "eventbridge").map(({ t }) => t.state));
    expect(states).toEqual(new Set(["ALARM", "OK", "INSUFFICIENT_DATA"]));
    const previous = new Set(seen.map(({ t }) => t.previousState));
    expect(previous).toEqual(new Set(["ALARM", "OK", "INSUFFICIENT_DATA"]));
    const expressions = seen.flatMap(({ t }) => t.metrics.map((m) => m.expression ?? ""));
    expect(expressions.some((e) => e.startsWith("ANOMALY_DETECTION_BAND("))).toBe(true);
    expect(expressions).toContain("100 * (m1 / m2)");
    expect(seen.some(({ t }) => t.composite?.actionsSuppressedBy === "Alarm")).toBe(true);
  });

  it.each(inputs)("$name normalises to one transition of format $format", ({ name, format }) => {
    const input = load(name);
    const t = one(name.endsWith(".decoded.json") ? snsEvent(input) : input);
    expect(t.format).toBe(format);
    expect(t.stateTimestamp).toMatch(ISO_UTC_MILLIS);
    const arn = parseAlarmArn(t.alarmArn);
    expect(arn).toMatchObject({ account: t.account, region: t.region, name: t.alarmName });
    expect([ACCOUNT, OTHER_ACCOUNT]).toContain(t.account);
    expect(findUndefined(t)).toEqual([]);
    if (t.alarmType === "composite") expect(t.metrics).toEqual([]);
    else expect(t.metrics.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** Runs the normaliser; returns the failure (if any) after checking it is a well-formed ValidationError. */
function normaliseOrValidationError(input: unknown): void {
  let result: ReturnType<typeof normaliseAlarmEvent>;
  try {
    result = normaliseAlarmEvent(input);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(issue.path.length).toBeGreaterThan(0);
      expect(issue.message.length).toBeGreaterThan(0);
    }
    return;
  }
  if (result.kind === "ignored") {
    expect(result.reason.length).toBeGreaterThan(0);
    return;
  }
  for (const t of result.transitions) {
    expect(t.stateTimestamp).toMatch(ISO_UTC_MILLIS);
    const arn = parseAlarmArn(t.alarmArn);
    expect(arn?.account).toBe(t.account);
    expect(arn?.region).toBe(t.region);
    expect(["OK", "ALARM", "INSUFFICIENT_DATA"]).toContain(t.state);
    expect(findUndefined(t)).toEqual([]);
  }
}

type Segment = string | number;

/** Every path to a value inside `value` (the root excluded). */
function pathsOf(value: unknown, prefix: Segment[] = []): Segment[][] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  }
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => [
      [...prefix, key],
      ...pathsOf(item, [...prefix, key]),
    ]);
  }
  return [];
}

type Mutation = { kind: "delete" } | { kind: "replace"; value: unknown };

function mutate(root: unknown, segments: Segment[], mutation: Mutation): unknown {
  const copy = structuredClone(root);
  const parentPath = segments.slice(0, -1);
  const last = segments.at(-1);
  let parent: unknown = copy;
  for (const segment of parentPath) {
    parent = Array.isArray(parent)
      ? parent[Number(segment)]
      : isObject(parent)
        ? parent[String(segment)]
        : undefined;
  }
  if (Array.isArray(parent) && typeof last === "number") {
    if (mutation.kind === "delete") parent.splice(last, 1);
    else parent[last] = mutation.value;
  } else if (isObject(parent) && last !== undefined) {
    if (mutation.kind === "delete") delete parent[String(last)];
    else parent[String(last)] = mutation.value;
  }
  return copy;
}

/** Valid inputs to mutate: raw events, and decoded SNS messages / reasonData re-wrapped after mutation. */
const MUTATION_BASES: { name: string; value: unknown; wrap: (mutated: unknown) => unknown }[] = [
  ...[
    EB_SINGLE_ALARM,
    EB_SINGLE_OK,
    EB_MATH,
    EB_ANOMALY,
    EB_COMPOSITE,
    EB_SUPPRESSED,
    EB_SINGLE_INSUFFICIENT,
    EB_UNICODE,
    SNS_LAMBDA,
    LAMBDA_ACTION,
    LAMBDA_COMPOSITE,
  ].map((file) => ({ name: file, value: load(file), wrap: (mutated: unknown) => mutated })),
  ...[SNS_DECODED, SNS_DECODED_OK, SNS_COMPOSITE, SNS_MATH, SNS_ANOMALY].map((file) => ({
    name: `${file} (wrapped)`,
    value: load(file),
    wrap: (mutated: unknown) => snsEvent(mutated),
  })),
  {
    name: "composite reasonData (decoded)",
    value: JSON.parse(String(at(load(EB_COMPOSITE), "detail", "state").reasonData)),
    wrap: (mutated: unknown) => {
      const event = load(EB_COMPOSITE);
      at(event, "detail", "state").reasonData = JSON.stringify(mutated);
      return event;
    },
  },
];

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: "delete" }),
  fc.jsonValue({ maxDepth: 2 }).map((value): Mutation => ({ kind: "replace", value })),
  fc.string().map((value): Mutation => ({ kind: "replace", value })),
  fc
    .constantFrom("OK", "ALARM", "INSUFFICIENT_DATA", "", "2025-03-14T09:42:13.274+0000", null, arnOf("x"))
    .map((value): Mutation => ({ kind: "replace", value })),
);

describe("normaliseAlarmEvent: properties", () => {
  it("never throws anything but ValidationError for arbitrary JSON", () => {
    fc.assert(fc.property(fc.jsonValue(), normaliseOrValidationError), { numRuns: 500 });
  });

  it("never throws anything but ValidationError for arbitrary values, including envelope-like objects", () => {
    const envelopeLike = fc.record(
      {
        Records: fc.array(fc.record({ Sns: fc.record({ MessageId: fc.string(), Message: fc.string() }) })),
        source: fc.constantFrom("aws.cloudwatch", "aws.ec2"),
        "detail-type": fc.constantFrom("CloudWatch Alarm State Change", "other"),
        detail: fc.anything(),
        alarmData: fc.anything(),
        alarmArn: fc.string(),
        resources: fc.array(fc.string()),
        id: fc.string(),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(fc.oneof(fc.anything(), envelopeLike), normaliseOrValidationError), {
      numRuns: 500,
    });
  });

  it("random mutations of valid fixtures normalise or fail with ValidationError naming a field", () => {
    const arbitrary = fc.constantFrom(...MUTATION_BASES).chain((base) =>
      fc.record({
        base: fc.constant(base),
        path: fc.constantFrom(...pathsOf(base.value)),
        mutation: mutationArbitrary,
      }),
    );
    fc.assert(
      fc.property(arbitrary, ({ base, path: segments, mutation }) => {
        normaliseOrValidationError(base.wrap(mutate(base.value, segments, mutation)));
      }),
      { numRuns: 1500 },
    );
  });

  it("the unmutated bases all normalise", () => {
    for (const base of MUTATION_BASES) {
      expect(normaliseAlarmEvent(base.wrap(base.value)).kind, base.name).toBe("transitions");
    }
  });

  it("normalises any instant written with any offset back to the same UTC instant", () => {
    const instant = fc.date({
      min: new Date("1971-01-01T00:00:00Z"),
      max: new Date("9998-12-31T00:00:00Z"),
      noInvalidDate: true,
    });
    const offset = fc.integer({ min: -12 * 60, max: 14 * 60 });
    const style = fc.constantFrom("+0000", "+00:00");
    fc.assert(
      fc.property(instant, offset, style, (date, minutes, zoneStyle) => {
        const local = new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 23);
        const sign = minutes < 0 ? "-" : "+";
        const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, "0");
        const mm = String(Math.abs(minutes) % 60).padStart(2, "0");
        const zone = zoneStyle === "+0000" ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
        expect(normaliseTimestamp(`${local}${zone}`)).toBe(date.toISOString());
      }),
      { numRuns: 500 },
    );
  });
});

describe("normalise: 10,000 hostile payloads with deep nesting and lone surrogates", () => {
  const wellFormed = (t: AlarmTransition) => {
    for (const text of [t.alarmName, t.reason, t.description ?? ""]) expect(text.isWellFormed()).toBe(true);
  };
  const lone = fc.constantFrom("\ud800", "\udfff", "\ud83d", "\udc00x");
  const hostileText = fc
    .tuple(fc.string({ maxLength: 20 }), lone, fc.string({ maxLength: 20 }))
    .map(([a, b, c]) => `${a}${b}${c}`);
  // Mostly shallow; now and then far deeper than any parser should recurse.
  const depth = fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 80 }) },
    fc.constantFrom(500, 5_000),
  );
  const nested = (d: number, leaf: string) => `${"[".repeat(d)}${leaf}${"]".repeat(d)}`;

  it("an EventBridge event or an SNS record normalises to well-formed transitions or fails with ValidationError", () => {
    const eventBridge = fc
      .record({ name: hostileText, reason: hostileText, description: hostileText, d: depth })
      .map(({ name, reason, description, d }) => {
        const event = structuredClone(load(EB_SINGLE_ALARM)) as Json;
        const detail = at(event, "detail");
        detail.alarmName = name;
        at(detail, "state").reason = reason;
        // reasonData arrives as a JSON string: nested as deep as a hostile sender likes.
        at(detail, "state").reasonData = nested(d, JSON.stringify(reason));
        at(detail, "configuration").description = description;
        return event;
      });
    const sns = fc
      .record({ name: hostileText, description: hostileText, d: depth, raw: fc.boolean() })
      .map(({ name, description, d, raw }) => {
        const record = structuredClone(load(SNS_LAMBDA)) as Json;
        const message = JSON.parse(at(record, "Records", 0, "Sns").Message as string) as Json;
        message.AlarmName = name;
        message.AlarmDescription = description;
        // The Message itself deeply nested, or a field of it.
        at(record, "Records", 0, "Sns").Message = raw
          ? nested(d, JSON.stringify(message))
          : JSON.stringify({ ...message, Trigger: JSON.parse(nested(Math.min(d, 80), "1")) });
        return record;
      });
    fc.assert(
      fc.property(fc.oneof(eventBridge, sns), (input) => {
        normaliseOrValidationError(input);
        let result: ReturnType<typeof normaliseAlarmEvent>;
        try {
          result = normaliseAlarmEvent(input);
        } catch {
          return; // a ValidationError, checked above
        }
        if (result.kind === "transitions") for (const t of result.transitions) wellFormed(t);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe("text from alarms enters well-formed", () => {
  it("replaces lone surrogates in names, reasons and descriptions and drops control characters", () => {
    const event = structuredClone(load("eventbridge/eb-single-metric-ok-to-alarm.json")) as Json;
    const detail = at(event, "detail");
    detail.alarmName = "checkout \ud800 5xx\u0000\r\nspike";
    at(detail, "state").reason = "Threshold \udfff crossed\u001b[0m\r\nsecond line";
    at(detail, "configuration").description = "severity: sev2\u0007\r\nservice: checkout \ud83d";
    const transition = one(event);
    expect(transition.alarmName).toBe("checkout \ufffd 5xx spike");
    expect(transition.reason).toBe("Threshold \ufffd crossed[0m\nsecond line");
    expect(transition.description).toBe("severity: sev2\nservice: checkout \ufffd");
    // The ARN, the alarm's identity, is as AWS sent it.
    expect(transition.alarmArn).toBe((event.resources as string[])[0]);
  });

  it("an SNS notification's name and description too; a name with nothing left falls back to the ARN's", () => {
    const record = structuredClone(load("sns/sns-lambda-event-single-metric-alarm.json")) as Json;
    const sns = at(record, "Records", 0, "Sns");
    const message = JSON.parse(sns.Message as string) as Json;
    message.AlarmName = "\u0000\u0001";
    message.AlarmDescription = "db \ud800";
    sns.Message = JSON.stringify(message);
    const transition = normaliseSnsRecord(at(record, "Records", 0), 0);
    expect(transition.alarmName).toBe(parseAlarmArn(message.AlarmArn as string)?.name);
    expect(transition.description).toBe("db \ufffd");
  });
});
