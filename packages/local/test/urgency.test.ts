/**
 * Urgency and severity changes, end to end through the local runtime's HTTP edges (issue 14 item
 * 7, issue 15 item 1): at 03:00 checkout time a SEV4 sends no SMS (a Slack DM, the SMS held to
 * 09:00) and a SEV1 does; raising the SEV4 to SEV1 with `/incident severity` sends the held SMS at
 * once (the pager consumes incident.severity_changed from the outbox); the API refuses `sev0` and a
 * lowering without a reason, and records who changed it.
 */
import { readFileSync } from "node:fs";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { assignInitialRoles } from "@firebreak/core/oncall/who";
import { pinnedClock } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import type { LocalRuntime } from "../src/runtime";
import { slashCommand, startTestRuntime } from "./support/runtime";

/** Thursday 2026-12-03 03:00 in London (GMT): the checkout team's night. */
const NIGHT = new Date("2026-12-03T03:00:00Z");
const clock = pinnedClock(NIGHT);
const demo = parseDirectoryYaml(
  readFileSync(new URL("../../../examples/directory.yaml", import.meta.url), "utf8"),
);
const roles = assignInitialRoles(demo, "checkout", NIGHT, "210987654321");
const ic = demo.people.find((p) => p.id === roles.ic?.id)!;

let runtime: LocalRuntime;
let viewer: { authorization: string };
let responder: { authorization: string; "content-type": string };

beforeAll(async () => {
  runtime = await startTestRuntime("urgency", { clock });
  viewer = { authorization: `Bearer ${await runtime.apiToken("viewer")}` };
  responder = {
    authorization: `Bearer ${await runtime.apiToken("responder", "kate")}`,
    "content-type": "application/json",
  };
});
afterAll(() => runtime.stop());

interface Detail {
  id: string;
  key: string;
  number: number;
  severity: string;
  roles?: Record<string, { personId: string }>;
  timeline: {
    kind: string;
    summary: string;
    actor: { id: string; name?: string };
    data: Record<string, unknown>;
  }[];
}

async function fire(name: string, severity: string, service = "checkout"): Promise<Detail> {
  const event = alarmStateChangeEvent({
    name,
    state: "ALARM",
    service,
    severity,
    account: "210987654321",
    region: "eu-west-1",
    at: clock.now(),
  });
  const res = await fetch(`${runtime.url}/events`, {
    method: "POST",
    headers: runtime.eventHeaders,
    body: JSON.stringify(event),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  const id = ((await res.json()) as { results: { incidentId: string }[] }).results[0]!.incidentId;
  // Paged: the escalation started and its first pages are settled.
  return vi.waitFor(
    async () => {
      const found = await detail(id);
      expect(found.timeline.some((e) => e.kind === "escalation.started")).toBe(true);
      expect(found.roles?.ic).toBeDefined();
      const pages = await pagesOf(id);
      expect(pages.length).toBeGreaterThan(0);
      expect(pages.every((p) => p.state !== "requested")).toBe(true);
      return found;
    },
    { timeout: 20_000, interval: 100 },
  );
}

async function detail(id: string): Promise<Detail> {
  return (await (await fetch(`${runtime.url}/api/incidents/${id}`, { headers: viewer })).json()) as Detail;
}

async function pagesOf(id: string) {
  const res = await fetch(`${runtime.url}/api/pages?incident=${id}`, { headers: viewer });
  return (
    (await res.json()) as { items: { channel: string; state: string; target: { personId?: string } }[] }
  ).items;
}

const smsTo = (phone: string | undefined) => runtime.fakeSns.published.filter((m) => m.phoneNumber === phone);

const slashCommandAt = (text: string, userId: string) => slashCommand(runtime, text, userId, clock.now());

describe("urgency, through the local runtime", () => {
  let low: Detail;

  it("a SEV4 at 03:00 team time sends no SMS: a Slack DM now, the SMS held to 09:00", async () => {
    low = await fire("checkout-queue-age", "sev4");
    expect(low.roles?.ic?.personId).toBe(ic.id);
    const pages = await pagesOf(low.id);
    expect(pages.filter((p) => p.channel === "sns")).toEqual([]);
    expect(pages.some((p) => p.channel === "slack" && p.target.personId === ic.id)).toBe(true);
    expect(smsTo(ic.phone)).toEqual([]);
    const held = low.timeline.find((e) => e.kind === "page.held");
    expect(held?.data).toMatchObject({ personId: ic.id, sendAt: "2026-12-03T09:00:00.000Z", urgency: "low" });
  });

  it("a SEV1 at the same hour sends the SMS at once", async () => {
    // On cart (checkout's too): on checkout it would join the SEV4's incident (grouping by service).
    const high = await fire("cart-down", "sev1", "cart");
    expect((await pagesOf(high.id)).some((p) => p.channel === "sns" && p.state === "delivered")).toBe(true);
    expect(smsTo(ic.phone)).toHaveLength(1);
  });

  it("/incident severity sev1 by the IC raises it: the held SMS goes at once, the channel is opened", async () => {
    // A SEV4 has no incident channel; as a SEV1 it gets one (the Slack worker syncs on the event).
    const channels = () =>
      runtime.fakeSlack!.calls.filter(
        (c) =>
          c.method === "conversations.create" &&
          !c.fault &&
          String(c.body.name).startsWith(`inc-${low.number}-`),
      );
    expect(channels()).toEqual([]);
    const reply = await slashCommandAt(`severity sev1 INC-${low.number}`, ic.slackUserId!);
    expect(reply.response_type).toBe("in_channel");
    expect(reply.text).toContain(`severity raised from SEV4 to SEV1`);
    await vi.waitFor(() => expect(smsTo(ic.phone)).toHaveLength(2), { timeout: 20_000, interval: 100 });
    await vi.waitFor(() => expect(channels()).toHaveLength(1), { timeout: 20_000, interval: 100 });
    const after = await detail(low.id);
    expect(after.severity).toBe("SEV1");
    const changed = after.timeline.find((e) => e.kind === "incident.severity_changed");
    expect(changed?.data).toMatchObject({ from: "SEV4", to: "SEV1", direction: "raised" });
    expect(after.timeline.some((e) => e.kind === "page.hold_cancelled")).toBe(false);
  });

  it("Slack refuses sev0 with the accepted values, and a lowering without a reason", async () => {
    const bad = await slashCommandAt(`severity sev0 INC-${low.number}`, ic.slackUserId!);
    expect(bad.text).toContain('"sev0" is not a severity: use SEV1 (most severe) to SEV5');
    const noReason = await slashCommandAt(`severity sev3 INC-${low.number}`, ic.slackUserId!);
    expect(noReason.text).toContain("needs a reason");
    expect((await detail(low.id)).severity).toBe("SEV1");
  });

  it("the API takes sev2 or 2, refuses sev0 and high with the accepted values, and needs a reason to lower", async () => {
    const post = (body: unknown) =>
      fetch(`${runtime.url}/api/incidents/INC-${low.number}/severity`, {
        method: "POST",
        headers: responder,
        body: JSON.stringify(body),
      });
    for (const severity of ["sev0", "high", "SEV6"]) {
      const res = await post({ severity });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("expected SEV1 (most severe) to SEV5, written SEV2, sev2 or 2");
    }
    const refused = await post({ severity: "sev3" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("needs a reason");

    const lowered = await post({ severity: "3", reason: "only the admin console is affected" });
    expect(lowered.status).toBe(200);
    expect(await lowered.json()).toMatchObject({ severity: "SEV3", changed: true });
    const same = await post({ severity: "sev3" });
    expect(await same.json()).toMatchObject({ severity: "SEV3", changed: false });

    const entries = (await detail(low.id)).timeline.filter((e) => e.kind === "incident.severity_changed");
    expect(entries.map((e) => [e.data.from, e.data.to, e.data.reason])).toEqual([
      ["SEV4", "SEV1", undefined],
      ["SEV1", "SEV3", "only the admin console is affected"],
    ]);
    // Recorded by the person the API token belongs to.
    expect(entries[1]!.actor.id).toBe("kate");
  });
});
