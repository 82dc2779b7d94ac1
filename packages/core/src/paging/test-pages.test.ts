/**
 * Test pages against DynamoDB Local: who a request resolves to (a person, a team's level-1
 * on-call, a service's owning team), what is refused and why, the rate limit, the record and its
 * `page.test_requested` entry written together in the test page's own partition (no incident, no
 * incident number), and acknowledgement by link: once, and never by a forged or foreign link.
 */

import { createTestTable, getItem, partitionItems, storeFor } from "@firebreak/testkit/dynamo";
import { tamper } from "@firebreak/testkit/tamper";
import { beforeEach, describe, expect, it } from "vitest";
import { keys } from "../adapters/dynamodb/keys";
import { DirectoryStore } from "../adapters/dynamodb/oncall/store";
import { TestPageRequestStore } from "../adapters/dynamodb/paging/test-page-request-store";
import { parseDirectoryYaml } from "../oncall/directory-yaml";
import { signAckLink } from "./ack-link";
import { acknowledgeTestPageByLink, inspectTestPageLink, type TestAckDeps } from "./test-page-ack";
import { testSendId } from "./test-page-ids";
import { testAckLink } from "./test-page-send";
import { getTestPage, readTestPageTarget, requestTestPage, TEST_PAGE_KIND } from "./test-pages";

const DIRECTORY = parseDirectoryYaml(`
version: 1
people:
  - id: alice
    name: Alice Ng
    slackUserId: U0ALICE001
    phone: "+12025550147"
    timezone: UTC
    notify:
      high: [{ method: slack, delayMinutes: 0 }, { method: sms, delayMinutes: 2 }, { method: voice, delayMinutes: 5 }]
      low: [{ method: slack, delayMinutes: 0 }]
  - { id: bob, name: Bob Ortiz, phone: "+12025550148", timezone: UTC }
  - { id: carol, name: Carol Diaz, email: carol@example.com, timezone: UTC }
teams:
  - id: checkout
    name: Checkout
    services: [checkout, cart]
    rotations:
      - { id: primary, members: [alice, bob], shift: { type: weekly }, handoffTime: "09:00", timezone: UTC, start: "2026-03-02" }
    escalationPolicy:
      levels:
        - targets: [{ type: rotation, id: primary }]
          timeoutMinutes: 15
      fallback: { type: person, id: carol }
  - id: nightly
    name: Nightly
    services: [batch]
    rotations:
      - { id: later, members: [bob], shift: { type: weekly }, handoffTime: "09:00", timezone: UTC, start: "2030-01-07" }
    escalationPolicy:
      levels:
        - targets: [{ type: rotation, id: later }]
          timeoutMinutes: 15
      fallback: { type: person, id: carol }
`);

// 2026-03-14 is in the rotation's second week: bob is on call (alice had the first).
let now = Date.parse("2026-03-14T10:00:00.000Z");
const clock = { now: () => new Date(now) };
const KEY = { id: "k1", secret: "a-test-secret-of-at-least-thirty-two-bytes!" };
let store: TestPageRequestStore;
let directory: DirectoryStore;
let db: TestPageRequestStore["db"];
let tableName: string;

const responder = (personId: string, name: string) => ({
  actor: { type: "user" as const, id: personId, name },
  personId,
  anyone: true,
});
const viewer = (personId: string) => ({
  actor: { type: "user" as const, id: personId },
  personId,
  anyone: false,
});

beforeEach(async () => {
  const incidents = storeFor(await createTestTable("testpage"));
  db = incidents.db;
  tableName = incidents.tableName;
  store = new TestPageRequestStore(db, tableName);
  directory = new DirectoryStore(db, tableName, clock);
  await directory.apply(DIRECTORY, 0);
  now += 3600_000;
});

const deps = () => ({ directory, testPages: store, clock });
const ackDeps = (): TestAckDeps => ({ ackKey: KEY, clock, testPages: store, ackLinkTtlMs: 24 * 3600_000 });

describe("requestTestPage", () => {
  it("to a person: every method of their high-urgency rules, with its entry in the test page's own partition", async () => {
    const view = await requestTestPage(
      deps(),
      { kind: "person", id: "alice" },
      responder("bob", "Bob Ortiz"),
    );
    expect(view).toMatchObject({
      target: { kind: "person", id: "alice", name: "Alice Ng" },
      requestedBy: { id: "bob", name: "Bob Ortiz" },
      state: "sending",
      allDelivered: false,
      acknowledged: false,
      people: [
        {
          personId: "alice",
          methods: [
            { method: "slack", status: "pending" },
            { method: "sms", status: "pending" },
            { method: "voice", status: "pending" },
          ],
        },
      ],
    });
    const items = await partitionItems(db, tableName, keys.testPagePartition(view.id));
    const entries = (items ?? []).filter((i) => i.type === "timeline");
    expect(entries).toEqual([
      expect.objectContaining({
        kind: TEST_PAGE_KIND,
        incidentId: `TESTPAGE#${view.id}`,
        summary: "test page to Alice Ng (person Alice Ng) requested by Bob Ortiz",
        data: expect.objectContaining({ testPageId: view.id, people: ["alice"] }),
      }),
    ]);
    expect(entries[0]?.sk).toMatch(/^TL#/);
    // No incident number was taken.
    expect(await getItem(db, tableName, keys.counter())).toBeUndefined();
    expect(await getTestPage({ testPages: store }, view.id)).toEqual(view);
  });

  it("to a team: its level-1 on-call now; to a service: its owning team's", async () => {
    const team = await requestTestPage(
      deps(),
      { kind: "team", id: "checkout" },
      responder("alice", "Alice Ng"),
    );
    expect(team.people.map((p) => p.personId)).toEqual(["bob"]);
    // Bob's default rules: SMS and Slack at once, a call at 5 minutes; he has no Slack id.
    expect(team.people[0]?.methods).toEqual([
      { method: "sms", status: "pending" },
      {
        method: "slack",
        status: "failed",
        failedAt: clock.now().toISOString(),
        error: { code: "no_address", message: "Bob Ortiz has no Slack user id in the directory" },
      },
      { method: "voice", status: "pending" },
    ]);
    now += 61_000;
    const service = await requestTestPage(
      deps(),
      { kind: "service", id: "cart" },
      responder("alice", "Alice Ng"),
    );
    expect(service.target).toEqual({ kind: "service", id: "cart", name: "cart (Checkout)" });
    expect(service.people.map((p) => p.personId)).toEqual(["bob"]);
  });

  it("refuses what cannot be tested, naming why", async () => {
    const asAlice = responder("alice", "Alice Ng");
    await expect(requestTestPage(deps(), { kind: "person", id: "zed" }, asAlice)).rejects.toMatchObject({
      code: "not_found",
      message: expect.stringContaining("zed"),
    });
    await expect(requestTestPage(deps(), { kind: "team", id: "zed" }, asAlice)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(requestTestPage(deps(), { kind: "service", id: "zed" }, asAlice)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(requestTestPage(deps(), { kind: "team", id: "nightly" }, asAlice)).rejects.toMatchObject({
      code: "nobody_to_page",
      message: expect.stringContaining("nobody is on call at level 1 of Nightly's escalation policy"),
    });
    await expect(requestTestPage(deps(), { kind: "person", id: "carol" }, asAlice)).rejects.toMatchObject({
      code: "no_contact_method",
      message: expect.stringContaining("Carol Diaz has no contact method to test"),
    });
    // A viewer tests themselves, nobody else.
    await expect(
      requestTestPage(deps(), { kind: "person", id: "alice" }, viewer("bob")),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(
      requestTestPage(deps(), { kind: "team", id: "checkout" }, viewer("bob")),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
    expect((await requestTestPage(deps(), { kind: "person", id: "bob" }, viewer("bob"))).people).toHaveLength(
      1,
    );
  });

  it("one a minute to the same person: 429-worthy, naming them, and nothing written", async () => {
    await requestTestPage(deps(), { kind: "person", id: "bob" }, responder("alice", "Alice Ng"));
    now += 30_000;
    await expect(
      requestTestPage(deps(), { kind: "team", id: "checkout" }, responder("alice", "Alice Ng")),
    ).rejects.toMatchObject({
      code: "rate_limited",
      message: "Bob Ortiz was sent a test page less than a minute ago: try again in a minute",
      retryAfterSeconds: 60,
    });
    expect(
      (await requestTestPage(deps(), { kind: "person", id: "alice" }, responder("bob", "Bob Ortiz"))).id,
    ).toBeTruthy();
    now += 31_000;
    expect(
      (await requestTestPage(deps(), { kind: "person", id: "bob" }, responder("alice", "Alice Ng"))).id,
    ).toBeTruthy();
  });
});

describe("readTestPageTarget", () => {
  it("takes exactly one id, naming the field at fault", () => {
    expect(readTestPageTarget({ person: " alice " })).toEqual({ kind: "person", id: "alice" });
    expect(readTestPageTarget({ service: "cart" })).toEqual({ kind: "service", id: "cart" });
    const issues = (body: unknown) => {
      try {
        readTestPageTarget(body);
        return undefined;
      } catch (error) {
        return (error as { issues: unknown }).issues;
      }
    };
    expect(issues({ person: "a", team: "b" })).toEqual([
      { path: "(root)", message: "expected exactly one of person, team, service (got 2)" },
    ]);
    expect(issues({ team: "</script>" })).toEqual([
      { path: "team", message: "expected an id (1–128 of A–Z a–z 0–9 _ . : @ -)" },
    ]);
    expect(issues({ person: 42 })).toEqual([
      { path: "person", message: "expected an id (1–128 of A–Z a–z 0–9 _ . : @ -)" },
    ]);
    expect(issues({ __proto__: { person: "x" } })).toEqual([
      { path: "(root)", message: "expected exactly one of person, team, service (got 0)" },
    ]);
    expect(issues("alice")).toEqual([
      { path: "(root)", message: "expected an object with one of person, team, service" },
    ]);
  });
});

describe("acknowledging a test page by its link", () => {
  it("works once; a replay changes nothing; a forged or foreign link is not a test page's", async () => {
    const view = await requestTestPage(
      deps(),
      { kind: "person", id: "alice" },
      responder("bob", "Bob Ortiz"),
    );
    const sendId = testSendId(view.id, "alice", "sms");
    const link = testAckLink(
      { ackKey: KEY, ackBaseUrl: "https://fb.test/ack" },
      view.id,
      sendId,
      clock.now(),
    );
    const token = link.split("/ack/")[1]!;

    expect(await inspectTestPageLink(ackDeps(), token)).toMatchObject({
      ok: true,
      subject: { testPageId: view.id, person: "Alice Ng", method: "sms", requestedBy: "Bob Ortiz" },
    });
    now += 60_000;
    const first = await acknowledgeTestPageByLink(ackDeps(), token);
    expect(first).toMatchObject({ ok: true });
    const acked = await getTestPage({ testPages: store }, view.id);
    expect(acked.acknowledged).toBe(true);
    expect(acked.people[0]).toMatchObject({
      acknowledgedAt: clock.now().toISOString(),
      acknowledgedVia: "link",
    });

    now += 60_000;
    expect(await acknowledgeTestPageByLink(ackDeps(), token)).toMatchObject({
      ok: false,
      reason: "already_used",
    });
    expect(await inspectTestPageLink(ackDeps(), token)).toMatchObject({ ok: false, reason: "already_used" });
    expect((await getTestPage({ testPages: store }, view.id)).people[0]?.acknowledgedAt).toBe(
      acked.people[0]?.acknowledgedAt,
    );

    // Signed with another key: not a test page's link (the incident path then answers "forged").
    const forged = signAckLink(
      {
        pageId: testSendId(view.id, "alice", "slack"),
        incidentId: view.id,
        expiresAt: new Date(now + 3600_000),
      },
      { id: "k1", secret: "another-secret-of-at-least-thirty-two-bytes" },
    );
    expect(await acknowledgeTestPageByLink(ackDeps(), forged)).toBeUndefined();
    // A tampered token, and a genuine link for something that is not a test page.
    expect(await acknowledgeTestPageByLink(ackDeps(), tamper(token))).toBeUndefined();
    const incidentLink = signAckLink(
      {
        pageId: "01JP0000000000000000000000",
        incidentId: "01JP0000000000000000000001",
        expiresAt: new Date(now + 3600_000),
      },
      KEY,
    );
    expect(await acknowledgeTestPageByLink(ackDeps(), incidentLink)).toBeUndefined();
    expect(await acknowledgeTestPageByLink(ackDeps(), "../../etc/passwd")).toBeUndefined();
    const slack = (await getTestPage({ testPages: store }, view.id)).people[0]?.methods.find(
      (m) => m.method === "slack",
    );
    expect(slack?.acknowledgedAt).toBeUndefined();
  });
});
