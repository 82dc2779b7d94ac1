import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { type BackoffOptions, backoffDelay, sleep } from "@firebreak/core/shared/retry";

/** The listed fields of a stored item (table keys and index attributes left behind). */
export function pickFields<T>(item: Record<string, unknown>, fields: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (item[field] !== undefined) out[field] = item[field];
  return out as T;
}

/** Every item of one partition, following `LastEvaluatedKey` (the small partitions of settings-like items). */
/** Between rounds of keys a BatchGetItem left unprocessed: 20 ms doubling, ≤ 200 ms. */
const UNPROCESSED_BACKOFF: BackoffOptions = { baseMs: 20, maxMs: 200 };

export async function queryPartition(
  db: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  options: { consistent?: boolean; prefix?: string } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        ...(options.prefix
          ? {
              KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
              ExpressionAttributeValues: { ":pk": pk, ":prefix": options.prefix },
            }
          : { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk } }),
        ...(options.consistent ? { ConsistentRead: true } : {}),
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Items by key, 100 keys per BatchGetItem (its limit), unprocessed keys retried with a jittered
 * backoff. In no particular order; a key with no item is absent. `attributes` reads only those
 * (a projection: the list reads a few fields of large items).
 */
export async function batchGetItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  wanted: readonly Record<string, unknown>[],
  options: { consistent?: boolean; attributes?: readonly string[] } = {},
): Promise<Record<string, unknown>[]> {
  const projection = options.attributes
    ? {
        ProjectionExpression: options.attributes.map((_, i) => `#a${i}`).join(", "),
        ExpressionAttributeNames: Object.fromEntries(options.attributes.map((a, i) => [`#a${i}`, a])),
      }
    : {};
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < wanted.length; start += 100) {
    let pending = wanted.slice(start, start + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      // Keys DynamoDB left unprocessed (throttling) are asked for again, after a backoff.
      if (attempt > 0) await sleep(backoffDelay(attempt, UNPROCESSED_BACKOFF));
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ...(options.consistent ? { ConsistentRead: true } : {}),
              ...projection,
            },
          },
        }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
}

/** The next value of an atomic counter item (its `value`): a lost create leaves a gap, never a duplicate. */
export async function nextCounterValue(
  db: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, string>,
): Promise<number> {
  const out = await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: "ADD #n :one",
      ExpressionAttributeNames: { "#n": "value" },
      ExpressionAttributeValues: { ":one": 1 },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  return Number(out.Attributes?.value);
}
