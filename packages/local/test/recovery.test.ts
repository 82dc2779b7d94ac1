/**
 * Recovery after a crash between the commit and the dispatch: an incident committed to the table
 * while the runtime was down (its stream record written, its event never dispatched) is paged once
 * the runtime restarts on the same data folder, exactly once, and nothing dispatched before the
 * crash is paged again. The stream poller resumes from its durable checkpoint.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { processAlarmEvent } from "@firebreak/core/alarm/process";
import { testClock } from "@firebreak/testkit/clock";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { buildCli } from "../src/cli";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";
import { checkoutAlarm } from "./support/alarm";

const dataDir = mkdtempSync(join(tmpdir(), "firebreak-recovery-"));
const tableName = `recovery-${process.pid}`;
const clock = testClock();
const started: LocalRuntime[] = [];

async function start(): Promise<LocalRuntime> {
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    webDir: null,
    tableName,
    dynamoEndpoint: inject("dynamoEndpoint"),
    clock,
  });
  started.push(runtime);
  return runtime;
}

afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

const alarm = (name: string) => checkoutAlarm(name, clock);

/** The SMS pages a runtime's fake SNS recorded for an incident number. */
const smsFor = (runtime: LocalRuntime, number: number) =>
  runtime.fakeSns.published.filter(
    (m) => m.phoneNumber && new RegExp(`\\bINC-${number}(?!\\d)`).test(m.message),
  );

describe("a restart after a crash between commit and dispatch", () => {
  it("pages what was committed but not dispatched, exactly once, and nothing twice", async () => {
    const first = await start();
    const before = await fetch(`${first.url}/events`, {
      method: "POST",
      headers: first.eventHeaders,
      body: JSON.stringify(alarm("checkout-before-crash")),
    });
    expect(before.status).toBe(202);
    await vi.waitFor(() => expect(smsFor(first, 1)).toHaveLength(1), { timeout: 20_000 });
    await first.stop();

    // The crash: the alarm is committed (incident + timeline, its stream record written), but no
    // runtime is there to dispatch it.
    const store = new IncidentStore(
      createDocumentClient({ tableName, endpoint: inject("dynamoEndpoint") }),
      tableName,
    );
    const summary = await processAlarmEvent(
      { store, deadLetters: new MemoryDeadLetterSink(), clock },
      alarm("checkout-during-crash"),
    );
    expect(summary.ingested[0]?.outcome).toBe("opened");

    const second = await start();
    await vi.waitFor(() => expect(smsFor(second, 2)).toHaveLength(1), { timeout: 20_000 });
    // Let the restarted poller finish whatever else it would read, then count again.
    await new Promise((r) => setTimeout(r, 1_000));
    await second.bus.drain();
    expect(smsFor(second, 2)).toHaveLength(1);
    expect(smsFor(second, 1)).toEqual([]);
  });

  it("a kill -9 while a record's consumers still run leaves it undispatched in the checkpoint: the restart dispatches it, paged once", async () => {
    const killDir = mkdtempSync(join(tmpdir(), "firebreak-kill-"));
    const killTable = `kill-${process.pid}`;
    const checkpoint = join(killDir, `stream-checkpoint.${killTable}.json`);
    const options = {
      port: 0,
      dataDir: killDir,
      webDir: null,
      tableName: killTable,
      dynamoEndpoint: inject("dynamoEndpoint"),
      clock,
    };
    const post = async (runtime: LocalRuntime, name: string) => {
      const res = await fetch(`${runtime.url}/events`, {
        method: "POST",
        headers: runtime.eventHeaders,
        body: JSON.stringify(alarm(name)),
      });
      expect(res.status).toBe(202);
    };
    try {
      const first = await startLocalRuntime(options);
      started.push(first);
      // A consumer that, once armed, holds every event: the process is "killed" while it runs.
      let armed = false;
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const holding: string[] = [];
      first.bus.subscribe("crash-probe", {}, async (event) => {
        if (!armed) return;
        holding.push(event.detail.id);
        await held;
      });

      await post(first, "checkout-dispatched");
      await vi.waitFor(() => expect(smsFor(first, 1)).toHaveLength(1), { timeout: 20_000 });
      await vi.waitFor(() => expect(existsSync(checkpoint)).toBe(true), { timeout: 20_000 });

      armed = true;
      await post(first, "checkout-in-flight");
      await vi.waitFor(() => expect(holding).not.toEqual([]), { timeout: 20_000 });
      const inFlight = holding[0]!;
      // The pager runs beside the probe; once it has paged (DynamoDB and SNS round trips later),
      // whatever the poller would write on its own after publishing is written.
      await vi.waitFor(() => expect(smsFor(first, 2)).toHaveLength(1), { timeout: 20_000 });
      const atTheKill = readFileSync(checkpoint, "utf8");

      release();
      await first.stop();
      // kill -9 at that moment: the data folder holds the checkpoint as it was then.
      writeFileSync(checkpoint, atTheKill);

      const second = await startLocalRuntime(options);
      started.push(second);
      const dispatched = () => second.bus.recentEvents().map((e) => e.detail.id);
      await vi.waitFor(() => expect(dispatched()).toContain(inFlight), { timeout: 20_000 });
      await second.bus.drain();
      // Dispatched again (consumers are idempotent): INC-2 was paged once in all, INC-1 not again.
      expect(smsFor(first, 2).length + smsFor(second, 2).length).toBe(1);
      expect(smsFor(second, 1)).toEqual([]);
      const checkpointed = first.bus.recentEvents()[0]?.detail.id;
      expect(checkpointed).toBeDefined();
      expect(dispatched()).not.toContain(checkpointed);
    } finally {
      await Promise.all(started.map((r) => r.stop()));
      rmSync(killDir, { recursive: true, force: true });
    }
  });

  it("dead-letters a poison record between two good ones; both good ones are dispatched and the stream moves on", async () => {
    const poisonTable = `poison-${process.pid}`;
    const runtime = await startLocalRuntime({
      port: 0,
      dataDir: null,
      webDir: null,
      demoDirectory: null,
      tableName: poisonTable,
      dynamoEndpoint: inject("dynamoEndpoint"),
      clock,
    });
    started.push(runtime);
    const db = createDocumentClient({ tableName: poisonTable, endpoint: inject("dynamoEndpoint") });
    const entry = (id: string, actor: Record<string, unknown>) => ({
      pk: `INC#poison-test`,
      sk: `TL#${id}`,
      type: "timeline",
      id,
      incidentId: "poison-test",
      kind: "incident.update_posted",
      actor,
      at: clock.now().toISOString(),
      summary: `entry ${id}`,
      data: {},
    });
    // Written straight to the table, as a bug once let a Slack command without user_id do.
    const good1 = entry("01KPOISON0000000000000001", { type: "user", id: "alice" });
    const poison = entry("01KPOISON0000000000000002", { type: "slack", name: "nobody" });
    const good2 = entry("01KPOISON0000000000000003", { type: "user", id: "alice" });
    for (const Item of [good1, poison, good2])
      await db.send(new PutCommand({ TableName: poisonTable, Item }));

    const dispatched = () => runtime.bus.recentEvents().map((e) => e.detail.id);
    await vi.waitFor(() => expect(dispatched()).toEqual(expect.arrayContaining([good1.id, good2.id])), {
      timeout: 20_000,
    });
    expect(dispatched()).not.toContain(poison.id);
    const letter = runtime.deadLetters.letters.find((l) => l.source === "outbox");
    expect(letter?.reason).toMatch(/TL#01KPOISON0000000000000002/);
    expect(letter?.issues).toEqual([expect.objectContaining({ path: "actor" })]);
  });

  it("keeps what could not be processed in the data folder, listed by `firebreak dead-letters`", async () => {
    const lettersDir = mkdtempSync(join(tmpdir(), "firebreak-dead-letters-"));
    const runtime = await startLocalRuntime({
      port: 0,
      dataDir: lettersDir,
      webDir: null,
      demoDirectory: null,
      tableName: `dead-letters-${process.pid}`,
      dynamoEndpoint: inject("dynamoEndpoint"),
      clock,
    });
    started.push(runtime);
    const malformed = { ...alarm("checkout-malformed"), id: "malformed-for-the-cli" };
    (malformed.detail as { state: Record<string, unknown> }).state.timestamp = "yesterday";
    const res = await fetch(`${runtime.url}/events`, {
      method: "POST",
      headers: runtime.eventHeaders,
      body: JSON.stringify(malformed),
    });
    expect(res.status).toBe(400);

    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      out.push(args.join(" "));
    });
    const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
    vi.stubEnv("FIREBREAK_DATA_DIR", lettersDir);
    try {
      await buildCli().parseAsync(["node", "firebreak", "dead-letters", "--format", "json"]);
    } finally {
      log.mockRestore();
      err.mockRestore();
      vi.unstubAllEnvs();
      rmSync(lettersDir, { recursive: true, force: true });
    }
    const letters = JSON.parse(out.join("\n")) as {
      source: string;
      reason: string;
      issues: { path: string }[];
    }[];
    expect(letters).toHaveLength(1);
    expect(letters[0]?.issues.map((i) => i.path)).toContain("detail.state.timestamp");
  });
});
