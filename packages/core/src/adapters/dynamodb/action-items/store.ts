/**
 * Action items in the table (action-items/model.ts says what they are):
 * - `ACTIONS` / `ITEM#<id>`: the item. All items share one partition, so every list (by service,
 *   owner, status, incident) is one paginated Query, filtered in memory: a team's action items
 *   number in the hundreds or thousands, not millions.
 * - `ACTIONNUM#<incident id>` / `ACTIONNUM`: the incident's counter (AI-<incident number>-<n>).
 * - `ACTIONKEY#<sha-256 of the idempotency key>` / `ACTIONKEY`: the item a create request made, so
 *   a redelivered Slack command or a retried API call returns that item and never makes a second.
 * - `INC#<incident id>` / `TL#<ulid>`: each create and change is a timeline entry of its incident,
 *   written in the same transaction; the outbox publishes it (`action_item.created`,
 *   `action_item.updated`), and the incident's timeline shows it.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { NotFoundError, VersionConflictError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import type {
  ActionItem,
  ActionItemStatus,
  ActionItemSync,
  CreateOutcome,
  TrackerRef,
} from "../../../action-items/model";
import type { TimelineEntry } from "../../../incident/timeline";
import type { ActionItemRepository } from "../../../ports";
import { permanentStorageError, timelineItem } from "../incident/incident-store";
import { nextCounterValue, pickFields } from "../items";
import { ACTION_ITEMS_PARTITION, keys } from "../keys";

export { ACTION_ITEMS_PARTITION };

const actionItemKeys = keys.actionItems;

const FIELDS = [
  "id",
  "incidentId",
  "incidentNumber",
  "services",
  "team",
  "title",
  "owner",
  "due",
  "status",
  "tags",
  "source",
  "createdBy",
  "createdAt",
  "updatedAt",
  "version",
  "tracker",
  "sync",
] as const;

function toItem(item: Record<string, unknown>): ActionItem {
  return pickFields<ActionItem>(item, FIELDS);
}

function itemRecord(item: ActionItem): Record<string, unknown> {
  return { ...actionItemKeys.item(item.id), type: "action_item", ...item };
}

export class ActionItemStore implements ActionItemRepository {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The next n of AI-<incident number>-<n> (an atomic counter: a lost create leaves a gap, never a duplicate). */
  async allocateNumber(incidentId: string): Promise<number> {
    return nextCounterValue(this.db, this.tableName, actionItemKeys.counter(incidentId));
  }

  /**
   * Writes a new item, its idempotency key and its timeline entry in one transaction. When the
   * key was already used, nothing is written and the item it made is returned (`created: false`).
   */
  async create(item: ActionItem, entry: TimelineEntry, idempotencyKey: string): Promise<CreateOutcome> {
    const keyItem = actionItemKeys.idempotency(idempotencyKey);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keyItem, type: "action_item_key", itemId: item.id, createdAt: item.createdAt },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: itemRecord(item),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: timelineItem(entry),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
      return { item, created: true };
    } catch (error) {
      const cancelled =
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed";
      if (!cancelled) throw permanentStorageError(error);
      const existing = await this.byIdempotencyKey(idempotencyKey);
      if (!existing) throw error;
      return { item: existing, created: false };
    }
  }

  /** The item a create request with this idempotency key made, if any. */
  async byIdempotencyKey(key: string): Promise<ActionItem | undefined> {
    const found = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: actionItemKeys.idempotency(key),
        ConsistentRead: true,
      }),
    );
    return found.Item ? this.get(String(found.Item.itemId)) : undefined;
  }

  async get(id: string): Promise<ActionItem | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: actionItemKeys.item(id), ConsistentRead: true }),
    );
    return out.Item ? toItem(out.Item) : undefined;
  }

  /** Every action item (one paginated Query of the shared partition), in id order. */
  async all(): Promise<ActionItem[]> {
    const items: ActionItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :item)",
          ExpressionAttributeValues: { ":pk": ACTION_ITEMS_PARTITION, ":item": actionItemKeys.itemPrefix() },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) items.push(toItem(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * Replaces the item if it is still at `before.version` (the new one carries version + 1), with
   * its timeline entry when given, in one transaction; a VersionConflictError with the current
   * version when someone else changed it first.
   */
  async replace(before: ActionItem, after: ActionItem, entry?: TimelineEntry): Promise<ActionItem> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: itemRecord(after),
                ConditionExpression: "#v = :v",
                ExpressionAttributeNames: { "#v": "version" },
                ExpressionAttributeValues: { ":v": before.version },
              },
            },
            ...(entry
              ? [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: timelineItem(entry),
                      ConditionExpression: "attribute_not_exists(pk)",
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return after;
    } catch (error) {
      const lost =
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed";
      if (!lost) throw permanentStorageError(error);
      const current = await this.get(before.id);
      throw new VersionConflictError(
        `${before.id} is at version ${current?.version ?? "?"}, not ${before.version}: reload and try again`,
        current?.version,
      );
    }
  }

  // --- the tracker sync's port (action-items/model.ts ActionItemSyncStore) -------------------------------

  async claimCreate(id: string, now: Date, until: Date): Promise<ActionItem | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: actionItemKeys.item(id),
          // A top-level attribute (the item may have no `sync` map yet); any replace() drops it.
          UpdateExpression: "SET #claim = :until",
          ConditionExpression:
            "attribute_exists(pk) AND attribute_not_exists(#tracker) AND (attribute_not_exists(#claim) OR #claim <= :now)",
          ExpressionAttributeNames: { "#claim": "syncClaimUntil", "#tracker": "tracker" },
          ExpressionAttributeValues: { ":until": until.toISOString(), ":now": now.toISOString() },
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes ? toItem(out.Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async recordSync(
    id: string,
    patch: { tracker?: TrackerRef; sync: ActionItemSync; status?: ActionItemStatus; actor?: string },
    now: Date,
  ): Promise<ActionItem> {
    // Someone edited the item meanwhile: apply the sync outcome to what is there now.
    return retryOnConflict(async () => {
      const before = await this.get(id);
      if (!before) throw new NotFoundError("action item", id);
      const at = now.toISOString();
      const sync = patch.sync;
      const statusChanged = patch.status !== undefined && patch.status !== before.status;
      const after: ActionItem = {
        ...before,
        ...(patch.tracker ? { tracker: patch.tracker } : {}),
        sync,
        ...(statusChanged ? { status: patch.status as ActionItemStatus, updatedAt: at } : {}),
        version: before.version + 1,
      };
      const by = patch.actor ?? patch.tracker?.kind ?? before.tracker?.kind ?? "tracker";
      const entry = statusChanged ? syncStatusEntry(before, after, by, now) : undefined;
      return this.replace(before, after, entry);
    }, 10);
  }

  async listSyncable(now: Date): Promise<ActionItem[]> {
    const at = now.toISOString();
    return (await this.all()).filter((item) =>
      item.tracker
        ? item.status === "open"
        : item.status === "open" &&
          (item.sync === undefined ||
            (item.sync.state !== "synced" &&
              (item.sync.nextAttemptAt === undefined || item.sync.nextAttemptAt <= at))),
    );
  }
}

/** The timeline entry of a status the tracker changed (closed there: done here). */
function syncStatusEntry(before: ActionItem, after: ActionItem, by: string, now: Date): TimelineEntry {
  return {
    id: newId(now.getTime()),
    incidentId: after.incidentId,
    kind: "action_item.updated",
    actor: { type: "system", id: by, name: by },
    at: now.toISOString(),
    summary: `${after.id} ${after.status === "done" ? "done" : after.status} (${by}: ${after.tracker?.key ?? "tracker"})`,
    data: {
      actionItemId: after.id,
      changes: { status: { from: before.status, to: after.status } },
      item: after,
    },
  };
}
