/**
 * The outbox: the table's DynamoDB stream is the source of domain events. Every timeline entry
 * committed to the table becomes one event on the bus, so a committed change can never lose its
 * event. Delivery is at least once (consumers deduplicate on the event id, the entry's ULID).
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { FirebreakError, ValidationError } from "@firebreak/core/shared/errors";
import type { Log } from "@firebreak/core/shared/log";
import type { DynamoDBBatchResponse, DynamoDBRecord } from "aws-lambda";
import type { DeadLetterSink } from "../../../alarm/dead-letter";
import {
  type DomainEvent,
  type EventPublisher,
  eventFromEntry,
  PublishError,
} from "../../../events/publisher";
import type { TimelineEntry } from "../../../incident/timeline";
import { validTimelineEntry } from "../../../incident/timeline-schema";

/**
 * The domain event of one stream record: only INSERTs of timeline items have one (the timeline
 * is append-only; MODIFY and REMOVE, and other item types, carry no event). A timeline item
 * that does not have the TimelineEntry shape is a ValidationError, never skipped.
 */
export function eventFromStreamRecord(record: DynamoDBRecord): DomainEvent | undefined {
  if (record.eventName !== "INSERT") return undefined;
  const image = record.dynamodb?.NewImage;
  if (!image) return undefined;
  // Lambda's stream AttributeValue differs from the SDK's only in B (base64 text, not bytes).
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (item.type !== "timeline") return undefined;
  return eventFromEntry(toTimelineEntry(item, record.dynamodb?.SequenceNumber));
}

export function eventsFromStreamRecords(records: DynamoDBRecord[]): DomainEvent[] {
  return records.flatMap((record) => eventFromStreamRecord(record) ?? []);
}

function toTimelineEntry(item: Record<string, unknown>, sequenceNumber: string | undefined): TimelineEntry {
  return validTimelineEntry(
    item,
    `${String(item.pk)} ${String(item.sk)} (stream sequence ${sequenceNumber ?? "?"})`,
  );
}

interface Prepared {
  record: DynamoDBRecord;
  event?: DomainEvent;
  /** Why the record can never be published (it is not a valid timeline entry). */
  poison?: unknown;
}

export interface OutboxDeps {
  log?: Log;
  /**
   * Where records that can never be published go, with their reason (the OutboxDlq queue on
   * Lambda, the dead-letter file locally). Without it, such a record is reported as a failure and
   * stays in the stream (the event source mapping's retries and on-failure destination then apply).
   */
  deadLetters?: DeadLetterSink;
  clock?: { now(): Date };
}

/** The metric name of records the outbox dead-lettered (a structured log field; alarmed on the DLQ). */
export const OUTBOX_DEAD_LETTER_METRIC = "OutboxDeadLetters";

/**
 * Publishes the events of a stream batch and answers like a ReportBatchItemFailures handler:
 * no failures, or the sequence number of the FIRST record whose event was not published. Lambda
 * then retries from that record on, keeping stream order. A record that can never be published
 * (poison: not a valid timeline entry) goes to the dead letters with its reason and the stream
 * moves on; only when it cannot be dead-lettered either is it reported, so it is never dropped.
 */
export async function publishStreamRecords(
  records: DynamoDBRecord[],
  publisher: EventPublisher,
  deps: OutboxDeps = {},
): Promise<DynamoDBBatchResponse> {
  const { log } = deps;
  const prepared = records.map(prepare);
  // Without a dead-letter sink a poison record is a failure: publish only what comes before it.
  const firstPoison = prepared.findIndex((p) => p.poison !== undefined);
  const publishable = deps.deadLetters || firstPoison === -1 ? prepared : prepared.slice(0, firstPoison);
  const publishFailure = await publishPrepared(publishable, publisher);
  let failedIndex = publishFailure?.index;
  let error = publishFailure?.error;
  for (const [index, item] of prepared.entries()) {
    if (item.poison === undefined || (failedIndex !== undefined && index >= failedIndex)) continue;
    const kept = await deadLetter(item, deps);
    if (kept !== true) {
      failedIndex = index;
      error = kept.error;
      break;
    }
  }
  if (failedIndex === undefined) return { batchItemFailures: [] };
  const record = records[failedIndex];
  const sequenceNumber = record?.dynamodb?.SequenceNumber;
  log?.error("outbox: events not published; the stream will retry from the first failed record", {
    sequenceNumber,
    eventId: prepared[failedIndex]?.event?.id,
    failedRecords: records.length - failedIndex,
    records: records.length,
    error,
  });
  if (!sequenceNumber) {
    throw new FirebreakError("stream_record_invalid", "stream record has no SequenceNumber", {
      cause: error,
    });
  }
  return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
}

/** The event of a record, none (not an event), or why it can never be one. */
function prepare(record: DynamoDBRecord): Prepared {
  try {
    return { record, event: eventFromStreamRecord(record) };
  } catch (poison) {
    return { record, poison };
  }
}

/** Sends a poison record to the dead letters: true once kept, else the error (it must be retried). */
async function deadLetter(item: Prepared, deps: OutboxDeps): Promise<true | { error: unknown }> {
  const { record, poison } = item;
  const reason = poison instanceof Error ? poison.message : String(poison);
  if (!deps.deadLetters) return { error: poison };
  try {
    await deps.deadLetters.send({
      source: "outbox",
      reason,
      issues: poison instanceof ValidationError ? poison.issues : [],
      event: {
        eventID: record.eventID,
        eventName: record.eventName,
        sequenceNumber: record.dynamodb?.SequenceNumber,
        keys: record.dynamodb?.Keys,
        newImage: record.dynamodb?.NewImage,
      },
      at: (deps.clock?.now() ?? new Date()).toISOString(),
    });
  } catch (error) {
    deps.log?.error("outbox: a poison record could not be dead-lettered; it stays in the stream", {
      reason,
      error,
    });
    return { error };
  }
  deps.log?.error(
    "outbox: record dead-lettered: it is not a valid timeline entry and can never be published",
    {
      metric: OUTBOX_DEAD_LETTER_METRIC,
      value: 1,
      sequenceNumber: record.dynamodb?.SequenceNumber,
      keys: record.dynamodb?.Keys,
      reason,
    },
  );
  return true;
}

/** The index of the first record whose event was not published, and why; undefined when all were. */
async function publishPrepared(
  prepared: Prepared[],
  publisher: EventPublisher,
): Promise<{ index: number; error: unknown } | undefined> {
  const events = prepared.flatMap((p) => p.event ?? []);
  if (events.length === 0) return undefined;
  try {
    await publisher.publish(events);
    return undefined;
  } catch (error) {
    // A PublishError says exactly which events failed; any other error may have lost any of them.
    const failed = error instanceof PublishError ? error.failedEventIds : new Set(events.map((e) => e.id));
    const index = prepared.findIndex((p) => p.event !== undefined && failed.has(p.event.id));
    return { index: index === -1 ? prepared.findIndex((p) => p.event !== undefined) : index, error };
  }
}
