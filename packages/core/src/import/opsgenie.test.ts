import { readFileSync } from "node:fs";
import { parseWithIssues } from "@firebreak/core/oncall/directory";
import { scheduleBetween } from "@firebreak/core/oncall/rotation";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { opsgenieImporter, opsgenieToE164 } from "./opsgenie";
import type { ImportResult, SourceFile, SourceShifts } from "./plan";

const FILES = [
  "users.json",
  "users-b5b92115-bfe7-43eb-8c2a-e467f2e5ddc4-contacts.json",
  "users-e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b-contacts.json",
  "users-b5b92115-bfe7-43eb-8c2a-e467f2e5ddc4-notification-rules.json",
  "teams.json",
  "teams-8418d193-2dab-4490-b331-8c02cdd196b7.json",
  "services.json",
  "schedules.json",
  "schedules-d875e654-9b4e-4219-a98f-4d8f7e9c1a22-overrides.json",
  "schedules-c2e5f4a1-7b8c-4d9e-a0f1-2b3c4d5e6f7a-overrides.json",
  "escalations.json",
];

const fixture = (name: string): SourceFile => ({
  name,
  json: JSON.parse(
    readFileSync(new URL(`../../../../fixtures/import/opsgenie/${name}`, import.meta.url), "utf8"),
  ) as unknown,
});

const files = () => FILES.map(fixture);
const run = (input: SourceFile[] = files()): ImportResult => opsgenieImporter.import(input);

const ALICE = "b5b92115-bfe7-43eb-8c2a-e467f2e5ddc4";
const BOB = "4a8d3c21-5f6e-4b7a-9c1d-2e3f4a5b6c7d";
const CAROL = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b";
const DEV = "7c6b5a49-3827-4165-9504-a3b2c1d0e9f8";
const ERIN = "0d9e8f7a-6b5c-4d3e-a2f1-b0c9d8e7f6a5";
const SRE_PRIMARY = "d875e654-9b4e-4219-a98f-4d8f7e9c1a22";
const PAYMENTS_ONCALL = "c2e5f4a1-7b8c-4d9e-a0f1-2b3c4d5e6f7a";

const entry = (r: ImportResult, kind: string, id: string) => {
  const found = r.report.filter((e) => e.kind === kind && e.id === id);
  expect(found, `${kind} ${id}`).toHaveLength(1);
  return found[0]!;
};
const rotation = (r: ImportResult, id: string) => {
  const found = r.directory.teams.flatMap((t) => t.rotations).find((x) => x.id === id);
  expect(found, id).toBeDefined();
  return found!;
};

describe("the fixture export", () => {
  const result = run();

  it("is a directory with zero validation issues", () => {
    expect(parseWithIssues(result.directory).issues).toEqual([]);
  });

  it("maps the users to people, with contacts converted to E.164", () => {
    expect(result.directory.people).toEqual([
      {
        id: "alice-smith",
        name: "Alice Smith",
        timezone: "Europe/London",
        email: "alice.smith@example.com",
        phone: "+447700900123",
      },
      { id: "bob-jones", name: "Bob Jones", timezone: "Europe/London", email: "bob.jones@example.com" },
      {
        id: "carol-diaz",
        name: "Carol Díaz",
        timezone: "America/New_York",
        email: "carol.diaz@example.com",
        phone: "+12025550143",
      },
      { id: "dev-patel", name: "Dev Patel", timezone: "Europe/London", email: "dev.patel@example.com" },
      { id: "erin-walsh", name: "Erin Walsh", timezone: "America/New_York", email: "erin.walsh@example.com" },
    ]);
    expect(result.ids.people).toEqual({
      [ALICE]: "alice-smith",
      [BOB]: "bob-jones",
      [CAROL]: "carol-diaz",
      [DEV]: "dev-patel",
      [ERIN]: "erin-walsh",
    });
  });

  it("maps every rotation of a schedule (all are on call at once) and the schedule to all of them", () => {
    expect(result.ids.schedules).toEqual({
      [SRE_PRIMARY]: ["sre-primary"],
      [PAYMENTS_ONCALL]: ["payments-on-call-nights", "payments-on-call-backup"],
    });
    expect(rotation(result, "sre-primary")).toEqual({
      id: "sre-primary",
      name: "SRE Primary",
      members: ["alice-smith", "bob-jones", "dev-patel"],
      shift: { type: "daily" },
      handoffTime: "09:00",
      timezone: "Europe/London",
      start: "2026-03-23",
      overrides: [
        {
          personId: "carol-diaz",
          from: "2026-03-31T12:00:00.000Z",
          to: "2026-03-31T18:00:00.000Z",
          reason: "Opsgenie override c0b1a2f3-4e5d-4c6b-8a7f-9e0d1c2b3a4f",
        },
      ],
    });
    expect(rotation(result, "payments-on-call-nights")).toMatchObject({
      members: ["carol-diaz", "erin-walsh"],
      shift: { type: "hours", hours: 12 },
      handoffTime: "19:00",
      timezone: "America/New_York",
      start: "2026-10-26",
      overrides: [
        { personId: "erin-walsh", from: "2026-10-31T23:00:00.000Z", to: "2026-11-01T11:00:00.000Z" },
      ],
    });
    expect(rotation(result, "payments-on-call-backup")).toMatchObject({
      members: ["erin-walsh", "carol-diaz"],
      shift: { type: "hours", hours: 336 },
      handoffTime: "09:00",
      timezone: "America/New_York",
      start: "2026-11-02",
      overrides: [],
    });
  });

  it("maps each team's escalation to its policy: same-delay rules are one level, timeouts from delays, repeats", () => {
    expect(result.directory.escalationPolicies).toEqual([
      {
        id: "sre-escalation",
        name: "SRE Escalation",
        levels: [
          {
            targets: [
              { type: "rotation", id: "sre-primary" },
              { type: "person", id: "dev-patel" },
            ],
            timeoutMinutes: 10,
          },
          { targets: [{ type: "person", id: "bob-jones" }], timeoutMinutes: 15 },
          { targets: [{ type: "person", id: "carol-diaz" }], timeoutMinutes: 15 },
        ],
        repeat: 2,
        fallback: { type: "person", id: "carol-diaz" },
      },
      {
        id: "payments-escalation",
        name: "Payments Escalation",
        levels: [
          {
            targets: [
              { type: "rotation", id: "payments-on-call-nights" },
              { type: "rotation", id: "payments-on-call-backup" },
            ],
            timeoutMinutes: 15,
          },
          { targets: [{ type: "person", id: "erin-walsh" }], timeoutMinutes: 30 },
        ],
        repeat: 0,
        fallback: { type: "person", id: "erin-walsh" },
      },
    ]);
    expect(result.directory.teams.map((t) => [t.id, t.name, t.escalationPolicy, t.services])).toEqual([
      ["sre", "SRE", "sre-escalation", ["checkout-api"]],
      ["payments", "Payments", "payments-escalation", ["payments-gateway"]],
    ]);
  });

  it("reports what is not mapped, and why", () => {
    const biz = entry(result, "schedule rotation", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d");
    expect(biz.outcome).toBe("not mapped");
    expect(biz.notes.join("\n")).toMatch(
      /time restrictions .*monday 09:00–monday 17:00.* no Firebreak equivalent/,
    );
    expect(biz.notes.join("\n")).toMatch(/participant team Payments is dropped/);

    const backup = entry(result, "schedule rotation", "1f2e3d4c-5b6a-4978-8a9b-cdef01234567");
    expect(backup.outcome).toBe("partly mapped");
    expect(backup.notes.join("\n")).toMatch(/weekly rotation of length 2 becomes 336-hour shifts.*elapsed/);
    expect(backup.notes.join("\n")).toMatch(/endDate 2026-12-31T14:00:00Z is not imported/);
    expect(backup.notes.join("\n")).toMatch(/"none" participant/);

    expect(entry(result, "schedule", PAYMENTS_ONCALL).notes.join("\n")).toMatch(
      /1 of its 3 rotations are not mapped/,
    );

    for (const id of ["0c7c4a6c-6d5e-4b0f-9e0e-2f7b8f0a1d11", "2a1c9e55-88f4-4d52-b0c6-1e5a7d3b9f20"]) {
      const rule = entry(result, "notification rule", id);
      expect(rule.outcome).toBe("not mapped");
      expect(rule.notes[0]).toMatch(/Firebreak pages every contact method of each person at each level/);
    }

    const sre = entry(result, "escalation", "9f3f2c5e-8b7a-4d6c-b5e4-3a2f1e0d9c8b");
    expect(sre.outcome).toBe("partly mapped");
    expect(sre.notes.join("\n")).toMatch(/notifyType "next"/);
    expect(sre.notes.join("\n")).toMatch(/team recipients \(notify admins\) are not imported/);
    expect(sre.notes.join("\n")).toMatch(/if-not-closed/);
    expect(sre.notes.join("\n")).toMatch(/fallback .* person carol-diaz/);
    expect(sre.notes.join("\n")).toMatch(/last level's timeout is the repeat wait interval \(15 min\)/);

    const pay = entry(result, "escalation", "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e");
    expect(pay.notes.join("\n")).toMatch(/schedule Legacy DB.*not in the export/);
    expect(pay.notes.join("\n")).toMatch(/first level waited 5 min/);
    expect(pay.notes.join("\n")).toMatch(/last level's timeout is 30 min/);

    expect(entry(result, "escalation", "4c5d6e7f-8a9b-4c0d-8e1f-2a3b4c5d6e7f").outcome).toBe("not mapped");
    const data = entry(result, "team", "6b2d9e1f-3c4a-4b5d-8e6f-7a8b9c0d1e2f");
    expect(data.outcome).toBe("not mapped");
    expect(data.notes[0]).toMatch(/needs an escalation policy/);
    expect(entry(result, "service", "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d").outcome).toBe("not mapped");
    expect(entry(result, "team", "8418d193-2dab-4490-b331-8c02cdd196b7").notes.join("\n")).toMatch(
      /team membership \(3 members/,
    );

    const contractor = entry(result, "schedule override", "contractor-cover-easter");
    expect(contractor.outcome).toBe("not mapped");
    expect(contractor.notes[0]).toMatch(/contractor@example.com is not an exported, mapped user/);

    const alice = entry(result, "user", ALICE);
    expect(alice.notes.join("\n")).toMatch(/mobile-app push is not imported/);
    expect(alice.notes.join("\n")).toMatch(/role Owner is not imported/);
    expect(entry(result, "user", CAROL).notes.join("\n")).toMatch(/disabled voice contact 1-2025550188/);
    expect(entry(result, "user", BOB).outcome).toBe("mapped");
  });

  it("lists every source object exactly once", () => {
    const keys = result.report.map((e) => `${e.kind} ${e.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    const expected = [
      ...[ALICE, BOB, CAROL, DEV, ERIN].map((id) => `user ${id}`),
      "notification rule 0c7c4a6c-6d5e-4b0f-9e0e-2f7b8f0a1d11",
      "notification rule 2a1c9e55-88f4-4d52-b0c6-1e5a7d3b9f20",
      "team 8418d193-2dab-4490-b331-8c02cdd196b7",
      "team a3e6c7d2-1b4f-4e8a-9d3c-5f7e8a9b0c1d",
      "team 6b2d9e1f-3c4a-4b5d-8e6f-7a8b9c0d1e2f",
      "service 7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b",
      "service 8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c",
      "service 9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
      `schedule ${SRE_PRIMARY}`,
      `schedule ${PAYMENTS_ONCALL}`,
      "schedule rotation 3a1b6c8e-2d4f-4a6b-8c9d-0e1f2a3b4c5d",
      "schedule rotation 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
      "schedule rotation 1f2e3d4c-5b6a-4978-8a9b-cdef01234567",
      "schedule rotation 9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
      "schedule override c0b1a2f3-4e5d-4c6b-8a7f-9e0d1c2b3a4f",
      "schedule override contractor-cover-easter",
      "schedule override erin-covers-halloween",
      "escalation 9f3f2c5e-8b7a-4d6c-b5e4-3a2f1e0d9c8b",
      "escalation 2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
      "escalation 4c5d6e7f-8a9b-4c0d-8e1f-2a3b4c5d6e7f",
    ];
    expect([...keys].sort()).toEqual([...expected].sort());
  });

  it("gives the same result whatever the order of the files", () => {
    const reversed = run(files().reverse());
    const shuffled = run(fc.sample(fc.shuffledSubarray(files(), { minLength: FILES.length }), 1)[0]!);
    const sortReport = (r: ImportResult) =>
      [...r.report].sort((a, b) => `${a.kind} ${a.id}`.localeCompare(`${b.kind} ${b.id}`));
    for (const other of [reversed, shuffled]) {
      expect(other.directory).toEqual(result.directory);
      expect(other.ids).toEqual(result.ids);
      expect(
        sortReport(other).map(({ kind, id, outcome, becomes }) => ({ kind, id, outcome, becomes })),
      ).toEqual(sortReport(result).map(({ kind, id, outcome, becomes }) => ({ kind, id, outcome, becomes })));
    }
  });
});

describe("the DST schedule", () => {
  const result = run();
  const sre = rotation(result, "sre-primary");

  it("hands over at 09:00 London: 09:00Z before 2026-03-29, 08:00Z after", () => {
    const segments = scheduleBetween(
      sre,
      result.directory.people,
      new Date("2026-03-27T00:00:00Z"),
      new Date("2026-03-31T00:00:00Z"),
    );
    expect(segments.map((s) => [s.personId, s.start.toISOString()])).toEqual([
      ["alice-smith", "2026-03-27T00:00:00.000Z"],
      ["bob-jones", "2026-03-27T09:00:00.000Z"],
      ["dev-patel", "2026-03-28T09:00:00.000Z"],
      ["alice-smith", "2026-03-29T08:00:00.000Z"],
      ["bob-jones", "2026-03-30T08:00:00.000Z"],
    ]);
  });

  it("keeps 12-hour elapsed turns across New York's fall-back (a note says the local times move)", () => {
    const nights = rotation(result, "payments-on-call-nights");
    const withoutOverride = { ...nights, overrides: [] };
    const segments = scheduleBetween(
      withoutOverride,
      result.directory.people,
      new Date("2026-10-31T23:00:00Z"),
      new Date("2026-11-02T11:00:00Z"),
    );
    // 19:00/07:00 EDT before 2026-11-01 06:00Z, 18:00/06:00 EST after: always 23:00Z/11:00Z.
    expect(segments.map((s) => s.start.toISOString())).toEqual([
      "2026-10-31T23:00:00.000Z",
      "2026-11-01T11:00:00.000Z",
      "2026-11-01T23:00:00.000Z",
    ]);
    expect(entry(result, "schedule rotation", "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9").notes.join()).toMatch(
      /12-hour turns are counted in elapsed time/,
    );
  });

  /** Who the source names for each UTC hour of [from, to), via ids.people. */
  const sourceHours = (shifts: SourceShifts, from: number, to: number) => {
    const out = new Map<number, string | undefined>();
    for (let t = from; t < to; t += 3_600_000) {
      // The narrowest period covering the hour wins (an override lies inside its default period).
      const covering = shifts.shifts
        .filter((s) => Date.parse(s.start) <= t && t < Date.parse(s.end))
        .sort((a, b) => Date.parse(a.end) - Date.parse(a.start) - (Date.parse(b.end) - Date.parse(b.start)));
      out.set(t, covering[0]?.person.id ? result.ids.people[covering[0].person.id] : undefined);
    }
    return out;
  };
  const firebreakHours = (from: number, to: number) => {
    const out = new Map<number, string | null>();
    const segments = scheduleBetween(sre, result.directory.people, new Date(from), new Date(to));
    for (let t = from; t < to; t += 3_600_000)
      out.set(t, segments.find((s) => s.start.getTime() <= t && t < s.end.getTime())?.personId ?? null);
    return out;
  };
  const differingHours = (name: string) => {
    const shifts = opsgenieImporter.shifts(fixture(name))!;
    const from = Date.parse("2026-03-23T09:00:00Z");
    const to = Date.parse("2026-04-06T09:00:00Z");
    const src = sourceHours(shifts, from, to);
    const fb = firebreakHours(from, to);
    return [...src.keys()].filter((t) => src.get(t) !== fb.get(t)).map((t) => new Date(t).toISOString());
  };

  it("agrees hour by hour with Opsgenie's final timeline over two weeks across the change", () => {
    expect(differingHours("final-shifts.json")).toEqual([]);
  });

  it("finds exactly the three deliberately different hours", () => {
    expect(differingHours("final-shifts-differ.json")).toEqual([
      // bob's extra override in the source (2026-03-25 14:00–16:00Z), dev's shift in Firebreak
      "2026-03-25T14:00:00.000Z",
      "2026-03-25T15:00:00.000Z",
      // the source hands over at 09:00Z on 2026-03-29 (dev), Firebreak at 08:00Z (alice)
      "2026-03-29T08:00:00.000Z",
    ]);
  });
});

describe("shifts()", () => {
  it("parses the final timeline, all rotations together", () => {
    const s = opsgenieImporter.shifts(fixture("final-shifts.json"))!;
    expect(s.scheduleId).toBe(SRE_PRIMARY);
    expect(s.scheduleName).toBe("SRE Primary");
    expect(s.shifts).toHaveLength(17);
    expect(s.shifts.slice(5, 10)).toEqual([
      {
        start: "2026-03-28T09:00:00.000Z",
        end: "2026-03-29T08:00:00.000Z",
        person: { id: DEV, email: "dev.patel@example.com" },
      },
      {
        start: "2026-03-29T08:00:00.000Z",
        end: "2026-03-30T08:00:00.000Z",
        person: { id: ALICE, email: "alice.smith@example.com" },
      },
      {
        start: "2026-03-30T08:00:00.000Z",
        end: "2026-03-31T08:00:00.000Z",
        person: { id: BOB, email: "bob.jones@example.com" },
      },
      {
        start: "2026-03-31T08:00:00.000Z",
        end: "2026-03-31T12:00:00.000Z",
        person: { id: DEV, email: "dev.patel@example.com" },
      },
      {
        start: "2026-03-31T12:00:00.000Z",
        end: "2026-03-31T18:00:00.000Z",
        person: { id: CAROL, email: "carol.diaz@example.com" },
      },
    ]);
    const d = opsgenieImporter.shifts(fixture("final-shifts-differ.json"))!;
    expect(d.shifts).toHaveLength(19);
    expect(d.shifts.filter((x) => x.start === "2026-03-25T14:00:00.000Z")).toEqual([
      {
        start: "2026-03-25T14:00:00.000Z",
        end: "2026-03-25T16:00:00.000Z",
        person: { id: BOB, email: "bob.jones@example.com" },
      },
    ]);
  });

  it("is undefined for any other file, and never throws", () => {
    for (const name of FILES) expect(opsgenieImporter.shifts(fixture(name))).toBeUndefined();
    for (const json of [null, 1, "x", [], {}, { data: null }, { data: { finalTimeline: 3 } }])
      expect(opsgenieImporter.shifts({ name: "x.json", json })).toBeUndefined();
    expect(
      opsgenieImporter.shifts({
        name: "t.json",
        json: {
          data: { finalTimeline: { rotations: [null, { periods: [1, { startDate: "x", endDate: 2 }] }] } },
        },
      }),
    ).toEqual({ shifts: [] });
    expect(opsgenieImporter.shifts(null as unknown as SourceFile)).toBeUndefined();
  });
});

describe("hostile input", () => {
  const valid = (r: ImportResult) => expect(parseWithIssues(r.directory).issues).toEqual([]);

  it("reports unrecognised files", () => {
    const r = run([
      { name: "notes.json", json: { hello: "world" } },
      { name: "null.json", json: null },
      { name: "list.json", json: [1, 2, 3] },
      { name: "garbage.json", json: { data: [1, "x", null, { foo: 1 }] } },
    ]);
    expect(r.report.map((e) => [e.kind, e.id, e.outcome])).toEqual([
      ["file", "notes.json", "not mapped"],
      ["file", "null.json", "not mapped"],
      ["file", "list.json", "not mapped"],
      ["file", "garbage.json", "not mapped"],
    ]);
    expect(r.report[0]!.notes[0]).toMatch(/not an Opsgenie export this importer reads/);
    valid(r);
  });

  it("survives wrong types, missing fields and missing referenced objects", () => {
    const r = run([
      null as unknown as SourceFile,
      {
        name: "users.json",
        json: { data: [{ id: 5, username: null }, { id: "u1", fullName: "", username: 3 }, 7] },
      },
      {
        name: "schedules.json",
        json: {
          data: [
            { id: "s1", name: "S", timezone: "Mars/Base", rotations: [{ id: "r1" }] },
            {
              id: "s2",
              timezone: "UTC",
              enabled: false,
              rotations: [
                { id: "r2", type: "daily", length: -1, participants: "x" },
                {
                  id: "r3",
                  type: "daily",
                  startDate: "2026-01-01T00:00:00Z",
                  participants: [null, { type: "user", id: "ghost" }],
                },
                { id: "r4", type: "monthly", startDate: "2026-01-01T00:00:00Z" },
              ],
            },
          ],
        },
      },
      {
        name: "escalations.json",
        json: {
          data: [
            { id: "e1", rules: [null, { delay: "x" }, { delay: { timeAmount: 1, timeUnit: "weeks" } }] },
            {
              id: "e2",
              ownerTeam: { id: "t1" },
              rules: [{ delay: { timeAmount: 0 }, recipient: { type: "schedule", id: "s2" } }],
            },
          ],
        },
      },
      {
        name: "teams.json",
        json: {
          data: [
            { id: "t1", name: "T1", description: null },
            { name: "no id", members: [] },
          ],
        },
      },
      {
        name: "o.json",
        json: { data: [{ alias: "a", user: 5, startDate: "x", endDate: null, rotations: "y" }] },
      },
      { name: "users-zzz-contacts.json", json: { data: [{ method: "sms", to: "nonsense" }] } },
    ]);
    valid(r);
    // t1 is mapped: its escalation pages schedule s2, whose only readable rotation r3 is empty.
    expect(r.directory.teams.map((t) => t.id)).toEqual(["t1"]);
    expect(rotation(r, "s2-rotation-2")).toMatchObject({
      members: [],
      shift: { type: "daily" },
      start: "2026-01-01",
    });
    expect(entry(r, "schedule", "s1").outcome).toBe("not mapped");
    expect(entry(r, "schedule rotation", "r4").notes.join()).toMatch(
      /rotation type monthly is not daily, weekly or hourly/,
    );
    expect(entry(r, "schedule rotation", "r3").notes.join()).toMatch(/ghost is not an exported, mapped user/);
    expect(entry(r, "schedule", "s2").notes.join()).toMatch(/disabled/);
    expect(entry(r, "escalation", "e1").outcome).toBe("not mapped");
    expect(entry(r, "schedule override", "a").outcome).toBe("not mapped");
    expect(r.report.some((e) => e.kind === "contact" && e.outcome === "not mapped")).toBe(true);
  });

  it("drops a reference to a schedule that was not exported, and a level left empty", () => {
    const esc = fixture("escalations.json");
    const r = run([fixture("users.json"), fixture("teams.json"), esc]);
    valid(r);
    const sre = r.directory.escalationPolicies.find((p) => p.id === "sre-escalation")!;
    expect(sre.levels).toEqual([
      { targets: [{ type: "person", id: "dev-patel" }], timeoutMinutes: 10 },
      { targets: [{ type: "person", id: "bob-jones" }], timeoutMinutes: 15 },
      { targets: [{ type: "person", id: "carol-diaz" }], timeoutMinutes: 15 },
    ]);
    expect(entry(r, "escalation", "9f3f2c5e-8b7a-4d6c-b5e4-3a2f1e0d9c8b").notes.join()).toMatch(
      /schedule SRE Primary\): the schedule is not in the export/,
    );
    expect(r.directory.teams.map((t) => t.id)).toEqual(["sre", "payments"]);
    expect(r.directory.teams.every((t) => t.rotations.length === 0)).toBe(true);
    // Payments' escalation keeps only Erin (its schedules were not exported).
    expect(r.directory.escalationPolicies.find((p) => p.id === "payments-escalation")!.levels).toEqual([
      { targets: [{ type: "person", id: "erin-walsh" }], timeoutMinutes: 30 },
    ]);
  });

  it("finds an override's schedule by its _parent when the file name does not say", () => {
    const r = run([
      ...files().filter((f) => !f.name.includes("overrides")),
      {
        name: "override.json",
        json: {
          data: {
            _parent: { id: SRE_PRIMARY, name: "SRE Primary", enabled: true },
            alias: "bob-swap",
            user: { type: "user", id: BOB, username: "bob.jones@example.com" },
            startDate: "2026-03-25T14:00:00Z",
            endDate: "2026-03-25T16:00:00Z",
            rotations: [],
          },
        },
      },
    ]);
    expect(entry(r, "schedule override", "bob-swap").becomes).toEqual(["override on rotation sre-primary"]);
    expect(rotation(r, "sre-primary").overrides).toEqual([
      {
        personId: "bob-jones",
        from: "2026-03-25T14:00:00.000Z",
        to: "2026-03-25T16:00:00.000Z",
        reason: "Opsgenie override bob-swap",
      },
    ]);
  });

  it("reads a schedule list without ?expand=rotation as schedules (not teams), and says so", () => {
    const r = run([
      {
        name: "schedules.json",
        json: {
          data: [
            {
              id: SRE_PRIMARY,
              name: "SRE Primary",
              description: "",
              timezone: "Europe/London",
              enabled: true,
              ownerTeam: { id: "8418d193-2dab-4490-b331-8c02cdd196b7", name: "SRE" },
            },
          ],
        },
      },
    ]);
    const e = entry(r, "schedule", SRE_PRIMARY);
    expect(e.outcome).toBe("not mapped");
    expect(e.notes.join()).toMatch(/expand=rotation/);
    expect(r.ids.schedules).toEqual({});
  });

  it("reads a historical period's flattenedRecipients", () => {
    const s = opsgenieImporter.shifts({
      name: "timeline.json",
      json: {
        data: {
          finalTimeline: {
            rotations: [
              {
                id: "r",
                periods: [
                  {
                    startDate: "2026-03-20T09:00:00Z",
                    endDate: "2026-03-21T09:00:00Z",
                    type: "historical",
                    recipient: { id: "t", type: "team", name: "SRE" },
                    flattenedRecipients: [{ id: ALICE, type: "user", name: "alice.smith@example.com" }],
                  },
                ],
              },
            ],
          },
        },
      },
    });
    expect(s).toEqual({
      shifts: [
        {
          start: "2026-03-20T09:00:00.000Z",
          end: "2026-03-21T09:00:00.000Z",
          person: { id: ALICE, email: "alice.smith@example.com" },
        },
      ],
    });
  });

  it("handles a 10k-item list", () => {
    const users = Array.from({ length: 10_000 }, (_, i) => ({
      id: `u-${i}`,
      username: `user${i}@example.com`,
      fullName: `User ${i}`,
      timeZone: "Europe/London",
    }));
    const r = run([
      { name: "users.json", json: { data: users } },
      { name: "junk.json", json: { data: Array(10_000).fill(1) } },
    ]);
    expect(r.directory.people).toHaveLength(10_000);
    expect(r.report).toHaveLength(10_001);
    valid(r);
  });

  it("gives 10k users of one name 10k ids without quadratic search", () => {
    const users = Array.from({ length: 10_000 }, (_, i) => ({
      id: `u-${i}`,
      username: `user${i}@example.com`,
      fullName: "Sam Lee",
    }));
    const r = run([{ name: "users.json", json: { data: users } }]);
    expect(new Set(r.directory.people.map((p) => p.id)).size).toBe(10_000);
    expect(r.directory.people.slice(0, 3).map((p) => p.id)).toEqual(["sam-lee", "sam-lee-2", "sam-lee-3"]);
    // No timeZone: UTC, with a note.
    expect(r.directory.people[0]!.timezone).toBe("UTC");
    expect(r.report[0]!.notes[0]).toMatch(/timeZone undefined is not an IANA name: UTC used/);
  });

  it("never throws on arbitrary JSON and always yields a valid draft", () => {
    const item = fc.oneof(
      fc.anything(),
      fc.record({
        id: fc.string(),
        username: fc.anything(),
        fullName: fc.anything(),
        timeZone: fc.anything(),
      }),
      fc.record({
        id: fc.string(),
        name: fc.anything(),
        timezone: fc.constantFrom("UTC", "Europe/London", "x"),
        rotations: fc.anything(),
      }),
      fc.record({
        id: fc.string(),
        ownerTeam: fc.anything(),
        rules: fc.array(fc.anything()),
        repeat: fc.anything(),
      }),
      fc.record({ id: fc.string(), name: fc.string(), description: fc.anything() }),
    );
    const file = fc.record({
      name: fc.string(),
      json: fc.oneof(fc.jsonValue(), fc.record({ data: fc.oneof(item, fc.array(item)) })),
    });
    fc.assert(
      fc.property(fc.array(file, { maxLength: 5 }), (input) => {
        const r = opsgenieImporter.import(input as SourceFile[]);
        expect(parseWithIssues(r.directory).issues).toEqual([]);
        // The safety net (an entry of kind "import") would hide a throw: it must not be needed.
        expect(r.report.some((e) => e.kind === "import")).toBe(false);
        for (const f of input) opsgenieImporter.shifts(f as SourceFile);
      }),
      { numRuns: 200 },
    );
  });

  it("never throws on the fixture export with any field replaced by anything, and stays valid", () => {
    /** Every path to a value inside `json`. */
    const paths = (json: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) => {
      out.push(at);
      if (Array.isArray(json))
        json.forEach((v, i) => {
          paths(v, [...at, i], out);
        });
      else if (typeof json === "object" && json !== null)
        for (const [k, v] of Object.entries(json)) paths(v, [...at, k], out);
      return out;
    };
    const base = files();
    const all = base.flatMap((f, i) => paths(f.json).map((p) => [i, p] as const));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(all.length - 1), fc.oneof(fc.anything(), fc.constant(undefined))), {
          minLength: 1,
          maxLength: 6,
        }),
        (mutations) => {
          const copy = base.map((f) => ({ name: f.name, json: structuredClone(f.json) }));
          for (const [index, value] of mutations) {
            const [fileIndex, path] = all[index]!;
            const file = copy[fileIndex]!;
            if (path.length === 0) {
              file.json = value;
              continue;
            }
            let parent: unknown = file.json;
            for (const key of path.slice(0, -1))
              parent =
                parent && typeof parent === "object" ? (parent as Record<string, unknown>)[key] : undefined;
            if (parent && typeof parent === "object")
              (parent as Record<string, unknown>)[path.at(-1)!] = value;
          }
          const r = opsgenieImporter.import(copy);
          expect(parseWithIssues(r.directory).issues).toEqual([]);
          expect(r.report.some((e) => e.kind === "import")).toBe(false);
          opsgenieImporter.shifts(copy[0]!);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("converts Opsgenie's phone format to E.164", () => {
    expect(opsgenieToE164("44-7700900123")).toBe("+447700900123");
    expect(opsgenieToE164("1-2025550143")).toBe("+12025550143");
    expect(opsgenieToE164("+1-2025550143")).toBe("+12025550143");
    expect(opsgenieToE164("5555555555")).toBeUndefined();
    expect(opsgenieToE164("0-123")).toBeUndefined();
  });
});
