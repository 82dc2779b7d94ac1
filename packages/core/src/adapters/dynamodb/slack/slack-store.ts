import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { TimelineEntry } from "../../../incident/timeline";
import { timelineItem } from "../incident/incident-store";
import { keys } from "../keys";

/**
 * The Slack side of an incident, in the single table:
 * - `INC#<id> / SLACK`: the incident channel (id, name), its pinned summary message (`ts`), the
 *   incident version the summary shows, who was invited, and a short lease taken while the
 *   channel is set up (so concurrent or redelivered events never create two channels);
 * - `SLACKCH#<channel> / SLACKCH`: channel id → incident id, written in the same transaction as
 *   the channel id, so `/incident` typed in an incident channel finds its incident with one GetItem.
 *
 * Every write is conditional: the setup steps only succeed for the lease holder and only once;
 * `renderedVersion` only grows; `posted` records one-off messages so a redelivery never posts twice.
 */

export interface SlackIncidentRecord {
  incidentId: string;
  channelId?: string;
  channelName?: string;
  /** The pinned summary message in the channel. */
  summaryTs?: string;
  pinned?: boolean;
  /** The incident version the summary message shows. */
  renderedVersion?: number;
  /** Slack user ids invited (or found not invitable: see the worker's log). */
  invited?: string[];
  /** Slack user ids to invite besides the role holders (e.g. the declarer). */
  wanted?: string[];
  /** Keys of one-off messages already posted (e.g. `postmortem:3`). */
  posted?: string[];
  leaseToken?: string;
  /** Epoch ms. */
  leaseUntil?: number;
}

export class LeaseLostError extends Error {
  constructor(incidentId: string) {
    super(`the Slack setup lease of incident ${incidentId} was lost`);
    this.name = "LeaseLostError";
  }
}

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === "ConditionalCheckFailed"));

function toRecord(item: Record<string, unknown>): SlackIncidentRecord {
  const set = (value: unknown) => (value instanceof Set ? [...(value as Set<string>)].sort() : undefined);
  const record: SlackIncidentRecord = { incidentId: String(item.incidentId) };
  if (typeof item.channelId === "string") record.channelId = item.channelId;
  if (typeof item.channelName === "string") record.channelName = item.channelName;
  if (typeof item.summaryTs === "string") record.summaryTs = item.summaryTs;
  if (item.pinned === true) record.pinned = true;
  if (typeof item.renderedVersion === "number") record.renderedVersion = item.renderedVersion;
  const invited = set(item.invited);
  if (invited) record.invited = invited;
  const wanted = set(item.wanted);
  if (wanted) record.wanted = wanted;
  const posted = set(item.posted);
  if (posted) record.posted = posted;
  if (typeof item.leaseToken === "string") record.leaseToken = item.leaseToken;
  if (typeof item.leaseUntil === "number") record.leaseUntil = item.leaseUntil;
  return record;
}

export class SlackStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(incidentId: string): Promise<SlackIncidentRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.slackIncident(incidentId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toRecord(out.Item) : undefined;
  }

  /** The incident whose channel this is, if any. */
  async incidentForChannel(channelId: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.slackChannel(channelId) }),
    );
    const id = out.Item?.incidentId;
    return typeof id === "string" ? id : undefined;
  }

  /** Takes the setup lease unless someone holds an unexpired one; the record with the lease, or undefined. */
  async acquireLease(
    incidentId: string,
    token: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<SlackIncidentRecord | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.slackIncident(incidentId),
          UpdateExpression: "SET leaseToken = :t, leaseUntil = :u, incidentId = :id, #type = :type",
          ConditionExpression: "attribute_not_exists(leaseUntil) OR leaseUntil < :now",
          ExpressionAttributeNames: { "#type": "type" },
          ExpressionAttributeValues: {
            ":t": token,
            ":u": nowMs + leaseMs,
            ":now": nowMs,
            ":id": incidentId,
            ":type": "slack",
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes ? toRecord(out.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Gives the lease back (a lease someone else took over is left alone). */
  async releaseLease(incidentId: string, token: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.slackIncident(incidentId),
          UpdateExpression: "REMOVE leaseToken, leaseUntil",
          ConditionExpression: "leaseToken = :t",
          ExpressionAttributeValues: { ":t": token },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Records the new channel and its channel → incident lookup, once, for the lease holder. */
  async recordChannel(
    incidentId: string,
    token: string,
    channel: { id: string; name: string },
  ): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.slackIncident(incidentId),
                UpdateExpression: "SET channelId = :c, channelName = :n",
                ConditionExpression: "leaseToken = :t AND attribute_not_exists(channelId)",
                ExpressionAttributeValues: { ":c": channel.id, ":n": channel.name, ":t": token },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.slackChannel(channel.id), type: "slack_channel", incidentId },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new LeaseLostError(incidentId);
      throw error;
    }
  }

  /** Records the summary message, once, for the lease holder. */
  async recordSummary(incidentId: string, token: string, ts: string, version: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.slackIncident(incidentId),
          UpdateExpression: "SET summaryTs = :ts, renderedVersion = :v",
          ConditionExpression: "leaseToken = :t AND attribute_not_exists(summaryTs)",
          ExpressionAttributeValues: { ":ts": ts, ":v": version, ":t": token },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new LeaseLostError(incidentId);
      throw error;
    }
  }

  async recordPinned(incidentId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.slackIncident(incidentId),
        UpdateExpression: "SET pinned = :true",
        ConditionExpression: "attribute_exists(summaryTs)",
        ExpressionAttributeValues: { ":true": true },
      }),
    );
  }

  /** The summary now shows `version` (never moves back). Returns false when a newer one was recorded. */
  async recordRendered(incidentId: string, version: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.slackIncident(incidentId),
          UpdateExpression: "SET renderedVersion = :v",
          ConditionExpression:
            "attribute_exists(summaryTs) AND (attribute_not_exists(renderedVersion) OR renderedVersion < :v)",
          ExpressionAttributeValues: { ":v": version },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Adds Slack user ids to a set attribute (`invited` or `wanted`), creating the record if needed. */
  async addUsers(incidentId: string, field: "invited" | "wanted", userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.slackIncident(incidentId),
        UpdateExpression: "ADD #field :users SET incidentId = :id, #type = :type",
        ExpressionAttributeNames: { "#field": field, "#type": "type" },
        ExpressionAttributeValues: { ":users": new Set(userIds), ":id": incidentId, ":type": "slack" },
      }),
    );
  }

  /** Claims a one-off message (`key`) before posting it: false when it was already claimed. */
  async claimPost(incidentId: string, key: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.slackIncident(incidentId),
          UpdateExpression: "ADD posted :k SET incidentId = :id, #type = :type",
          ConditionExpression: "attribute_not_exists(posted) OR NOT contains(posted, :key)",
          ExpressionAttributeNames: { "#type": "type" },
          ExpressionAttributeValues: {
            ":k": new Set([key]),
            ":key": key,
            ":id": incidentId,
            ":type": "slack",
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Gives a claim back after the post failed, so a retry posts it. */
  async unclaimPost(incidentId: string, key: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.slackIncident(incidentId),
        UpdateExpression: "DELETE posted :k",
        ExpressionAttributeValues: { ":k": new Set([key]) },
      }),
    );
  }

  /** Appends a timeline entry (no incident version change), once per entry id. */
  async appendTimeline(entry: TimelineEntry): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: timelineItem(entry),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
