import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { TimelineEntry } from "../incident/timeline";
import { timelineItem } from "../storage/incident-store";
import { keys } from "../storage/keys";
import type { CoverageState, CoverageStateStore, KnownGap } from "./coverage-alerts";

/** The coverage check's state (item `COVERAGE` / `STATE`) and its announcements (`COVERAGE` / `TL#<id>`). */
export class DynamoCoverageState implements CoverageStateStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(): Promise<CoverageState | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.coverageState(), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item || !Array.isArray(item.known) || typeof item.version !== "number") return undefined;
    return { known: item.known as KnownGap[], version: item.version };
  }

  async save(known: KnownGap[], expectedVersion: number, announcement?: TimelineEntry): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.coverageState(),
                  type: "coverage-state",
                  known,
                  version: expectedVersion + 1,
                },
                ConditionExpression: expectedVersion === 0 ? "attribute_not_exists(pk)" : "version = :v",
                ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ":v": expectedVersion } }),
              },
            },
            ...(announcement
              ? [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: { ...timelineItem(announcement), ...keys.coverageTimeline(announcement.id) },
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
