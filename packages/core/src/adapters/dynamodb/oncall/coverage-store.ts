import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CoverageStateStore, KnownGap } from "../../../oncall/coverage-alerts";
import { DynamoCheckState } from "../check-state";
import { keys } from "../keys";

/** The coverage check's state (item `COVERAGE` / `STATE`) and its announcements (`COVERAGE` / `TL#<id>`). */
export class DynamoCoverageState extends DynamoCheckState<KnownGap> implements CoverageStateStore {
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName, {
      state: keys.coverageState(),
      timeline: keys.coverageTimeline,
      type: "coverage-state",
    });
  }
}
