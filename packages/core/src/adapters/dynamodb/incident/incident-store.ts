/**
 * The incident store's writes: alarm changes and incident changes in conditioned transactions,
 * delivery keys, the incident counter, releases of alarms and timeline rewrites. The reads are its
 * base class (incident-reads-store.ts); the items, lists and error translation are their own
 * modules, and the store's public exports are re-exported here.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { VersionConflictError } from "@firebreak/core/shared/errors";
import { type DeliveryKey, RELEASES_IN_TRANSACTION } from "../../../alarm/record";
import {
  AlarmReleasedError,
  ConcurrentChangeError,
  DuplicateDeliveryError,
  RelatedAlarmsReleasedError,
} from "../../../incident/errors";
import type { Incident } from "../../../incident/model";
import type { TimelineEntry } from "../../../incident/timeline";
import { validTimelineEntry } from "../../../incident/timeline-schema";
import type { AlarmChange, IncidentChange, IncidentRepository } from "../../../ports";
import { ignoredAlarmUpdate } from "../alarm/ignored-store";
import { keys } from "../keys";
import { permanentStorageError, translateTransactionError } from "../store-errors";
import { deliveryItem, incidentItem, timelineItem } from "./incident-items";
import { IncidentReads } from "./incident-reads-store";
import {
  alarmPut,
  attachAlarm,
  changedIncidentItems,
  incidentUpdate,
  newIncidentItems,
  otherAlarmItem,
  putNew,
  type TransactItem,
} from "./incident-transact-items";

export { permanentStorageError } from "../store-errors";
export { deliveryItem, incidentItem, timelineItem } from "./incident-items";
export { decodeCursor, encodeCursor } from "./incident-list";

import { nextCounterValue } from "../items";

/**
 * The DynamoDB adapter for incidents, timelines, alarm records and idempotency keys. It runs
 * unchanged against AWS and DynamoDB Local. SDK exceptions are translated here, and only here.
 */
export class IncidentStore extends IncidentReads implements IncidentRepository {
  /**
   * Ends the hold of these alarms on a resolved incident, each only while it still holds it (one
   * that no longer does is left alone). What did not fit in the resolving transaction
   * (`RELEASES_IN_TRANSACTION`) is released here right after it; a crash in between leaves holds
   * on a resolved incident, which the ingest treats as released (alarm/ingest.ts).
   */
  async releaseAlarms(arns: readonly string[], incidentId: string, at: string): Promise<void> {
    const queue = [...arns];
    const worker = async () => {
      for (let arn = queue.shift(); arn !== undefined; arn = queue.shift()) {
        await this.db
          .send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: keys.alarm(arn),
              UpdateExpression:
                "SET version = version + :one, lastIncidentResolvedAt = :at REMOVE openIncidentId",
              ConditionExpression: "openIncidentId = :id",
              ExpressionAttributeValues: { ":one": 1, ":at": at, ":id": incidentId },
            }),
          )
          .catch((error: Error) => {
            if (error.name !== "ConditionalCheckFailedException") throw error;
          });
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  }

  /** Atomically allocates the next human incident number. */
  async allocateNumber(): Promise<number> {
    return nextCounterValue(this.db, this.tableName, keys.counter());
  }

  /** Records a delivery that changes nothing else. Throws DuplicateDeliveryError if already seen. */
  async markDelivered(delivery: DeliveryKey): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: deliveryItem(delivery),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException")
        throw new DuplicateDeliveryError(delivery.id);
      throw permanentStorageError(error);
    }
  }

  /**
   * Writes, in one transaction: the delivery key, the alarm record (conditioned on the version
   * we read), and the incident changes. Exactly-once per delivery and one incident per episode
   * both follow from the conditions.
   */
  async commitAlarmChange(change: AlarmChange): Promise<void> {
    const items: TransactItem[] = [putNew(this.tableName, deliveryItem(change.delivery))];
    // Index 1: the transition's own key, so that another channel's copy of it is a duplicate.
    const t = change.delivery.transition;
    if (t) {
      items.push(
        putNew(this.tableName, {
          ...keys.transition(t.arn, t.state, t.stateTimestamp),
          type: "transition",
          expiresAt: change.delivery.expiresAt,
          deliveryId: change.delivery.id,
        }),
      );
    }
    if (change.record) items.push(alarmPut(this.tableName, change.record, change.expectedRecordVersion));
    if (change.ignored)
      items.push({ Update: { TableName: this.tableName, ...ignoredAlarmUpdate(change.ignored) } });
    if (change.update) items.push(incidentUpdate(this.tableName, change.update));
    if (change.attach) items.push(attachAlarm(this.tableName, change.attach));
    for (const other of change.otherAlarms ?? []) items.push(otherAlarmItem(this.tableName, other));
    if (change.claimGroup && change.newIncident) {
      const { key, previous } = change.claimGroup;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.alarmGroup(key), type: "alarmGroup", incidentId: change.newIncident.id, key },
          ConditionExpression: previous
            ? "attribute_not_exists(pk) OR incidentId = :prev"
            : "attribute_not_exists(pk)",
          ...(previous ? { ExpressionAttributeValues: { ":prev": previous } } : {}),
        },
      });
    }
    if (change.reopened) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: incidentItem(change.reopened.after),
          ConditionExpression: "version = :v",
          ExpressionAttributeValues: { ":v": change.reopened.expectedVersion },
        },
      });
    }
    const counterIndex = change.newIncident && change.numberClaim ? items.length : -1;
    if (change.newIncident && change.numberClaim) {
      const { after } = change.numberClaim;
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.counter(),
          UpdateExpression: "SET #n = :next",
          ConditionExpression: after === 0 ? "attribute_not_exists(#n) OR #n = :after" : "#n = :after",
          ExpressionAttributeNames: { "#n": "value" },
          ExpressionAttributeValues: { ":next": change.newIncident.number, ":after": after },
        },
      });
    }
    if (change.newIncident)
      items.push(...newIncidentItems(this.tableName, change.newIncident, change.entries));
    else items.push(...change.entries.map((entry) => putNew(this.tableName, timelineItem(entry))));
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const counterCode =
        error instanceof TransactionCanceledException
          ? error.CancellationReasons?.[counterIndex]?.Code
          : undefined;
      // Lost to another writer of the counter: its value moved, or a transaction held it.
      if (counterCode === "ConditionalCheckFailed" || counterCode === "TransactionConflict")
        this.counterContendedAt = Date.now();
      throw translateTransactionError(error, change.delivery.id, Boolean(t));
    }
  }

  /** Writes a new incident (declared by a person), its number and its first entries. */
  async createIncident(incident: Incident, entries: TimelineEntry[]): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({ TransactItems: newIncidentItems(this.tableName, incident, entries) }),
    );
  }

  /**
   * Saves a changed incident with its timeline entries, conditioned on the version that was
   * read (optimistic locking). On resolve, also frees the alarm so its next ALARM opens a new
   * episode. Throws VersionConflictError carrying the current version when someone else won.
   */
  async commitIncidentChange(
    change: IncidentChange & { releaseAlarm?: { arn: string; at: string } },
  ): Promise<void> {
    // The alarms grouped into it are freed with it, each only while it still holds this incident
    // (one that no longer does is left alone, and the rest are freed all the same).
    const resolving = change.after.status === "resolved" && change.before.status !== "resolved";
    const all = resolving ? (change.before.relatedAlarms ?? []).map((a) => a.arn) : [];
    // A transaction holds at most 100 items: the first ones are freed in it, the rest right after.
    let related = all.slice(0, RELEASES_IN_TRANSACTION);
    const after = all.slice(RELEASES_IN_TRANSACTION);
    for (;;) {
      try {
        await this.commitIncidentChangeOnce(change, related);
        break;
      } catch (error) {
        if (!(error instanceof RelatedAlarmsReleasedError)) throw error;
        related = related.filter((arn) => !error.arns.includes(arn));
      }
    }
    if (after.length > 0)
      await this.releaseAlarms(
        after,
        change.after.id,
        change.releaseAlarm?.at ?? change.after.resolvedAt ?? change.after.updatedAt,
      );
  }

  private async commitIncidentChangeOnce(
    change: Parameters<IncidentStore["commitIncidentChange"]>[0],
    related: string[],
  ): Promise<void> {
    const items: TransactItem[] = changedIncidentItems(this.tableName, change);
    if (change.releaseAlarm) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.alarm(change.releaseAlarm.arn),
          UpdateExpression:
            "SET version = version + :one, lastIncidentResolvedAt = :at REMOVE openIncidentId",
          ConditionExpression: "openIncidentId = :id",
          ExpressionAttributeValues: { ":one": 1, ":at": change.releaseAlarm.at, ":id": change.after.id },
        },
      });
    }
    const firstRelated = items.length;
    for (const arn of related) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.alarm(arn),
          UpdateExpression:
            "SET version = version + :one, lastIncidentResolvedAt = :at REMOVE openIncidentId",
          ConditionExpression: "openIncidentId = :id",
          ExpressionAttributeValues: {
            ":one": 1,
            ":at": change.releaseAlarm?.at ?? change.after.resolvedAt ?? change.after.updatedAt,
            ":id": change.after.id,
          },
        },
      });
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === "ConditionalCheckFailed") {
        const current = reasons[0].Item?.version;
        const version = current && "N" in current ? Number(current.N) : undefined;
        throw new VersionConflictError(
          `INC-${change.before.number} changed since version ${change.before.version} was read`,
          version,
          { cause: error },
        );
      }
      const freed = related.filter((_, i) => reasons[firstRelated + i]?.Code === "ConditionalCheckFailed");
      if (freed.length > 0) throw new RelatedAlarmsReleasedError(freed);
      if (change.releaseAlarm && reasons[firstRelated - 1]?.Code === "ConditionalCheckFailed") {
        throw new AlarmReleasedError(change.releaseAlarm.arn);
      }
      throw new ConcurrentChangeError(`INC-${change.before.number}`, { cause: error });
    }
  }

  /**
   * Saves several changed incidents together (a merge, a link), each conditioned on the version
   * that was read, with their timeline entries; `moveAlarms` re-points alarms from one incident to
   * another, each only while it still points at `from`. An alarm that no longer does is left out
   * (`moved` says which were moved) and the rest are saved all the same. Throws
   * VersionConflictError when any incident changed since it was read.
   */
  async commitIncidentChanges(
    changes: IncidentChange[],
    moveAlarms?: { arns: string[]; from: string; to: string },
    /** Rebuilds the changes for the alarms that could be moved (when some could not). */
    rebuild?: (moved: string[]) => IncidentChange[],
  ): Promise<{ moved: string[] }> {
    let arns = moveAlarms?.arns ?? [];
    let current = changes;
    for (;;) {
      const items: TransactItem[] = current.flatMap((change) => changedIncidentItems(this.tableName, change));
      const firstAlarm = items.length;
      for (const arn of arns)
        items.push({
          Update: {
            TableName: this.tableName,
            Key: keys.alarm(arn),
            UpdateExpression: "SET version = version + :one, openIncidentId = :to, lastIncidentId = :to",
            ConditionExpression: "openIncidentId = :from",
            ExpressionAttributeValues: { ":one": 1, ":to": moveAlarms!.to, ":from": moveAlarms!.from },
          },
        });
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return { moved: arns };
      } catch (error) {
        const permanent = permanentStorageError(error);
        if (permanent !== error || !(error instanceof TransactionCanceledException)) throw permanent;
        const reasons = error.CancellationReasons ?? [];
        let index = 0;
        for (const change of current) {
          const reason = reasons[index];
          if (reason?.Code === "ConditionalCheckFailed") {
            const version = reason.Item?.version;
            throw new VersionConflictError(
              `INC-${change.before.number} changed since version ${change.before.version} was read`,
              version && "N" in version ? Number(version.N) : undefined,
              { cause: error },
            );
          }
          index += 1 + change.entries.length;
        }
        const gone = arns.filter((_, i) => reasons[firstAlarm + i]?.Code === "ConditionalCheckFailed");
        if (gone.length === 0 || !rebuild)
          throw new ConcurrentChangeError("the incidents or their alarms", { cause: error });
        arns = arns.filter((arn) => !gone.includes(arn));
        current = rebuild(arns);
      }
    }
  }

  /**
   * Rewrites an existing entry's actor, data and summary in place (a one-off migration:
   * incident/identity-migration.ts). A stream MODIFY: the outbox publishes new entries only.
   */
  async rewriteTimelineEntry(entry: TimelineEntry): Promise<void> {
    validTimelineEntry(entry, `${entry.id} of incident ${entry.incidentId}`);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.timeline(entry.incidentId, entry.id),
        UpdateExpression: "SET actor = :actor, #data = :data, summary = :summary",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#data": "data" },
        ExpressionAttributeValues: { ":actor": entry.actor, ":data": entry.data, ":summary": entry.summary },
      }),
    );
  }
}
