import type { Clock } from "@firebreak/core/shared/clock";
import { NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { alarmArn, at, T0, transition } from "@firebreak/testkit/factories";
import { beforeEach, describe, expect, it } from "vitest";
import type { IncidentStore } from "../adapters/dynamodb/incident/incident-store";
import { MaintenanceStore } from "../adapters/dynamodb/maintenance/store";
import { MemoryDeadLetterSink } from "../alarm/dead-letter";
import { ingestAlarmTransition } from "../alarm/ingest";
import type { AlarmTransition } from "../alarm/transition";
import type { Actor } from "../incident/model";
import { cancelWindow, listWindows, scheduleWindow, windowDetail } from "./actions";
import { releaseEndedWindows } from "./release";
import { WindowEndedError } from "./window";

const ALICE: Actor = { type: "user", id: "alice", name: "Alice Moreau" };

/** A clock the test moves by hand. */
class HandClock implements Clock {
  constructor(private at: number) {}
  now() {
    return new Date(this.at);
  }
  set(seconds: number) {
    this.at = T0 + seconds * 1000;
  }
}

let store: IncidentStore;
let maintenance: MaintenanceStore;
let clock: HandClock;
let deadLetters: MemoryDeadLetterSink;

const deps = () => ({ store, maintenance, clock, deadLetters });
const ingest = (t: AlarmTransition) => ingestAlarmTransition(deps(), t);
const release = () => releaseEndedWindows(deps());

beforeEach(async () => {
  const table = await createTestTable("maintenance");
  store = storeFor(table);
  maintenance = new MaintenanceStore(store.db, store.tableName);
  clock = new HandClock(T0);
  deadLetters = new MemoryDeadLetterSink();
});

/** A window for checkout from T0 for an hour. */
const schedule = (request: Record<string, unknown> = {}) =>
  scheduleWindow(
    deps(),
    { services: ["checkout"], duration: "1h", reason: "database upgrade", ...request },
    ALICE,
  );

describe("maintenance windows", () => {
  it("hold the alarms of their services: recorded on the window, no incident, nothing to page", async () => {
    const w = await schedule();
    expect(w).toMatchObject({ number: 1, from: at(0), to: at(3600), createdBy: ALICE });
    clock.set(60);
    const held = await ingest(transition("checkout-5xx", "ALARM", 55));
    expect(held).toMatchObject({ outcome: "held", window: { id: w.id, number: 1 } });
    expect(held.reason).toBe(`held by MW-1 until ${at(3600)}`);
    expect((await store.listOpen()).items).toEqual([]);
    // Another service is not held.
    const other = await ingest(transition("ledger-5xx", "ALARM", 56, { description: "service: ledger" }));
    expect(other.outcome).toBe("opened");

    const detail = await windowDetail(deps(), "MW-1");
    expect(detail).toMatchObject({ key: "MW-1", state: "active", end: at(3600) });
    expect(detail.held).toEqual([
      { arn: alarmArn("checkout-5xx"), name: "checkout-5xx", state: "ALARM", stateTimestamp: at(55) },
    ]);
    expect(detail.timeline.map((e) => e.kind)).toEqual(["maintenance.scheduled", "maintenance.alarm_held"]);
    expect(detail.timeline[0]!.summary).toBe(
      `MW-1 scheduled by Alice Moreau for checkout, ${at(0)} to ${at(3600)}: database upgrade`,
    );
    expect(detail.timeline[1]).toMatchObject({
      incidentId: w.id,
      actor: { type: "alarm", name: "checkout-5xx" },
      data: { window: "MW-1", state: "ALARM", alarm: { name: "checkout-5xx" } },
    });
  });

  it("hold each transition once, whichever channel delivers it and however often", async () => {
    await schedule();
    clock.set(60);
    const t = transition("checkout-5xx", "ALARM", 55);
    expect((await ingest(t)).outcome).toBe("held");
    expect((await ingest(t)).outcome).toBe("duplicate");
    expect((await ingest({ ...t, deliveryId: "sns-message-id", format: "sns" })).outcome).toBe("duplicate");
    const detail = await windowDetail(deps(), "1");
    expect(detail.timeline.filter((e) => e.kind === "maintenance.alarm_held")).toHaveLength(1);
  });

  it("release what is still in ALARM when they end, and only record what recovered", async () => {
    await schedule();
    clock.set(60);
    await ingest(transition("checkout-5xx", "ALARM", 55));
    // checkout-latency fired and recovered during the window, delivered out of order.
    await ingest(transition("checkout-latency", "OK", 300));
    await ingest(transition("checkout-latency", "ALARM", 200));
    clock.set(3599);
    expect(await release()).toMatchObject({ windows: 0, released: 0 });
    expect((await store.listOpen()).items).toEqual([]);

    clock.set(3660);
    const summary = await release();
    expect(summary).toEqual({ windows: 1, released: 2, opened: 1, recorded: 1, errors: [] });
    const open = (await store.listOpen()).items;
    expect(open.map((i) => i.title)).toEqual(["checkout-5xx"]);
    const { timeline } = (await store.getIncidentWithTimeline(open[0]!.id))!;
    expect(timeline[0]!.summary).toMatch(
      /^INC-1 declared from alarm checkout-5xx \(SEV2, checkout\); held by maintenance window MW-1 \(database upgrade\) and still in ALARM when it ended$/,
    );
    expect(timeline[0]!.data.maintenance).toMatchObject({ window: "MW-1", reason: "database upgrade" });
    // The recovered alarm's OK is on its record: its next ALARM opens an incident as usual.
    expect((await store.getAlarmRecord(alarmArn("checkout-latency")))?.lastState).toBe("OK");

    const detail = await windowDetail(deps(), "MW-1");
    expect(detail.state).toBe("ended");
    expect(detail.releasedAt).toBe(at(3660));
    expect(detail.releases.map((r) => [r.alarmName, r.outcome, r.incidentNumber]).sort()).toEqual([
      ["checkout-5xx", "opened", 1],
      ["checkout-latency", "recorded", undefined],
    ]);
    expect(detail.timeline.map((e) => e.kind).slice(-3)).toEqual([
      "maintenance.alarm_released",
      "maintenance.alarm_released",
      "maintenance.ended",
    ]);
    // A second sweep finds nothing to do.
    expect(await release()).toMatchObject({ windows: 0, released: 0 });
    expect((await store.listOpen()).items).toHaveLength(1);
  });

  it("do not hold an alarm whose incident is already open: it goes on there", async () => {
    const opened = await ingest(transition("checkout-5xx", "ALARM", -60));
    await schedule();
    clock.set(60);
    const ok = await ingest(transition("checkout-5xx", "OK", 30));
    expect(ok).toMatchObject({ outcome: "appended", incidentId: opened.incidentId });
  });

  it("do not hold before they begin, nor after they end", async () => {
    await schedule({ from: at(600) });
    clock.set(60);
    expect((await ingest(transition("checkout-5xx", "ALARM", 30))).outcome).toBe("opened");
    clock.set(4300);
    expect((await ingest(transition("checkout-latency", "ALARM", 4290))).outcome).toBe("opened");
  });

  it("hold a team's services by the alarm's owning team", async () => {
    await schedule({ services: [], team: "payments" });
    clock.set(60);
    const tagged = transition("ledger-5xx", "ALARM", 30, {
      description: "service: ledger",
      tags: { team: "payments" },
    });
    expect((await ingest(tagged)).outcome).toBe("held");
    const untagged = transition("ledger-latency", "ALARM", 31, { description: "service: ledger" });
    expect((await ingest(untagged)).outcome).toBe("opened");
  });

  it("release once even when a sweep crashed between the incident and recording the release", async () => {
    await schedule();
    clock.set(60);
    await ingest(transition("checkout-5xx", "ALARM", 55));
    clock.set(3660);
    const crashing = Object.create(maintenance) as MaintenanceStore;
    crashing.recordRelease = async () => {
      throw new Error("crashed after the incident was committed");
    };
    const first = await releaseEndedWindows({ ...deps(), maintenance: crashing });
    expect(first.errors).toHaveLength(1);
    expect(first.released).toBe(0);
    expect((await windowDetail(deps(), "MW-1")).releasedAt).toBeUndefined();
    const second = await release();
    expect(second).toMatchObject({ windows: 1, released: 1, errors: [] });
    expect((await store.listOpen()).items).toHaveLength(1);
    const detail = await windowDetail(deps(), "MW-1");
    expect(detail.releases[0]).toMatchObject({ alarmName: "checkout-5xx", outcome: "duplicate" });
    expect(detail.releasedAt).toBe(at(3660));
  });

  it("hold a transition delivered concurrently by three channels once, and release it once from concurrent sweeps", async () => {
    await schedule();
    clock.set(60);
    const t = transition("checkout-5xx", "ALARM", 55);
    const outcomes = await Promise.all(
      (["eventbridge", "sns", "lambda-action"] as const).map((format, i) =>
        ingest({ ...t, format, deliveryId: `${format}-${i}` }),
      ),
    );
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["duplicate", "duplicate", "held"]);
    clock.set(3660);
    const sweeps = await Promise.all([release(), release(), release()]);
    expect(sweeps.flatMap((s) => s.errors)).toEqual([]);
    expect(sweeps.reduce((n, s) => n + s.released, 0)).toBe(1);
    expect((await store.listOpen()).items).toHaveLength(1);
  });

  it("release when cancelled; an ended window cannot be cancelled", async () => {
    await schedule();
    clock.set(60);
    await ingest(transition("checkout-5xx", "ALARM", 55));
    clock.set(120);
    const cancelled = await cancelWindow(deps(), "MW-1", ALICE);
    expect(cancelled.cancelledAt).toBe(at(120));
    // No longer held: a new alarm opens its incident at once.
    expect((await ingest(transition("checkout-latency", "ALARM", 125))).outcome).toBe("opened");
    const summary = await release();
    expect(summary).toMatchObject({ windows: 1, released: 1, opened: 1 });
    // Both checkout alarms are on incidents now (grouping needs the directory; none here).
    expect((await store.listOpen()).items.map((i) => i.title).sort()).toEqual([
      "checkout-5xx",
      "checkout-latency",
    ]);
    await expect(cancelWindow(deps(), "MW-1", ALICE)).rejects.toBeInstanceOf(WindowEndedError);
    const detail = await windowDetail(deps(), "MW-1");
    expect(detail.timeline.map((e) => e.kind)).toEqual([
      "maintenance.scheduled",
      "maintenance.alarm_held",
      "maintenance.cancelled",
      "maintenance.alarm_released",
      "maintenance.ended",
    ]);
    expect(detail.timeline.at(-1)!.summary).toBe(
      "MW-1 (checkout) was cancelled; its held alarms were released",
    );
  });

  it("list current and recent windows, by service; unknown and malformed references are clear errors", async () => {
    await schedule();
    await schedule({ services: ["payments"], from: at(7200) });
    await schedule({ services: [], team: "payments" });
    const all = await listWindows(deps());
    expect(all.map((w) => [w.key, w.state])).toEqual([
      ["MW-1", "active"],
      ["MW-3", "active"],
      ["MW-2", "scheduled"],
    ]);
    expect((await listWindows(deps(), { service: "payments" })).map((w) => w.key)).toEqual(["MW-3", "MW-2"]);
    await expect(windowDetail(deps(), "MW-9")).rejects.toBeInstanceOf(NotFoundError);
    await expect(windowDetail(deps(), "INC-1")).rejects.toBeInstanceOf(ValidationError);
    clock.set(9 * 24 * 3600);
    expect(await listWindows(deps())).toEqual([]);
  });
});
