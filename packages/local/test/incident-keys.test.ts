/**
 * INC-<n> addresses an incident everywhere an id does: every message people see names it so.
 * Through the local runtime's HTTP API: the incident, its pages, an action and the postmortem.
 */

import { testClock } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../src/runtime";
import { checkoutAlarm } from "./support/alarm";
import { startTestRuntime } from "./support/runtime";

let runtime: LocalRuntime;
let viewer: Record<string, string>;
let responder: Record<string, string>;
const clock = testClock();

beforeAll(async () => {
  runtime = await startTestRuntime("incident-keys", {
    clock,
  });
  viewer = { authorization: `Bearer ${await runtime.apiToken("viewer")}` };
  responder = {
    authorization: `Bearer ${await runtime.apiToken("responder", "alice")}`,
    "content-type": "application/json",
  };
});
afterAll(() => runtime.stop());

describe("INC-<n> as an address", () => {
  it("reads the incident, its pages, acts on it and reads its postmortem by key; bad keys are a 400, unknown ones a 404", async () => {
    const fired = await fetch(`${runtime.url}/events`, {
      method: "POST",
      headers: runtime.eventHeaders,
      body: JSON.stringify(checkoutAlarm("checkout-keys", clock)),
    });
    const { incidentId, incidentNumber } = (
      (await fired.json()) as {
        results: { incidentId: string; incidentNumber: number }[];
      }
    ).results[0]!;
    const key = `INC-${incidentNumber}`;

    for (const ref of [key, key.toLowerCase()]) {
      const res = await fetch(`${runtime.url}/api/incidents/${ref}`, { headers: viewer });
      expect(res.status, ref).toBe(200);
      expect(await res.json()).toMatchObject({ id: incidentId, key });
    }
    const pages = await fetch(`${runtime.url}/api/pages?incident=${key}`, { headers: viewer });
    expect(pages.status).toBe(200);
    const ack = await fetch(`${runtime.url}/api/incidents/${key}/ack`, {
      method: "POST",
      headers: responder,
      body: "{}",
    });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ id: incidentId, status: "acknowledged", changed: true });
    // No postmortem before it resolves: the key is resolved first, then the postmortem is missing.
    const pm = await fetch(`${runtime.url}/api/incidents/${key}/postmortem`, { headers: viewer });
    expect(pm.status).toBe(404);

    const unknown = await fetch(`${runtime.url}/api/incidents/INC-999999`, { headers: viewer });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { detail: string }).detail).toContain("INC-999999");
    for (const bad of ["INC-0", "INC-abc", "INC-1%3BDROP", "INC-", "INC-12345678901"]) {
      const res = await fetch(`${runtime.url}/api/incidents/${bad}`, { headers: viewer });
      expect(res.status, bad).toBe(400);
      expect(await res.text()).toContain("INC-<n>");
    }
  });
});
