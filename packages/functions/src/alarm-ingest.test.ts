import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { RetryableBatchError } from "@firebreak/core/alarm/process";
import { createTestTable, FaultyHandler, storeFor } from "@firebreak/testkit/dynamo";
import { fixture, fixtureNames } from "@firebreak/testkit/fixtures";
import { beforeEach, describe, expect, it } from "vitest";
import { lambdaContext } from "../../local/src/apigw";
import { createAlarmIngestHandler } from "./alarm-ingest";

type SnsEvent = { Records: { Sns: { MessageId: string; Message: string } }[] };

let table: { tableName: string; endpoint: string };
let store: IncidentStore;
let deadLetters: MemoryDeadLetterSink;
let handler: ReturnType<typeof createAlarmIngestHandler>;
const invoke = (event: unknown) => handler(event, lambdaContext("alarm-ingest"));

beforeEach(async () => {
  table = await createTestTable("handler");
  store = storeFor(table);
  deadLetters = new MemoryDeadLetterSink();
  handler = createAlarmIngestHandler(() => ({ store, deadLetters }));
});

describe("alarm-ingest handler", () => {
  it.each(fixtureNames("eventbridge"))("ingests the EventBridge fixture %s", async (name) => {
    const event = fixture<{ id: string; detail: { state: { value: string } } }>(`eventbridge/${name}`);
    const summary = await invoke(event);
    expect(summary.rejected).toEqual([]);
    expect(summary.ingested).toHaveLength(1);
    // Suppressed composites and auto-scaling alarms open nothing: counted as ignored (ignore.ts).
    const ignored = /suppressed|target-tracking/.test(name);
    const expected = ignored ? "ignored" : event.detail.state.value === "ALARM" ? "opened" : "recorded";
    expect(summary.ingested[0]).toMatchObject({ outcome: expected, deliveryId: event.id });
    // Redelivery of the same envelope is a no-op.
    expect((await invoke(event)).ingested[0]!.outcome).toBe("duplicate");
  });

  it("ingests the SNS Lambda event and is idempotent on the SNS MessageId", async () => {
    const event = fixture<SnsEvent>("sns/sns-lambda-event-single-metric-alarm.json");
    const summary = await invoke(event);
    expect(summary.ingested).toMatchObject([
      { outcome: "opened", deliveryId: event.Records[0]!.Sns.MessageId },
    ]);
    const { incident } = (await store.getIncidentWithTimeline(summary.ingested[0]!.incidentId!))!;
    expect(incident.alarm).toMatchObject({ name: "ledger-api-5xx-high", region: "ap-southeast-2" });
    expect((await invoke(event)).ingested[0]!.outcome).toBe("duplicate");
  });

  it("ingests the direct Lambda alarm-action payload", async () => {
    const event = fixture("lambda-alarm-action/lambda-action-metric-alarm.json");
    const summary = await invoke(event);
    expect(summary.ingested).toMatchObject([{ outcome: "opened" }]);
    expect((await invoke(event)).ingested[0]!.outcome).toBe("duplicate");
  });

  it("treats the same transition through EventBridge and SNS as one", async () => {
    const sns = fixture<SnsEvent>("sns/sns-lambda-event-single-metric-alarm.json");
    const direct = fixture("lambda-alarm-action/lambda-action-metric-alarm.json");
    expect((await invoke(sns)).ingested[0]!.outcome).toBe("opened");
    expect((await invoke(direct)).ingested[0]!.outcome).toBe("duplicate");
    expect((await store.listOpen()).items).toHaveLength(1);
  });

  it("ignores a configuration-change event with a log line, never an incident", async () => {
    const event = fixture<Record<string, unknown>>("edge-cases/eb-configuration-change.json");
    expect(event["detail-type"]).toBe("CloudWatch Alarm Configuration Change");
    const summary = await invoke(event);
    expect(summary.ignored).toMatch(/Configuration Change/);
    expect(summary.ingested).toEqual([]);
    expect((await store.listOpen()).items).toEqual([]);
    expect(deadLetters.letters).toEqual([]);
  });

  it("dead-letters a malformed event once, naming the bad field, without throwing (no retries)", async () => {
    const event = structuredClone(
      fixture<{ detail: { state: Record<string, unknown> } }>(
        "eventbridge/eb-single-metric-ok-to-alarm.json",
      ),
    );
    event.detail.state.value = "ON_FIRE";
    const summary = await invoke(event);
    expect(summary.rejected).toHaveLength(1);
    expect(summary.rejected[0]!.error.issues.map((i) => i.path)).toContain("detail.state.value");
    expect(deadLetters.letters).toHaveLength(1);
    expect(deadLetters.letters[0]!.event).toEqual(event);
    expect(deadLetters.letters[0]!.reason).toContain("detail.state.value");
  });

  it("processes the good records of an SNS batch and dead-letters only the bad one", async () => {
    const good = fixture<SnsEvent>("sns/sns-lambda-event-single-metric-alarm.json").Records[0]!;
    const bad = structuredClone(good);
    bad.Sns.MessageId = "bad-one";
    bad.Sns.Message = JSON.stringify({ ...JSON.parse(bad.Sns.Message), NewStateValue: "MAYBE" });
    const summary = await invoke({ Records: [bad, good] });
    expect(summary.ingested).toMatchObject([{ outcome: "opened" }]);
    expect(summary.rejected).toHaveLength(1);
    expect(summary.rejected[0]!.error.issues[0]!.path).toBe("Records[0].Sns.Message.NewStateValue");
    expect(deadLetters.letters).toHaveLength(1);
  });

  it("throws after the rest of the batch when a record fails transiently, and the retry loses nothing", async () => {
    const good = fixture<SnsEvent>("sns/sns-lambda-event-single-metric-alarm.json").Records[0]!;
    const other = structuredClone(good);
    other.Sns.MessageId = "other-message";
    other.Sns.Message = JSON.stringify({
      ...JSON.parse(other.Sns.Message),
      AlarmName: "payouts-latency",
      AlarmArn: "arn:aws:cloudwatch:ap-southeast-2:111122223333:alarm:payouts-latency",
    });
    // DynamoDB is down for the first record's calls only (SDK retries exhausted).
    let failing = true;
    const flaky = storeFor(table, new FaultyHandler(() => (failing ? "500" : undefined)));
    const flakyHandler = createAlarmIngestHandler(() => ({
      store: flaky,
      deadLetters,
      config: { maxAttempts: 1 },
    }));
    const first = flakyHandler({ Records: [good, other] }, lambdaContext("alarm-ingest"));
    await expect(first).rejects.toBeInstanceOf(RetryableBatchError);
    failing = false;
    // Lambda retries the whole event: both records end up ingested exactly once.
    const retry = await flakyHandler({ Records: [good, other] }, lambdaContext("alarm-ingest"));
    expect(retry.ingested.map((r) => r.outcome).sort()).toEqual(["opened", "opened"]);
    expect((await store.listOpen()).items).toHaveLength(2);
  });

  describe("permanent errors are rejected and dead-lettered, never thrown for a retry", () => {
    type AlarmEvent = {
      id: string;
      resources: string[];
      detail: { alarmName: string; state: Record<string, unknown> };
    };
    const base = () => structuredClone(fixture<AlarmEvent>("eventbridge/eb-single-metric-ok-to-alarm.json"));
    const deeply = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
    const deepObject = (levels: number) => {
      let value: Record<string, unknown> = { leaf: 1 };
      for (let i = 1; i < levels; i++) value = { a: value };
      return value;
    };

    const cases: [string, (e: AlarmEvent) => void, string][] = [
      [
        "a state timestamp in 2099",
        (e) => {
          e.detail.state.timestamp = "2099-01-01T00:00:00.000+0000";
        },
        "stateTimestamp",
      ],
      [
        "an alarm name and ARN over 2 KB",
        (e) => {
          const name = "n".repeat(2100);
          e.detail.alarmName = name;
          e.resources = [`arn:aws:cloudwatch:ap-southeast-2:111122223333:alarm:${name}`];
        },
        "(item)",
      ],
      [
        "an item over 400 KB",
        (e) => {
          e.detail.state.reason = "r".repeat(410_000);
        },
        "(item)",
      ],
      [
        "reasonData nested 50,000 levels (a JSON string)",
        (e) => {
          e.detail.state.reasonData = deeply(50_000);
        },
        "detail.state.reasonData",
      ],
      [
        "reasonData nested 50,000 levels (an object)",
        (e) => {
          e.detail.state.reasonData = deepObject(50_000);
        },
        "detail.state.reasonData",
      ],
      [
        "reasonData nested 31 levels",
        (e) => {
          e.detail.state.reasonData = deeply(31);
        },
        "detail.state.reasonData",
      ],
    ];

    it.each(cases)("%s", async (_what, mutate, path) => {
      const event = base();
      event.id = `permanent-${path}-${Math.random()}`;
      mutate(event);
      const summary = await invoke(event);
      expect(summary.ingested).toEqual([]);
      expect(summary.rejected).toHaveLength(1);
      expect(summary.rejected[0]!.error.issues.map((i) => i.path)).toContain(path);
      expect(deadLetters.letters).toHaveLength(1);
      expect(deadLetters.letters[0]!.reason).toBe(summary.rejected[0]!.error.message);
      // The letter can always be written as JSON (a 50,000-level event is cut at a safe depth).
      expect(() => JSON.stringify(deadLetters.letters[0])).not.toThrow();
      expect((await store.listOpen()).items).toHaveLength(0);
    });

    it("accepts reasonData nested 30 levels, and DynamoDB stores it", async () => {
      const event = base();
      event.detail.state.reasonData = deeply(30);
      const summary = await invoke(event);
      expect(summary.rejected).toEqual([]);
      expect(summary.ingested).toMatchObject([{ outcome: "opened" }]);
    });
  });
});
