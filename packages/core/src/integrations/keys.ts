import { createHash, randomBytes } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { validate } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import { pickFields, queryPartition } from "../adapters/dynamodb/items";
import { keys } from "../adapters/dynamodb/keys";
import type { Actor } from "../incident/model";

/**
 * Integration keys: what authenticates a sender at an alert endpoint (core/integrations), and what
 * it maps to: the service and the team its alerts belong to, unless an alert names its own.
 *
 * A key is 32 lowercase hex characters (128 random bits), the shape of a PagerDuty routing key, so
 * a sender's existing configuration takes it unchanged. Only its SHA-256 is stored (item
 * `INTEGRATION` / `KEY#<sha256>`), and the key is shown once, at creation. A key works at its own
 * format's endpoint only. Revoked keys are kept (with `revokedAt`) for the audit trail and stop
 * working at once.
 */
export const INTEGRATION_FORMATS = ["alertmanager", "pagerduty", "opsgenie", "sns"] as const;
export type IntegrationFormat = (typeof INTEGRATION_FORMATS)[number];

/** Where each format's sender posts (the path on the API's URL). */
export const INTEGRATION_PATHS: Record<IntegrationFormat, string> = {
  alertmanager: "/integrations/alertmanager",
  pagerduty: "/v2/enqueue",
  opsgenie: "/v2/alerts",
  // An SNS subscription cannot send headers: the key is the last path segment.
  sns: "/integrations/sns",
};

const KEY_PATTERN = /^[0-9a-f]{32}$/;
const NAME_PATTERN = /^[a-z0-9._-]+$/;

const slug = (what: string) =>
  z
    .string()
    .check(
      z.trim(),
      z.toLowerCase(),
      z.minLength(1, "must not be empty"),
      z.maxLength(64, "at most 64 characters"),
      z.regex(NAME_PATTERN, `a ${what} is made of a-z, 0-9, ".", "_" and "-"`),
    );

export const createIntegrationInputSchema = z.object({
  name: z
    .string()
    .check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(100, "at most 100 characters")),
  format: z.enum(INTEGRATION_FORMATS, {
    error: () => `expected one of ${INTEGRATION_FORMATS.join(", ")}`,
  }),
  /** The service of its alerts when an alert names none (a label, tag or field of its own wins). */
  service: z.optional(slug("service")),
  /** The owning team (a directory team id) when an alert names none. */
  team: z.optional(slug("team id")),
});
export type CreateIntegrationInput = z.input<typeof createIntegrationInputSchema>;

export interface IntegrationKey {
  id: string;
  name: string;
  format: IntegrationFormat;
  service?: string;
  team?: string;
  createdAt: string;
  createdBy?: Actor;
  lastUsedAt?: string;
  revokedAt?: string;
}

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

export function hashIntegrationKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** What the alert endpoints need of the keys (IntegrationKeyStore; a fake in unit tests). */
export interface IntegrationKeys {
  verify(key: string, format: IntegrationFormat): Promise<IntegrationKey | undefined>;
}

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
