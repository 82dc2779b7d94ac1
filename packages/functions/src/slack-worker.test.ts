import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { SlackStore } from "@firebreak/core/adapters/dynamodb/slack/slack-store";
import { type BusEvent, LocalDispatcher } from "@firebreak/core/events/dispatcher";
import { eventFromEntry } from "@firebreak/core/events/publisher";
import { assignRole, changeStatus, declareIncident, postUpdate } from "@firebreak/core/incident/actions";
import type { Incident } from "@firebreak/core/incident/model";
import { applyDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { createSlackClient } from "@firebreak/core/paging/slack-channel";
import { draftPostmortem } from "@firebreak/core/postmortem/draft";
import { runAs } from "@firebreak/core/shared/actor";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lambdaContext } from "../../local/src/apigw";
import { FAKE_BOT_USER_ID, type FakeSlack, startFakeSlack } from "../../local/src/fake-slack";
import { publisherEnqueue } from "./slack/work";
import type { SlackWorkerDeps } from "./slack/worker";
import { createSlackWorkerHandler } from "./slack-worker";
import { BUS_CONSUMERS } from "./wiring/topology";

const TOKEN = "xoxb-worker-test";
const PRIYA = "U04ONCALL01";
const ACTOR = { type: "slack" as const, id: PRIYA, name: "priya" };
const DIRECTORY = fileURLToPath(new URL("../../../examples/directory.yaml", import.meta.url));
const quiet = { info() {}, warn() {}, error() {} };

let fake: FakeSlack;
let store: IncidentStore;
let slack: SlackStore;
let postmortems: PostmortemStore;
let directory: DirectoryStore;
let bus: LocalDispatcher;
let handler: ReturnType<typeof createSlackWorkerHandler>;
let results: unknown[];

beforeAll(async () => {
  fake = await startFakeSlack({ token: TOKEN });
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(async () => {
  const table = await createTestTable("slackw");
  store = storeFor(table);
  slack = new SlackStore(store.db, table.tableName);
  postmortems = new PostmortemStore(store.db, table.tableName);
  directory = new DirectoryStore(store.db, table.tableName);
  await applyDirectoryYaml(directory, readFileSync(DIRECTORY, "utf8"));
  fake.reset();
  results = [];
  const deps: SlackWorkerDeps = {
    incidents: store,
    slack,
    postmortems,
    directory,
    client: createSlackClient(TOKEN, { slackApiUrl: fake.url, requestTimeoutMs: 500 }),
    botUserId: FAKE_BOT_USER_ID,
    retry: { attempts: 2, baseMs: 1, maxMs: 5, maxRetryAfterMs: 20 },
    incidentUrl: (incident) => `https://firebreak.example/incidents/${incident.id}`,
  };
  handler = createSlackWorkerHandler(() => deps);
  bus = new LocalDispatcher({ log: quiet, maxAttempts: 2, sleep: async () => {} });
  bus.subscribe("slack-worker", BUS_CONSUMERS.SlackWorker.pattern, async (e) => {
    results.push(await handler(e, lambdaContext("slack-worker")));
  });
});

/** Publishes the incident's timeline entries as the outbox would (optionally twice, reversed). */
async function publishTimeline(incident: Incident, options: { reverse?: boolean; twice?: boolean } = {}) {
  const found = await store.getIncidentWithTimeline(incident.id);
  let events = found!.timeline.map(eventFromEntry);
  if (options.reverse) events = events.reverse();
  if (options.twice) events = [...events, ...events];
  await bus.publish(events);
  await bus.drain();
}

const declare = (title: string, services: string[] = ["checkout"], severity: Incident["severity"] = "SEV1") =>
  runAs(ACTOR, () => declareIncident({ store }, { title, severity, services }));
const ok = (method: string) => fake.calls.filter((c) => c.method === method && !c.fault);

describe("slack-worker handler", () => {
  it("domain events, redelivered and reordered, give one channel showing the latest state; role holders from the directory are invited", async () => {
    const incident = await declare("Checkout 5xx");
    await runAs(ACTOR, () => assignRole({ store }, incident.id, { role: "ic", personId: "alice" }));
    await runAs(ACTOR, () => changeStatus({ store }, incident.id, { to: "acknowledged" }));
    await publishTimeline(incident, { reverse: true, twice: true });

    expect(ok("conversations.create")).toHaveLength(1);
    const record = (await slack.get(incident.id))!;
    const channel = fake.channels.get(record.channelId!)!;
    expect(channel.members.has("U01ALICE01")).toBe(true);
    expect(fake.messages.get(`${channel.id}:${record.summaryTs}`)?.text).toContain("is acknowledged");
    expect(bus.deadLetters()).toEqual([]);
  });

  it("the Slack hand-off events invite the declarer and the assignee", async () => {
    const incident = await declare("Cart empty");
    const enqueue = publisherEnqueue(bus);
    await enqueue({
      type: "slack.incident_declared",
      incidentId: incident.id,
      number: incident.number,
      declaredBy: PRIYA,
    });
    await runAs(ACTOR, () => assignRole({ store }, incident.id, { role: "comms", personId: "U0CAROL01" }));
    await enqueue({
      type: "slack.role_assigned",
      incidentId: incident.id,
      number: incident.number,
      role: "comms",
      slackUserId: "U0CAROL01",
      assignedBy: PRIYA,
    });
    await bus.drain();
    const record = (await slack.get(incident.id))!;
    expect([...fake.channels.get(record.channelId!)!.members]).toEqual(
      expect.arrayContaining([PRIYA, "U0CAROL01"]),
    );
    expect(ok("conversations.create")).toHaveLength(1);
  });

  it("posts stakeholder updates in the incident channel once each, escaped; none without a channel", async () => {
    const incident = await declare("Checkout latency");
    await publishTimeline(incident);
    await runAs(ACTOR, () =>
      postUpdate({ store }, incident.id, { text: "rolled back <!channel> & co", temporary: true }),
    );
    await publishTimeline(incident, { twice: true });
    const record = (await slack.get(incident.id))!;
    const updates = ok("chat.postMessage").filter((c) =>
      String(c.body.text).includes("Temporary mitigation"),
    );
    expect(updates).toHaveLength(1);
    expect(updates[0]?.body.channel).toBe(record.channelId);
    expect(String(updates[0]?.body.text)).toContain("rolled back &lt;!channel&gt; &amp; co");
    expect(String(updates[0]?.body.text)).toContain(`<@${PRIYA}>`);

    const minor = await declare("Minor", ["checkout"], "SEV4");
    await runAs(ACTOR, () => postUpdate({ store }, minor.id, { text: "looking" }));
    const before = ok("chat.postMessage").length;
    await publishTimeline(minor);
    expect(ok("chat.postMessage")).toHaveLength(before);
  });

  it("posts the postmortem draft to the incident channel once, even when redelivered", async () => {
    const incident = await declare("Payments timeouts");
    await publishTimeline(incident);
    await runAs(ACTOR, () =>
      changeStatus({ store }, incident.id, { to: "resolved", summary: "rolled back" }),
    );
    await draftPostmortem({ incidents: store, postmortems }, incident.id);
    await publishTimeline(incident, { twice: true });

    const record = (await slack.get(incident.id))!;
    const posts = ok("chat.postMessage").filter((c) => String(c.body.text).startsWith("*Postmortem of"));
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.channel).toBe(record.channelId);
    expect(String(posts[0]?.body.text)).toContain(`https://firebreak.example/incidents/${incident.id}`);
    // The summary shows the resolution; resolved incidents keep their channel.
    expect(fake.messages.get(`${record.channelId}:${record.summaryTs}`)?.text).toContain("is resolved");
  });

  it("without an incident channel, posts the postmortem to the owning team's alert channel", async () => {
    const incident = await declare("Minor checkout glitch", ["checkout"], "SEV4");
    await runAs(ACTOR, () => changeStatus({ store }, incident.id, { to: "resolved" }));
    await draftPostmortem({ incidents: store, postmortems }, incident.id);
    await publishTimeline(incident);
    expect(ok("conversations.create")).toHaveLength(0);
    const posts = ok("chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.channel).toBe("C07CHECKOUT");
  });

  it("a postmortem post that fails is retried by the bus and posted once", async () => {
    const incident = await declare("Search slow", ["search"], "SEV4");
    await runAs(ACTOR, () => changeStatus({ store }, incident.id, { to: "resolved" }));
    await draftPostmortem({ incidents: store, postmortems }, incident.id);
    fake.failNext("chat.postMessage", 2, { status: 500 }); // both attempts of the first delivery
    await publishTimeline(incident);
    expect(ok("chat.postMessage")).toHaveLength(1);
    expect(bus.deadLetters()).toEqual([]);
  });

  it("a permanent Slack failure throws, so the event ends in the DLQ", async () => {
    const incident = await declare("No permission");
    fake.failNext("conversations.create", 10, { slackError: "restricted_action" });
    await publishTimeline(incident);
    const letters = bus.deadLetters();
    expect(letters.length).toBeGreaterThan(0);
    expect(letters[0]?.reason).toContain("restricted_action");
    const found = await store.getIncidentWithTimeline(incident.id);
    expect(found!.timeline.filter((e) => e.kind === "slack.channel_failed")).toHaveLength(1);
  });

  it("posts new coverage gaps to each team's alert channel once, retried on failure, escaped; a team without a channel is skipped", async () => {
    const gap = {
      team: "checkout",
      services: ["checkout", "cart"],
      level: 1,
      urgencies: ["high", "low"],
      from: "2026-03-02T14:00:00.000Z",
      to: "2026-03-03T14:00:00.000Z",
      minutes: 1440,
      reason: "no_contact_method",
      detail: 'rotation "us-primary": <!channel> Pat (pat) has no Slack id and no phone',
    };
    const entry = {
      id: "01KCOVERAGE0000000000000001",
      incidentId: "COVERAGE",
      kind: "oncall.coverage_gaps_found",
      actor: { type: "system" as const, id: "coverage-check", name: "Coverage check" },
      at: "2026-03-01T14:00:00.000Z",
      summary: "2 new coverage gaps",
      data: {
        from: "2026-03-01T14:00:00.000Z",
        to: "2026-03-15T14:00:00.000Z",
        teams: [
          { team: "checkout", name: "Checkout", alertChannel: "C07CHECKOUT", gaps: [gap], more: 3 },
          {
            team: "search",
            name: "Search",
            gaps: [{ ...gap, team: "search", services: ["search"] }],
            more: 0,
          },
        ],
      },
    };
    fake.failNext("chat.postMessage", 2, { status: 500 }); // both attempts of the first delivery
    await bus.publish([eventFromEntry(entry), eventFromEntry(entry)]);
    await bus.drain();
    const posts = ok("chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.channel).toBe("C07CHECKOUT");
    const text = String(posts[0]?.body.text);
    expect(text).toContain("&lt;!channel&gt; Pat (pat)");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("… and 3 more.");
    expect(results).toContainEqual({
      action: "coverage_posted",
      channels: ["C07CHECKOUT"],
      skipped: ["search"],
    });
    expect(bus.deadLetters()).toEqual([]);
  });

  it("posts an error budget's threshold crossing to the team's alert channel once", async () => {
    const entry = {
      id: "01KBUDGETS00000000000000001",
      incidentId: "BUDGETS",
      kind: "slo.budget_thresholds_crossed",
      actor: { type: "system" as const, id: "budget-check", name: "Error budget check" },
      at: "2026-03-01T14:00:00.000Z",
      summary: "1 error budget crossed a threshold (checkout 75%)",
      data: {
        teams: [
          {
            team: "checkout",
            name: "Checkout",
            alertChannel: "C07CHECKOUT",
            crossings: [
              {
                service: "checkout",
                threshold: 75,
                target: 0.999,
                windowDays: 30,
                budgetMinutes: 43.2,
                consumedMinutes: 33,
                remainingMinutes: 10.2,
                percentConsumed: 76.3889,
              },
            ],
          },
          { team: "search", name: "Search", crossings: [] },
        ],
      },
    };
    await bus.publish([eventFromEntry(entry), eventFromEntry(entry)]);
    await bus.drain();
    const posts = ok("chat.postMessage").filter((p) => String(p.body.text).includes("Error budget"));
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.channel).toBe("C07CHECKOUT");
    expect(String(posts[0]?.body.text)).toContain(
      "checkout: over 75% (76.4% of 43.2 min over 30 days at 99.9%; 10.2 min left)",
    );
    expect(results).toContainEqual({
      action: "budget_posted",
      channels: ["C07CHECKOUT"],
      skipped: ["search"],
    });
    expect(bus.deadLetters()).toEqual([]);
  });

  it("ignores malformed events and other types without throwing", async () => {
    const context = lambdaContext("slack-worker");
    await expect(
      handler({ "detail-type": "incident.declared", detail: {} } as unknown as BusEvent, context),
    ).resolves.toMatchObject({
      action: "ignored",
    });
    const incident = await declare("x");
    const [entry] = (await store.getIncidentWithTimeline(incident.id))!.timeline;
    const other = { ...eventFromEntry(entry!), type: "page.delivered" };
    await expect(
      handler(
        { source: "firebreak", "detail-type": "page.delivered", detail: other } as unknown as BusEvent,
        context,
      ),
    ).resolves.toMatchObject({ action: "ignored" });
    expect(fake.calls).toHaveLength(0);
  });
});
