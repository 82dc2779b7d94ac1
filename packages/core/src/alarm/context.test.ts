import { fixture } from "@firebreak/testkit/fixtures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALARM_CONTEXT_LIMITS, alarmContextOf, consoleUrlOf, crossingLine, linksIn } from "./context";
import { normaliseAlarmEvent } from "./normalise";
import type { AlarmTransition } from "./transition";

function one(file: string): AlarmTransition {
  const result = normaliseAlarmEvent(fixture(file));
  if (result.kind !== "transitions") throw new Error(`${file}: ${result.reason}`);
  return result.transitions[0]!;
}

describe("alarmContextOf: real payloads", () => {
  it("EventBridge metric alarm: description, runbook link, metric, threshold, comparison and the crossing value", () => {
    const context = alarmContextOf(one("eventbridge/eb-single-metric-ok-to-alarm.json"));
    expect(context).toMatchObject({
      type: "metric",
      state: "ALARM",
      threshold: 40,
      comparison: ">=",
      value: 88,
      consoleUrl: expect.stringMatching(
        /^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=[a-z0-9-]+#alarmsV2:alarm\//,
      ),
    });
    expect(context.metrics[0]).toContain("HTTPCode_Target_5XX_Count");
    expect(crossingLine(context)).toBe("value 88 >= threshold 40");
  });

  it("SNS classic notification: Threshold and ComparisonOperator from the Trigger, the value from the reason, AlarmActions kept", () => {
    const transition = one("sns/sns-lambda-event-single-metric-alarm.json");
    const context = alarmContextOf(transition);
    expect(context).toMatchObject({ threshold: 40, comparison: ">=", value: 88 });
    expect(context.links).toEqual([{ label: "Runbook", url: "https://runbooks.example.com/ledger/api-5xx" }]);
    expect(context.description).toContain("Runbook: https://runbooks.example.com/ledger/api-5xx");
  });

  it("a direct Lambda alarm action: the same context as EventBridge's", () => {
    const context = alarmContextOf(one("lambda-alarm-action/lambda-action-metric-alarm.json"));
    expect(context.type).toBe("metric");
    expect(context.metrics.length).toBeGreaterThan(0);
    expect(context.threshold).toEqual(expect.any(Number));
    expect(context.value).toEqual(expect.any(Number));
    expect(context.comparison).toMatch(/^(>=|>|<|<=)$/);
  });

  it("anomaly detection: the band's expression, and the comparison outside the band", () => {
    const context = alarmContextOf(one("eventbridge/eb-anomaly-detection-ok-to-alarm.json"));
    expect(context.band).toMatch(/^ANOMALY_DETECTION_BAND\(/);
  });

  it("a composite alarm: its rule and the children that triggered it, with their states", () => {
    const context = alarmContextOf(one("eventbridge/eb-composite-ok-to-alarm.json"));
    expect(context.type).toBe("composite");
    expect(context.composite?.rule).toMatch(/ALARM\(/);
    expect(context.composite?.children.length).toBeGreaterThan(0);
  });
});

describe("linksIn", () => {
  it("labels a link by the word before it, else by its host; keeps http(s) only; drops trailing punctuation", () => {
    expect(
      linksIn(
        "Runbook: https://wiki.example.com/rb/5xx. Dashboard: http://grafana.example.com/d/abc, see https://status.example.com) javascript:alert(1) ftp://x.example.com",
      ),
    ).toEqual([
      { label: "Runbook", url: "https://wiki.example.com/rb/5xx" },
      { label: "Dashboard", url: "http://grafana.example.com/d/abc" },
      { label: "status.example.com", url: "https://status.example.com/" },
    ]);
  });

  it("is bounded: at most 8 links, none longer than 500 characters, each label at most 40", () => {
    const many = Array.from({ length: 30 }, (_, i) => `L${i}: https://x.example.com/${i}`).join(" ");
    expect(linksIn(many)).toHaveLength(ALARM_CONTEXT_LIMITS.links);
    expect(linksIn(`https://x.example.com/${"a".repeat(600)}`)).toEqual([]);
  });

  it("never throws, and only yields http(s) URLs that parse, for any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 40 }), (before, path) => {
        for (const link of linksIn(`${before} https://h.example.com/${path} ${before}`)) {
          expect(["http:", "https:"]).toContain(new URL(link.url).protocol);
          expect(link.label.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("bounds", () => {
  it("cuts a 100 KB description and keeps at most 5 metrics", () => {
    const t = one("eventbridge/eb-single-metric-ok-to-alarm.json");
    const big: AlarmTransition = {
      ...t,
      description: `Runbook: https://r.example.com/x ${"x".repeat(100_000)}`,
      metrics: Array.from({ length: 50 }, (_, i) => ({ dimensions: {}, text: `m${i} ${"y".repeat(1000)}` })),
    };
    const context = alarmContextOf(big);
    expect([...(context.description ?? "")].length).toBe(ALARM_CONTEXT_LIMITS.description);
    expect(context.description?.endsWith("…")).toBe(true);
    expect(context.metrics).toHaveLength(ALARM_CONTEXT_LIMITS.metrics);
    expect(context.metrics.every((m) => m.length <= ALARM_CONTEXT_LIMITS.metricText)).toBe(true);
    expect(JSON.stringify(context).length).toBeLessThan(6_000);
  });
});

describe("consoleUrlOf", () => {
  it("uses the alarm's partition and region, and encodes the name", () => {
    expect(consoleUrlOf("arn:aws:cloudwatch:eu-west-1:1:alarm:a b/c", "eu-west-1", "a b/c")).toBe(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/a%20b%2Fc",
    );
    expect(consoleUrlOf("arn:aws-cn:cloudwatch:cn-north-1:1:alarm:x", "cn-north-1", "x")).toMatch(
      /^https:\/\/cn-north-1\.console\.amazonaws\.cn\//,
    );
    expect(consoleUrlOf("arn:aws-us-gov:cloudwatch:us-gov-west-1:1:alarm:x", "us-gov-west-1", "x")).toMatch(
      /^https:\/\/console\.amazonaws-us-gov\.com\//,
    );
  });
});
