/**
 * The reopen window, end to end through the local runtime (issue 14, item 4): an alarm that fires
 * and recovers three times in 20 s with FIREBREAK_AUTO_RESOLVE_ON_OK makes one incident, one Slack
 * channel and one postmortem, and pages its on-call once, whatever order the six transitions
 * arrive in.
 */

import { testClock, testInstant } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import type { LocalRuntime } from "../src/runtime";
import { sendAlarmEvent, startTestRuntime } from "./support/runtime";

let runtime: LocalRuntime;
let headers: { authorization: string };

beforeAll(async () => {
  runtime = await startTestRuntime("reopen", {
    clock: testClock(),
    settings: { FIREBREAK_AUTO_RESOLVE_ON_OK: "true" },
  });
  headers = { authorization: `Bearer ${await runtime.apiToken("viewer")}` };
});
afterAll(() => runtime.stop());

/** Fired and recovered three times in 20 s, a minute before the pinned now (real EventBridge form). */
function storm(name: string) {
  const start = testInstant().getTime() - 60_000;
  return [0, 3, 7, 10, 14, 20].map((seconds, i) =>
    alarmStateChangeEvent({
      name,
      state: i % 2 === 0 ? "ALARM" : "OK",
      service: "checkout",
      severity: "sev2", // SEV1–SEV2 get an incident channel by default
      account: "210987654321",
      region: "eu-west-1",
      at: new Date(start + seconds * 1000),
    }),
  );
}

interface Detail {
  id: string;
  number: number;
  status: string;
  reopens?: number;
  timeline: { kind: string; at: string; data: Record<string, unknown> }[];
}

const send = (body: object) => sendAlarmEvent(runtime, body);

async function detail(id: string): Promise<Detail> {
  return (await (await fetch(`${runtime.url}/api/incidents/${id}`, { headers })).json()) as Detail;
}

/** Waits until the incident is resolved and a postmortem was drafted after its last resolution. */
async function settled(id: string): Promise<Detail> {
  return vi.waitFor(
    async () => {
      const found = await detail(id);
      expect(found.status).toBe("resolved");
      const lastResolved = found.timeline.filter(
        (e) => e.kind === "incident.status_changed" && e.data.to === "resolved",
      );
      const drafted = found.timeline.filter((e) => e.kind === "postmortem.drafted");
      expect(drafted.length).toBeGreaterThan(0);
      expect(drafted.at(-1)!.at >= lastResolved.at(-1)!.at).toBe(true);
      return found;
    },
    { timeout: 30_000, interval: 200 },
  );
}

function channelsFor(number: number) {
  return runtime.fakeSlack!.calls.filter(
    (c) =>
      c.method === "conversations.create" && !c.fault && String(c.body.name).startsWith(`inc-${number}-`),
  );
}

async function smsPages(id: string) {
  const res = await fetch(`${runtime.url}/api/pages?incident=${id}`, { headers });
  const body = (await res.json()) as { items: { channel: string; purpose: string }[] };
  return body.items.filter((p) => p.channel === "sns" && p.purpose === "escalation");
}

async function incidentsTitled(title: string) {
  const res = await fetch(`${runtime.url}/api/incidents?status=all&limit=100`, { headers });
  const body = (await res.json()) as { items: { id: string; title: string }[] };
  return body.items.filter((i) => i.title === title);
}

describe("the reopen window, through the local runtime", () => {
  it.each([
    ["in order", [0, 1, 2, 3, 4, 5]],
    ["shuffled: the last OK first, the first ALARM last", [5, 1, 4, 3, 2, 0]],
    ["shuffled: recoveries before their alarms", [1, 0, 3, 5, 2, 4]],
  ])("fire/ok ×3 in 20 s (%s): one incident, one channel, one postmortem, one page", async (label, order) => {
    const name = `checkout-flap-${order.join("")}`;
    const events = storm(name);
    const inOrder = order[0] === 0;
    const outcomes: string[] = [];
    for (const [n, i] of order.entries()) {
      const result = await send(events[i]!);
      outcomes.push(result.outcome);
      // In order: let the first ALARM's channel and page happen before the storm goes on, so the
      // counts below are exact. Shuffled, the pipeline races the storm: at most one of each.
      if (inOrder && n === 0) {
        await vi.waitFor(
          async () => {
            expect(channelsFor((await detail(result.incidentId!)).number)).toHaveLength(1);
            expect(await smsPages(result.incidentId!)).toHaveLength(1);
          },
          { timeout: 20_000, interval: 100 },
        );
      }
    }
    expect(
      outcomes.filter((o) => o === "opened"),
      label,
    ).toHaveLength(1);
    if (inOrder)
      expect(outcomes).toEqual(["opened", "appended", "reopened", "appended", "reopened", "appended"]);

    const mine = await incidentsTitled(name);
    expect(mine).toHaveLength(1);
    const incident = await settled(mine[0]!.id);
    expect(incident.timeline.filter((e) => e.kind === "incident.alarm_transition")).toHaveLength(6);
    expect(incident.timeline.filter((e) => e.kind === "incident.declared")).toHaveLength(1);
    if (inOrder) {
      expect(incident.reopens).toBe(2);
      expect(
        incident.timeline.filter((e) => e.kind === "incident.status_changed" && e.data.reopened === true),
      ).toHaveLength(2);
    }

    // One channel (the Slack worker syncs the same one on every change).
    const expected = inOrder ? 1 : expect.toBeOneOf([0, 1]);
    expect(channelsFor(incident.number).length).toEqual(expected);
    // One postmortem: a reopened incident's postmortem gets new versions, never a second document.
    const postmortem = await fetch(`${runtime.url}/api/incidents/${incident.id}/postmortem`, { headers });
    expect(postmortem.status).toBe(200);
    // The on-call's phone rang once: the reopenings are held by level 1's timeout.
    expect((await smsPages(incident.id)).length).toEqual(expected);
  });
});
