import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { BudgetStateStore } from "../../../metrics/budget-alerts";
import { DynamoCheckState } from "../check-state";
import { keys } from "../keys";

/** The error-budget check's state (item `BUDGETS` / `STATE`) and its announcements (`BUDGETS` / `TL#<id>`). */
export class DynamoBudgetState extends DynamoCheckState<string> implements BudgetStateStore {
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName, { state: keys.budgetState(), timeline: keys.budgetTimeline, type: "budget-state" });
  }
}
