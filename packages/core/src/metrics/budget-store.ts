import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoCheckState } from "../adapters/dynamodb/check-state";
import { keys } from "../adapters/dynamodb/keys";
import type { BudgetStateStore } from "./budget-alerts";

/** The error-budget check's state (item `BUDGETS` / `STATE`) and its announcements (`BUDGETS` / `TL#<id>`). */
export class DynamoBudgetState extends DynamoCheckState<string> implements BudgetStateStore {
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName, { state: keys.budgetState(), timeline: keys.budgetTimeline, type: "budget-state" });
  }
}
