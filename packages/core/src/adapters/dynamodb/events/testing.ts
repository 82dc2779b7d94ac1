/**
 * Test factories for the outbox: DynamoDB stream records of table items (used by the outbox and
 * stream-poller tests in core/, functions/ and local/). Not used by production code.
 */
import { marshall } from "@aws-sdk/util-dynamodb";
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";

/** The table item the incident store writes for a timeline entry. */
export { timelineItem } from "../incident/incident-store";

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
