/**
 * The public status page's endpoints through the local runtime (the same route table as the
 * cloud): no sign-in, only public fields. An alarm opens an incident on a listed service; a
 * declared incident with a secret title gets a public and a non-public update. Neither the JSON
 * nor the Atom feed carries the title, the alarm name, a person, an internal id or the non-public
 * update; bad query input is a 400.
 */

import { testInstant } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, sendAlarmEvent, startTestRuntime } from "./support/runtime";

const started = performance.now();
const clock = { now: () => new Date(testInstant().getTime() + (performance.now() - started)) };

let runtime: LocalRuntime;
let responder: string;
const call = apiCaller(
  () => runtime,
  () => responder,
);

beforeAll(async () => {
  runtime = await startTestRuntime("status-page", { clock, sweepIntervalMs: 3_600_000 });
  responder = await runtime.apiToken("responder", "alice");
  const current = await runtime.paging.directory.get();
  if (!current) throw new Error("the demo directory is missing");
  await runtime.paging.directory.apply(
    {
      ...current.directory,
      statusPage: {
        title: "Acme status",
        severities: ["SEV1", "SEV2", "SEV3"],
        services: [
          { service: "checkout", name: "Online shop" },
          { service: "search", name: "Product search" },
        ],
      },
    },
    current.version,
    { actor: { type: "user", id: "test", name: "status test" } },
  );
}, 60_000);
afterAll(() => runtime.stop());

describe("the public status page", () => {
  it("serves only public fields in the JSON and the Atom feed, without sign-in", {
    timeout: 120_000,
  }, async () => {
    const alarm = "status-secret-alarm-name-5xx";
    const fired = await sendAlarmEvent(
      runtime,
      alarmStateChangeEvent({
        name: alarm,
        state: "ALARM",
        service: "search",
        severity: "sev1",
        account: "210987654321",
        region: "eu-west-1",
        at: new Date(clock.now().getTime() - 30_000),
      }),
    );
    expect(fired.incidentNumber).toBeGreaterThan(0);
    const declared = await call("/api/incidents", {
      body: { title: "Secret title: db-primary credentials rotated", severity: "SEV2", service: "checkout" },
    });
    expect(declared.status).toBe(201);
    const id = declared.json.id as string;
    const internal = await call(`/api/incidents/${id}/updates`, {
      body: { text: "Internal: the vendor contract lapsed" },
    });
    const published = await call(`/api/incidents/${id}/updates`, {
      body: { text: "Checkout is slow <script>alert(1)</script> ]]> & recovering", public: true },
    });
    expect([internal.status, published.status]).toEqual([201, 201]);
    const person = published.json.actor?.name as string;
    expect(person).toBeTruthy();

    const res = await fetch(`${runtime.url}/api/status/summary`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=30");
    const text = await res.text();
    const summary = JSON.parse(text);
    expect(summary.title).toBe("Acme status");
    expect(summary.services.map((s: { name: string; state: string }) => [s.name, s.state])).toEqual([
      ["Online shop", "degraded"],
      ["Product search", "major_outage"],
    ]);
    expect(summary.services[0].history).toHaveLength(90);
    expect(summary.updates).toEqual([
      expect.objectContaining({
        text: "Checkout is slow <script>alert(1)</script> ]]> & recovering",
        services: ["Online shop"],
      }),
    ]);

    const feed = await fetch(`${runtime.url}/api/status/feed.atom`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toMatch(/^application\/atom\+xml/);
    const atom = await feed.text();
    expect(atom).toContain("Checkout is slow &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; recovering");
    expect(atom).not.toContain("<script>");

    for (const secret of [
      "Secret title",
      alarm,
      person,
      id,
      published.json.id,
      "vendor contract",
      '"checkout"',
      '"search"',
      `INC-${fired.incidentNumber}`,
    ]) {
      expect(text, secret).not.toContain(secret);
      expect(atom, secret).not.toContain(secret);
    }

    for (const bad of ["days=0", "days=91", "days=abc", "colour=red"]) {
      const r = await fetch(`${runtime.url}/api/status/summary?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.headers.get("content-type")).toMatch(/problem\+json/);
    }
    expect((await fetch(`${runtime.url}/api/status/feed.atom?x=1`)).status).toBe(400);
    const week = (await (await fetch(`${runtime.url}/api/status/summary?days=7`)).json()) as {
      services: { history: unknown[] }[];
    };
    expect(week.services[0]?.history).toHaveLength(7);
  });
});
