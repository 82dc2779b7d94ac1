import { transition as makeTransition } from "@firebreak/testkit/factories";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_EPISODE_CONFIG,
  densestWindow,
  type EpisodeConfig,
  type EpisodePlan,
  planTransition,
} from "./episode";
import type { AlarmRecord } from "./record";
import type { AlarmState, AlarmTransition } from "./transition";

const config = { ...DEFAULT_EPISODE_CONFIG, flapping: { threshold: 1000, windowMs: 60_000 } };

/** Applies plans in memory, like the store would: the model the integration tests check for real. */
function run(transitions: AlarmTransition[], episodeConfig: EpisodeConfig = config) {
  let record: AlarmRecord | undefined;
  const incidents = new Map<string, string[]>();
  /** Incidents marked flapping, with how many times (it must be once). */
  const flapping = new Map<string, number>();
  const flag = (id: string) => flapping.set(id, (flapping.get(id) ?? 0) + 1);
  let n = 0;
  const plans: EpisodePlan[] = [];
  const transitionsOf = (plan: { entries: { kind: string; data: Record<string, unknown> }[] }) =>
    plan.entries
      .filter((e) => e.kind === "incident.alarm_transition")
      .map((e) => String(e.data.stateTimestamp));
  for (const t of transitions) {
    const plan = planTransition(record, t, episodeConfig, { newIncidentId: `inc-${++n}` });
    plans.push(plan);
    if (plan.action === "open") {
      incidents.set(plan.incidentId, transitionsOf(plan));
      if (plan.flapping) flag(plan.incidentId);
      record = plan.record;
    } else if (plan.action === "append") {
      incidents.get(plan.incidentId)!.push(...transitionsOf(plan));
      if (plan.markFlapping) flag(plan.incidentId);
      record = plan.record ?? record;
    } else if (plan.action === "record") {
      record = plan.record;
    }
  }
  return { record, incidents, plans, flapping };
}

describe("planTransition", () => {
  it("opens on the first ALARM and records nothing for an OK with no history", () => {
    expect(
      planTransition(undefined, makeTransition("a", "OK", 0), config, { newIncidentId: "x" }).action,
    ).toBe("record");
    const open = planTransition(undefined, makeTransition("a", "ALARM", 0), config, { newIncidentId: "x" });
    expect(open).toMatchObject({
      action: "open",
      incidentId: "x",
      record: { openIncidentId: "x", version: 1 },
    });
  });

  it("the final alarm state is the newest transition's, whatever the arrival order", () => {
    const states: AlarmState[] = ["ALARM", "OK", "INSUFFICIENT_DATA"];
    const scenario = fc.record({
      first: fc.constant<AlarmState>("ALARM"),
      rest: fc.array(fc.constantFrom(...states), { minLength: 1, maxLength: 12 }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(scenario, fc.func(fc.integer()), ({ first, rest }, shuffleKey) => {
        const ordered = [first, ...rest].map((state, i) => makeTransition("p", state, i * 10));
        const shuffled = [...ordered].sort(
          (a, b) => shuffleKey(a.stateTimestamp) - shuffleKey(b.stateTimestamp),
        );
        const { record, incidents } = run(shuffled);
        const newest = ordered.at(-1)!;
        expect(record?.lastStateTimestamp).toBe(newest.stateTimestamp);
        expect(record?.lastState).toBe(newest.state);
        // Every ALARM-bearing history has exactly one incident (no auto-resolve), and every
        // transition is on it exactly once, whatever the order.
        expect(incidents.size).toBe(1);
        const recorded = [...incidents.values()][0]!;
        expect(recorded.sort()).toEqual(ordered.map((t) => t.stateTimestamp).sort());
      }),
      { numRuns: 300 },
    );
  });

  it("never lets a late transition change the alarm's state", () => {
    const newest = makeTransition("l", "OK", 100);
    const { record } = run([makeTransition("l", "ALARM", 0), newest, makeTransition("l", "ALARM", 50)]);
    expect(record).toMatchObject({ lastState: "OK", lastStateTimestamp: newest.stateTimestamp });
  });

  it("keeps a late OK with no incident on the alarm record, for the ALARM that may still come", () => {
    const { plans, incidents } = run([
      makeTransition("d", "OK", 100),
      makeTransition("d", "OK", 50),
      makeTransition("d", "ALARM", 10),
    ]);
    expect(plans[1]).toMatchObject({
      action: "record",
      record: { lastStateTimestamp: makeTransition("d", "OK", 100).stateTimestamp },
    });
    expect([...incidents.values()][0]).toHaveLength(3);
  });

  it("decides flapping on the state timestamps, the same for every arrival order", () => {
    const flapConfig = { ...DEFAULT_EPISODE_CONFIG, flapping: { threshold: 4, windowMs: 10 * 60_000 } };
    const states: AlarmState[] = ["ALARM", "OK", "INSUFFICIENT_DATA"];
    const scenario = fc.record({
      rest: fc.array(
        fc.record({ state: fc.constantFrom(...states), gap: fc.integer({ min: 1, max: 400 }) }),
        {
          minLength: 1,
          maxLength: 14,
        },
      ),
      order: fc.array(fc.nat(), { minLength: 15, maxLength: 15 }),
    });
    fc.assert(
      fc.property(scenario, ({ rest, order }) => {
        // The first is the episode's ALARM; the rest follow it by `gap` seconds each.
        const ordered = [makeTransition("flap", "ALARM", 0)];
        let seconds = 0;
        for (const { state, gap } of rest) {
          seconds += gap;
          ordered.push(makeTransition("flap", state, seconds));
        }
        // A shuffle driven by the generated keys (fast-check shrinks it).
        const shuffled = ordered
          .map((t, i) => ({ t, key: order[i] ?? 0 }))
          .sort((a, b) => a.key - b.key)
          .map(({ t }) => t);
        const expected =
          densestWindow(
            ordered.map((t) => t.stateTimestamp),
            flapConfig.flapping.windowMs,
          ) > flapConfig.flapping.threshold;
        for (const arrival of [ordered, shuffled]) {
          const { incidents, flapping } = run(arrival, flapConfig);
          expect(incidents.size).toBe(1);
          const [id] = [...incidents.keys()];
          expect(flapping.get(id!) ?? 0).toBe(expected ? 1 : 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("counts the transitions of the densest window, late ones included", () => {
    const at = (s: number) => makeTransition("w", "OK", s).stateTimestamp;
    expect(densestWindow([], 60_000)).toBe(0);
    expect(densestWindow([at(0), at(30), at(59), at(60), at(200)], 60_000)).toBe(3);
    expect(densestWindow([at(0), at(60), at(120)], 60_000)).toBe(1);
  });
});

/** Like `run`, with auto-resolve: tracks each incident's status and reopenings as ingest applies them. */
function runResolving(transitions: AlarmTransition[], episodeConfig: EpisodeConfig) {
  let record: AlarmRecord | undefined;
  const incidents = new Map<
    string,
    { status: "open" | "resolved"; reopens: number; transitions: string[] }
  >();
  const flapping = new Map<string, number>();
  let n = 0;
  const stamps = (entries: { kind: string; data: Record<string, unknown> }[]) =>
    entries.filter((e) => e.kind === "incident.alarm_transition").map((e) => String(e.data.stateTimestamp));
  for (const t of transitions) {
    const plan = planTransition(record, t, episodeConfig, { newIncidentId: `inc-${++n}` });
    if (plan.action === "open") {
      const status = plan.resolvedAt ? "resolved" : "open";
      incidents.set(plan.incidentId, { status, reopens: 0, transitions: stamps(plan.entries) });
      if (plan.flapping) flapping.set(plan.incidentId, (flapping.get(plan.incidentId) ?? 0) + 1);
      record = plan.record;
    } else if (plan.action === "append") {
      const incident = incidents.get(plan.incidentId)!;
      incident.transitions.push(...stamps(plan.entries));
      if (plan.reopen && incident.status === "resolved") {
        incident.status = "open";
        incident.reopens += 1;
      }
      if (plan.markFlapping) flapping.set(plan.incidentId, (flapping.get(plan.incidentId) ?? 0) + 1);
      record = plan.record ?? record;
      if (plan.resolve) {
        incident.status = "resolved";
        // As ingest does: resolved at the recovery's own state timestamp.
        if (record) record = { ...record, lastIncidentResolvedAt: t.stateTimestamp };
      }
    } else if (plan.action === "record") {
      record = plan.record;
    }
  }
  return { record, incidents, flapping };
}

/** Every ordering of a list (6 items: 720). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe("planTransition: the reopen window", () => {
  const resolving: EpisodeConfig = { ...DEFAULT_EPISODE_CONFIG, autoResolveOnOk: true };
  // The storm: fired and recovered three times in 20 seconds.
  const storm = [0, 3, 7, 10, 14, 20].map((s, i) =>
    makeTransition("flappy", i % 2 === 0 ? "ALARM" : "OK", s),
  );

  it("fire/ok ×3 with auto-resolve, in order: one incident, reopened twice, resolved, flapping once", () => {
    const { incidents, flapping } = runResolving(storm, resolving);
    expect(incidents.size).toBe(1);
    const [id, incident] = [...incidents.entries()][0]!;
    expect(incident).toMatchObject({ status: "resolved", reopens: 2 });
    expect(incident.transitions).toEqual(storm.map((t) => t.stateTimestamp));
    // Six state changes in 20 s is more than the default threshold (5): flapping counts across reopenings.
    expect(flapping.get(id)).toBe(1);
  });

  it("fire/ok ×3 with auto-resolve, in every one of the 720 delivery orders: one incident holding all six, resolved", () => {
    for (const order of permutations(storm)) {
      const { incidents, flapping, record } = runResolving(order, resolving);
      const label = order.map((t) => `${t.state}@${t.stateTimestamp.slice(17, 19)}`).join(" ");
      expect(incidents.size, label).toBe(1);
      const [id, incident] = [...incidents.entries()][0]!;
      expect(incident.transitions.sort(), label).toEqual(storm.map((t) => t.stateTimestamp).sort());
      expect(incident.status, label).toBe("resolved");
      expect(record?.orphans ?? [], label).toEqual([]);
      expect(flapping.get(id), label).toBe(1);
    }
  });

  it("an ALARM after the window opens a new incident; a window of 0 never reopens", () => {
    const late = [
      makeTransition("w", "ALARM", 0),
      makeTransition("w", "OK", 60),
      makeTransition("w", "ALARM", 60 + 31 * 60),
    ];
    expect(runResolving(late, resolving).incidents.size).toBe(2);
    const inside = late.slice(0, 2).concat(makeTransition("w", "ALARM", 60 + 29 * 60));
    expect(runResolving(inside, resolving).incidents.size).toBe(1);
    expect(runResolving(inside, { ...resolving, reopenWindowMs: 0 }).incidents.size).toBe(2);
  });

  it("reopens an incident a person resolved when the alarm fires again within the window", () => {
    const fired = planTransition(undefined, makeTransition("m", "ALARM", 0), config, { newIncidentId: "x" });
    if (fired.action !== "open") throw new Error("expected open");
    // As commitIncidentChange's releaseAlarm leaves the record after a person resolves.
    const released: AlarmRecord = {
      ...fired.record,
      openIncidentId: undefined,
      lastIncidentResolvedAt: makeTransition("m", "OK", 600).stateTimestamp,
    };
    const again = planTransition(released, makeTransition("m", "ALARM", 900), config, { newIncidentId: "y" });
    expect(again).toMatchObject({
      action: "append",
      incidentId: "x",
      reopen: true,
      record: { openIncidentId: "x" },
    });
  });
});
