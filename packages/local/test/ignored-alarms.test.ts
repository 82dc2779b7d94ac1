/**
 * Alarms that open no incident, through the local runtime: target tracking alarms (ECS, DynamoDB),
 * composites whose actions are suppressed (WaitPeriod, ExtensionPeriod) and an alarm tagged
 * firebreak:ignore=true and one matching an `ignoreAlarms` rule of the on-call directory, each
 * delivered twice. None opens an incident or pages anyone; each is counted once and listed by
 * GET /api/alarms/ignored and `firebreak alarms ignored`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testClock } from "@firebreak/testkit/clock";
import { fixturePath } from "@firebreak/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { buildCli } from "../src/cli";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";

let runtime: LocalRuntime;
const dataDir = mkdtempSync(join(tmpdir(), "firebreak-ignored-"));
const tableName = `ignored-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  // The demo directory with one global rule, applied before the first alarm (ingest reads the
  // directory through a 30-second cache).
  const demo = readFileSync(new URL("../../../examples/directory.yaml", import.meta.url), "utf8");
  const directoryFile = join(dataDir, "directory.yaml");
  writeFileSync(
    directoryFile,
    `${demo}\nignoreAlarms:\n  - name: "canary-*"\n    reason: synthetic canaries\n`,
  );
  runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    webDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName,
    clock: testClock(),
    demoDirectory: directoryFile,
  });
});
afterAll(async () => {
  await runtime.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const FIXTURES = [
  "eventbridge/eb-target-tracking-ecs-alarm-high.json",
  "eventbridge/eb-target-tracking-dynamodb-alarm-low.json",
  "eventbridge/eb-composite-suppressed-by-wait-period.json",
  "eventbridge/eb-composite-suppressed-by-extension-period.json",
];

function tagged() {
  const body = JSON.parse(readFileSync(fixturePath("eventbridge/eb-tagged-metric-alarm.json"), "utf8")) as {
    id: string;
    detail: { alarmTags: Record<string, string> };
  };
  body.id = "ignored-by-tag-1";
  body.detail.alarmTags = { ...body.detail.alarmTags, "firebreak:ignore": "true" };
  return JSON.stringify(body);
}

function canary() {
  return JSON.stringify(
    alarmStateChangeEvent({
      name: "canary-login",
      state: "ALARM",
      service: "checkout",
      severity: "sev2",
      account: "210987654321",
      region: "eu-west-1",
      at: new Date(testClock().now().getTime() - 60_000),
    }),
  );
}

async function post(body: string) {
  const res = await fetch(`${runtime.url}/events`, { method: "POST", headers: runtime.eventHeaders, body });
  expect(res.status).toBe(202);
  return (await res.json()) as { results: { outcome: string }[] };
}

describe("ignored alarms, end to end", () => {
  it("open no incident, page nobody, and are listed with their counts (API and CLI)", async () => {
    const bodies = [...FIXTURES.map((f) => readFileSync(fixturePath(f), "utf8")), tagged(), canary()];
    for (const body of bodies) {
      expect((await post(body)).results[0]?.outcome).toBe("ignored");
      expect((await post(body)).results[0]?.outcome).toBe("duplicate");
    }
    const headers = { authorization: `Bearer ${await runtime.apiToken("viewer")}` };
    const res = await fetch(`${runtime.url}/api/alarms/ignored`, { headers });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as {
      items: { name: string; kind: string; count: number; reason: string }[];
    };
    expect(items.map((i) => [i.kind, i.count]).sort()).toEqual([
      ["auto_scaling", 1],
      ["auto_scaling", 1],
      ["rule", 1],
      ["suppressed", 1],
      ["suppressed", 1],
      ["tag", 1],
    ]);
    expect(items.find((i) => i.kind === "rule")).toMatchObject({
      name: "canary-login",
      reason: "ignoreAlarms[0] (name canary-*): synthetic canaries",
    });
    expect((await runtime.store.listIncidents({ status: "all", limit: 10 })).items).toEqual([]);
    // Nothing reaches the pager: give the outbox a moment, then check nobody was paged.
    await runtime.bus.drain();
    expect(runtime.fakeSns.published).toEqual([]);

    // Without a session: 401, as every /api route.
    expect((await fetch(`${runtime.url}/api/alarms/ignored`)).status).toBe(401);

    // The CLI reads the same, from the running runtime's table.
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    process.env.FIREBREAK_DATA_DIR = dataDir;
    try {
      await buildCli().parseAsync(["node", "firebreak", "alarms", "ignored", "--format", "json"]);
    } finally {
      delete process.env.FIREBREAK_DATA_DIR;
      log.mockRestore();
    }
    const listed = JSON.parse(lines.join("\n")) as { name: string }[];
    expect(listed.map((a) => a.name).sort()).toEqual(items.map((i) => i.name).sort());
  });
});
