import { ValidationError } from "@firebreak/core/shared/errors";
import type { DynamoDBRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import {
  type DomainEvent,
  type EventPublisher,
  eventFromEntry,
  PublishError,
} from "../../../events/publisher";
import { timelineEntry } from "../../../events/testing";
import { keys } from "../keys";
import { eventFromStreamRecord, eventsFromStreamRecords, publishStreamRecords } from "./outbox";
import { streamRecord, timelineItem } from "./testing";

const incidentItem = {
  ...keys.incident("01JINCIDENT0000000000000000"),
  type: "incident",
  status: "declared",
};
const seq = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber;

class RecordingPublisher implements EventPublisher {
  readonly published: DomainEvent[][] = [];
  constructor(private readonly fail?: (events: DomainEvent[]) => Error | undefined) {}
  async publish(events: DomainEvent[]): Promise<void> {
    this.published.push(events);
    const error = this.fail?.(events);
    if (error) throw error;
  }
}

describe("eventsFromStreamRecords", () => {
  it("turns an INSERT of a timeline item into its domain event", () => {
    const entry = timelineEntry({ data: { nested: { list: [1, "two"] }, flag: true } });

    const events = eventsFromStreamRecords([streamRecord("INSERT", timelineItem(entry))]);

    expect(events).toEqual([eventFromEntry(entry)]);
    expect(events[0]?.detail).not.toHaveProperty("pk");
    expect(events[0]?.detail).not.toHaveProperty("type");
  });

  it("ignores MODIFY, REMOVE and items that are not timeline entries", () => {
    const item = timelineItem(timelineEntry());
    const records = [
      streamRecord("MODIFY", item),
      streamRecord("REMOVE", item),
      streamRecord("INSERT", incidentItem),
      streamRecord("INSERT", { ...keys.delivery("d-1"), type: "delivery", expiresAt: 1 }),
    ];

    expect(eventsFromStreamRecords(records)).toEqual([]);
  });

  it("refuses a timeline item that is not a timeline entry, instead of skipping it", () => {
    const { summary: _summary, ...broken } = timelineItem(timelineEntry());

    expect(() => eventFromStreamRecord(streamRecord("INSERT", broken))).toThrow(ValidationError);
  });
});

describe("publishStreamRecords", () => {
  it("publishes the batch's events in stream order and reports no failures", async () => {
    const entries = [timelineEntry(), timelineEntry({ kind: "incident.status_changed" })];
    const records = [
      streamRecord("INSERT", timelineItem(entries[0]!)),
      streamRecord("INSERT", incidentItem),
      streamRecord("INSERT", timelineItem(entries[1]!)),
    ];
    const publisher = new RecordingPublisher();

    const response = await publishStreamRecords(records, publisher);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(publisher.published).toEqual([entries.map(eventFromEntry)]);
  });

  it("does not call the publisher when the batch has no events", async () => {
    const publisher = new RecordingPublisher();
    await publishStreamRecords([streamRecord("INSERT", incidentItem)], publisher);
    expect(publisher.published).toEqual([]);
  });

  it("reports the first record whose event failed, from a PublishError", async () => {
    const entries = [timelineEntry(), timelineEntry(), timelineEntry()];
    const records = [
      streamRecord("INSERT", incidentItem),
      ...entries.map((e) => streamRecord("INSERT", timelineItem(e))),
    ];
    const failed = [entries[2]!, entries[1]!].map((e) => ({
      eventId: e.id,
      type: e.kind,
      errorCode: "InternalFailure",
      errorMessage: "x",
    }));
    const publisher = new RecordingPublisher(() => new PublishError(failed));

    const response = await publishStreamRecords(records, publisher);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[2]!) }] });
  });

  it("reports the first record with an event when the publisher fails without saying which", async () => {
    const records = [
      streamRecord("INSERT", incidentItem),
      streamRecord("INSERT", timelineItem(timelineEntry())),
    ];
    const publisher = new RecordingPublisher(() => new Error("network down"));

    const response = await publishStreamRecords(records, publisher);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[1]!) }] });
  });

  it("publishes the events before an unreadable record and reports that record", async () => {
    const good = timelineEntry();
    const { data: _data, ...broken } = timelineItem(timelineEntry());
    const records = [
      streamRecord("INSERT", timelineItem(good)),
      streamRecord("INSERT", broken),
      streamRecord("INSERT", timelineItem(timelineEntry())),
    ];
    const publisher = new RecordingPublisher();
    const errors: unknown[] = [];
    const log = {
      info: () => {},
      warn: () => {},
      error: (_m: string, ...extra: unknown[]) => errors.push(...extra),
    };

    const response = await publishStreamRecords(records, publisher, { log });

    expect(publisher.published).toEqual([[eventFromEntry(good)]]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[1]!) }] });
    expect(errors).toEqual([expect.objectContaining({ error: expect.any(ValidationError) })]);
  });
});
