import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { describe, expect, it } from "vitest";
import { DynamoBudgetState } from "../adapters/dynamodb/metrics/budget-store";
import type { TimelineEntry } from "../incident/timeline";
import { parseDirectoryYaml } from "../oncall/directory-yaml";
import type { BudgetIncident } from "./budget";
import { type BudgetStateStore, checkBudgets } from "./budget-alerts";

const directory = parseDirectoryYaml(`
version: 1
people:
  - { id: ann, name: Ann Lee, phone: "+12025550101", timezone: UTC }
teams:
  - id: search
    name: Search
    services: [search, index]
    alertChannel: C0SEARCH
    rotations:
      - { id: search-primary, members: [ann], shift: { type: weekly }, handoffTime: "09:00", timezone: UTC, start: "2026-01-05" }
    escalationPolicy:
      levels: [{ targets: [{ type: rotation, id: search-primary }], timeoutMinutes: 5 }]
      fallback: { type: person, id: ann }
    slo:
      search: { target: 0.99, windowDays: 7 }
`);
// 1% of 7 days: 100.8 minutes.

function memoryState(): BudgetStateStore & {
  announcements: TimelineEntry[];
  version: number;
  known: string[];
} {
  const self = {
    version: 0,
    known: [] as string[],
    announcements: [] as TimelineEntry[],
    async get() {
      return self.version === 0 ? undefined : { known: self.known, version: self.version };
    },
    async save(next: string[], expectedVersion: number, announcement?: TimelineEntry) {
      if (expectedVersion !== self.version) return false;
      self.known = next;
      self.version++;
      if (announcement) self.announcements.push(announcement);
      return true;
    },
  };
  return self;
}

const NOW = Date.parse("2026-03-08T00:00:00.000Z");
const inc = (id: string, startMin: number, minutes: number | null, service = "search"): BudgetIncident => ({
  id,
  key: `INC-${id}`,
  title: id,
  services: [service],
  impactStart: new Date(NOW - startMin * 60_000).toISOString(),
  impactEnd: minutes === null ? null : new Date(NOW - startMin * 60_000 + minutes * 60_000).toISOString(),
});

function setup(state: BudgetStateStore = memoryState()) {
  let now = NOW;
  let incidents: BudgetIncident[] = [];
  const deps = {
    directory: { get: async () => ({ directory }) },
    state,
    clock: { now: () => new Date(now) },
    incidents: async () => incidents,
  };
  return {
    deps,
    at: (ms: number) => {
      now = ms;
    },
    set: (list: BudgetIncident[]) => {
      incidents = list;
    },
  };
}

describe("checkBudgets", () => {
  it("announces each threshold once, the highest newly crossed, to the team", async () => {
    const state = memoryState();
    const t = setup(state);
    expect(await checkBudgets(t.deps)).toEqual({ action: "checked", services: 1, announced: 0, teams: [] });
    expect(state.version).toBe(0); // nothing crossed, nothing written

    t.set([inc("a", 600, 55)]); // 55 of 100.8: 54.6%
    expect(await checkBudgets(t.deps)).toEqual({
      action: "checked",
      services: 1,
      announced: 1,
      teams: ["search"],
    });
    expect(await checkBudgets(t.deps)).toMatchObject({ announced: 0 });
    expect(state.announcements).toHaveLength(1);
    expect(state.announcements[0]).toMatchObject({
      incidentId: "BUDGETS",
      kind: "slo.budget_thresholds_crossed",
      actor: { type: "system", id: "budget-check" },
      at: "2026-03-08T00:00:00.000Z",
      summary: "1 error budget crossed a threshold (search 50%)",
      data: {
        teams: [
          {
            team: "search",
            name: "Search",
            alertChannel: "C0SEARCH",
            crossings: [
              {
                service: "search",
                threshold: 50,
                target: 0.99,
                windowDays: 7,
                budgetMinutes: 100.8,
                consumedMinutes: 55,
                remainingMinutes: 45.8,
                percentConsumed: 54.5635,
              },
            ],
          },
        ],
      },
    });

    // Straight past 75 and 100 in one hour: one announcement, at 100%.
    t.set([inc("a", 600, 55), inc("b", 300, 60)]);
    await checkBudgets(t.deps);
    expect(state.announcements).toHaveLength(2);
    expect(state.announcements[1]?.summary).toBe("1 error budget crossed a threshold (search 100%)");
    expect(state.known).toEqual(["search|0.99|7|50", "search|0.99|7|75", "search|0.99|7|100"]);
    await checkBudgets(t.deps);
    expect(state.announcements).toHaveLength(2);
  });

  it("forgets a crossing once the window moves past it, and announces it again when crossed again", async () => {
    const state = memoryState();
    const t = setup(state);
    t.set([inc("a", 600, 55)]);
    await checkBudgets(t.deps);
    // Eight days on, the incident is out of the 7-day window: forgotten.
    t.at(NOW + 8 * 86_400_000);
    expect(await checkBudgets(t.deps)).toMatchObject({ announced: 0 });
    expect(state.known).toEqual([]);
    t.set([inc("a", 600, 55), inc("c", -8 * 1440 + 120, 60)]);
    expect(await checkBudgets(t.deps)).toMatchObject({ announced: 1 });
    expect(state.announcements).toHaveLength(2);
  });

  it("writes nothing when another check saved first", async () => {
    const state = memoryState();
    const t = setup({ ...state, get: state.get, save: async () => false });
    t.set([inc("a", 600, 55)]);
    expect(await checkBudgets(t.deps)).toEqual({ action: "lost_race" });
    const none = setup();
    none.deps.directory.get = async () => undefined as never;
    expect(await checkBudgets(none.deps)).toEqual({ action: "no_directory" });
  });

  it("on DynamoDB: the state and the announcement in one transaction, a stale version refused", async () => {
    const store = storeFor(await createTestTable("budget-state"));
    const state = new DynamoBudgetState(store.db, store.tableName);
    const t = setup(state);
    t.set([inc("a", 600, 55)]);
    expect(await checkBudgets(t.deps)).toMatchObject({ announced: 1 });
    expect(await state.get()).toEqual({ known: ["search|0.99|7|50"], version: 1 });
    expect(await state.save([], 0)).toBe(false);
    expect(await checkBudgets(t.deps)).toMatchObject({ announced: 0 });
  });
});
