/**
 * Error budgets through the local runtime, on a pinned clock: GET /api/budgets over HTTP, and the
 * hourly check (the same handler as coverage's cron) posting a budget's 50% and 100% crossings
 * once each to the team's alert channel.
 */

import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LocalRuntime } from "../src/runtime";
import { startTestRuntime } from "./support/runtime";

// 99% over one day: 14.4 minutes of budget.
const DIRECTORY = `
version: 1
people:
  - { id: ann, name: Ann Lee, slackUserId: U01ANN0001, phone: "+12025550101", timezone: UTC }
teams:
  - id: ledger
    name: Ledger
    services: [ledger]
    alertChannel: C0LEDGER01
    rotations:
      - { id: ledger-primary, members: [ann], shift: { type: weekly }, handoffTime: "09:00", timezone: UTC, start: "2026-03-01" }
    escalationPolicy:
      levels: [{ targets: [{ type: rotation, id: ledger-primary }], timeoutMinutes: 5 }]
      fallback: { type: person, id: ann }
    slo:
      ledger: { target: 0.99, windowDays: 1 }
`;

let now = new Date("2026-03-10T12:00:00Z");
const clock = { now: () => now };
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime("budgets", { clock, demoDirectory: null, sweepIntervalMs: 3_600_000 });
  await runtime.paging.directory.apply(parseDirectoryYaml(DIRECTORY), 0, {
    actor: { type: "user", id: "test", name: "budgets test" },
  });
}, 60_000);
afterAll(() => runtime.stop());

const posts = () =>
  runtime.fakeSlack!.calls.filter(
    (c) => c.method === "chat.postMessage" && !c.fault && c.body.channel === "C0LEDGER01",
  );
const budgetPosts = () => posts().filter((c) => String(c.body.text).includes("Error budget"));

describe("error budgets, through the local runtime", () => {
  it("answers GET /api/budgets and posts each threshold crossed once", { timeout: 60_000 }, async () => {
    const responder = await runtime.apiToken("responder", "ann");
    const declared = await fetch(`${runtime.url}/api/incidents`, {
      method: "POST",
      headers: { authorization: `Bearer ${responder}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Ledger lag", severity: "SEV3", service: "ledger" }),
    });
    expect(declared.status).toBe(201);

    now = new Date("2026-03-10T12:08:00Z"); // 8 of 14.4 minutes: 55.6%
    const viewer = await runtime.apiToken("viewer", "ann");
    const res = await fetch(`${runtime.url}/api/budgets`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      items: {
        service: string;
        budgetMinutes: number;
        consumedMinutes: number;
        incidents: { open: boolean }[];
      }[];
    };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ service: "ledger", budgetMinutes: 14.4 });
    expect(body.items[0]!.consumedMinutes).toBeCloseTo(8, 1);
    expect(body.items[0]!.incidents[0]?.open).toBe(true);

    await runtime.checkCoverage();
    await vi.waitFor(() => expect(budgetPosts()).toHaveLength(1), { timeout: 20_000, interval: 100 });
    expect(String(budgetPosts()[0]!.body.text)).toContain("ledger: over 50%");
    await runtime.checkCoverage();

    now = new Date("2026-03-10T12:20:00Z"); // 20 minutes: over 100%
    await runtime.checkCoverage();
    await vi.waitFor(() => expect(budgetPosts()).toHaveLength(2), { timeout: 20_000, interval: 100 });
    expect(String(budgetPosts()[1]!.body.text)).toContain("ledger: *exhausted*");
    await runtime.checkCoverage();
    await runtime.bus.drain();
    expect(budgetPosts()).toHaveLength(2);
  });
});
