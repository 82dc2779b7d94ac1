import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Change } from "../../../changes/change";
import type { TimelineEntry } from "../../../incident/timeline";
import { validTimelineEntry } from "../../../incident/timeline-schema";
import type { ChangeRepository } from "../../../ports";
import { pickFields } from "../items";
import { keys } from "../keys";

const FIELDS = ["id", "service", "summary", "link", "at", "source", "recordedAt", "recordedBy"] as const;

/** Changes kept this long (DynamoDB TTL): they explain incidents that start soon after them. */
export const CHANGE_TTL_SECONDS = 90 * 86_400;

/**
 * Changes by service (item `CHANGES#<service>` / `CHANGE#<at>#<id>`), each written with its domain
 * event (`change.recorded`, `CHANGES` / `TL#<entry>`) in one transaction: the same change id twice
 * (a redelivered AWS event) is one change and one event.
 */
export class ChangeStore implements ChangeRepository {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** Records it; false when a change with its id, service and time exists already. */
  async record(change: Change, entry: TimelineEntry): Promise<boolean> {
    validTimelineEntry(entry, `${entry.id} of change ${change.id}`);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.change(change.service, change.at, change.id),
                  type: "change",
                  ...change,
                  expiresAt: Math.floor(Date.parse(change.recordedAt) / 1000) + CHANGE_TTL_SECONDS,
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.changeTimeline(entry.id), type: "timeline", ...entry },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed"
      )
        return false;
      throw error;
    }
  }

  /** The service's changes in [from, to], newest first, at most `limit`. */
  async between(service: string, from: string, to: string, limit = 20): Promise<Change[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": keys.changePartition(service),
          ":from": keys.changeRange(from, to).from,
          ":to": keys.changeRange(from, to).to,
        },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => pickFields<Change>(item, FIELDS));
  }

  /**
   * The changes to each of `services` in [from, to], newest first: bounded reads, one query of at
   * most `perService` items for each of the first `maxServices` distinct services.
   */
  async forServices(
    services: readonly string[],
    from: string,
    to: string,
    { perService = 20, maxServices = 5 }: { perService?: number; maxServices?: number } = {},
  ): Promise<Change[]> {
    const lists = await Promise.all(
      [...new Set(services)].slice(0, maxServices).map((s) => this.between(s, from, to, perService)),
    );
    return lists.flat().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }
}
