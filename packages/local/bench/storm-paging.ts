/**
 * The paging storm: the local runtime's whole path (POST /events → ingest → table stream →
 * outbox → pager → fake SNS) under a seeded storm of duplicated, reordered deliveries. Each alarm's
 * ALARM is delivered three times (twice with one EventBridge id, once more under another id: the
 * same transition through another channel) and its later OK once, all shuffled, 8 at a time.
 *
 * - `storm_incidents`: incidents stored (one per alarm expected);
 * - `storm_incidents_paged_exactly_once`: incidents whose level-1 on-call got exactly one SMS and
 *   each of whose page records was handed to its channel exactly once and delivered (target:
 *   equal to `storm_incidents`);
 * - `storm_paging_incidents_per_s`: incidents paged per second, from the first delivery sent to
 *   the last incident paged, beside `storm_paging_baseline_per_s`: the same number of alarms each
 *   sent once, in order, one at a time and paged before the next (the same path without the
 *   storm's concurrency, duplicates and reordering), measured in the same run.
 *
 * The helpers (`pagingStorm`, `sendStorm`, `auditPaging`) are also what packages/local/test/
 * storm.test.ts runs, at a smaller size.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Incident } from "@firebreak/core/incident/model";
import { pinnedClock } from "@firebreak/core/shared/clock";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";
import { type BenchContext, type BenchModule, scaled, seededRandom, shuffle } from "./harness";
import { round } from "./stats";

export interface StormDelivery {
  alarm: string;
  body: string;
}

/** Who is on call must not depend on the date: the storm runs at a pinned instant. */
export const STORM_INSTANT = "2026-03-02T12:00:00.000Z";

/** Each alarm: its ALARM three times (two ids), its OK once; shuffled with the seed. */
export function pagingStorm(prefix: string, alarms: number, seed: number, now: Date): StormDelivery[] {
  const base = now.getTime() - 30 * 60_000;
  const deliveries: StormDelivery[] = [];
  for (let i = 0; i < alarms; i++) {
    const alarm = `${prefix}-${String(i).padStart(4, "0")}`;
    const event = (state: "ALARM" | "OK", id: string, offsetMs: number) => {
      const body = alarmStateChangeEvent({
        name: alarm,
        state,
        // A service per alarm, so each alarm is an incident of its own (the audit counts them):
        // on one service, grouping (alarm/grouping.ts) would make the storm one incident.
        service: `storm-${alarm.toLowerCase()}`,
        tags: { team: "checkout" }, // still paged by checkout's on-call
        severity: "sev2",
        account: "210987654321",
        region: "eu-west-1",
        at: new Date(base + i * 1_000 + offsetMs),
      });
      return { alarm, body: JSON.stringify({ ...body, id }) };
    };
    const fired = event("ALARM", `${alarm}-alarm`, 0);
    deliveries.push(
      fired,
      fired,
      event("ALARM", `${alarm}-alarm-sns`, 0),
      event("OK", `${alarm}-ok`, 120_000),
    );
  }
  return shuffle(deliveries, seededRandom(seed));
}

/** Sends every delivery, `concurrency` at a time; the alarms that got a 202, and what failed. */
export async function sendStorm(
  url: string,
  token: string,
  deliveries: StormDelivery[],
  concurrency: number,
  onAccepted: (count: number) => void = () => undefined,
): Promise<{ accepted: Set<string>; failed: StormDelivery[] }> {
  const accepted = new Set<string>();
  const failed: StormDelivery[] = [];
  let next = 0;
  let count = 0;
  const worker = async () => {
    for (;;) {
      const delivery = deliveries[next++];
      if (!delivery) return;
      try {
        const res = await fetch(`${url}/events`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: delivery.body,
        });
        await res.body?.cancel();
        if (res.status === 202) {
          accepted.add(delivery.alarm);
          onAccepted(++count);
        } else failed.push(delivery);
      } catch {
        failed.push(delivery);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { accepted, failed };
}

export async function storedIncidents(runtime: LocalRuntime): Promise<Incident[]> {
  const items: Incident[] = [];
  let cursor: string | undefined;
  do {
    const page = await runtime.store.listIncidents({
      status: "all",
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}

/** The SMS pages the runtime's fake SNS recorded for INC-<number>. */
export function smsPagesFor(runtime: LocalRuntime, number: number) {
  return runtime.fakeSns.published.filter(
    (m) => m.phoneNumber && new RegExp(`\\bINC-${number}(?!\\d)`).test(m.message),
  );
}

export interface PagingAudit {
  incidents: Incident[];
  /** Incidents with exactly one SMS, and every page record sent once and delivered. */
  pagedExactlyOnce: Incident[];
  /** Why each other incident is not (for the test's message). */
  problems: string[];
}

export async function auditPaging(runtime: LocalRuntime): Promise<PagingAudit> {
  const incidents = await storedIncidents(runtime);
  const pagedExactlyOnce: Incident[] = [];
  const problems: string[] = [];
  for (const incident of incidents) {
    const sms = smsPagesFor(runtime, incident.number).length;
    const pages = await runtime.paging.pages.listPages(incident.id);
    const bad = pages.filter((p) => p.sends !== 1 || p.delivery !== "delivered");
    if (sms === 1 && pages.length > 0 && bad.length === 0) pagedExactlyOnce.push(incident);
    else
      problems.push(
        `INC-${incident.number}: ${sms} SMS, ${pages.length} page records${bad.length ? `, ${bad.map((p) => `${p.pageId} sends=${p.sends} ${p.delivery}`).join("; ")}` : ""}`,
      );
  }
  return { incidents, pagedExactlyOnce, problems };
}

async function untilAllPaged(runtime: LocalRuntime, alarms: number, deadlineMs: number): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    const incidents = await storedIncidents(runtime);
    if (incidents.length >= alarms && incidents.every((i) => smsPagesFor(runtime, i.number).length > 0))
      return;
    if (performance.now() > deadline)
      throw new Error(`storm-paging: not every incident was paged within ${deadlineMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ALARMS = scaled(200);
const SEED = 0x5707_9a6e;

async function withRuntime<T>(ctx: BenchContext, run: (runtime: LocalRuntime) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), "firebreak-bench-storm-"));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    webDir: null,
    tableName: await ctx.createTable("bench-storm-paging"),
    dynamoEndpoint: ctx.endpoint,
    clock: pinnedClock(STORM_INSTANT),
  });
  try {
    return await run(runtime);
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const stormPaging: BenchModule = {
  name: "storm paging (duplicated, shuffled, through the whole runtime)",
  targets: [
    { figure: "storm_incidents_paged_exactly_once", op: "=", value: ALARMS, correctness: true },
    { figure: "storm_incidents", op: "=", value: ALARMS, correctness: true },
  ],
  async run(ctx: BenchContext) {
    const baselineAlarms = Math.max(1, Math.round(ALARMS / 4));
    ctx.log(`baseline: ${baselineAlarms} alarms, one at a time, each paged before the next`);
    const baselinePerS = await withRuntime(ctx, async (runtime) => {
      const started = performance.now();
      // Each alarm's ALARM once, in order: the storm's plan without its duplicates, OKs and shuffle.
      const seen = new Set<string>();
      const plan = pagingStorm("base", baselineAlarms, SEED, new Date(STORM_INSTANT))
        .filter(
          (d) =>
            (JSON.parse(d.body) as { id: string }).id === `${d.alarm}-alarm` &&
            !seen.has(d.alarm) &&
            seen.add(d.alarm),
        )
        .sort((a, b) => a.alarm.localeCompare(b.alarm));
      for (const delivery of plan) {
        const { failed } = await sendStorm(runtime.url, runtime.eventsToken, [delivery], 1);
        if (failed.length) throw new Error(`storm-paging: the baseline alarm ${delivery.alarm} was refused`);
        const incidents = await storedIncidents(runtime);
        await untilAllPaged(runtime, incidents.length, 60_000);
      }
      return plan.length / ((performance.now() - started) / 1000);
    });

    ctx.log(`storm: ${ALARMS} alarms × 4 deliveries, shuffled, 8 at a time`);
    return withRuntime(ctx, async (runtime) => {
      const deliveries = pagingStorm("storm", ALARMS, SEED, new Date(STORM_INSTANT));
      const started = performance.now();
      const { failed } = await sendStorm(runtime.url, runtime.eventsToken, deliveries, 8);
      if (failed.length) throw new Error(`storm-paging: ${failed.length} deliveries were refused`);
      await untilAllPaged(runtime, ALARMS, 300_000);
      const seconds = (performance.now() - started) / 1000;
      await runtime.bus.drain();
      const audit = await auditPaging(runtime);
      for (const problem of audit.problems.slice(0, 10)) ctx.log(`not paged exactly once: ${problem}`);
      return {
        storm_incidents: audit.incidents.length,
        storm_incidents_paged_exactly_once: audit.pagedExactlyOnce.length,
        storm_paging_incidents_per_s: round(audit.incidents.length / seconds, 1),
        storm_paging_baseline_per_s: round(baselinePerS, 1),
      };
    });
  },
};
