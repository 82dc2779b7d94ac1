import { createHash, randomBytes } from "node:crypto";
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Clock } from "@firebreak/core/shared/clock";
import { systemClock } from "@firebreak/core/shared/clock";
import * as z from "@firebreak/core/shared/zod";
import type { Actor } from "../../../incident/model";
import { CALENDAR_KINDS, type CalendarFeed } from "../../../oncall/ical";
import { queryPartition } from "../items";
import { keys } from "../keys";

export const calendarFeedSchema = z.object({
  kind: z.enum(CALENDAR_KINDS, { error: () => `expected ${CALENDAR_KINDS.join(" or ")}` }),
  id: z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(128)),
});

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * The secret URLs of iCal feeds (`/ical/<token>.ics`): one per person or rotation feed, found by
 * the SHA-256 of its token (item `CALENDAR` / `TOKEN#<sha256>`). Creating a feed's URL again
 * rotates it: the old URL stops working at once. The token is shown once.
 */
export class CalendarFeedStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(feed: CalendarFeed, createdBy?: Actor): Promise<{ token: string }> {
    const previous = (await this.items()).filter((i) => i.kind === feed.kind && i.feedId === feed.id);
    const token = randomBytes(32).toString("base64url");
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.calendarToken(hash(token)),
          type: "calendarFeed",
          kind: feed.kind,
          feedId: feed.id,
          createdAt: this.clock.now().toISOString(),
          ...(createdBy ? { createdBy } : {}),
        },
      }),
    );
    for (let i = 0; i < previous.length; i += 25)
      await this.db.send(
        new BatchWriteCommand({
          RequestItems: {
            [this.tableName]: previous
              .slice(i, i + 25)
              .map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
          },
        }),
      );
    return { token };
  }

  /** The feed a token opens, or undefined (unknown, rotated away, malformed). */
  async find(token: string): Promise<CalendarFeed | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.calendarToken(hash(token)),
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item || (item.kind !== "person" && item.kind !== "rotation") || typeof item.feedId !== "string")
      return undefined;
    return { kind: item.kind, id: item.feedId };
  }

  private items(): Promise<Record<string, unknown>[]> {
    return queryPartition(this.db, this.tableName, keys.calendarPartition(), { consistent: true });
  }
}
