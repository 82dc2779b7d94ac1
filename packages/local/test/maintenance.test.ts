/**
 * Maintenance windows end to end through the local runtime's HTTP edges (issue 14 item 6): a window
 * scheduled from the API holds the alarms of its service (recorded, nobody paged); when it ends,
 * the maintenance release (the same handler the cloud's cron runs) opens the incident of the alarm
 * still in ALARM, which pages as usual, and only records the one that recovered. The CLI schedules,
 * lists, shows and cancels through the same API; bad input is a 4xx naming the field.
 */

import { testInstant } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { buildCli } from "../src/cli";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, sendAlarmEvent, startTestRuntime } from "./support/runtime";

/** The test instant, advancing with real time, plus whatever the test skips ahead. */
let skipped = 0;
const started = performance.now();
const clock = { now: () => new Date(testInstant().getTime() + (performance.now() - started) + skipped) };

let runtime: LocalRuntime;
let responder: string;
let viewer: string;

beforeAll(async () => {
  runtime = await startTestRuntime("maintenance", { clock });
  responder = await runtime.apiToken("responder", "alice");
  viewer = await runtime.apiToken("viewer", "bob");
});
afterAll(() => runtime.stop());

const call = apiCaller(
  () => runtime,
  () => responder,
);

const event = (name: string, service: string, state: "ALARM" | "OK", secondsAgo: number) =>
  alarmStateChangeEvent({
    name,
    state,
    service,
    severity: "sev2",
    account: "210987654321",
    region: "eu-west-1",
    at: new Date(clock.now().getTime() - secondsAgo * 1000),
  });

async function cli(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
  try {
    await buildCli().parseAsync(["node", "firebreak", ...args, "--url", runtime.url, "--token", responder]);
  } finally {
    log.mockRestore();
  }
  return lines;
}

describe("maintenance windows, through the local runtime", () => {
  it("hold checkout's alarms while the window lasts, then open the one still firing, which pages", async () => {
    const created = await call("/api/maintenance", {
      body: { services: ["checkout"], duration: "30m", reason: "database upgrade" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ key: "MW-1", state: "active", services: ["checkout"] });
    // An API token acts as its person, recorded by their directory name (one identity per person).
    expect(created.json.createdBy).toEqual({ type: "api", id: "alice", name: "Alice Moreau" });

    expect((await sendAlarmEvent(runtime, event("checkout-5xx-mw", "checkout", "ALARM", 5))).outcome).toBe(
      "held",
    );
    expect(
      (await sendAlarmEvent(runtime, event("checkout-latency-mw", "checkout", "ALARM", 4))).outcome,
    ).toBe("held");
    expect((await sendAlarmEvent(runtime, event("checkout-latency-mw", "checkout", "OK", 2))).outcome).toBe(
      "held",
    );
    // Another service is paged as usual.
    const ledger = await sendAlarmEvent(runtime, event("ledger-5xx-mw", "ledger", "ALARM", 3));
    expect(ledger.outcome).toBe("opened");
    await runtime.bus.drain();
    const open = async () =>
      (await runtime.store.listIncidents({ status: "all", limit: 20 })).items.map((i) => i.title).sort();
    expect(await open()).toEqual(["ledger-5xx-mw"]);

    const listed = await call("/api/maintenance?service=checkout", { token: viewer });
    expect(listed.json.items.map((w: { key: string }) => w.key)).toEqual(["MW-1"]);
    const held = await call("/api/maintenance/MW-1", { token: viewer });
    expect(held.json.held.map((h: { name: string; state: string }) => [h.name, h.state]).sort()).toEqual([
      ["checkout-5xx-mw", "ALARM"],
      ["checkout-latency-mw", "OK"],
    ]);

    // Nothing is released before the window ends.
    await runtime.releaseMaintenance();
    expect(await open()).toEqual(["ledger-5xx-mw"]);

    skipped += 31 * 60_000;
    expect(await runtime.releaseMaintenance()).toMatchObject({
      windows: 1,
      released: 2,
      opened: 1,
      recorded: 1,
    });
    expect(await open()).toEqual(["checkout-5xx-mw", "ledger-5xx-mw"]);
    const incident = (await runtime.store.listIncidents({ status: "all", limit: 20 })).items.find(
      (i) => i.title === "checkout-5xx-mw",
    )!;
    // It pages as any SEV2 does (the IC's SMS).
    await vi.waitFor(
      async () => {
        const pages = await call(`/api/pages?incident=${incident.id}`, { token: viewer });
        expect(pages.json.items.some((p: { state: string }) => p.state === "delivered")).toBe(true);
      },
      { timeout: 20_000, interval: 100 },
    );
    const detail = await call(`/api/incidents/${incident.id}`, { token: viewer });
    expect(detail.json.timeline[0].summary).toContain("held by maintenance window MW-1 (database upgrade)");

    const ended = await call("/api/maintenance/MW-1", { token: viewer });
    expect(ended.json).toMatchObject({ state: "ended" });
    expect(ended.json.timeline.map((e: { kind: string }) => e.kind)).toEqual([
      "maintenance.scheduled",
      "maintenance.alarm_held",
      "maintenance.alarm_held",
      "maintenance.alarm_held",
      "maintenance.alarm_released",
      "maintenance.alarm_released",
      "maintenance.ended",
    ]);
  });

  it("refuse bad input with a 4xx naming the field, and viewers' writes", async () => {
    const bad = await call("/api/maintenance", { body: { services: ["Check Out"], reason: "" } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(["services[0]", "reason", "to"]),
    );
    const both = await call("/api/maintenance", {
      body: { services: ["checkout"], duration: "1h", to: "2030-01-01T00:00:00Z", reason: "x" },
    });
    expect(both.status).toBe(400);
    expect(both.json.issues).toEqual([{ path: "to", message: "give exactly one of to and duration" }]);
    const hostile = await call("/api/maintenance", {
      body: { services: ["checkout"], duration: "1h", reason: "x", __proto__: { admin: true }, extra: 1 },
    });
    expect(hostile.status).toBe(400);
    expect(
      (
        await call("/api/maintenance", {
          token: viewer,
          body: { services: ["a"], duration: "1h", reason: "x" },
        })
      ).status,
    ).toBe(403);
    expect((await call("/api/maintenance/MW-99")).status).toBe(404);
    expect((await call("/api/maintenance/INC-1")).status).toBe(400);
    expect((await call("/api/maintenance/MW-1/cancel", { body: {} })).status).toBe(409);
  });

  it("are scheduled, listed, shown and cancelled from the CLI, through the same API", async () => {
    const created = await cli(
      "maintenance",
      "create",
      "payments",
      "--for",
      "2h",
      "--reason",
      "card network drill",
    );
    expect(created[0]).toMatch(/^Scheduled MW-2 +active +\S+ → \S+ {2}payments: card network drill \(by /);
    expect((await cli("maintenance", "list")).join("\n")).toContain("MW-2");
    expect((await cli("maintenance", "show", "MW-2")).join("\n")).toContain("no alarm held");
    expect((await cli("maintenance", "cancel", "mw-2"))[0]).toMatch(/^Cancelled MW-2 +ended/);
    await expect(cli("maintenance", "cancel", "MW-2")).rejects.toThrow(/409.*MW-2 has already ended/);
    await expect(cli("maintenance", "create", "payments", "--for", "soon", "--reason", "x")).rejects.toThrow(
      /\n {2}duration: expected a duration such as "30m"/,
    );
  });
});
