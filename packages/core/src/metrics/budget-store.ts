import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { TimelineEntry } from "../incident/timeline";
import { timelineItem } from "../storage/incident-store";
import { keys } from "../storage/keys";
import type { BudgetState, BudgetStateStore } from "./budget-alerts";

/** The error-budget check's state (item `BUDGETS` / `STATE`) and its announcements (`BUDGETS` / `TL#<id>`). */
export class DynamoBudgetState implements BudgetStateStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(): Promise<BudgetState | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.budgetState(), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item || !Array.isArray(item.known) || typeof item.version !== "number") return undefined;
    return { known: item.known as string[], version: item.version };
  }

  async save(known: string[], expectedVersion: number, announcement?: TimelineEntry): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.budgetState(),
                  type: "budget-state",
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
                      Item: { ...timelineItem(announcement), ...keys.budgetTimeline(announcement.id) },
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
