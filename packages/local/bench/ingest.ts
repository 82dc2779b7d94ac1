/**
 * Sequential latency: `processAlarmEvent` (normalise + ingest, the whole alarm-ingest path) against
 * one conditional PutItem, the physical floor, interleaved one at a time in the same run.
 */

import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { MaintenanceStore } from "@firebreak/core/adapters/dynamodb/maintenance/store";
import { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { normaliseAlarmEvent } from "@firebreak/core/alarm/normalise";
import { type ProcessDeps, processAlarmEvent } from "@firebreak/core/alarm/process";
import {
  type BenchContext,
  type BenchModule,
  countRoundTrips,
  describeRoundTrips,
  eventFor,
  planTransitions,
  rawConditionalPut,
  scaled,
  seededRandom,
} from "./harness";
import { describeMs, round, summarise } from "./stats";

const WARM_UP = 200;
const ALARMS = scaled(200);
const TRANSITIONS_PER_ALARM = 10;
const SEED = 0x1f1e_b4ea;

export const ingestLatency: BenchModule = {
  name: "ingest latency (sequential)",
  targets: [{ figure: "ingest_p99_ratio", op: "<=", value: 6, correctness: false }],
  async run(ctx: BenchContext) {
    const tableName = await ctx.createTable("bench-ingest");
    const db = createDocumentClient({ tableName, endpoint: ctx.endpoint });
    const rawDb = createDocumentClient({ tableName, endpoint: ctx.endpoint });
    const trips = countRoundTrips(db);
    const rawTrips = countRoundTrips(rawDb);
    const deps: ProcessDeps = {
      store: new IncidentStore(db, tableName),
      deadLetters: new MemoryDeadLetterSink(),
      // As deployed (wiring/alarm-ingest.ts): every ingest reads the maintenance windows too.
      maintenance: new MaintenanceStore(db, tableName),
    };
    const random = seededRandom(SEED);
    const start = new Date("2026-03-02T09:00:00.000Z");
    // Alarms start 15 s apart and change state every 5 minutes: in time order, opens are spread
    // through the run among appends (ALARM again, OK = recovery), and each alarm passes the
    // flapping threshold (6 changes in 30 minutes) once, as busy alarms do.
    const plan = (prefix: string, alarms: number, transitions: number) =>
      planTransitions({
        prefix,
        alarms,
        transitions,
        start,
        spacingMs: 5 * 60_000,
        staggerMs: 15_000,
        random,
      }).map(eventFor);
    const warmUp = plan("bench-warm", WARM_UP / 10, 10);
    const events = plan("bench-ingest", ALARMS, TRANSITIONS_PER_ALARM);
    const rawPut = rawConditionalPut(rawDb, tableName);

    ctx.log(`warm-up: ${warmUp.length} ingests and ${warmUp.length} conditional puts, interleaved`);
    for (const event of warmUp) {
      await processAlarmEvent(deps, event);
      await rawPut();
    }

    ctx.log(
      `measuring: ${events.length} processAlarmEvent calls (${ALARMS} alarms × ${TRANSITIONS_PER_ALARM} transitions) interleaved with ${events.length} conditional puts, one at a time`,
    );
    trips.reset();
    rawTrips.reset();
    const ingestMs: number[] = [];
    const putMs: number[] = [];
    const outcomes = new Map<string, number>();
    const byOutcome = new Map<string, number[]>();
    for (const [i, event] of events.entries()) {
      // Alternate which goes first, so neither always follows the other.
      const ingestFirst = i % 2 === 0;
      if (!ingestFirst) putMs.push(await timed(rawPut));
      const started = performance.now();
      const summary = await processAlarmEvent(deps, event);
      ingestMs.push(performance.now() - started);
      if (ingestFirst) putMs.push(await timed(rawPut));
      const outcome = summary.ingested[0]?.outcome;
      if (!outcome || summary.rejected.length > 0) {
        throw new Error(`bench event ${event.id} was not ingested: ${JSON.stringify(summary)}`);
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      const samples = byOutcome.get(outcome) ?? [];
      samples.push(ingestMs[ingestMs.length - 1]!);
      byOutcome.set(outcome, samples);
    }
    const ingest = summarise(ingestMs);
    const put = summarise(putMs);
    ctx.log(`  processAlarmEvent: ${describeMs(ingest)}`);
    ctx.log(`  conditional put:   ${describeMs(put)}`);
    ctx.log(`  outcomes: ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(", ")}`);
    for (const [outcome, samples] of byOutcome) ctx.log(`    ${outcome}: ${describeMs(summarise(samples))}`);
    ctx.log(`  ingest path: ${describeRoundTrips(trips, events.length)}`);
    ctx.log(
      `  ingest path: ${(ingest.mean - trips.totalMs() / events.length).toFixed(2)} ms/op outside them (mean): SDK middleware before the wire (marshalling, signing, retry), normalising, planning`,
    );
    ctx.log(
      `  conditional put: ${describeRoundTrips(rawTrips, events.length)}, ${(put.mean - rawTrips.totalMs() / events.length).toFixed(2)} ms/op outside (mean)`,
    );
    const normaliseMs = events.slice(0, 500).map((event) => timedSync(() => normaliseAlarmEvent(event)));
    ctx.log(`  normaliseAlarmEvent alone: ${describeMs(summarise(normaliseMs))}`);

    db.destroy();
    rawDb.destroy();
    return {
      ingest_events: events.length,
      ingest_p50_ms: round(ingest.p50, 3),
      ingest_p99_ms: round(ingest.p99, 3),
      raw_put_p50_ms: round(put.p50, 3),
      raw_put_p99_ms: round(put.p99, 3),
      ingest_p99_ratio: round(ingest.p99 / put.p99, 3),
    };
  },
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

function timedSync(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}
