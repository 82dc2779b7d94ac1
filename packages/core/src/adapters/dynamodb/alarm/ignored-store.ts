/**
 * Ignored alarms (alarm/ignore.ts): one item per alarm, `IGNORED` / `ALARM#<arn>`, counting its
 * transitions and keeping the last one. Written in the ingest's own transaction (with the delivery
 * and transition keys, so a redelivery or another channel's copy is not counted twice); read by
 * `GET /api/alarms/ignored` and `firebreak alarms ignored`.
 */
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { IgnoreDecision, IgnoreKind } from "../../../alarm/ignore";
import type { AlarmState, AlarmTransition } from "../../../alarm/transition";
import { IGNORED_PARTITION, keys } from "../keys";

export { IGNORED_PARTITION };

export const ignoredAlarmKey = keys.ignoredAlarm;

export interface IgnoredAlarm {
  arn: string;
  name: string;
  account: string;
  region: string;
  kind: IgnoreKind;
  reason: string;
  /** Transitions ignored (each counted once, whichever channel delivered it). */
  count: number;
  lastState: AlarmState;
  lastStateTimestamp: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** The Update (Key, expression) that counts one ignored transition. */
export function ignoredAlarmUpdate(change: {
  transition: AlarmTransition;
  decision: IgnoreDecision;
  at: string;
}) {
  const t = change.transition;
  return {
    Key: ignoredAlarmKey(t.alarmArn),
    UpdateExpression:
      "SET #type = :type, arn = :arn, #name = :name, account = :account, #region = :region, kind = :kind, reason = :reason, lastState = :state, lastStateTimestamp = :ts, lastSeenAt = :at, firstSeenAt = if_not_exists(firstSeenAt, :at) ADD #count :one",
    ExpressionAttributeNames: { "#type": "type", "#name": "name", "#region": "region", "#count": "count" },
    ExpressionAttributeValues: {
      ":type": "ignored_alarm",
      ":arn": t.alarmArn,
      ":name": t.alarmName,
      ":account": t.account,
      ":region": t.region,
      ":kind": change.decision.kind,
      ":reason": change.decision.reason,
      ":state": t.state,
      ":ts": t.stateTimestamp,
      ":at": change.at,
      ":one": 1,
    },
  };
}

const FIELDS = [
  "arn",
  "name",
  "account",
  "region",
  "kind",
  "reason",
  "count",
  "lastState",
  "lastStateTimestamp",
  "firstSeenAt",
  "lastSeenAt",
] as const;

export class IgnoredAlarmStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every ignored alarm, most recently seen first (at most `limit`, default 500). */
  async list(limit = 500): Promise<IgnoredAlarm[]> {
    const items: IgnoredAlarm[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": IGNORED_PARTITION },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        items.push(Object.fromEntries(FIELDS.map((f) => [f, item[f]])) as unknown as IgnoredAlarm);
      }
      start = page.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items.sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt)).slice(0, limit);
  }
}
