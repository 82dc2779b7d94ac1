import { readFileSync } from "node:fs";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { whoIsOnCall } from "@firebreak/core/oncall/who";
import { testClock, testInstant } from "@firebreak/testkit/clock";
import { tamper } from "@firebreak/testkit/tamper";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";
import { whenDefined } from "./support/runtime";

let runtime: LocalRuntime;
let headers: { authorization: string };

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dataDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
    // Who is on call depends on the date: pinned (FIREBREAK_TEST_NOW in the schedule@… projects).
    clock: testClock(),
    tableName: `paging-runtime-${process.pid}-${Date.now()}`,
  });
  headers = { authorization: `Bearer ${await runtime.apiToken("viewer")}` };
});
afterAll(() => runtime.stop());

describe("alarm → roles → pages → ack link, through the local runtime", () => {
  it("assigns IC, ops and comms from the demo directory, pages over SNS and Slack, and acks once by link", async () => {
    const event = alarmStateChangeEvent({
      name: "checkout-5xx",
      state: "ALARM",
      service: "checkout",
      severity: "sev2",
      account: "123456789012",
      region: "eu-west-1",
      // The runtime's clock is pinned: an alarm stamped with today's date would be in its future.
      at: testInstant(),
    });
    const res = await fetch(`${runtime.url}/events`, {
      method: "POST",
      headers: runtime.eventHeaders,
      body: JSON.stringify(event),
    });
    const { results } = (await res.json()) as { results: { incidentId: string }[] };
    const id = results[0]!.incidentId;

    const incident = await whenDefined(async () => {
      const detail = (await (await fetch(`${runtime.url}/api/incidents/${id}`, { headers })).json()) as {
        roles?: Record<string, { personId: string }>;
        declaredAt: string;
      };
      return detail.roles?.ic && detail.roles.ops && detail.roles.comms ? detail : undefined;
    });
    expect(Object.keys(incident.roles ?? {}).sort()).toEqual(["comms", "ic", "ops"]);
    // The runtime's clock reached ingest: the incident is declared at the pinned instant (+ run time).
    const pinned = testInstant().getTime();
    expect(Date.parse(incident.declaredAt)).toBeGreaterThanOrEqual(pinned);
    expect(Date.parse(incident.declaredAt)).toBeLessThan(pinned + 3_600_000);

    const pages = await whenDefined(async () => {
      const body = (await (await fetch(`${runtime.url}/api/pages?incident=${id}`, { headers })).json()) as {
        items: { channel: string; state: string }[];
      };
      const settled = body.items.filter((p) => p.state !== "requested");
      return settled.length > 0 && settled.length === body.items.length ? body.items : undefined;
    });
    expect(new Set(pages.map((p) => p.channel))).toEqual(new Set(["sns", "slack"]));
    expect(runtime.fakeSns.published.length).toBeGreaterThan(0);
    expect(runtime.fakeSlack?.calls.some((c) => c.method === "chat.postMessage")).toBe(true);
    // Level 1 at the pinned instant (checkout-primary's person that week) gets the SMS and the Slack DM.
    const demo = parseDirectoryYaml(
      readFileSync(new URL("../../../examples/directory.yaml", import.meta.url), "utf8"),
    );
    const who = whoIsOnCall(demo, "checkout", testInstant());
    const first = who.levels[0]?.targets[0];
    if (first?.type !== "person")
      throw new Error(`checkout level 1 resolves to no one at ${testInstant().toISOString()}`);
    expect(runtime.fakeSns.published.map((m) => m.phoneNumber)).toContain(first.person.phone);
    expect(
      runtime.fakeSlack?.calls.filter((c) => c.method === "chat.postMessage").map((c) => c.body.channel),
    ).toContain(first.person.slackUserId);

    // The SMS carries a signed one-click ack link.
    const sms = runtime.fakeSns.published
      .map((m) => (m.phoneNumber ? m.message : (m.structure as { sms?: string } | undefined)?.sms))
      .find((text): text is string => typeof text === "string" && text.includes("/ack/"));
    expect(sms!.length).toBeLessThanOrEqual(140);
    const link = /(http:\/\/\S+\/ack\/\S+)/.exec(sms!)![1]!;

    const confirm = await fetch(link);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain("Acknowledge this page?");
    const acked = await fetch(link, { method: "POST" });
    expect(acked.status).toBe(200);
    expect(await acked.text()).toContain("Acknowledged");
    const detail = (await (await fetch(`${runtime.url}/api/incidents/${id}`, { headers })).json()) as {
      status: string;
    };
    expect(detail.status).toBe("acknowledged");

    const again = await fetch(link, { method: "POST" });
    expect(again.status).toBe(410);
    const forged = await fetch(link.replace(/[^/]+$/, tamper), { method: "POST" });
    expect([400, 410]).toContain(forged.status);
  });

  it("names the bad query parameter of /api/pages", async () => {
    const res = await fetch(`${runtime.url}/api/pages?incident=nope`, { headers });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("incident");
  });
});
