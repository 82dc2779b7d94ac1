import { readFileSync } from "node:fs";
import { parseWithIssues } from "@firebreak/core/oncall/directory";
import type { Rotation } from "@firebreak/core/oncall/directory-types";
import { scheduleBetween } from "@firebreak/core/oncall/rotation";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pagerDutyImporter } from "./pagerduty";
import { type ImportResult, renderPlan, renderReport, type SourceFile, type SourceShifts } from "./plan";

const fixture = (name: string): SourceFile => ({
  name,
  json: JSON.parse(
    readFileSync(new URL(`../../../../fixtures/import/pagerduty/${name}`, import.meta.url), "utf8"),
  ),
});

/** The saved export, in the order a shell glob would list it. */
const EXPORT = [
  "escalation_policies.json",
  "schedules-PD3PZ1K.json",
  "schedules-PI7DH85-overrides.json",
  "schedules-PI7DH85.json",
  "schedules-PRSTRCT.json",
  "schedules-PWEVPB6.json",
  "schedules.json",
  "services.json",
  "teams.json",
  "users-PEYSGVF-contact_methods.json",
  "users.json",
];
const files = () => EXPORT.map(fixture);
const imported = (): ImportResult => pagerDutyImporter.import(files());

const rotations = (r: ImportResult): Rotation[] => r.directory.teams.flatMap((t) => t.rotations);
const rotation = (r: ImportResult, id: string): Rotation => {
  const found = rotations(r).find((x) => x.id === id);
  if (!found) throw new Error(`no rotation ${id}`);
  return found;
};
const entry = (r: ImportResult, kind: string, id: string) => {
  const found = r.report.filter((e) => e.kind === kind && e.id === id);
  expect(found, `${kind} ${id}`).toHaveLength(1);
  return found[0]!;
};

describe("the fixture export", () => {
  it("becomes a directory that validates", () => {
    const r = imported();
    expect(r.source).toBe("pagerduty");
    expect(parseWithIssues(r.directory).issues).toEqual([]);
  });

  it("maps users to people, with the phone from contact methods (also a per-user contact-methods file)", () => {
    const r = imported();
    const people = Object.fromEntries(r.directory.people.map((p) => [p.id, p]));
    // In the order of users.json, whichever file named a user first.
    expect(r.directory.people.map((p) => p.id)).toEqual([
      "alice-smith",
      "bob-jones",
      "carol-diaz",
      "dan-okafor",
      "erin-walsh",
    ]);
    expect(Object.keys(people).sort()).toEqual([
      "alice-smith",
      "bob-jones",
      "carol-diaz",
      "dan-okafor",
      "erin-walsh",
    ]);
    expect(people["alice-smith"]).toEqual({
      id: "alice-smith",
      name: "Alice Smith",
      email: "alice.smith@example.com",
      phone: "+447700900123",
      timezone: "Europe/London",
    });
    expect(people["carol-diaz"]!.phone).toBe("+12025550143");
    expect(people["dan-okafor"]!.phone).toBe("+12025550178"); // from users-PEYSGVF-contact_methods.json
    expect(people["erin-walsh"]).toMatchObject({ phone: "+447700900789", timezone: "Europe/Dublin" });
    expect(r.ids.people).toEqual({
      PXPGF42: "alice-smith",
      PAM4FGS: "bob-jones",
      PQ7M2ZK: "carol-diaz",
      PEYSGVF: "dan-okafor",
      PT5YC3S: "erin-walsh",
    });
  });

  it("maps schedules to rotations: members in layer order, shift, start, handoff, zone, overrides", () => {
    const r = imported();
    expect(rotation(r, "payments-primary")).toEqual({
      id: "payments-primary",
      name: "Payments Primary",
      members: ["alice-smith", "bob-jones", "carol-diaz"],
      shift: { type: "daily" },
      handoffTime: "09:00",
      timezone: "Europe/London",
      start: "2026-03-23",
      overrides: [
        {
          personId: "dan-okafor",
          from: "2026-03-27T18:00:00.000Z",
          to: "2026-03-28T09:00:00.000Z",
          reason: "PagerDuty override PQ47DCP",
        },
        {
          personId: "erin-walsh",
          from: "2026-04-01T11:00:00.000Z",
          to: "2026-04-01T19:00:00.000Z",
          reason: "PagerDuty override PR2K8XW",
        },
      ],
    });
    // Two layers: the base (last) layer is the rotation.
    expect(rotation(r, "platform-on-call")).toEqual({
      id: "platform-on-call",
      name: "Platform On-call",
      members: ["dan-okafor", "carol-diaz"],
      shift: { type: "weekly" },
      handoffTime: "10:00",
      timezone: "America/New_York",
      start: "2026-10-26",
      overrides: [],
    });
    expect(rotation(r, "payments-secondary")).toMatchObject({
      members: ["bob-jones", "erin-walsh"],
      shift: { type: "hours", hours: 12 },
      handoffTime: "08:00",
      timezone: "Europe/London",
      start: "2026-03-23",
    });
    expect(rotations(r)).toHaveLength(3);
    expect(r.ids.schedules).toEqual({
      PI7DH85: ["payments-primary"],
      PWEVPB6: ["platform-on-call"],
      PD3PZ1K: ["payments-secondary"],
    });
  });

  it("maps escalation policies: levels, delays, repeats, fallback", () => {
    const r = imported();
    expect(r.directory.escalationPolicies).toEqual([
      {
        id: "payments-escalation",
        name: "Payments Escalation",
        levels: [
          { targets: [{ type: "rotation", id: "payments-primary" }], timeoutMinutes: 15 },
          { targets: [{ type: "rotation", id: "payments-secondary" }], timeoutMinutes: 20 },
          {
            targets: [
              { type: "person", id: "dan-okafor" },
              { type: "person", id: "alice-smith" },
            ],
            timeoutMinutes: 30,
          },
        ],
        repeat: 2,
        fallback: { type: "person", id: "dan-okafor" },
      },
      {
        id: "platform-escalation",
        name: "Platform Escalation",
        // The level paging the restricted schedule PRSTRCT is dropped.
        levels: [
          { targets: [{ type: "rotation", id: "platform-on-call" }], timeoutMinutes: 30 },
          { targets: [{ type: "person", id: "erin-walsh" }], timeoutMinutes: 10 },
        ],
        repeat: 0,
        fallback: { type: "person", id: "erin-walsh" },
      },
      {
        id: "data-escalation",
        name: "Data Escalation",
        levels: [{ targets: [{ type: "person", id: "carol-diaz" }], timeoutMinutes: 30 }],
        repeat: 20,
        fallback: { type: "person", id: "carol-diaz" },
      },
    ]);
  });

  it("makes one team per escalation policy that services use, owning those services", () => {
    const r = imported();
    expect(
      r.directory.teams.map((t) => ({
        id: t.id,
        name: t.name,
        services: t.services,
        rotations: t.rotations.map((x) => x.id),
        escalationPolicy: t.escalationPolicy,
      })),
    ).toEqual([
      {
        id: "payments",
        name: "Payments",
        services: ["payments-api", "checkout-web"],
        rotations: ["payments-secondary", "payments-primary"],
        escalationPolicy: "payments-escalation",
      },
      {
        id: "platform",
        name: "Platform",
        services: ["platform-gateway"],
        rotations: ["platform-on-call"],
        escalationPolicy: "platform-escalation",
      },
    ]);
  });

  it("reports every source object exactly once", () => {
    const r = imported();
    const keys = r.report.map((e) => `${e.kind} ${e.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(
      [
        ...["PXPGF42", "PAM4FGS", "PQ7M2ZK", "PEYSGVF", "PT5YC3S"].map((id) => `user ${id}`),
        ...["PQ9K7I8", "P5RQ1UX", "PZZ0TMS"].map((id) => `team ${id}`),
        ...["PI7DH85", "PD3PZ1K", "PWEVPB6", "PRSTRCT"].map((id) => `schedule ${id}`),
        ...["PLR0C4D", "PLR0D5E"].map((id) => `schedule layer ${id}`),
        ...["PQ47DCP", "PR2K8XW"].map((id) => `override ${id}`),
        ...["PANZZEQ", "PT20YPA", "PNOSVC1"].map((id) => `escalation policy ${id}`),
        ...["PIJ90N7", "PSTC4KQ", "PGWY8NA", "PLGCY01"].map((id) => `service ${id}`),
      ].sort(),
    );
    for (const e of r.report) expect(e.file, `${e.kind} ${e.id}`).toBeTruthy();
  });

  it("reports what was not mapped, and why", () => {
    const r = imported();
    const notMapped = r.report.filter((e) => e.outcome === "not mapped").map((e) => `${e.kind} ${e.id}`);
    expect(notMapped.sort()).toEqual(
      [
        "schedule PRSTRCT",
        "schedule layer PLR0C4D",
        "schedule layer PLR0D5E",
        "service PLGCY01",
        "team PZZ0TMS",
      ].sort(),
    );
    expect(entry(r, "schedule", "PRSTRCT").notes.join(" ")).toMatch(
      /time restrictions \(weekly from Mon 09:00 for 120 h\), which have no Firebreak equivalent: Firebreak rotations cover every hour/,
    );
    const layer = entry(r, "schedule layer", "PLR0C4D");
    expect(layer.name).toBe("Business hours");
    expect(layer.notes.join(" ")).toMatch(/Firebreak rotations have no layers/);
    expect(layer.notes.join(" ")).toMatch(/daily from 09:00 for 8 h/);
    expect(entry(r, "service", "PLGCY01").notes[0]).toMatch(/escalation policy PXLEGCY was not exported/);
    expect(entry(r, "team", "PZZ0TMS").notes[0]).toMatch(
      /no service's escalation policy belongs to this team/,
    );
  });

  it("reports what was only partly mapped, and why", () => {
    const r = imported();
    const notes = (kind: string, id: string) => entry(r, kind, id).notes.join("\n");
    expect(entry(r, "user", "PXPGF42").outcome).toBe("partly mapped");
    expect(notes("user", "PXPGF42")).toMatch(
      /3 personal notification rules are not imported: Firebreak pages every contact method/,
    );
    expect(notes("user", "PXPGF42")).toMatch(/push notification device "Alice's iPhone" is not imported/);
    expect(notes("user", "PAM4FGS")).toMatch(/extra email bob.personal@example.com/);
    expect(entry(r, "user", "PQ7M2ZK").outcome).toBe("mapped");
    expect(notes("schedule", "PWEVPB6")).toMatch(/only the base layer "Layer 1" was imported/);
    expect(notes("schedule", "PD3PZ1K")).toMatch(/elapsed time/);
    expect(notes("escalation policy", "PT20YPA")).toMatch(/schedule PRSTRCT was not mapped/);
    expect(notes("escalation policy", "PT20YPA")).toMatch(
      /level 2 has no target Firebreak can page: the level was dropped/,
    );
    expect(notes("escalation policy", "PANZZEQ")).toMatch(/PagerDuty has no fallback/);
    expect(notes("escalation policy", "PNOSVC1")).toMatch(/num_loops 25 became 20/);
    expect(notes("service", "PIJ90N7")).toMatch(
      /incident urgency rule \(use_support_hours: high during support hours, low outside\)/,
    );
    expect(notes("service", "PIJ90N7")).toMatch(/support hours \(09:00–17:00 Europe\/London/);
    expect(entry(r, "override", "PQ47DCP")).toMatchObject({
      outcome: "mapped",
      file: "schedules-PI7DH85-overrides.json",
    });
  });

  it("renders as a plan and a report", () => {
    const r = imported();
    const plan = renderPlan(r, { directory: "directory.yaml", report: "import-report.md" });
    expect(plan).toContain(
      "+ rotation           payments-primary  daily from 2026-03-23 09:00 Europe/London",
    );
    expect(plan).toContain("5 objects not mapped");
    expect(renderReport(r, EXPORT)).toContain("| schedule | `PRSTRCT` | Support Weekdays |");
  });

  it("gives the same result whatever order the files come in", () => {
    const expected = imported();
    const reversed = pagerDutyImporter.import([...files()].reverse());
    const shuffled = pagerDutyImporter.import(
      [5, 2, 10, 0, 7, 3, 9, 1, 8, 4, 6].map((i) => fixture(EXPORT[i]!)),
    );
    expect(reversed).toEqual(expected);
    expect(shuffled).toEqual(expected);
  });
});

describe("files and objects it cannot use", () => {
  it("reports an unrecognised file", () => {
    const r = pagerDutyImporter.import([...files(), { name: "incidents.json", json: { incidents: [] } }]);
    expect(entry(r, "file", "incidents.json")).toMatchObject({
      outcome: "not mapped",
      file: "incidents.json",
    });
    expect(entry(r, "file", "incidents.json").notes[0]).toMatch(/not a PagerDuty export/);
    expect(parseWithIssues(r.directory).issues).toEqual([]);
  });

  it("drops references to objects that were not exported, with a note, and still validates", () => {
    // No schedules at all: the policies' schedule levels go; the services' teams remain.
    const r = pagerDutyImporter.import(
      ["escalation_policies.json", "services.json", "users.json"].map(fixture),
    );
    expect(parseWithIssues(r.directory).issues).toEqual([]);
    const payments = r.directory.escalationPolicies.find((p) => p.id === "payments-escalation")!;
    expect(payments.levels).toEqual([
      {
        targets: [
          { type: "person", id: "dan-okafor" },
          { type: "person", id: "alice-smith" },
        ],
        timeoutMinutes: 30,
      },
    ]);
    expect(entry(r, "escalation policy", "PANZZEQ").notes.join(" ")).toMatch(
      /schedule PI7DH85 was not exported \(export GET \/schedules\/PI7DH85\)/,
    );
    // Platform's policy keeps only Erin.
    expect(r.directory.teams.map((t) => t.id)).toEqual(["payments", "platform"]);
  });

  it("does not map a team whose policy has nobody left to page", () => {
    const r = pagerDutyImporter.import(["escalation_policies.json", "services.json"].map(fixture));
    expect(parseWithIssues(r.directory).issues).toEqual([]);
    expect(r.directory.teams).toEqual([]);
    expect(entry(r, "escalation policy", "PANZZEQ").outcome).toBe("not mapped");
    expect(entry(r, "service", "PIJ90N7").notes[0]).toMatch(/PANZZEQ was not mapped/);
  });

  it("does not map rotations when no team can hold them, and says why", () => {
    const r = pagerDutyImporter.import(["schedules-PI7DH85.json", "users.json"].map(fixture));
    expect(parseWithIssues(r.directory).issues).toEqual([]);
    expect(entry(r, "schedule", "PI7DH85")).toMatchObject({ outcome: "not mapped", becomes: [] });
    expect(entry(r, "schedule", "PI7DH85").notes[0]).toMatch(/Firebreak rotations live inside a team/);
    expect(r.ids.schedules).toEqual({});
  });

  it("reports overrides of a schedule that was not exported", () => {
    const r = pagerDutyImporter.import(["schedules-PI7DH85-overrides.json", "users.json"].map(fixture));
    expect(entry(r, "override", "PQ47DCP")).toMatchObject({ outcome: "not mapped" });
    expect(entry(r, "override", "PQ47DCP").notes[0]).toMatch(/schedule PI7DH85 was not exported/);
  });

  it("never throws on hostile inputs, and reports them", () => {
    const hostile: SourceFile[] = [
      { name: "null.json", json: null },
      { name: "number.json", json: 42 },
      { name: "list.json", json: [1, "a", null] },
      { name: "users-garbage.json", json: { users: [null, 1, "x", [], {}, { id: 7 }, { id: "PBAD001" }] } },
      {
        name: "user-bad.json",
        json: { user: { id: "PBAD002", name: "No Way", email: "not-an-email", time_zone: "Mars/Base" } },
      },
      { name: "teams.json", json: { teams: "nope" } },
      {
        name: "schedules-bad.json",
        json: {
          schedules: [
            { id: "PS00001", name: "No layers" },
            { id: "PS00002", time_zone: "Europe/London", schedule_layers: [null] },
            { id: "PS00003", time_zone: "Nowhere/Land", schedule_layers: [{}] },
            {
              id: "PS00004",
              time_zone: "Europe/London",
              schedule_layers: [
                { rotation_turn_length_seconds: 5400, rotation_virtual_start: "2026-01-01T00:00:00Z" },
              ],
            },
            {
              id: "PS00005",
              time_zone: "Europe/London",
              schedule_layers: [
                { rotation_turn_length_seconds: 86400, rotation_virtual_start: "yesterday", users: "x" },
              ],
            },
          ],
        },
      },
      {
        name: "overrides.json",
        json: { overrides: [null, { id: "PO1" }, { id: "PO2", schedule: { id: "PS404" } }] },
      },
      {
        name: "escalation_policies.json",
        json: {
          escalation_policies: [
            { id: "PE1", escalation_rules: "x" },
            {
              id: "PE2",
              escalation_rules: [null, { targets: [null, { id: "PU404", type: "user_reference" }] }],
            },
            {
              id: "PE3",
              num_loops: -4,
              escalation_rules: [
                { escalation_delay_in_minutes: 99999, targets: [{ id: "PBAD002", type: "user_reference" }] },
              ],
            },
          ],
        },
      },
      {
        name: "services.json",
        json: {
          services: [
            { id: "PSV1", name: "x", escalation_policy: null },
            { id: "PSV2", escalation_policy: { id: "PE1" } },
          ],
        },
      },
      { name: "notification_rules.json", json: { notification_rules: [{ id: "PN1" }, "x"] } },
      {
        name: "contact_methods.json",
        json: {
          contact_methods: [
            { id: "PC1", self: "https://api.pagerduty.com/users/PGHOST1/contact_methods/PC1" },
          ],
        },
      },
    ];
    const r = pagerDutyImporter.import(hostile);
    expect(parseWithIssues(r.directory).issues).toEqual([]);
    for (const name of ["null.json", "number.json", "list.json"])
      expect(entry(r, "file", name).outcome).toBe("not mapped");
    expect(entry(r, "user", "users-garbage.json:users[0]").notes[0]).toMatch(
      /users\[0\] is null, not a user object/,
    );
    expect(entry(r, "user", "users-garbage.json:users[5]").notes[0]).toMatch(/has no id \(id is number 7\)/);
    // PBAD002: bad email and zone; no phone: nobody can reach them.
    expect(entry(r, "user", "PBAD002").outcome).toBe("not mapped");
    expect(entry(r, "user", "PGHOST1").notes[0]).toMatch(/no users file has that user/);
    expect(entry(r, "schedule", "PS00001").notes[0]).toMatch(/does not carry layers/);
    expect(entry(r, "schedule", "PS00003").notes[0]).toMatch(/not an IANA time zone/);
    expect(entry(r, "schedule", "PS00004").notes[0]).toMatch(/not a whole number of hours/);
    expect(entry(r, "schedule", "PS00005").notes[0]).toMatch(/not an ISO 8601 instant/);
    expect(entry(r, "override", "PO2").notes[0]).toMatch(/schedule PS404 was not exported/);
    expect(entry(r, "escalation policy", "PE1").outcome).toBe("not mapped");
    expect(entry(r, "service", "PSV1").notes[0]).toMatch(/escalation_policy is null/);
    expect(entry(r, "file", "teams.json").outcome).toBe("not mapped");
  });

  it("gives 10k people with one name unique ids, quickly", () => {
    const users = Array.from({ length: 10_000 }, (_, i) => ({
      id: `PS${String(i).padStart(5, "0")}`,
      name: "Sam Same",
      email: `sam${i}@example.com`,
      time_zone: "UTC",
    }));
    const r = pagerDutyImporter.import([{ name: "users.json", json: { users } }]);
    expect(r.directory.people.slice(0, 3).map((p) => p.id)).toEqual(["sam-same", "sam-same-2", "sam-same-3"]);
    expect(new Set(r.directory.people.map((p) => p.id)).size).toBe(10_000);
  });

  it("handles a 10k-item list", () => {
    const users = Array.from({ length: 10_000 }, (_, i) => ({
      id: `PU${String(i).padStart(5, "0")}`,
      type: "user",
      name: `User ${i}`,
      email: `user${i}@example.com`,
      time_zone: "Europe/London",
    }));
    const r = pagerDutyImporter.import([{ name: "users.json", json: { users } }]);
    expect(r.directory.people).toHaveLength(10_000);
    expect(new Set(r.directory.people.map((p) => p.id)).size).toBe(10_000);
    expect(r.report).toHaveLength(10_000);
    expect(parseWithIssues(r.directory).issues).toEqual([]);
  });

  it("never throws on arbitrary JSON, and always yields a valid draft", () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const shaped = fc.oneof(
      json,
      fc.record({ users: fc.array(json, { maxLength: 5 }) }),
      fc.record({ schedule: json }),
      fc.record({ escalation_policies: fc.array(json, { maxLength: 5 }) }),
      fc.record({ services: fc.array(json, { maxLength: 5 }) }),
      fc.record({ overrides: fc.array(json, { maxLength: 5 }) }),
      fc.constantFrom(...files().map((f) => f.json)),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.string({ maxLength: 20 }), json: shaped }), { maxLength: 6 }),
        (input) => {
          const r = pagerDutyImporter.import(input);
          expect(parseWithIssues(r.directory).issues).toEqual([]);
          for (const f of input) pagerDutyImporter.shifts(f);
        },
      ),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.anything(), (x) => {
        pagerDutyImporter.shifts(x as SourceFile);
        pagerDutyImporter.shifts({ name: "x", json: x });
        pagerDutyImporter.shifts({
          name: "x",
          json: { schedule: { final_schedule: { rendered_schedule_entries: x } } },
        });
        const r = pagerDutyImporter.import(x as SourceFile[]);
        expect(parseWithIssues(r.directory).issues).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

describe("DST", () => {
  const handoffs = (r: Rotation, from: string, to: string) => {
    const people = imported().directory.people;
    return scheduleBetween(r, people, new Date(from), new Date(to)).map(
      (s) => `${s.start.toISOString()} ${s.personId}`,
    );
  };

  it("the daily London rotation hands off at 09:00 local: 09:00 UTC before 29 March, 08:00 UTC after", () => {
    const r = { ...rotation(imported(), "payments-primary"), overrides: [] };
    expect(handoffs(r, "2026-03-27T09:00:00Z", "2026-03-31T08:00:00Z")).toEqual([
      "2026-03-27T09:00:00.000Z bob-jones",
      "2026-03-28T09:00:00.000Z carol-diaz", // 23 hours: the clocks go forward at 01:00 UTC on the 29th
      "2026-03-29T08:00:00.000Z alice-smith",
      "2026-03-30T08:00:00.000Z bob-jones",
    ]);
  });

  it("the weekly New York rotation hands off on Mondays at 10:00 local: 14:00 UTC (EDT), then 15:00 UTC (EST)", () => {
    const r = rotation(imported(), "platform-on-call");
    expect(handoffs(r, "2026-10-26T14:00:00Z", "2026-11-16T15:00:00Z")).toEqual([
      "2026-10-26T14:00:00.000Z dan-okafor",
      "2026-11-02T15:00:00.000Z carol-diaz", // 169 hours: the clocks go back on 1 November
      "2026-11-09T15:00:00.000Z dan-okafor",
    ]);
  });
});

describe("final shifts", () => {
  const PERIOD = { from: "2026-03-23T09:00:00Z", to: "2026-04-06T08:00:00Z" };
  const U = { alice: "PXPGF42", bob: "PAM4FGS", carol: "PQ7M2ZK", dan: "PEYSGVF", erin: "PT5YC3S" };
  const s = (start: string, end: string, who: keyof typeof U) => ({
    start,
    end,
    person: {
      id: U[who],
      name: {
        alice: "Alice Smith",
        bob: "Bob Jones",
        carol: "Carol Diaz",
        dan: "Dan Okafor",
        erin: "Erin Walsh",
      }[who],
    },
  });
  const AGREE = [
    s("2026-03-23T09:00:00.000Z", "2026-03-24T09:00:00.000Z", "alice"),
    s("2026-03-24T09:00:00.000Z", "2026-03-25T09:00:00.000Z", "bob"),
    s("2026-03-25T09:00:00.000Z", "2026-03-26T09:00:00.000Z", "carol"),
    s("2026-03-26T09:00:00.000Z", "2026-03-27T09:00:00.000Z", "alice"),
    s("2026-03-27T09:00:00.000Z", "2026-03-27T18:00:00.000Z", "bob"),
    s("2026-03-27T18:00:00.000Z", "2026-03-28T09:00:00.000Z", "dan"),
    s("2026-03-28T09:00:00.000Z", "2026-03-29T08:00:00.000Z", "carol"),
    s("2026-03-29T08:00:00.000Z", "2026-03-30T08:00:00.000Z", "alice"),
    s("2026-03-30T08:00:00.000Z", "2026-03-31T08:00:00.000Z", "bob"),
    s("2026-03-31T08:00:00.000Z", "2026-04-01T08:00:00.000Z", "carol"),
    s("2026-04-01T08:00:00.000Z", "2026-04-01T11:00:00.000Z", "alice"),
    s("2026-04-01T11:00:00.000Z", "2026-04-01T19:00:00.000Z", "erin"),
    s("2026-04-01T19:00:00.000Z", "2026-04-02T08:00:00.000Z", "alice"),
    s("2026-04-02T08:00:00.000Z", "2026-04-03T08:00:00.000Z", "bob"),
    s("2026-04-03T08:00:00.000Z", "2026-04-04T08:00:00.000Z", "carol"),
    s("2026-04-04T08:00:00.000Z", "2026-04-05T08:00:00.000Z", "alice"),
    s("2026-04-05T08:00:00.000Z", "2026-04-06T08:00:00.000Z", "bob"),
  ];

  it("parses the final-shifts fixtures", () => {
    expect(pagerDutyImporter.shifts(fixture("final-shifts.json"))).toEqual({
      scheduleId: "PI7DH85",
      scheduleName: "Payments Primary",
      shifts: AGREE,
    });
    const differ = pagerDutyImporter.shifts(fixture("final-shifts-differ.json"))!;
    expect(differ.shifts).toEqual([
      ...AGREE.slice(0, 8),
      s("2026-03-30T08:00:00.000Z", "2026-03-30T12:00:00.000Z", "bob"),
      s("2026-03-30T12:00:00.000Z", "2026-03-30T16:00:00.000Z", "dan"),
      s("2026-03-30T16:00:00.000Z", "2026-03-31T08:00:00.000Z", "bob"),
      ...AGREE.slice(9, 13),
      s("2026-04-02T08:00:00.000Z", "2026-04-03T08:00:00.000Z", "carol"),
      s("2026-04-03T08:00:00.000Z", "2026-04-04T08:00:00.000Z", "bob"),
      ...AGREE.slice(15),
    ]);
  });

  it("is undefined for files that are not final shifts", () => {
    expect(pagerDutyImporter.shifts(fixture("users.json"))).toBeUndefined();
    expect(pagerDutyImporter.shifts({ name: "x", json: null })).toBeUndefined();
  });

  it("reads GET /oncalls for one schedule, once per shift", () => {
    const oncall = (level: number) => ({
      escalation_policy: { id: "PANZZEQ", type: "escalation_policy_reference" },
      escalation_level: level,
      schedule: { id: "PI7DH85", type: "schedule_reference", summary: "Payments Primary" },
      user: { id: "PXPGF42", type: "user_reference", summary: "Alice Smith" },
      start: "2026-03-29T09:00:00+01:00",
      end: "2026-03-30T09:00:00+01:00",
    });
    expect(
      pagerDutyImporter.shifts({ name: "oncalls.json", json: { oncalls: [oncall(1), oncall(2)] } }),
    ).toEqual({
      scheduleId: "PI7DH85",
      scheduleName: "Payments Primary",
      shifts: [s("2026-03-29T08:00:00.000Z", "2026-03-30T08:00:00.000Z", "alice")],
    });
  });

  it("is undefined for GET /oncalls across several schedules", () => {
    const oncall = (schedule: string) => ({
      schedule: { id: schedule, type: "schedule_reference" },
      user: { id: "PXPGF42", type: "user_reference" },
      start: "2026-03-29T08:00:00Z",
      end: "2026-03-30T08:00:00Z",
    });
    expect(
      pagerDutyImporter.shifts({
        name: "oncalls.json",
        json: { oncalls: [oncall("PI7DH85"), oncall("PWEVPB6")] },
      }),
    ).toBeUndefined();
  });

  /** The UTC hours in the period where PagerDuty's final shifts and Firebreak's rotation disagree. */
  function differingHours(source: SourceShifts): string[] {
    const r = imported();
    const timeline = scheduleBetween(
      rotation(r, "payments-primary"),
      r.directory.people,
      new Date(PERIOD.from),
      new Date(PERIOD.to),
    );
    const out: string[] = [];
    for (let t = Date.parse(PERIOD.from); t < Date.parse(PERIOD.to); t += 3_600_000) {
      const theirs = source.shifts.find((x) => Date.parse(x.start) <= t && t < Date.parse(x.end));
      const ours = timeline.find((x) => x.start.getTime() <= t && t < x.end.getTime());
      const theirPerson = theirs?.person.id ? r.ids.people[theirs.person.id] : undefined;
      if (theirPerson !== (ours?.personId ?? undefined)) out.push(new Date(t).toISOString().slice(0, 13));
    }
    return out;
  }

  it("agrees with Firebreak's rotation hour by hour across the DST change", () => {
    expect(differingHours(pagerDutyImporter.shifts(fixture("final-shifts.json"))!)).toEqual([]);
  });

  it("finds exactly the deliberate differences", () => {
    const hours = (day: string, from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `${day}T${String(from + i).padStart(2, "0")}`);
    expect(differingHours(pagerDutyImporter.shifts(fixture("final-shifts-differ.json"))!)).toEqual([
      // The extra override: Dan 13:00–17:00 BST on 30 March.
      ...hours("2026-03-30", 12, 16),
      // Bob and Carol swapped: 2 April 08:00 UTC to 4 April 08:00 UTC.
      ...hours("2026-04-02", 8, 24),
      ...hours("2026-04-03", 0, 24),
      ...hours("2026-04-04", 0, 8),
    ]);
  });
});
