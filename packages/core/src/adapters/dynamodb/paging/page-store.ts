import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { FirebreakError } from "@firebreak/core/shared/errors";
import { ConcurrentChangeError } from "../../../incident/errors";
import type { TimelineEntry } from "../../../incident/timeline";
import type { DueEscalation, EscalationRecord, EscalationSummary, StoredPage } from "../../../paging/records";
import type { EscalationChange, PageOutcome, PageRepository } from "../../../ports";
import { incidentItem, timelineItem } from "../incident/incident-store";
import { batchGetItems, pickFields, queryPartition } from "../items";
import { DUE_PARTITION, dueSortKey, keys } from "../keys";
import {
  escalationItem,
  isConditionFailure,
  MAX_TRANSACTION_ITEMS,
  pageItem,
  SUMMARY_FIELDS,
  type TransactItem,
  toEscalation,
  toPage,
  translateEscalationError,
  withPaged,
} from "./page-items";

/**
 * The DynamoDB adapter for paging: page items and the escalation item in the incident's partition,
 * consumed ack links, and the sparse `escalationsDue` index the sweeper queries. Every write that
 * must happen once is conditional; SDK exceptions are translated here, and only here.
 *
 *   INC#<id> / PAGE#<pageId>      a page: (incident, target, level, channel) and its delivery state
 *   INC#<id> / ESCALATION         ladder snapshot, steps taken, acknowledgement, next due time
 *   INC#<id> / ACKLINK#<pageId>   a one-click link that was used (TTL after the link expired)
 *   SMSIN#<inboundMessageId>      an SMS reply that was acted on (TTL a week later)
 */

export class PageStore implements PageRepository {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The escalation among an incident partition's items (`IncidentStore.getIncidentPartition`). */
  escalationIn(items: readonly Record<string, unknown>[]): EscalationRecord | undefined {
    const item = items.find((i) => i.type === "escalation");
    return item ? toEscalation(item) : undefined;
  }

  async getEscalation(incidentId: string): Promise<EscalationRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.escalation(incidentId), ConsistentRead: true }),
    );
    return out.Item ? toEscalation(out.Item) : undefined;
  }

  /**
   * For the incident list: each incident's escalation level, since when, whether acknowledged, and
   * who was paged. One BatchGetItem per 100 incidents, eventually consistent (a list that is a
   * moment behind is fine; it is polled), only the fields it shows. Incidents never paged are absent.
   */
  async escalationSummaries(incidentIds: readonly string[]): Promise<Map<string, EscalationSummary>> {
    const items = await batchGetItems(
      this.db,
      this.tableName,
      incidentIds.map((id) => keys.escalation(id)),
      { attributes: SUMMARY_FIELDS },
    );
    const out = new Map<string, EscalationSummary>();
    for (const item of items) {
      const e = pickFields<Pick<EscalationRecord, (typeof SUMMARY_FIELDS)[number]>>(item, SUMMARY_FIELDS);
      const last = e.steps?.at(-1);
      out.set(e.incidentId, {
        ...(last ? { level: last.level, since: last.requestedAt } : {}),
        acknowledged: e.acknowledgedAt !== undefined,
        active: e.status === "active",
        ...(e.doneReason ? { doneReason: e.doneReason } : {}),
        paged: e.paged ?? [],
      });
    }
    return out;
  }

  async getPage(incidentId: string, pageId: string): Promise<StoredPage | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.page(incidentId, pageId), ConsistentRead: true }),
    );
    return out.Item ? toPage(out.Item) : undefined;
  }

  /** Every page of the incident (one Query on its partition), oldest first. */
  async listPages(incidentId: string): Promise<StoredPage[]> {
    const items = await queryPartition(this.db, this.tableName, keys.incidentPartition(incidentId), {
      consistent: true,
      prefix: keys.pagePrefix(),
    });
    return items
      .map(toPage)
      .sort(
        (a, b) =>
          a.requestedAt.localeCompare(b.requestedAt) ||
          String(a.level).localeCompare(String(b.level)) ||
          a.targetKey.localeCompare(b.targetKey) ||
          a.channel.localeCompare(b.channel),
      );
  }

  /**
   * Escalations due at or before `now`, earliest first: one Query on the sparse escalationsDue
   * index (eventually consistent: re-read the escalation before acting on it). `startAfter` (the
   * last one of the previous batch) continues where that batch ended.
   */
  async queryDue(now: Date, limit = 50, startAfter?: DueEscalation): Promise<DueEscalation[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "escalationsDue",
        KeyConditionExpression: "duePk = :due AND dueSk <= :upper",
        ExpressionAttributeValues: {
          ":due": DUE_PARTITION,
          // '~' sorts after every id character, so everything due at exactly `now` is included.
          ":upper": `${now.toISOString()}#~`,
        },
        Limit: Math.min(Math.max(Math.floor(limit), 1), 1000),
        ...(startAfter
          ? {
              ExclusiveStartKey: {
                ...keys.escalation(startAfter.incidentId),
                duePk: DUE_PARTITION,
                dueSk: dueSortKey(startAfter.dueAt, startAfter.incidentId),
              },
            }
          : {}),
      }),
    );
    return (out.Items ?? []).map((item) => ({
      incidentId: String(item.incidentId),
      dueAt: String(item.nextDueAt),
    }));
  }

  /**
   * Writes the escalation (a new one when `expectedVersion` is undefined, else conditioned on
   * that version), pages it acknowledges, new pages (`requested`; their `page.requested` entries
   * follow with their outcomes, see `recordOutcome`) and timeline entries, in one transaction.
   * Throws EscalationExistsError (new, but one exists), VersionConflictError (someone else moved
   * it first) or ConcurrentChangeError.
   *
   * A step with more pages than one transaction holds (100 items) writes the rest in follow-up
   * transactions after the escalation is committed.
   */
  async saveEscalation(change: EscalationChange): Promise<void> {
    const escalation = withPaged(change.escalation, change.newPages ?? []);
    const first: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: escalationItem(escalation),
          ConditionExpression:
            change.expectedVersion === undefined ? "attribute_not_exists(pk)" : "version = :v",
          ...(change.expectedVersion === undefined
            ? {}
            : { ExpressionAttributeValues: { ":v": change.expectedVersion } }),
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      },
    ];
    if (change.incident) {
      first.push({
        Put: {
          TableName: this.tableName,
          Item: incidentItem(change.incident.after),
          ConditionExpression: "version = :v",
          ExpressionAttributeValues: { ":v": change.incident.before.version },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      });
    }
    for (const ack of change.acknowledgePages ?? []) {
      first.push({
        Update: {
          TableName: this.tableName,
          Key: keys.page(escalation.incidentId, ack.pageId),
          UpdateExpression: "SET acknowledgedAt = :at, acknowledgedBy = :by",
          ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(acknowledgedAt)",
          ExpressionAttributeValues: { ":at": ack.at, ":by": ack.by },
        },
      });
    }
    for (const entry of change.entries ?? []) first.push(this.putNew(timelineItem(entry)));
    const pages = (change.newPages ?? []).map((page) => this.putNew(pageItem(page)));
    while (pages.length > 0 && first.length < MAX_TRANSACTION_ITEMS) first.push(pages.shift()!);
    if (first.length > MAX_TRANSACTION_ITEMS)
      throw new FirebreakError("transaction_too_large", "too many timeline entries for one escalation write");
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: first }));
    } catch (error) {
      throw translateEscalationError(error, escalation.incidentId, change.expectedVersion, change.incident);
    }
    while (pages.length > 0) {
      const chunk = pages.splice(0, MAX_TRANSACTION_ITEMS);
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: chunk }));
      } catch (error) {
        throw translateEscalationError(error, escalation.incidentId, 0);
      }
    }
  }

  /**
   * Takes a page for (re)sending: only while it is still `requested`, unacknowledged and not taken
   * since `seenClaimedAt`. False when someone else took it or it was recorded meanwhile.
   */
  async claimPage(incidentId: string, pageId: string, seenClaimedAt: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.page(incidentId, pageId),
          UpdateExpression: "SET claimedAt = :at, sends = sends + :one",
          ConditionExpression:
            "delivery = :requested AND claimedAt = :seen AND attribute_not_exists(acknowledgedAt)",
          ExpressionAttributeValues: {
            ":at": at,
            ":one": 1,
            ":requested": "requested",
            ":seen": seenClaimedAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Records a page's outcome with its timeline entries (`page.delivered` / `page.failed`, preceded
   * by the page's deferred `page.requested` entry when it has one), once: false (and nothing
   * written) when the outcome was already recorded.
   */
  async recordOutcome(
    incidentId: string,
    pageId: string,
    outcome: PageOutcome,
    entries: TimelineEntry[],
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      ":d": outcome.delivery,
      ":at": outcome.at,
      ":n": outcome.attempts,
      ":requested": "requested",
    };
    let set = "delivery = :d, attempts = attempts + :n";
    if (outcome.delivery === "delivered") {
      set += ", deliveredAt = :at, providerId = :pid";
      values[":pid"] = outcome.providerId;
    } else {
      set += ", failedAt = :at, #error = :error";
      values[":error"] = outcome.error;
    }
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.page(incidentId, pageId),
                UpdateExpression: `SET ${set}`,
                ConditionExpression: "delivery = :requested",
                ExpressionAttributeValues: values,
                ...(outcome.delivery === "failed" ? { ExpressionAttributeNames: { "#error": "error" } } : {}),
              },
            },
            ...entries.map((entry) => this.putNew(timelineItem(entry))),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed"
      )
        return false;
      if (error instanceof TransactionCanceledException)
        throw new ConcurrentChangeError(`page ${pageId}`, { cause: error });
      throw error;
    }
  }

  /**
   * Uses a one-click ack link, once: a conditional put on an item keyed by the page id. False
   * when the link was used before. `expiresAt` (epoch seconds) lets DynamoDB's TTL delete the
   * item after the link itself expired, when it can no longer be used anyway.
   */
  async consumeAckLink(
    incidentId: string,
    pageId: string,
    at: string,
    expiresAt: number,
    keyId: string,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.ackLink(incidentId, pageId),
            type: "ack_link",
            incidentId,
            pageId,
            consumedAt: at,
            keyId,
            expiresAt,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Whether the page's one-click link was used (a strongly consistent read; writes nothing). */
  async isAckLinkUsed(incidentId: string, pageId: string): Promise<boolean> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.ackLink(incidentId, pageId),
        ConsistentRead: true,
      }),
    );
    return out.Item !== undefined;
  }

  /** Gives a consumed link back (the acknowledgement it was for failed to be written). */
  async releaseAckLink(incidentId: string, pageId: string, consumedAt: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.ackLink(incidentId, pageId),
          ConditionExpression: "consumedAt = :at",
          ExpressionAttributeValues: { ":at": consumedAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Takes an inbound SMS reply once (a conditional put keyed by its `inboundMessageId`): false when
   * it was taken before (SNS delivered it again). `expiresAt` (epoch seconds) is the item's TTL.
   */
  async claimInboundSms(inboundMessageId: string, at: string, expiresAt: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.inboundSms(inboundMessageId), type: "inbound_sms", claimedAt: at, expiresAt },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Gives a taken reply back (acting on it failed): SNS's redelivery then acts on it. */
  async releaseInboundSms(inboundMessageId: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.inboundSms(inboundMessageId),
          ConditionExpression: "claimedAt = :at",
          ExpressionAttributeValues: { ":at": at },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private putNew(item: Record<string, unknown>): TransactItem {
    return {
      Put: { TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" },
    };
  }
}
