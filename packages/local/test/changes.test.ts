/**
 * Changes end to end through the local runtime (issue 16, item 2): a deploy recorded with the
 * CLI, a PagerDuty change event sent by `@pagerduty/pdjs`'s own `change()`, and an ECS deployment
 * event through the default bus's rule (`POST /events`, as EventBridge delivers it) are listed on
 * the incident that opens on their service soon after; older changes and other services' are not.
 * A redelivered AWS event is one change; a malformed one is a 400 and a dead letter.
 */
import { Agent as HttpsAgent } from "node:https";
import { connect, type Socket } from "node:net";
import { testInstant } from "@firebreak/testkit/clock";
import { fixture } from "@firebreak/testkit/fixtures";
import { change as pagerDutyChange } from "@pagerduty/pdjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { buildCli } from "../src/cli";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, sendAlarmEvent, startTestRuntime } from "./support/runtime";

const started = performance.now();
const clock = { now: () => new Date(testInstant().getTime() + (performance.now() - started)) };
const minutesAgo = (m: number) => new Date(clock.now().getTime() - m * 60_000);

let runtime: LocalRuntime;
let responder: string;
let routingKey: string;
const call = apiCaller(
  () => runtime,
  () => responder,
);

beforeAll(async () => {
  runtime = await startTestRuntime("changes", { clock });
  responder = await runtime.apiToken("responder", "alice");
  const admin = await runtime.apiToken("admin", "kate");
  const key = await call("/api/integrations", {
    token: admin,
    body: { format: "pagerduty", name: "github-actions", service: "ledger" },
  });
  routingKey = key.json.key;
});
afterAll(() => runtime.stop());

/** pdjs builds https://<server>/…: its requests reach the runtime over plain TCP on loopback (see integrations.test.ts). */
function toRuntime() {
  const { port, hostname } = new URL(runtime.url);
  class LoopbackAgent extends HttpsAgent {
    override createConnection(): Socket {
      return connect(Number(port), hostname);
    }
  }
  return { server: `${hostname}:${port}`, agent: new LoopbackAgent({ keepAlive: false }) };
}

const postEvent = (body: unknown) =>
  fetch(`${runtime.url}/events`, {
    method: "POST",
    headers: runtime.eventHeaders,
    body: JSON.stringify(body),
  });

function ecsEvent(service: string, at: Date) {
  const event = fixture<Record<string, unknown> & { detail: Record<string, unknown> }>(
    "deployments/ecs-deployment-completed.json",
  );
  event.id = `ecs-${service}-${at.getTime()}`;
  event.time = at.toISOString();
  event.resources = [`arn:aws:ecs:ap-southeast-2:111122223333:service/prod/${service}`];
  event.detail.updatedAt = at.toISOString();
  return event;
}

describe("changes, through the local runtime", () => {
  it("a deploy, a PagerDuty change event and an ECS deployment are listed on the incident that follows", async () => {
    const cli = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await buildCli().parseAsync([
        "node",
        "firebreak",
        "change",
        "record",
        "ledger",
        "Deploy ledger-api v42",
        "--link",
        "https://ci.example.com/builds/42",
        "--at",
        minutesAgo(50).toISOString(),
        "--url",
        runtime.url,
        "--token",
        responder,
      ]);
      expect(cli).toHaveBeenCalledWith(
        expect.stringMatching(/^Recorded \S+: ledger at .*: Deploy ledger-api v42$/),
      );
    } finally {
      cli.mockRestore();
    }

    const pd = await pagerDutyChange({
      ...toRuntime(),
      data: {
        routing_key: routingKey,
        payload: {
          summary: "Build Success: raise the ledger connection pool to 40",
          timestamp: minutesAgo(30).toISOString(),
          source: "github-actions",
        },
        links: [{ href: "https://github.example.com/ledger/pull/7", text: "PR #7" }],
      },
    } as never);
    expect(pd.status).toBe(202);
    expect(pd.data).toEqual({ status: "success", message: "Change event processed" });

    const ecs = ecsEvent("ledger", minutesAgo(10));
    const first = await postEvent(ecs);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ status: "recorded", change: { service: "ledger" } });
    // EventBridge delivers at least once: the same event again is the same change.
    expect(await (await postEvent(ecs)).json()).toMatchObject({ status: "duplicate" });

    // Not listed: too old (3 h before), another service.
    expect(
      (
        await call("/api/changes", {
          body: { service: "ledger", summary: "old", at: minutesAgo(180).toISOString() },
        })
      ).status,
    ).toBe(201);
    expect((await postEvent(ecsEvent("search", minutesAgo(5)))).status).toBe(202);

    const opened = await sendAlarmEvent(
      runtime,
      alarmStateChangeEvent({
        name: "ledger-api-5xx-high",
        state: "ALARM",
        service: "ledger",
        severity: "sev2",
        account: "111122223333",
        region: "ap-southeast-2",
        at: minutesAgo(1),
      }),
    );
    const detail = (await call(`/api/incidents/${opened.incidentId}`)).json;
    expect(detail.changes.map((c: { source: string; summary: string }) => [c.source, c.summary])).toEqual([
      [
        "ecs",
        "ECS ledger deployment ecs-svc/4863251398765432109: SERVICE_DEPLOYMENT_COMPLETED (ECS deployment ecs-svc/4863251398765432109 completed.)",
      ],
      ["pagerduty", "Build Success: raise the ledger connection pool to 40"],
      ["api", "Deploy ledger-api v42"],
    ]);
    expect(detail.changes[1].link).toBe("https://github.example.com/ledger/pull/7");
    expect(detail.changes[2]).toMatchObject({
      link: "https://ci.example.com/builds/42",
      recordedBy: { id: "alice" },
    });
  });

  it("refuses what it cannot record, naming the field: a 400, and a dead letter for a malformed AWS event", async () => {
    const before = runtime.deadLetters.letters.length;
    const broken = ecsEvent("ledger", minutesAgo(1));
    broken.resources = [];
    const res = await postEvent(broken);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain("resources[0]");
    expect(runtime.deadLetters.letters.slice(before).map((l) => l.source)).toEqual(["change-ingest"]);

    const bad = await call("/api/changes", {
      body: { service: "Ledger API", summary: "", link: "javascript:alert(1)", at: "tomorrow" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.issues.map((i: { path: string }) => i.path)).toEqual([
      "service",
      "summary",
      "link",
      "at",
    ]);
    const ahead = await call("/api/changes", {
      body: {
        service: "ledger",
        summary: "future",
        at: new Date(clock.now().getTime() + 3_600_000).toISOString(),
      },
    });
    expect(ahead.status).toBe(400);
    const viewer = await runtime.apiToken("viewer", "bob");
    expect(
      (await call("/api/changes", { token: viewer, body: { service: "ledger", summary: "x" } })).status,
    ).toBe(403);

    const noService = await pagerDutyChange({
      ...toRuntime(),
      data: { routing_key: "0".repeat(32), payload: { summary: "x" } },
    } as never);
    expect(noService.status).toBe(401);
  });
});
