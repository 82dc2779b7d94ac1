/**
 * Heartbeats end to end through the local runtime (issue 16, item 3), on the runtime's clock: a
 * heartbeat created with the CLI is pinged by its job; when interval + grace pass without a ping,
 * the sweep (the handler the cloud's cron runs) opens an incident for its service, which pages like
 * any alarm; the next ping recovers it and resolves the incident. Repeated and concurrent sweeps
 * open one incident; a wrong key is refused.
 */
import { randomUUID } from "node:crypto";
import { testInstant } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { buildCli } from "../src/cli";
import { showDirectory } from "../src/directory-cli";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, startTestRuntime } from "./support/runtime";

/** The test instant, advancing with real time, plus whatever the test skips ahead. */
let skipped = 0;
const started = performance.now();
const clock = { now: () => new Date(testInstant().getTime() + (performance.now() - started) + skipped) };
const skip = (minutes: number) => {
  skipped += minutes * 60_000;
};

const tableName = `heartbeats-${randomUUID().slice(0, 8)}`;
let runtime: LocalRuntime;
let admin: string;
const call = apiCaller(
  () => runtime,
  () => admin,
);

beforeAll(async () => {
  runtime = await startTestRuntime("heartbeats", { clock, tableName });
  admin = await runtime.apiToken("admin", "alice");
});
afterAll(() => runtime.stop());

async function cli(...args: string[]): Promise<{ out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
  try {
    await buildCli().parseAsync(["node", "firebreak", ...args, "--url", runtime.url, "--token", admin]);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  return { out, err };
}

const ping = (id: string, key: string, how: "bearer" | "query" = "bearer") =>
  how === "bearer"
    ? fetch(`${runtime.url}/heartbeats/${id}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
      })
    : fetch(`${runtime.url}/heartbeats/${id}?key=${key}`);

async function incidentsOf(service: string) {
  return (await call(`/api/incidents?status=all&service=${service}`)).json.items as {
    id: string;
    status: string;
    title: string;
    severity: string;
  }[];
}

describe("heartbeats, through the local runtime", () => {
  it("a missed ping opens an incident for its service; the next ping resolves it", async () => {
    const created = await cli(
      "heartbeat",
      "create",
      "nightly-backup",
      "--service",
      "ledger",
      "--every",
      "5m",
      "--name",
      "ledger nightly backup",
      "--severity",
      "sev2",
    );
    const key = created.out[0]!;
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(created.err.join("\n")).toContain(`${runtime.url}/heartbeats/nightly-backup`);

    // Never pinged: nothing to miss, however long.
    skip(30);
    await runtime.sweepHeartbeats();
    expect(await incidentsOf("ledger")).toEqual([]);

    const first = await ping("nightly-backup", key);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: "ok", state: "up", id: "nightly-backup" });
    skip(4);
    await runtime.sweepHeartbeats();
    expect(await incidentsOf("ledger")).toEqual([]);

    // 5 minutes + 1 minute of grace without a ping: down.
    skip(3);
    await Promise.all([runtime.sweepHeartbeats(), runtime.sweepHeartbeats()]);
    await runtime.sweepHeartbeats();
    const [incident, ...more] = await incidentsOf("ledger");
    expect(more).toEqual([]);
    expect(incident).toMatchObject({
      status: "declared",
      severity: "SEV2",
      title: "Heartbeat ledger nightly backup missed",
    });
    const listed = await cli("heartbeat", "list");
    expect(listed.out[0]).toMatch(/^nightly-backup +down +ledger SEV2 every 5m \(\+1m\) +DOWN since /);
    // `directory show` lists them too, beside who is on call.
    const shown: string[] = [];
    await showDirectory(
      { table: tableName, endpoint: inject("dynamoEndpoint"), clock, format: "table" },
      (line) => shown.push(line),
    );
    expect(shown.join("\n")).toMatch(/Heartbeats \(1\):\n {2}nightly-backup +down +ledger SEV2/);
    // Paged like any alarm-made incident.
    await vi.waitFor(
      async () =>
        expect((await call(`/api/pages?incident=${incident!.id}`)).json.items.length).toBeGreaterThan(0),
      { timeout: 20_000, interval: 100 },
    );

    skip(10);
    const back = await ping("nightly-backup", key, "query");
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ state: "up", recovered: { outcome: "appended" } });
    const [resolved] = await incidentsOf("ledger");
    expect(resolved?.status).toBe("resolved");
    expect((await call("/api/heartbeats")).json.items[0]).toMatchObject({
      id: "nightly-backup",
      state: "up",
    });
  });

  it("refuses a wrong key, another heartbeat's key and an unknown id alike", async () => {
    const a = await call("/api/heartbeats", { body: { id: "etl-a", service: "search", interval: "1h" } });
    const b = await call("/api/heartbeats", { body: { id: "etl-b", service: "search", interval: "1h" } });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((await ping("etl-a", b.json.key)).status).toBe(401);
    expect((await ping("etl-a", "0".repeat(32))).status).toBe(401);
    expect((await ping("etl-zzz", a.json.key)).status).toBe(401);
    expect((await fetch(`${runtime.url}/heartbeats/etl-a`, { method: "POST" })).status).toBe(401);
    expect((await ping("etl-a", a.json.key)).status).toBe(200);
  });

  it("bad input names the field; an id taken is a 409; viewers cannot create", async () => {
    const bad = await call("/api/heartbeats", { body: { id: "Bad Id", service: "ledger", interval: "30s" } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues.map((i: { path: string }) => i.path)).toEqual(["id", "interval"]);
    const again = await call("/api/heartbeats", { body: { id: "etl-a", service: "search", interval: "1h" } });
    expect(again.status).toBe(409);
    const viewer = await runtime.apiToken("viewer", "bob");
    const refused = await call("/api/heartbeats", {
      token: viewer,
      body: { id: "x", service: "search", interval: "1h" },
    });
    expect(refused.status).toBe(403);
    expect((await call("/api/heartbeats", { token: viewer })).status).toBe(200);
  });
});
