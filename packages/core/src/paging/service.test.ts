import { readFileSync } from "node:fs";
import { type FakeSlack, startFakeSlack } from "@firebreak/local/fake-slack";
import { type FakeSns, startFakeSns } from "@firebreak/local/fake-sns";
import { allHighUrgency } from "@firebreak/testkit/directory";
import { createTestTable, recordCommands, storeFor } from "@firebreak/testkit/dynamo";
import { transition as alarmTransition } from "@firebreak/testkit/factories";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSnsClient, SnsChannel } from "../adapters/aws/sns-channel";
import type { IncidentStore } from "../adapters/dynamodb/incident/incident-store";
import { ContactStore } from "../adapters/dynamodb/oncall/contact-store";
import { DirectoryStore } from "../adapters/dynamodb/oncall/store";
import { PageStore } from "../adapters/dynamodb/paging/page-store";
import { TestPageStore } from "../adapters/dynamodb/paging/test-page-store";
import { ingestAlarmTransition } from "../alarm/ingest";
import { assignRole, changeSeverity, changeStatus, reopenIncident } from "../incident/actions";
import type { Actor } from "../incident/model";
import { requestEscalation, requestResponders } from "../incident/responders";
import type { TimelineEntry } from "../incident/timeline";
import { parseDirectoryYaml } from "../oncall/directory-yaml";
import { assignInitialRoles } from "../oncall/who";
import { type AckKey, signAckLink } from "./ack-link";
import type { PageChannel, SendIsolatedOptions } from "./channels";
import type { StoredPage } from "./records";
import {
  acknowledge,
  acknowledgeByLink,
  listPages,
  onIncidentDeclared,
  onIncidentStatusChanged,
  type PagingConfig,
  type PagingDeps,
  type PagingReplyDeps,
  pageIdFor,
  sweepEscalations,
} from "./service";
import { createSlackClient, SlackChannel } from "./slack-channel";

const DEMO_YAML = readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8");
const demo = parseDirectoryYaml(DEMO_YAML);
/**
 * The suites below are about the paging machinery at high urgency (every channel at once, the
 * ladder, its repeats): they run on the demo with every severity high urgency. The urgency suite
 * at the end runs on the demo as written (SEV1–SEV2 high, the rest low).
 */
const demoHigh = allHighUrgency(demo);

/** Saturday 2026-03-14 09:42 UTC: checkout primary is bob, secondary dana, comms kate. */
const T0 = Date.parse("2026-03-14T09:42:13.274Z");
const MINUTE = 60_000;
const ACK_KEY: AckKey = { id: "k1", secret: "a-test-secret-of-at-least-thirty-two-bytes!" };
const ACK_BASE = "http://fb.test/ack";
const LINK = /http:\/\/fb\.test\/ack\/([A-Za-z0-9_-]+)/;

let sns: FakeSns;
let slack: FakeSlack;
let incidents: IncidentStore;
let pages: PageStore;
let directory: DirectoryStore;
let now: number;
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  [sns, slack] = await Promise.all([startFakeSns(), startFakeSlack()]);
});
afterAll(async () => {
  await Promise.all([sns.stop(), slack.stop()]);
});
beforeEach(async () => {
  now = T0;
  incidents = storeFor(await createTestTable("paging"));
  pages = new PageStore(incidents.db, incidents.tableName);
  directory = new DirectoryStore(incidents.db, incidents.tableName, clock);
  await directory.apply(demoHigh);
});
afterEach(() => {
  sns.reset();
  slack.reset();
});

function channels(options: { snsTimeoutMs?: number; slackTimeoutMs?: number } = {}) {
  return {
    sns: new SnsChannel({
      client: createSnsClient(
        {
          endpoint: sns.endpoint,
          region: "eu-west-1",
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        },
        { requestTimeoutMs: options.snsTimeoutMs ?? 1_000 },
      ),
      retry: { attempts: 3, baseMs: 1, maxMs: 5 },
    }),
    slack: new SlackChannel({
      client: createSlackClient("xoxb-test", {
        slackApiUrl: slack.url,
        requestTimeoutMs: options.slackTimeoutMs ?? 1_000,
      }),
      retry: { attempts: 3, baseMs: 1, maxMs: 5, maxRetryAfterMs: 20 },
    }),
  };
}

function deps(
  overrides: Partial<PagingDeps> & { sendTimeoutMs?: SendIsolatedOptions["timeoutMs"] } = {},
  config: Partial<PagingConfig> = {},
): PagingReplyDeps {
  const { sendTimeoutMs, ...rest } = overrides;
  return {
    incidents,
    pages,
    directory,
    contacts: new ContactStore(directory),
    testPages: new TestPageStore(incidents.db, incidents.tableName),
    channels: channels(),
    clock,
    ackKey: ACK_KEY,
    ackBaseUrl: ACK_BASE,
    dashboardUrl: "http://fb.test",
    config: { sendTimeoutMs: sendTimeoutMs ?? 5_000, ...config },
    ...rest,
  };
}

/** An alarm goes off: ingested as the alarm-ingest handler does, at the fake clock's time. */
async function alarm(name: string, description: string): Promise<string> {
  const result = await ingestAlarmTransition(
    { store: incidents, clock },
    alarmTransition(name, "ALARM", 0, { description }),
  );
  expect(result.outcome).toBe("opened");
  return result.incidentId!;
}

const timeline = async (id: string): Promise<TimelineEntry[]> =>
  (await incidents.getIncidentWithTimeline(id))!.timeline;
const kinds = (entries: TimelineEntry[], kind: string) => entries.filter((e) => e.kind === kind);
const minute = (iso: string) => Math.round((Date.parse(iso) - T0) / MINUTE);
const postMessages = () =>
  slack.calls.filter((c) => c.method === "chat.postMessage" && c.fault === undefined);

/** Sweeps once a minute for `minutes` minutes of fake time. */
async function sweepFor(d: PagingDeps, minutes: number) {
  for (let i = 0; i < minutes; i++) {
    now += MINUTE;
    const result = await sweepEscalations(d);
    expect(result.errors).toEqual([]);
  }
}

/** A compact view of escalation pages: `minute level/round channel target`. */
function ladderLog(list: StoredPage[] | Awaited<ReturnType<typeof listPages>>) {
  return list
    .filter((p) => p.purpose === "escalation")
    .map((p) => {
      const who =
        p.target.kind === "person"
          ? p.target.personId
          : p.target.kind === "topic"
            ? p.target.arn.split(":").pop()
            : "";
      return `${minute(p.requestedAt)} ${p.level}/${p.round} ${p.channel} ${who}`;
    })
    .sort((a, b) => Number(a.split(" ")[0]) - Number(b.split(" ")[0]) || a.localeCompare(b));
}

describe("declared → roles → pages", () => {
  it("assigns IC, ops and comms from the directory and pages level 1 by SMS, Slack DM and the alert channel", async () => {
    const id = await alarm("checkout-5xx", "severity: sev2\nservice: checkout");
    const result = await onIncidentDeclared(deps(), id);
    expect(result.outcome).toBe("started");

    const expected = assignInitialRoles(demo, "checkout", new Date(T0), "210987654321");
    expect([expected.ic?.id, expected.ops?.id, expected.comms?.id]).toEqual(["bob", "dana", "kate"]);
    expect(result.incident.roles).toMatchObject({
      ic: { personId: "bob", personName: "Bob Okafor" },
      ops: { personId: "dana", personName: "Dana Fischer" },
      comms: { personId: "kate", personName: "Kate Lindqvist" },
    });
    const entries = await timeline(id);
    const assigned = kinds(entries, "incident.role_assigned");
    expect(assigned.map((e) => [e.data.role, e.data.personId])).toEqual([
      ["ic", "bob"],
      ["ops", "dana"],
      ["comms", "kate"],
    ]);
    expect(assigned.every((e) => e.actor.type === "system" && e.actor.name === "Firebreak")).toBe(true);

    // SNS: one transactional SMS to bob, with the one-click link, within 140 characters.
    expect(sns.published).toHaveLength(1);
    const sms = sns.published[0]!;
    expect(sms.phoneNumber).toBe("+12025550102");
    expect(sms.message.length).toBeLessThanOrEqual(140);
    expect(sms.message).toMatch(LINK);
    expect(sms.attributes["AWS.SNS.SMS.SMSType"]?.stringValue).toBe("Transactional");
    // Slack: a DM to bob and the team's alert channel, with the buttons.
    const posts = postMessages();
    expect(posts.map((c) => c.body.channel).sort()).toEqual(["C07CHECKOUT", "U01BOB0002"]);
    const announce = posts.find((c) => c.body.channel === "C07CHECKOUT")!;
    expect(String(announce.body.text)).toContain("<@U01BOB0002>");
    expect(JSON.stringify(announce.body.blocks)).toContain("incident_ack");

    const list = await listPages(deps(), id);
    expect(list).toHaveLength(3);
    expect(list.every((p) => p.state === "delivered" && p.level === 1 && p.round === 0)).toBe(true);
    expect(list.map((p) => `${p.channel}:${p.purpose}`).sort()).toEqual([
      "slack:announce",
      "slack:escalation",
      "sns:escalation",
    ]);
    // The API view carries no contact details.
    expect(JSON.stringify(list)).not.toContain("+12025550102");
    expect(list.find((p) => p.channel === "sns")?.providerId).toBe(sms.messageId);

    expect(kinds(entries, "page.requested")).toHaveLength(3);
    expect(kinds(entries, "page.delivered")).toHaveLength(3);
    expect(kinds(entries, "escalation.started")).toHaveLength(1);
    expect(kinds(entries, "incident.role_flagged")).toEqual([]);
    expect(JSON.stringify(entries)).not.toMatch(LINK); // the link is a credential: never on the timeline
  });

  it("flags an unassigned comms lead on the timeline (a team without a comms rotation)", async () => {
    const id = await alarm("payments-latency", "severity: sev3\nservice: payments");
    await onIncidentDeclared(deps(), id);
    const incident = await incidents.getIncident(id);
    expect(incident?.roles?.ic).toBeDefined();
    expect(incident?.roles?.comms).toBeUndefined();
    const flagged = kinds(await timeline(id), "incident.role_flagged");
    expect(flagged.map((e) => e.data.flag)).toContain("comms_unassigned");
    expect(flagged.find((e) => e.data.flag === "comms_unassigned")?.summary).toMatch(/comms lead unassigned/);
  });

  it("pages nobody twice and assigns nothing twice when the event is redelivered, even concurrently", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    const d = deps();
    const results = await Promise.all(Array.from({ length: 5 }, () => onIncidentDeclared(d, id)));
    expect(results.filter((r) => r.outcome === "started")).toHaveLength(1);
    const again = await onIncidentDeclared(d, id);
    expect(again.outcome).toBe("already_started");
    expect(again.pages).toHaveLength(3);

    expect(sns.published).toHaveLength(1);
    expect(postMessages()).toHaveLength(2);
    const entries = await timeline(id);
    expect(kinds(entries, "incident.role_assigned")).toHaveLength(3);
    expect(kinds(entries, "page.requested")).toHaveLength(3);
    expect(kinds(entries, "escalation.started")).toHaveLength(1);
  });

  it("never overwrites a role a person already took", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    await assignRole(
      { store: incidents, clock },
      id,
      { role: "ic", personId: "U0HUMAN01", personName: "Hu" },
      {
        type: "slack",
        id: "U0HUMAN01",
      },
    );
    await onIncidentDeclared(deps(), id);
    const incident = await incidents.getIncident(id);
    expect(incident?.roles?.ic?.personId).toBe("U0HUMAN01");
    expect(incident?.roles?.ops?.personId).toBe("dana");
  });

  it("keeps a role a person takes while the pager plans: its one write is retried on the incident's version", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    let raced = false;
    const racing: IncidentStore = Object.create(incidents);
    racing.getIncidentPartition = async (incidentId: string) => {
      const read = await incidents.getIncidentPartition(incidentId);
      if (!raced) {
        raced = true; // a person takes IC after the pager read the incident, before it writes
        await assignRole(
          { store: incidents, clock },
          id,
          { role: "ic", personId: "U0HUMAN01", personName: "Hu" },
          { type: "slack", id: "U0HUMAN01" },
        );
      }
      return read;
    };
    const result = await onIncidentDeclared(deps({ incidents: racing }), id);
    expect(result.outcome).toBe("started");
    expect(result.incident.roles?.ic?.personId).toBe("U0HUMAN01");
    expect(result.incident.roles?.ops?.personId).toBe("dana");
    const assigned = kinds(await timeline(id), "incident.role_assigned");
    expect(assigned.map((e) => [e.data.role, e.data.personId, e.actor.type])).toEqual([
      ["ic", "U0HUMAN01", "slack"],
      ["ops", "dana", "system"],
      ["comms", "kate", "system"],
    ]);
    expect(sns.published).toHaveLength(1);
    expect(postMessages()).toHaveLength(2);
  });

  // How many round trips this takes is measured by `npm run bench` (paging: "alarm → pages path").
  it("writes the roles, the escalation and the first pages in one transaction, before sending", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    const log: string[] = [];
    const stop = recordCommands(incidents.db, log);
    const logged = (channel: PageChannel): PageChannel => ({
      name: channel.name,
      send: (page, options) => {
        log.push(`send:${channel.name}`);
        return channel.send(page, options);
      },
    });
    const { sns: snsChannel, slack: slackChannel } = channels();
    try {
      await onIncidentDeclared(
        deps({ channels: { sns: logged(snsChannel), slack: logged(slackChannel) } }),
        id,
      );
    } finally {
      stop();
    }
    const beforeSends = log.slice(
      0,
      log.findIndex((c) => c.startsWith("send:")),
    );
    expect(beforeSends.filter((c) => c === "TransactWriteItemsCommand")).toHaveLength(1);
    expect(beforeSends.at(-1)).toBe("TransactWriteItemsCommand");
    // Nothing is written before the one transaction: a crash before it leaves nothing half done.
    expect(beforeSends.filter((c) => !["GetCommand", "QueryCommand"].includes(c))).toEqual([
      "TransactWriteItemsCommand",
    ]);
    const incident = await incidents.getIncident(id);
    expect(incident?.version).toBe(2); // declared (1), then the roles in one change
    expect(Object.keys(incident?.roles ?? {}).sort()).toEqual(["comms", "ic", "ops"]);
    // Each page's `page.requested` entry came with its outcome, once, and sorts before it.
    const entries = await timeline(id);
    const list = await pages.listPages(id);
    expect(
      kinds(entries, "page.requested")
        .map((e) => e.data.pageId)
        .sort(),
    ).toEqual(list.map((p) => p.pageId).sort());
    for (const page of list) {
      const mine = entries.filter((e) => e.data.pageId === page.pageId).map((e) => e.kind);
      expect(mine).toEqual(["page.requested", "page.delivered"]);
      const requested = entries.find((e) => e.data.pageId === page.pageId && e.kind === "page.requested");
      expect(requested?.id).toBe(page.requestedEntryId);
      expect(requested?.at).toBe(page.requestedAt);
    }
  });

  it("says so on the timeline when nobody can be paged (no directory), once", async () => {
    const table = storeFor(await createTestTable("paging-empty"));
    const d = deps({
      incidents: table,
      pages: new PageStore(table.db, table.tableName),
      directory: new DirectoryStore(table.db, table.tableName, clock),
    });
    incidents = table;
    const id = await alarm("checkout-5xx", "service: checkout");
    expect((await onIncidentDeclared(d, id)).outcome).toBe("not_paged");
    expect((await onIncidentDeclared(d, id)).outcome).toBe("already_started");
    const notStarted = kinds(await timeline(id), "escalation.not_started");
    expect(notStarted).toHaveLength(1);
    expect(notStarted[0]?.summary).toMatch(/no on-call directory/);
    expect(sns.requests).toHaveLength(0);
  });

  it("escapes mrkdwn from outside: an alarm named <!channel> notifies nobody", async () => {
    const id = await alarm("<!channel> db down", "severity: sev3\nservice: checkout");
    await onIncidentDeclared(deps(), id);
    const announce = [...slack.messages.values()].find((m) => m.channel === "C07CHECKOUT")!;
    expect(announce.text).toContain("&lt;!channel&gt; db down");
    expect(announce.text).not.toContain("<!channel>");
    const mrkdwn = JSON.stringify(announce.blocks)
      .match(/"type":"mrkdwn","text":"[^"]*"/g)!
      .join("\n");
    expect(mrkdwn).toContain("&lt;!channel&gt; db down");
    expect(mrkdwn).not.toContain("<!channel>");
    const dm = [...slack.messages.values()].find((m) => m.channel !== "C07CHECKOUT")!;
    expect(dm.text).not.toContain("<!channel>");
  });
});

describe("delivery faults are survived and recorded", () => {
  it("delivers after SNS 500s, an SNS timeout and a Slack 429 with Retry-After", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    sns.failNext(1, "500");
    sns.failNext(1, "timeout");
    slack.failNext("chat.postMessage", 1, { status: 429, retryAfter: 1 });
    await onIncidentDeclared(deps({ channels: channels({ snsTimeoutMs: 200 }) }), id);

    const list = await pages.listPages(id);
    expect(list.every((p) => p.state === "delivered")).toBe(true);
    expect(list.find((p) => p.channel === "sns")?.attempts).toBe(3);
    expect(list.filter((p) => p.channel === "slack").reduce((n, p) => n + p.attempts, 0)).toBe(3);
    const delivered = kinds(await timeline(id), "page.delivered");
    expect(delivered).toHaveLength(3);
    expect(delivered.find((e) => e.data.channel === "sns")?.summary).toMatch(/after 3 attempts/);
    expect(sns.published).toHaveLength(1);
  });

  it("records page.failed with the error when a channel keeps failing, and the other channel still delivers", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    sns.failNext(3, "throttle");
    await onIncidentDeclared(deps(), id);
    const entries = await timeline(id);
    const failed = kinds(entries, "page.failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({
      channel: "sns",
      attempts: 3,
      error: { code: "Throttling", retryable: true },
      personId: "bob",
    });
    expect(failed[0]?.summary).toMatch(/failed after 3 attempts: Throttling/);
    expect(kinds(entries, "page.delivered")).toHaveLength(2);
    const sms = (await pages.listPages(id)).find((p) => p.channel === "sns");
    expect(sms).toMatchObject({ state: "failed", error: { code: "Throttling" } });
  });

  it.each([
    ["5xx", { status: 503 }, "http_503"],
    ["timeouts", "hang", "timeout"],
  ] as const)("records Slack %s as failures without losing the SNS page", async (_, fault, code) => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    slack.failNext("chat.postMessage", 6, fault);
    await onIncidentDeclared(deps({ channels: channels({ slackTimeoutMs: 150 }) }), id);
    const failed = kinds(await timeline(id), "page.failed");
    expect(failed.map((e) => e.data.error)).toEqual([
      expect.objectContaining({ code, retryable: true }),
      expect.objectContaining({ code, retryable: true }),
    ]);
    expect(failed.every((e) => e.data.attempts === 3)).toBe(true);
    expect((await pages.listPages(id)).find((p) => p.channel === "sns")?.state).toBe("delivered");
  });

  it("isolates the channels: Slack hanging does not hold up the SNS page", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    slack.failNext("chat.postMessage", 10, "hang");
    const started = performance.now();
    let finished = false;
    const declared = onIncidentDeclared(
      deps({ channels: channels({ slackTimeoutMs: 5_000 }), sendTimeoutMs: { slack: 2_500, sns: 5_000 } }),
      id,
    ).finally(() => {
      finished = true;
    });
    let smsRecordedAfter: number | undefined;
    while (smsRecordedAfter === undefined && performance.now() - started < 4_000) {
      const sms = (await pages.listPages(id)).find((p) => p.channel === "sns");
      if (sms?.state === "delivered") smsRecordedAfter = performance.now() - started;
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(smsRecordedAfter).toBeDefined();
    expect(finished).toBe(false); // Slack is still hanging while the SMS is already recorded
    await declared;
    const failed = kinds(await timeline(id), "page.failed");
    expect(failed).toHaveLength(2);
    expect(failed.every((e) => (e.data.error as { code: string }).code === "channel_timeout")).toBe(true);
  });

  it("writes the roles after the pages, in order on the timeline, and once when a crash cut them off", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    let died = false;
    const crashing: IncidentStore = Object.create(incidents);
    crashing.commitIncidentChange = async () => {
      died = true;
      throw new Error("the Lambda died");
    };
    await expect(onIncidentDeclared(deps({ incidents: crashing }), id)).rejects.toThrow("the Lambda died");
    expect(died).toBe(true);
    expect(sns.published).toHaveLength(1); // the pages went out first
    expect((await incidents.getIncident(id))?.roles).toBeUndefined();

    // The redelivery finishes the roles, once, and pages nobody again.
    for (let i = 0; i < 2; i++) {
      const again = await onIncidentDeclared(deps(), id);
      expect(again.outcome).toBe("already_started");
    }
    expect(sns.published).toHaveLength(1);
    const incident = await incidents.getIncident(id);
    expect(Object.keys(incident?.roles ?? {}).sort()).toEqual(["comms", "ic", "ops"]);
    const entries = await timeline(id);
    expect(kinds(entries, "incident.role_assigned")).toHaveLength(3);

    // A clean declare: the role entries sort before the escalation's start, which sorts before the pages.
    const clean = await alarm("checkout-latency", "severity: sev3\nservice: checkout");
    await onIncidentDeclared(deps(), clean);
    const order = (await timeline(clean)).map((e) => e.kind);
    const first = (kind: string) => order.indexOf(kind);
    expect(first("incident.role_assigned")).toBeGreaterThan(-1);
    expect(first("incident.role_assigned")).toBeLessThan(first("escalation.started"));
    expect(first("escalation.started")).toBeLessThan(first("page.requested"));
  });

  it("resends a page left 'requested' by a sender that crashed, once", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    class CrashingStore extends PageStore {
      override async recordOutcome(): Promise<boolean> {
        throw new Error("the Lambda died");
      }
    }
    const crashing = deps({ pages: new CrashingStore(incidents.db, incidents.tableName) });
    await expect(onIncidentDeclared(crashing, id)).rejects.toThrow("the Lambda died");
    expect((await pages.listPages(id)).every((p) => p.state === "requested")).toBe(true);
    expect(sns.published).toHaveLength(1);
    // Nothing on the timeline about the pages yet: their entries are written with the outcomes.
    expect(kinds(await timeline(id), "page.requested")).toHaveLength(0);

    // The redelivered event, too soon: nothing is resent yet.
    await onIncidentDeclared(deps(), id);
    expect(sns.published).toHaveLength(1);

    const d = deps();
    await sweepFor(d, 3);
    await Promise.all([sweepEscalations(d), sweepEscalations(d)]);
    const list = await pages.listPages(id);
    expect(list.every((p) => p.state === "delivered")).toBe(true);
    expect(list.every((p) => p.sends === 2)).toBe(true);
    expect(sns.published).toHaveLength(2); // at least once: the crashed send and one resend
    expect(kinds(await timeline(id), "page.delivered")).toHaveLength(3);
    // Each page's `page.requested` entry, once, at the time it was first requested.
    const requested = kinds(await timeline(id), "page.requested");
    expect(requested).toHaveLength(3);
    expect(new Set(requested.map((e) => e.data.pageId)).size).toBe(3);
    for (const page of list) {
      expect(requested.find((e) => e.data.pageId === page.pageId)?.at).toBe(page.requestedAt);
    }
  });
});

/** A renderer that throws, for `PagingDeps.renderers`. */
const broken = (what: string) => () => {
  throw new Error(`${what} template broke`);
};

/** The incident's pages by way: `sns:person`, `slack:person`, `slack:channel`, `sns:topic`. */
async function pagesByWay(id: string): Promise<Map<string, StoredPage[]>> {
  const byWay = new Map<string, StoredPage[]>();
  for (const p of await pages.listPages(id)) {
    const way = `${p.channel}:${p.target.kind}`;
    byWay.set(way, [...(byWay.get(way) ?? []), p]);
  }
  return byWay;
}

describe("rendering is isolated per page", () => {
  it("a throwing SMS renderer fails the SMS page alone: Slack DM and channel delivered, roles written, the reason on the timeline", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    const result = await onIncidentDeclared(deps({ renderers: { sms: broken("sms") } }), id);
    expect(result.outcome).toBe("started");

    const byWay = await pagesByWay(id);
    expect([...byWay.keys()].sort()).toEqual(["slack:channel", "slack:person", "sns:person"]);
    const [sms] = byWay.get("sns:person")!;
    expect(sms).toMatchObject({
      state: "failed",
      attempts: 0,
      error: {
        code: "render_failed",
        message: "the sms rendering failed: sms template broke",
        retryable: false,
      },
    });
    expect(byWay.get("slack:person")!.map((p) => p.state)).toEqual(["delivered"]);
    expect(byWay.get("slack:channel")!.map((p) => p.state)).toEqual(["delivered"]);
    // Nothing went out by SNS; both Slack messages did.
    expect(sns.requests).toHaveLength(0);
    expect(
      postMessages()
        .map((c) => c.body.channel)
        .sort(),
    ).toEqual(["C07CHECKOUT", "U01BOB0002"]);

    const entries = await timeline(id);
    const failed = kinds(entries, "page.failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({
      pageId: sms?.pageId,
      channel: "sns",
      personId: "bob",
      attempts: 0,
      error: { code: "render_failed", retryable: false },
    });
    expect(failed[0]?.summary).toBe(
      "page to Bob Okafor by SMS failed after 0 attempts: render_failed: the sms rendering failed: sms template broke",
    );
    expect(kinds(entries, "page.delivered").map((e) => e.data.channel)).toEqual(["slack", "slack"]);
    expect(kinds(entries, "page.requested")).toHaveLength(3);
    const incident = await incidents.getIncident(id);
    expect(incident?.roles).toMatchObject({
      ic: { personId: "bob" },
      ops: { personId: "dana" },
      comms: { personId: "kate" },
    });
  });

  it("a throwing Slack renderer fails the Slack pages alone: the SMS delivered with its link, roles written", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    const result = await onIncidentDeclared(deps({ renderers: { slack: broken("slack") } }), id);
    expect(result.outcome).toBe("started");

    const byWay = await pagesByWay(id);
    expect(byWay.get("sns:person")!.map((p) => p.state)).toEqual(["delivered"]);
    for (const way of ["slack:person", "slack:channel"])
      expect(
        byWay.get(way)!.map((p) => [p.state, p.error?.code]),
        way,
      ).toEqual([["failed", "render_failed"]]);
    expect(postMessages()).toEqual([]);
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]!.message).toMatch(LINK);

    const failed = kinds(await timeline(id), "page.failed");
    expect(failed.map((e) => e.data.target)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "person", personId: "bob" }),
        { kind: "channel", slackChannelId: "C07CHECKOUT" },
      ]),
    );
    for (const entry of failed) {
      expect(entry.data).toMatchObject({
        channel: "slack",
        error: { code: "render_failed", retryable: false },
      });
      expect(entry.summary).toContain("render_failed: the slack rendering failed: slack template broke");
    }
    expect(Object.keys((await incidents.getIncident(id))?.roles ?? {}).sort()).toEqual([
      "comms",
      "ic",
      "ops",
    ]);
  });

  it.each(["email", "text"] as const)(
    "a throwing %s renderer cannot fail a page that does not use it: SMS to a phone and Slack pages all delivered",
    async (renderer) => {
      const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
      await onIncidentDeclared(deps({ renderers: { [renderer]: broken(renderer) } }), id);
      const list = await pages.listPages(id);
      expect(list.map((p) => `${p.channel}:${p.target.kind}:${p.state}`).sort()).toEqual([
        "slack:channel:delivered",
        "slack:person:delivered",
        "sns:person:delivered",
      ]);
      expect(sns.published[0]?.message).toMatch(LINK);
    },
  );

  it("in the sweeper: a topic page whose rendering throws fails alone, and the ladder goes on", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    await onIncidentDeclared(deps(), id);
    // Level 2 after 5 minutes, level 3 (maria and the checkout topic) after 15: the email renderer,
    // which only a topic page uses, throws.
    await sweepFor(deps({ renderers: { email: broken("email") } }), 16);
    const list = await pages.listPages(id);
    const topic = list.filter((p) => p.target.kind === "topic");
    expect(topic.map((p) => [p.level, p.state, p.error?.code])).toEqual([[3, "failed", "render_failed"]]);
    const others = list.filter((p) => p.target.kind !== "topic");
    expect(others.map((p) => p.level).sort()).toEqual([1, 1, 1, 2, 2, 3, 3]);
    expect(others.every((p) => p.state === "delivered")).toBe(true);
    expect(sns.published.filter((m) => m.topicArn)).toEqual([]);
    const failed = kinds(await timeline(id), "page.failed");
    expect(failed.map((e) => e.summary)).toEqual([
      "page to topic firebreak-checkout-pages by SNS failed after 0 attempts: render_failed: the email rendering failed: email template broke",
    ]);
    expect((await pages.getEscalation(id))?.status).toBe("active");
  });

  it("when a page left 'requested' is resent: a throwing renderer fails that page alone, the others are resent", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    class CrashingStore extends PageStore {
      override async recordOutcome(): Promise<boolean> {
        throw new Error("the Lambda died");
      }
    }
    await expect(
      onIncidentDeclared(deps({ pages: new CrashingStore(incidents.db, incidents.tableName) }), id),
    ).rejects.toThrow("the Lambda died");
    sns.reset();
    slack.reset();
    await sweepFor(deps({ renderers: { sms: broken("sms") } }), 3);
    const byWay = await pagesByWay(id);
    expect(byWay.get("sns:person")!.map((p) => [p.state, p.sends, p.error?.code])).toEqual([
      ["failed", 2, "render_failed"],
    ]);
    for (const way of ["slack:person", "slack:channel"])
      expect(
        byWay.get(way)!.map((p) => [p.state, p.sends]),
        way,
      ).toEqual([["delivered", 2]]);
    expect(sns.requests).toHaveLength(0);
    expect(postMessages()).toHaveLength(2);
    expect(kinds(await timeline(id), "page.failed").map((e) => e.data.error)).toEqual([
      { code: "render_failed", message: "the sms rendering failed: sms template broke", retryable: false },
    ]);
  });
});

describe("ack link base: every channel pages, the SMS fits 140", () => {
  // The link is the base, "/" and a 75-character token.
  const API_GATEWAY = "https://a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com/ack";
  const CLOUDFRONT = "https://d3k9x2m7q1w8ze.cloudfront.net/ack";
  const LONG = `https://${"a".repeat(200 - "https://".length - ".example.com/ack".length)}.example.com/ack`;

  it.each([
    // `SEV3 INC-n ` and a 139-character link make at least 150: it cannot fit.
    ["the API Gateway host in ap-southeast-2 (a 139-character link)", "omitted", API_GATEWAY],
    // What a default deploy uses: the dashboard's CloudFront host, which routes /ack to the API.
    ["the dashboard's CloudFront host (a 117-character link)", "included", CLOUDFRONT],
    ["a 200-character base", "omitted", LONG],
  ] as const)(
    "with %s: SMS, Slack DM and channel delivered, the link %s in the SMS",
    async (_, link, base) => {
      expect(LONG).toHaveLength(200);
      const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
      const d = deps({ ackBaseUrl: base });
      const result = await onIncidentDeclared(d, id);
      expect(result.outcome).toBe("started");
      const list = await pages.listPages(id);
      expect(list.map((p) => `${p.channel}:${p.target.kind}:${p.state}`).sort()).toEqual([
        "slack:channel:delivered",
        "slack:person:delivered",
        "sns:person:delivered",
      ]);
      expect(postMessages()).toHaveLength(2);
      expect(Object.keys((await incidents.getIncident(id))?.roles ?? {}).sort()).toEqual([
        "comms",
        "ic",
        "ops",
      ]);

      expect(sns.published).toHaveLength(1);
      const sms = sns.published[0]!.message;
      expect(sms.length).toBeLessThanOrEqual(140);
      expect(sms.startsWith(`SEV3 INC-${result.incident.number}`)).toBe(true);
      const delivered = kinds(await timeline(id), "page.delivered");
      const smsEntry = delivered.find((e) => e.data.channel === "sns")!;
      expect(delivered.filter((e) => e !== smsEntry).every((e) => !("smsLinkOmitted" in e.data))).toBe(true);
      if (link === "included") {
        const token = sms.slice(sms.lastIndexOf(`${base}/`) + base.length + 1);
        expect(sms.endsWith(`${base}/${token}`)).toBe(true);
        expect(smsEntry.data).not.toHaveProperty("smsLinkOmitted");
        expect(smsEntry.summary).toBe("page delivered to Bob Okafor by SMS");
        // The link in the SMS works.
        expect(await acknowledgeByLink(d, token)).toMatchObject({ ok: true, pageId: smsEntry.data.pageId });
      } else {
        expect(sms).not.toContain("https://");
        expect(sms).toMatch(/^SEV3 INC-\d+ checkout: checkout-5xx - ack in Slack or email$/);
        expect(smsEntry.data.smsLinkOmitted).toBe(true);
        expect(smsEntry.summary).toMatch(
          /^page delivered to Bob Okafor by SMS \(the SMS went without its ack link: "SEVn INC-n <link>" is longer than the 140 characters of one SMS/,
        );
      }
    },
  );
});

describe("escalation", () => {
  it("walks the ladder, repeats it, then pages the fallback: an hour of sweeps in fake time", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    // A directory edit during the incident does not change the running escalation.
    const edited = parseDirectoryYaml(DEMO_YAML.replace('phone: "+34915550113"', 'phone: "+34915550999"'));
    await directory.apply(allHighUrgency(edited));

    await sweepFor(d, 70);

    expect(ladderLog(await pages.listPages(id))).toEqual([
      "0 1/0 slack bob",
      "0 1/0 sns bob",
      "5 2/0 slack dana",
      "5 2/0 sns dana",
      "15 3/0 slack maria",
      "15 3/0 sns firebreak-checkout-pages",
      "15 3/0 sns maria",
      "30 1/1 slack bob",
      "30 1/1 sns bob",
      "35 2/1 slack dana",
      "35 2/1 sns dana",
      "45 3/1 slack maria",
      "45 3/1 sns firebreak-checkout-pages",
      "45 3/1 sns maria",
      "60 fallback/1 sns firebreak-all-hands",
    ]);
    expect(
      sns.published.filter((m) => m.phoneNumber?.startsWith("+3491555")).map((m) => m.phoneNumber),
    ).toEqual(["+34915550113", "+34915550113"]);
    const topic = sns.published.find((m) => m.topicArn?.endsWith("firebreak-checkout-pages"))!;
    expect(topic.messageStructure).toBe("json");
    expect(topic.structure?.email).toMatch(/Acknowledge \(one click\): http:\/\/fb\.test\/ack\//);

    const entries = await timeline(id);
    expect(kinds(entries, "escalation.escalated").map((e) => minute(e.at))).toEqual([5, 15, 30, 35, 45, 60]);
    expect(kinds(entries, "escalation.stopped").map((e) => e.data.reason)).toEqual(["fallback_paged"]);
    expect(await pages.queryDue(new Date(now + 24 * 60 * MINUTE))).toEqual([]);
    expect((await pages.getEscalation(id))?.status).toBe("done");
  });

  it("processes every due escalation in one sweep, batch after batch", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      now += 1000;
      ids.push(await alarm(`checkout-${i}`, "severity: sev3\nservice: checkout"));
    }
    const d = deps({}, { sweepBatch: 2, sweepConcurrency: 2 });
    for (const id of ids) await onIncidentDeclared(d, id);
    now = T0 + 6 * MINUTE;
    const result = await sweepEscalations(d);
    expect(result).toMatchObject({ due: 5, advanced: 5, raced: 0, errors: [] });
    for (const id of ids) {
      const level2 = ladderLog(await pages.listPages(id)).filter((line) => line.includes(" 2/0 "));
      // Level 2 once: dana, on Slack and by SMS.
      expect(level2.map((line) => line.split(" ").slice(2).join(" "))).toEqual(["slack dana", "sns dana"]);
    }
  });

  it("without Slack, pages people by SMS only, and records a page.failed for someone reachable only on Slack", async () => {
    // dana, checkout's secondary this week, without her phone: reachable only on Slack.
    await directory.apply(
      allHighUrgency(parseDirectoryYaml(DEMO_YAML.replace('    phone: "+493055550104"\n', ""))),
    );
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    const d = deps({ channels: { sns: channels().sns } });
    await onIncidentDeclared(d, id);
    expect((await pages.listPages(id)).map((p) => `${p.channel} ${p.targetKey} ${p.state}`)).toEqual([
      "sns person:bob delivered",
    ]);
    await sweepFor(d, 5);
    const failed = kinds(await timeline(id), "page.failed");
    expect(failed.map((e) => [e.data.personId, (e.data.error as { code: string }).code])).toEqual([
      ["dana", "channel_not_configured"],
    ]);
    expect(slack.calls).toHaveLength(0);
  });

  it("never double-pages with several sweepers at once", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    for (let i = 0; i < 16; i++) {
      now += MINUTE;
      await Promise.all(Array.from({ length: 4 }, () => sweepEscalations(d)));
    }
    expect(ladderLog(await pages.listPages(id))).toEqual([
      "0 1/0 slack bob",
      "0 1/0 sns bob",
      "5 2/0 slack dana",
      "5 2/0 sns dana",
      "15 3/0 slack maria",
      "15 3/0 sns firebreak-checkout-pages",
      "15 3/0 sns maria",
    ]);
    expect(postMessages().filter((c) => c.body.channel === "U01DANA004")).toHaveLength(1);
    expect(kinds(await timeline(id), "escalation.escalated")).toHaveLength(2);
  });

  it("stops when the incident is acknowledged or resolved anywhere else", async () => {
    const acked = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    now += 1000;
    const resolved = await alarm("cart-errors", "severity: sev3\nservice: cart");
    const d = deps();
    await onIncidentDeclared(d, acked);
    await onIncidentDeclared(d, resolved);
    const slackUser: Actor = { type: "slack", id: "U01CHEN003", name: "chen" };
    await changeStatus({ store: incidents, clock }, acked, { to: "acknowledged" }, slackUser);
    await onIncidentStatusChanged(d, acked);
    expect((await pages.getEscalation(acked))?.status).toBe("done");
    await changeStatus({ store: incidents, clock }, resolved, { to: "resolved" }, slackUser);

    await sweepFor(d, 30);
    for (const id of [acked, resolved]) {
      expect(ladderLog(await pages.listPages(id)).every((line) => line.startsWith("0 "))).toBe(true);
    }
    expect(kinds(await timeline(acked), "escalation.stopped").map((e) => e.data.reason)).toEqual([
      "acknowledged",
    ]);
    expect(kinds(await timeline(resolved), "escalation.stopped").map((e) => e.data.reason)).toEqual([
      "resolved",
    ]);
  });

  it("role coverage: a SEV1 whose IC has not acknowledged re-pages the IC and escalates, until the IC acknowledges", async () => {
    const id = await alarm("checkout-down", "severity: sev1\nservice: checkout");
    const d = deps({}, { roleCoverageMinutes: { SEV1: 3 } });
    await onIncidentDeclared(d, id);
    await sweepFor(d, 3);

    let entries = await timeline(id);
    const coverage = kinds(entries, "escalation.role_coverage");
    expect(coverage.map((e) => minute(e.at))).toEqual([3]);
    expect(coverage[0]?.summary).toMatch(
      /SEV1 has no acknowledged incident commander 3 min after declaration/,
    );
    expect(coverage[0]?.summary).toContain("IC: Bob Okafor");
    const repage = (await pages.listPages(id)).filter((p) => p.purpose === "role_coverage");
    expect(repage.map((p) => `${minute(p.requestedAt)} ${p.channel} ${p.targetKey}`).sort()).toEqual([
      "3 slack person:bob",
      "3 sns person:bob",
    ]);
    // Escalated at once to level 2 (its timeout would have waited until minute 5).
    expect(
      kinds(entries, "escalation.escalated").map((e) => [minute(e.at), e.data.level, e.data.trigger]),
    ).toEqual([[3, 2, "role_coverage"]]);

    // Dana (not the IC) acknowledges: the ladder stops, but the IC is still not covered.
    const dana = await acknowledge(d, {
      incidentId: id,
      actor: { type: "slack", id: "U01DANA004", name: "dana" },
    });
    expect(dana.incident.status).toBe("acknowledged");
    await sweepFor(d, 3);
    entries = await timeline(id);
    expect(kinds(entries, "escalation.role_coverage").map((e) => minute(e.at))).toEqual([3, 6]);
    expect(
      kinds(entries, "escalation.escalated").map((e) => [minute(e.at), e.data.level, e.data.trigger]),
    ).toEqual([
      [3, 2, "role_coverage"],
      [6, 3, "role_coverage"],
    ]);

    // Bob acknowledges (from Slack): covered, nothing more is paged.
    const before = (await pages.listPages(id)).length;
    const bob = await acknowledge(d, {
      incidentId: id,
      actor: { type: "slack", id: "U01BOB0002", name: "bob" },
    });
    expect(bob.ok).toBe(true);
    await sweepFor(d, 30);
    expect((await pages.listPages(id)).length).toBe(before);
    expect((await pages.getEscalation(id))?.status).toBe("done");
    entries = await timeline(id);
    expect(kinds(entries, "escalation.role_coverage")).toHaveLength(2);
    expect(kinds(entries, "page.acknowledged").map((e) => [e.actor.id, e.data.incidentCommander])).toEqual([
      ["U01DANA004", false],
      ["U01BOB0002", true],
    ]);
  });
});

describe("acknowledgement", () => {
  async function declaredWithLink() {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    await onIncidentDeclared(deps(), id);
    const token = LINK.exec(sns.published[0]!.message)?.[1];
    expect(token).toBeDefined();
    return { id, token: token! };
  }

  it("a one-click link acknowledges once, as the paged person, and stops the escalation", async () => {
    const { id, token } = await declaredWithLink();
    const d = deps();
    now += 2 * MINUTE;
    const result = await acknowledgeByLink(d, token);
    expect(result).toMatchObject({
      ok: true,
      alreadyAcknowledged: false,
      incident: { status: "acknowledged" },
    });

    const entries = await timeline(id);
    const acked = kinds(entries, "page.acknowledged");
    expect(acked).toHaveLength(1);
    expect(acked[0]).toMatchObject({
      actor: { type: "user", id: "bob" },
      data: { via: "link", escalationStopped: true },
    });
    expect(kinds(entries, "incident.status_changed")[0]).toMatchObject({
      actor: { id: "bob" },
      data: { to: "acknowledged" },
    });
    const page = (await pages.listPages(id)).find((p) => p.channel === "sns");
    expect(page).toMatchObject({ state: "acknowledged", acknowledgedBy: { id: "bob" } });

    expect(await acknowledgeByLink(d, token)).toMatchObject({
      ok: false,
      reason: "already_used",
      subject: { page: expect.stringContaining("level 1") },
    });
    const count = (await pages.listPages(id)).length;
    await sweepFor(d, 60);
    expect((await pages.listPages(id)).length).toBe(count);
    expect(kinds(await timeline(id), "page.acknowledged")).toHaveLength(1);
  });

  it("forged, expired, malformed and dangling links acknowledge nothing", async () => {
    const { id, token } = await declaredWithLink();
    const d = deps();
    const pageId = (await pages.listPages(id)).find((p) => p.channel === "sns")!.pageId;
    const forged = signAckLink(
      { pageId, incidentId: id, expiresAt: new Date(now + 3600_000) },
      { id: ACK_KEY.id, secret: "another-secret-of-at-least-thirty-two-bytes" },
    );
    const unknownPage = signAckLink(
      {
        pageId: pageIdFor({
          incidentId: id,
          level: 9,
          round: 0,
          purpose: "escalation",
          targetKey: "person:x",
          channel: "sns",
        }),
        incidentId: id,
        expiresAt: new Date(now + 3600_000),
      },
      ACK_KEY,
    );
    expect(await acknowledgeByLink(d, forged)).toEqual({ ok: false, reason: "forged" });
    expect(await acknowledgeByLink(d, "not a token")).toEqual({ ok: false, reason: "malformed" });
    expect(await acknowledgeByLink(d, 42)).toEqual({ ok: false, reason: "malformed" });
    expect(await acknowledgeByLink(d, unknownPage)).toEqual({ ok: false, reason: "not_found" });
    now += 25 * 3600_000;
    expect(await acknowledgeByLink(d, token)).toEqual({ ok: false, reason: "expired" });

    expect((await incidents.getIncident(id))?.status).toBe("declared");
    expect(kinds(await timeline(id), "page.acknowledged")).toEqual([]);
  });

  it("accepts links signed with a previous key while it rotates out", async () => {
    const { token } = await declaredWithLink();
    const rotated = deps({
      ackKey: { id: "k2", secret: "the-new-secret-of-at-least-thirty-two-bytes" },
      previousAckKeys: [ACK_KEY],
    });
    expect(await acknowledgeByLink(rotated, token)).toMatchObject({ ok: true });
  });

  it("keeps 50 concurrent acknowledge and assign calls consistent, each accepted change on the timeline", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    const start = await incidents.getIncident(id);

    const calls = Array.from({ length: 50 }, (_, i) => {
      const actor: Actor = { type: "slack", id: `U0PERSON${i}`, name: `person ${i}` };
      return i % 2 === 0
        ? acknowledge(d, { incidentId: id, actor }).then((r) => ({
            kind: "ack" as const,
            changed: !r.alreadyAcknowledged,
          }))
        : assignRole(
            { store: incidents, clock },
            id,
            { role: "ic", personId: actor.id, personName: actor.name },
            actor,
          ).then(() => ({ kind: "assign" as const, changed: true }));
    });
    const results = await Promise.all(calls);
    const changedAcks = results.filter((r) => r.kind === "ack" && r.changed).length;
    expect(changedAcks).toBeGreaterThanOrEqual(1);
    expect(changedAcks).toBeLessThanOrEqual(2);

    const found = (await incidents.getIncidentWithTimeline(id))!;
    const { incident } = found;
    expect(incident.status).toBe("acknowledged");
    const statusChanges = kinds(found.timeline, "incident.status_changed");
    expect(statusChanges).toHaveLength(1);
    expect(kinds(found.timeline, "page.acknowledged")).toHaveLength(1);
    const handoffs = kinds(found.timeline, "incident.role_assigned").filter(
      (e) => e.data.role === "ic" && e.actor.type === "slack",
    );
    expect(handoffs).toHaveLength(25);
    // The chain of handoffs is unbroken and ends with the holder of the role.
    let holder = start?.roles?.ic?.personId;
    for (const entry of handoffs) {
      expect((entry.data.previous as { personId: string }).personId).toBe(holder);
      holder = String(entry.data.personId);
    }
    expect(incident.roles?.ic?.personId).toBe(holder);
    expect(incident.version).toBe((start?.version ?? 0) + 25 + 1);

    const escalation = await pages.getEscalation(id);
    expect(escalation).toMatchObject({ status: "done", doneReason: "acknowledged" });
  });

  it("acknowledges a named page and says when there was nothing left to acknowledge", async () => {
    const id = await alarm("checkout-5xx", "severity: sev3\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    const dm = (await pages.listPages(id)).find((p) => p.channel === "slack" && p.purpose === "escalation")!;
    const actor: Actor = { type: "slack", id: "U01BOB0002", name: "bob" };
    const first = await acknowledge(d, { incidentId: id, pageId: dm.pageId, actor }, "slack");
    expect(first).toMatchObject({ ok: true, pageId: dm.pageId, alreadyAcknowledged: false });
    const second = await acknowledge(d, { incidentId: id, pageId: dm.pageId, actor }, "slack");
    expect(second.alreadyAcknowledged).toBe(true);
    await expect(acknowledge(d, { incidentId: id, pageId: "NOPE", actor })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(acknowledge(d, { incidentId: "", actor })).rejects.toMatchObject({
      code: "validation_failed",
    });
    expect(kinds(await timeline(id), "page.acknowledged")).toHaveLength(1);
  });
});

describe("page ids", () => {
  it("are deterministic, ULID-shaped, and differ per level, round, target and channel", () => {
    const base = {
      incidentId: "01JABCDEFGHJKMNPQRSTVWXYZ0",
      level: 1,
      round: 0,
      purpose: "escalation" as const,
      targetKey: "person:bob",
      channel: "sns" as const,
    };
    const id = pageIdFor(base);
    expect(id).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(pageIdFor({ ...base })).toBe(id);
    const variants = [
      pageIdFor({ ...base, level: 2 }),
      pageIdFor({ ...base, round: 1 }),
      pageIdFor({ ...base, targetKey: "person:dana" }),
      pageIdFor({ ...base, channel: "slack" }),
      pageIdFor({ ...base, level: "fallback" }),
    ];
    expect(new Set([id, ...variants]).size).toBe(6);
  });
});

describe("a reopened incident pages by its escalation rules, not as a fresh storm", () => {
  const resolving = { autoResolveOnOk: true };
  /** One transition of `name` at `seconds` after T0, ingested at the fake clock's time. */
  async function deliver(name: string, state: "ALARM" | "OK", seconds: number) {
    return ingestAlarmTransition(
      { store: incidents, clock, config: resolving },
      alarmTransition(name, state, seconds, { description: "severity: sev3\nservice: checkout" }),
    );
  }
  const smsTo = (phone: string) => sns.published.filter((p) => p.phoneNumber === phone);

  it("fire/ok ×3 in 20 s: one SMS to the on-call, not three; the later episodes are held by level 1's timeout", async () => {
    const d = deps();
    const first = await deliver("checkout-flap", "ALARM", 0);
    await onIncidentDeclared(d, first.incidentId!);
    expect(smsTo("+12025550102")).toHaveLength(1); // bob, level 1
    for (const [state, seconds] of [
      ["OK", 3],
      ["ALARM", 7],
      ["OK", 10],
      ["ALARM", 14],
      ["OK", 20],
    ] as const) {
      now = T0 + seconds * 1000;
      const result = await deliver("checkout-flap", state, seconds);
      expect(result.incidentId).toBe(first.incidentId);
      await onIncidentStatusChanged(d, first.incidentId!);
    }
    const entries = await timeline(first.incidentId!);
    const restarts = kinds(entries, "escalation.restarted");
    expect(restarts.map((e) => e.data.episode)).toEqual([2, 3]);
    // Both held until level 1's 5 minutes have run since the first page.
    expect(restarts.map((e) => e.data.notBefore)).toEqual([
      new Date(T0 + 5 * MINUTE).toISOString(),
      new Date(T0 + 5 * MINUTE).toISOString(),
    ]);
    expect(smsTo("+12025550102")).toHaveLength(1);
    // It ended resolved: when the hold runs out, nobody is paged.
    await sweepFor(d, 20);
    expect(sns.published).toHaveLength(1);
    expect((await incidents.getIncident(first.incidentId!))?.status).toBe("resolved");
  });

  it("a reopening still firing when the hold runs out pages level 1 again, as new pages, then escalates", async () => {
    const d = deps();
    const first = await deliver("checkout-again", "ALARM", 0);
    await onIncidentDeclared(d, first.incidentId!);
    now = T0 + 60_000;
    await deliver("checkout-again", "OK", 60);
    await onIncidentStatusChanged(d, first.incidentId!);
    now = T0 + 120_000;
    expect((await deliver("checkout-again", "ALARM", 120)).outcome).toBe("reopened");
    await onIncidentStatusChanged(d, first.incidentId!);
    await onIncidentStatusChanged(d, first.incidentId!); // redelivered: nothing more
    expect(smsTo("+12025550102")).toHaveLength(1);
    await sweepFor(d, 3); // T0 + 5 min: the hold runs out
    expect(smsTo("+12025550102")).toHaveLength(2);
    const list = await listPages(d, first.incidentId!);
    const bobSms = list.filter((p) => p.channel === "sns" && p.purpose === "escalation");
    expect(new Set(bobSms.map((p) => p.pageId)).size).toBe(2);
    // Nobody acknowledges the reopened incident: level 2 (dana) 5 minutes later, as the policy says.
    await sweepFor(d, 5);
    expect(smsTo("+493055550104")).toHaveLength(1);
  });

  it("a reopening long after the last start pages at once; an acknowledgement of the first episode does not count", async () => {
    const d = deps();
    const first = await deliver("checkout-later", "ALARM", 0);
    await onIncidentDeclared(d, first.incidentId!);
    await acknowledge(d, {
      incidentId: first.incidentId!,
      actor: { type: "user", id: "bob", name: "Bob Okafor" },
    });
    now = T0 + 10 * MINUTE;
    await deliver("checkout-later", "OK", 600);
    await onIncidentStatusChanged(d, first.incidentId!);
    now = T0 + 30 * MINUTE;
    expect((await deliver("checkout-later", "ALARM", 1800)).outcome).toBe("reopened");
    await onIncidentStatusChanged(d, first.incidentId!);
    expect(smsTo("+12025550102")).toHaveLength(2);
    const restarted = kinds(await timeline(first.incidentId!), "escalation.restarted");
    expect(restarted).toHaveLength(1);
    expect(restarted[0]!.summary).toMatch(/episode 2.*paging level 1 now/);
  });
});

describe("urgency: SEV1–SEV2 page at once everywhere, SEV3–SEV5 by Slack and SMS in working hours", () => {
  /** Thursday 2026-12-03 03:00 in London (GMT): the checkout team's night. */
  const NIGHT = Date.parse("2026-12-03T03:00:00Z");
  /** 09:00 London the same day: checkout's working hours start (Mon–Fri 09:00, the demo's zone). */
  const MORNING = Date.parse("2026-12-03T09:00:00Z");

  beforeEach(async () => {
    await directory.apply(demo); // as written: SEV1–SEV2 high urgency
    now = NIGHT;
  });

  function onCall() {
    const roles = assignInitialRoles(demo, "checkout", new Date(NIGHT), "210987654321");
    const ic = demo.people.find((p) => p.id === roles.ic?.id)!;
    const level2 = demo.people.find((p) => p.id === roles.ops?.id)!;
    return { ic, level2 };
  }

  it("a SEV4 at 03:00 team time sends no SMS: a Slack DM at once, the SMS held to 09:00, no escalation", async () => {
    const { ic } = onCall();
    const id = await alarm("checkout-queue-age", "severity: sev4\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);

    expect(sns.published).toEqual([]);
    expect(postMessages().map((c) => c.body.channel)).toContain(ic.slackUserId);
    const entries = await timeline(id);
    const held = kinds(entries, "page.held");
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({
      summary: `SMS to ${ic.name} held: SEV4 is low urgency; sent Thu 3 Dec 09:00 Europe/London unless acknowledged by then`,
      data: {
        personId: ic.id,
        level: 1,
        severity: "SEV4",
        urgency: "low",
        sendAt: "2026-12-03T09:00:00.000Z",
      },
    });
    expect(kinds(entries, "escalation.stopped").map((e) => e.data.reason)).toEqual(["low_urgency"]);

    // The whole night passes: nobody else is paged, no SMS is sent, the ladder does not climb.
    await sweepFor(d, 5 * 60 + 59);
    expect(sns.published).toEqual([]);
    expect(new Set((await pages.listPages(id)).map((p) => p.level))).toEqual(new Set([1]));

    // 09:00: still unacknowledged, so the SMS goes, with its one-click link.
    now = MORNING - MINUTE;
    await sweepFor(d, 1);
    expect(sns.published.map((m) => m.phoneNumber)).toEqual([ic.phone]);
    expect(sns.published[0]!.message).toMatch(LINK);
    const sms = (await pages.listPages(id)).filter((p) => p.channel === "sns");
    expect(sms).toMatchObject([
      { state: "delivered", level: 1, round: 0, requestedAt: new Date(MORNING).toISOString() },
    ]);
    const after = await timeline(id);
    expect(kinds(after, "page.requested").filter((e) => e.data.channel === "sns")).toHaveLength(1);
    expect((await pages.getEscalation(id))?.held).toBeUndefined();
    // And nothing more after it: no escalation for low urgency.
    await sweepFor(d, 60);
    expect(sns.published).toHaveLength(1);
  });

  it("a SEV1 at the same hour sends the SMS at once and escalates", async () => {
    const { ic, level2 } = onCall();
    const id = await alarm("checkout-down", "severity: sev1\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    expect(sns.published.map((m) => m.phoneNumber)).toEqual([ic.phone]);
    expect(kinds(await timeline(id), "page.held")).toEqual([]);
    await sweepFor(d, 5);
    expect(sns.published.map((m) => m.phoneNumber)).toContain(level2.phone);
  });

  it("a held SMS is not sent once the incident is acknowledged, nor once it is resolved", async () => {
    const acked = await alarm("checkout-queue-age", "severity: sev4\nservice: checkout");
    now += 1000;
    const resolved = await alarm("cart-queue-age", "severity: sev5\nservice: cart");
    const d = deps();
    await onIncidentDeclared(d, acked);
    await onIncidentDeclared(d, resolved);
    now = NIGHT + 2 * 60 * MINUTE;
    await acknowledge(d, { incidentId: acked, actor: { type: "user", id: onCall().ic.id } });
    await changeStatus(
      { store: incidents, clock },
      resolved,
      { to: "resolved" },
      {
        type: "user",
        id: "kate",
      },
    );
    await onIncidentStatusChanged(d, resolved);

    now = MORNING + MINUTE;
    await sweepEscalations(d);
    expect(sns.published).toEqual([]);
    const cancelled = [
      ...kinds(await timeline(acked), "page.hold_cancelled"),
      ...kinds(await timeline(resolved), "page.hold_cancelled"),
    ];
    expect(cancelled.map((e) => e.data.reason)).toEqual(["acknowledged", "the incident is resolved"]);
    expect(await pages.queryDue(new Date(MORNING + 24 * 60 * MINUTE))).toEqual([]);
  });

  it("within working hours a low-urgency SMS waits the policy's delay (15 min), then goes", async () => {
    now = Date.parse("2026-12-03T10:00:00Z");
    const id = await alarm("checkout-queue-age", "severity: sev3\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    await sweepFor(d, 14);
    expect(sns.published).toEqual([]);
    await sweepFor(d, 1);
    expect(sns.published.map((m) => m.phoneNumber)).toHaveLength(1);
    expect(kinds(await timeline(id), "page.held")[0]?.data.sendAt).toBe("2026-12-03T10:15:00.000Z");
  });

  it("raising the severity to high urgency sends the held SMS at once and lets the ladder climb", async () => {
    const { ic, level2 } = onCall();
    const id = await alarm("checkout-queue-age", "severity: sev4\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    now = NIGHT + 20 * MINUTE;
    await sweepEscalations(d);
    expect(sns.published).toEqual([]);

    await changeSeverity(
      { store: incidents, clock },
      id,
      { severity: "SEV2" },
      { type: "user", id: "kate", name: "Kate Lindqvist" },
    );
    await onIncidentStatusChanged(d, id); // what the pager does on incident.severity_changed
    // The held SMS to level 1 now; level 1's 5 minutes ran out long ago, so level 2 at once too.
    expect(sns.published.map((m) => m.phoneNumber)).toEqual(expect.arrayContaining([ic.phone, level2.phone]));
    const entries = await timeline(id);
    expect(kinds(entries, "incident.severity_changed")[0]).toMatchObject({
      summary: "severity raised from SEV4 to SEV2 by Kate Lindqvist",
      data: { from: "SEV4", to: "SEV2", direction: "raised" },
    });
    expect(kinds(entries, "escalation.escalated").map((e) => e.data.trigger)).toEqual(["urgency_raised"]);
    // From then on it is high urgency: the ladder goes on by its timeouts.
    await sweepFor(d, 10);
    const levels = new Set((await pages.listPages(id)).map((p) => p.level));
    expect([...levels]).toEqual(expect.arrayContaining([1, 2, 3]));
    // A redelivered severity_changed event changes nothing more.
    const before = (await pages.listPages(id)).length;
    await onIncidentStatusChanged(d, id);
    expect((await pages.listPages(id)).length).toBe(before);
  });
});

describe("grouped alarms: the incident commander hears of each one, once", () => {
  const ingestGrouped = (name: string) =>
    ingestAlarmTransition(
      { store: incidents, clock, directory: async () => demoHigh },
      alarmTransition(name, "ALARM", 0, { description: "severity: sev3\nservice: checkout" }),
    );

  it("pages the current IC (not the ladder) once per grouped alarm, even after an acknowledgement", async () => {
    const first = await ingestGrouped("checkout-5xx");
    const d = deps();
    await onIncidentDeclared(d, first.incidentId!);
    const ic = (await incidents.getIncident(first.incidentId!))!.roles!.ic!;
    const before = sns.published.length;

    now += MINUTE;
    const second = await ingestGrouped("checkout-latency");
    expect(second).toMatchObject({ outcome: "grouped", incidentId: first.incidentId });
    await onIncidentStatusChanged(d, first.incidentId!); // the pager on incident.alarm_attached
    await onIncidentStatusChanged(d, first.incidentId!); // redelivered: nothing more
    const related = (await pages.listPages(first.incidentId!)).filter((p) => p.purpose === "related_alarm");
    expect(
      related.map((p) => `${p.channel} ${p.target.kind === "person" ? p.target.personId : ""}`).sort(),
    ).toEqual([`slack ${ic.personId}`, `sns ${ic.personId}`]);
    expect(sns.published).toHaveLength(before + 1);
    expect(sns.published.at(-1)!.message).toContain("checkout");

    // Acknowledged: the ladder stops, but a third alarm still reaches the IC, once.
    await acknowledge(d, { incidentId: first.incidentId!, actor: { type: "user", id: ic.personId } });
    now += MINUTE;
    expect((await ingestGrouped("checkout-saturation")).outcome).toBe("grouped");
    await onIncidentStatusChanged(d, first.incidentId!);
    await sweepFor(d, 10);
    const all = (await pages.listPages(first.incidentId!)).filter((p) => p.purpose === "related_alarm");
    expect(all).toHaveLength(4);
    expect(all.every((p) => p.target.kind === "person" && p.target.personId === ic.personId)).toBe(true);
    // Nothing else was paged: no level 2, no repeat.
    expect(new Set((await pages.listPages(first.incidentId!)).map((p) => p.level))).toEqual(
      new Set([1, "related_alarm"]),
    );
  });

  it("an alarm grouped before the roles are written waits for the IC, then pages them once", async () => {
    const first = await ingestGrouped("checkout-5xx");
    now += 1000;
    // Both alarms are in before the pager runs: its first plan has no IC yet (roles follow pages).
    expect((await ingestGrouped("checkout-latency")).outcome).toBe("grouped");
    const d = deps();
    await onIncidentDeclared(d, first.incidentId!);
    const ic = (await incidents.getIncident(first.incidentId!))!.roles!.ic!;
    await sweepFor(d, 1);
    const related = (await pages.listPages(first.incidentId!)).filter((p) => p.purpose === "related_alarm");
    expect(related.length).toBeGreaterThan(0);
    expect(related.every((p) => p.target.kind === "person" && p.target.personId === ic.personId)).toBe(true);
    expect(kinds(await timeline(first.incidentId!), "escalation.related_alarm")).toEqual([]);
  });
});

describe("people paged in by request (incident.responder_requested)", () => {
  const ask = (id: string, request: { personId?: string; team?: string; message?: string }) =>
    requestResponders({ store: incidents, clock, directory: async () => demoHigh }, id, request, {
      type: "user",
      id: "bob",
      name: "Bob Okafor",
    });
  const responderPages = async (id: string) =>
    (await pages.listPages(id)).filter((p) => p.purpose === "responder");
  const who = (list: StoredPage[]) =>
    list.map((p) => `${p.channel} ${p.target.kind === "person" ? p.target.personId : ""}`).sort();

  it("pages a person outside the ladder at once, on their channels, once however often the event comes", async () => {
    await directory.apply(demo); // as written: a SEV4 is low urgency (and T0 is a Saturday)
    const id = await alarm("checkout-5xx", "severity: sev4\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    expect(kinds(await timeline(id), "page.held").length).toBeGreaterThan(0); // the ladder's SMS waits
    const { people } = await ask(id, { personId: "maria", message: "we need the database owner" });
    expect(people).toEqual([{ personId: "maria", name: expect.any(String) }]);
    await onIncidentStatusChanged(d, id); // the pager on incident.responder_requested
    await onIncidentStatusChanged(d, id); // redelivered
    const paged = await responderPages(id);
    // A SEV4 is low urgency, but a person asked for by name gets the SMS now, not held.
    expect(who(paged)).toEqual(["slack maria", "sns maria"]);
    expect(paged.every((p) => p.state !== "requested")).toBe(true);
    const sms = sns.published.find((m) => m.phoneNumber === "+34915550113");
    expect(sms?.message).toMatch(/INC-\d+/);
    expect(postMessages().map((c) => c.body.channel)).toContain("U05MARIA13");
    const requested = kinds(await timeline(id), "incident.responder_requested");
    expect(requested).toHaveLength(1);
    expect(requested[0]!.summary).toMatch(/^Bob Okafor paged .+ into INC-\d+: we need the database owner$/);
    expect(requested[0]!.actor).toEqual({ type: "user", id: "bob", name: "Bob Okafor" });
    // Asked again: paged again (a new request), once.
    await ask(id, { personId: "maria" });
    await onIncidentStatusChanged(d, id);
    expect((await responderPages(id)).length).toBe(paged.length * 2);
  });

  it("pages a team's current on-call; refuses an unknown person or team, a team with nobody on call, and a resolved incident", async () => {
    const id = await alarm("checkout-5xx", "severity: sev2\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    const { people } = await ask(id, { team: "payments" });
    expect(people.length).toBeGreaterThan(0);
    await onIncidentStatusChanged(d, id);
    const paged = await responderPages(id);
    expect(new Set(paged.map((p) => (p.target.kind === "person" ? p.target.personId : "")))).toEqual(
      new Set(people.map((p) => p.personId)),
    );
    const entry = kinds(await timeline(id), "incident.responder_requested")[0]!;
    expect(entry.summary).toContain("(team payments's on-call)");

    await expect(ask(id, { personId: "nobody" })).rejects.toMatchObject({
      issues: [{ path: "personId", message: 'unknown person "nobody" (see GET /api/people)' }],
    });
    await expect(ask(id, { team: "nope" })).rejects.toMatchObject({ issues: [{ path: "team" }] });
    await expect(ask(id, { personId: "maria", team: "payments" })).rejects.toMatchObject({
      issues: [{ path: "personId" }],
    });
    await expect(ask(id, {})).rejects.toMatchObject({ issues: [{ path: "personId" }] });
    await changeStatus({ store: incidents, clock }, id, { to: "resolved" });
    await expect(ask(id, { personId: "maria" })).rejects.toMatchObject({ code: "incident_resolved" });
  });

  it("pages someone asked for before the declaration was handled (events out of order)", async () => {
    const id = await alarm("checkout-5xx", "severity: sev2\nservice: checkout");
    await ask(id, { personId: "maria" });
    const d = deps();
    await onIncidentStatusChanged(d, id); // the request's event first: no escalation yet
    expect(await responderPages(id)).toEqual([]);
    await onIncidentDeclared(d, id);
    expect(who(await responderPages(id))).toEqual(expect.arrayContaining([expect.stringMatching(/ maria$/)]));
  });
});

describe("escalate now and re-page (incident.escalation_requested)", () => {
  const asker = { type: "user" as const, id: "dana", name: "Dana Fischer" };
  const escalate = (id: string, mode: "next" | "repage", reason?: string) =>
    requestEscalation({ store: incidents, clock }, id, { mode, ...(reason ? { reason } : {}) }, asker);
  const levelsPaged = async (id: string) =>
    (await pages.listPages(id)).filter((p) => p.purpose === "escalation").map((p) => p.level);

  it("escalates to the next level at once, once however often the event comes; the ladder goes on from there", async () => {
    const id = await alarm("checkout-5xx", "severity: sev2\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    expect(new Set(await levelsPaged(id))).toEqual(new Set([1]));
    await escalate(id, "next", "level 1 is on a plane");
    await onIncidentStatusChanged(d, id);
    await onIncidentStatusChanged(d, id); // redelivered
    expect(new Set(await levelsPaged(id))).toEqual(new Set([1, 2]));
    const escalated = kinds(await timeline(id), "escalation.escalated");
    expect(escalated.map((e) => e.data.trigger)).toEqual(["requested"]);
    expect(escalated[0]!.summary).toMatch(
      /^escalate now \(asked by Dana Fischer\): escalated to level 2: paging /,
    );
    expect(kinds(await timeline(id), "incident.escalation_requested")[0]!.summary).toBe(
      "Dana Fischer asked to escalate now: level 1 is on a plane",
    );
    await sweepFor(d, 30);
    expect(new Set(await levelsPaged(id))).toContain(3);
  });

  it("escalates after an acknowledgement too, without restarting the ladder; with nothing left, says so", async () => {
    const id = await alarm("checkout-5xx", "severity: sev2\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    const ic = (await incidents.getIncident(id))!.roles!.ic!;
    await acknowledge(d, { incidentId: id, actor: { type: "user", id: ic.personId } });
    await escalate(id, "next");
    await onIncidentStatusChanged(d, id);
    expect(new Set(await levelsPaged(id))).toEqual(new Set([1, 2]));
    await sweepFor(d, 60);
    expect(new Set(await levelsPaged(id))).toEqual(new Set([1, 2])); // acknowledged: no timeouts
    for (let i = 0; i < 8; i++) {
      await escalate(id, "next");
      await onIncidentStatusChanged(d, id);
    }
    const noop = kinds(await timeline(id), "escalation.request_noop");
    expect(noop.length).toBeGreaterThan(0);
    expect(noop[0]!.summary).toBe(
      "escalate now (asked by Dana Fischer): nothing more to page: every level and the fallback have been paged",
    );
  });

  it("re-pages the level paged last, at once even at low urgency, once per request", async () => {
    await directory.apply(demo); // as written: a SEV4 is low urgency (T0 is a Saturday: SMS held)
    const id = await alarm("checkout-queue", "severity: sev4\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    const smsBefore = sns.published.length;
    await escalate(id, "repage");
    await onIncidentStatusChanged(d, id);
    await onIncidentStatusChanged(d, id);
    const repaged = (await pages.listPages(id)).filter((p) => p.purpose === "repage");
    expect(repaged.length).toBeGreaterThan(0);
    expect(repaged.every((p) => p.level === 1)).toBe(true);
    expect(repaged.some((p) => p.channel === "sns")).toBe(true);
    expect(sns.published.length).toBeGreaterThan(smsBefore);
    const entry = kinds(await timeline(id), "escalation.repaged");
    expect(entry).toHaveLength(1);
    expect(entry[0]!.summary).toMatch(/^level 1 paged again \(asked by Dana Fischer\): /);
    await changeStatus({ store: incidents, clock }, id, { to: "resolved" });
    await expect(escalate(id, "repage")).rejects.toMatchObject({ code: "incident_resolved" });
  });
});

describe("assigning a role pages the assignee (the IC by default)", () => {
  const dana = { type: "user" as const, id: "dana", name: "Dana Fischer" };
  const responderPages = async (id: string) =>
    (await pages.listPages(id))
      .filter((p) => p.purpose === "responder")
      .map((p) => p.target.kind === "person" && p.target.personId);

  it("pages a new IC, not a new ops lead unless asked, and never someone who took the role themselves", async () => {
    const id = await alarm("checkout-5xx", "severity: sev2\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    const act = { store: incidents, clock };
    await assignRole(act, id, { role: "ic", personId: "maria", personName: "María Gómez" }, dana);
    await assignRole(act, id, { role: "ops", personId: "liam", personName: "Liam Brooks" }, dana);
    await assignRole(act, id, { role: "comms", personId: "hiro", personName: "Hiro", page: true }, dana);
    await assignRole(act, id, { role: "ic", personId: "dana", personName: "Dana Fischer" }, dana);
    await onIncidentStatusChanged(d, id);
    await onIncidentStatusChanged(d, id);
    expect(new Set(await responderPages(id))).toEqual(new Set(["maria", "hiro"]));
    const requested = kinds(await timeline(id), "incident.responder_requested");
    expect(requested.map((e) => e.summary)).toEqual([
      expect.stringMatching(/^Dana Fischer paged María Gómez: assigned as IC of INC-\d+$/),
      expect.stringMatching(/^Dana Fischer paged Hiro: assigned as COMMS of INC-\d+$/),
    ]);
    expect(requested[0]!.data.message).toBe("you are now the IC (assigned by Dana Fischer)");
  });
});

describe("reopening a resolved incident by hand", () => {
  it("goes back to declared with a reason, pages again as a new episode, and refuses what cannot be reopened", async () => {
    const id = await alarm("checkout-5xx", "severity: sev2\nservice: checkout");
    const d = deps();
    await onIncidentDeclared(d, id);
    const act = { store: incidents, clock };
    await expect(reopenIncident(act, id, { reason: "not resolved yet" })).rejects.toMatchObject({
      code: "not_resolved",
    });
    await changeStatus(act, id, { to: "resolved" });
    await onIncidentStatusChanged(d, id);
    now += 10 * MINUTE;
    await expect(reopenIncident(act, id, { reason: "  " })).rejects.toMatchObject({
      issues: [{ path: "reason" }],
    });
    const after = await reopenIncident(
      act,
      id,
      { reason: "the 5xx are back" },
      { type: "user", id: "dana", name: "Dana Fischer" },
    );
    expect(after).toMatchObject({ status: "declared", reopens: 1 });
    const entry = kinds(await timeline(id), "incident.status_changed").at(-1)!;
    expect(entry.summary).toBe("reopened by Dana Fischer: the 5xx are back");
    expect(entry.data).toMatchObject({ from: "resolved", to: "declared", reopened: true, automatic: false });
    await onIncidentStatusChanged(d, id); // the pager on that status change
    expect(kinds(await timeline(id), "escalation.restarted")).toHaveLength(1);
    // Level 1 is paged again, as new pages of the new episode (its timeout had run since the start).
    const entries = await timeline(id);
    const reopenedAt = entries.findIndex((e) => e.summary.startsWith("reopened by"));
    expect(
      entries.slice(reopenedAt).filter((e) => e.kind === "page.requested" && /\(level 1\)/.test(e.summary))
        .length,
    ).toBeGreaterThan(0);
    // Resolved again, a week and more later: too late to reopen.
    await changeStatus(act, id, { to: "resolved" });
    now += 8 * 24 * 60 * MINUTE;
    await expect(reopenIncident(act, id, { reason: "again" })).rejects.toMatchObject({
      code: "reopen_window_passed",
    });
  });
});
