import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import type { Actor } from "../../../incident/model";
import type { TimelineEntry } from "../../../incident/timeline";
import type { ContactRecords } from "../../../oncall/contact-methods";
import type { Directory } from "../../../oncall/directory-types";
import { liveOverrides, type ShiftOverride, withShiftOverrides } from "../../../oncall/shift-overrides";
import {
  type ApplyOptions,
  type PersonalRules,
  type StoredDirectory,
  withPersonalRules,
} from "../../../oncall/stored-directory";
import type { DirectoryRepository } from "../../../ports";
import { timelineItem } from "../incident/incident-store";
import { keys } from "../keys";

/**
 * DynamoDB's item limit is 400 KB (attribute names and values together). The directory is stored
 * as ONE item (`DIRECTORY` / `CURRENT`) so that applying it is atomic: either the whole validated
 * directory is current, or the previous one still is. Its JSON must stay under this budget, which
 * leaves room for the item's other attributes. A directory of ~1,500 people with their rotations
 * fits comfortably; a bigger organisation would need to split it (per team items plus a manifest).
 */
export const MAX_DIRECTORY_BYTES = 380_000;

/**
 * The on-call directory in the table. `apply` takes a directory that `parseDirectory` /
 * `parseDirectoryYaml` already validated (a ValidationError there means nothing is written);
 * `applyDirectoryYaml` (oncall/directory-yaml.ts) does both. SDK exceptions are translated here.
 */
export class DirectoryStore implements DirectoryRepository {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The directory, its runtime overrides, rules and verifications: one strongly consistent Query. */
  async get(): Promise<StoredDirectory | undefined> {
    const { current, overrides, personal, contacts } = await this.read();
    const item = current;
    if (!item || typeof item.body !== "string") return undefined;
    const applied = JSON.parse(item.body) as Directory;
    const stored: StoredDirectory = {
      ...this.effective(applied, overrides.items, personal.items),
      ...(Object.keys(contacts.items).length > 0 ? { contacts: contacts.items } : {}),
      version: Number(item.version),
      updatedAt: String(item.updatedAt),
    };
    if (item.updatedBy) stored.updatedBy = item.updatedBy as Actor;
    return stored;
  }

  /** The directory in force: as applied, with people's own rules and the live shift overrides. */
  private effective(
    applied: Directory,
    overrides: readonly ShiftOverride[],
    personal: Record<string, PersonalRules>,
  ): Pick<StoredDirectory, "directory" | "applied" | "overrides" | "personalRules"> {
    const now = this.clock.now();
    const live = liveOverrides(overrides, now);
    return {
      directory: withShiftOverrides(withPersonalRules(applied, personal), live, now),
      applied,
      overrides: live,
      ...(Object.keys(personal).length > 0 ? { personalRules: personal } : {}),
    };
  }

  /**
   * The directory's partition in one strongly consistent Query (CONTACTS … OVERRIDES): the
   * directory, the overrides, people's own rules and the contact-method verifications.
   */
  async read(): Promise<{
    current?: Record<string, unknown>;
    overrides: { items: ShiftOverride[]; version: number; next: number };
    personal: { items: Record<string, PersonalRules>; version: number };
    contacts: { items: ContactRecords; version: number };
  }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues: {
          ":pk": keys.directory().pk,
          ":a": keys.contactMethods().sk,
          ":b": keys.shiftOverrides().sk,
        },
        ConsistentRead: true,
      }),
    );
    const items = out.Items ?? [];
    const current = items.find((i) => i.sk === keys.directory().sk);
    const o = items.find((i) => i.sk === keys.shiftOverrides().sk);
    const n = items.find((i) => i.sk === keys.personalRules().sk);
    const v = items.find((i) => i.sk === keys.contactMethods().sk);
    return {
      ...(current ? { current } : {}),
      contacts: {
        items: isRecord(v?.people) ? (v.people as ContactRecords) : {},
        version: Number(v?.version ?? 0),
      },
      personal: {
        items: isRecord(n?.people) ? (n.people as Record<string, PersonalRules>) : {},
        version: Number(n?.version ?? 0),
      },
      overrides: {
        items: Array.isArray(o?.items) ? (o.items as ShiftOverride[]) : [],
        version: Number(o?.version ?? 0),
        next: Number(o?.nextNumber ?? 1),
      },
    };
  }

  /**
   * The stored runtime overrides (live and ended), their item's version and the next OV number,
   * with the directory as applied (absent: none yet), from the same one Query.
   */
  async getOverrides(): Promise<{
    items: ShiftOverride[];
    version: number;
    next: number;
    applied?: Directory;
  }> {
    const { current, overrides } = await this.read();
    return typeof current?.body === "string"
      ? { ...overrides, applied: JSON.parse(current.body) as Directory }
      : overrides;
  }

  /**
   * Replaces the runtime overrides (conditioned on the version read; 0: none stored yet) and writes
   * the change's timeline entry in the same transaction. Ended overrides are dropped here.
   */
  async saveOverrides(
    items: readonly ShiftOverride[],
    expectedVersion: number,
    next: number,
    entry: TimelineEntry,
  ): Promise<void> {
    const keep = liveOverrides(items, this.clock.now());
    await this.putBeside(
      {
        ...keys.shiftOverrides(),
        type: "shift-overrides",
        items: keep,
        nextNumber: next,
        version: expectedVersion + 1,
      },
      expectedVersion,
      entry,
      `the shift overrides changed since version ${expectedVersion} was read`,
    );
  }

  /** An item beside the directory, conditioned on its version, with its timeline entry. */
  async putBeside(
    item: Record<string, unknown>,
    expectedVersion: number,
    entry: TimelineEntry,
    conflict: string,
  ): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: item,
                ConditionExpression: expectedVersion === 0 ? "attribute_not_exists(pk)" : "version = :v",
                ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ":v": expectedVersion } }),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...timelineItem(entry), ...keys.directoryTimeline(entry.id) },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed"
      )
        throw new VersionConflictError(conflict, undefined, { cause: error });
      throw error;
    }
  }

  /** Stores `directory` (already validated) as the current one, atomically. */
  async apply(
    directory: Directory,
    expectedVersion?: number,
    options: Omit<ApplyOptions, "expectedVersion"> = {},
  ): Promise<StoredDirectory> {
    if (directory?.version !== 1 || !Array.isArray(directory.people) || !Array.isArray(directory.teams)) {
      throw new ValidationError("not a parsed on-call directory: validate it with parseDirectory first", [
        { path: "(root)", message: "expected the result of parseDirectory / parseDirectoryYaml" },
      ]);
    }
    const body = JSON.stringify(directory);
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > MAX_DIRECTORY_BYTES) {
      throw new ValidationError(
        `the on-call directory is ${bytes} bytes as JSON; at most ${MAX_DIRECTORY_BYTES} fit in one item`,
        [{ path: "(root)", message: `too large: ${bytes} bytes (limit ${MAX_DIRECTORY_BYTES})` }],
      );
    }
    const at = this.clock.now().toISOString();
    const values: Record<string, unknown> = { ":body": body, ":at": at, ":one": 1, ":zero": 0 };
    let condition: string | undefined;
    if (expectedVersion !== undefined) {
      if (expectedVersion === 0) condition = "attribute_not_exists(pk)";
      else {
        condition = "version = :expected";
        values[":expected"] = expectedVersion;
      }
    }
    const set = [
      "body = :body",
      "updatedAt = :at",
      "version = if_not_exists(version, :zero) + :one",
      "#t = :type",
    ];
    values[":type"] = "directory";
    if (options.actor) {
      set.push("updatedBy = :by");
      values[":by"] = options.actor;
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.directory(),
          UpdateExpression: `SET ${set.join(", ")}${options.actor ? "" : " REMOVE updatedBy"}`,
          ExpressionAttributeNames: { "#t": "type" },
          ExpressionAttributeValues: values,
          ...(condition ? { ConditionExpression: condition } : {}),
          ReturnValues: "ALL_NEW",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      const { overrides, personal, contacts } = await this.read();
      const stored: StoredDirectory = {
        ...this.effective(directory, overrides.items, personal.items),
        ...(Object.keys(contacts.items).length > 0 ? { contacts: contacts.items } : {}),
        version: Number(out.Attributes?.version),
        updatedAt: at,
      };
      if (options.actor) stored.updatedBy = options.actor;
      return stored;
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      const current = versionOf((error as { Item?: Record<string, unknown> }).Item);
      throw new VersionConflictError(
        current === undefined
          ? `the on-call directory does not exist yet, not at version ${expectedVersion}`
          : `the on-call directory is at version ${current}, not ${expectedVersion}: reload it and apply again`,
        current ?? 0,
        { cause: error },
      );
    }
  }
}

/** The `version` of an item returned with a failed condition (raw AttributeValue or plain). */
function versionOf(item: Record<string, unknown> | undefined): number | undefined {
  const value = item?.version;
  if (typeof value === "number") return value;
  if (value && typeof value === "object" && "N" in value) return Number((value as { N: string }).N);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
