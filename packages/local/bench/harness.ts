/**
 * What bench modules share: the module contract, the context `run.ts` hands them, a seeded PRNG,
 * a worker pool, real-format alarm events with a chosen id and timestamp, and a round-trip counter.
 */
import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { alarmStateChangeEvent } from "../src/alarm-events";

/**
 * FIREBREAK_BENCH_SCALE (default 1) scales the event counts, e.g. 0.1 for a quick smoke run.
 * Figures from a scaled run are not comparable with a full one (the counts are in the JSON line).
 */
export const BENCH_SCALE = Number(process.env.FIREBREAK_BENCH_SCALE ?? 1) || 1;

export function scaled(n: number): number {
  return Math.max(1, Math.round(n * BENCH_SCALE));
}

export interface BenchContext {
  /** DynamoDB Local, started by run.ts for this run only (in memory). */
  endpoint: string;
  /** A progress line (stderr). */
  log(message: string): void;
  /** Creates a fresh table from the one table definition and returns its name. */
  createTable(prefix: string): Promise<string>;
}

export interface Target {
  figure: string;
  op: "<=" | ">=" | "=";
  value: number;
  /** A miss is a correctness failure: the bench exits non-zero. Otherwise it is only reported. */
  correctness: boolean;
}

/**
 * One benchmark. run.ts runs the modules in order and merges their figures into the one JSON line
 * it prints last, so adding a figure means adding a module (or a key to a module's record).
 */
export interface BenchModule {
  name: string;
  targets: Target[];
  run(ctx: BenchContext): Promise<Record<string, number>>;
}

/** mulberry32: a small, fast, seeded PRNG in [0, 1); the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates, in place, with the given PRNG. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A UUID-shaped id (as EventBridge event ids are), drawn from the PRNG so runs are comparable. */
export function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export const BENCH_ACCOUNT = "123456789012";
export const BENCH_REGION = "eu-west-1";

export function alarmArn(name: string): string {
  return `arn:aws:cloudwatch:${BENCH_REGION}:${BENCH_ACCOUNT}:alarm:${name}`;
}

export interface PlannedTransition {
  alarm: string;
  /** Index of the transition within its alarm, in state-timestamp order. */
  index: number;
  state: "ALARM" | "OK";
  at: Date;
  /** The EventBridge event id, which the ingest path uses as the delivery id. */
  id: string;
}

/** A real-format EventBridge alarm state change with an explicit event id and state timestamp. */
export function eventFor(t: PlannedTransition) {
  const event = alarmStateChangeEvent({
    name: t.alarm,
    state: t.state,
    // A service per alarm: grouping by service (alarm/grouping.ts) would otherwise fold the storm's
    // alarms into a few incidents, and these runs measure one incident per alarm.
    service: `svc-${t.alarm.toLowerCase()}`,
    severity: t.alarm.endsWith("0") ? "SEV2" : "SEV3",
    account: BENCH_ACCOUNT,
    region: BENCH_REGION,
    at: t.at,
  });
  return { ...event, id: t.id };
}

/**
 * `alarms` alarms, each with `transitions` transitions alternating ALARM, OK, ALARM… (the first is
 * ALARM), spaced `spacingMs` apart; alarm k starts `staggerMs · k` after `start`. Returned in
 * state-timestamp order across all alarms, as CloudWatch would emit them.
 */
export function planTransitions(options: {
  prefix: string;
  alarms: number;
  transitions: number;
  start: Date;
  spacingMs: number;
  staggerMs: number;
  random: () => number;
}): PlannedTransition[] {
  const width = String(options.alarms - 1).length;
  const planned: PlannedTransition[] = [];
  for (let a = 0; a < options.alarms; a++) {
    const alarm = `${options.prefix}-${String(a).padStart(width, "0")}`;
    for (let index = 0; index < options.transitions; index++) {
      planned.push({
        alarm,
        index,
        state: index % 2 === 0 ? "ALARM" : "OK",
        at: new Date(options.start.getTime() + a * options.staggerMs + index * options.spacingMs),
        id: seededUuid(options.random),
      });
    }
  }
  return planned.sort((x, y) => x.at.getTime() - y.at.getTime() || x.alarm.localeCompare(y.alarm));
}

/**
 * `concurrency` async workers pulling from `next()` until it returns undefined; the first error
 * stops the pool and is rethrown once the other workers finished their current item.
 */
export async function runPool<T>(
  concurrency: number,
  next: () => T | undefined,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (;;) {
      if (failure) return;
      const item = next();
      if (item === undefined) return;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure) throw failure.error;
}

/** Items of `items` in order, one per call, then undefined: a queue for runPool. */
export function cursor<T>(items: readonly T[]): () => T | undefined {
  let i = 0;
  return () => (i < items.length ? items[i++] : undefined);
}

export interface RoundTrips {
  /** HTTP requests per DynamoDB operation (SDK retries included) since the last reset. */
  counts(): Record<string, number>;
  /** Wall time spent inside each operation's requests, summed, in ms. */
  times(): Record<string, number>;
  /** Wall time spent inside all requests, summed, in ms. */
  totalMs(): number;
  total(): number;
  reset(): void;
}

/**
 * Counts every HTTP request the client sends (each SDK attempt) by operation, and the time spent
 * in them: how many round trips a code path makes, and how much of its latency is DynamoDB's.
 */
export function countRoundTrips(db: DynamoDBDocumentClient): RoundTrips {
  let counts = new Map<string, number>();
  let times = new Map<string, number>();
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? "unknown").replace(/Command$/, "");
      counts.set(name, (counts.get(name) ?? 0) + 1);
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        times.set(name, (times.get(name) ?? 0) + performance.now() - started);
      }
    },
    { step: "deserialize", name: "benchRoundTripCounter", priority: "high" },
  );
  const sorted = (map: Map<string, number>) =>
    Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)));
  return {
    counts: () => sorted(counts),
    times: () => sorted(times),
    totalMs: () => [...times.values()].reduce((a, b) => a + b, 0),
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => {
      counts = new Map();
      times = new Map();
    },
  };
}

/** `2.10 round trips per op (GetItem 1.00 × 3.1 ms · TransactWriteItems 1.00 × 9.0 ms …)`. */
export function describeRoundTrips(trips: RoundTrips, per: number): string {
  const times = trips.times();
  const parts = Object.entries(trips.counts()).map(
    ([name, n]) => `${name} ${(n / per).toFixed(2)} × ${((times[name] ?? 0) / n).toFixed(2)} ms`,
  );
  return `${(trips.total() / per).toFixed(2)} round trips per op (${parts.join(" · ")}), ${(trips.totalMs() / per).toFixed(2)} ms/op inside DynamoDB calls`;
}

/**
 * The physical floor every latency figure is compared with: one conditional PutItem of a small
 * item into the module's own table. Modules interleave calls of it with what they measure, in the
 * same run and the same DynamoDB Local, and report `<figure>_ratio` against its p99.
 */
export function rawConditionalPut(db: DynamoDBDocumentClient, tableName: string): () => Promise<unknown> {
  let rawKey = 0;
  return () =>
    db.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `RAW#${rawKey}`, sk: "RAW", type: "raw", n: rawKey++, at: new Date().toISOString() },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
}
