/**
 * The page trace through the local runtime (`GET /api/incidents/{id}/trace` and `firebreak
 * trace`), on a clock the test moves: an incident that nobody acknowledged escalates to level 2,
 * and its trace says who each level paged, by which methods, how each delivery went, that level 2
 * came by timeout, and why level 3 and the fallback were not paged (acknowledged first). A related
 * alarm grouped into it is named as a grouping rule; an incident merged into it says where its
 * paging went.
 */
import { sweepEscalations } from "@firebreak/core/paging/service";
import { testInstant } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { buildCli } from "../src/cli";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, sendAlarmEvent, startTestRuntime } from "./support/runtime";

let skipped = 0;
const started = performance.now();
const clock = { now: () => new Date(testInstant().getTime() + (performance.now() - started) + skipped) };

let runtime: LocalRuntime;
let responder: string;
let viewer: string;
const call = apiCaller(
  () => runtime,
  () => viewer,
);

beforeAll(async () => {
  runtime = await startTestRuntime("trace", { clock, sweepIntervalMs: 3_600_000 });
  responder = await runtime.apiToken("responder", "alice");
  viewer = await runtime.apiToken("viewer", "bob");
}, 60_000);
afterAll(() => runtime.stop());

const fire = (name: string, service: string) =>
  sendAlarmEvent(
    runtime,
    alarmStateChangeEvent({
      name,
      state: "ALARM",
      service,
      severity: "sev1",
      account: "210987654321",
      region: "eu-west-1",
      at: new Date(clock.now().getTime() - 30_000),
    }),
  );

async function cli(...args: string[]): Promise<string[]> {
  const out: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  try {
    await buildCli().parseAsync(["node", "firebreak", ...args, "--url", runtime.url, "--token", viewer]);
  } finally {
    log.mockRestore();
  }
  return out;
}

describe("the page trace, through the local runtime", () => {
  it("explains an escalation to level 2, a grouped alarm and a merged incident", {
    timeout: 120_000,
  }, async () => {
    const opened = await fire("trace-checkout-5xx", "checkout");
    const key = `INC-${opened.incidentNumber}`;
    // Level 1 is paged and delivered.
    await vi.waitFor(
      async () => {
        const trace = (await call(`/api/incidents/${key}/trace`)).json;
        expect(
          trace.deliveries.some(
            (d: { level: string; state: string }) => d.level === "1" && d.state === "delivered",
          ),
        ).toBe(true);
      },
      { timeout: 20_000, interval: 100 },
    );
    // A related alarm of the same service joins it (grouping), and nobody acknowledges for 6 minutes.
    const grouped = await fire("trace-checkout-latency", "checkout");
    expect(grouped).toMatchObject({ outcome: "grouped", incidentId: opened.incidentId });
    skipped += 6 * 60_000;
    await sweepEscalations(runtime.paging);
    await vi.waitFor(
      async () => {
        const trace = (await call(`/api/incidents/${key}/trace`)).json;
        expect(
          trace.deliveries.some(
            (d: { level: string; state: string }) => d.level === "2" && d.state === "delivered",
          ),
        ).toBe(true);
      },
      { timeout: 20_000, interval: 100 },
    );
    // Erin acknowledges: the ladder stops.
    const ack = await call(`/api/incidents/${key}/ack`, { body: {}, token: responder });
    expect(ack.status).toBe(200);

    // A duplicate on another service, merged into it.
    const duplicate = await fire("trace-cart-5xx", "cart");
    const merged = await call(`/api/incidents/INC-${duplicate.incidentNumber}/merge`, {
      body: { into: key, reason: "same outage" },
      token: responder,
    });
    expect(merged.status).toBe(200);

    const { status, json: trace } = await call(`/api/incidents/${key}/trace`);
    expect(status).toBe(200);
    expect(trace.trigger).toBe("alarm trace-checkout-5xx went to ALARM (account 210987654321, eu-west-1)");
    expect(trace.routing).toMatchObject({
      paged: true,
      team: { id: "checkout", name: "Checkout" },
      via: "service",
      directoryVersion: 1,
      urgency: { level: "high" },
    });
    expect(trace.rules.map((r: { rule: string }) => r.rule)).toEqual(["grouping", "merge"]);
    expect(trace.rules[0].text).toContain("related alarm trace-checkout-latency fired for checkout");
    const [one, two, three, fallback] = trace.levels;
    expect(one).toMatchObject({ level: 1, timeoutMinutes: 5, paged: [{ round: 0, trigger: "start" }] });
    expect(two).toMatchObject({ level: 2, timeoutMinutes: 10, paged: [{ round: 0, trigger: "timeout" }] });
    expect(three).toMatchObject({ level: 3, paged: [] });
    expect(fallback).toMatchObject({ level: "fallback", paged: [] });
    // Who level 1 had, and how the pager reaches them.
    expect(one.targets[0]).toMatchObject({
      rotationId: "checkout-primary",
      // The default notification rules (the demo directory's people have none of their own).
      methods: [
        { channel: "sms", delayMinutes: 0 },
        { channel: "slack", delayMinutes: 0 },
        { channel: "voice", delayMinutes: 5, note: "when the voice channel is configured" },
      ],
    });
    expect(trace.acknowledgement.by).toBe("Alice Moreau");
    expect(trace.whyNot).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Level 3 was not paged: Alice Moreau acknowledged at .+, while level 2 was being paged\.$/,
        ),
        expect.stringMatching(/^The fallback was not paged: Alice Moreau acknowledged/),
      ]),
    );
    expect(trace.story.some((s: { text: string }) => /escalated to level 2/.test(s.text))).toBe(true);

    // The merged one says where its paging went.
    const other = (await call(`/api/incidents/INC-${duplicate.incidentNumber}/trace`)).json;
    expect(other.whyNot[0]).toMatch(new RegExp(`^merged into ${key} .*: it pages nobody more`));

    // The CLI prints the same, readable.
    const lines = await cli("trace", key.toLowerCase());
    expect(lines[1]).toBe(
      "How it began: alarm trace-checkout-5xx went to ALARM (account 210987654321, eu-west-1).",
    );
    expect(lines).toContain("Urgency: high (SEV1, SEV2 page as high urgency; SEV1 is high urgency).");
    expect(lines.some((l) => /^Level 2, 10 min timeout: paged .+ \(timeout\)$/.test(l))).toBe(true);
    expect(lines).toContain("Why not elsewhere:");
    const json = JSON.parse((await cli("trace", key, "--output", "json")).join("\n"));
    expect(json.incident.key).toBe(key);

    // Bad and unknown references: 4xx naming what is wrong.
    const bad = await call("/api/incidents/INC-0/trace");
    expect(bad.status).toBe(400);
    expect(bad.json.issues[0].path).toBe("id");
    expect((await call("/api/incidents/INC-999999/trace")).status).toBe(404);
    expect((await call("/api/incidents/INC-1/trace", { token: "fbk_not_a_token" })).status).toBe(401);
  });
});
