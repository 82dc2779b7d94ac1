import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseWithIssues } from "../oncall/directory";
import { parseDirectoryYaml } from "../oncall/directory-yaml";
import { scheduleBetween } from "../oncall/rotation";
import { grafanaOnCallImporter as importer } from "./grafana-oncall";
import type { ImportResult, SourceFile } from "./plan";
import { compareShifts } from "./verify";
import { importedDirectoryYaml } from "./yaml";

const DIR = new URL("../../../../fixtures/import/grafana-oncall/", import.meta.url);
const load = (name: string): SourceFile => ({
  name,
  json: JSON.parse(readFileSync(new URL(name, DIR), "utf8")),
});
/** The setup export (the final shifts are for `import verify`). */
const SETUP = readdirSync(DIR)
  .filter((f) => f.endsWith(".json") && !f.startsWith("final-shifts"))
  .sort();
const files = () => SETUP.map(load);

function valid(result: ImportResult) {
  expect(parseWithIssues(result.directory).issues).toEqual([]);
  // The importer's last-resort catch was not needed.
  expect(result.report.filter((e) => e.id === "(all files)")).toEqual([]);
}

const entry = (r: ImportResult, kind: string, id: string) => {
  const found = r.report.filter((e) => e.kind === kind && e.id === id);
  expect(found, `${kind} ${id}`).toHaveLength(1);
  return found[0]!;
};

describe("the Grafana OnCall fixture export", () => {
  const result = importer.import(files());

  it("becomes a directory that validates, YAML included (no anchors for a person to puzzle over)", () => {
    valid(result);
    const yaml = importedDirectoryYaml(result, SETUP, "import-report.md");
    expect(yaml).not.toMatch(/[&*]a\d/);
    expect(parseDirectoryYaml(yaml)).toEqual(parseWithIssues(result.directory).directory);
  });

  it("maps users to people with their e-mail, Slack id and zone", () => {
    expect(result.directory.people).toEqual([
      {
        id: "alice",
        name: "alice",
        timezone: "Europe/London",
        slackUserId: "U01ALICE01",
        email: "alice@example.com",
      },
      { id: "bob", name: "bob", timezone: "Europe/London", email: "bob@example.com" },
      {
        id: "carol",
        name: "carol",
        timezone: "America/New_York",
        slackUserId: "U01CAROL03",
        email: "carol@example.com",
      },
      { id: "dave", name: "dave", timezone: "Europe/Berlin", email: "dave@example.com" },
    ]);
    expect(result.ids.people).toEqual({
      U4DNY931HHJS5: "alice",
      UR8PQ2ZJ4KN2A: "bob",
      UYKS64M6C59XM: "carol",
      UT1MX7DSG8B4P: "dave",
    });
  });

  it("maps the rolling daily shift to a rotation, and the override onto it", () => {
    const [team] = result.directory.teams;
    expect(team).toMatchObject({
      id: "payments-escalation",
      services: ["payments-alertmanager"],
      escalationPolicy: "payments-escalation",
    });
    expect(team!.rotations).toEqual([
      {
        id: "payments-primary",
        name: "Payments primary",
        members: ["alice", "bob", "carol"],
        shift: { type: "daily" },
        handoffTime: "09:00",
        timezone: "Europe/London",
        start: "2026-03-23",
        overrides: [
          {
            personId: "dave",
            from: "2026-03-31T12:00:00.000Z",
            to: "2026-03-31T15:00:00.000Z",
            reason: "Grafana OnCall override O9WTH7CKM3KZW",
          },
        ],
      },
    ]);
    expect(result.ids.schedules).toEqual({ SBM7DV7BKFUYU: ["payments-primary"] });
  });

  it("maps the chain's steps to levels: waits are the timeouts, repeat_escalation repeats 5 times", () => {
    expect(result.directory.escalationPolicies).toEqual([
      {
        id: "payments-escalation",
        name: "Payments escalation",
        levels: [
          { targets: [{ type: "rotation", id: "payments-primary" }], timeoutMinutes: 5 },
          { targets: [{ type: "person", id: "carol" }], timeoutMinutes: 10 },
        ],
        repeat: 5,
        fallback: { type: "person", id: "carol" },
      },
    ]);
    expect(entry(result, "escalation chain", "F5JU6KJET33FE").notes.join(" ")).toContain(
      "Grafana has no fallback",
    );
  });

  it("reports what Firebreak cannot express, with why, and every object exactly once", () => {
    const notMapped = (kind: string, id: string) => {
      const e = entry(result, kind, id);
      expect(e.outcome).toBe("not mapped");
      return e.notes.join(" ");
    };
    expect(notMapped("on-call shift", "OBH5HNT7XDBQL")).toMatch(
      /time restrictions \(only MO, TU, WE, TH, FR, 8 h of every 24 h\)/,
    );
    expect(notMapped("schedule", "SX9R1AK8U7VQZ")).toMatch(/an iCal schedule/);
    expect(notMapped("schedule", "SW4TCN3Q1MUYB")).toMatch(/none of its layers could be mapped/);
    expect(notMapped("personal notification rule", "NDRQ4ZB8H9YYX")).toMatch(
      /personal notification rules are not imported/,
    );
    expect(notMapped("escalation chain", "FUNUSED7PQ2RC")).toMatch(/no route sends alerts to this chain/);
    expect(notMapped("escalation policy", "EWR8F7QLJ3XBA")).toMatch(/webhook/);
    expect(entry(result, "route", "RIYGUJXCPFHXY").notes.join(" ")).toMatch(
      /routing template .+ is not carried over/,
    );
    // Every object of every file, once.
    const inFiles = files().flatMap((f) =>
      ((f.json as { results: { id: string }[] }).results ?? []).map((i) => i.id),
    );
    const reported = result.report.map((e) => e.id);
    for (const id of inFiles)
      expect(
        reported.filter((r) => r === id),
        id,
      ).toHaveLength(1);
  });

  it("gives the same result whatever the order of the files", () => {
    expect(importer.import([...files()].reverse())).toEqual(result);
  });

  it("hands off at 09:00 London on both sides of the spring-forward (09:00Z, then 08:00Z)", () => {
    const rotation = result.directory.teams[0]!.rotations[0]!;
    const segments = scheduleBetween(
      rotation,
      result.directory.people,
      new Date("2026-03-27T00:00:00Z"),
      new Date("2026-03-31T00:00:00Z"),
    );
    expect(segments.map((s) => [s.start.toISOString(), s.personId])).toEqual([
      ["2026-03-27T00:00:00.000Z", "alice"],
      ["2026-03-27T09:00:00.000Z", "bob"],
      ["2026-03-28T09:00:00.000Z", "carol"],
      ["2026-03-29T08:00:00.000Z", "alice"],
      ["2026-03-30T08:00:00.000Z", "bob"],
    ]);
  });
});

describe("final shifts and import verify", () => {
  const result = importer.import(files());
  const { directory } = parseWithIssues(result.directory);
  const span = { from: new Date("2026-03-23T09:00:00Z"), to: new Date("2026-04-06T08:00:00Z") };

  it("reads GET /api/v1/schedules/{id}/final_shifts, and nothing else", () => {
    const agree = importer.shifts(load("final-shifts.json"))!;
    expect(agree.shifts).toHaveLength(16);
    expect(agree.shifts[9]).toEqual({
      start: "2026-03-31T12:00:00.000Z",
      end: "2026-03-31T15:00:00.000Z",
      person: { id: "UT1MX7DSG8B4P", email: "dave@example.com", name: "dave" },
    });
    expect(importer.shifts(load("users.json"))).toBeUndefined();
    expect(importer.shifts({ name: "x", json: null })).toBeUndefined();
    // The setup import reports a final-shifts file as not part of the setup.
    expect(importer.import([load("final-shifts.json")]).report[0]!.notes[0]).toMatch(
      /compare it with `firebreak import verify`/,
    );
  });

  it("agrees hour by hour across the DST change, and differs at exactly the hand-written hours", () => {
    const compare = (name: string) =>
      compareShifts({
        directory: directory!,
        rotationIds: result.ids.schedules.SBM7DV7BKFUYU!,
        shifts: importer.shifts(load(name))!.shifts,
        ...span,
        peopleIds: result.ids.people,
      });
    expect(compare("final-shifts.json").differing).toEqual([]);
    const hours = (day: string, from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `${day}T${String(from + i).padStart(2, "0")}:00:00.000Z`);
    expect(compare("final-shifts-differ.json").differing.map((d) => d.hour)).toEqual([
      // Grafana left the handoff on GMT: carol until 09:00Z on the 29th.
      "2026-03-29T08:00:00.000Z",
      // Carol instead of Bob for a day.
      ...hours("2026-04-02", 8, 24),
      ...hours("2026-04-03", 0, 8),
    ]);
  });
});

describe("hostile and broken input", () => {
  it("never throws, reports what it cannot read, and still validates", () => {
    const cases: SourceFile[][] = [
      [],
      [{ name: "null.json", json: null }],
      [{ name: "list.json", json: [1, "two", null, [], {}] }],
      [{ name: "results.json", json: { results: [{ id: 5, username: 7, email: ["x"], timezone: {} }] } }],
      [
        {
          name: "shifts.json",
          json: { results: [{ id: "O1", type: "rolling_users", duration: -1, rolling_users: "x" }] },
        },
      ],
      // A chain whose schedule and people were not exported.
      [load("escalation_chains.json"), load("escalation_policies.json"), load("routes.json")],
    ];
    for (const c of cases) {
      const r = importer.import(c);
      valid(r);
      if (c.length > 0) expect(r.report.length).toBeGreaterThan(0);
    }
    const unknown = importer.import([{ name: "heartbeats.json", json: { heartbeats: [] } }]);
    expect(unknown.report[0]).toMatchObject({ kind: "file", id: "heartbeats.json", outcome: "not mapped" });
    expect(unknown.report[0]!.notes[0]).toMatch(/^not a Grafana OnCall export this importer reads/);
  });

  it("a 10,000-user page takes it in stride", () => {
    const results = Array.from({ length: 10_000 }, (_, i) => ({
      id: `U${i}`,
      email: `user${i}@example.com`,
      username: "same name",
      timezone: "UTC",
      slack: null,
    }));
    const r = importer.import([{ name: "users.json", json: { results } }]);
    valid(r);
    expect(r.directory.people).toHaveLength(10_000);
    expect(new Set(r.directory.people.map((p) => p.id)).size).toBe(10_000);
  });

  it("arbitrary JSON never makes import or shifts throw, and the draft always validates", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.string(), json: fc.jsonValue() }), { maxLength: 4 }),
        (input) => {
          const r = importer.import(input);
          expect(parseWithIssues(r.directory).issues).toEqual([]);
          for (const f of input) importer.shifts(f);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the fixture with any field replaced by arbitrary JSON still validates", () => {
    const base = files();
    fc.assert(
      fc.property(
        fc.nat({ max: base.length - 1 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.jsonValue(),
        (f, i, key, value) => {
          const copy = structuredClone(base);
          const results = (copy[f]!.json as { results: Record<string, unknown>[] }).results;
          const item = results[i % results.length]!;
          const keys = Object.keys(item);
          item[keys[i % keys.length] ?? key] = value;
          const r = importer.import(copy);
          valid(r);
        },
      ),
      { numRuns: 300 },
    );
  });
});
