/**
 * Where the stream poller (stream-poller.ts) starts: the table's current stream, and the
 * checkpoint of what it already handled (kept in the data folder across restarts).
 */
import { existsSync, readFileSync } from "node:fs";
import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { FirebreakError } from "@firebreak/core/shared/errors";
import type { Log } from "@firebreak/core/shared/log";

export interface Checkpoint {
  streamArn: string;
  /**
   * Per shard: read to its end (`finished`), handled up to and including `after`, or handled up to
   * `at` (excluded: a failed record, which the next run reads again first).
   */
  shards: Record<string, { after?: string; at?: string; finished?: boolean }>;
}

/** The checkpoint of this stream, or undefined (none yet, unreadable, or of another stream: a new table). */
export function readCheckpoint(
  file: string | undefined,
  streamArn: string,
  log: Log,
): Checkpoint | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Checkpoint;
    if (parsed.streamArn !== streamArn || typeof parsed.shards !== "object" || parsed.shards === null)
      return undefined;
    return parsed;
  } catch (error) {
    log.warn("stream poller: the checkpoint is unreadable; starting from the oldest record", { file, error });
    return { streamArn, shards: {} };
  }
}

export async function latestStreamArn(client: DynamoDBClient, tableName: string): Promise<string> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.LatestStreamArn || !Table.StreamSpecification?.StreamEnabled) {
      throw new FirebreakError("stream_disabled", `table ${tableName} has no enabled stream`);
    }
    return Table.LatestStreamArn;
  } finally {
    client.destroy();
  }
}
