import { beforeEach, describe, expect, it } from "vitest";
import { createTestTable, FaultyHandler, recordCommands, storeFor } from "../../test/support/dynamo";
import { alarmArn, at, transition } from "../../test/support/factories";
import type { IncidentStore } from "../storage/incident-store";
import { type IngestConfig, ingestAlarmTransition } from "./ingest";

let store: IncidentStore;
let table: { tableName: string; endpoint: string };
const ingest = (t: Parameters<typeof ingestAlarmTransition>[1], config?: Partial<IngestConfig>) =>
  ingestAlarmTransition({ store, config }, t);

async function timelineOf(id: string) {
  const found = await store.getIncidentWithTimeline(id);
  if (!found) throw new Error(`incident ${id} not found`);
  return found;
}

beforeEach(async () => {
  table = await createTestTable("ingest");
  store = storeFor(table);
});

describe("ingestAlarmTransition", () => {
  it("opens one incident on ALARM, with severity and service read from the alarm", async () => {
    const result = await ingest(transition("checkout-5xx", "ALARM", 0));
    expect(result.outcome).toBe("opened");
    expect(result.incidentNumber).toBe(1);
    const { incident, timeline } = await timelineOf(result.incidentId!);
    expect(incident).toMatchObject({
      number: 1,
      title: "checkout-5xx",
      severity: "SEV2",
      status: "declared",
      services: ["checkout"],
      source: "alarm",
      locations: [{ account: "210987654321", region: "eu-west-1" }],
      alarm: { name: "checkout-5xx", arn: alarmArn("checkout-5xx") },
      flapping: false,
      version: 1,
    });
    expect(timeline.map((e) => e.kind)).toEqual(["incident.declared", "incident.alarm_transition"]);
    expect(timeline[1]!.data).toMatchObject({ state: "ALARM", late: false, stateTimestamp: at(0) });
    expect(timeline.every((e) => e.actor.type === "alarm")).toBe(true);
    const open = await store.listOpen();
    expect(open.items.map((i) => i.id)).toEqual([result.incidentId]);
  });

  it("is idempotent on the delivery id", async () => {
    const t = transition("db-cpu", "ALARM", 0);
    const first = await ingest(t);
    const again = await ingest(t);
    expect(again.outcome).toBe("duplicate");
    const { timeline } = await timelineOf(first.incidentId!);
    expect(timeline).toHaveLength(2);
    expect((await store.listOpen()).items).toHaveLength(1);
  });

  it("treats the same transition under another delivery id (SNS and EventBridge both) as a duplicate", async () => {
    const t = transition("db-cpu", "ALARM", 0);
    const first = await ingest(t);
    const viaSns = await ingest({ ...t, deliveryId: "sns-message-id", format: "sns" });
    expect(viaSns.outcome).toBe("duplicate");
    expect((await timelineOf(first.incidentId!)).timeline).toHaveLength(2);
  });

  it("adds a repeated ALARM to the open incident's timeline", async () => {
    const first = await ingest(transition("api-latency", "ALARM", 0));
    await ingest(transition("api-latency", "OK", 60));
    const again = await ingest(transition("api-latency", "ALARM", 120));
    expect(again).toMatchObject({ outcome: "appended", incidentId: first.incidentId });
    const { incident, timeline } = await timelineOf(first.incidentId!);
    expect(incident.status).toBe("declared");
    expect(timeline.map((e) => e.data.state ?? null)).toEqual([null, "ALARM", "OK", "ALARM"]);
    expect((await store.listOpen()).items).toHaveLength(1);
  });

  it("records OK as 'alarm recovered' without resolving", async () => {
    const first = await ingest(transition("queue-depth", "ALARM", 0));
    const ok = await ingest(transition("queue-depth", "OK", 30));
    expect(ok.outcome).toBe("appended");
    const { incident, timeline } = await timelineOf(first.incidentId!);
    expect(incident.status).toBe("declared");
    expect(timeline.at(-1)!.summary).toContain("alarm recovered");
  });

  it("resolves on OK when auto-resolve is on, and the next ALARM opens a new episode", async () => {
    const first = await ingest(transition("disk", "ALARM", 0), { autoResolveOnOk: true });
    await ingest(transition("disk", "OK", 30), { autoResolveOnOk: true });
    const { incident, timeline } = await timelineOf(first.incidentId!);
    expect(incident.status).toBe("resolved");
    expect(incident.resolvedAt).toBeDefined();
    expect(timeline.at(-1)).toMatchObject({ kind: "incident.status_changed", data: { to: "resolved" } });
    expect((await store.listOpen()).items).toHaveLength(0);
    const next = await ingest(transition("disk", "ALARM", 90), { autoResolveOnOk: true });
    expect(next.outcome).toBe("opened");
    expect(next.incidentId).not.toBe(first.incidentId);
    expect(next.incidentNumber).toBe(2);
  });

  it("never opens an incident on INSUFFICIENT_DATA, but records it on an open one", async () => {
    const alone = await ingest(transition("lonely", "INSUFFICIENT_DATA", 0));
    expect(alone.outcome).toBe("recorded");
    expect((await store.listOpen()).items).toHaveLength(0);
    const opened = await ingest(transition("lonely", "ALARM", 10));
    const insufficient = await ingest(transition("lonely", "INSUFFICIENT_DATA", 20));
    expect(insufficient).toMatchObject({ outcome: "appended", incidentId: opened.incidentId });
  });

  it("ignores OK for an alarm with no incident (records the state only)", async () => {
    const result = await ingest(transition("quiet", "OK", 0));
    expect(result.outcome).toBe("recorded");
    expect((await store.listOpen()).items).toHaveLength(0);
    expect((await store.getAlarmRecord(alarmArn("quiet")))?.lastState).toBe("OK");
  });

  it("still opens the incident when the OK arrives before its ALARM, and says it had recovered", async () => {
    const ok = await ingest(transition("early-ok", "OK", 60));
    expect(ok.outcome).toBe("recorded");
    const alarm = await ingest(transition("early-ok", "ALARM", 0));
    expect(alarm.outcome).toBe("opened");
    const { timeline } = await timelineOf(alarm.incidentId!);
    expect(timeline[1]!.data).toMatchObject({ state: "ALARM", late: true });
    expect(timeline[2]!.data).toMatchObject({ state: "OK", stateTimestamp: at(60) });
    const record = await store.getAlarmRecord(alarmArn("early-ok"));
    expect(record).toMatchObject({
      lastState: "OK",
      lastStateTimestamp: at(60),
      openIncidentId: alarm.incidentId,
    });
  });

  it("orders by the alarm's state timestamp: an older transition is marked late and changes no state", async () => {
    const opened = await ingest(transition("ordered", "ALARM", 0));
    await ingest(transition("ordered", "OK", 100));
    const late = await ingest(transition("ordered", "INSUFFICIENT_DATA", 50));
    expect(late).toMatchObject({ outcome: "appended", incidentId: opened.incidentId });
    const { timeline } = await timelineOf(opened.incidentId!);
    expect(timeline.at(-1)!.data).toMatchObject({ state: "INSUFFICIENT_DATA", late: true });
    expect(timeline.at(-1)!.summary).toContain("late");
    expect(await store.getAlarmRecord(alarmArn("ordered"))).toMatchObject({
      lastState: "OK",
      lastStateTimestamp: at(100),
    });
  });

  it("marks a flapping alarm's incident once, after more than N transitions in the window", async () => {
    const config = { flapping: { threshold: 4, windowMs: 10 * 60_000 } };
    const opened = await ingest(transition("flappy", "ALARM", 0), config);
    const states = ["OK", "ALARM", "OK", "ALARM", "OK", "ALARM"] as const;
    for (const [i, state] of states.entries())
      await ingest(transition("flappy", state, (i + 1) * 30), config);
    const { incident, timeline } = await timelineOf(opened.incidentId!);
    expect(incident.flapping).toBe(true);
    expect(timeline.filter((e) => e.kind === "incident.flapping")).toHaveLength(1);
    expect(timeline.find((e) => e.kind === "incident.flapping")!.data).toMatchObject({ transitions: 5 });
  });

  it("does not call it flapping when the transitions are spread beyond the window", async () => {
    const config = { flapping: { threshold: 2, windowMs: 60_000 } };
    const opened = await ingest(transition("slow", "ALARM", 0), config);
    for (const [i, state] of (["OK", "ALARM", "OK", "ALARM"] as const).entries()) {
      await ingest(transition("slow", state, (i + 1) * 120), config);
    }
    expect((await timelineOf(opened.incidentId!)).incident.flapping).toBe(false);
  });

  it("opens exactly one incident when 20 concurrent invocations deliver the same ALARM", async () => {
    const t = transition("storm", "ALARM", 0);
    // 20 separate stores and clients: like 20 Lambda containers racing.
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ingestAlarmTransition({ store: storeFor(table) }, t)),
    );
    expect(results.filter((r) => r.outcome === "opened")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(19);
    const open = await store.listOpen();
    expect(open.items).toHaveLength(1);
    expect((await timelineOf(open.items[0]!.id)).timeline).toHaveLength(2);
  });

  it("opens exactly one incident when 20 different deliveries of one alarm race", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ingestAlarmTransition({ store: storeFor(table) }, transition("race", "ALARM", i * 10)),
      ),
    );
    expect(results.filter((r) => r.outcome === "opened")).toHaveLength(1);
    const open = await store.listOpen();
    expect(open.items).toHaveLength(1);
    const { timeline } = await timelineOf(open.items[0]!.id);
    // Every delivery is on the timeline: none is lost, whichever order they won in.
    expect(timeline.filter((e) => e.kind === "incident.alarm_transition")).toHaveLength(20);
  });

  it("numbers incidents 1, 2, 3 in order, claiming each number inside the opening transaction", async () => {
    const commands: string[] = [];
    const stop = recordCommands(store.db, commands);
    try {
      const numbers: (number | undefined)[] = [];
      for (const name of ["one", "two", "three"])
        numbers.push((await ingest(transition(name, "ALARM", 0))).incidentNumber);
      expect(numbers).toEqual([1, 2, 3]);
      // Per alarm: one read, one transaction; no separate counter round trip.
      expect(commands).toEqual(Array(3).fill(["BatchGetItemCommand", "TransactWriteItemsCommand"]).flat());
    } finally {
      stop();
    }
  });

  it("never gives one number twice when alarms and people declaring race for numbers", async () => {
    const shared = storeFor(table); // one container opening 6 incidents at once, 6 others one each
    const opened = Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ingestAlarmTransition(
          { store: i < 6 ? shared : storeFor(table) },
          transition(`many-${i}`, "ALARM", 0),
        ),
      ),
    );
    // A person declaring meanwhile takes numbers with the atomic counter (allocateNumber).
    const manual = Promise.all(Array.from({ length: 4 }, () => storeFor(table).allocateNumber()));
    const [results, taken] = await Promise.all([opened, manual]);
    expect(results.every((r) => r.outcome === "opened")).toBe(true);
    const numbers = [...results.map((r) => r.incidentNumber!), ...taken];
    expect(new Set(numbers).size).toBe(16);
    for (const r of results)
      expect((await store.getIncidentByNumber(r.incidentNumber!))?.id).toBe(r.incidentId);
    // The counter is past every number given, so the next alarm's number is new too.
    const next = await ingest(transition("after", "ALARM", 0));
    expect(numbers).not.toContain(next.incidentNumber);
    expect(next.incidentNumber).toBeGreaterThan(Math.max(...numbers));
    // Having lost claims, the shared container allocates with the atomic counter for a while.
    expect(shared.shouldClaimNumber()).toBe(false);
    expect(shared.shouldClaimNumber(Date.now() + 11_000)).toBe(true);
  });

  it.each(["throttle", "500", "timeout"] as const)(
    "retries an injected DynamoDB %s and loses nothing",
    async (fault) => {
      // Fail the first attempt of every call: BatchGetItem and TransactWriteItems (which claims the number).
      const seen = new Set<string>();
      const handler = new FaultyHandler((_n, target) => {
        if (seen.has(target)) return undefined;
        seen.add(target);
        return fault;
      });
      const faulty = storeFor(table, handler);
      const result = await ingestAlarmTransition({ store: faulty }, transition("faulty", "ALARM", 0));
      expect(result.outcome).toBe("opened");
      expect(handler.injected.map((f) => f.target)).toEqual(["BatchGetItem", "TransactWriteItems"]);
      const ok = await ingestAlarmTransition({ store: faulty }, transition("faulty", "OK", 10));
      expect(ok.outcome).toBe("appended");
      expect((await timelineOf(result.incidentId!)).timeline).toHaveLength(3);
    },
  );

  it("surfaces a DynamoDB outage as an error (for the caller to retry), never as success", async () => {
    const down = storeFor(table, new FaultyHandler(() => "500"));
    await expect(ingestAlarmTransition({ store: down }, transition("down", "ALARM", 0))).rejects.toThrow();
    expect((await store.listOpen()).items).toHaveLength(0);
  });

  it("lists open incidents by severity, then newest, with a cursor", async () => {
    const sev = (n: number) => ({ description: `severity: sev${n}` });
    await ingest(transition("a-sev3-old", "ALARM", 0, sev(3)));
    await new Promise((r) => setTimeout(r, 5));
    await ingest(transition("b-sev1", "ALARM", 0, sev(1)));
    await new Promise((r) => setTimeout(r, 5));
    await ingest(transition("c-sev3-new", "ALARM", 0, sev(3)));
    const first = await store.listOpen({ limit: 2 });
    expect(first.items.map((i) => i.title)).toEqual(["b-sev1", "c-sev3-new"]);
    expect(first.cursor).toBeDefined();
    const second = await store.listOpen({ limit: 2, cursor: first.cursor });
    expect(second.items.map((i) => i.title)).toEqual(["a-sev3-old"]);
    await expect(store.listOpen({ cursor: "not-a-cursor" })).rejects.toMatchObject({
      code: "validation_failed",
    });
  });
});
