/**
 * DynamoDB stream records as Lambda's event source mapping delivers them (stream-poller.ts): the
 * SDK's record → Lambda's (epoch-second times, base64 binary), and which record a batch response
 * says to retry from.
 */
import type {
  AttributeValue as StreamAttributeValue,
  _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import { FirebreakError } from "@firebreak/core/shared/errors";
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  AttributeValue as LambdaAttributeValue,
} from "aws-lambda";

/**
 * Lambda's rule: the batch is retried from the lowest failed record; an identifier that names
 * no record of the batch fails the whole batch.
 */
export function firstFailedRecord(
  records: DynamoDBRecord[],
  response: DynamoDBBatchResponse | undefined,
): number | undefined {
  const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  if (failed.size === 0) return undefined;
  const index = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ""));
  return index === -1 ? 0 : index;
}

/** A stream record as the SDK returns it → as Lambda delivers it (epoch-second times, base64 binary). */
export function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const stream = record.dynamodb;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
    dynamodb: stream && {
      ApproximateCreationDateTime: stream.ApproximateCreationDateTime
        ? Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: toLambdaImage(stream.Keys),
      NewImage: toLambdaImage(stream.NewImage),
      OldImage: toLambdaImage(stream.OldImage),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
  };
}

function toLambdaImage(
  image: Record<string, StreamAttributeValue> | undefined,
): Record<string, LambdaAttributeValue> | undefined {
  if (!image) return undefined;
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

function toLambdaValue(value: StreamAttributeValue): LambdaAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) ?? {} };
  // The Streams client deserializes an empty map `{"M":{}}` as `{}` (no member set). Nothing else
  // can be empty (sets never are), so `{}` is an empty map; refusing it stalled the shard for good.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new FirebreakError(
    "unsupported_attribute",
    `unsupported stream attribute value: ${JSON.stringify(value)}`,
  );
}
