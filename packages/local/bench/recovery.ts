/**
 * Recovery after DynamoDB Local is killed: the local runtime (its own JVM, on a data folder, as
 * `npm start` runs it) takes an alarm and pages; then the JVM is killed with SIGKILL, and an alarm
 * is sent at once, again and again while the runtime answers 503, as a sender retries.
 *
 * - `dynamo_recovery_ms`: from the kill until GET /health answers 200 again (median of ROUNDS);
 * - `dynamo_recovery_to_page_ms`: from the kill until the alarm sent during the outage is paged;
 * - `dynamo_cold_start_ms`: the baseline, measured in the same run: starting DynamoDB Local on a
 *   data folder from nothing (what a restart cannot beat by much);
 * - `dynamo_recovery_pages_lost`: alarms of the run not paged exactly once (target 0).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { startDynamoLocal } from "../src/dynamo-local";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";
import type { BenchContext, BenchModule } from "./harness";
import { round, summarise } from "./stats";
import { smsPagesFor } from "./storm-paging";

const ROUNDS = 3;
const DEADLINE_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`recovery bench: ${what} did not happen within 120 s`);
    await sleep(20);
  }
}

const at = new Date("2026-03-02T12:00:00.000Z");
let alarms = 0;
const alarm = () =>
  alarmStateChangeEvent({
    name: `recovery-${++alarms}`,
    state: "ALARM",
    // A service per alarm (checkout's team by its tag): on one service, grouping would fold each
    // new alarm into the open incident, and every alarm here must open one.
    service: `checkout-recovery-${alarms}`,
    tags: { team: "checkout" },
    severity: "sev2",
    account: "123456789012",
    region: "eu-west-1",
    at,
  });

/** Sends the alarm until it is accepted (202), as EventBridge retries; resolves with its INC-n. */
async function fireUntilAccepted(runtime: LocalRuntime): Promise<number> {
  const body = JSON.stringify(alarm());
  const answer = await until("the alarm was accepted", async () => {
    const res = await fetch(`${runtime.url}/events`, { method: "POST", headers: runtime.eventHeaders, body });
    return res.status === 202
      ? ((await res.json()) as { results?: { incidentNumber?: number }[] })
      : undefined;
  });
  const number = answer.results?.[0]?.incidentNumber;
  if (number === undefined)
    throw new Error(`recovery bench: accepted without an incident: ${JSON.stringify(answer)}`);
  return number;
}

const smsFor = (runtime: LocalRuntime, number: number) => smsPagesFor(runtime, number).length;

export const dynamoRecovery: BenchModule = {
  name: "recovery (DynamoDB Local killed)",
  targets: [
    { figure: "dynamo_recovery_pages_lost", op: "=", value: 0, correctness: true },
    { figure: "dynamo_recovery_ms", op: "<=", value: 10_000, correctness: false },
  ],
  async run(ctx: BenchContext) {
    const dataDir = mkdtempSync(join(tmpdir(), "firebreak-bench-recovery-"));
    let runtime: LocalRuntime | undefined;
    try {
      ctx.log("baseline: a cold start of DynamoDB Local on a data folder");
      const coldStarted = performance.now();
      const cold = await startDynamoLocal({ dataDir: join(dataDir, "cold") });
      const coldStartMs = performance.now() - coldStarted;
      await cold.stop();

      runtime = await startLocalRuntime({ port: 0, dataDir: join(dataDir, "runtime"), webDir: null });
      const started = runtime;
      const paged: number[] = [];
      const firstIncident = await fireUntilAccepted(started);
      await until("the first alarm was paged", async () =>
        smsFor(started, firstIncident) > 0 ? true : undefined,
      );
      paged.push(firstIncident);

      const recovery: number[] = [];
      const toPage: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const killed = started.dynamo.process?.pid;
        if (!killed) throw new Error("recovery bench: the runtime did not start its own DynamoDB Local");
        const restarts = started.dynamo.restarts ?? 0;
        const killedAt = performance.now();
        process.kill(killed, "SIGKILL");
        // The alarm goes out during the outage; the health probe runs beside it.
        const healthy = until("GET /health answered 200", async () => {
          if ((started.dynamo.restarts ?? 0) === restarts) return undefined;
          const res = await fetch(`${started.url}/health`);
          return res.status === 200 ? performance.now() - killedAt : undefined;
        });
        const incident = await fireUntilAccepted(started);
        await until(`INC-${incident} was paged`, async () =>
          smsFor(started, incident) > 0 ? true : undefined,
        );
        toPage.push(performance.now() - killedAt);
        recovery.push(await healthy);
        paged.push(incident);
        ctx.log(
          `round ${i + 1}: healthy after ${Math.round(recovery.at(-1)!)} ms, INC-${incident} paged after ${Math.round(toPage.at(-1)!)} ms`,
        );
      }
      await started.bus.drain();
      const lost = paged.filter((n) => smsFor(started, n) !== 1).length;
      return {
        dynamo_cold_start_ms: round(coldStartMs, 0),
        dynamo_recovery_ms: round(summarise(recovery).p50, 0),
        dynamo_recovery_to_page_ms: round(summarise(toPage).p50, 0),
        dynamo_recovery_pages_lost: lost,
      };
    } finally {
      await runtime?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
