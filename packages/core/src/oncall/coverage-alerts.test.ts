import { describe, expect, it } from "vitest";
import type { TimelineEntry } from "../incident/timeline";
import { type CoverageStateStore, checkCoverage, type KnownGap } from "./coverage-alerts";
import { parseDirectoryYaml } from "./directory-yaml";

const directory = parseDirectoryYaml(`
version: 1
people:
  - { id: ann, name: Ann Lee, phone: "+12025550101", timezone: UTC }
teams:
  - id: search
    name: Search
    services: [search]
    rotations:
      - { id: search-primary, members: [], shift: { type: weekly }, handoffTime: "09:00", timezone: UTC, start: "2026-01-05" }
    escalationPolicy:
      levels: [{ targets: [{ type: rotation, id: search-primary }], timeoutMinutes: 5 }]
      fallback: { type: person, id: ann }
`);

/** An in-memory state with the DynamoDB adapter's contract: saved only at the expected version. */
function memoryState(): CoverageStateStore & { announcements: TimelineEntry[]; version: number } {
  let known: KnownGap[] = [];
  const self = {
    version: 0,
    announcements: [] as TimelineEntry[],
    async get() {
      return self.version === 0 ? undefined : { known, version: self.version };
    },
    async save(next: KnownGap[], expectedVersion: number, announcement?: TimelineEntry) {
      if (expectedVersion !== self.version) return false;
      known = next;
      self.version++;
      if (announcement) self.announcements.push(announcement);
      return true;
    },
  };
  return self;
}

const clock = { now: () => new Date("2026-03-01T00:00:00Z") };

describe("checkCoverage", () => {
  it("announces a problem once, as one event naming the team and its gaps", async () => {
    const state = memoryState();
    const deps = { directory: { get: async () => ({ directory }) }, state, clock };
    expect(await checkCoverage(deps)).toEqual({
      action: "checked",
      gaps: 1,
      announced: 1,
      teams: ["search"],
    });
    expect(await checkCoverage(deps)).toEqual({ action: "checked", gaps: 1, announced: 0, teams: [] });
    expect(state.announcements).toHaveLength(1);
    expect(state.announcements[0]).toMatchObject({
      incidentId: "COVERAGE",
      kind: "oncall.coverage_gaps_found",
      actor: { type: "system", id: "coverage-check" },
      at: "2026-03-01T00:00:00.000Z",
      summary: "1 new coverage gap in the next 14 days (Search)",
      data: { teams: [{ team: "search", name: "Search", more: 0, gaps: [{ reason: "empty_rotation" }] }] },
    });
  });

  it("a check that loses the race to another writes and announces nothing; no directory, nothing to check", async () => {
    const state = memoryState();
    const racing: CoverageStateStore = {
      get: state.get,
      // Another check saved between this one's read and its write.
      save: async (known, expected, announcement) => {
        await state.save([], state.version);
        return state.save(known, expected, announcement);
      },
    };
    expect(
      await checkCoverage({ directory: { get: async () => ({ directory }) }, state: racing, clock }),
    ).toEqual({ action: "lost_race" });
    expect(state.announcements).toEqual([]);
    expect(await checkCoverage({ directory: { get: async () => undefined }, state, clock })).toEqual({
      action: "no_directory",
    });
  });
});
