/**
 * Test factories for the events folder (used by its tests and by the outbox and stream-poller
 * tests in functions/ and local/). Not used by production code.
 */
import { marshall } from "@aws-sdk/util-dynamodb";
import { newId } from "@firebreak/core/shared/ids";
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import type { TimelineEntry } from "../incident/timeline";
import { type DomainEvent, eventFromEntry } from "./publisher";

export function timelineEntry(overrides: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: newId(),
    incidentId: "01JINCIDENT0000000000000000",
    kind: "incident.declared",
    actor: { type: "system", id: "firebreak" },
    at: "2026-03-14T09:42:13.274Z",
    summary: "Incident declared",
    data: { severity: "SEV2" },
    ...overrides,
  };
}

export function domainEvent(overrides: Partial<TimelineEntry> = {}): DomainEvent {
  return eventFromEntry(timelineEntry(overrides));
}

/** The table item the incident store writes for a timeline entry. */
export { timelineItem } from "../adapters/dynamodb/incident/incident-store";

let sequence = 100;

/** A stream record as Lambda delivers it (NEW_AND_OLD_IMAGES). */
export function streamRecord(
  eventName: "INSERT" | "MODIFY" | "REMOVE",
  item: Record<string, unknown>,
): DynamoDBRecord {
  const image = marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;
  const keyImage = marshall({ pk: item.pk, sk: item.sk }) as Record<string, AttributeValue>;
  return {
    eventID: `evt-${sequence}`,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "eu-west-1",
    eventSourceARN: "arn:aws:dynamodb:eu-west-1:123456789012:table/firebreak/stream/2026-03-14T00:00:00.000",
    dynamodb: {
      ApproximateCreationDateTime: 1_773_481_333,
      Keys: keyImage,
      ...(eventName === "REMOVE" ? {} : { NewImage: image }),
      ...(eventName === "INSERT" ? {} : { OldImage: image }),
      SequenceNumber: String(sequence++).padStart(21, "0"),
      SizeBytes: 200,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
  };
}
