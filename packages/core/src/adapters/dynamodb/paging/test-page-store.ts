/**
 * The DynamoDB adapter of test pages (paging/test-pages.ts), in a partition of their own, never an
 * incident's:
 *
 *   TESTPAGE#<id> / META           the request: target, the people resolved, who asked, when
 *   TESTPAGE#<id> / SEND#<sendId>  one method of one person: its status, error, times, its ack
 *   TESTPAGE#<id> / TL#<entryId>   the `page.test_requested` entry (the outbox publishes it)
 *   TESTPAGERATE#<personId> / RATE when that person was last sent a test page (the rate limit)
 *
 * Every item expires (TTL `expiresAt`) 30 days after the request. Every write that must happen
 * once is conditional; SDK exceptions are translated here, and only here. Writing a request is
 * `TestPageRequestStore` (test-page-request-store.ts), apart so that the test sender and the
 * Ack function, which only send and acknowledge, do not carry it.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type {
  TestAckVia,
  TestPageRecord,
  TestPageSend,
  TestSendOutcome,
} from "../../../paging/test-page-records";
import type { TestPageRepository } from "../../../ports";
import { keys } from "../keys";

export const TEST_PAGE_RETENTION_SECONDS = 30 * 24 * 3600;

export class TestPageStore implements TestPageRepository {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The test page and its sends (a strongly consistent Query of its partition), or undefined. */
  async get(id: string): Promise<{ record: TestPageRecord; sends: TestPageSend[] } | undefined> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.testPagePartition(id) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    const meta = items.find((i) => i.type === "test_page");
    if (!meta) return undefined;
    return {
      record: recordOf(meta),
      sends: items.filter((i) => i.type === "test_page_send").map(sendOf),
    };
  }

  /** When a person was last sent a test page, and which (the rate-limit item), or undefined. */
  async lastFor(personId: string): Promise<{ testPageId: string; at: string } | undefined> {
    const found = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.testPageRate(personId), ConsistentRead: true }),
    );
    const item = found.Item;
    return item && typeof item.testPageId === "string" && typeof item.lastAt === "string"
      ? { testPageId: item.testPageId, at: item.lastAt }
      : undefined;
  }

  /** One send, by its id (an ack link's), or undefined. */
  async getSend(id: string, sendId: string): Promise<TestPageSend | undefined> {
    const found = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.testPageSend(id, sendId), ConsistentRead: true }),
    );
    return found.Item ? sendOf(found.Item) : undefined;
  }

  /**
   * Takes a send for sending: `pending`, or `sending` since `staleBefore` (its sender died). False
   * when it is recorded already or another sender holds it.
   */
  async claimSend(id: string, sendId: string, at: string, staleBefore: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.testPageSend(id, sendId),
          UpdateExpression: "SET #status = :sending, claimedAt = :at ADD sends :one",
          ConditionExpression:
            "attribute_exists(pk) AND (#status = :pending OR (#status = :sending AND claimedAt <= :stale))",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":sending": "sending",
            ":pending": "pending",
            ":at": at,
            ":stale": staleBefore,
            ":one": 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Records a claimed send's outcome; never over a `delivered` one. False when it was not recorded. */
  async recordSend(id: string, sendId: string, outcome: TestSendOutcome): Promise<boolean> {
    const values: Record<string, unknown> = {
      ":status": outcome.status,
      ":at": outcome.at,
      ":delivered": "delivered",
    };
    const sets = ["#status = :status"];
    if (outcome.status === "delivered") {
      sets.push("deliveredAt = :at", "attempts = :attempts", "providerId = :provider");
      values[":attempts"] = outcome.attempts;
      values[":provider"] = outcome.providerId;
    } else {
      sets.push("failedAt = :at", "#error = :error");
      values[":error"] = outcome.error;
      if (outcome.status === "failed") {
        sets.push("attempts = :attempts");
        values[":attempts"] = outcome.attempts;
      }
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.testPageSend(id, sendId),
          UpdateExpression: `SET ${sets.join(", ")}${outcome.status === "delivered" ? " REMOVE #error" : ""}`,
          ConditionExpression: "attribute_exists(pk) AND #status <> :delivered",
          ExpressionAttributeNames: { "#status": "status", "#error": "error" },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Records the send's acknowledgement, once: false when it was acknowledged already. */
  async acknowledge(id: string, sendId: string, at: string, via: TestAckVia): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.testPageSend(id, sendId),
          UpdateExpression: "SET acknowledgedAt = :at, acknowledgedVia = :via",
          ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(acknowledgedAt)",
          ExpressionAttributeValues: { ":at": at, ":via": via },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function isConditionFailure(error: unknown): boolean {
  return (error as Error | undefined)?.name === "ConditionalCheckFailedException";
}

function recordOf(item: Record<string, unknown>): TestPageRecord {
  const { id, target, people, requestedBy, requestedAt } = item as unknown as TestPageRecord;
  return { id, target, people, requestedBy, requestedAt };
}

const SEND_FIELDS = [
  "testPageId",
  "sendId",
  "personId",
  "method",
  "status",
  "sends",
  "claimedAt",
  "deliveredAt",
  "failedAt",
  "attempts",
  "providerId",
  "error",
  "acknowledgedAt",
  "acknowledgedVia",
] as const;

function sendOf(item: Record<string, unknown>): TestPageSend {
  const out: Record<string, unknown> = {};
  for (const field of SEND_FIELDS) if (item[field] !== undefined) out[field] = item[field];
  out.sends = typeof item.sends === "number" ? item.sends : Number(item.sends ?? 0);
  return out as unknown as TestPageSend;
}
