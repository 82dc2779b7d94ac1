import { randomBytes } from "node:crypto";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { FirebreakError, NotFoundError } from "@firebreak/core/shared/errors";
import type { Heartbeat } from "../../../heartbeats/heartbeat";
import { hashIntegrationKey } from "../../../integrations/keys";
import type { HeartbeatRepository } from "../../../ports";
import { pickFields, queryPartition } from "../items";
import { keys } from "../keys";

const FIELDS = [
  "id",
  "name",
  "service",
  "team",
  "severity",
  "intervalSeconds",
  "graceSeconds",
  "createdAt",
  "createdBy",
  "lastPingAt",
  "state",
  "downSince",
] as const;

/** A heartbeat id taken already (HTTP 409). */
export class HeartbeatExistsError extends FirebreakError {
  constructor(id: string) {
    super("heartbeat_exists", `a heartbeat ${id} exists already: delete it first, or pick another id`);
  }
}

/**
 * Heartbeats in the table (item `HEARTBEAT` / `HB#<id>`), each with the SHA-256 of its key (the
 * key is shown once, at creation). A ping is one conditional UpdateItem; the sweep one Query.
 */
export class HeartbeatStore implements HeartbeatRepository {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async create(heartbeat: Heartbeat): Promise<{ key: string; heartbeat: Heartbeat }> {
    const key = randomBytes(16).toString("hex");
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.heartbeat(heartbeat.id),
            type: "heartbeat",
            ...heartbeat,
            hash: hashIntegrationKey(key),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException")
        throw new HeartbeatExistsError(heartbeat.id);
      throw error;
    }
    return { key, heartbeat };
  }

  async list(): Promise<Heartbeat[]> {
    const items = await queryPartition(this.db, this.tableName, keys.heartbeatPartition(), {
      consistent: true,
    });
    return items.map((item) => pickFields<Heartbeat>(item, FIELDS));
  }

  /** The heartbeat when `key` is its key; undefined otherwise (unknown id or wrong key alike). */
  async verify(id: string, key: string): Promise<Heartbeat | undefined> {
    if (!/^[0-9a-f]{32}$/.test(key) || !/^[a-z0-9][a-z0-9._-]{0,62}$/.test(id)) return undefined;
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.heartbeat(id), ConsistentRead: true }),
    );
    if (!out.Item || out.Item.hash !== hashIntegrationKey(key)) return undefined;
    return pickFields<Heartbeat>(out.Item, FIELDS);
  }

  async delete(id: string): Promise<Heartbeat> {
    const out = await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.heartbeat(id), ReturnValues: "ALL_OLD" }),
    );
    if (!out.Attributes) throw new NotFoundError("heartbeat", id);
    return pickFields<Heartbeat>(out.Attributes, FIELDS);
  }

  /** Records a ping: up again. Answers the heartbeat as it was before (undefined: deleted meanwhile). */
  async recordPing(id: string, at: string): Promise<{ before: Heartbeat; after: Heartbeat } | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.heartbeat(id),
          UpdateExpression: "SET lastPingAt = :at, #state = :up REMOVE downSince",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: { ":at": at, ":up": "up" },
          ReturnValues: "ALL_OLD",
        }),
      );
      const before = pickFields<Heartbeat>(out.Attributes ?? {}, FIELDS);
      const { downSince: _d, ...rest } = before;
      return { before, after: { ...rest, lastPingAt: at, state: "up" } };
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return undefined;
      throw error;
    }
  }

  /** Marks it down, only while its last ping is still the one the sweep read; false when it moved. */
  async markDown(id: string, lastPingAt: string, since: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.heartbeat(id),
          UpdateExpression: "SET #state = :down, downSince = :since",
          ConditionExpression: "lastPingAt = :last",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: { ":down": "down", ":since": since, ":last": lastPingAt },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }
}
