/**
 * `planEscalation` on its own: what the escalation does at a given instant, from the escalation
 * record, the incident and its timeline, with no store read and no channel called. The DynamoDB Local tests (service.test.ts) cover the same decisions through
 * the stores; these pin them without one.
 */
import { describe, expect, it } from "vitest";
import type { Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { DeliveryResult, OutgoingPage, PageChannel } from "./channels";
import type { EscalationRecord, SnapshotTarget } from "./records";
import { PAGING_KINDS, type PagingDeps, planEscalation } from "./service";

const T0 = "2026-03-08T06:55:00.000Z"; // five minutes before the US clocks spring forward
const plus = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000);

const alice: SnapshotTarget = {
  type: "person",
  personId: "alice",
  name: "Alice Ng",
  phone: "+14255550182",
  slackUserId: "U0ALICE01",
};
const bob: SnapshotTarget = { type: "person", personId: "bob", name: "Bob Ortiz", phone: "+14255550199" };

/** A channel that must not be called: the plan sends nothing. */
const untouchable = (name: PageChannel["name"]): PageChannel => ({
  name,
  send: async (_page: OutgoingPage): Promise<DeliveryResult> => {
    throw new Error("planEscalation sent a page");
  },
});

function deps(
  channels: PagingDeps["channels"] = { sns: untouchable("sns"), slack: untouchable("slack") },
): PagingDeps {
  const noStore = new Proxy(
    {},
    { get: () => () => Promise.reject(new Error("planEscalation read a store")) },
  );
  return {
    incidents: noStore as PagingDeps["incidents"],
    pages: noStore as PagingDeps["pages"],
    directory: noStore as PagingDeps["directory"],
    channels,
    ackKey: { id: "k1", secret: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA" },
    ackBaseUrl: "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/ack",
  } as PagingDeps;
}

function incident(change: Partial<Incident> = {}): Incident {
  return {
    id: "01KGM8C6BQWC1YYJABJBRFQH4X",
    number: 42,
    title: "checkout-payments-down",
    severity: "SEV1",
    status: "declared",
    services: ["checkout"],
    locations: [{ account: "111122223333", region: "us-east-1" }],
    source: "alarm",
    flapping: false,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    ...change,
  };
}

function escalation(change: Partial<EscalationRecord> = {}): EscalationRecord {
  return {
    incidentId: "01KGM8C6BQWC1YYJABJBRFQH4X",
    version: 1,
    status: "active",
    severity: "SEV1",
    declaredAt: T0,
    teamId: "checkout",
    teamName: "Checkout",
    policyId: "checkout-policy",
    policyName: "Checkout",
    ladder: {
      levels: [
        { level: 1, timeoutMinutes: 5, targets: [alice] },
        { level: 2, timeoutMinutes: 10, targets: [bob] },
      ],
      repeat: 0,
      fallback: { targets: [], nobody: "no fallback" },
    },
    people: [
      { personId: "alice", name: "Alice Ng", phone: "+14255550182", slackUserId: "U0ALICE01" },
      { personId: "bob", name: "Bob Ortiz", phone: "+14255550199" },
    ],
    steps: [],
    coverage: { attempts: 0 },
    startedAt: T0,
    updatedAt: T0,
    ...change,
  };
}

/** Level 1 paged at T0 (the start), nothing since. */
const level1Paged = () =>
  escalation({
    version: 2,
    steps: [{ level: 1, round: 0, requestedAt: T0, trigger: "start" }],
    nextDueAt: plus(5).toISOString(),
  });

const ways = (plan: ReturnType<typeof planEscalation>) =>
  plan.pages.map(({ page }) => {
    const t = page.target;
    return `${page.channel} level ${page.level} ${t.kind === "person" ? t.personId : t.kind}`;
  });

describe("planEscalation: what the escalation does at an instant, with no store and no send", () => {
  it("starts at level 1: an SMS and a Slack DM to the person on call, and leaves the record it was given as it was", () => {
    const before = escalation();
    const copy = structuredClone(before);
    const plan = planEscalation(deps(), before, incident(), [], plus(0));
    expect(ways(plan)).toEqual(["sns level 1 alice", "slack level 1 alice"]);
    expect(plan.after.steps).toEqual([{ level: 1, round: 0, requestedAt: T0, trigger: "start" }]);
    expect(plan.after.version).toBe(2);
    expect(plan.after.status).toBe("active");
    expect(plan.pages.every(({ outgoing }) => !("renderError" in outgoing))).toBe(true);
    expect(before).toEqual(copy);
  });

  it("escalates to level 2 when level 1's timeout passes unacknowledged (across the DST change)", () => {
    const plan = planEscalation(deps(), level1Paged(), incident(), [], plus(5));
    expect(ways(plan)).toEqual(["sns level 2 bob"]);
    expect(plan.after.steps.at(-1)).toMatchObject({ level: 2, round: 0, trigger: "timeout" });
    expect(plan.drafts).toContainEqual(
      expect.objectContaining({
        kind: PAGING_KINDS.escalated,
        summary: expect.stringContaining("nobody acknowledged: escalated to level 2: paging Bob Ortiz"),
      }),
    );
  });

  it("pages nobody before the timeout", () => {
    const plan = planEscalation(deps(), level1Paged(), incident(), [], plus(1));
    expect(plan.pages).toEqual([]);
    expect(plan.after.steps).toHaveLength(1);
  });

  it("stops once the incident commander acknowledges: no page at the timeout, one 'stopped' entry", () => {
    const ackAt = plus(3).toISOString();
    const acked = incident({
      status: "acknowledged",
      acknowledgedAt: ackAt,
      roles: { ic: { personId: "alice", personName: "Alice Ng", assignedAt: T0 } },
    });
    const timeline: TimelineEntry[] = [
      {
        id: "01KK63MMD0ER0VWX1JGRDH0Z1K",
        incidentId: acked.id,
        kind: "incident.status_changed",
        actor: { type: "user", id: "alice", name: "Alice Ng" },
        at: ackAt,
        summary: "status declared → acknowledged",
        data: { from: "declared", to: "acknowledged" },
      },
    ];
    const plan = planEscalation(deps(), level1Paged(), acked, timeline, plus(5));
    expect(plan.pages).toEqual([]);
    expect(plan.after.ladderDone).toMatchObject({ reason: "acknowledged" });
    expect(plan.drafts.filter((d) => d.kind === PAGING_KINDS.stopped)).toHaveLength(1);
  });

  it("keeps escalating a SEV1 acknowledged by someone other than its incident commander (role coverage)", () => {
    const acked = incident({ status: "acknowledged", acknowledgedAt: plus(3).toISOString() });
    const plan = planEscalation(deps(), level1Paged(), acked, [], plus(5));
    expect(ways(plan)).toEqual(["sns level 2 bob"]);
    expect(plan.after.steps.at(-1)).toMatchObject({ level: 2, trigger: "role_coverage" });
  });

  it("is done when the incident is resolved", () => {
    const resolved = incident({ status: "resolved", resolvedAt: plus(2).toISOString() });
    const plan = planEscalation(deps(), level1Paged(), resolved, [], plus(5));
    expect(plan.pages).toEqual([]);
    expect(plan.after).toMatchObject({ status: "done", doneReason: "resolved" });
    expect(plan.after.nextDueAt).toBeUndefined();
  });

  const withVoice = () =>
    deps({ sns: untouchable("sns"), slack: untouchable("slack"), voice: untouchable("voice") });

  it("by the default rules, calls a SEV1 at 5 minutes when the voice channel is configured (never a SEV3)", () => {
    const start = planEscalation(withVoice(), escalation(), incident(), [], plus(0));
    expect(ways(start)).toEqual(["sns level 1 alice", "slack level 1 alice"]);
    expect(start.after.held?.map((h) => [h.channel, h.delayMinutes, h.sendAt])).toEqual([
      ["voice", 5, plus(5).toISOString()],
    ]);
    expect(ways(planEscalation(withVoice(), start.after, incident(), [], plus(4)))).toEqual([]);
    // Unacknowledged at 5 minutes: the call, and level 2 (its timeout) at the same instant.
    const five = planEscalation(withVoice(), start.after, incident(), [], plus(5));
    expect(ways(five)).toEqual(["voice level 1 alice", "sns level 2 bob"]);
    expect(
      five.after.held?.map((h) => `${h.channel} ${h.target.type === "person" ? h.target.personId : ""}`),
    ).toEqual(["voice bob"]);
    const sev3 = incident({ severity: "SEV3" });
    const low = planEscalation(withVoice(), escalation({ severity: "SEV3" }), sev3, [], plus(0));
    expect(ways(low)).toEqual(["sns level 1 alice", "slack level 1 alice"]);
    expect(low.after.held ?? []).toEqual([]);
  });

  it("follows a person's own rules: Slack at 0, SMS at 2, a call at 5; acknowledged at 3 minutes, no call", () => {
    const rules = {
      high: [
        { method: "slack" as const, delayMinutes: 0 },
        { method: "sms" as const, delayMinutes: 2 },
        { method: "voice" as const, delayMinutes: 5 },
      ],
      low: [{ method: "slack" as const, delayMinutes: 0 }],
    };
    const ruled: SnapshotTarget = { ...alice, notify: rules } as SnapshotTarget;
    const before = escalation({
      ladder: { ...escalation().ladder, levels: [{ level: 1, timeoutMinutes: 30, targets: [ruled] }] },
    });
    const at0 = planEscalation(withVoice(), before, incident(), [], plus(0));
    expect(ways(at0)).toEqual(["slack level 1 alice"]);
    expect(at0.after.nextDueAt).toBe(plus(2).toISOString());
    expect(at0.drafts.filter((d) => d.kind === PAGING_KINDS.pageHeld).map((d) => d.summary)).toEqual([
      `SMS to Alice Ng waits 2 min (Alice Ng's notification rules): sent at ${plus(2).toISOString()} unless acknowledged by then`,
      `call to Alice Ng waits 5 min (Alice Ng's notification rules): sent at ${plus(5).toISOString()} unless acknowledged by then`,
    ]);
    const at2 = planEscalation(withVoice(), at0.after, incident(), [], plus(2));
    expect(ways(at2)).toEqual(["sns level 1 alice"]);
    expect(Date.parse(at2.after.nextDueAt ?? "")).toBeLessThanOrEqual(plus(5).getTime());
    const acked = incident({
      status: "acknowledged",
      acknowledgedAt: plus(3).toISOString(),
      updatedAt: plus(3).toISOString(),
    });
    const at5 = planEscalation(withVoice(), at2.after, acked, [], plus(5));
    expect(ways(at5)).toEqual([]);
    expect(at5.after.held).toBeUndefined();
    expect(at5.drafts.map((d) => [d.kind, d.summary])).toContainEqual([
      PAGING_KINDS.holdCancelled,
      "held call to Alice Ng not sent: acknowledged",
    ]);
  });

  it("reaches a person whose rules name no configured channel (a call, no voice channel) by every way they have", () => {
    const callOnly = {
      ...alice,
      notify: {
        high: [{ method: "voice" as const, delayMinutes: 0 }],
        low: [{ method: "voice" as const, delayMinutes: 0 }],
      },
    } as SnapshotTarget;
    const before = escalation({
      ladder: { ...escalation().ladder, levels: [{ level: 1, timeoutMinutes: 30, targets: [callOnly] }] },
    });
    expect(ways(planEscalation(deps(), before, incident(), [], plus(0)))).toEqual([
      "sns level 1 alice",
      "slack level 1 alice",
    ]);
    expect(ways(planEscalation(withVoice(), before, incident(), [], plus(0)))).toEqual([
      "voice level 1 alice",
    ]);
  });

  it("pages a person asked for by name by their high-urgency rules, whatever the severity", () => {
    const ruled = {
      ...alice,
      notify: {
        high: [{ method: "sms" as const, delayMinutes: 0 }],
        low: [{ method: "slack" as const, delayMinutes: 0 }],
      },
    } as SnapshotTarget;
    const before = escalation({
      severity: "SEV4",
      urgency: {
        high: ["SEV1", "SEV2"],
        lowSmsDelayMinutes: 15,
        workingHours: {
          timezone: "America/New_York",
          days: ["mon", "tue", "wed", "thu", "fri"],
          from: "09:00",
          to: "17:00",
        },
      },
      ladder: { ...escalation().ladder, levels: [{ level: 1, timeoutMinutes: 30, targets: [ruled] }] },
    });
    const sev4 = incident({ severity: "SEV4" });
    expect(ways(planEscalation(deps(), before, sev4, [], plus(0)))).toEqual(["slack level 1 alice"]);
    const escalate: TimelineEntry = {
      id: "01KGM8D0000000000000000000",
      incidentId: sev4.id,
      kind: "incident.escalation_requested",
      actor: { type: "user", id: "bob", name: "Bob Ortiz" },
      at: plus(1).toISOString(),
      summary: "page level 1 again",
      data: { mode: "repage" },
    };
    const started = planEscalation(deps(), before, sev4, [], plus(0)).after;
    expect(ways(planEscalation(deps(), started, sev4, [escalate], plus(1)))).toEqual(["sns level 1 alice"]);
  });
});
