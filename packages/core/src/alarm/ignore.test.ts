import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { transition } from "@firebreak/testkit/factories";
import { fixture } from "@firebreak/testkit/fixtures";
import { beforeEach, describe, expect, it } from "vitest";
import { IgnoredAlarmStore } from "../adapters/dynamodb/alarm/ignored-store";
import { createDocumentClient } from "../adapters/dynamodb/client";
import type { IncidentStore } from "../adapters/dynamodb/incident/incident-store";
import { ignoreDecision } from "./ignore";
import { ingestAlarmTransition } from "./ingest";
import { normaliseAlarmEvent } from "./normalise";
import type { AlarmTransition } from "./transition";

function one(file: string): AlarmTransition {
  const result = normaliseAlarmEvent(fixture(file));
  if (result.kind !== "transitions") throw new Error(result.reason);
  return result.transitions[0]!;
}

describe("ignoreDecision, on real payloads", () => {
  it.each([
    ["eventbridge/eb-target-tracking-ecs-alarm-high.json", "auto_scaling"],
    ["eventbridge/eb-target-tracking-dynamodb-alarm-low.json", "auto_scaling"],
    ["eventbridge/eb-composite-suppressed-by-wait-period.json", "suppressed"],
    ["eventbridge/eb-composite-suppressed-by-extension-period.json", "suppressed"],
    ["eventbridge/eb-composite-suppressed-by-alarm.json", "suppressed"],
  ])("%s is ignored (%s)", (file, kind) => {
    expect(ignoreDecision(one(file))).toMatchObject({ kind, reason: expect.any(String) });
  });

  it("says why: the suppression's kind and reason, and what an auto-scaling alarm is", () => {
    expect(ignoreDecision(one("eventbridge/eb-composite-suppressed-by-wait-period.json"))?.reason).toBe(
      "a composite alarm whose actions are suppressed (WaitPeriod): Actions suppressed by WaitPeriod",
    );
    expect(ignoreDecision(one("eventbridge/eb-target-tracking-ecs-alarm-high.json"))?.reason).toMatch(
      /target tracking/,
    );
  });

  it("pages for ordinary alarms, composites that are not suppressed, and tagged ones without the ignore tag", () => {
    for (const file of [
      "eventbridge/eb-single-metric-ok-to-alarm.json",
      "eventbridge/eb-composite-ok-to-alarm.json",
      "eventbridge/eb-tagged-metric-alarm.json",
      "lambda-alarm-action/lambda-action-metric-alarm.json",
    ])
      expect(ignoreDecision(one(file)), file).toBeUndefined();
  });

  it("recognises a target tracking alarm by its name or its description alone, and step scaling by its actions", () => {
    const name = "TargetTracking-service/c/s-AlarmHigh-0f3e5a7c-9b1d-4f2e-8a6c-4d2b0e8f6a13";
    expect(ignoreDecision(transition("x", "ALARM", 0, { alarmName: name, description: "" }))?.kind).toBe(
      "auto_scaling",
    );
    const described =
      "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy arn:aws:autoscaling:eu-west-1:1:scalingPolicy:x";
    expect(ignoreDecision(transition("renamed", "ALARM", 0, { description: described }))?.kind).toBe(
      "auto_scaling",
    );
    const stepScaling = transition("web-cpu-high", "ALARM", 0, {
      alarmActions: [
        "arn:aws:autoscaling:eu-west-1:210987654321:scalingPolicy:abc:autoScalingGroupName/web:policyName/up",
      ],
    });
    expect(ignoreDecision(stepScaling)?.kind).toBe("auto_scaling");
    // An alarm that also notifies people is not "only scaling".
    const mixed = transition("web-cpu-high", "ALARM", 0, {
      alarmActions: [...stepScaling.alarmActions!, "arn:aws:sns:eu-west-1:210987654321:oncall"],
    });
    expect(ignoreDecision(mixed)).toBeUndefined();
    // A look-alike name that is not AWS's exact form pages.
    expect(ignoreDecision(transition("TargetTracking-my-own-alarm", "ALARM", 0))).toBeUndefined();
  });

  it("auto-scaling alarms page again with the setting off; the firebreak:ignore tag ignores any alarm", () => {
    const tt = one("eventbridge/eb-target-tracking-ecs-alarm-high.json");
    expect(ignoreDecision(tt, { autoScaling: false })).toBeUndefined();
    expect(ignoreDecision(transition("x", "ALARM", 0, { tags: { "Firebreak:Ignore": "TRUE" } }))?.kind).toBe(
      "tag",
    );
    expect(
      ignoreDecision(transition("x", "ALARM", 0, { tags: { "firebreak:ignore": "false" } })),
    ).toBeUndefined();
  });
});

describe("ingesting ignored alarms", () => {
  let store: IncidentStore;
  let ignored: IgnoredAlarmStore;
  beforeEach(async () => {
    const table = await createTestTable("ignore");
    store = storeFor(table);
    ignored = new IgnoredAlarmStore(createDocumentClient(table), table.tableName);
  });

  it("opens no incident, counts each transition once (duplicates and other channels too), keeps the last", async () => {
    const tt = one("eventbridge/eb-target-tracking-ecs-alarm-high.json");
    expect(await ingestAlarmTransition({ store }, tt)).toMatchObject({
      outcome: "ignored",
      reason: expect.any(String),
    });
    expect((await ingestAlarmTransition({ store }, tt)).outcome).toBe("duplicate");
    // The same transition through SNS: another delivery id, the same transition.
    expect(
      (await ingestAlarmTransition({ store }, { ...tt, deliveryId: "sns-copy", format: "sns" })).outcome,
    ).toBe("duplicate");
    const ok = {
      ...tt,
      deliveryId: "ok-1",
      state: "OK" as const,
      stateTimestamp: new Date(Date.parse(tt.stateTimestamp) + 60_000).toISOString(),
    };
    expect((await ingestAlarmTransition({ store }, ok)).outcome).toBe("ignored");

    expect(await ignored.list()).toEqual([
      expect.objectContaining({
        arn: tt.alarmArn,
        name: tt.alarmName,
        kind: "auto_scaling",
        count: 2,
        lastState: "OK",
        lastStateTimestamp: ok.stateTimestamp,
      }),
    ]);
    expect((await store.listIncidents({ status: "all", limit: 10 })).items).toEqual([]);
    // The alarm record is untouched: nothing waits as an orphan for an ALARM that never opens.
    expect(await store.getAlarmRecord(tt.alarmArn)).toBeUndefined();
  });

  it("a suppressed composite that already has an open incident is recorded on it, not ignored", async () => {
    const composite = one("eventbridge/eb-composite-ok-to-alarm.json");
    const opened = await ingestAlarmTransition({ store }, composite);
    expect(opened.outcome).toBe("opened");
    const suppressed: AlarmTransition = {
      ...composite,
      deliveryId: "suppressed-1",
      stateTimestamp: new Date(Date.parse(composite.stateTimestamp) + 60_000).toISOString(),
      composite: { ...composite.composite!, actionsSuppressedBy: "WaitPeriod" },
    };
    expect(await ingestAlarmTransition({ store }, suppressed)).toMatchObject({
      outcome: "appended",
      incidentId: opened.incidentId,
    });
    expect(await ignored.list()).toEqual([]);
  });
});
