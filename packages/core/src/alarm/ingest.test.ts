import { readFileSync } from "node:fs";
import { ValidationError } from "@firebreak/core/shared/errors";
import {
  createTestTable,
  FaultyHandler,
  recordCommands,
  storeFor,
  updateItem,
} from "@firebreak/testkit/dynamo";
import { alarmArn, at, T0, transition } from "@firebreak/testkit/factories";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import type { IncidentStore } from "../adapters/dynamodb/incident/incident-store";
import { changeStatus } from "../incident/actions";
import { StorageLimitError } from "../incident/errors";
import type { Directory } from "../oncall/directory-types";
import { parseDirectoryYaml } from "../oncall/directory-yaml";
import { MemoryDeadLetterSink } from "./dead-letter";
import { type IngestConfig, ingestAlarmTransition } from "./ingest";
import { MAX_ORPHANS } from "./record";
import type { AlarmTransition } from "./transition";

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

  it("resolves on OK when auto-resolve is on, and the next ALARM (reopen window off) opens a new episode", async () => {
    const first = await ingest(transition("disk", "ALARM", 0), { autoResolveOnOk: true, reopenWindowMs: 0 });
    await ingest(transition("disk", "OK", 30), { autoResolveOnOk: true, reopenWindowMs: 0 });
    const { incident, timeline } = await timelineOf(first.incidentId!);
    expect(incident.status).toBe("resolved");
    expect(incident.resolvedAt).toBeDefined();
    expect(timeline.at(-1)).toMatchObject({ kind: "incident.status_changed", data: { to: "resolved" } });
    expect((await store.listOpen()).items).toHaveLength(0);
    const next = await ingest(transition("disk", "ALARM", 90), { autoResolveOnOk: true, reopenWindowMs: 0 });
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
    // 20 writers of one alarm record commit one at a time: the last may lose 19 rounds. In
    // production a delivery that runs out of its 12 attempts is retried by redelivery; here the
    // attempts cover every round, so the outcome never depends on how the backoffs fall.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ingestAlarmTransition(
          { store: storeFor(table), config: { maxAttempts: 60 } },
          transition("race", "ALARM", i * 10),
        ),
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

describe("ingestAlarmTransition: one transition through three channels, in any order", () => {
  const CHANNELS = ["eventbridge", "sns", "lambda-action"] as const;
  const permutations = <T>(items: readonly T[]): T[][] =>
    items.length <= 1
      ? [[...items]]
      : items.flatMap((item, i) =>
          permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
        );
  /** The copy of one transition a channel delivers: its own delivery id, the same identity. */
  const copy = (t: AlarmTransition, format: (typeof CHANNELS)[number]): AlarmTransition => ({
    ...t,
    format,
    deliveryId:
      format === "lambda-action"
        ? `lambda:${t.alarmArn}:${t.state}:${t.stateTimestamp}`
        : `${format}-${t.alarmName}-${Math.random()}`,
  });

  // Each order of the three channels; the newer transition arrives before every copy, or between
  // the first copy and the others.
  const scenarios = permutations(CHANNELS).flatMap((order) =>
    [0, 1].map((newerAfter) => ({ order, channels: order.join(" → "), newerAfter })),
  );

  it.each(scenarios)(
    "records a late transition once: $channels, the newer one after $newerAfter copies",
    async ({ order, newerAfter }) => {
      const name = `channels-${order.join("-")}-${newerAfter}`;
      const opened = await ingest(transition(name, "ALARM", 0));
      const late = transition(name, "OK", 60);
      const outcomes: string[] = [];
      for (const [i, format] of order.entries()) {
        if (i === newerAfter) await ingest(transition(name, "INSUFFICIENT_DATA", 120));
        outcomes.push((await ingest(copy(late, format))).outcome);
      }
      expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(2);
      const { timeline } = await timelineOf(opened.incidentId!);
      const recorded = timeline.filter(
        (e) => e.data.state === "OK" && e.data.stateTimestamp === late.stateTimestamp,
      );
      expect(recorded).toHaveLength(1);
      expect(timeline.filter((e) => e.kind === "incident.alarm_transition")).toHaveLength(3);
    },
  );

  it("records it once when the three channels deliver it at the same time, late", async () => {
    const opened = await ingest(transition("channels-race", "ALARM", 0));
    await ingest(transition("channels-race", "OK", 120));
    const late = transition("channels-race", "INSUFFICIENT_DATA", 60);
    const results = await Promise.all(
      CHANNELS.map((format) => ingestAlarmTransition({ store: storeFor(table) }, copy(late, format))),
    );
    expect(results.map((r) => r.outcome).sort()).toEqual(["appended", "duplicate", "duplicate"]);
    const { timeline } = await timelineOf(opened.incidentId!);
    expect(timeline.filter((e) => e.data.stateTimestamp === late.stateTimestamp)).toHaveLength(1);
  });

  it("keeps an orphan once when its copies arrive through several channels", async () => {
    await ingest(transition("orphan-copies", "INSUFFICIENT_DATA", 120));
    const ok = transition("orphan-copies", "OK", 60);
    for (const format of CHANNELS) await ingest(copy(ok, format));
    const alarm = await ingest(transition("orphan-copies", "ALARM", 0));
    const { timeline } = await timelineOf(alarm.incidentId!);
    expect(timeline.filter((e) => e.data.stateTimestamp === ok.stateTimestamp)).toHaveLength(1);
  });
});

describe("ingestAlarmTransition: transitions waiting for a delayed ALARM", () => {
  it("dead-letters what does not fit on the alarm record, with the reason, and counts it", async () => {
    const deadLetters = new MemoryDeadLetterSink();
    const waiting = Array.from({ length: 25 }, (_, i) =>
      transition("delayed", i % 2 === 0 ? "OK" : "INSUFFICIENT_DATA", (i + 1) * 10),
    );
    let deadLettered = 0;
    for (const t of waiting) {
      const result = await ingestAlarmTransition({ store, deadLetters }, t);
      expect(result.outcome).toBe("recorded");
      deadLettered += result.deadLettered ?? 0;
    }
    expect(deadLettered).toBe(25 - MAX_ORPHANS);
    expect(deadLetters.letters).toHaveLength(25 - MAX_ORPHANS);
    // The ones that waited longest left the buffer, each with its reason.
    expect(deadLetters.letters.map((l) => (l.event as { stateTimestamp: string }).stateTimestamp)).toEqual(
      waiting.slice(0, 25 - MAX_ORPHANS).map((t) => t.stateTimestamp),
    );
    for (const letter of deadLetters.letters) {
      expect(letter.reason).toContain(
        `more than ${MAX_ORPHANS} transitions were waiting for a delayed ALARM`,
      );
      expect(letter.event).toMatchObject({ alarmArn: alarmArn("delayed") });
    }
    expect(await store.getAlarmRecord(alarmArn("delayed"))).toMatchObject({ orphansDeadLettered: 5 });

    const alarm = await ingestAlarmTransition({ store, deadLetters }, transition("delayed", "ALARM", 0));
    expect(alarm.outcome).toBe("opened");
    const { timeline } = await timelineOf(alarm.incidentId!);
    const transitions = timeline.filter((e) => e.kind === "incident.alarm_transition");
    // Every one of the 26 is accounted for: 21 on the timeline, 5 in the dead letters.
    expect(transitions).toHaveLength(MAX_ORPHANS + 1);
    expect(transitions.length + deadLetters.letters.length).toBe(26);
    expect(transitions[0]!.data).toMatchObject({ state: "ALARM", orphansDeadLettered: 5 });
    expect(transitions[0]!.summary).toContain("5 transition(s) that arrived before it");
    expect((await store.getAlarmRecord(alarmArn("delayed")))?.orphansDeadLettered).toBeUndefined();
  });

  it("fails rather than drop a transition when there is no dead-letter sink", async () => {
    for (let i = 1; i <= MAX_ORPHANS; i++) await ingest(transition("no-sink", "OK", i * 10));
    await expect(ingest(transition("no-sink", "OK", 1000))).rejects.toMatchObject({
      code: "no_dead_letter_sink",
    });
    expect((await store.getAlarmRecord(alarmArn("no-sink")))?.orphans).toHaveLength(MAX_ORPHANS);
  });
});

describe("ingestAlarmTransition: state timestamps in the future", () => {
  const clock = { now: () => new Date(T0) };

  it("refuses a state timestamp more than 5 minutes ahead, as a permanent error, and writes nothing", async () => {
    const future = transition("future", "ALARM", 0, { stateTimestamp: "2099-01-01T00:00:00.000Z" });
    await expect(ingestAlarmTransition({ store, clock }, future)).rejects.toBeInstanceOf(ValidationError);
    const sixMinutes = transition("future", "ALARM", 6 * 60);
    const refused = await ingestAlarmTransition({ store, clock }, sixMinutes).catch((e: unknown) => e);
    expect(refused).toMatchObject({ issues: [{ path: "stateTimestamp" }] });
    expect(await store.getAlarmRecord(alarmArn("future"))).toBeUndefined();
    // A real transition afterwards is in order, not "late".
    const real = await ingestAlarmTransition({ store, clock }, transition("future", "ALARM", -60));
    expect(real.outcome).toBe("opened");
    const { timeline } = await timelineOf(real.incidentId!);
    expect(timeline[1]!.data).toMatchObject({ late: false });
  });

  it("accepts clock skew within the bound, which is configurable", async () => {
    const fourMinutes = await ingestAlarmTransition({ store, clock }, transition("skew", "ALARM", 4 * 60));
    expect(fourMinutes.outcome).toBe("opened");
    const wide = { maxFutureSkewMs: 60 * 60_000 };
    const later = await ingestAlarmTransition(
      { store, clock, config: wide },
      transition("skew", "OK", 30 * 60),
    );
    expect(later.outcome).toBe("appended");
    await expect(
      ingestAlarmTransition({ store, clock, config: wide }, transition("skew", "OK", 61 * 60)),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("ingestAlarmTransition: flapping read on state timestamps", () => {
  it("marks the incident flapping when the transitions arrive newest first", async () => {
    const config = { flapping: { threshold: 4, windowMs: 10 * 60_000 } };
    const states = ["ALARM", "OK", "ALARM", "OK", "ALARM", "OK", "ALARM"] as const;
    const ordered = states.map((state, i) => transition("reversed", state, i * 30));
    for (const t of [...ordered].reverse()) await ingest(t, config);
    const record = await store.getAlarmRecord(alarmArn("reversed"));
    const { incident, timeline } = await timelineOf(record!.openIncidentId!);
    expect(incident.flapping).toBe(true);
    const flapping = timeline.filter((e) => e.kind === "incident.flapping");
    expect(flapping).toHaveLength(1);
    expect(flapping[0]!.data).toMatchObject({ transitions: 5 });
  });
});

describe("ingestAlarmTransition: items DynamoDB refuses are permanent errors", () => {
  it.each([
    ["an alarm name (and ARN) over 2 KB", transition("n".repeat(2100), "ALARM", 0)],
    ["a delivery id over 2 KB", transition("long-id", "ALARM", 0, { deliveryId: "d".repeat(2100) })],
    ["an item over 400 KB", transition("huge", "ALARM", 0, { reason: "r".repeat(410_000) })],
  ])("%s is a StorageLimitError (a ValidationError), not a retryable failure", async (_what, t) => {
    const error = await ingest(t).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageLimitError);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain("DynamoDB refused the item");
  });
});

describe("ingestAlarmTransition: the reopen window", () => {
  const resolving = { autoResolveOnOk: true };
  const storm = (name: string) =>
    [0, 3, 7, 10, 14, 20].map((s, i) => transition(name, i % 2 === 0 ? "ALARM" : "OK", s));

  it("reopens the incident when its alarm fires again within the window: declared, same number, a reopen entry", async () => {
    const first = await ingest(transition("queue-depth", "ALARM", 0), resolving);
    await ingest(transition("queue-depth", "OK", 30), resolving);
    const again = await ingest(transition("queue-depth", "ALARM", 75), resolving);
    expect(again).toMatchObject({ outcome: "reopened", incidentId: first.incidentId, incidentNumber: 1 });
    const { incident, timeline } = await timelineOf(first.incidentId!);
    expect(incident).toMatchObject({ status: "declared", reopens: 1, number: 1 });
    expect(incident.resolvedAt).toBeUndefined();
    expect(incident.reopenedAt).toBeDefined();
    expect(timeline.at(-1)).toMatchObject({
      kind: "incident.status_changed",
      summary: "reopened: queue-depth fired again 45s after INC-1 resolved",
      data: { from: "resolved", to: "declared", reopened: true, reopens: 1, automatic: true },
    });
    expect((await store.listOpen()).items.map((i) => i.id)).toEqual([first.incidentId]);
    expect((await store.listIncidents({ status: "resolved" })).items).toHaveLength(0);
    // A person resolving it releases the alarm as usual; the next fire within the window reopens again.
    await ingest(transition("queue-depth", "OK", 90), resolving);
    expect((await ingest(transition("queue-depth", "ALARM", 120), resolving)).outcome).toBe("reopened");
    expect((await store.getIncident(first.incidentId!))?.reopens).toBe(2);
  });

  it("fire/ok ×3 in 20 s with auto-resolve: one incident, all six transitions, flapping once, resolved", async () => {
    const results = [];
    for (const t of storm("flappy")) results.push(await ingest(t, resolving));
    expect(results.map((r) => r.outcome)).toEqual([
      "opened",
      "appended",
      "reopened",
      "appended",
      "reopened",
      "appended",
    ]);
    const { incident, timeline } = await timelineOf(results[0]!.incidentId!);
    expect(incident).toMatchObject({ status: "resolved", reopens: 2, flapping: true });
    expect(timeline.filter((e) => e.kind === "incident.alarm_transition")).toHaveLength(6);
    expect(timeline.filter((e) => e.kind === "incident.flapping")).toHaveLength(1);
    expect(timeline.filter((e) => e.kind === "incident.declared")).toHaveLength(1);
    expect((await store.listIncidents({ status: "all" })).items).toHaveLength(1);
  });

  it("fire/ok ×3 delivered in shuffled orders (seeded): always one incident holding all six, resolved", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
        async (order) => {
          const name = `shuffled-${++run}`;
          const transitions = storm(name);
          for (const i of order) await ingest(transitions[i]!, resolving);
          const mine = (await store.listIncidents({ status: "all" })).items.filter((i) => i.title === name);
          expect(mine).toHaveLength(1);
          const { incident, timeline } = await timelineOf(mine[0]!.id);
          expect(incident.status).toBe("resolved");
          const stamps = timeline
            .filter((e) => e.kind === "incident.alarm_transition")
            .map((e) => e.data.stateTimestamp);
          expect(stamps.sort()).toEqual(transitions.map((t) => t.stateTimestamp).sort());
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe("ingestAlarmTransition: grouping by service (the team's `grouping`, default by-service)", () => {
  const demo = parseDirectoryYaml(
    readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8"),
  );
  const byAlarm: Directory = {
    ...demo,
    teams: demo.teams.map((t) => (t.id === "checkout" ? { ...t, grouping: "by-alarm" as const } : t)),
  };
  const grouped = (t: AlarmTransition, config?: Partial<IngestConfig>, directory: Directory = demo) =>
    ingestAlarmTransition({ store, config, directory: async () => directory }, t);
  const on = (service: string, name: string, state: "ALARM" | "OK", seconds: number) =>
    transition(name, state, seconds, { description: `severity: sev2\nservice: ${service}` });

  it("two alarms on one service make one incident with two alarms; the second is a related-alarm entry", async () => {
    const first = await grouped(on("checkout", "checkout-5xx", "ALARM", 0));
    const second = await grouped(on("checkout", "checkout-latency", "ALARM", 5));
    expect(first.outcome).toBe("opened");
    expect(second).toMatchObject({ outcome: "grouped", incidentId: first.incidentId, incidentNumber: 1 });
    const { incident, timeline } = await timelineOf(first.incidentId!);
    expect(incident.alarm?.name).toBe("checkout-5xx");
    expect(incident.relatedAlarms?.map((a) => a.name)).toEqual(["checkout-latency"]);
    const attached = timeline.filter((e) => e.kind === "incident.alarm_attached");
    expect(attached).toHaveLength(1);
    expect(attached[0]!.summary).toBe(
      "related alarm checkout-latency fired for checkout: grouped into INC-1, not a new incident",
    );
    expect(attached[0]!.data.alarm).toMatchObject({ name: "checkout-latency", account: "210987654321" });
    expect(timeline.filter((e) => e.kind === "incident.alarm_transition")).toHaveLength(2);
    // Later transitions of the grouped alarm go on the same incident.
    expect(await grouped(on("checkout", "checkout-latency", "OK", 60))).toMatchObject({
      outcome: "appended",
      incidentId: first.incidentId,
    });
    expect((await store.listIncidents({ status: "all" })).items).toHaveLength(1);
    // Another service, or an alarm naming no service, is not grouped.
    expect((await grouped(on("cart", "cart-errors", "ALARM", 70))).outcome).toBe("opened");
    expect((await grouped(transition("HighCPU", "ALARM", 80, { description: "" }))).outcome).toBe("opened");
  });

  it("a team with grouping: by-alarm gets one incident per alarm", async () => {
    const a = await grouped(on("checkout", "checkout-5xx", "ALARM", 0), {}, byAlarm);
    const b = await grouped(on("checkout", "checkout-latency", "ALARM", 5), {}, byAlarm);
    expect([a.outcome, b.outcome]).toEqual(["opened", "opened"]);
    expect(a.incidentId).not.toBe(b.incidentId);
  });

  it("is all clear only when every alarm is OK: auto-resolve waits for the last one", async () => {
    const resolving = { autoResolveOnOk: true, reopenWindowMs: 0 };
    const first = await grouped(on("checkout", "checkout-5xx", "ALARM", 0), resolving);
    await grouped(on("checkout", "checkout-latency", "ALARM", 5), resolving);
    await grouped(on("checkout", "checkout-5xx", "OK", 30), resolving);
    const open = await timelineOf(first.incidentId!);
    expect(open.incident.status).toBe("declared");
    const ok = open.timeline.filter((e) => e.kind === "incident.alarm_transition" && e.data.state === "OK");
    expect(ok[0]!.summary).toContain("INC-1 stays open: checkout-latency still in ALARM");
    await grouped(on("checkout", "checkout-latency", "OK", 40), resolving);
    const done = await timelineOf(first.incidentId!);
    expect(done.incident.status).toBe("resolved");
    // Both alarms were released: each one's next ALARM opens a new incident (the window is off).
    const again = await grouped(on("checkout", "checkout-latency", "ALARM", 100), resolving);
    expect(again.outcome).toBe("opened");
    expect(again.incidentId).not.toBe(first.incidentId);
    expect((await grouped(on("checkout", "checkout-5xx", "ALARM", 110), resolving)).outcome).toBe("grouped");
  });

  it("a person resolving a grouped incident frees all its alarms", async () => {
    const first = await grouped(on("checkout", "checkout-5xx", "ALARM", 0));
    await grouped(on("checkout", "checkout-latency", "ALARM", 5));
    await changeStatus({ store }, first.incidentId!, { to: "resolved" }, { type: "user", id: "kate" });
    const [a, b] = await store.getAlarmRecords([alarmArn("checkout-5xx"), alarmArn("checkout-latency")]);
    expect([a?.openIncidentId, b?.openIncidentId]).toEqual([undefined, undefined]);
    const next = await grouped(on("checkout", "checkout-latency", "ALARM", 4000), { reopenWindowMs: 0 });
    expect(next.outcome).toBe("opened");
  });

  // 240+ writes to DynamoDB Local: about 20 s on a quiet 2-core machine, more when it is shared.
  it("120 alarms on one service (more than a transaction holds): resolved by the last OK, every alarm freed", {
    timeout: 120_000,
  }, async () => {
    const resolving = { autoResolveOnOk: true, reopenWindowMs: 0 };
    const names = Array.from({ length: 120 }, (_, i) => `ledger-pod-${i}`);
    const first = await grouped(on("ledger", names[0]!, "ALARM", 0), resolving);
    for (const name of names.slice(1)) await grouped(on("ledger", name, "ALARM", 1), resolving);
    // Resolved in an order that is neither the one they were attached in nor its reverse.
    const order = names.map((_, i) => (i * 37) % names.length);
    for (const [n, i] of order.entries()) {
      await grouped(on("ledger", names[i]!, "OK", 100 + n), resolving);
      const { incident } = await timelineOf(first.incidentId!);
      expect(incident.status, `after ${n + 1} OKs`).toBe(n === names.length - 1 ? "resolved" : "declared");
    }
    const records = await store.getAlarmRecords(names.map((n) => alarmArn(n)));
    expect(records.map((r) => r.arn)).toEqual(names.map((n) => alarmArn(n)));
    expect(records.filter((r) => r.openIncidentId !== undefined)).toEqual([]);
  });

  // 240+ writes to DynamoDB Local: about 20 s on a quiet 2-core machine, more when it is shared.
  it("a person resolving an incident of 120 alarms frees them all, beyond what one transaction holds", {
    timeout: 120_000,
  }, async () => {
    const names = Array.from({ length: 120 }, (_, i) => `dns-resolver-${i}`);
    const first = await grouped(on("dns", names[0]!, "ALARM", 0));
    for (const name of names.slice(1)) await grouped(on("dns", name, "ALARM", 1));
    await changeStatus({ store }, first.incidentId!, { to: "resolved" }, { type: "user", id: "kate" });
    const records = await store.getAlarmRecords(names.map((n) => alarmArn(n)));
    expect(records.filter((r) => r.openIncidentId !== undefined)).toEqual([]);
  });

  it("an alarm still holding a resolved incident (its release was lost to a crash) opens a new one when it fires again", async () => {
    const first = await grouped(on("checkout", "checkout-5xx", "ALARM", 0));
    await grouped(on("checkout", "checkout-latency", "ALARM", 5));
    await grouped(on("checkout", "checkout-latency", "OK", 10));
    await changeStatus({ store }, first.incidentId!, { to: "resolved" }, { type: "user", id: "kate" });
    // As if the release after the resolving transaction never ran: the record still holds it.
    const [record] = await store.getAlarmRecords([alarmArn("checkout-latency")]);
    await updateItem(store.db, {
      TableName: table.tableName,
      Key: { pk: `ALARM#${alarmArn("checkout-latency")}`, sk: "STATE" },
      UpdateExpression: "SET openIncidentId = :id",
      ExpressionAttributeValues: { ":id": first.incidentId },
    });
    expect(record?.lastState).toBe("OK");
    const again = await grouped(on("checkout", "checkout-latency", "ALARM", 4000), { reopenWindowMs: 0 });
    expect(again.outcome).toBe("opened");
    expect(again.incidentId).not.toBe(first.incidentId);
    expect((await timelineOf(first.incidentId!)).incident.status).toBe("resolved");
  });

  it("concurrent alarms on one service: exactly one incident, every alarm on it (seeded orders)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
        async (order) => {
          const service = `svc${++run}`;
          const team = { ...demo.teams[0]!, services: [{ id: service }] };
          const directory: Directory = { ...demo, teams: [team, ...demo.teams.slice(1)] };
          const alarms = order.map((i) => on(service, `${service}-alarm-${i}`, "ALARM", i));
          // All at once, each delivered twice (at-least-once): one incident, six alarms, none lost.
          const results = await Promise.all(
            [...alarms, ...alarms].map((t, copy) =>
              grouped({ ...t, deliveryId: `${t.deliveryId}-${copy}` }, {}, directory),
            ),
          );
          const ids = new Set(results.filter((r) => r.incidentId).map((r) => r.incidentId));
          expect(ids.size).toBe(1);
          expect(results.filter((r) => r.outcome === "opened")).toHaveLength(1);
          const { incident, timeline } = await timelineOf([...ids][0]!);
          const names = [incident.alarm!.name, ...(incident.relatedAlarms ?? []).map((a) => a.name)];
          expect(names.sort()).toEqual(alarms.map((t) => t.alarmName).sort());
          expect(timeline.filter((e) => e.kind === "incident.alarm_attached")).toHaveLength(5);
          expect(timeline.filter((e) => e.kind === "incident.alarm_transition")).toHaveLength(6);
        },
      ),
      { numRuns: 6 },
    );
  });
});
