/**
 * The alarm's context, end to end through the local runtime: an EventBridge alarm whose
 * description holds a runbook link becomes an incident whose API view, Slack page, timeline and
 * postmortem each show the link, the metric, the threshold and the triggering value. (The demo
 * directory pages by SMS and Slack only; the e-mail rendering of topic pages is unit-tested in
 * core/paging/messages.test.ts.)
 */
import { readFileSync } from "node:fs";
import { fixturePath } from "@firebreak/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LocalRuntime } from "../src/runtime";
import { startTestRuntime } from "./support/runtime";

let runtime: LocalRuntime;
let headers: { authorization: string };

beforeAll(async () => {
  runtime = await startTestRuntime("alarm-context", {
    settings: { FIREBREAK_AUTO_RESOLVE_ON_OK: "true" },
  });
  headers = { authorization: `Bearer ${await runtime.apiToken("viewer")}` };
});
afterAll(() => runtime.stop());

const RUNBOOK = "https://runbooks.example.com/ledger/api-5xx";

/** A real EventBridge fixture of the same alarm, with a runbook in its description. */
function event(file: string, id: string) {
  const body = JSON.parse(readFileSync(fixturePath(file), "utf8")) as {
    id: string;
    detail: { configuration: { description?: string } };
  };
  body.id = id;
  body.detail.configuration.description = `Ledger API 5xx. Runbook: ${RUNBOOK} <!channel>`;
  return body;
}

async function send(body: object) {
  const res = await fetch(`${runtime.url}/events`, {
    method: "POST",
    headers: runtime.eventHeaders,
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await res.json()) as { results: { incidentId: string; incidentNumber: number }[] };
}

describe("the alarm's context, end to end", () => {
  it("API, Slack page, timeline and postmortem show the runbook, metric, threshold and value", async () => {
    const fired = await send(event("eventbridge/eb-single-metric-ok-to-alarm.json", "ctx-fire-1"));
    const { incidentId: id } = fired.results[0]!;

    const detail = (await (await fetch(`${runtime.url}/api/incidents/${id}`, { headers })).json()) as {
      alarm: { context: Record<string, unknown> };
      timeline: { kind: string; data: { context?: { state: string } } }[];
    };
    expect(detail.alarm.context).toMatchObject({
      threshold: 40,
      comparison: ">=",
      value: 88,
      links: [{ label: "Runbook", url: RUNBOOK }],
      metrics: [expect.stringContaining("HTTPCode_Target_5XX_Count")],
      consoleUrl: expect.stringContaining("console.aws.amazon.com/cloudwatch/home?region="),
    });

    // The Slack page: the runbook as a link, the crossing; the description's <!channel> stays text.
    await vi.waitFor(
      () => {
        const pages = runtime.fakeSlack!.calls.filter(
          (c) => c.method === "chat.postMessage" && JSON.stringify(c.body).includes(`<${RUNBOOK}|Runbook>`),
        );
        expect(pages.length).toBeGreaterThan(0);
        const text = JSON.stringify(pages[0]!.body);
        expect(text).toContain("value 88 &gt;= threshold 40");
        expect(text).not.toContain("<!channel>");
      },
      { timeout: 20_000 },
    );
    // The OK resolves it (auto-resolve); its transition carries its own context on the timeline.
    await send(event("eventbridge/eb-single-metric-alarm-to-ok.json", "ctx-ok-1"));
    const markdown = await vi.waitFor(
      async () => {
        const res = await fetch(`${runtime.url}/api/incidents/${id}/postmortem.md`, { headers });
        expect(res.status).toBe(200);
        return res.text();
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(markdown).toContain(`[Runbook](<${RUNBOOK}>)`);
    expect(markdown).toContain("- **Crossing:** `value 88 >= threshold 40`");
    const after = (await (
      await fetch(`${runtime.url}/api/incidents/${id}`, { headers })
    ).json()) as typeof detail;
    const states = after.timeline
      .filter((e) => e.kind === "incident.alarm_transition")
      .map((e) => e.data.context?.state);
    expect(states).toEqual(["ALARM", "OK"]);
  });

  it("a tagged alarm (tag propagation on) is classified by its tags, and its team tag picks who is paged", async () => {
    const body = JSON.parse(readFileSync(fixturePath("eventbridge/eb-tagged-metric-alarm.json"), "utf8")) as {
      id: string;
      detail: { alarmTags: Record<string, string> };
    };
    body.id = "ctx-tagged-1";
    // The service is checkout's, but the tag names the platform team as the owner.
    body.detail.alarmTags = { severity: "sev2", service: "checkout", team: "platform" };
    const { incidentId: id } = (await send(body)).results[0]!;
    const detail = (await (await fetch(`${runtime.url}/api/incidents/${id}`, { headers })).json()) as {
      severity: string;
      services: string[];
      team?: string;
      timeline: { kind: string; summary: string; data: Record<string, unknown> }[];
    };
    expect(detail).toMatchObject({ severity: "SEV2", services: ["checkout"], team: "platform" });
    const declared = detail.timeline.find((e) => e.kind === "incident.declared");
    expect(declared?.data.classification).toMatchObject({
      severitySource: "tag",
      serviceSource: "tag",
      team: "platform",
    });
    await vi.waitFor(
      async () => {
        const after = (await (
          await fetch(`${runtime.url}/api/incidents/${id}`, { headers })
        ).json()) as typeof detail;
        const started = after.timeline.find((e) => e.kind === "escalation.started");
        expect(started?.summary).toMatch(/^escalation started: Platform/);
      },
      { timeout: 20_000, interval: 200 },
    );
  });

  it("a cross-account alarm (forwarded from a workload account's bus) is owned by that account's team", async () => {
    const forwarded = JSON.parse(
      readFileSync(fixturePath("eventbridge/eb-cross-account-ledger-alarm.json"), "utf8"),
    ) as { id: string; account: string; resources: string[] };
    // The same alarm in the payments production account, which payments owns the ledger in.
    const payments = structuredClone(forwarded);
    payments.id = `${forwarded.id}-payments`;
    payments.account = "210987654321";
    payments.resources = [forwarded.resources[0]!.replace("444455556666", "210987654321")];
    const owners: string[] = [];
    for (const body of [forwarded, payments]) {
      const { incidentId: id } = (await send(body)).results[0]!;
      const started = await vi.waitFor(
        async () => {
          const detail = (await (await fetch(`${runtime.url}/api/incidents/${id}`, { headers })).json()) as {
            alarm: { account: string };
            locations: { account: string }[];
            timeline: { kind: string; summary: string }[];
          };
          const entry = detail.timeline.find((e) => e.kind === "escalation.started");
          expect(entry).toBeDefined();
          expect(detail.locations).toEqual([{ account: body.account, region: "us-west-2" }]);
          return entry!.summary;
        },
        { timeout: 20_000, interval: 200 },
      );
      owners.push(/^escalation started: (\w+)/.exec(started)![1]!);
    }
    expect(owners).toEqual(["Platform", "Payments"]);
  });
});
