/**
 * The items of the incident store's transactions (TransactWriteItems), as pure functions of the
 * table name: appends that only create, alarm Puts and releases, incident Updates and Puts
 * conditioned on the version read. Which items, in which order, is the writer's (incident-store.ts).
 */
import type { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { AlarmRecord } from "../../../alarm/record";
import type { Incident, IncidentStatus, RelatedAlarm } from "../../../incident/model";
import type { TimelineEntry } from "../../../incident/timeline";
import { keys, RESOLVED_PARTITION, resolvedSortKey } from "../keys";
import { alarmItem, incidentItem, timelineItem } from "./incident-items";

export type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]
>[number];

/** A Put that only creates (never overwrites) an item: the shape of every append. */
export function putNew(tableName: string, item: Record<string, unknown>): TransactItem {
  return {
    Put: { TableName: tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" },
  };
}

/** The incident, its INC-<n> lookup item and its first timeline entries, all created new. */
export function newIncidentItems(
  tableName: string,
  incident: Incident,
  entries: TimelineEntry[],
): TransactItem[] {
  return [
    putNew(tableName, incidentItem(incident)),
    putNew(tableName, { ...keys.incidentNumber(incident.number), type: "number", incidentId: incident.id }),
    ...entries.map((entry) => putNew(tableName, timelineItem(entry))),
  ];
}

export function alarmPut(
  tableName: string,
  record: AlarmRecord,
  expectedVersion: number | undefined,
): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: alarmItem(record),
      ConditionExpression: expectedVersion === undefined ? "attribute_not_exists(pk)" : "version = :v",
      ...(expectedVersion === undefined ? {} : { ExpressionAttributeValues: { ":v": expectedVersion } }),
    },
  };
}

/** Lists the alarm on the open incident it joins (never a resolved one). */
export function attachAlarm(
  tableName: string,
  attach: { incidentId: string; alarm: RelatedAlarm; flapping?: boolean },
): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.incident(attach.incidentId),
      UpdateExpression: `SET relatedAlarms = list_append(if_not_exists(relatedAlarms, :none), :alarm), updatedAt = :at, version = version + :one${attach.flapping ? ", flapping = :true" : ""}`,
      ConditionExpression: "attribute_exists(pk) AND #status <> :resolved",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":none": [],
        ":alarm": [attach.alarm],
        ":at": attach.alarm.at,
        ":one": 1,
        ":resolved": "resolved",
        ...(attach.flapping ? { ":true": true } : {}),
      },
    },
  };
}

/** Another alarm record, unchanged since it was read; released from the incident when asked. */
export function otherAlarmItem(
  tableName: string,
  other: { arn: string; version: number; release?: { at: string } },
): TransactItem {
  if (!other.release)
    return {
      ConditionCheck: {
        TableName: tableName,
        Key: keys.alarm(other.arn),
        ConditionExpression: "version = :v",
        ExpressionAttributeValues: { ":v": other.version },
      },
    };
  return {
    Update: {
      TableName: tableName,
      Key: keys.alarm(other.arn),
      UpdateExpression: "SET version = version + :one, lastIncidentResolvedAt = :at REMOVE openIncidentId",
      ConditionExpression: "version = :v",
      ExpressionAttributeValues: { ":v": other.version, ":one": 1, ":at": other.release.at },
    },
  };
}

export function incidentUpdate(
  tableName: string,
  update: {
    incidentId: string;
    at: string;
    flapping?: boolean;
    status?: { from: IncidentStatus; to: IncidentStatus; expectedVersion: number };
    open?: boolean;
  },
): TransactItem {
  const set = ["updatedAt = :at"];
  const remove: string[] = [];
  const values: Record<string, unknown> = { ":at": update.at };
  const names: Record<string, string> = {};
  let condition = "attribute_exists(pk)";
  const bump = update.flapping || update.status;
  if (update.open) {
    names["#status"] = "status";
    values[":resolved"] = "resolved";
    condition += " AND #status <> :resolved";
  }
  if (update.flapping) {
    set.push("flapping = :true");
    values[":true"] = true;
  }
  if (update.status) {
    names["#status"] = "status";
    set.push("#status = :to");
    values[":to"] = update.status.to;
    values[":v"] = update.status.expectedVersion;
    condition += " AND version = :v";
    if (update.status.to === "resolved") {
      set.push("resolvedAt = :at", "resolvedPk = :resolvedPk", "resolvedSk = :resolvedSk");
      values[":resolvedPk"] = RESOLVED_PARTITION;
      values[":resolvedSk"] = resolvedSortKey(update.at, update.incidentId);
      remove.push("openPk", "openSk");
    }
  }
  if (bump) {
    set.push("version = version + :one");
    values[":one"] = 1;
  }
  return {
    Update: {
      TableName: tableName,
      Key: keys.incident(update.incidentId),
      UpdateExpression: `SET ${set.join(", ")}${remove.length ? ` REMOVE ${remove.join(", ")}` : ""}`,
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    },
  };
}

/** The changed incident, conditioned on the version read (the old item on failure), and its new entries. */
export function changedIncidentItems(
  tableName: string,
  change: {
    before: Incident;
    after: Incident;
    entries: TimelineEntry[];
  },
): TransactItem[] {
  return [
    {
      Put: {
        TableName: tableName,
        Item: incidentItem(change.after),
        ConditionExpression: "version = :v",
        ExpressionAttributeValues: { ":v": change.before.version },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    },
    ...change.entries.map((entry) => putNew(tableName, timelineItem(entry))),
  ];
}
