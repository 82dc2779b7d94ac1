/**
 * The outbox: the table's DynamoDB stream is the source of domain events. Every timeline entry
 * committed to the table becomes one event on the bus, so a committed change can never lose its
 * event. Delivery is at least once (consumers deduplicate on the event id, the entry's ULID).
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBRecord } from "aws-lambda";
import * as z from "zod/mini";
import "../shared/zod-locale";
import type { Actor } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { FirebreakError, issuesFromZod, ValidationError } from "../shared/errors";
import type { Log } from "../shared/log";
import { type DomainEvent, type EventPublisher, eventFromEntry, PublishError } from "./publisher";

const actorSchema = z.custom<Actor>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    "type" in value &&
    typeof value.type === "string" &&
    "id" in value &&
    typeof value.id === "string",
  { message: "expected an actor { type, id }" },
);

/** The TimelineEntry fields of a timeline item; storage attributes (pk, sk, type) are stripped. */
const timelineEntrySchema = z.object({
  id: z.string().check(z.minLength(1)),
  incidentId: z.string().check(z.minLength(1)),
  kind: z.string().check(z.minLength(1)),
  actor: actorSchema,
  at: z.string().check(z.minLength(1)),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()),
});

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
  const parsed = timelineEntrySchema.safeParse(item);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error.issues);
  const where = `${String(item.pk)} ${String(item.sk)} (stream sequence ${sequenceNumber ?? "?"})`;
  throw new ValidationError(`timeline item ${where} is not a timeline entry`, issues);
}

interface Prepared {
  record: DynamoDBRecord;
  event?: DomainEvent;
}

/**
 * Publishes the events of a stream batch and answers like a ReportBatchItemFailures handler:
 * no failures, or the sequence number of the FIRST record whose event was not published (or
 * could not be read). Lambda then retries from that record on, keeping stream order.
 */
export async function publishStreamRecords(
  records: DynamoDBRecord[],
  publisher: EventPublisher,
  log?: Log,
): Promise<DynamoDBBatchResponse> {
  const { prepared, unreadable } = prepare(records);
  const publishFailure = await publishPrepared(prepared, publisher);
  const failedIndex = publishFailure?.index ?? (unreadable ? prepared.length : undefined);
  if (failedIndex === undefined) return { batchItemFailures: [] };
  const error = publishFailure?.error ?? unreadable?.error;
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

/** Events of the records up to the first unreadable one (records after it wait for the retry). */
function prepare(records: DynamoDBRecord[]): { prepared: Prepared[]; unreadable?: { error: unknown } } {
  const prepared: Prepared[] = [];
  for (const record of records) {
    try {
      prepared.push({ record, event: eventFromStreamRecord(record) });
    } catch (error) {
      return { prepared, unreadable: { error } };
    }
  }
  return { prepared };
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
