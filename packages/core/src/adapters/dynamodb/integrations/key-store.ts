import { randomBytes } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { validate } from "@firebreak/core/shared/validate";
import type { Actor } from "../../../incident/model";
import {
  type CreateIntegrationInput,
  createIntegrationInputSchema,
  hashIntegrationKey,
  type IntegrationFormat,
  type IntegrationKey,
  type IntegrationKeys,
  KEY_PATTERN,
} from "../../../integrations/keys";
import { pickFields, queryPartition } from "../items";
import { keys } from "../keys";

const FIELDS = [
  "id",
  "name",
  "format",
  "service",
  "team",
  "createdAt",
  "createdBy",
  "lastUsedAt",
  "revokedAt",
] as const;

/** The integration keys in the table (integrations/keys.ts): `INTEGRATION` / `KEY#<sha256>`. */
export class IntegrationKeyStore implements IntegrationKeys {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Creates a key; the returned `key` is the only time it exists outside the sender. */
  async create(
    input: CreateIntegrationInput & { createdBy?: Actor },
  ): Promise<{ key: string; record: IntegrationKey }> {
    const { name, format, service, team } = validate(createIntegrationInputSchema, input, "integration");
    const now = this.clock.now();
    const key = randomBytes(16).toString("hex");
    const record: IntegrationKey = {
      id: newId(now.getTime()),
      name,
      format,
      ...(service ? { service } : {}),
      ...(team ? { team } : {}),
      createdAt: now.toISOString(),
      ...(input.createdBy ? { createdBy: input.createdBy } : {}),
    };
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.integrationKey(hashIntegrationKey(key)), type: "integrationKey", ...record },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return { key, record };
  }

  async list(): Promise<IntegrationKey[]> {
    return (await this.items()).map((item) => pickFields<IntegrationKey>(item, FIELDS));
  }

  private items(): Promise<Record<string, unknown>[]> {
    return queryPartition(this.db, this.tableName, keys.integrationKeyPartition());
  }

  /** Marks the key revoked (by its id); it stops working at once. Revoking twice is a no-op. */
  async revoke(id: string): Promise<IntegrationKey> {
    const item = (await this.items()).find((i) => i.id === id);
    if (!item) throw new NotFoundError("integration key", id);
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: "SET revokedAt = if_not_exists(revokedAt, :at)",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":at": this.clock.now().toISOString() },
        ReturnValues: "ALL_NEW",
      }),
    );
    return pickFields<IntegrationKey>(out.Attributes ?? {}, FIELDS);
  }

  /**
   * The key's record if it is genuine, not revoked and for this format; undefined otherwise. Found
   * by the key's hash (a lookup, not a comparison: nothing to time).
   */
  async verify(key: string, format: IntegrationFormat): Promise<IntegrationKey | undefined> {
    if (!KEY_PATTERN.test(key)) return undefined;
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.integrationKey(hashIntegrationKey(key)),
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item || item.revokedAt || item.format !== format) return undefined;
    const record = pickFields<IntegrationKey>(item, FIELDS);
    await this.touch(item, record);
    return record;
  }

  /** Records `lastUsedAt`, at most once a minute per key; a failure here never fails the request. */
  private async touch(item: Record<string, unknown>, record: IntegrationKey): Promise<void> {
    const now = this.clock.now();
    if (record.lastUsedAt && now.getTime() - Date.parse(record.lastUsedAt) < 60_000) return;
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: "SET lastUsedAt = :at",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":at": now.toISOString() },
        }),
      )
      .catch(() => undefined);
  }
}
