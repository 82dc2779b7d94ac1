import { readFileSync } from "node:fs";
import { parseWithIssues } from "@firebreak/core/oncall/directory";
import { onCallAt, scheduleBetween } from "@firebreak/core/oncall/rotation";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { awsIncidentManagerImporter as importer } from "./aws-incident-manager";
import type { ImportResult, SourceFile, SourceShifts } from "./plan";

const FIXTURES = [
  "list-contacts.json",
  "get-contact-akua.json",
  "get-contact-payments-oncall.json",
  "get-contact-platform-oncall.json",
  "get-contact-payments-escalation.json",
  "get-contact-platform-escalation.json",
  "list-contact-channels-akua.json",
  "list-contact-channels-bram.json",
  "list-contact-channels-chen.json",
  "list-contact-channels-dana.json",
  "list-contact-channels-erin.json",
  "list-rotations.json",
  "rotation-overrides-payments-primary.json",
  "list-response-plans.json",
  "get-response-plan-payments-api.json",
  "get-response-plan-platform-core.json",
  "get-response-plan-billing-batch.json",
];

function load(name: string): SourceFile {
  const url = new URL(`../../../../fixtures/import/aws-incident-manager/${name}`, import.meta.url);
  return { name, json: JSON.parse(readFileSync(url, "utf8")) };
}

const files = FIXTURES.map(load);
const result = importer.import(files);
const ACCOUNT = "arn:aws:ssm-contacts:eu-west-2:111122223333";
const contact = (alias: string) => `${ACCOUNT}:contact/${alias}`;
const rotationArn = (name: string) => `${ACCOUNT}:rotation/${name}`;
const PLAN = "arn:aws:ssm-incidents::111122223333:response-plan";

const entry = (r: ImportResult, id: string) => {
  const found = r.report.filter((e) => e.id === id);
  expect(found, id).toHaveLength(1);
  return found[0]!;
};
const rotation = (r: ImportResult, id: string) => {
  const found = r.directory.teams.flatMap((t) => t.rotations).find((x) => x.id === id);
  if (!found) throw new Error(`no rotation ${id}`);
  return found;
};

describe("the fixture export", () => {
  it("becomes a directory with no validation issues", () => {
    expect(parseWithIssues(result.directory).issues).toEqual([]);
  });

  it("maps the PERSONAL contacts with channels to people (the zone of their first rotation)", () => {
    expect(result.directory.people).toEqual([
      {
        id: "akua",
        name: "Akua Mensah",
        phone: "+447700900101",
        email: "akua.mensah@example.com",
        timezone: "Europe/London",
      },
      {
        id: "bram",
        name: "Bram de Vries",
        phone: "+447700900102",
        email: "bram.devries@example.com",
        timezone: "Europe/London",
      },
      {
        id: "chen",
        name: "Chen Wei",
        phone: "+12025550143",
        email: "chen.wei@example.com",
        timezone: "Europe/London",
      },
      {
        id: "dana",
        name: "Dana Okafor",
        phone: "+12025550177",
        email: "dana.okafor@example.com",
        timezone: "Europe/London",
      },
    ]);
    expect(result.ids.people).toEqual({
      [contact("akua")]: "akua",
      [contact("bram")]: "bram",
      [contact("chen")]: "chen",
      [contact("dana")]: "dana",
    });
  });

  it("maps the rotations exactly", () => {
    expect(rotation(result, "payments-primary")).toEqual({
      id: "payments-primary",
      name: "payments-primary",
      members: ["akua", "bram", "chen"],
      shift: { type: "daily" },
      handoffTime: "09:00",
      timezone: "Europe/London",
      start: "2026-03-16",
      overrides: [
        { personId: "dana", from: "2026-03-27T18:00:00.000Z", to: "2026-03-28T09:00:00.000Z" },
        { personId: "akua", from: "2026-04-01T12:00:00.000Z", to: "2026-04-01T20:00:00.000Z" },
      ],
    });
    // StartTime given as epoch seconds (the raw API) and RecurrenceMultiplier 2.
    expect(rotation(result, "payments-secondary")).toEqual({
      id: "payments-secondary",
      name: "payments-secondary",
      members: ["bram", "dana"],
      shift: { type: "hours", hours: 48 },
      handoffTime: "09:00",
      timezone: "Europe/London",
      start: "2026-03-16",
      overrides: [],
    });
    expect(rotation(result, "platform-weekly")).toEqual({
      id: "platform-weekly",
      name: "platform-weekly",
      members: ["chen", "dana"],
      shift: { type: "weekly" },
      handoffTime: "10:00",
      timezone: "America/New_York",
      start: "2026-01-05",
      overrides: [],
    });
    expect(result.ids.schedules).toEqual({
      [contact("payments-oncall")]: ["payments-primary", "payments-secondary"],
      [contact("platform-oncall")]: ["platform-weekly"],
      [rotationArn("payments-primary")]: ["payments-primary"],
      [rotationArn("payments-secondary")]: ["payments-secondary"],
      [rotationArn("platform-weekly")]: ["platform-weekly"],
    });
  });

  it("maps the escalation plans to policies and the response plans to teams", () => {
    expect(result.directory.escalationPolicies).toEqual([
      {
        id: "payments-escalation",
        name: "Payments escalation",
        levels: [
          {
            targets: [
              { type: "rotation", id: "payments-primary" },
              { type: "rotation", id: "payments-secondary" },
            ],
            timeoutMinutes: 5,
          },
          { targets: [{ type: "person", id: "bram" }], timeoutMinutes: 10 },
          { targets: [{ type: "person", id: "dana" }], timeoutMinutes: 1 },
        ],
        repeat: 0,
        fallback: { type: "person", id: "dana" },
      },
      {
        id: "platform-escalation",
        name: "Platform escalation",
        levels: [
          { targets: [{ type: "rotation", id: "platform-weekly" }], timeoutMinutes: 15 },
          { targets: [{ type: "person", id: "akua" }], timeoutMinutes: 1 },
        ],
        repeat: 0,
        fallback: { type: "person", id: "akua" },
      },
      {
        id: "billing-batch-engagements",
        name: "Billing batch jobs engagements",
        levels: [
          {
            targets: [
              { type: "person", id: "dana" },
              { type: "rotation", id: "payments-primary" },
              { type: "rotation", id: "payments-secondary" },
            ],
            timeoutMinutes: 15,
          },
        ],
        repeat: 0,
        fallback: { type: "person", id: "dana" },
      },
    ]);
    expect(
      result.directory.teams.map((t) => ({
        id: t.id,
        name: t.name,
        services: t.services,
        policy: t.escalationPolicy,
        rotations: t.rotations.map((r) => r.id),
      })),
    ).toEqual([
      {
        id: "billing-batch",
        name: "Billing batch jobs",
        services: ["billing-batch"],
        policy: "billing-batch-engagements",
        rotations: [],
      },
      {
        id: "payments-api",
        name: "Payments API",
        services: ["payments-api"],
        policy: "payments-escalation",
        rotations: ["payments-primary", "payments-secondary"],
      },
      {
        id: "platform-core",
        name: "Platform core",
        services: ["platform-core"],
        policy: "platform-escalation",
        rotations: ["platform-weekly"],
      },
    ]);
  });

  it("reports what could not be mapped, and why", () => {
    const notMapped = result.report.filter((e) => e.outcome === "not mapped");
    expect(notMapped.map((e) => e.id).sort()).toEqual(
      [
        contact("erin"),
        `${ACCOUNT}:rotation/follow-the-sun`,
        `${ACCOUNT}:rotation/incident-commanders`,
        `${PLAN}/legacy-reports`,
      ].sort(),
    );
    expect(entry(result, contact("erin")).notes.join()).toMatch(
      /no usable SMS, VOICE or EMAIL contact channel/,
    );
    expect(entry(result, rotationArn("follow-the-sun")).notes.join()).toMatch(
      /list-rotations\.json: 2 daily handoff times/,
    );
    expect(entry(result, rotationArn("incident-commanders")).notes.join()).toMatch(
      /NumberOfOnCalls 2 puts 2 contacts on call at once/,
    );
    expect(entry(result, `${PLAN}/legacy-reports`).notes.join()).toMatch(/export GetResponsePlan/);
  });

  it("notes every feature that was not carried over", () => {
    const notes = (id: string) => entry(result, id).notes.join("\n");
    expect(entry(result, rotationArn("platform-weekly")).outcome).toBe("partly mapped");
    expect(notes(rotationArn("platform-weekly"))).toMatch(
      /ShiftCoverages \(on call only during MON 09:00–17:00;.*\) have no Firebreak equivalent: Firebreak rotations cover every hour/,
    );
    expect(notes(rotationArn("platform-weekly"))).toMatch(/member erin was dropped/);
    expect(notes(rotationArn("payments-secondary"))).toMatch(
      /RecurrenceMultiplier 2: AWS hands off every 2 days at 09:00 local time; .*48 hours of ELAPSED time/,
    );
    expect(notes(contact("akua"))).toMatch(/personal notification rule and is not imported/);
    expect(notes(contact("akua"))).toMatch(/Europe\/London was taken from rotation payments-primary/);
    expect(notes(contact("chen"))).toMatch(/NOT_ACTIVATED/);
    expect(notes(contact("payments-escalation"))).toMatch(/stage 2: bram IsEssential/);
    expect(notes(contact("payments-escalation"))).toMatch(/stage 2: a single contact channel .* was dropped/);
    expect(notes(contact("payments-escalation"))).toMatch(/stage 3: DurationInMinutes 0 .* became 1 minute/);
    expect(notes(contact("platform-escalation"))).toMatch(
      /stage 2 has no target Firebreak can page and was dropped/,
    );
    expect(notes(contact("platform-oncall"))).toMatch(/rotation\/follow.* was dropped: it was not mapped/);
    expect(notes(`${PLAN}/payments-api`)).toMatch(/incidentTemplate\.impact 1 is not carried over/);
    expect(notes(`${PLAN}/payments-api`)).toMatch(/chatChannel \(AWS Chatbot SNS topics\)/);
    expect(notes(`${PLAN}/payments-api`)).toMatch(/actions \(SSM Automation runbooks/);
    expect(notes(`${PLAN}/billing-batch`)).toMatch(/integrations \(e\.g\. PagerDuty\)/);
    expect(notes(`${PLAN}/billing-batch`)).toMatch(/one-level policy billing-batch-engagements/);
    expect(notes(`${PLAN}/platform-core`)).not.toMatch(/chatChannel/);
  });

  it("reports every source object exactly once", () => {
    const ids: string[] = [];
    const json = (name: string) => files.find((f) => f.name === name)!.json as Record<string, unknown[]>;
    for (const c of json("list-contacts.json").Contacts as { ContactArn: string }[]) ids.push(c.ContactArn);
    for (const f of files.filter((f) => f.name.startsWith("list-contact-channels-")))
      for (const c of (f.json as { ContactChannels: { ContactChannelArn: string }[] }).ContactChannels)
        ids.push(c.ContactChannelArn);
    for (const r of json("list-rotations.json").Rotations as { RotationArn: string }[])
      ids.push(r.RotationArn);
    for (const o of json("rotation-overrides-payments-primary.json").RotationOverrides as {
      RotationOverrideId: string;
    }[])
      ids.push(o.RotationOverrideId);
    for (const p of json("list-response-plans.json").responsePlanSummaries as { arn: string }[])
      ids.push(p.arn);
    expect(ids).toHaveLength(9 + 8 + 5 + 2 + 4);
    expect(result.report.map((e) => e.id).sort()).toEqual(ids.sort());
    for (const e of result.report) expect(e.file).toBeTruthy();
  });

  it("gives the same result whatever order the files come in", () => {
    expect(importer.import([...files].reverse())).toEqual(result);
    expect(importer.import([...files.slice(7), ...files.slice(0, 7)])).toEqual(result);
  });

  it("reads an object saved twice (a list page and a get, or two override windows) once", () => {
    const twice = importer.import([
      ...files,
      {
        name: "rotation-overrides-payments-primary-2.json",
        json: {
          ...(load("rotation-overrides-payments-primary.json").json as object),
          RotationArn: rotationArn("payments-primary"),
        },
      },
      {
        name: "get-rotation-payments-primary.json",
        json: (load("list-rotations.json").json as { Rotations: unknown[] }).Rotations[0],
      },
    ]);
    expect(twice.directory).toEqual(result.directory);
    expect(twice.report.map((e) => e.id).sort()).toEqual(result.report.map((e) => e.id).sort());
  });

  it("reports a file it does not recognise, and a final-shifts file as not imported", () => {
    const r = importer.import([
      ...files,
      { name: "users.json", json: { users: [] } },
      load("final-shifts.json"),
    ]);
    expect(entry(r, "users.json")).toMatchObject({ kind: "file", outcome: "not mapped" });
    expect(entry(r, "users.json").notes[0]).toMatch(/not an AWS Incident Manager export/);
    expect(entry(r, "final-shifts.json").notes[0]).toMatch(/import verify/);
    expect(r.directory).toEqual(result.directory);
  });
});

describe("daylight saving", () => {
  it("hands payments-primary (daily 09:00 Europe/London) off at 09:00 local on both sides of 2026-03-29", () => {
    const r = rotation(result, "payments-primary");
    const segments = scheduleBetween(
      r,
      result.directory.people,
      new Date("2026-03-27T00:00:00Z"),
      new Date("2026-03-31T00:00:00Z"),
    );
    expect(segments.map((s) => [s.start.toISOString(), s.personId])).toEqual([
      ["2026-03-27T00:00:00.000Z", "bram"],
      ["2026-03-27T09:00:00.000Z", "chen"],
      ["2026-03-27T18:00:00.000Z", "dana"], // the override
      ["2026-03-28T09:00:00.000Z", "akua"], // GMT: 09:00 local = 09:00Z
      ["2026-03-29T08:00:00.000Z", "bram"], // BST: 09:00 local = 08:00Z
      ["2026-03-30T08:00:00.000Z", "chen"],
    ]);
  });

  it("FINDING: payments-secondary (every 2 days at 09:00 London in AWS) becomes 48 elapsed hours, which hands off at 10:00 BST after the change", () => {
    const r = rotation(result, "payments-secondary");
    const segments = scheduleBetween(
      r,
      result.directory.people,
      new Date("2026-03-26T00:00:00Z"),
      new Date("2026-04-01T00:00:00Z"),
    );
    // AWS (RecurrenceMultiplier counts local days) would hand off at 09:00 BST = 08:00Z on 03-30;
    // Firebreak's elapsed 48 hours hand off at 09:00Z = 10:00 BST. The report says so.
    expect(segments.map((s) => [s.start.toISOString(), s.personId])).toEqual([
      ["2026-03-26T00:00:00.000Z", "bram"],
      ["2026-03-26T09:00:00.000Z", "dana"],
      ["2026-03-28T09:00:00.000Z", "bram"],
      ["2026-03-30T09:00:00.000Z", "dana"],
    ]);
  });

  it("refuses a multiplier longer than Firebreak's longest shift", () => {
    const r = importer.import([
      {
        name: "get-rotation.json",
        json: {
          RotationArn: rotationArn("long"),
          Name: "long",
          ContactIds: [],
          StartTime: "2026-01-05T09:00:00Z",
          TimeZoneId: "UTC",
          Recurrence: {
            WeeklySettings: [{ DayOfWeek: "MON", HandOffTime: { HourOfDay: 9, MinuteOfHour: 0 } }],
            NumberOfOnCalls: 1,
            RecurrenceMultiplier: 60,
          },
        },
      },
    ]);
    expect(entry(r, rotationArn("long")).notes[0]).toMatch(/longer than Firebreak's longest shift/);
  });

  it("starts a rotation whose StartTime is between handoffs at the next handoff, with a note", () => {
    const r = importer.import([
      ...files.filter((f) => f.name !== "list-rotations.json"),
      {
        name: "list-rotations.json",
        json: {
          Rotations: [
            {
              RotationArn: rotationArn("platform-weekly"),
              Name: "platform-weekly",
              ContactIds: [contact("chen"), contact("dana")],
              // A Wednesday, 11:30 in New York (EDT): the next Monday 10:00 is 2026-06-08.
              StartTime: "2026-06-03T15:30:00Z",
              TimeZoneId: "America/New_York",
              Recurrence: {
                WeeklySettings: [{ DayOfWeek: "MON", HandOffTime: { HourOfDay: 10, MinuteOfHour: 0 } }],
                NumberOfOnCalls: 1,
                RecurrenceMultiplier: 1,
              },
            },
          ],
        },
      },
    ]);
    expect(rotation(r, "platform-weekly")).toMatchObject({ start: "2026-06-08", handoffTime: "10:00" });
    expect(entry(r, rotationArn("platform-weekly")).notes[0]).toMatch(
      /StartTime 2026-06-03T15:30:00.000Z is not at a handoff: the rotation starts at the first handoff after it \(2026-06-08 10:00 America\/New_York\)/,
    );
  });

  it("hands platform-weekly (Monday 10:00 America/New_York) off at 10:00 local on both sides of 2026-03-08", () => {
    const r = rotation(result, "platform-weekly");
    const segments = scheduleBetween(
      r,
      result.directory.people,
      new Date("2026-03-02T00:00:00Z"),
      new Date("2026-03-17T00:00:00Z"),
    );
    expect(segments.map((s) => [s.start.toISOString(), s.personId])).toEqual([
      ["2026-03-02T00:00:00.000Z", "dana"],
      ["2026-03-02T15:00:00.000Z", "chen"], // EST: 10:00 = 15:00Z
      ["2026-03-09T14:00:00.000Z", "dana"], // EDT: 10:00 = 14:00Z
      ["2026-03-16T14:00:00.000Z", "chen"],
    ]);
  });
});

describe("final shifts (ListRotationShifts)", () => {
  const agree = importer.shifts(load("final-shifts.json"))!;
  const differ = importer.shifts(load("final-shifts-differ.json"))!;

  it("parses one shift per contact per period", () => {
    expect(agree.shifts).toHaveLength(17);
    expect(agree.shifts[0]).toEqual({
      start: "2026-03-23T09:00:00.000Z",
      end: "2026-03-24T09:00:00.000Z",
      person: { id: contact("bram"), name: "bram" },
    });
    expect(agree.shifts[5]).toEqual({
      start: "2026-03-27T18:00:00.000Z",
      end: "2026-03-28T09:00:00.000Z",
      person: { id: contact("dana"), name: "dana" },
    });
    expect(agree.shifts[7]).toEqual({
      start: "2026-03-29T08:00:00.000Z",
      end: "2026-03-30T08:00:00.000Z",
      person: { id: contact("bram"), name: "bram" },
    });
    expect(agree.shifts[16]!.end).toBe("2026-04-06T08:00:00.000Z");
    expect(differ.shifts).toHaveLength(18);
    expect(importer.shifts(load("list-rotations.json"))).toBeUndefined();
    expect(importer.shifts({ name: "x.json", json: null })).toBeUndefined();
    expect(
      importer.shifts({
        name: "rotation-shifts-payments-primary.json",
        json: { RotationShifts: [null, { ContactIds: [7], StartTime: 1, EndTime: 0 }] },
      }),
    ).toEqual({ scheduleName: "payments-primary", shifts: [] });
  });

  /** The UTC hours in [from, to) at which the source's person differs from Firebreak's. */
  function differingHours(source: SourceShifts): string[] {
    const r = rotation(result, "payments-primary");
    const from = Date.parse("2026-03-23T09:00:00Z");
    const to = Date.parse("2026-04-06T08:00:00Z");
    const out: string[] = [];
    for (let t = from; t < to; t += 3_600_000) {
      const s = source.shifts.find((x) => Date.parse(x.start) <= t && t < Date.parse(x.end));
      const theirs = s?.person.id ? result.ids.people[s.person.id] : undefined;
      const ours = onCallAt(r, result.directory.people, new Date(t)).personId;
      if (theirs !== ours) out.push(new Date(t).toISOString());
    }
    return out;
  }

  it("final-shifts.json agrees with the imported rotation hour by hour across the DST change", () => {
    expect(differingHours(agree)).toEqual([]);
  });

  it("final-shifts-differ.json differs at exactly the hand-written hours", () => {
    expect(differingHours(differ)).toEqual([
      // AWS kept akua until 09:00Z on 2026-03-29 (a handoff left on GMT): Firebreak hands to bram at 08:00Z.
      "2026-03-29T08:00:00.000Z",
      // An extra override in AWS: chen covers akua 08:00–12:00Z on 2026-03-31.
      "2026-03-31T08:00:00.000Z",
      "2026-03-31T09:00:00.000Z",
      "2026-03-31T10:00:00.000Z",
      "2026-03-31T11:00:00.000Z",
    ]);
  });
});

describe("hostile input", () => {
  const valid = (r: ImportResult) => {
    expect(parseWithIssues(r.directory).issues).toEqual([]);
    // The importer's last-resort catch was not needed.
    expect(r.report.filter((e) => e.kind === "import")).toEqual([]);
  };

  it("never throws on null, garbage and wrong types, and reports them", () => {
    const garbage: unknown[] = [
      null,
      undefined,
      42,
      "text",
      [],
      [1, null, "x"],
      { Contacts: [null, 1, { ContactArn: 5 }, { ContactArn: "a", Type: "PERSONAL", Alias: ["x"] }] },
      { ContactChannels: "no" },
      { ContactChannels: [{ ContactChannelArn: "c", ContactArn: "a", Type: "SMS", DeliveryAddress: null }] },
      { Rotations: [{ RotationArn: "r", Recurrence: { DailySettings: [{ HourOfDay: 99 }] } }] },
      { Rotations: [{ RotationArn: "r2", StartTime: -5, TimeZoneId: "Mars/Base", Recurrence: null }] },
      { RotationOverrides: [null, { NewContactIds: "x" }] },
      { responsePlanSummaries: [{ arn: 1 }, { arn: "p", name: {} }] },
      { arn: "p2", name: "p2", engagements: [null, 3, "nope"] },
      { ContactArn: "e", Type: "ESCALATION", Plan: { Stages: [null, { Targets: "x" }, { Targets: [{}] }] } },
    ];
    const r = importer.import(garbage.map((json, i) => ({ name: `f${i}.json`, json })));
    valid(r);
    expect(r.report.filter((e) => e.id.startsWith("f") && e.kind === "file").length).toBeGreaterThanOrEqual(
      6,
    );
    expect(r.report.every((e) => e.outcome === "not mapped")).toBe(true);
    expect(() => importer.import(null as unknown as SourceFile[])).not.toThrow();
    expect(() => importer.import([null, 1, "x"] as unknown as SourceFile[])).not.toThrow();
  });

  it("names a contact and a response plan whose names are blank", () => {
    const r = importer.import([
      ...files,
      { name: "get-contact-blank.json", json: { ContactArn: "x/ ", Type: "PERSONAL", Alias: " " } },
      {
        name: "ch.json",
        json: {
          ContactChannels: [
            {
              ContactChannelArn: "c",
              ContactArn: "x/ ",
              Type: "EMAIL",
              DeliveryAddress: { SimpleAddress: "b@example.com" },
            },
          ],
        },
      },
      {
        name: "get-response-plan-blank.json",
        json: { arn: "p/ ", name: " ", engagements: [contact("dana")] },
      },
    ]);
    valid(r);
    expect(r.directory.people.map((p) => p.name)).toContain("Unnamed contact");
    expect(r.directory.teams.map((t) => t.name)).toContain("Unnamed response plan");
  });

  it("drops references to objects that were not exported, with notes", () => {
    const only = ["get-contact-payments-escalation.json", "get-response-plan-payments-api.json"].map(load);
    const r = importer.import(only);
    valid(r);
    expect(entry(r, contact("payments-escalation")).outcome).toBe("not mapped");
    expect(entry(r, contact("payments-escalation")).notes.join()).toMatch(/was not exported/);
    expect(entry(r, `${PLAN}/payments-api`).outcome).toBe("not mapped");
    expect(entry(r, `${PLAN}/payments-api`).notes[0]).toMatch(/no usable escalation policy/);

    // Rotations and people without any response plan: the rotations have no team to live in.
    const noPlans = importer.import(FIXTURES.filter((f) => !f.includes("response-plan")).map(load));
    valid(noPlans);
    expect(noPlans.directory.teams).toEqual([]);
    expect(entry(noPlans, rotationArn("payments-primary")).outcome).toBe("not mapped");
    expect(entry(noPlans, "4f8a2c1e-9b3d-4e7f-a6c5-1d2e3f4a5b6c").outcome).toBe("not mapped");
    expect(noPlans.directory.escalationPolicies.map((p) => p.id)).toEqual([
      "payments-escalation",
      "platform-escalation",
    ]);

    // Overrides whose rotation cannot be told.
    const anon = importer.import([
      ...files,
      { name: "overrides.json", json: load("rotation-overrides-payments-primary.json").json },
    ]);
    valid(anon);
    expect(anon.report.filter((e) => e.file === "overrides.json")[0]!.notes[0]).toMatch(
      /its rotation is unknown/,
    );
  });

  it("reads a 10k-item list", () => {
    const Contacts = Array.from({ length: 10_000 }, (_, i) => ({
      ContactArn: `${ACCOUNT}:contact/p${i}`,
      Alias: `p${i}`,
      Type: "PERSONAL",
    }));
    const ContactChannels = Array.from({ length: 10_000 }, (_, i) => ({
      ContactChannelArn: `${ACCOUNT}:contact-channel/p${i}/c`,
      ContactArn: `${ACCOUNT}:contact/p${i}`,
      Type: "EMAIL",
      DeliveryAddress: { SimpleAddress: `p${i}@example.com` },
    }));
    const r = importer.import([
      { name: "list-contacts.json", json: { Contacts } },
      { name: "channels.json", json: { ContactChannels } },
    ]);
    expect(r.directory.people).toHaveLength(10_000);
    expect(r.report).toHaveLength(20_000);
    valid(r);
  });

  it("any rotation shape, channel and override mixed into the fixture yields a valid draft (property)", () => {
    const hand = fc.record({
      HourOfDay: fc.integer({ min: -2, max: 25 }),
      MinuteOfHour: fc.integer({ min: -1, max: 61 }),
    });
    const time = fc.oneof(
      fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }),
      fc.integer({ min: -10, max: 300_000_000_000 }),
      fc.double(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
    );
    const who = fc.constantFrom(
      contact("akua"),
      contact("erin"),
      contact("nobody"),
      contact("payments-oncall"),
      "x",
    );
    const rotationShape = fc.record(
      {
        RotationArn: fc.constantFrom(rotationArn("payments-primary"), rotationArn("r1"), rotationArn("r2")),
        Name: fc.oneof(fc.string(), fc.constant("payments-primary")),
        ContactIds: fc.array(who, { maxLength: 4 }),
        StartTime: time,
        TimeZoneId: fc.constantFrom(
          "Europe/London",
          "America/New_York",
          "Asia/Kolkata",
          "UTC",
          "Nowhere/City",
          "",
        ),
        Recurrence: fc.oneof(
          // Mostly well-formed recurrences (so that many rotations map), sometimes anything.
          fc.record({
            DailySettings: fc.array(hand, { minLength: 1, maxLength: 1 }),
            NumberOfOnCalls: fc.constant(1),
            RecurrenceMultiplier: fc.integer({ min: 1, max: 100 }),
          }),
          fc.record({
            WeeklySettings: fc.array(
              fc.record({ DayOfWeek: fc.constantFrom("MON", "SUN", "WED"), HandOffTime: hand }),
              { minLength: 1, maxLength: 1 },
            ),
            NumberOfOnCalls: fc.constant(1),
            RecurrenceMultiplier: fc.integer({ min: 1, max: 100 }),
          }),
          fc.record(
            {
              DailySettings: fc.array(hand, { maxLength: 2 }),
              WeeklySettings: fc.array(
                fc.record({ DayOfWeek: fc.constantFrom("MON", "SUN", "XYZ"), HandOffTime: hand }),
                { maxLength: 2 },
              ),
              MonthlySettings: fc.array(fc.record({ DayOfMonth: fc.integer() }), { maxLength: 1 }),
              NumberOfOnCalls: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant(1)),
              RecurrenceMultiplier: fc.oneof(fc.integer({ min: -1, max: 120 }), fc.constant(1), fc.double()),
              ShiftCoverages: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: ["RotationArn", "ContactIds", "Recurrence"] },
    );
    const overrideShape = fc.record(
      {
        RotationOverrideId: fc.string(),
        NewContactIds: fc.array(who, { maxLength: 2 }),
        StartTime: time,
        EndTime: time,
        CreateTime: time,
      },
      { requiredKeys: [] },
    );
    const channel = fc.record({
      ContactChannelArn: fc.string({ minLength: 1 }),
      ContactArn: who,
      Type: fc.constantFrom("SMS", "VOICE", "EMAIL", "PUSH"),
      DeliveryAddress: fc.record({
        SimpleAddress: fc.oneof(fc.string(), fc.emailAddress(), fc.constant("+447700900999")),
      }),
      ActivationStatus: fc.constantFrom("ACTIVATED", "NOT_ACTIVATED"),
    });
    fc.assert(
      fc.property(
        fc.array(rotationShape, { maxLength: 4 }),
        fc.array(overrideShape, { maxLength: 4 }),
        fc.array(channel, { maxLength: 3 }),
        (Rotations, RotationOverrides, ContactChannels) => {
          const r = importer.import([
            ...files.filter((f) => f.name !== "list-rotations.json"),
            { name: "list-rotations.json", json: { Rotations } },
            { name: "rotation-overrides-r1.json", json: { RotationOverrides } },
            { name: "list-contact-channels-extra.json", json: { ContactChannels } },
          ]);
          expect(parseWithIssues(r.directory).issues).toEqual([]);
          expect(r.report.filter((e) => e.kind === "import")).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("never throws on arbitrary JSON and always yields a valid draft (property)", () => {
    const shaped = fc.oneof(
      fc.jsonValue(),
      fc.record({ Contacts: fc.array(fc.jsonValue()) }),
      fc.record({ Rotations: fc.array(fc.dictionary(fc.string(), fc.jsonValue())) }),
      fc.record({ RotationShifts: fc.array(fc.jsonValue()) }),
      fc.constantFrom(...files.map((f) => f.json)),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string(), json: shaped }), { maxLength: 6 }), (input) => {
        const r = importer.import(input);
        expect(parseWithIssues(r.directory).issues).toEqual([]);
        expect(r.report.filter((e) => e.kind === "import")).toEqual([]);
        for (const f of input) importer.shifts(f);
      }),
      { numRuns: 150 },
    );
  });
});
