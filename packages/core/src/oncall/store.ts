import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import type { Actor } from "../incident/model";
import { keys } from "../storage/keys";
import type { Directory } from "./directory";

/**
 * DynamoDB's item limit is 400 KB (attribute names and values together). The directory is stored
 * as ONE item (`DIRECTORY` / `CURRENT`) so that applying it is atomic: either the whole validated
 * directory is current, or the previous one still is. Its JSON must stay under this budget, which
 * leaves room for the item's other attributes. A directory of ~1,500 people with their rotations
 * fits comfortably; a bigger organisation would need to split it (per team items plus a manifest).
 */
export const MAX_DIRECTORY_BYTES = 380_000;

export interface StoredDirectory {
  directory: Directory;
  /** Starts at 1 and grows by one on every apply (optimistic locking for editors). */
  version: number;
  updatedAt: string;
  updatedBy?: Actor;
}

export interface ApplyOptions {
  /**
   * The version the editor read: the apply only succeeds if it is still current
   * (0 = "there must be no directory yet"). Without it, the last apply wins.
   */
  expectedVersion?: number;
  actor?: Actor;
}

/**
 * The on-call directory in the table. `apply` takes a directory that `parseDirectory` /
 * `parseDirectoryYaml` already validated (a ValidationError there means nothing is written);
 * `applyDirectoryYaml` (directory-yaml.ts) does both. SDK exceptions are translated here.
 */
/**
 * The directory as read at most once per `ttlMs` (default 30 s): for hot paths (alarm ingest's
 * ignore rules) that can use a directory a few seconds old. A failed read is not cached.
 */
export function cachedDirectory(
  store: Pick<DirectoryStore, "get">,
  ttlMs = 30_000,
  clock: Clock = systemClock,
): () => Promise<Directory | undefined> {
  let cached: { at: number; value: Promise<Directory | undefined> } | undefined;
  return () => {
    const now = clock.now().getTime();
    if (!cached || now - cached.at >= ttlMs) {
      const value = store.get().then((stored) => stored?.directory);
      cached = { at: now, value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

export class DirectoryStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(): Promise<StoredDirectory | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.directory(), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item || typeof item.body !== "string") return undefined;
    const stored: StoredDirectory = {
      directory: JSON.parse(item.body) as Directory,
      version: Number(item.version),
      updatedAt: String(item.updatedAt),
    };
    if (item.updatedBy) stored.updatedBy = item.updatedBy as Actor;
    return stored;
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
      const stored: StoredDirectory = { directory, version: Number(out.Attributes?.version), updatedAt: at };
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
