import { readFileSync } from "node:fs";
import { Logger } from "@aws-lambda-powertools/logger";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { createSnsClient, SnsChannel } from "@firebreak/core/adapters/aws/sns-channel";
import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { keys } from "@firebreak/core/adapters/dynamodb/keys";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { TestPageRequestStore } from "@firebreak/core/adapters/dynamodb/paging/test-page-request-store";
import { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { ingestAlarmTransition } from "@firebreak/core/alarm/ingest";
import { changeStatus, declareIncident } from "@firebreak/core/incident/actions";
import type { TimelineEntry } from "@firebreak/core/incident/timeline";
import { validTimelineEntry } from "@firebreak/core/incident/timeline-schema";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { acknowledge, type PagingReplyDeps } from "@firebreak/core/paging/service";
import { createSlackClient, SlackChannel } from "@firebreak/core/paging/slack-channel";
import { testSendId } from "@firebreak/core/paging/test-page-ids";
import { requestTestPage } from "@firebreak/core/paging/test-pages";
import { ValidationError } from "@firebreak/core/shared/errors";
import { allHighUrgency } from "@firebreak/testkit/directory";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { busEvent, transition } from "@firebreak/testkit/factories";
import { tamper } from "@firebreak/testkit/tamper";
import type { APIGatewayProxyEventV2, Context, ScheduledEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { lambdaContext } from "../../local/src/apigw";
import { type FakeSlack, startFakeSlack } from "../../local/src/fake-slack";
import { type FakeSns, startFakeSns } from "../../local/src/fake-sns";
import { createAckHandler } from "./ack";
import { createEscalationHandler } from "./escalation";
import { createPagerHandler } from "./pager";
import { createTestSenderHandler } from "./test-sender";
import { pagingDeps, withReplies } from "./wiring/paging";
import type { Platform } from "./wiring/platform";

/** The demo, every severity high urgency: these tests are about the handlers' wiring, paging at once. */
const DEMO = allHighUrgency(
  parseDirectoryYaml(readFileSync(new URL("../../../examples/directory.yaml", import.meta.url), "utf8")),
);
const ACK_SECRET = "k1:a-test-secret-of-at-least-thirty-two-bytes!";
const T0 = Date.parse("2026-03-14T09:42:13.274Z");
const MINUTE = 60_000;

let sns: FakeSns;
let slack: FakeSlack;
let incidents: IncidentStore;
let now: number;
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  [sns, slack] = await Promise.all([startFakeSns(), startFakeSlack()]);
  vi.spyOn(Logger.prototype, "info").mockImplementation(() => undefined);
  vi.spyOn(Logger.prototype, "error").mockImplementation(() => undefined);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all([sns.stop(), slack.stop()]);
});
beforeEach(async () => {
  now = T0;
  incidents = storeFor(await createTestTable("pager"));
  await new DirectoryStore(incidents.db, incidents.tableName, clock).apply(DEMO);
});
afterEach(() => {
  sns.reset();
  slack.reset();
});

/** A platform with these settings and secrets (the wiring's input on Lambda and locally). */
function platformOf(
  env: Record<string, string>,
  secrets: { SlackBotToken: string; AckKey: string },
  store: IncidentStore = incidents,
): Platform {
  return {
    env,
    secret: (name) => (secrets as Record<string, string>)[name],
    table: () => ({ db: store.db, tableName: store.tableName }),
  };
}

/** Production wiring (wiring/paging.ts), with the channels pointed at the HTTP fakes. */
function deps(store: IncidentStore = incidents): PagingReplyDeps {
  const local = { accessKeyId: "local", secretAccessKey: "local" };
  return {
    ...withReplies(
      pagingDeps(
        platformOf(
          { FIREBREAK_ACK_BASE_URL: "https://fb.test/ack" },
          { SlackBotToken: "xoxb-test", AckKey: ACK_SECRET },
          store,
        ),
      ),
    ),
    channels: {
      sns: new SnsChannel({
        client: createSnsClient({ endpoint: sns.endpoint, region: "eu-west-1", credentials: local }),
        retry: { attempts: 2, baseMs: 1, maxMs: 2 },
      }),
      slack: new SlackChannel({
        client: createSlackClient("xoxb-test", { slackApiUrl: slack.url }),
        retry: { attempts: 2, baseMs: 1, maxMs: 2 },
      }),
    },
    clock,
  };
}

async function declare(): Promise<{ incidentId: string; declared: TimelineEntry }> {
  const result = await ingestAlarmTransition(
    { store: incidents, clock },
    transition("checkout-5xx", "ALARM", 0, { description: "service: checkout\nseverity: sev3" }),
  );
  const incidentId = result.incidentId!;
  const found = await incidents.getIncidentWithTimeline(incidentId);
  const declared = found!.timeline.find((e) => e.kind === "incident.declared")!;
  return { incidentId, declared };
}

const ctx = (): Context => lambdaContext("pager");

describe("pager (app-bus consumer)", () => {
  it("takes only its kinds: a test sender's request is ignored by the pager, and the other way round", async () => {
    // Each ignores the other's kinds (only a hand-made invoke could bring them).
    const { declared } = await declare();
    const request = busEvent({ ...declared, kind: "page.test_requested", data: { testPageId: "TP-1" } });
    expect(await createPagerHandler(() => deps())(request, ctx())).toEqual({ status: "ignored" });
    expect(await createTestSenderHandler(() => deps())(busEvent(declared), ctx())).toEqual({
      status: "ignored",
    });
  });

  it("pages on incident.declared (SNS and Slack), and a redelivery pages nobody again", async () => {
    const handler = createPagerHandler(() => deps());
    const { incidentId, declared } = await declare();
    const first = await handler(busEvent(declared), ctx());
    expect(first.status).toBe("started");
    expect(sns.published.length).toBeGreaterThan(0);
    expect(slack.calls.some((c) => c.method === "chat.postMessage")).toBe(true);
    const sms = sns.published.find((m) => m.phoneNumber)?.message ?? "";
    expect(sms).toMatch(/https:\/\/fb\.test\/ack\/\S+/);
    const published = sns.published.length;
    const posted = slack.calls.length;

    const again = await handler(busEvent(declared), ctx());
    expect(again.status).toBe("already_started");
    expect(sns.published.length).toBe(published);
    expect(slack.calls.length).toBe(posted);
    const incident = await incidents.getIncident(incidentId);
    expect(incident?.roles?.ic).toBeDefined();
  });

  it("pages SMS for an incident declared with a lone surrogate in its title (U+FFFD in its place)", async () => {
    const handler = createPagerHandler(() => deps());
    const incident = await declareIncident(
      { store: incidents, clock },
      { title: "ledger \ud83d payouts\u0000 stuck", severity: "SEV1", services: ["checkout"] },
      { type: "user", id: "alice" },
    );
    expect(incident.title).toBe("ledger \ufffd payouts stuck");
    const found = await incidents.getIncidentWithTimeline(incident.id);
    const declared = found!.timeline.find((e) => e.kind === "incident.declared")!;
    expect((await handler(busEvent(declared), ctx())).status).toBe("started");
    const sms = sns.published.filter((m) => m.phoneNumber);
    expect(sms.length).toBeGreaterThan(0);
    expect(sms[0]!.message).toContain("ledger \ufffd payouts");
    const pages = await deps().pages.listPages(incident.id);
    const snsPages = pages.filter((p) => p.channel === "sns");
    expect(snsPages.length).toBeGreaterThan(0);
    expect(snsPages.every((p) => p.state !== "failed")).toBe(true);
  });

  it("stops the escalation at once on an acknowledgement (status_changed / page.acknowledged)", async () => {
    const handler = createPagerHandler(() => deps());
    const { incidentId, declared } = await declare();
    await handler(busEvent(declared), ctx());
    expect((await deps().pages.getEscalation(incidentId))?.status).toBe("active");
    await acknowledge(deps(), { incidentId, actor: { type: "user", id: "alice" } });
    const found = await incidents.getIncidentWithTimeline(incidentId);
    const changed = found!.timeline.find((e) => e.kind === "incident.status_changed")!;
    expect(await handler(busEvent(changed), ctx())).toEqual({ status: "updated" });
    expect((await deps().pages.getEscalation(incidentId))?.status).toBe("done");
    const acked = found!.timeline.find((e) => e.kind === "page.acknowledged");
    if (acked) expect(await handler(busEvent(acked), ctx())).toEqual({ status: "updated" });
  });

  it("ignores other events, and throws (so EventBridge retries, then the DLQ) on a bad event or a failure", async () => {
    const handler = createPagerHandler(() => deps());
    const { declared } = await declare();
    expect(await handler({ ...busEvent(declared), "detail-type": "incident.update_posted" }, ctx())).toEqual({
      status: "ignored",
    });
    const noId = busEvent(declared);
    noId.detail = { ...noId.detail, incidentId: "" };
    await expect(handler(noId, ctx())).rejects.toBeInstanceOf(ValidationError);
    // A verification request without a valid method or its request id: refused, naming the fields.
    const sender = createTestSenderHandler(() => deps());
    const bad = busEvent({
      ...declared,
      kind: "oncall.verification_requested",
      incidentId: "CONTACT#alice",
      data: { personId: "alice", method: "email" },
    });
    const refused = await sender(bad, ctx()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues.map((i) => i.path)).toEqual([
      "detail.detail.data.method",
      "detail.detail.data.requestId",
    ]);
    // A test page request without its id: refused the same way.
    const noPage = busEvent({ ...declared, kind: "page.test_requested", incidentId: "TESTPAGE#x", data: {} });
    await expect(sender(noPage, ctx())).rejects.toThrow("page.test_requested event");
    // A well-formed one for a request that does not exist sends nothing, and says why.
    const stale = busEvent({
      ...declared,
      kind: "oncall.verification_requested",
      incidentId: "CONTACT#alice",
      data: { personId: "alice", method: "sms", requestId: "01JNOSUCHREQUEST0000000000" },
    });
    expect(await sender(stale, ctx())).toEqual({ status: "skipped" });
    // The table is gone (or DynamoDB is down): the use case throws and so does the handler.
    const broken = storeFor({ tableName: "does-not-exist", endpoint: await endpointOf() });
    const failing = createPagerHandler(() => deps(broken));
    await expect(failing(busEvent(declared), ctx())).rejects.toThrow();
  });
});

async function endpointOf(): Promise<string> {
  const endpoint = await incidents.db.config.endpoint!();
  return `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`;
}

describe("escalation (cron → sweepEscalations)", () => {
  it("pages the next level once the timeout passes, with a fake clock", async () => {
    const pager = createPagerHandler(() => deps());
    const sweep = createEscalationHandler(() => deps());
    const { declared } = await declare();
    await pager(busEvent(declared), ctx());
    const before = sns.published.length + slack.calls.length;
    expect(await sweep({} as ScheduledEvent, ctx())).toMatchObject({ due: 0, pagesSent: 0 });
    now = T0 + 6 * MINUTE; // level 1 times out after 5 minutes
    const counts = await sweep({} as ScheduledEvent, ctx());
    expect(counts).toMatchObject({ due: 1, advanced: 1 });
    expect(counts.pagesSent).toBeGreaterThan(0);
    expect(sns.published.length + slack.calls.length).toBeGreaterThan(before);
  });

  it("throws after the sweep when an escalation failed (it stays due for the next sweep)", async () => {
    const pager = createPagerHandler(() => deps());
    const { declared } = await declare();
    await pager(busEvent(declared), ctx());
    now = T0 + 6 * MINUTE;
    const broken = storeFor({ tableName: "does-not-exist", endpoint: await endpointOf() });
    const failing = { ...deps(), incidents: broken };
    await expect(createEscalationHandler(() => failing)({} as ScheduledEvent, ctx())).rejects.toThrow(
      /escalation sweep: 1 of 1 due escalations failed/,
    );
    expect(await createEscalationHandler(() => deps())({} as ScheduledEvent, ctx())).toMatchObject({
      advanced: 1,
    });
  });
});

describe("pagingDeps (the paging wiring, on Lambda and locally)", () => {
  it("needs the ack base URL, the bot token and a valid AckKey", () => {
    expect(() => pagingDeps(platformOf({}, { SlackBotToken: "xoxb-1", AckKey: ACK_SECRET }))).toThrow(
      /FIREBREAK_ACK_BASE_URL/,
    );
    expect(() =>
      pagingDeps(
        platformOf({ FIREBREAK_ACK_BASE_URL: "https://x/ack" }, { SlackBotToken: "", AckKey: ACK_SECRET }),
      ),
    ).toThrow(/SlackBotToken/);
    expect(() =>
      pagingDeps(
        platformOf({ FIREBREAK_ACK_BASE_URL: "https://x/ack" }, { SlackBotToken: "xoxb-1", AckKey: "short" }),
      ),
    ).toThrow(ValidationError);
    const ok = pagingDeps(
      platformOf(
        { FIREBREAK_ACK_BASE_URL: "https://x/ack", FIREBREAK_DASHBOARD_URL: "https://dash" },
        { SlackBotToken: "xoxb-1", AckKey: `k2:${"b".repeat(32)},${ACK_SECRET}` },
      ),
    );
    expect(ok.ackKey.id).toBe("k2");
    expect(ok.previousAckKeys?.map((k) => k.id)).toEqual(["k1"]);
    expect(ok.dashboardUrl).toBe("https://dash");
  });
});

describe("ack (GET|POST /ack/{token} Lambda)", () => {
  function apiEvent(method: "GET" | "POST", path: string): APIGatewayProxyEventV2 {
    return {
      version: "2.0",
      routeKey: `${method} /ack/{token}`,
      rawPath: path,
      rawQueryString: "",
      headers: { host: "fb.test", "content-type": "application/x-www-form-urlencoded" },
      requestContext: {
        accountId: "123456789012",
        apiId: "api",
        domainName: "fb.test",
        domainPrefix: "fb",
        http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.9", userAgent: "browser" },
        requestId: "r1",
        routeKey: `${method} /ack/{token}`,
        stage: "$default",
        time: "14/Mar/2026:09:42:13 +0000",
        timeEpoch: T0,
      },
      body: "",
      isBase64Encoded: false,
    };
  }

  it("confirms on GET, acknowledges once on POST, refuses reuse and forgery", async () => {
    const { incidentId, declared } = await declare();
    await createPagerHandler(() => deps())(busEvent(declared), ctx());
    const sms = sns.published.find((m) => m.phoneNumber)!.message;
    const path = new URL(/https:\/\/fb\.test\/ack\/\S+/.exec(sms)![0]).pathname;
    const ack = createAckHandler(
      () => deps(),
      () => ({ paging: deps(), deadLetters: new MemoryDeadLetterSink() }),
    );

    const confirm = await ack(apiEvent("GET", path), lambdaContext("ack"));
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain("Acknowledge this page?");
    expect(confirm.body).toContain(`action="${path}"`);

    const done = await ack(apiEvent("POST", path), lambdaContext("ack"));
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain("Acknowledged");
    expect((await incidents.getIncident(incidentId))?.status).toBe("acknowledged");

    const reused = await ack(apiEvent("POST", path), lambdaContext("ack"));
    expect(reused.statusCode).toBe(410);
    expect(reused.body).toContain("already used");
    const forged = await ack(apiEvent("POST", path.replace(/[^/]+$/, tamper)), lambdaContext("ack"));
    expect(forged.statusCode).toBe(400);
  });

  /** The link in the first SMS of a freshly paged incident. */
  async function pagedLink() {
    const { incidentId, declared } = await declare();
    await createPagerHandler(() => deps())(busEvent(declared), ctx());
    const sms = sns.published.find((m) => m.phoneNumber)!.message;
    return { incidentId, path: new URL(/https:\/\/fb\.test\/ack\/\S+/.exec(sms)![0]).pathname };
  }

  it("GET names the incident and the page, writes nothing, and sends CSP and frame protection", async () => {
    const { incidentId, path } = await pagedLink();
    const incident = (await incidents.getIncident(incidentId))!;
    const before = (await incidents.getIncidentWithTimeline(incidentId))!.timeline.length;
    const ack = createAckHandler(
      () => deps(),
      () => ({ paging: deps(), deadLetters: new MemoryDeadLetterSink() }),
    );
    const confirm = await ack(apiEvent("GET", path), lambdaContext("ack"));
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain(`<strong>INC-${incident.number}</strong>`);
    expect(confirm.body).toContain(`(${incident.severity}, declared)`);
    expect(confirm.body).toMatch(/Page to [^<]+ by SMS \(level 1\)/);
    const headers = confirm.headers ?? {};
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"]).toContain("default-src 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    expect(headers["cache-control"]).toBe("no-store");
    // Looking is not acknowledging: nothing written, the incident still declared.
    expect((await incidents.getIncidentWithTimeline(incidentId))!.timeline).toHaveLength(before);
    expect((await incidents.getIncident(incidentId))?.status).toBe("declared");

    // Used: GET says so, names the incident, and shows no form.
    await ack(apiEvent("POST", path), lambdaContext("ack"));
    const used = await ack(apiEvent("GET", path), lambdaContext("ack"));
    expect(used.statusCode).toBe(410);
    expect(used.body).toContain("already used");
    expect(used.body).toContain(`INC-${incident.number}`);
    expect(used.body).not.toContain("<form");
    expect(used.headers?.["x-frame-options"]).toBe("DENY");
    // Invalid: no form either.
    for (const bad of [path.replace(/[^/]+$/, tamper), "/ack/not-a-token"]) {
      const refused = await ack(apiEvent("GET", bad), lambdaContext("ack"));
      expect(refused.statusCode).toBe(400);
      expect(refused.body).not.toContain("<form");
    }
  });

  it("a link used after the incident resolved acknowledges nothing and writes nothing after the resolution", async () => {
    const { incidentId, path } = await pagedLink();
    const number = (await incidents.getIncident(incidentId))!.number;
    await changeStatus(
      { store: incidents },
      incidentId,
      { to: "resolved" },
      { type: "user", id: "alice", name: "Alice" },
    );
    const resolved = (await incidents.getIncidentWithTimeline(incidentId))!.timeline.length;
    const ack = createAckHandler(
      () => deps(),
      () => ({ paging: deps(), deadLetters: new MemoryDeadLetterSink() }),
    );
    const posted = await ack(apiEvent("POST", path), lambdaContext("ack"));
    expect(posted.statusCode).toBe(409);
    expect(posted.body).toContain("This incident is resolved");
    expect(posted.body).toContain(`INC-${number}`);
    expect(posted.body).not.toContain("escalation stopped");
    const after = (await incidents.getIncidentWithTimeline(incidentId))!;
    expect(after.timeline).toHaveLength(resolved);
    expect(after.timeline.filter((e) => e.kind === "page.acknowledged")).toEqual([]);
    expect(after.incident.status).toBe("resolved");
    const looked = await ack(apiEvent("GET", path), lambdaContext("ack"));
    expect(looked.statusCode).toBe(409);
    expect(looked.body).not.toContain("<form");
  });
});

describe("test sender: test pages (page.test_requested)", () => {
  const ALICE_PHONE = "+447700900101";
  const ALICE_SLACK = "U01ALICE01";

  /** A test page to Alice (the default rules: SMS, Slack DM, a call), and its event as the bus delivers it. */
  async function requested() {
    const testPages = new TestPageRequestStore(incidents.db, incidents.tableName);
    const directory = new DirectoryStore(incidents.db, incidents.tableName, clock);
    const view = await requestTestPage(
      { directory, testPages, clock },
      { kind: "person", id: "alice" },
      {
        actor: { type: "user", id: "bob", name: "Bob Okafor" },
        personId: "bob",
        anyone: true,
      },
    );
    const items = await incidents.db.send(
      new QueryCommand({
        TableName: incidents.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :tl)",
        ExpressionAttributeValues: { ":pk": keys.testPagePartition(view.id), ":tl": "TL#" },
      }),
    );
    const entry = validTimelineEntry(items.Items?.[0], "the test page's entry");
    return { view, event: busEvent(entry), testPages };
  }
  const smsToAlice = () =>
    sns.published.filter((m) => m.phoneNumber === ALICE_PHONE && m.message.includes("TEST PAGE"));
  const dmsToAlice = () =>
    slack.calls.filter((c) => c.method === "chat.postMessage" && c.body.channel === ALICE_SLACK);

  it("sends each method exactly once, however often and however concurrently the event arrives", async () => {
    const handler = createTestSenderHandler(() => deps());
    const { view, event, testPages } = await requested();
    // Two deliveries at once: each sends what it claimed first; one finding a send the other holds
    // fails (so that Lambda delivers the event again), and nothing is sent twice.
    const both = await Promise.allSettled([handler(event, ctx()), handler(event, ctx())]);
    for (const r of both)
      if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("test_page_in_flight");
    // Redelivered later: nothing more is sent.
    now += 5 * MINUTE;
    expect(await handler(event, ctx())).toEqual({ status: "sent", sent: 0 });
    expect(await handler(event, ctx())).toEqual({ status: "sent", sent: 0 });
    expect(smsToAlice()).toHaveLength(1);
    expect(dmsToAlice()).toHaveLength(1);
    expect(String(dmsToAlice()[0]?.body.text)).toContain("TEST PAGE — no incident");

    const found = await testPages.get(view.id);
    const byMethod = Object.fromEntries(found!.sends.map((s) => [s.method, s]));
    expect(byMethod.sms).toMatchObject({
      status: "delivered",
      sends: 1,
      deliveredAt: new Date(T0).toISOString(),
    });
    expect(byMethod.slack).toMatchObject({ status: "delivered", sends: 1 });
    // No voice channel here: the call is recorded as skipped, never sent.
    expect(byMethod.voice).toMatchObject({
      status: "skipped",
      error: { code: "channel_not_configured", message: "no voice channel is configured here" },
    });
    // No incident was opened.
    expect((await incidents.listOpen({ limit: 10 })).items).toEqual([]);
  });

  it("resends a send whose sender died before recording it, once it is stale, and only then", async () => {
    const handler = createTestSenderHandler(() => deps());
    const { view, event, testPages } = await requested();
    const sms = testSendId(view.id, "alice", "sms");
    // Another sender took the SMS and died: it stays `sending`.
    expect(await testPages.claimSend(view.id, sms, new Date(now).toISOString(), "")).toBe(true);
    await expect(handler(event, ctx())).rejects.toMatchObject({ code: "test_page_in_flight" });
    expect(dmsToAlice()).toHaveLength(1);
    expect(smsToAlice()).toHaveLength(0);

    now += 2 * MINUTE + 1_000;
    expect(await handler(event, ctx())).toEqual({ status: "sent", sent: 1 });
    expect(smsToAlice()).toHaveLength(1);
    expect(await handler(event, ctx())).toEqual({ status: "sent", sent: 0 });
    const found = await testPages.get(view.id);
    expect(found!.sends.find((s) => s.sendId === sms)).toMatchObject({ status: "delivered", sends: 2 });
    expect(dmsToAlice()).toHaveLength(1);
  });

  it("acknowledges a test page by its SMS link on the Ack function, once, touching no incident", async () => {
    const { view, event, testPages } = await requested();
    await createTestSenderHandler(() => deps())(event, ctx());
    const path = new URL(/https:\/\/fb\.test\/ack\/\S+/.exec(smsToAlice()[0]!.message)![0]).pathname;
    const ack = createAckHandler(
      () => deps(),
      () => ({ paging: deps(), deadLetters: new MemoryDeadLetterSink() }),
    );
    const event2 = (method: "GET" | "POST"): APIGatewayProxyEventV2 =>
      ({
        version: "2.0",
        routeKey: `${method} /ack/{token}`,
        rawPath: path,
        rawQueryString: "",
        headers: { host: "fb.test" },
        requestContext: { http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.9" } },
        body: "",
        isBase64Encoded: false,
      }) as unknown as APIGatewayProxyEventV2;
    const shown = await ack(event2("GET"), lambdaContext("ack"));
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain("Acknowledge this test page?");
    expect((await ack(event2("POST"), lambdaContext("ack"))).statusCode).toBe(200);
    expect((await ack(event2("POST"), lambdaContext("ack"))).statusCode).toBe(410);
    const sms = (await testPages.get(view.id))!.sends.find((s) => s.method === "sms");
    expect(sms).toMatchObject({ acknowledgedVia: "link", acknowledgedAt: new Date(T0).toISOString() });
    expect((await incidents.listOpen({ limit: 10 })).items).toEqual([]);
  });
});
