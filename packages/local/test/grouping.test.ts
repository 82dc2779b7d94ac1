/**
 * Grouping by service, end to end through the local runtime's HTTP edges (issue 14 item 5): two
 * alarms on one service make one incident with two alarms, its IC hears of the second once, and it
 * is all clear only when both are OK; alarms delivered concurrently and redelivered still make one.
 */

import { testClock, testInstant } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import type { LocalRuntime } from "../src/runtime";
import { sendAlarmEvent, startTestRuntime } from "./support/runtime";

let runtime: LocalRuntime;
let headers: { authorization: string };

beforeAll(async () => {
  runtime = await startTestRuntime("grouping", {
    clock: testClock(),
    settings: { FIREBREAK_AUTO_RESOLVE_ON_OK: "true" },
  });
  headers = { authorization: `Bearer ${await runtime.apiToken("viewer")}` };
});
afterAll(() => runtime.stop());

interface Detail {
  id: string;
  number: number;
  status: string;
  roles?: Record<string, { personId: string }>;
  alarms: { name: string; state: string; role: string }[];
  allClear: boolean;
  timeline: { kind: string; summary: string }[];
}

function event(name: string, service: string, state: "ALARM" | "OK", secondsAgo: number) {
  return alarmStateChangeEvent({
    name,
    state,
    service,
    severity: "sev2",
    account: "210987654321",
    region: "eu-west-1",
    at: new Date(testInstant().getTime() - secondsAgo * 1000),
  });
}

const send = (body: object) => sendAlarmEvent(runtime, body);

async function detail(id: string): Promise<Detail> {
  return (await (await fetch(`${runtime.url}/api/incidents/${id}`, { headers })).json()) as Detail;
}

async function pagesOf(id: string) {
  const res = await fetch(`${runtime.url}/api/pages?incident=${id}`, { headers });
  return (
    (await res.json()) as { items: { purpose: string; state: string; target: { personId?: string } }[] }
  ).items;
}

describe("grouping by service, through the local runtime", () => {
  it("two alarms on checkout: one incident, two alarms, the IC told once, all clear when both are OK", async () => {
    const first = await send(event("checkout-5xx-grp", "checkout", "ALARM", 60));
    expect(first.outcome).toBe("opened");
    const ic = await vi.waitFor(
      async () => {
        const found = await detail(first.incidentId!);
        expect(found.roles?.ic).toBeDefined();
        return found.roles!.ic!.personId;
      },
      { timeout: 20_000, interval: 100 },
    );
    const second = await send(event("checkout-latency-grp", "checkout", "ALARM", 50));
    expect(second).toMatchObject({ outcome: "grouped", incidentId: first.incidentId });

    const related = await vi.waitFor(
      async () => {
        const found = (await pagesOf(first.incidentId!)).filter((p) => p.purpose === "related_alarm");
        expect(found.length).toBeGreaterThan(0);
        expect(found.every((p) => p.state !== "requested")).toBe(true);
        return found;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(related.every((p) => p.target.personId === ic)).toBe(true);

    const grouped = await detail(first.incidentId!);
    expect(grouped.alarms.map((a) => [a.name, a.state, a.role])).toEqual([
      ["checkout-5xx-grp", "ALARM", "opened"],
      ["checkout-latency-grp", "ALARM", "grouped"],
    ]);
    expect(grouped.timeline.some((e) => e.kind === "incident.alarm_attached")).toBe(true);

    // Auto-resolve is on: the first OK leaves it open, the second resolves it.
    await send(event("checkout-5xx-grp", "checkout", "OK", 30));
    const half = await detail(first.incidentId!);
    expect(half.status).not.toBe("resolved");
    expect(half.allClear).toBe(false);
    await send(event("checkout-latency-grp", "checkout", "OK", 20));
    const done = await detail(first.incidentId!);
    expect(done.status).toBe("resolved");
    expect(done.allClear).toBe(true);
    // The related page went out once (the bus redelivers; the page id carries the alarm).
    expect((await pagesOf(first.incidentId!)).filter((p) => p.purpose === "related_alarm")).toEqual(related);
  });

  it("alarms on one service delivered at once, each twice: one incident holding all of them", async () => {
    const events = [0, 1, 2, 3].map((i) => event(`payments-grp-${i}`, "payments", "ALARM", 40 - i));
    const results = await Promise.all([...events, ...events].map((e) => send(e)));
    const ids = new Set(results.flatMap((r) => (r.incidentId ? [r.incidentId] : [])));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.outcome === "opened")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "grouped")).toHaveLength(3);
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(4);
    const found = await detail([...ids][0]!);
    expect(found.alarms.map((a) => a.name).sort()).toEqual(events.map((e) => e.detail.alarmName).sort());
  });
});
