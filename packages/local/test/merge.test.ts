/**
 * Merging and linking, end to end through the local runtime's HTTP API (issue 15 item 3): an
 * alarm's duplicate incident is merged into the declared one; its pages stop (the pager sees the
 * resolution on the bus), its alarm's next transition lands on the survivor, it gets no postmortem
 * of its own, and the survivor's detail shows its timeline. Related incidents link both ways.
 */

import { testClock, testInstant } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, sendAlarmEvent, startTestRuntime } from "./support/runtime";

let runtime: LocalRuntime;
let responder: string;
let viewer: string;

beforeAll(async () => {
  runtime = await startTestRuntime("merge", { clock: testClock() });
  responder = await runtime.apiToken("responder", "alice");
  viewer = await runtime.apiToken("viewer", "bob");
});
afterAll(() => runtime.stop());

const call = apiCaller(
  () => runtime,
  () => responder,
);

const alarm = (state: "ALARM" | "OK", secondsAgo: number) =>
  alarmStateChangeEvent({
    name: "checkout-5xx-merge",
    state,
    service: "checkout",
    severity: "sev2",
    account: "210987654321",
    region: "eu-west-1",
    at: new Date(testInstant().getTime() - secondsAgo * 1000),
  });

describe("merging a duplicate and linking incidents, through the local runtime", () => {
  it("merges an alarm's duplicate into the declared incident: its pages stop, its alarm follows", async () => {
    const opened = await sendAlarmEvent(runtime, alarm("ALARM", 60));
    const duplicate = `INC-${opened.incidentNumber}`;
    // Its escalation starts (the first page goes out) before anyone notices the duplicate.
    await vi.waitFor(
      async () => {
        const pages = await call(`/api/pages?incident=${duplicate}`, { token: viewer });
        expect(pages.json.items.length).toBeGreaterThan(0);
      },
      { timeout: 20_000, interval: 100 },
    );
    const declared = await call("/api/incidents", {
      body: { title: "Checkout is failing for everyone", severity: "SEV1", service: "checkout" },
    });
    const survivor = declared.json.key as string;

    const merged = await call(`/api/incidents/${duplicate}/merge`, {
      body: { into: survivor, reason: "same outage" },
    });

    expect(merged.status).toBe(200);
    expect(merged.json).toMatchObject({
      changed: true,
      incident: {
        key: duplicate,
        status: "resolved",
        mergedInto: { number: declared.json.number, title: "Checkout is failing for everyone" },
      },
      into: {
        key: survivor,
        merged: [{ id: opened.incidentId }],
        relatedAlarms: [{ name: "checkout-5xx-merge" }],
      },
    });
    expect(merged.json.movedAlarms).toHaveLength(1);

    // Its escalation stops: the pager consumed the resolution.
    await vi.waitFor(
      async () => {
        const detail = await call(`/api/incidents/${duplicate}`, { token: viewer });
        expect(detail.json.timeline.map((e: { kind: string }) => e.kind)).toContain("escalation.stopped");
      },
      { timeout: 20_000, interval: 100 },
    );
    const detail = await call(`/api/incidents/${duplicate}`, { token: viewer });
    expect(detail.json.timeline.find((e: { kind: string }) => e.kind === "incident.merged")).toMatchObject({
      actor: { type: "api", id: "alice", name: "Alice Moreau" },
      summary: `merged into ${survivor} (Checkout is failing for everyone) by Alice Moreau: same outage`,
    });

    // The alarm's recovery lands on the survivor, whose detail shows the duplicate's timeline too.
    const recovered = await sendAlarmEvent(runtime, alarm("OK", 10));
    expect(recovered.incidentId).toBe(declared.json.id);
    const kept = await call(`/api/incidents/${survivor}`, { token: viewer });
    expect(kept.json.alarms).toMatchObject([{ name: "checkout-5xx-merge", state: "OK", role: "grouped" }]);
    expect(kept.json.mergedTimeline.map((e: { incidentId: string }) => e.incidentId)).toEqual(
      kept.json.mergedTimeline.map(() => opened.incidentId),
    );
    expect(kept.json.mergedTimeline[0].kind).toBe("incident.declared");
    expect(kept.json.timeline.map((e: { kind: string }) => e.kind)).toContain("incident.merge_received");

    // A retry is a no-op; merging into a resolved incident, into itself or into nothing is refused.
    const again = await call(`/api/incidents/${duplicate}/merge`, { body: { into: survivor } });
    expect(again.status).toBe(200);
    expect(again.json.changed).toBe(false);
    const reverse = await call(`/api/incidents/${survivor}/merge`, { body: { into: duplicate } });
    expect(reverse.status).toBe(409);
    expect(reverse.json).toMatchObject({ code: "cannot_merge" });
    expect(reverse.json.detail).toContain(`${duplicate} is resolved`);
    const self = await call(`/api/incidents/${survivor}/merge`, { body: { into: survivor } });
    expect(self.status).toBe(400);
    expect(self.json.issues[0].path).toBe("into");
    const nowhere = await call(`/api/incidents/${survivor}/merge`, { body: { into: "INC-9999" } });
    expect(nowhere.status).toBe(404);
    const garbage = await call(`/api/incidents/${survivor}/merge`, { body: { into: "<script>" } });
    expect(garbage.status).toBe(400);
    expect(garbage.json.issues[0]).toMatchObject({ path: "into" });
    const missing = await call(`/api/incidents/${survivor}/merge`, { body: {} });
    expect(missing.json.issues[0]).toMatchObject({ path: "into" });
    expect(
      (await call(`/api/incidents/${survivor}/merge`, { body: { into: duplicate }, token: viewer })).status,
    ).toBe(403);

    // The survivor's resolution drafts its postmortem; the duplicate never gets one.
    await call(`/api/incidents/${survivor}/resolve`, { body: { summary: "rolled back" } });
    await vi.waitFor(
      async () =>
        expect((await call(`/api/incidents/${survivor}/postmortem`, { token: viewer })).status).toBe(200),
      { timeout: 20_000, interval: 100 },
    );
    expect((await call(`/api/incidents/${duplicate}/postmortem`, { token: viewer })).status).toBe(404);
  });

  it("links two incidents both ways by INC-n, once, and unlinks them", async () => {
    const a = (await call("/api/incidents", { body: { title: "DNS resolution failing" } })).json;
    const b = (await call("/api/incidents", { body: { title: "DNS again" } })).json;

    const linked = await call(`/api/incidents/${b.key}/links`, {
      body: { incident: a.key, reason: "same resolver" },
    });

    expect(linked.status).toBe(200);
    expect(linked.json).toMatchObject({
      changed: true,
      incident: { key: b.key, links: [{ id: a.id, number: a.number, title: a.title }] },
      other: { key: a.key, links: [{ id: b.id }] },
    });
    const twice = await call(`/api/incidents/${a.key}/links`, { body: { incident: b.key } });
    expect(twice.json.changed).toBe(false);
    const shown = await call(`/api/incidents/${a.key}`, { token: viewer });
    // (Paging entries of these declared incidents may land after it: find it by kind.)
    expect(shown.json.timeline.filter((e: { kind: string }) => e.kind === "incident.linked")).toMatchObject([
      {
        kind: "incident.linked",
        summary: `linked to ${b.key} (DNS again) by Alice Moreau: same resolver`,
      },
    ]);

    const unlinked = await call(`/api/incidents/${a.key}/links/${b.key}`, { method: "DELETE" });
    expect(unlinked.status).toBe(200);
    expect(unlinked.json).toMatchObject({ changed: true, incident: { links: [] }, other: { links: [] } });
    expect((await call(`/api/incidents/${a.key}/links/${b.key}`, { method: "DELETE" })).json.changed).toBe(
      false,
    );
    expect((await call(`/api/incidents/${a.key}/links`, { body: { incident: "INC-0" } })).status).toBe(400);
    expect((await call(`/api/incidents/${a.key}/links/not-an-id`, { method: "DELETE" })).status).toBe(400);
  });
});
