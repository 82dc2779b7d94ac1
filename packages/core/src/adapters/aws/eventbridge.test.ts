import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import {
  type FakeEntry,
  type FakeEventBridge,
  startFakeEventBridge,
} from "@firebreak/local/fake-eventbridge";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DomainEvent, EVENT_SOURCE, PublishError } from "../../events/publisher";
import { domainEvent } from "../../events/testing";
import { EVENT_TOO_LARGE, EventBridgePublisher, NOT_ATTEMPTED } from "./eventbridge";

const BUS = "firebreak-test-bus";
let fake: FakeEventBridge;

beforeAll(async () => {
  fake = await startFakeEventBridge();
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => {
  fake.calls.length = 0;
  fake.accepted.length = 0;
  fake.respondWith(() => undefined);
});

function publisherFor(options: { sdkAttempts?: number; maxAttempts?: number } = {}) {
  const delays: number[] = [];
  const client = new EventBridgeClient({
    endpoint: fake.endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: options.sdkAttempts ?? 3,
  });
  const publisher = new EventBridgePublisher({
    busName: BUS,
    client,
    maxAttempts: options.maxAttempts,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  return { publisher, delays };
}

const ids = (entries: FakeEntry[]) => entries.map((e) => (JSON.parse(e.Detail ?? "{}") as DomainEvent).id);
const events = (n: number) => Array.from({ length: n }, (_, i) => domainEvent({ summary: `event ${i}` }));

async function publishError(promise: Promise<void>): Promise<PublishError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

describe("EventBridgePublisher", () => {
  it("sends every event as a PutEvents entry on the configured bus", async () => {
    const { publisher } = publisherFor();
    const batch = [
      domainEvent({ kind: "incident.declared" }),
      domainEvent({ kind: "incident.status_changed" }),
    ];

    await publisher.publish(batch);

    expect(fake.calls).toHaveLength(1);
    const [first, second] = fake.calls[0]!.entries;
    expect(first).toMatchObject({ EventBusName: BUS, Source: EVENT_SOURCE, DetailType: "incident.declared" });
    expect(second?.DetailType).toBe("incident.status_changed");
    expect(JSON.parse(first?.Detail ?? "")).toEqual(batch[0]);
    expect(first?.Time).toBe(Date.parse(batch[0]!.time) / 1000);
    expect(ids(fake.accepted)).toEqual(batch.map((e) => e.id));
  });

  it("does nothing for no events", async () => {
    const { publisher } = publisherFor();
    await publisher.publish([]);
    expect(fake.calls).toHaveLength(0);
  });

  it("resends only the failed entries, with backoff, until they succeed", async () => {
    const { publisher, delays } = publisherFor();
    const batch = events(4);
    fake.respondWith(({ index }) => {
      if (index === 0) {
        return {
          entries: ["ok", { errorCode: "ThrottlingException" }, "ok", { errorCode: "InternalFailure" }],
        };
      }
      if (index === 1) return { entries: ["ok", { errorCode: "InternalFailure" }] };
      return undefined;
    });

    await publisher.publish(batch);

    expect(fake.calls.map((c) => ids(c.entries))).toEqual([
      batch.map((e) => e.id),
      [batch[1]!.id, batch[3]!.id],
      [batch[3]!.id],
    ]);
    expect(ids(fake.accepted).sort()).toEqual(batch.map((e) => e.id).sort());
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
  });

  it("throws PublishError naming the error codes once the attempts are exhausted", async () => {
    const { publisher, delays } = publisherFor({ maxAttempts: 4 });
    const batch = events(3);
    fake.respondWith(({ entries }) => ({
      entries: entries.map((e) =>
        ids([e])[0] === batch[1]!.id ? { errorCode: "InternalFailure", errorMessage: "try later" } : "ok",
      ),
    }));

    const error = await publishError(publisher.publish(batch));

    expect(error.code).toBe("publish_failed");
    expect(error.failed).toEqual([
      {
        eventId: batch[1]!.id,
        type: batch[1]!.type,
        errorCode: "InternalFailure",
        errorMessage: "try later",
      },
    ]);
    expect(error.message).toContain("InternalFailure");
    expect(fake.calls).toHaveLength(4);
    expect(delays).toHaveLength(3);
    expect(ids(fake.accepted)).toEqual([batch[0]!.id, batch[2]!.id]);
  });

  it("does not resend entries whose error cannot be fixed by resending", async () => {
    const { publisher } = publisherFor();
    const batch = events(2);
    fake.respondWith(() => ({ entries: [{ errorCode: "NotAuthorizedForDetailTypeException" }, "ok"] }));

    const error = await publishError(publisher.publish(batch));

    expect(fake.calls).toHaveLength(1);
    expect(error.failed.map((f) => f.errorCode)).toEqual(["NotAuthorizedForDetailTypeException"]);
  });

  it("lets the SDK retry HTTP 500 and throttling", async () => {
    const { publisher, delays } = publisherFor({ sdkAttempts: 3 });
    fake.respondWith(({ index }) => {
      if (index === 0) return { status: 500, errorType: "InternalException" };
      if (index === 1) return { status: 400, errorType: "ThrottlingException", message: "Rate exceeded" };
      return undefined;
    });
    const batch = events(2);

    await publisher.publish(batch);

    expect(fake.calls).toHaveLength(3);
    expect(ids(fake.accepted)).toEqual(batch.map((e) => e.id));
    expect(delays).toHaveLength(0);
  });

  it("reports the failed call's events and the unsent batches when a call fails outright", async () => {
    const { publisher } = publisherFor({ sdkAttempts: 1 });
    const batch = events(25);
    fake.respondWith(({ index }) =>
      index === 1 ? { status: 500, errorType: "InternalException" } : undefined,
    );

    const error = await publishError(publisher.publish(batch));

    expect(fake.calls).toHaveLength(2);
    expect(error.failed.map((f) => f.eventId)).toEqual(batch.slice(10).map((e) => e.id));
    expect(error.failed.slice(0, 10).every((f) => f.errorCode === "InternalException")).toBe(true);
    expect(error.failed.slice(10).every((f) => f.errorCode === NOT_ATTEMPTED)).toBe(true);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("does not report entries already accepted when a resend fails outright", async () => {
    const { publisher } = publisherFor({ sdkAttempts: 1 });
    const batch = events(3);
    fake.respondWith(({ index }) => {
      if (index === 0) return { entries: ["ok", { errorCode: "InternalFailure" }, "ok"] };
      return { status: 500, errorType: "InternalException" };
    });

    const error = await publishError(publisher.publish(batch));

    expect(error.failed).toEqual([
      expect.objectContaining({ eventId: batch[1]!.id, errorCode: "InternalException" }),
    ]);
  });

  it("batches 25 events into 3 calls of at most 10", async () => {
    const { publisher } = publisherFor();
    const batch = events(25);

    await publisher.publish(batch);

    expect(fake.calls.map((c) => c.entries.length)).toEqual([10, 10, 5]);
    expect(ids(fake.accepted)).toEqual(batch.map((e) => e.id));
  });

  it("keeps every call under 256 KiB", async () => {
    const { publisher } = publisherFor();
    const big = (i: number) => domainEvent({ summary: `big ${i}`, data: { blob: "x".repeat(100_000) } });
    const batch = [big(0), big(1), big(2), big(3), big(4)];

    await publisher.publish(batch);

    expect(fake.calls.map((c) => c.entries.length)).toEqual([2, 2, 1]);
    for (const call of fake.calls) {
      const bytes = call.entries.reduce((n, e) => n + Buffer.byteLength(e.Detail ?? ""), 0);
      expect(bytes).toBeLessThan(256 * 1024);
    }
  });

  it("refuses an event too large for PutEvents with a clear error, and still publishes the others", async () => {
    const { publisher } = publisherFor();
    const huge = domainEvent({ data: { blob: "x".repeat(300_000) } });
    const batch = [domainEvent(), huge, domainEvent()];

    const error = await publishError(publisher.publish(batch));

    expect(error.failed).toHaveLength(1);
    expect(error.failed[0]).toMatchObject({ eventId: huge.id, errorCode: EVENT_TOO_LARGE });
    expect(error.failed[0]?.errorMessage).toMatch(/is \d+ bytes .* the limit is 262144/);
    expect(error.message).toContain(huge.id);
    expect(ids(fake.accepted)).toEqual([batch[0]!.id, batch[2]!.id]);
  });
});
