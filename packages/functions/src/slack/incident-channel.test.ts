import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { SlackStore } from "@firebreak/core/adapters/dynamodb/slack/slack-store";
import { assignRole, changeStatus, declareIncident } from "@firebreak/core/incident/actions";
import type { Incident } from "@firebreak/core/incident/model";
import { createSlackClient } from "@firebreak/core/paging/slack-channel";
import { runAs } from "@firebreak/core/shared/actor";
import { newId } from "@firebreak/core/shared/ids";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_BOT_USER_ID, type FakeSlack, startFakeSlack } from "../../../local/src/fake-slack";
import { CHANNEL_NAME_PATTERN } from "./channel-name";
import {
  type IncidentChannelDeps,
  parseChannelSeverities,
  SlackWorkError,
  syncIncidentChannel,
} from "./incident-channel";

const TOKEN = "xoxb-channel-test";
const PRIYA = "U04ONCALL01";
const BOB = "U0BOB0001";
const ACTOR = { type: "slack" as const, id: PRIYA, name: "priya" };

let fake: FakeSlack;
let store: IncidentStore;
let slack: SlackStore;

beforeAll(async () => {
  fake = await startFakeSlack({ token: TOKEN });
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(async () => {
  const table = await createTestTable("slackch");
  store = storeFor(table);
  slack = new SlackStore(store.db, table.tableName);
  fake.reset();
});

function deps(overrides: Partial<IncidentChannelDeps> = {}): IncidentChannelDeps {
  return {
    incidents: store,
    slack,
    client: createSlackClient(TOKEN, { slackApiUrl: fake.url, requestTimeoutMs: 300 }),
    botUserId: FAKE_BOT_USER_ID,
    retry: { attempts: 3, baseMs: 1, maxMs: 5, maxRetryAfterMs: 50 },
    slackUserIdOf: (personId) => (personId === "bob" ? BOB : undefined),
    incidentUrl: (incident) => `https://firebreak.example/incidents/${incident.id}`,
    ...overrides,
  };
}

const declare = (title: string, severity = "SEV1") =>
  runAs(ACTOR, () => declareIncident({ store }, { title, severity: severity as Incident["severity"] }));
const calls = (method: string) => fake.calls.filter((c) => c.method === method && !c.fault);
const created = () => calls("conversations.create");

describe("syncIncidentChannel", () => {
  it("creates #inc-<n>-<slug>, posts and pins the summary, invites role holders, records the lookup", async () => {
    const incident = await declare("Checkout <!channel> down");
    await runAs(ACTOR, () => assignRole({ store }, incident.id, { role: "ic", personId: PRIYA }));
    await runAs(ACTOR, () => assignRole({ store }, incident.id, { role: "ops", personId: "bob" }));

    const result = await syncIncidentChannel(deps(), incident.id, { invite: [PRIYA] });

    expect(result).toMatchObject({
      outcome: "synced",
      created: true,
      channelName: `inc-${incident.number}-checkout-channel-down`,
    });
    const channel = fake.channels.get(result.channelId!)!;
    expect(channel.name).toMatch(CHANNEL_NAME_PATTERN);
    expect([...channel.members].sort()).toEqual([BOB, FAKE_BOT_USER_ID, PRIYA].sort());
    expect(channel.pins.size).toBe(1);
    const [ts] = [...channel.pins];
    const summary = fake.messages.get(`${channel.id}:${ts}`)!;
    // The summary shows the current state, and the title's <!channel> renders literally.
    expect(summary.text).toContain("&lt;!channel&gt;");
    expect(JSON.stringify(summary.blocks)).not.toContain("<!channel>");
    expect(await slack.incidentForChannel(channel.id)).toBe(incident.id);
    const record = await slack.get(incident.id);
    expect(record).toMatchObject({ channelId: channel.id, summaryTs: ts, pinned: true });
    expect(record?.leaseToken).toBeUndefined();
    const found = await store.getIncidentWithTimeline(incident.id);
    expect(found?.timeline.filter((e) => e.kind === "slack.channel_created")).toHaveLength(1);
  });

  it("redelivery and duplicates make one channel, one summary, one pin, one invite each", async () => {
    const incident = await declare("Payments 502s");
    await runAs(ACTOR, () => assignRole({ store }, incident.id, { role: "ic", personId: PRIYA }));
    for (let i = 0; i < 3; i++) await syncIncidentChannel(deps(), incident.id, { invite: [PRIYA] });
    expect(created()).toHaveLength(1);
    expect(calls("chat.postMessage")).toHaveLength(1);
    expect(calls("pins.add")).toHaveLength(1);
    expect(calls("conversations.invite")).toHaveLength(1);
    expect(calls("chat.update")).toHaveLength(0); // nothing changed since the summary was posted
  });

  it("concurrent events for one incident create exactly one channel and converge on the latest state", async () => {
    const incident = await declare("Search outage");
    const runs = Array.from({ length: 8 }, (_, i) =>
      syncIncidentChannel(deps(), incident.id, { invite: i % 2 ? [PRIYA] : [BOB] }),
    );
    const ack = runAs(ACTOR, () => changeStatus({ store }, incident.id, { to: "acknowledged" }));
    const results = await Promise.all(runs);
    await ack;
    // Whatever happened in between, one more event (as the status change's own) settles it.
    await syncIncidentChannel(deps(), incident.id);

    expect(created()).toHaveLength(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(calls("chat.postMessage")).toHaveLength(1);
    const record = (await slack.get(incident.id))!;
    const channel = fake.channels.get(record.channelId!)!;
    expect([...channel.members]).toEqual(expect.arrayContaining([PRIYA, BOB]));
    const summary = fake.messages.get(`${channel.id}:${record.summaryTs}`)!;
    expect(summary.text).toContain("is acknowledged");
    const latest = (await store.getIncident(incident.id))!;
    expect(record.renderedVersion).toBe(latest.version);
  });

  it("keeps the pinned summary updated in place as state, roles and severity change, in any order", async () => {
    const incident = await declare("Queue backlog");
    await syncIncidentChannel(deps(), incident.id);
    await runAs(ACTOR, () => assignRole({ store }, incident.id, { role: "comms", personId: BOB }));
    await runAs(ACTOR, () => changeStatus({ store }, incident.id, { to: "mitigated" }));
    // Events arrive late and out of order: each one renders the current state.
    await syncIncidentChannel(deps(), incident.id);
    await syncIncidentChannel(deps(), incident.id);
    const record = (await slack.get(incident.id))!;
    const summary = fake.messages.get(`${record.channelId}:${record.summaryTs}`)!;
    expect(summary.text).toContain("is mitigated");
    expect(JSON.stringify(summary.blocks)).toContain(`<@${BOB}>`);
    expect(calls("chat.update")).toHaveLength(1);
    expect(calls("chat.postMessage")).toHaveLength(1);
    expect(fake.channels.get(record.channelId!)!.members.has(BOB)).toBe(true);
  });

  it("a severity raised to SEV1 gets a channel; a severity change shows on the summary", async () => {
    const incident = await declare("Slow search", "SEV3");
    expect((await syncIncidentChannel(deps(), incident.id)).outcome).toBe("not_wanted");
    // No use case changes severity yet: write the change as one would (incident + timeline entry).
    const before = (await store.getIncident(incident.id))!;
    const at = new Date().toISOString();
    await store.commitIncidentChange({
      before,
      after: { ...before, severity: "SEV1", updatedAt: at, version: before.version + 1 },
      entries: [
        {
          id: newId(),
          incidentId: incident.id,
          kind: "incident.severity_changed",
          actor: ACTOR,
          at,
          summary: "severity SEV3 → SEV1",
          data: { from: "SEV3", to: "SEV1" },
        },
      ],
    });
    const result = await syncIncidentChannel(deps(), incident.id);
    expect(result.created).toBe(true);
    const record = (await slack.get(incident.id))!;
    expect(fake.messages.get(`${record.channelId}:${record.summaryTs}`)?.text).toContain("SEV1 INC-");
  });

  it("handles name collisions with a suffix", async () => {
    const first = await declare("Login broken");
    const number = first.number + 1;
    // Someone already has the name the next incident would get.
    await createSlackClient(TOKEN, { slackApiUrl: fake.url }).conversations.create({
      name: `inc-${number}-login-broken`,
    });
    const second = await declare("Login broken");
    expect(second.number).toBe(number);
    const result = await syncIncidentChannel(deps(), second.id);
    expect(result.channelName).toBe(`inc-${number}-login-broken-2`);
  });

  it("unicode and 200-character titles give legal names", async () => {
    const a = await declare("支付服务 故障 🔥");
    const b = await declare("Über-lange Störung ".repeat(11).slice(0, 200));
    const ra = await syncIncidentChannel(deps(), a.id);
    const rb = await syncIncidentChannel(deps(), b.id);
    expect(ra.channelName).toBe(`inc-${a.number}`);
    expect(rb.channelName!.length).toBeLessThanOrEqual(80);
    expect(rb.channelName).toMatch(CHANNEL_NAME_PATTERN);
    expect(rb.channelName!.startsWith(`inc-${b.number}-uber-lange-storung-`)).toBe(true);
  });

  it("only for the configured severities, and never for a resolved incident", async () => {
    const sev3 = await declare("Minor glitch", "SEV3");
    expect((await syncIncidentChannel(deps(), sev3.id)).outcome).toBe("not_wanted");
    expect((await syncIncidentChannel(deps({ channelSeverities: ["SEV3"] }), sev3.id)).outcome).toBe(
      "synced",
    );
    const sev1 = await declare("Gone already");
    await runAs(ACTOR, () => changeStatus({ store }, sev1.id, { to: "resolved" }));
    expect((await syncIncidentChannel(deps(), sev1.id)).outcome).toBe("not_wanted");
    expect(
      (await syncIncidentChannel(deps({ channelSeverities: [] }), (await declare("x")).id)).outcome,
    ).toBe("not_wanted");
    expect(created()).toHaveLength(1);
  });

  it("retries 429 (Retry-After), 5xx and timeouts, and ends consistent", async () => {
    const incident = await declare("Flaky Slack");
    await runAs(ACTOR, () => assignRole({ store }, incident.id, { role: "ic", personId: PRIYA }));
    fake.failNext("conversations.create", 1, { status: 429, retryAfter: 0 });
    fake.failNext("chat.postMessage", 1, { status: 503 });
    fake.failNext("pins.add", 1, "hang");
    fake.failNext("conversations.invite", 1, { slackError: "internal_error" });
    const result = await syncIncidentChannel(deps(), incident.id);
    expect(result).toMatchObject({ outcome: "synced", created: true, invited: [PRIYA] });
    expect(created()).toHaveLength(1);
    expect(fake.channels.size).toBe(1);
    const record = (await slack.get(incident.id))!;
    expect(record).toMatchObject({ pinned: true, invited: [PRIYA] });
  });

  it("a create that timed out but happened is adopted, not made twice", async () => {
    const incident = await declare("Timeout city");
    fake.failNext("conversations.create", 1, "lost-response");
    const result = await syncIncidentChannel(deps(), incident.id);
    expect(fake.channels.size).toBe(1);
    expect(result.channelId).toBe([...fake.channels.keys()][0]);
    expect(result.channelName).toBe(`inc-${incident.number}-timeout-city`);
  });

  it("gives up after bounded retries with a retryable error; the next delivery finishes the job", async () => {
    const incident = await declare("Slack down");
    fake.failNext("conversations.create", 3, { status: 500 });
    const error = await syncIncidentChannel(deps(), incident.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackWorkError);
    expect((error as SlackWorkError).retryable).toBe(true);
    expect(await slack.get(incident.id)).toMatchObject({ incidentId: incident.id });
    expect((await slack.get(incident.id))?.leaseToken).toBeUndefined(); // released for the retry
    const again = await syncIncidentChannel(deps(), incident.id);
    expect(again.created).toBe(true);
    expect(fake.channels.size).toBe(1);
  });

  it("a permanent failure throws and goes on the timeline once", async () => {
    const incident = await declare("No scope");
    fake.failNext("conversations.create", 2, { slackError: "missing_scope" });
    for (let i = 0; i < 2; i++) {
      const error = await syncIncidentChannel(deps(), incident.id).catch((e: unknown) => e);
      expect(error).toMatchObject({ retryable: false, code: "slack_missing_scope" });
    }
    const found = await store.getIncidentWithTimeline(incident.id);
    const failures = found!.timeline.filter((e) => e.kind === "slack.channel_failed");
    expect(failures).toHaveLength(1);
    expect(failures[0]?.data).toMatchObject({ code: "missing_scope" });
  });

  it("leaves while another worker holds the setup lease; the holder picks up its changes", async () => {
    const incident = await declare("Held");
    const held = await slack.acquireLease(incident.id, "other-worker", Date.now(), 60_000);
    expect(held).toBeDefined();
    expect((await syncIncidentChannel(deps(), incident.id, { invite: [BOB] })).outcome).toBe("in_progress");
    expect(created()).toHaveLength(0);
    expect((await slack.get(incident.id))?.wanted).toEqual([BOB]);
    // An expired lease is taken over.
    await slack.releaseLease(incident.id, "other-worker");
    await slack.acquireLease(incident.id, "crashed-worker", Date.now() - 120_000, 60_000);
    const result = await syncIncidentChannel(deps(), incident.id);
    expect(result.created).toBe(true);
    expect(fake.channels.get(result.channelId!)!.members.has(BOB)).toBe(true);
  });
});

describe("parseChannelSeverities", () => {
  it("defaults to SEV1,SEV2 and reads lists, all and none", () => {
    expect(parseChannelSeverities(undefined)).toEqual(["SEV1", "SEV2"]);
    expect(parseChannelSeverities(" sev1, SEV3 ")).toEqual(["SEV1", "SEV3"]);
    expect(parseChannelSeverities("all")).toHaveLength(5);
    expect(parseChannelSeverities("none")).toEqual([]);
    expect(() => parseChannelSeverities("SEV9")).toThrow(/SEV9/);
  });
});
