import { testClock, testInstant } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";
import { whenDefined } from "./support/runtime";

/** A viewer bearer token for the runtime under test (the API needs auth). */
const viewer = async () => ({ authorization: `Bearer ${await runtime.apiToken("viewer")}` });

let runtime: LocalRuntime;
const printed: string[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dataDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
    // Who is on call depends on the date: pinned (FIREBREAK_TEST_NOW in the schedule@… projects).
    clock: testClock(),
    tableName: `page-console-${process.pid}-${Date.now()}`,
    sweepIntervalMs: 3_600_000,
    log: { info: (m: string) => void printed.push(m), warn: () => undefined, error: () => undefined },
  });
}, 60_000);
afterAll(() => runtime.stop());

describe("the local runtime prints recorded pages, and their ack links work in a browser", () => {
  it("prints one block per SNS and Slack page; the printed link acks through the HTML form", async () => {
    const event = alarmStateChangeEvent({
      name: "checkout-latency",
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
    const id = ((await res.json()) as { results: { incidentId: string }[] }).results[0]!.incidentId;

    const sns = await whenDefined(() =>
      printed.find((b) => b.startsWith("── SNS page → SMS ") && b.includes(id)),
    );
    const slack = await whenDefined(() => printed.find((b) => b.startsWith("── Slack message → ")));
    expect(slack).toMatch(/buttons {2}Acknowledge \[/);
    // Each page is its own block: one per recorded SNS publish, one per Slack post.
    expect(printed.filter((b) => b.startsWith("── SNS page")).length).toBe(runtime.fakeSns.published.length);
    const link = /^ {2}ack {6}(\S+)/m.exec(sns)?.[1];
    expect(link).toMatch(new RegExp(`^${runtime.url}/ack/`));

    // What a browser does: GET shows a page with a form; submitting it POSTs a form body.
    const confirm = await fetch(link!, { headers: { accept: "text/html" } });
    expect(confirm.status).toBe(200);
    expect(confirm.headers.get("content-type")).toMatch(/text\/html/);
    const html = await confirm.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    expect(action).toBeDefined();
    const submit = await fetch(new URL(action!, link), {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: runtime.url,
        accept: "text/html",
      },
      body: "",
    });
    expect(submit.status).toBe(200);
    expect(await submit.text()).toContain("Acknowledged");
    const detail = (await (
      await fetch(`${runtime.url}/api/incidents/${id}`, { headers: await viewer() })
    ).json()) as { status: string };
    expect(detail.status).toBe("acknowledged");

    // The same link again: already used, nothing more acknowledged.
    const again = await fetch(new URL(action!, link), { method: "POST" });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(await again.text()).toContain("already used");
  }, 60_000);
});
