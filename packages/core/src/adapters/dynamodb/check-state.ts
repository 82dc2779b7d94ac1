import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { TimelineEntry } from "../../incident/timeline";
import { timelineItem } from "./incident/incident-store";

/** Where a scheduled check keeps its state item and its announcements (timeline-free entries). */
export interface CheckStateKeys {
  state: { pk: string; sk: string };
  timeline: (entryId: string) => { pk: string; sk: string };
  /** The state item's `type`. */
  type: string;
}

/**
 * The state of an hourly check that announces what is new once (coverage gaps, error-budget
 * crossings): what it already knows, under optimistic locking, and the announcement written in the
 * same transaction, so a crash can neither announce without remembering nor the reverse, and a
 * concurrent check writes nothing (`save` answers false).
 */
export class DynamoCheckState<Known> {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly where: CheckStateKeys,
  ) {}

  async get(): Promise<{ known: Known[]; version: number } | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.where.state, ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item || !Array.isArray(item.known) || typeof item.version !== "number") return undefined;
    return { known: item.known as Known[], version: item.version };
  }

  async save(known: Known[], expectedVersion: number, announcement?: TimelineEntry): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...this.where.state, type: this.where.type, known, version: expectedVersion + 1 },
                ConditionExpression: expectedVersion === 0 ? "attribute_not_exists(pk)" : "version = :v",
                ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ":v": expectedVersion } }),
              },
            },
            ...(announcement
              ? [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: { ...timelineItem(announcement), ...this.where.timeline(announcement.id) },
                      ConditionExpression: "attribute_not_exists(pk)",
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.some((r) => r.Code === "ConditionalCheckFailed")
      )
        return false;
      throw error;
    }
  }
}
