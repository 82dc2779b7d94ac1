import { describe, expect, it } from "vitest";
import { parseWithIssues } from "../oncall/directory";
import type { Directory } from "../oncall/directory-types";
import type { SourceShift } from "./plan";
import { compareShifts, formatVerify, personMatcher, shiftsSpan } from "./verify";

/** Two daily rotations handing off at 09:00 London time, across the spring-forward of 2026-03-29. */
function directory(): Directory {
  const { directory, issues } = parseWithIssues({
    version: 1,
    people: [
      { id: "alice", name: "Alice Moreau", email: "alice@example.com", timezone: "Europe/London" },
      { id: "bob", name: "Bob Okafor", email: "bob@example.com", timezone: "Europe/London" },
      { id: "chen", name: "Chen Wei", email: "chen@example.com", timezone: "Europe/London" },
    ],
    teams: [
      {
        id: "sre",
        name: "SRE",
        rotations: [rotation("primary", ["alice", "bob"]), rotation("secondary", ["chen", "alice"])],
        escalationPolicy: {
          levels: [{ targets: [{ type: "rotation", id: "primary" }], timeoutMinutes: 5 }],
          fallback: { type: "person", id: "chen" },
        },
      },
    ],
  });
  expect(issues).toEqual([]);
  return directory!;
}

function rotation(id: string, members: string[]) {
  return {
    id,
    members,
    shift: { type: "daily" },
    handoffTime: "09:00",
    timezone: "Europe/London",
    start: "2026-03-27",
  };
}

// Hand-written: 09:00 London is 09:00Z before 2026-03-29 and 08:00Z from that day on.
const alice = { email: "ALICE@example.com" };
const bob = { id: "PBOB123" };
const primary: SourceShift[] = [
  { start: "2026-03-27T09:00:00Z", end: "2026-03-28T09:00:00Z", person: alice },
  { start: "2026-03-28T09:00:00Z", end: "2026-03-29T08:00:00Z", person: bob },
  { start: "2026-03-29T08:00:00Z", end: "2026-03-30T08:00:00Z", person: alice },
  { start: "2026-03-30T08:00:00Z", end: "2026-03-31T08:00:00Z", person: bob },
];
const window = { from: new Date("2026-03-27T09:00:00Z"), to: new Date("2026-03-31T08:00:00Z") };
const peopleIds = { PBOB123: "bob" };

describe("compareShifts", () => {
  it("finds no differing hour when the source's shifts agree, across the DST change", () => {
    const result = compareShifts({
      directory: directory(),
      rotationIds: ["primary"],
      shifts: primary,
      ...window,
      peopleIds,
    });
    expect(result.differing).toEqual([]);
    expect(result.hoursCompared).toBe(95);
    expect(result.unmatched).toEqual([]);
  });

  it("names exactly the hours that differ: a handoff kept in UTC, a short cover, an unknown person", () => {
    const shifts: SourceShift[] = [
      primary[0]!,
      // The source keeps handing off at 09:00Z after the change: bob one hour longer.
      { start: "2026-03-28T09:00:00Z", end: "2026-03-29T09:00:00Z", person: bob },
      { start: "2026-03-29T09:00:00Z", end: "2026-03-30T08:00:00Z", person: alice },
      // Chen covers 12:30–14:00Z on the 30th: two hours touched.
      { start: "2026-03-30T08:00:00Z", end: "2026-03-30T12:30:00Z", person: bob },
      { start: "2026-03-30T12:30:00Z", end: "2026-03-30T14:00:00Z", person: { name: "chen wei" } },
      { start: "2026-03-30T14:00:00Z", end: "2026-03-30T20:00:00Z", person: bob },
      { start: "2026-03-30T20:00:00Z", end: "2026-03-30T21:00:00Z", person: { email: "zed@example.com" } },
      { start: "2026-03-30T21:00:00Z", end: "2026-03-31T08:00:00Z", person: bob },
    ];
    const result = compareShifts({
      directory: directory(),
      rotationIds: ["primary"],
      shifts,
      ...window,
      peopleIds,
    });
    expect(result.differing.map((d) => d.hour)).toEqual([
      "2026-03-29T08:00:00.000Z",
      "2026-03-30T12:00:00.000Z",
      "2026-03-30T13:00:00.000Z",
      "2026-03-30T20:00:00.000Z",
    ]);
    expect(result.differing[0]).toEqual({
      hour: "2026-03-29T08:00:00.000Z",
      source: ["bob"],
      firebreak: ["alice"],
    });
    // The first differing instant of 12:00 is 12:30.
    expect(result.differing[1]).toMatchObject({ source: ["chen"], firebreak: ["bob"] });
    expect(result.differing[3]).toMatchObject({ source: ["?zed@example.com"], firebreak: ["bob"] });
    expect(result.runs.map((r) => [r.from, r.hours])).toEqual([
      ["2026-03-29T08:00:00.000Z", 1],
      ["2026-03-30T12:00:00.000Z", 2],
      ["2026-03-30T20:00:00.000Z", 1],
    ]);
    expect(result.unmatched).toEqual(["zed@example.com"]);
    const names = new Map(directory().people.map((p) => [p.id, p.name]));
    const text = formatVerify(result, names);
    expect(text).toContain("✗ 4 differing hours:");
    expect(text).toContain(
      "2026-03-30T12:00:00.000Z → 2026-03-30T14:00:00.000Z (2 h): source Chen Wei; Firebreak Bob Okafor",
    );
    expect(text).toContain("zed@example.com (not in the directory)");
  });

  it("compares sets: a schedule of two parallel rotations against both people", () => {
    const secondary: SourceShift[] = [
      { start: "2026-03-27T09:00:00Z", end: "2026-03-28T09:00:00Z", person: { email: "chen@example.com" } },
      { start: "2026-03-28T09:00:00Z", end: "2026-03-29T08:00:00Z", person: alice },
      { start: "2026-03-29T08:00:00Z", end: "2026-03-30T08:00:00Z", person: { email: "chen@example.com" } },
      { start: "2026-03-30T08:00:00Z", end: "2026-03-31T08:00:00Z", person: alice },
    ];
    const both = compareShifts({
      directory: directory(),
      rotationIds: ["primary", "secondary"],
      shifts: [...secondary, ...primary],
      ...window,
      peopleIds,
    });
    expect(both.differing).toEqual([]);
    // Only one of the two rotations: every hour differs (the other person is missing).
    const one = compareShifts({
      directory: directory(),
      rotationIds: ["primary"],
      shifts: [...primary, ...secondary],
      ...window,
      peopleIds,
    });
    expect(one.differing).toHaveLength(95);
    expect(one.differing[0]).toMatchObject({ source: ["alice", "chen"], firebreak: ["alice"] });
  });

  it("a gap in the source is a difference (nobody against somebody), and the window clips both sides", () => {
    const result = compareShifts({
      directory: directory(),
      rotationIds: ["primary"],
      shifts: primary.slice(1),
      from: new Date("2026-03-28T07:30:00Z"),
      to: new Date("2026-03-28T10:00:00Z"),
      peopleIds,
    });
    expect(result.hoursCompared).toBe(3);
    expect(result.differing.map((d) => [d.hour, d.source, d.firebreak])).toEqual([
      ["2026-03-28T07:00:00.000Z", [], ["alice"]],
      ["2026-03-28T08:00:00.000Z", [], ["alice"]],
    ]);
  });

  it("refuses an empty window and an unknown rotation", () => {
    const d = directory();
    expect(() =>
      compareShifts({ directory: d, rotationIds: ["primary"], shifts: [], from: window.to, to: window.from }),
    ).toThrow("the period must end after it starts");
    expect(() => compareShifts({ directory: d, rotationIds: ["nope"], shifts: [], ...window })).toThrow(
      'unknown rotation "nope"',
    );
  });
});

describe("personMatcher", () => {
  it("matches by the import's ids, then e-mail, then a unique name, then directory id", () => {
    const people = [
      ...directory().people,
      { id: "alice2", name: "Alice Moreau", email: "alice2@example.com", timezone: "UTC" },
    ];
    const match = personMatcher(people, { P1: "bob", P2: "gone" });
    expect(match({ id: "P1", email: "alice@example.com" })).toEqual({ id: "bob", matched: true });
    expect(match({ id: "P2", email: "chen@example.com" })).toEqual({ id: "chen", matched: true });
    expect(match({ name: "  Chen WEI " })).toEqual({ id: "chen", matched: true });
    // Two people share the name: a name alone matches nobody.
    expect(match({ name: "Alice Moreau" })).toEqual({ id: "?Alice Moreau", matched: false });
    expect(match({ id: "alice2" })).toEqual({ id: "alice2", matched: true });
    // A calendar summary that names one person (as a whole name, not inside another word).
    expect(match({ name: "On Call - Chen Wei - Primary" })).toEqual({ id: "chen", matched: true });
    expect(match({ name: "Bob Okafor on call (Primary), override" })).toEqual({ id: "bob", matched: true });
    expect(match({ name: "On call: Chen Weiss" })).toEqual({ id: "?On call: Chen Weiss", matched: false });
    expect(match({ name: "Alice Moreau and Chen Wei" })).toMatchObject({ matched: false });
  });
});

describe("shiftsSpan", () => {
  it("is the earliest start to the latest end, ignoring unreadable shifts", () => {
    expect(shiftsSpan([...primary, { start: "nope", end: "2030-01-01T00:00:00Z", person: {} }])).toEqual(
      window,
    );
    expect(shiftsSpan([])).toBeUndefined();
  });
});
