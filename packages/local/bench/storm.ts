/**
 * The storm: 10,000 distinct transitions from 1,000 alarms, every one delivered twice (same
 * EventBridge id), shuffled, processed by 16 concurrent workers against one store. Then the
 * table is audited: one incident per alarm, every transition on its timeline exactly once.
 * Throughput is compared with conditional PutItems at the same concurrency, in the same run.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { keys } from "@firebreak/core/adapters/dynamodb/keys";
import { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { type ProcessDeps, processAlarmEvent } from "@firebreak/core/alarm/process";
import type { Incident } from "@firebreak/core/incident/model";
import type { TimelineEntry } from "@firebreak/core/incident/timeline";
import {
  alarmArn,
  type BenchContext,
  type BenchModule,
  countRoundTrips,
  cursor,
  describeRoundTrips,
  eventFor,
  type PlannedTransition,
  planTransitions,
  runPool,
  scaled,
  seededRandom,
  shuffle,
} from "./harness";
import { round } from "./stats";

const ALARMS = scaled(1_000);
const TRANSITIONS_PER_ALARM = 10;
const COPIES = 2;
const CONCURRENCY = 16;
const RAW_PUTS = scaled(20_000);
const SLICES = 10;
const WARM_UP = 200;
const SEED = 0x5707_1234;
/** Times a delivery that failed with a retryable error is delivered again (EventBridge retries). */
const MAX_REDELIVERIES = 5;

interface Delivery {
  transition: PlannedTransition;
  /** The event as delivered (JSON); parsed per delivery, as each Lambda invocation does. */
  payload: string;
  redeliveries: number;
}

export const storm: BenchModule = {
  name: "storm (duplicated, shuffled, 16-way)",
  targets: [
    { figure: "storm_throughput_ratio", op: ">=", value: 0.25, correctness: false },
    { figure: "storm_duplicates", op: "=", value: 0, correctness: true },
    { figure: "storm_lost_transitions", op: "=", value: 0, correctness: true },
  ],
  async run(ctx: BenchContext) {
    const tableName = await ctx.createTable("bench-storm");
    // One store on one client (keep-alive agent, 64 sockets) for all 16 workers, as one Lambda
    // container would have; the raw puts get their own client of the same kind.
    const db = createDocumentClient({ tableName, endpoint: ctx.endpoint });
    const rawDb = createDocumentClient({ tableName, endpoint: ctx.endpoint });
    const trips = countRoundTrips(db);
    const store = new IncidentStore(db, tableName);
    const deps: ProcessDeps = { store, deadLetters: new MemoryDeadLetterSink() };
    const random = seededRandom(SEED);

    // ---- the plan ----
    const start = new Date("2026-03-02T12:00:00.000Z");
    const plan = (prefix: string, alarms: number) =>
      planTransitions({
        prefix,
        alarms,
        transitions: TRANSITIONS_PER_ALARM,
        start,
        spacingMs: 60_000,
        staggerMs: 1_000,
        random,
      });
    const deliveriesOf = (transitions: PlannedTransition[]): Delivery[] =>
      shuffle(
        transitions.flatMap((transition) => {
          const payload = JSON.stringify(eventFor(transition));
          return Array.from({ length: COPIES }, () => ({ transition, payload, redeliveries: 0 }));
        }),
        random,
      );
    const warmUpAlarms = WARM_UP / (TRANSITIONS_PER_ALARM * COPIES);
    const warmUp = deliveriesOf(plan("storm-warm", warmUpAlarms));
    const transitions = plan("storm", ALARMS);
    const deliveries = deliveriesOf(transitions);

    // ---- raw conditional puts: the floor ----
    let rawKey = 0;
    const rawPut = async () => {
      const n = rawKey++;
      await rawDb.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: `RAW#${n}`, sk: "RAW", type: "raw", n, at: new Date().toISOString() },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    };
    const countdown = (n: number) => () => (n-- > 0 ? n : undefined);

    // ---- deliveries ----
    const outcomes = new Map<string, number>();
    const outcomesById = new Map<string, string[]>();
    let failures = 0;
    let conflictRetries = 0;
    const deliverAll = async (queue: Delivery[], record: boolean) => {
      let pending = queue;
      while (pending.length > 0) {
        const again: Delivery[] = [];
        await runPool(CONCURRENCY, cursor(pending), async (delivery) => {
          try {
            const summary = await processAlarmEvent(deps, JSON.parse(delivery.payload));
            const result = summary.ingested[0];
            if (!result || summary.rejected.length > 0) {
              throw new Error(
                `storm event ${delivery.transition.id} was not ingested: ${JSON.stringify(summary)}`,
              );
            }
            if (!record) return;
            conflictRetries += result.attempts - 1;
            outcomes.set(result.outcome, (outcomes.get(result.outcome) ?? 0) + 1);
            const seen = outcomesById.get(delivery.transition.id) ?? [];
            seen.push(result.outcome);
            outcomesById.set(delivery.transition.id, seen);
          } catch (error) {
            // A retryable failure: the event source delivers it again (here: at once).
            if (!(error instanceof Error) || error.name !== "RetryableBatchError") throw error;
            if (record) failures++;
            if (delivery.redeliveries >= MAX_REDELIVERIES) return;
            again.push({ ...delivery, redeliveries: delivery.redeliveries + 1 });
          }
        });
        pending = again;
      }
    };

    ctx.log(
      `warm-up: ${WARM_UP} conditional puts and ${warmUp.length} deliveries (${warmUpAlarms} other alarms), concurrency ${CONCURRENCY}`,
    );
    await runPool(CONCURRENCY, countdown(WARM_UP), rawPut);
    await deliverAll(warmUp, false);

    // The storm queue and the raw puts run in alternating slices, so load on this shared machine
    // drifts over both alike; each side's wall time is the sum of its slices.
    ctx.log(
      `storm: ${transitions.length} transitions from ${ALARMS} alarms, each delivered ${COPIES}× (${deliveries.length} deliveries), shuffled (seed ${SEED.toString(16)}), concurrency ${CONCURRENCY}; interleaved in ${SLICES} slices with ${RAW_PUTS} conditional PutItems at concurrency ${CONCURRENCY}`,
    );
    trips.reset();
    let stormMs = 0;
    let rawMs = 0;
    const rawPerSlice = Math.ceil(RAW_PUTS / SLICES);
    const stormPerSlice = Math.ceil(deliveries.length / SLICES);
    for (let slice = 0; slice < SLICES; slice++) {
      const stormSlice = deliveries.slice(slice * stormPerSlice, (slice + 1) * stormPerSlice);
      const rawCount = Math.min(rawPerSlice, RAW_PUTS - slice * rawPerSlice);
      const runRaw = async () => {
        const t0 = performance.now();
        await runPool(CONCURRENCY, countdown(rawCount), rawPut);
        return performance.now() - t0;
      };
      const runStorm = async () => {
        const t0 = performance.now();
        await deliverAll(stormSlice, true);
        return performance.now() - t0;
      };
      let sliceRaw: number;
      let sliceStorm: number;
      if (slice % 2 === 0) {
        sliceRaw = await runRaw();
        sliceStorm = await runStorm();
      } else {
        sliceStorm = await runStorm();
        sliceRaw = await runRaw();
      }
      rawMs += sliceRaw;
      stormMs += sliceStorm;
      ctx.log(
        `  slice ${slice + 1}/${SLICES}: ${stormSlice.length} deliveries ${(stormSlice.length / (sliceStorm / 1000)).toFixed(0)}/s · ${rawCount} puts ${(rawCount / (sliceRaw / 1000)).toFixed(0)}/s`,
      );
    }
    const stormPerSecond = deliveries.length / (stormMs / 1000);
    const rawPerSecond = RAW_PUTS / (rawMs / 1000);
    ctx.log(
      `  storm: ${deliveries.length} deliveries in ${(stormMs / 1000).toFixed(2)} s = ${stormPerSecond.toFixed(0)}/s; raw: ${RAW_PUTS} puts in ${(rawMs / 1000).toFixed(2)} s = ${rawPerSecond.toFixed(0)}/s`,
    );
    ctx.log(`  outcomes: ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(", ")}`);
    ctx.log(
      `  ${conflictRetries} conflict retries inside ingest; ${failures} deliveries failed and were redelivered`,
    );
    ctx.log(`  storm path: ${describeRoundTrips(trips, deliveries.length)}`);

    // ---- audit (outside the measured section) ----
    ctx.log("audit: incidents via INCNUM keys, timelines by Query, then a verification Scan");
    const audit = await auditStorm(store, db, tableName, transitions, outcomesById, ctx);
    db.destroy();
    rawDb.destroy();
    return {
      storm_events: transitions.length,
      storm_deliveries: deliveries.length,
      storm_incidents: audit.incidents,
      storm_expected_incidents: audit.expectedIncidents,
      storm_duplicates: audit.duplicates,
      storm_lost_transitions: audit.lost,
      storm_events_per_s: round(stormPerSecond, 1),
      raw_put_per_s: round(rawPerSecond, 1),
      storm_throughput_ratio: round(stormPerSecond / rawPerSecond, 3),
    };
  },
};

interface Audit {
  incidents: number;
  expectedIncidents: number;
  duplicates: number;
  lost: number;
}

async function auditStorm(
  store: IncidentStore,
  db: DynamoDBDocumentClient,
  tableName: string,
  transitions: PlannedTransition[],
  outcomesById: Map<string, string[]>,
  ctx: BenchContext,
): Promise<Audit> {
  const byAlarm = new Map<string, PlannedTransition[]>();
  for (const t of transitions) {
    const arn = alarmArn(t.alarm);
    byAlarm.set(arn, [...(byAlarm.get(arn) ?? []), t]);
  }
  // Every alarm's first transition is ALARM and nothing resolves automatically: one incident each.
  const expectedIncidents = [...byAlarm.values()].filter((ts) => ts.some((t) => t.state === "ALARM")).length;

  // Incidents by key, no Scan: the counter bounds the numbers, INCNUM#<n> maps each to its id.
  const counter = await db.send(
    new GetCommand({ TableName: tableName, Key: keys.counter(), ConsistentRead: true }),
  );
  const highest = Number(counter.Item?.value ?? 0);
  const incidentIds = await batchGetIncidentIds(db, tableName, highest);

  // Safety net: a verification Scan, so an incident without an INCNUM item cannot hide.
  const scanned = await scanIncidents(db, tableName);
  const known = new Set(incidentIds);
  const missed = [...scanned.keys()].filter((id) => !known.has(id));
  if (missed.length > 0) ctx.log(`  ✗ the Scan found ${missed.length} incident(s) the INCNUM keys did not`);
  incidentIds.push(...missed);

  const incidents: { incident: Incident; timeline: TimelineEntry[] }[] = [];
  await runPool(16, cursor(incidentIds), async (id) => {
    const found = await store.getIncidentWithTimeline(id);
    if (found) incidents.push(found);
    else ctx.log(`  ✗ INC item for ${id} missing`);
  });
  const incidentsByAlarm = new Map<string, (typeof incidents)[number][]>();
  for (const found of incidents) {
    const arn = found.incident.alarm?.arn ?? "(none)";
    incidentsByAlarm.set(arn, [...(incidentsByAlarm.get(arn) ?? []), found]);
  }
  const stormIncidents = [...incidentsByAlarm]
    .filter(([arn]) => byAlarm.has(arn))
    .flatMap(([, list]) => list);

  let extraIncidents = 0;
  let alarmsWithout = 0;
  let duplicateEntries = 0;
  let lost = 0;
  let summarisedOnly = 0;
  let recordedBefore = 0;
  const lostByOutcome = new Map<string, number>();
  const lostByIndex = new Map<number, number>();
  const examples: string[] = [];
  const duplicateExamples: string[] = [];
  for (const [arn, planned] of byAlarm) {
    const mine = incidentsByAlarm.get(arn) ?? [];
    if (mine.length === 0) alarmsWithout++;
    extraIncidents += Math.max(0, mine.length - 1);
    const entries = mine
      .flatMap((found) => found.timeline)
      .filter((e) => e.kind === "incident.alarm_transition");
    recordedBefore += entries.filter((e) => e.data.recordedBefore === true).length;
    for (const t of planned) {
      const at = t.at.getTime();
      const byDelivery = entries.filter((e) => e.data.deliveryId === t.id).length;
      // An entry without a delivery id that stands for a transition recorded before its ALARM
      // arrived (`recordedBefore`, same state and state timestamp) counts for it too.
      const bySummary = entries.filter(
        (e) =>
          e.data.deliveryId === undefined &&
          e.data.recordedBefore === true &&
          e.data.state === t.state &&
          Date.parse(String(e.data.stateTimestamp)) === at,
      ).length;
      const seen = byDelivery + bySummary;
      if (byDelivery === 0 && bySummary > 0) summarisedOnly++;
      if (seen > 1) {
        duplicateEntries += seen - 1;
        if (duplicateExamples.length < 3) {
          const outcome = (outcomesById.get(t.id) ?? ["never ingested"]).join("+");
          duplicateExamples.push(
            `${t.alarm} #${t.index} ${t.state} ${t.at.toISOString()} (${outcome}; ${byDelivery} by delivery id, ${bySummary} by summary) timeline: ${entries.map((e) => `${e.data.state}@${e.data.stateTimestamp}${e.data.recordedBefore ? "(summary)" : ""}${e.data.late ? "(late)" : ""}`).join(", ")}`,
          );
        }
      }
      if (seen === 0) {
        lost++;
        const outcome = (outcomesById.get(t.id) ?? ["never ingested"]).join("+");
        lostByOutcome.set(outcome, (lostByOutcome.get(outcome) ?? 0) + 1);
        lostByIndex.set(t.index, (lostByIndex.get(t.index) ?? 0) + 1);
        if (examples.length < 3) examples.push(`${t.alarm} #${t.index} ${t.state} (${outcome})`);
      }
    }
  }
  let pointerMismatches = 0;
  await runPool(16, cursor([...byAlarm.keys()]), async (arn) => {
    const record = await store.getAlarmRecord(arn);
    const mine = incidentsByAlarm.get(arn) ?? [];
    if (!record?.openIncidentId || !mine.some((found) => found.incident.id === record.openIncidentId)) {
      pointerMismatches++;
    }
  });

  const incidentsCount = stormIncidents.length;
  const duplicates = Math.max(extraIncidents, incidentsCount - expectedIncidents, 0) + duplicateEntries;
  ctx.log(
    `  incidents: ${incidentsCount} for ${byAlarm.size} storm alarms (expected ${expectedIncidents}); ${extraIncidents} extra, ${alarmsWithout} alarm(s) without one; the verification Scan finds ${[...scanned.values()].filter((arn) => byAlarm.has(arn)).length} (${scanned.size} incident items in all, warm-up included)`,
  );
  ctx.log(
    `  timelines: ${stormIncidents.reduce((n, f) => n + f.timeline.filter((e) => e.kind === "incident.alarm_transition").length, 0)} alarm_transition entries; ${duplicateEntries} duplicate entries; ${lost} of ${transitions.length} transitions missing (${summarisedOnly} present only as a summary entry without a delivery id); ${recordedBefore} entries were recorded before their ALARM arrived`,
  );
  if (lost > 0) {
    ctx.log(
      `  missing transitions by what their deliveries returned: ${[...lostByOutcome].map(([k, n]) => `${k} ${n}`).join(", ")}`,
    );
    ctx.log(
      `  missing transitions by index within their alarm (0 = the first ALARM): ${[...lostByIndex]
        .sort(([a], [b]) => a - b)
        .map(([k, n]) => `#${k} ${n}`)
        .join(", ")}; e.g. ${examples.join("; ")}`,
    );
  }
  for (const example of duplicateExamples) ctx.log(`  duplicate: ${example}`);
  ctx.log(`  alarm records not pointing at their incident: ${pointerMismatches}`);
  return { incidents: incidentsCount, expectedIncidents, duplicates, lost };
}

async function batchGetIncidentIds(
  db: DynamoDBDocumentClient,
  tableName: string,
  highest: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let from = 1; from <= highest; from += 100) {
    let pending: Record<string, unknown>[] = [];
    for (let n = from; n < Math.min(from + 100, highest + 1); n++) pending.push(keys.incidentNumber(n));
    while (pending.length > 0) {
      const out = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[tableName] ?? []) ids.push(String(item.incidentId));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return ids;
}

/** Incident id → alarm ARN for every incident item in the table (a Scan: audit only). */
async function scanIncidents(db: DynamoDBDocumentClient, tableName: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: "#type = :incident",
        ExpressionAttributeNames: { "#type": "type", "#alarm": "alarm" },
        ExpressionAttributeValues: { ":incident": "incident" },
        ProjectionExpression: "id, #alarm.arn",
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) ids.set(String(item.id), String(item.alarm?.arn ?? "(none)"));
    start = out.LastEvaluatedKey;
  } while (start);
  return ids;
}
