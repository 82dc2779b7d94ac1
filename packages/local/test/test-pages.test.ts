/**
 * Test pages end to end through the local runtime (issue 21 item 6): a test page requested by the
 * API goes through the outbox and the pager to the fake SNS (an SMS marked TEST PAGE with its ack
 * link) and the fake Slack (a DM with an Acknowledge button carrying the link); the record says
 * each method delivered; the link's GET shows a confirmation and its POST records the
 * acknowledgement once (a replay changes nothing); an SMS reply "1" acknowledges a test page too.
 * No incident exists afterwards, and the incident counter has not moved. Bad input is a clear 4xx.
 */
import { generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "@firebreak/core/adapters/dynamodb/keys";
import { readSnsMessage, stringToSign } from "@firebreak/core/integrations/sns";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { fixture } from "@firebreak/testkit/fixtures";
import { tamper } from "@firebreak/testkit/tamper";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPageTest } from "../src/page-cli";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, slashCommand, startTestRuntime, whenDefined } from "./support/runtime";

const ORIGINATION = "arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-7f3e2d1c0b9a";
const ALICE_PHONE = "+12025550147";
const BOB_PHONE = "+12025550148";
const DIRECTORY = `
version: 1
people:
  - id: alice
    name: Alice Ng
    slackUserId: U0ALICE001
    phone: "${ALICE_PHONE}"
    timezone: America/New_York
    notify:
      high: [{ method: slack, delayMinutes: 0 }, { method: sms, delayMinutes: 2 }]
      low: [{ method: slack, delayMinutes: 0 }]
  - id: bob
    name: Bob Ortiz
    phone: "${BOB_PHONE}"
    timezone: America/New_York
    notify:
      high: [{ method: sms, delayMinutes: 0 }, { method: voice, delayMinutes: 5 }]
      low: [{ method: sms, delayMinutes: 0 }]
  - { id: carol, name: Carol Diaz, email: carol@example.com, timezone: America/New_York }
teams:
  - id: checkout
    name: Checkout
    services: [checkout]
    rotations:
      - id: checkout-primary
        members: [alice]
        shift: { type: weekly }
        handoffTime: "09:00"
        timezone: America/New_York
        start: "2026-01-05"
    escalationPolicy:
      levels:
        - targets: [{ type: rotation, id: checkout-primary }]
          timeoutMinutes: 30
      fallback: { type: person, id: bob }
  - id: later
    name: Later
    services: [ledger]
    rotations:
      - id: later-primary
        members: [bob]
        shift: { type: weekly }
        handoffTime: "09:00"
        timezone: America/New_York
        start: "2030-01-07"
    escalationPolicy:
      levels:
        - targets: [{ type: rotation, id: later-primary }]
          timeoutMinutes: 30
      fallback: { type: person, id: bob }
`;

// Two-way SMS: replies arrive as SNS notifications of this topic, signed with this key.
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ENVELOPE = "sms/two-way-sms-notification.body.json";
const TOPIC = readSnsMessage(fixture(ENVELOPE)).TopicArn;

/** `POST /sms/inbound` with a reply from `from` saying `body`, signed as SNS signs. */
async function smsReply(from: string, body: string) {
  const envelope = readSnsMessage(fixture(ENVELOPE));
  const id = `in-${randomUUID()}`;
  const payload = {
    ...JSON.parse(envelope.Message),
    originationNumber: from,
    messageBody: body,
    inboundMessageId: id,
  };
  const m = { ...envelope, MessageId: `msg-${id}`, Message: JSON.stringify(payload) };
  const signed = {
    ...m,
    Signature: sign("sha1", Buffer.from(stringToSign(m)), privateKey).toString("base64"),
  };
  const res = await fetch(`${runtime.url}/sms/inbound`, {
    method: "POST",
    headers: {
      "content-type": "text/plain; charset=UTF-8",
      "x-amz-sns-message-type": "Notification",
      "user-agent": "Amazon Simple Notification Service Agent",
    },
    body: JSON.stringify(signed),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the outcomes have several shapes
  return { status: res.status, json: (await res.json()) as any };
}

const START = Date.parse("2026-03-10T15:00:00.000Z");
let skipped = 0;
const started = performance.now();
const clock = { now: () => new Date(START + (performance.now() - started) + skipped) };

let runtime: LocalRuntime;
let alice: string;
let bob: string;
let viewer: string;
const call = apiCaller(
  () => runtime,
  () => alice,
);

beforeAll(async () => {
  runtime = await startTestRuntime("test-pages", {
    clock,
    tableName: `test-pages-${randomUUID().slice(0, 8)}`,
    demoDirectory: null,
    sweepIntervalMs: 3_600_000,
    settings: { FIREBREAK_VOICE_ORIGINATION: ORIGINATION, FIREBREAK_SMS_INBOUND_TOPIC_ARN: TOPIC },
    snsHttp: {
      fetchCertificate: async () => publicKey.export({ type: "spki", format: "pem" }).toString(),
      confirm: async () => undefined,
    },
  });
  await runtime.paging.directory.apply(parseDirectoryYaml(DIRECTORY), 0, {
    actor: { type: "user", id: "test", name: "test-pages test" },
  });
  alice = await runtime.apiToken("responder", "alice");
  bob = await runtime.apiToken("responder", "bob");
  viewer = await runtime.apiToken("viewer", "carol");
}, 60_000);
afterAll(() => runtime.stop());

async function counter() {
  const found = await runtime.store.db.send(
    new GetCommand({ TableName: runtime.store.tableName, Key: keys.counter() }),
  );
  return found.Item;
}

// biome-ignore lint/suspicious/noExplicitAny: the record's JSON
type Json = any;

async function settled(id: string): Promise<Json> {
  return whenDefined(async () => {
    const got = await call(`/api/test-pages/${id}`);
    return got.json?.state === "done" ? got.json : undefined;
  });
}

function linkIn(text: string): string {
  const match = /https?:\/\/\S+\/ack\/([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no ack link in ${text}`);
  return match[0];
}

describe("test pages, through the local runtime", () => {
  it("a test page to Alice reaches her by SMS and Slack, is recorded, acknowledged once by its link, and opens no incident", {
    timeout: 60_000,
  }, async () => {
    // An incident exists already: the incident counter item is there to compare.
    const existing = await call("/api/incidents", { body: { title: "Existing incident", severity: "sev5" } });
    expect(existing.status).toBe(201);
    const incidentsBefore = (await call("/api/incidents")).json;
    expect(incidentsBefore.items).toHaveLength(1);
    const counterBefore = await counter();
    expect(counterBefore).toBeDefined();
    const metricsBefore = (await call("/api/metrics?since=30d")).json;
    expect(metricsBefore).toBeDefined();
    const smsBefore = runtime.fakeSns.published.length;

    const requested = await call("/api/test-pages", { body: { person: "alice" } });
    expect(requested.status).toBe(202);
    const id = requested.json.id as string;
    expect(requested.json).toMatchObject({
      target: { kind: "person", id: "alice", name: "Alice Ng" },
      requestedBy: { name: "Alice Ng" },
      state: "sending",
      people: [{ personId: "alice", methods: [{ method: "slack" }, { method: "sms" }] }],
    });

    // The SMS reaches the fake SNS, marked, with its link; the Slack DM reaches the fake Slack.
    const sms = await whenDefined(() =>
      runtime.fakeSns.published.slice(smsBefore).find((m) => m.phoneNumber === ALICE_PHONE),
    );
    expect(sms.message).toMatch(/^(Firebreak )?TEST PAGE, no incident\. /);
    expect(sms.message.length).toBeLessThanOrEqual(140);
    const dm = await whenDefined(() =>
      runtime.fakeSlack?.calls.find(
        (c) =>
          c.method === "chat.postMessage" &&
          c.body.channel === "U0ALICE001" &&
          String(c.body.text).includes("TEST PAGE"),
      ),
    );
    expect(String(dm.body.text)).toContain("TEST PAGE — no incident");
    const blocks = JSON.stringify(dm.body.blocks);
    expect(blocks).toContain("test_page_ack");
    const slackLink = linkIn(blocks);

    const done = await settled(id);
    expect(done.allDelivered).toBe(true);
    expect(done.acknowledged).toBe(false);
    expect(done.people[0].methods).toEqual([
      expect.objectContaining({ method: "slack", status: "delivered", deliveredAt: expect.any(String) }),
      expect.objectContaining({ method: "sms", status: "delivered", deliveredAt: expect.any(String) }),
    ]);

    // GET shows the confirmation and writes nothing; POST acknowledges once; a replay changes nothing.
    const link = linkIn(sms.message);
    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    const page = await shown.text();
    expect(page).toContain("Acknowledge this test page?");
    expect(page).toContain("No incident was opened");
    expect((await call(`/api/test-pages/${id}`)).json.acknowledged).toBe(false);
    const acked = await fetch(link, { method: "POST" });
    expect(acked.status).toBe(200);
    expect(await acked.text()).toContain("Test page acknowledged");
    const after = (await call(`/api/test-pages/${id}`)).json;
    expect(after.acknowledged).toBe(true);
    expect(after.people[0]).toMatchObject({ acknowledgedVia: "link", acknowledgedAt: expect.any(String) });
    expect(after.people[0].methods[1]).toMatchObject({ method: "sms", acknowledgedVia: "link" });
    const replay = await fetch(link, { method: "POST" });
    expect(replay.status).toBe(410);
    expect(await replay.text()).toContain("already used");
    expect((await call(`/api/test-pages/${id}`)).json.people[0].methods[1].acknowledgedAt).toBe(
      after.people[0].methods[1].acknowledgedAt,
    );
    // The Slack button's link is the Slack send's own: it works once too.
    expect((await fetch(slackLink, { method: "POST" })).status).toBe(200);
    expect((await fetch(slackLink, { method: "POST" })).status).toBe(410);

    // A forged link (the token changed) acknowledges nothing.
    const token = link.split("/ack/")[1]!;
    const forged = `${link.split("/ack/")[0]}/ack/${tamper(token)}`;
    expect((await fetch(forged, { method: "POST" })).status).toBe(400);

    // No incident was opened and no incident number was taken.
    const ids = (list: Json) => list.items.map((i: Json) => [i.id, i.number]);
    expect(ids((await call("/api/incidents")).json)).toEqual(ids(incidentsBefore));
    expect(await counter()).toEqual(counterBefore);
    // No metric moved (the window ends at the same instant: the clock is the test's).
    const metricsAfter = (await call("/api/metrics?since=30d")).json;
    const stable = (m: Json) => JSON.stringify({ ...m, window: undefined });
    expect(stable(metricsAfter)).toBe(stable(metricsBefore));
  });

  it("a team's level-1 people and a service's owners; a call only where voice is configured", {
    timeout: 60_000,
  }, async () => {
    skipped += 61_000;
    const team = await call("/api/test-pages", { body: { team: "checkout" } });
    expect(team.status).toBe(202);
    expect(team.json.people.map((p: Json) => p.personId)).toEqual(["alice"]);
    expect(team.json.target).toEqual({ kind: "team", id: "checkout", name: "Checkout" });
    expect((await settled(team.json.id)).allDelivered).toBe(true);

    // Bob: SMS and a call (this runtime has a voice channel), sent at once whatever the delay.
    const calls = runtime.fakeSmsVoice.calls.length;
    const toBob = await call("/api/test-pages", { body: { person: "bob" }, token: alice });
    expect(toBob.status).toBe(202);
    const done = await settled(toBob.json.id);
    expect(done.people[0].methods.map((m: Json) => [m.method, m.status])).toEqual([
      ["sms", "delivered"],
      ["voice", "delivered"],
    ]);
    const voice = runtime.fakeSmsVoice.calls.slice(calls).find((c) => c.destinationPhoneNumber === BOB_PHONE);
    expect(voice?.messageBody).toContain("This is a test page. There is no incident.");

    // A second one within the minute: 429 with Retry-After, naming him.
    const again = await call("/api/test-pages", { body: { person: "bob" } });
    expect(again.status).toBe(429);
    const raw = await fetch(`${runtime.url}/api/test-pages`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice}`, "content-type": "application/json" },
      body: JSON.stringify({ person: "bob" }),
    });
    expect([raw.status, raw.headers.get("retry-after")]).toEqual([429, "60"]);
    expect(again.json.detail).toContain("Bob Ortiz was sent a test page less than a minute ago");

    skipped += 61_000;
    const service = await call("/api/test-pages", { body: { service: "checkout" } });
    expect(service.status).toBe(202);
    expect(service.json.target).toEqual({ kind: "service", id: "checkout", name: "checkout (Checkout)" });
  });

  it("an SMS reply 1 acknowledges the sender's newest test page", { timeout: 60_000 }, async () => {
    skipped += 61_000;
    const requested = await call("/api/test-pages", { body: { person: "bob" } });
    expect(requested.status).toBe(202);
    await settled(requested.json.id);
    // Delivered as End User Messaging's two-way topic delivers it, through the Ack function's route.
    const replied = await smsReply(BOB_PHONE, "1");
    expect(replied.status).toBe(200);
    expect(replied.json).toMatchObject({
      outcome: "test_page_acknowledged",
      testPageId: requested.json.id,
      alreadyAcknowledged: false,
    });
    // The confirmation goes back by SMS.
    await whenDefined(() =>
      runtime.fakeSns.published.find(
        (m) => m.phoneNumber === BOB_PHONE && m.message.startsWith("Acknowledged: Firebreak TEST PAGE"),
      ),
    );
    // Another "1": the test page is acknowledged already, and no open incident paged him.
    expect((await smsReply(BOB_PHONE, "1")).json).toMatchObject({ outcome: "ignored", reason: "not_paged" });
    // A number that was never sent a test page (nor paged) acknowledges nothing.
    expect((await smsReply("+12025550199", "1")).json).toMatchObject({
      outcome: "ignored",
      reason: "unknown_number",
    });
    const after = (await call(`/api/test-pages/${requested.json.id}`)).json;
    expect(after.people[0]).toMatchObject({ acknowledgedVia: "sms_reply" });
    // The existing incident only, and it is not acknowledged by the reply.
    const incidents = (await call("/api/incidents")).json.items;
    expect(incidents.map((i: Json) => [i.title, i.status])).toEqual([["Existing incident", "declared"]]);
  });

  it("refuses bad and hostile input with a clear 4xx", async () => {
    skipped += 61_000;
    const cases: Array<[unknown, number, string, string?]> = [
      [{ person: "nobody" }, 404, "person nobody"],
      [{ team: "nope" }, 404, "team nope"],
      [{ service: "unknown-svc" }, 404, "service unknown-svc"],
      [{ team: "later" }, 422, "nobody is on call at level 1 of Later's escalation policy"],
      [{ person: "carol" }, 422, "Carol Diaz has no contact method to test"],
      [{ person: "alice", team: "checkout" }, 400, "exactly one of person, team, service"],
      [{ person: "<script>" }, 400, "person must be an id"],
      [{ who: "alice" }, 400, "unknown field who"],
      [[], 400, "expected { person } or { team } or { service }"],
    ];
    for (const [body, status, detail] of cases) {
      const res = await call("/api/test-pages", { body, token: bob });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.json.detail).toContain(detail);
    }
    // A viewer tests themselves only.
    const other = await call("/api/test-pages", { body: { person: "alice" }, token: viewer });
    expect(other.status).toBe(403);
    expect(other.json.detail).toContain("you may send a test page to yourself (carol)");
    expect((await call("/api/test-pages/01ARZ3NDEKTSV4RRFFQ69G5FAV")).status).toBe(404);
    expect((await call("/api/test-pages/not-an-id")).status).toBe(404);
  });

  it("/incident test-page sends one from Slack, as the person who asked", { timeout: 60_000 }, async () => {
    skipped += 61_000;
    const answer = await slashCommand(runtime, "test-page @alice", "U0ALICE001", clock.now());
    expect(answer.response_type).toBe("ephemeral");
    expect(answer.text).toContain("Test page sent to Alice Ng");
    const id = /`([0-9A-Z]{26})`/.exec(answer.text ?? "")?.[1];
    expect(id).toBeDefined();
    const done = await settled(id!);
    expect(done.requestedBy).toMatchObject({ name: "Alice Ng" });
    expect(done.allDelivered).toBe(true);
    const unknown = await slashCommand(runtime, "test-page nobody-here", "U0ALICE001", clock.now());
    expect(unknown.text).toContain("No person, team or service");
  });

  it("firebreak page test sends one, prints each method's outcome, and exits 0 when all delivered", {
    timeout: 60_000,
  }, async () => {
    skipped += 61_000;
    const lines: string[] = [];
    const target = { url: runtime.url, token: alice };
    const code = await runPageTest(target, { person: "alice", wait: 30, output: "text" }, (l) =>
      lines.push(l),
    );
    expect(code).toBe(0);
    expect(lines[0]).toMatch(
      /^Test page [0-9A-Z]{26} to Alice Ng \(person Alice Ng\): no incident is opened\.$/,
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}Alice Ng: Slack DM delivered at /),
        expect.stringMatching(/^ {2}Alice Ng: SMS delivered at /),
        "Every method delivered.",
      ]),
    );
    // Within the minute: the API's 429, said as the CLI says refusals.
    await expect(runPageTest(target, { person: "alice", wait: 1, output: "text" }, () => {})).rejects.toThrow(
      "Firebreak refused (429): Alice Ng was sent a test page less than a minute ago",
    );
    await expect(runPageTest(target, { wait: 1, output: "text" }, () => {})).rejects.toThrow(
      "Name exactly one of --person",
    );
    // A failed method exits 1: the fake Slack refuses the next DM.
    skipped += 61_000;
    runtime.fakeSlack?.failNext("chat.postMessage", 1, { slackError: "channel_not_found" });
    const failed: string[] = [];
    const again = await runPageTest(target, { person: "alice", wait: 30, output: "text" }, (l) =>
      failed.push(l),
    );
    expect(again).toBe(1);
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}Alice Ng: Slack DM FAILED: channel_not_found/),
        "Not every method delivered.",
      ]),
    );
  });
});
