import { Logger } from "@aws-lambda-powertools/logger";
import { streamRecord, timelineItem } from "@firebreak/core/adapters/dynamodb/events/testing";
import { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { type DomainEvent, type EventPublisher, PublishError } from "@firebreak/core/events/publisher";
import { timelineEntry } from "@firebreak/core/events/testing";
import { type FakeEventBridge, startFakeEventBridge } from "@firebreak/local/fake-eventbridge";
import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { busName, createOutboxHandler, handler } from "./outbox";

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "firebreak-test-Outbox",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:firebreak-test-Outbox",
    memoryLimitInMB: "512",
    awsRequestId: "00000000-0000-4000-8000-000000000000",
    logGroupName: "/aws/lambda/firebreak-test-Outbox",
    logStreamName: "2026/03/14/[$LATEST]0000",
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

const silent = () => new Logger({ serviceName: "outbox-test", logLevel: "SILENT" });

class FailingPublisher implements EventPublisher {
  readonly received: DomainEvent[] = [];
  constructor(private readonly failIds: string[]) {}
  async publish(events: DomainEvent[]): Promise<void> {
    this.received.push(...events);
    const failed = events.filter((e) => this.failIds.includes(e.id));
    if (failed.length === 0) return;
    throw new PublishError(
      failed.map((e) => ({
        eventId: e.id,
        type: e.type,
        errorCode: "ThrottlingException",
        errorMessage: "slow down",
      })),
    );
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("outbox handler", () => {
  it("publishes the timeline INSERTs of the batch and reports no failures", async () => {
    const entries = [timelineEntry(), timelineEntry()];
    const publisher = new FailingPublisher([]);
    const outbox = createOutboxHandler(() => ({ publisher }), silent());

    const response = await outbox(
      { Records: entries.map((e) => streamRecord("INSERT", timelineItem(e))) },
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(publisher.received.map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });

  it("answers with the sequence number of the first record whose publish failed", async () => {
    const entries = [timelineEntry(), timelineEntry(), timelineEntry(), timelineEntry()];
    const records = entries.map((e) => streamRecord("INSERT", timelineItem(e)));
    const outbox = createOutboxHandler(
      () => ({ publisher: new FailingPublisher([entries[3]!.id, entries[1]!.id]) }),
      silent(),
    );

    const response = await outbox({ Records: records }, lambdaContext());

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }],
    });
  });

  it("dead-letters a poison record between two good ones, with its reason, and both good ones are published", async () => {
    const [before, after] = [timelineEntry(), timelineEntry()];
    // What a Slack request without user_id once stored: an entry whose actor has no id.
    const { actor: _actor, ...poison } = timelineItem(timelineEntry());
    const records = [
      streamRecord("INSERT", timelineItem(before)),
      streamRecord("INSERT", { ...poison, actor: { type: "slack", name: "someone" } }),
      streamRecord("INSERT", timelineItem(after)),
    ];
    const publisher = new FailingPublisher([]);
    const deadLetters = new MemoryDeadLetterSink();
    const outbox = createOutboxHandler(() => ({ publisher, deadLetters }), silent());

    const response = await outbox({ Records: records }, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(publisher.received.map((e) => e.id)).toEqual([before.id, after.id]);
    expect(deadLetters.letters).toEqual([
      expect.objectContaining({
        source: "outbox",
        reason: expect.stringMatching(/is not valid/),
        issues: [expect.objectContaining({ path: "actor" })],
        event: expect.objectContaining({ sequenceNumber: records[1]!.dynamodb!.SequenceNumber }),
      }),
    ]);
  });

  it("keeps a poison record in the stream when it cannot be dead-lettered either (never dropped)", async () => {
    const { data: _data, ...poison } = timelineItem(timelineEntry());
    const records = [streamRecord("INSERT", timelineItem(timelineEntry())), streamRecord("INSERT", poison)];
    const deadLetters = {
      send: async () => {
        throw new Error("SQS unavailable");
      },
    };
    const outbox = createOutboxHandler(
      () => ({ publisher: new FailingPublisher([]), deadLetters }),
      silent(),
    );
    const response = await outbox({ Records: records }, lambdaContext());
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }],
    });
  });

  it("reads the bus name from FIREBREAK_BUS_NAME when no Bus is linked, and fails clearly without either", () => {
    expect(busName({ FIREBREAK_BUS_NAME: "my-bus" })).toBe("my-bus");
    expect(() => busName({})).toThrow(expect.objectContaining({ code: "config_missing" }));
  });

  describe("default handler (EventBridge on FIREBREAK_BUS_NAME)", () => {
    let fake: FakeEventBridge | undefined;
    afterEach(async () => {
      await fake?.stop();
    });

    it("publishes to the bus through the real SDK client", async () => {
      fake = await startFakeEventBridge();
      vi.stubEnv("FIREBREAK_BUS_NAME", "firebreak-dev-bus");
      vi.stubEnv("AWS_ENDPOINT_URL_EVENTBRIDGE", fake.endpoint);
      vi.stubEnv("AWS_REGION", "local");
      vi.stubEnv("AWS_ACCESS_KEY_ID", "local");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local");
      vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
      const entry = timelineEntry({ kind: "incident.declared" });

      const response = await handler(
        { Records: [streamRecord("INSERT", timelineItem(entry))] },
        lambdaContext(),
      );

      expect(response).toEqual({ batchItemFailures: [] });
      expect(fake.accepted).toEqual([
        expect.objectContaining({
          EventBusName: "firebreak-dev-bus",
          Source: "firebreak",
          DetailType: "incident.declared",
        }),
      ]);
    });
  });
});
