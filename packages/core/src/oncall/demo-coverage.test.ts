/**
 * The demo directory (examples/directory.yaml) pages by SMS and Slack at the first step of every
 * team, whoever is on call: the local runtime's paging tests and the bench page it at a pinned
 * instant, and a demo must not go quiet one week in four. The walk covers every week of
 * checkout-primary's 4-week cycle (the longest; the daily and 8-hour rotations cycle within it),
 * every handoff (and the millisecond before it), both DST changes in Europe and in the US, and
 * every override window.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Directory, Rotation, TargetRef } from "./directory-types";
import { parseDirectoryYaml } from "./directory-yaml";
import { shiftStartAt } from "./rotation";
import { resolveTargets } from "./who";

const demo = parseDirectoryYaml(
  readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8"),
);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** checkout-primary's first handoff: Monday 2026-01-05 09:00 Europe/London (GMT). */
const CYCLE_START = Date.parse("2026-01-05T09:00:00Z");
const CYCLE = 28 * DAY;
/** The walk covers the second cycle: by then every rotation has started (payments-primary at 14:00Z on the 5th). */
const WALK_FROM = CYCLE_START + CYCLE;

/** The instants the clocks change in 2026. */
const DST_CHANGES = [
  { name: "US spring forward 2026-03-08", at: Date.parse("2026-03-08T07:00:00Z") },
  { name: "Europe spring forward 2026-03-29", at: Date.parse("2026-03-29T01:00:00Z") },
  { name: "Europe fall back 2026-10-25", at: Date.parse("2026-10-25T01:00:00Z") },
  { name: "US fall back 2026-11-01", at: Date.parse("2026-11-01T06:00:00Z") },
];

function rotation(directory: Directory, id: string): Rotation {
  const found = directory.teams.flatMap((t) => t.rotations).find((r) => r.id === id);
  if (!found) throw new Error(`no rotation "${id}" in the demo directory`);
  return found;
}

/** The rotations a step pages. */
const rotationsOf = (directory: Directory, targets: readonly TargetRef[]) =>
  targets.flatMap((t) => (t.type === "rotation" ? [rotation(directory, t.id)] : []));

/**
 * What a team's first page goes to: its level 1, or, when level 1 has nobody in any rotation or as
 * a person (a team still staffing its rotation), the fallback the escalation pages at once.
 */
function firstStep(
  directory: Directory,
  team: Directory["teams"][number],
): { name: string; targets: readonly TargetRef[] } {
  const level1 = team.escalationPolicy.levels[0]!.targets;
  const staffed = level1.some(
    (t) => t.type === "person" || (t.type === "rotation" && rotation(directory, t.id).members.length > 0),
  );
  return staffed
    ? { name: "level 1", targets: level1 }
    : { name: "fallback", targets: [team.escalationPolicy.fallback] };
}

/** Every handoff of the teams' first-step rotations in [from, to), and the millisecond before each. */
function handoffs(from: number, to: number): number[] {
  const out: number[] = [];
  for (const team of demo.teams) {
    for (const r of rotationsOf(demo, firstStep(demo, team).targets)) {
      for (let k = 0; ; k++) {
        const at = shiftStartAt(r, k).getTime();
        if (at >= to) break;
        if (at >= from) out.push(at - 1, at);
      }
    }
  }
  return out;
}

function hourly(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += HOUR) out.push(t);
  return out;
}

/**
 * Checks the first step of every team at each instant: at least one person, and every person it
 * resolves to has a phone (SMS) and a Slack user id (Slack DM). Returns the problems, and who
 * checkout-primary's level 1 resolved to.
 */
function check(
  instants: readonly number[],
  directory: Directory = demo,
): { problems: string[]; checkoutLevel1: Set<string> } {
  const problems: string[] = [];
  const checkoutLevel1 = new Set<string>();
  for (const t of instants) {
    const at = new Date(t);
    for (const team of directory.teams) {
      const step = firstStep(directory, team);
      const resolved = resolveTargets(directory, step.targets, at);
      const people = resolved.targets.flatMap((r) => (r.type === "person" ? [r.person] : []));
      const where = `${team.id} ${step.name} at ${at.toISOString()}`;
      if (people.length === 0) problems.push(`${where}: nobody (${resolved.nobody ?? "topics only"})`);
      for (const person of people) {
        if (!person.phone) problems.push(`${where}: ${person.id} has no phone`);
        if (!person.slackUserId) problems.push(`${where}: ${person.id} has no Slack user id`);
        if (team.id === "checkout") checkoutLevel1.add(person.id);
      }
    }
  }
  return { problems, checkoutLevel1 };
}

describe("the demo directory pages SMS and Slack at every team's first step, whoever is on call", () => {
  it("in every week of checkout-primary's 4-week cycle, hourly and at every handoff", () => {
    const instants = [...hourly(WALK_FROM, WALK_FROM + CYCLE), ...handoffs(WALK_FROM, WALK_FROM + CYCLE)];
    const { problems, checkoutLevel1 } = check(instants);
    expect(problems).toEqual([]);
    // The walk did see the whole cycle: each of the four is checkout's level 1 in their week.
    expect([...checkoutLevel1].sort()).toEqual(["alice", "bob", "chen", "dana"]);
  });

  it.each(DST_CHANGES)("around the $name DST change", ({ at }) => {
    const from = at - DAY;
    const to = at + DAY;
    const instants = [...hourly(from, to), at - 1, at, at + 1, ...handoffs(from, to)];
    expect(check(instants).problems).toEqual([]);
  });

  it("during every override, from its first to its last millisecond", () => {
    const overrides = demo.teams.flatMap((t) => t.rotations).flatMap((r) => r.overrides);
    expect(overrides.length).toBeGreaterThan(0);
    const instants = overrides.flatMap((o) => {
      const from = Date.parse(o.from);
      const to = Date.parse(o.to);
      return [from, Math.floor((from + to) / 2), to - 1];
    });
    expect(check(instants).problems).toEqual([]);
  });

  it("reports a person without a phone (the check is not vacuous)", () => {
    const people = demo.people.map((p) => (p.id === "dana" ? { ...p, phone: undefined } : p));
    const withoutDana = { ...demo, people };
    const danaWeek = CYCLE_START + 3 * 7 * DAY + 12 * HOUR;
    expect(check([danaWeek], withoutDana).problems).toEqual([
      "checkout level 1 at 2026-01-26T21:00:00.000Z: dana has no phone",
    ]);
    const search = demo.teams.find((t) => t.id === "search")!;
    // A team still staffing its rotation is checked through the fallback it pages at once.
    expect(firstStep(demo, search)).toEqual({
      name: "fallback",
      targets: [search.escalationPolicy.fallback],
    });
  });
});
