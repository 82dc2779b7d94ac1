/**
 * Pulling people in, end to end through the local runtime's HTTP API (issue 15 item 2): a person of
 * the directory, or a team's current on-call, is paged into an incident at once on their own
 * channels (the pager consumes incident.responder_requested from the bus); `GET /api/oncall` gives
 * the pickers their hints; bad requests are 4xx naming the field.
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
  runtime = await startTestRuntime("responders", { clock: testClock() });
  responder = await runtime.apiToken("responder", "alice");
  viewer = await runtime.apiToken("viewer", "bob");
});
afterAll(() => runtime.stop());

const call = apiCaller(
  () => runtime,
  () => responder,
);

describe("paging people into an incident, through the local runtime", () => {
  it("pages a person and a team's on-call at once, on their channels, recorded under the requester", async () => {
    const opened = await sendAlarmEvent(
      runtime,
      alarmStateChangeEvent({
        name: "checkout-5xx-resp",
        state: "ALARM",
        service: "checkout",
        severity: "sev2",
        account: "210987654321",
        region: "eu-west-1",
        at: new Date(testInstant().getTime() - 30_000),
      }),
    );
    const key = `INC-${opened.incidentNumber}`;
    const oncall = await call("/api/oncall", { token: viewer });
    expect(oncall.status).toBe(200);
    const payments = oncall.json.items.find((t: { id: string }) => t.id === "payments");
    expect(payments.onCall.length).toBeGreaterThan(0);

    const person = await call(`/api/incidents/${key}/responders`, {
      body: { personId: "maria", message: "we need the database owner" },
    });
    expect(person.status).toBe(202);
    expect(person.json).toEqual({
      incidentId: opened.incidentId,
      key,
      people: [{ personId: "maria", name: "María Gómez" }],
    });
    const team = await call(`/api/incidents/${key}/responders`, { body: { team: "payments" } });
    expect(team.status).toBe(202);
    expect(team.json.people).toEqual(payments.onCall);

    const paged = await vi.waitFor(
      async () => {
        const pages = await call(`/api/pages?incident=${opened.incidentId}`, { token: viewer });
        const responders = pages.json.items.filter((p: { purpose: string }) => p.purpose === "responder");
        const people = new Set(responders.map((p: { target: { personId: string } }) => p.target.personId));
        expect(people).toEqual(
          new Set(["maria", ...payments.onCall.map((p: { personId: string }) => p.personId)]),
        );
        expect(responders.every((p: { state: string }) => p.state !== "requested")).toBe(true);
        return responders;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(paged.length).toBeGreaterThanOrEqual(2);
    expect(runtime.fakeSns.published.some((m) => m.phoneNumber === "+34915550113")).toBe(true);
    const detail = await call(`/api/incidents/${key}`, { token: viewer });
    const requested = detail.json.timeline.filter(
      (e: { kind: string }) => e.kind === "incident.responder_requested",
    );
    expect(requested.map((e: { actor: { id: string } }) => e.actor.id)).toEqual(["alice", "alice"]);
    expect(requested[0].summary).toMatch(
      /^Alice Moreau paged María Gómez into INC-\d+: we need the database owner$/,
    );
    expect(requested[0].actor).toEqual({ type: "api", id: "alice", name: "Alice Moreau" });

    // Escalate now: the next level is paged at once (the pager consumes the request from the bus).
    const escalated = await call(`/api/incidents/${key}/escalate`, {
      body: { mode: "next", reason: "no answer" },
    });
    expect(escalated.status).toBe(202);
    expect(escalated.json).toEqual({ incidentId: opened.incidentId, key, mode: "next" });
    await vi.waitFor(
      async () => {
        const pages = await call(`/api/pages?incident=${opened.incidentId}`, { token: viewer });
        expect(
          pages.json.items.some(
            (p: { level: unknown; purpose: string }) => p.purpose === "escalation" && p.level === 2,
          ),
        ).toBe(true);
      },
      { timeout: 20_000, interval: 100 },
    );
    const badMode = await call(`/api/incidents/${key}/escalate`, { body: { mode: "sideways" } });
    expect(badMode.status).toBe(400);
    expect(badMode.json.issues[0].path).toBe("mode");

    // Refusals: each a 4xx naming what is wrong.
    const both = await call(`/api/incidents/${key}/responders`, {
      body: { personId: "maria", team: "payments" },
    });
    expect(both.status).toBe(400);
    expect(both.json.issues[0].path).toBe("personId");
    const unknown = await call(`/api/incidents/${key}/responders`, { body: { personId: "zed" } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.issues).toEqual([
      { path: "personId", message: 'unknown person "zed" (see GET /api/people)' },
    ]);
    expect((await call(`/api/incidents/${key}/responders`, { body: { team: "nope" } })).status).toBe(400);
    expect(
      (await call(`/api/incidents/${key}/responders`, { body: { personId: "maria" }, token: viewer })).status,
    ).toBe(403);
    expect((await call("/api/incidents/INC-9999/responders", { body: { personId: "maria" } })).status).toBe(
      404,
    );
    await call(`/api/incidents/${key}/resolve`, { body: {} });
    const resolved = await call(`/api/incidents/${key}/responders`, { body: { personId: "maria" } });
    expect(resolved.status).toBe(409);
    expect(resolved.json.code).toBe("incident_resolved");

    // Reopened by hand, with a reason: back to declared; again: 409, nothing to reopen.
    expect((await call(`/api/incidents/${key}/reopen`, { body: {} })).json.issues[0].path).toBe("reason");
    const reopened = await call(`/api/incidents/${key}/reopen`, { body: { reason: "the 5xx are back" } });
    expect(reopened.status).toBe(200);
    expect(reopened.json).toMatchObject({ status: "declared", reopens: 1 });
    const again = await call(`/api/incidents/${key}/reopen`, { body: { reason: "again" } });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe("not_resolved");
    expect(
      (await call(`/api/incidents/${key}/reopen`, { body: { reason: "x" }, token: viewer })).status,
    ).toBe(403);
  });
});
