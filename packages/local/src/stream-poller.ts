import { renameSync, writeFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import { type DetailPattern, matchesDetail } from "@firebreak/core/events/dispatcher";
import { FirebreakError } from "@firebreak/core/shared/errors";
import type { Log } from "@firebreak/core/shared/log";
import { backoffDelay } from "@firebreak/core/shared/retry";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { type Checkpoint, latestStreamArn, readCheckpoint } from "./stream-position";
import { firstFailedRecord, toLambdaRecord } from "./stream-records";

/**
 * The local stand-in for Lambda's DynamoDB event source mapping: polls a table's stream on
 * DynamoDB Local and hands each batch, shaped like a Lambda DynamoDBStreamEvent, to `onRecords`.
 * Same semantics as Lambda with ReportBatchItemFailures: at least once, in order per shard;
 * a reported failure (or a throw) re-reads the shard from the first failed record after a backoff.
 */

export type StartingPosition = "LATEST" | "TRIM_HORIZON";

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  onRecords: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
  /**
   * The event source mapping's filter (Lambda event filtering): only matching records reach
   * `onRecords`; the others count as processed, as on Lambda.
   */
  filter?: DetailPattern;
  /** Pause between polls when there is nothing to read (default 100 ms). */
  intervalMs?: number;
  /** Where to start when there is no checkpoint: LATEST (default), or TRIM_HORIZON. */
  startingPosition?: StartingPosition;
  /**
   * A file keeping, per shard, the last record handled (written atomically after each batch). A
   * restart, `kill -9` included, resumes after it, so nothing committed before a crash is left
   * undispatched (consumers are idempotent, so a batch handled twice is harmless). Shards the
   * checkpoint does not know are read from their start.
   */
  checkpointFile?: string;
  /** Records per batch, at most 1000 (default 100, like Lambda). */
  batchSize?: number;
  /** Backoff before re-reading a failed batch: full jitter, base 200 ms, cap 5 s by default. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How often to look for new shards besides when a shard closes (default 5 s). */
  shardRefreshMs?: number;
  region?: string;
  log?: Log;
}

/** How far behind the poller is (for /health). */
export interface PollerStatus {
  /**
   * Milliseconds since the last round in which every shard was read and every batch handled. Idle,
   * that is at most one poll interval plus a round trip; it grows while reads or batches fail, or a
   * read hangs (DynamoDB Local stopped).
   */
  lagMs: number;
  /** What is failing now, when something is. */
  problem?: string;
}

export interface StreamPoller {
  readonly streamArn: string;
  status(): PollerStatus;
  /** Stops polling; resolves once the loop has exited (an in-flight onRecords call finishes first). */
  stop(): Promise<void>;
}

type Position =
  | { type: StartingPosition }
  | { type: "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER"; sequenceNumber: string };

interface ShardState {
  id: string;
  parentId?: string;
  /** Where to (re)open the shard if there is no iterator: the checkpoint. */
  position: Position;
  iterator?: string;
  finished: boolean;
  failures: number;
  /** Epoch ms before which the shard is not read (backoff after a failure). */
  notBefore: number;
}

interface Settings {
  onRecords: StreamPollerOptions["onRecords"];
  checkpointFile?: string;
  filter?: DetailPattern;
  intervalMs: number;
  batchSize: number;
  retry: { baseMs: number; maxMs: number };
  shardRefreshMs: number;
  log: Log;
}

const consoleLog: Log = {
  info: (message, ...extra) => console.info(message, ...extra),
  warn: (message, ...extra) => console.warn(message, ...extra),
  error: (message, ...extra) => console.error(message, ...extra),
};

/** Resolves once the poller is positioned on the stream (so LATEST means "from now"). */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const clientConfig = {
    endpoint: options.endpoint,
    region: options.region ?? "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
  const streamArn = await latestStreamArn(new DynamoDBClient(clientConfig), options.tableName);
  const streams = new DynamoDBStreamsClient(clientConfig);
  const poller = new Poller(streams, streamArn, {
    onRecords: options.onRecords,
    ...(options.checkpointFile ? { checkpointFile: options.checkpointFile } : {}),
    ...(options.filter ? { filter: options.filter } : {}),
    intervalMs: options.intervalMs ?? 100,
    batchSize: Math.min(1000, Math.max(1, options.batchSize ?? 100)),
    retry: { baseMs: options.retryBaseMs ?? 200, maxMs: options.retryMaxMs ?? 5_000 },
    shardRefreshMs: options.shardRefreshMs ?? 5_000,
    log: options.log ?? consoleLog,
  });
  try {
    await poller.start(options.startingPosition ?? "LATEST");
  } catch (error) {
    streams.destroy();
    throw error;
  }
  return {
    streamArn,
    status: () => poller.status(),
    stop: async () => {
      await poller.stop();
      streams.destroy();
    },
  };
}

class Poller {
  private readonly shards = new Map<string, ShardState>();
  private readonly abort = new AbortController();
  private stopped = false;
  private nextRefresh = 0;
  private loop: Promise<void> = Promise.resolve();
  private healthyAt = Date.now();
  private problem: string | undefined;

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly settings: Settings,
  ) {}

  async start(startingPosition: StartingPosition): Promise<void> {
    const checkpoint = readCheckpoint(this.settings.checkpointFile, this.streamArn, this.settings.log);
    await this.refreshShards(checkpoint ? "TRIM_HORIZON" : startingPosition);
    if (checkpoint) {
      for (const shard of this.shards.values()) {
        const saved = checkpoint.shards[shard.id];
        if (saved?.finished) shard.finished = true;
        else if (saved?.after)
          shard.position = { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: saved.after };
        else if (saved?.at) shard.position = { type: "AT_SEQUENCE_NUMBER", sequenceNumber: saved.at };
      }
    }
    // Pin LATEST now: records written after start() resolves are read, earlier ones are not.
    for (const shard of this.shards.values()) {
      if (!shard.finished && shard.position.type === "LATEST")
        shard.iterator = await this.openIterator(shard);
    }
    this.loop = this.run();
  }

  status(): PollerStatus {
    return { lagMs: Date.now() - this.healthyAt, ...(this.problem ? { problem: this.problem } : {}) };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let busy = false;
      try {
        if (Date.now() >= this.nextRefresh) await this.refreshShards();
        for (const shard of this.readableShards()) {
          if (this.stopped) break;
          busy = (await this.pollShard(shard)) || busy;
        }
        failures = 0;
        if (![...this.shards.values()].some((shard) => shard.failures > 0)) {
          this.healthyAt = Date.now();
          this.problem = undefined;
        }
      } catch (error) {
        if (this.stopped) break;
        failures++;
        this.problem = `describing the stream failed: ${describeError(error)}`;
        this.settings.log.warn("stream poller: describing the stream failed; retrying", {
          streamArn: this.streamArn,
          error,
        });
        await this.pause(backoffDelay(failures, this.settings.retry) + this.settings.intervalMs);
        continue;
      }
      if (!busy) await this.pause(this.settings.intervalMs);
    }
  }

  /** Adds shards not seen before. At start they open at `initial`; shards found later are new, so from TRIM_HORIZON. */
  private async refreshShards(initial?: StartingPosition): Promise<void> {
    const listed = await this.describeShards();
    for (const shard of listed) {
      if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
      const closed = Boolean(shard.SequenceNumberRange?.EndingSequenceNumber);
      this.shards.set(shard.ShardId, {
        id: shard.ShardId,
        parentId: shard.ParentShardId,
        position: { type: initial ?? "TRIM_HORIZON" },
        // From LATEST, a shard that is already closed has nothing new to give.
        finished: initial === "LATEST" && closed,
        failures: 0,
        notBefore: 0,
      });
    }
    const present = new Set(listed.map((s) => s.ShardId));
    for (const [id, shard] of this.shards) if (shard.finished && !present.has(id)) this.shards.delete(id);
    this.nextRefresh = Date.now() + this.settings.shardRefreshMs;
  }

  private async describeShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }),
        { abortSignal: this.abort.signal },
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  /** Open shards whose parent is done (children wait for their parent, to keep per-key order). */
  private readableShards(): ShardState[] {
    const now = Date.now();
    return [...this.shards.values()].filter((shard) => {
      if (shard.finished || shard.notBefore > now) return false;
      const parent = shard.parentId ? this.shards.get(shard.parentId) : undefined;
      return !parent || parent.finished;
    });
  }

  /** One GetRecords on the shard; true when it delivered records (so the loop polls again at once). */
  private async pollShard(shard: ShardState): Promise<boolean> {
    try {
      shard.iterator ??= await this.openIterator(shard);
      if (!shard.iterator) return this.advance(shard, undefined);
      const output = await this.streams.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: this.settings.batchSize }),
        { abortSignal: this.abort.signal },
      );
      const records = output.Records ?? [];
      if (records.length > 0 && !(await this.deliver(shard, records))) return false;
      shard.failures = 0; // read (and handled): a past read error is over
      this.advance(shard, output.NextShardIterator);
      return records.length > 0;
    } catch (error) {
      if (!this.stopped) this.recoverFromReadError(shard, error);
      return false;
    }
  }

  private async openIterator(shard: ShardState): Promise<string | undefined> {
    const { position } = shard;
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shard.id,
        ShardIteratorType: position.type,
        SequenceNumber: "sequenceNumber" in position ? position.sequenceNumber : undefined,
      }),
      { abortSignal: this.abort.signal },
    );
    return ShardIterator;
  }

  /** A null next iterator means the shard is closed and fully read: look for its children now. */
  private advance(shard: ShardState, next: string | undefined): false {
    shard.iterator = next;
    if (!next) {
      shard.finished = true;
      this.nextRefresh = 0;
      this.saveCheckpoint();
    }
    return false;
  }

  /** Writes where each shard stands (temp file + rename: a crash leaves the old or the new one whole). */
  private saveCheckpoint(): void {
    const file = this.settings.checkpointFile;
    if (!file) return;
    const shards: Checkpoint["shards"] = {};
    for (const shard of this.shards.values()) {
      if (shard.finished) shards[shard.id] = { finished: true };
      else if (shard.position.type === "AFTER_SEQUENCE_NUMBER")
        shards[shard.id] = { after: shard.position.sequenceNumber };
      // Re-reading from a failed record: everything before it is handled, it is not.
      else if (shard.position.type === "AT_SEQUENCE_NUMBER")
        shards[shard.id] = { at: shard.position.sequenceNumber };
    }
    const checkpoint: Checkpoint = { streamArn: this.streamArn, shards };
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(checkpoint));
    renameSync(temp, file);
  }

  /**
   * Hands the batch over; on failure re-positions the shard AT the first failed record. Either way
   * the checkpoint then says what is handled. True on success.
   */
  private async deliver(shard: ShardState, records: StreamRecord[]): Promise<boolean> {
    const event: DynamoDBStreamEvent = { Records: records.map((r) => toLambdaRecord(r, this.streamArn)) };
    const failedAt = await this.invoke(event);
    const sequenceNumber = event.Records[failedAt ?? event.Records.length - 1]?.dynamodb?.SequenceNumber;
    if (!sequenceNumber)
      throw new FirebreakError("stream_record_invalid", "stream record has no SequenceNumber");
    if (failedAt === undefined) {
      shard.position = { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber };
      shard.failures = 0;
      this.saveCheckpoint();
      return true;
    }
    shard.failures++;
    this.problem = `a batch failed ${shard.failures} time(s) on shard ${shard.id}, at record ${sequenceNumber}`;
    shard.position = { type: "AT_SEQUENCE_NUMBER", sequenceNumber };
    // The records before the failed one are handled: a restart starts at the failed one.
    this.saveCheckpoint();
    shard.iterator = undefined;
    shard.notBefore = Date.now() + backoffDelay(shard.failures, this.settings.retry);
    this.settings.log.warn("stream poller: batch failed; re-reading from the first failed record", {
      shardId: shard.id,
      sequenceNumber,
      attempt: shard.failures,
      failedRecords: event.Records.length - failedAt,
    });
    return false;
  }

  /** The index of the first failed record, or undefined when the batch succeeded. */
  private async invoke(event: DynamoDBStreamEvent): Promise<number | undefined> {
    const { filter } = this.settings;
    const records = filter ? event.Records.filter((record) => matchesDetail(filter, record)) : event.Records;
    if (records.length === 0) return undefined;
    const indexInBatch = (i: number) => event.Records.indexOf(records[i]!);
    try {
      const failed = firstFailedRecord(records, await this.settings.onRecords({ Records: records }));
      return failed === undefined ? undefined : indexInBatch(failed);
    } catch (error) {
      this.settings.log.error("stream poller: onRecords threw; the whole batch will be retried", { error });
      return indexInBatch(0);
    }
  }

  private recoverFromReadError(shard: ShardState, error: unknown): void {
    shard.iterator = undefined;
    const name = error instanceof Error ? error.name : "";
    if (name === "ExpiredIteratorException") return; // reopen at the checkpoint on the next poll
    if (name === "TrimmedDataAccessException") {
      this.settings.log.warn("stream poller: records were trimmed before they were read", {
        shardId: shard.id,
      });
      shard.position = { type: "TRIM_HORIZON" };
      return;
    }
    shard.failures++;
    this.problem = `reading shard ${shard.id} failed: ${describeError(error)}`;
    shard.notBefore = Date.now() + backoffDelay(shard.failures, this.settings.retry);
    this.settings.log.warn("stream poller: reading a shard failed; retrying", { shardId: shard.id, error });
  }

  /** Sleeps, but wakes at once when stopped. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.abort.signal.addEventListener("abort", done, { once: true });
    });
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message && error.message !== error.name ? `${error.name}: ${error.message}` : error.name;
}

export { toLambdaRecord };
