/**
 * Maintenance windows in the table (maintenance/window.ts says what they mean):
 * - `MAINT` / `WINDOW#<to>#<id>`: the window. Sorted by its end, so the windows that have not
 *   ended are one Query (`sk > WINDOW#<now>`), read on every alarm ingest without a scan.
 * - `MAINTNUM#<n>`: MW-<n> → the window's sort key; `COUNTER` / `MAINTENANCE`: the numbers.
 * - `MAINT#<id>` / `HELD#<arn>#<stateTimestamp>#<state>`: one held alarm transition, written once
 *   whichever channel delivered it (with the delivery key, in one transaction).
 * - `MAINT#<id>` / `RELEASED#<arn>`: the alarm was released when the window ended (maintenance/release.ts).
 * - `MAINT#<id>` / `TL#<ulid>`: the window's timeline. Its entries are domain events (the outbox
 *   publishes every new `TL#` item); their `incidentId` is the window's id.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type { DeliveryKey } from "../../../alarm/record";
import type { AlarmTransition } from "../../../alarm/transition";
import { DuplicateDeliveryError } from "../../../incident/errors";
import type { Actor } from "../../../incident/model";
import type { TimelineEntry } from "../../../incident/timeline";
import { validTimelineEntry } from "../../../incident/timeline-schema";
import {
  type HeldTransition,
  type MaintenanceWindow,
  type ReleaseRecord,
  WindowEndedError,
  windowEnd,
} from "../../../maintenance/window";
import type { MaintenanceRepository } from "../../../ports";
import { deliveryItem, permanentStorageError } from "../incident/incident-store";
import { nextCounterValue, pickFields } from "../items";
import { keys, MAINTENANCE_PARTITION } from "../keys";

export { MAINTENANCE_PARTITION };

const maintenanceKeys = keys.maintenance;

const WINDOW_FIELDS = [
  "id",
  "number",
  "services",
  "team",
  "from",
  "to",
  "reason",
  "createdBy",
  "createdAt",
  "cancelledAt",
  "cancelledBy",
  "releasedAt",
] as const;

function toWindow(item: Record<string, unknown>): MaintenanceWindow {
  return pickFields<MaintenanceWindow>(item, WINDOW_FIELDS);
}

function windowEntryItem(entry: TimelineEntry): Record<string, unknown> {
  validTimelineEntry(entry, `${entry.id} of maintenance window ${entry.incidentId}`);
  return { ...maintenanceKeys.timeline(entry.incidentId, entry.id), type: "timeline", ...entry };
}

export class MaintenanceStore implements MaintenanceRepository {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The next MW-<n> (an atomic counter: a lost create leaves a gap, never a duplicate). */
  async allocateNumber(): Promise<number> {
    return nextCounterValue(this.db, this.tableName, maintenanceKeys.counter());
  }

  /** Writes a new window, its number and its first timeline entry, in one transaction. */
  async create(w: MaintenanceWindow, entry: TimelineEntry): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          this.putNew({ ...maintenanceKeys.window(w), type: "maintenance_window", ...w }),
          this.putNew({
            ...maintenanceKeys.number(w.number),
            type: "maintenance_number",
            windowSk: maintenanceKeys.window(w).sk,
          }),
          this.putNew(windowEntryItem(entry)),
        ],
      }),
    );
  }

  /** MW-<n>, or undefined. */
  async get(number: number): Promise<MaintenanceWindow | undefined> {
    const ref = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: maintenanceKeys.number(number),
        ConsistentRead: true,
      }),
    );
    const sk = ref.Item?.windowSk;
    if (typeof sk !== "string") return undefined;
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: MAINTENANCE_PARTITION, sk },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toWindow(out.Item) : undefined;
  }

  /**
   * Windows by end time: those ending after `after` (ISO), oldest end first. With `consistent`,
   * a strongly consistent read (the ingest: a window created a moment ago must hold).
   */
  async endingAfter(after: string, consistent = false): Promise<MaintenanceWindow[]> {
    const items = await this.queryAll({
      KeyConditionExpression: "pk = :pk AND sk > :after",
      ExpressionAttributeValues: {
        ":pk": MAINTENANCE_PARTITION,
        ":after": maintenanceKeys.windowsAfter(after),
      },
      ConsistentRead: consistent,
    });
    return items.map(toWindow);
  }

  /** The windows that have not ended at `now` (active or scheduled, not cancelled). */
  async current(now: Date): Promise<MaintenanceWindow[]> {
    const at = now.toISOString();
    return (await this.endingAfter(at, true)).filter((w) => windowEnd(w) > at);
  }

  /** Ended windows (their `to`, or cancelled) whose held alarms were not released yet. */
  async dueForRelease(now: Date, lookBackMs = 7 * 24 * 3_600_000): Promise<MaintenanceWindow[]> {
    const at = now.toISOString();
    const windows = await this.endingAfter(new Date(now.getTime() - lookBackMs).toISOString(), true);
    return windows.filter((w) => !w.releasedAt && windowEnd(w) <= at);
  }

  /** Cancels a window that has not ended: it stops holding now; its held alarms are released. */
  async cancel(
    w: MaintenanceWindow,
    by: Actor,
    at: string,
    entry: TimelineEntry,
  ): Promise<MaintenanceWindow> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: maintenanceKeys.window(w),
                UpdateExpression: "SET cancelledAt = :at, cancelledBy = :by",
                ConditionExpression:
                  "attribute_exists(pk) AND attribute_not_exists(cancelledAt) AND #to > :at",
                ExpressionAttributeNames: { "#to": "to" },
                ExpressionAttributeValues: { ":at": at, ":by": by },
              },
            },
            this.putNew(windowEntryItem(entry)),
          ],
        }),
      );
    } catch (error) {
      if (conditionFailedAt(error, 0)) throw new WindowEndedError(w, "has already ended or been cancelled");
      throw error;
    }
    return { ...w, cancelledAt: at, cancelledBy: by };
  }

  /**
   * Holds one alarm transition: the delivery key and the held transition, with its timeline entry,
   * in one transaction. A redelivery, or the same transition through another channel, is a
   * DuplicateDeliveryError.
   */
  async hold(delivery: DeliveryKey, w: MaintenanceWindow, t: AlarmTransition, entry: TimelineEntry) {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.putNew(deliveryItem(delivery)),
            this.putNew({
              ...maintenanceKeys.held(w.id, t),
              type: "held_transition",
              windowId: w.id,
              transition: t,
              heldAt: entry.at,
            }),
            this.putNew(windowEntryItem(entry)),
          ],
        }),
      );
    } catch (error) {
      if (conditionFailedAt(error, 0) || conditionFailedAt(error, 1))
        throw new DuplicateDeliveryError(delivery.id);
      throw permanentStorageError(error);
    }
  }

  /** The window's held transitions, in key order (alarm, then state timestamp). */
  async held(windowId: string): Promise<HeldTransition[]> {
    return (await this.queryPrefix(windowId, maintenanceKeys.heldPrefix())).map((item) => ({
      windowId,
      transition: item.transition as AlarmTransition,
      heldAt: String(item.heldAt),
    }));
  }

  /** The alarms already released from the window. */
  async releases(windowId: string): Promise<ReleaseRecord[]> {
    return (await this.queryPrefix(windowId, maintenanceKeys.releasedPrefix())).map(
      ({ pk: _pk, sk: _sk, type: _type, ...rest }) => rest as unknown as ReleaseRecord,
    );
  }

  /** The window's timeline, oldest first. */
  async timeline(windowId: string): Promise<TimelineEntry[]> {
    return (await this.queryPrefix(windowId, keys.timelinePrefix())).map(
      ({ pk: _pk, sk: _sk, type: _type, ...entry }) => entry as unknown as TimelineEntry,
    );
  }

  /** Records one alarm's release (once: false when it was already recorded) with its entry. */
  async recordRelease(windowId: string, release: ReleaseRecord, entry: TimelineEntry): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.putNew({
              ...maintenanceKeys.released(windowId, release.arn),
              type: "maintenance_release",
              ...release,
            }),
            this.putNew(windowEntryItem(entry)),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailedAt(error, 0)) return false;
      throw error;
    }
  }

  /** Marks the window released (once: false when another sweep did it first) with its entry. */
  async finishRelease(w: MaintenanceWindow, at: string, entry: TimelineEntry): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: maintenanceKeys.window(w),
                UpdateExpression: "SET releasedAt = :at",
                ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(releasedAt)",
                ExpressionAttributeValues: { ":at": at },
              },
            },
            this.putNew(windowEntryItem(entry)),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailedAt(error, 0)) return false;
      throw error;
    }
  }

  private queryPrefix(windowId: string, prefix: string): Promise<Record<string, unknown>[]> {
    return this.queryAll({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": maintenanceKeys.partition(windowId), ":prefix": prefix },
      ConsistentRead: true,
    });
  }

  /** Every item of a Query, page after page. */
  private async queryAll(
    input: Pick<QueryCommandInput, "KeyConditionExpression" | "ExpressionAttributeValues" | "ConsistentRead">,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private putNew(item: Record<string, unknown>) {
    return {
      Put: { TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" },
    };
  }
}

function conditionFailedAt(error: unknown, index: number): boolean {
  return (
    error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[index]?.Code === "ConditionalCheckFailed"
  );
}
