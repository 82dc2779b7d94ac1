import { randomBytes, timingSafeEqual } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import {
  type ApiToken,
  type CreateTokenInput,
  createTokenInputSchema,
  hashToken,
  TOKEN_PATTERN,
  TOKEN_PREFIX,
} from "../../../auth/tokens";
import type { Actor } from "../../../incident/model";
import { pickFields, queryPartition } from "../items";
import { keys } from "../keys";

const FIELDS = ["id", "name", "role", "userId", "createdAt", "createdBy", "lastUsedAt", "revokedAt"] as const;

/** The API tokens in the table (auth/tokens.ts says what they are): `APITOKEN` / `TOKEN#<id>`. */
export class TokenStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Creates a token; the returned `token` is the only time its secret exists outside the caller. */
  async create(
    input: CreateTokenInput & { userId: string; createdBy?: Actor },
  ): Promise<{ token: string; record: ApiToken }> {
    const { name, role } = createTokenInputSchema.parse(input);
    const now = this.clock.now();
    const id = newId(now.getTime());
    const token = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString("base64url")}`;
    const record: ApiToken = {
      id,
      name,
      role,
      userId: input.userId,
      createdAt: now.toISOString(),
      ...(input.createdBy ? { createdBy: input.createdBy } : {}),
    };
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.apiToken(id), type: "apiToken", ...record, hash: hashToken(token) },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return { token, record };
  }

  async list(): Promise<ApiToken[]> {
    const items = await queryPartition(this.db, this.tableName, keys.apiTokenPartition());
    return items.map((item) => pickFields<ApiToken>(item, FIELDS));
  }

  /** Marks the token revoked; it stops working at once. Revoking twice is a no-op. */
  async revoke(id: string): Promise<ApiToken> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.apiToken(id),
          UpdateExpression: "SET revokedAt = if_not_exists(revokedAt, :at)",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":at": this.clock.now().toISOString() },
          ReturnValues: "ALL_NEW",
        }),
      );
      return pickFields<ApiToken>(out.Attributes ?? {}, FIELDS);
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException")
        throw new NotFoundError("API token", id);
      throw error;
    }
  }

  /** The token's record if the token is genuine and not revoked; undefined otherwise. */
  async verify(token: string): Promise<ApiToken | undefined> {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return undefined;
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.apiToken(match[1]!), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item || typeof item.hash !== "string") return undefined;
    const expected = Buffer.from(item.hash, "hex");
    const actual = Buffer.from(hashToken(token), "hex");
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    if (item.revokedAt) return undefined;
    const record = pickFields<ApiToken>(item, FIELDS);
    await this.touch(record);
    return record;
  }

  /** Records `lastUsedAt`, at most once a minute per token; a failure here never fails the request. */
  private async touch(record: ApiToken): Promise<void> {
    const now = this.clock.now();
    if (record.lastUsedAt && now.getTime() - Date.parse(record.lastUsedAt) < 60_000) return;
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.apiToken(record.id),
          UpdateExpression: "SET lastUsedAt = :at",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":at": now.toISOString() },
        }),
      )
      .catch(() => undefined);
  }
}
