import { describe, expect, it } from "vitest";
import { parseWithIssues } from "../oncall/directory";
import { parseDirectoryYaml } from "../oncall/directory-yaml";
import {
  ImportBuilder,
  type ImportResult,
  localStart,
  override,
  renderPlan,
  renderReport,
  shiftFromSeconds,
  slugId,
} from "./plan";
import { importedDirectoryYaml } from "./yaml";

describe("slugId and uniqueId", () => {
  it("makes directory ids from any name", () => {
    expect(slugId("Inês Costa")).toBe("ines-costa");
    expect(slugId("  SRE / Primary (EU)  ")).toBe("sre-primary-eu");
    expect(slugId("___")).toBe("imported");
    expect(slugId("日本語", "person")).toBe("person");
    expect(slugId("x".repeat(200))).toHaveLength(56);
  });

  it("never hands out the same id twice for one kind", () => {
    const b = new ImportBuilder("pagerduty");
    expect([
      b.uniqueId("person", "Alice"),
      b.uniqueId("person", "alice"),
      b.uniqueId("person", "ALICE"),
    ]).toEqual(["alice", "alice-2", "alice-3"]);
    // Kinds have their own namespaces.
    expect(b.uniqueId("rotation", "Alice")).toBe("alice");
    expect(b.uniqueId("team", "")).toBe("team");
    // A name that is another's suffixed id stays unique too.
    expect(b.uniqueId("person", "alice-2")).toBe("alice-2-2");
    expect(b.uniqueId("person", "Alice")).toBe("alice-4");
  });

  it("stays fast with thousands of objects of one name", () => {
    const b = new ImportBuilder("pagerduty");
    const ids = Array.from({ length: 20_000 }, () => b.uniqueId("person", "On call"));
    expect(new Set(ids).size).toBe(20_000);
    expect(ids.at(-1)).toBe("on-call-20000");
  });
});

describe("shiftFromSeconds", () => {
  it("maps a day, a week and whole hours; refuses the rest with why", () => {
    expect(shiftFromSeconds(86_400)).toEqual({ shift: { type: "daily" } });
    expect(shiftFromSeconds(604_800)).toEqual({ shift: { type: "weekly" } });
    expect(shiftFromSeconds(43_200)).toEqual({ shift: { type: "hours", hours: 12 } });
    expect(shiftFromSeconds(1_209_600)).toEqual({ shift: { type: "hours", hours: 336 } });
    expect(shiftFromSeconds(5_400)).toEqual({
      why: "a turn of 5400 s is not a whole number of hours (Firebreak's shifts are daily, weekly or N hours)",
    });
    expect("why" in shiftFromSeconds(0)).toBe(true);
  });
});

describe("localStart", () => {
  it("reads the local date and time on both sides of a DST change", () => {
    expect(localStart("2026-03-28T09:00:00Z", "Europe/London")).toEqual({
      start: "2026-03-28",
      handoffTime: "09:00",
    });
    expect(localStart("2026-03-30T08:00:00Z", "Europe/London")).toEqual({
      start: "2026-03-30",
      handoffTime: "09:00",
    });
    expect(localStart("2026-11-01T04:30:00-05:00", "America/New_York")).toEqual({
      start: "2026-11-01",
      handoffTime: "04:30",
    });
    expect(localStart("2026-01-01T00:00:30Z", "UTC")).toEqual({
      start: "2026-01-01",
      handoffTime: "00:00",
      note: "the handoff's seconds (30) were dropped",
    });
  });

  it("says why it cannot", () => {
    expect(localStart("yesterday", "UTC")).toEqual({ why: 'start "yesterday" is not an ISO 8601 instant' });
    expect(localStart("2026-01-01T00:00:00Z", "Mars/Olympus")).toEqual({
      why: 'time zone "Mars/Olympus" is not an IANA name',
    });
    expect(localStart("1969-07-20T20:17:00Z", "UTC")).toEqual({
      why: "start 1969-07-20T20:17:00Z is before 1970",
    });
  });
});

/** A small import, as an importer would build it. */
function sample(): ImportResult {
  const b = new ImportBuilder("opsgenie");
  const alice = b.uniqueId("person", "Alice Moreau");
  const bob = b.uniqueId("person", "Bob Okafor");
  b.directory.people.push(
    {
      id: alice,
      name: "Alice Moreau",
      phone: "+447700900101",
      email: "alice@example.com",
      timezone: "Europe/London",
    },
    { id: bob, name: "Bob Okafor", phone: "+12025550102", timezone: "America/New_York" },
  );
  b.ids.people["u-1"] = alice;
  b.ids.people["u-2"] = bob;
  const rotation = b.uniqueId("rotation", "SRE primary");
  const policy = b.uniqueId("policy", "SRE escalation");
  b.directory.escalationPolicies.push({
    id: policy,
    name: "SRE escalation",
    levels: [
      { targets: [{ type: "rotation", id: rotation }], timeoutMinutes: 5 },
      { targets: [{ type: "person", id: bob }], timeoutMinutes: 10 },
    ],
    repeat: 2,
    fallback: { type: "person", id: bob },
  });
  b.directory.teams.push({
    id: b.uniqueId("team", "SRE"),
    name: "SRE",
    services: ["checkout"],
    rotations: [
      {
        id: rotation,
        name: "SRE primary",
        members: [alice, bob],
        shift: { type: "weekly" },
        handoffTime: "09:00",
        timezone: "Europe/London",
        start: "2026-03-23",
        overrides: [override(bob, "2026-03-30T08:00:00+00:00", "2026-03-31T08:00:00Z", "swap")],
      },
    ],
    escalationPolicy: policy,
  });
  b.ids.schedules["s-1"] = [rotation];
  b.mapped({ kind: "user", id: "u-1", name: "Alice Moreau", becomes: [`person ${alice}`] });
  b.mapped({
    kind: "schedule",
    id: "s-1",
    name: "SRE primary",
    becomes: [`rotation ${rotation}`],
    notes: ["endDate 2027-01-01 is not kept: Firebreak rotations do not end"],
  });
  b.notMapped(
    { kind: "notification rule", id: "nr-1", file: "notification-rules.json" },
    "personal rules | later",
  );
  b.unrecognisedFile({ name: "heartbeats.json", json: {} }, "users, schedules or escalations");
  return b.result();
}

describe("the directory YAML", () => {
  it("reads back as the same directory, phone numbers and times intact", () => {
    const result = sample();
    const yaml = importedDirectoryYaml(result, ["users.json", "schedules.json"], "import-report.md");
    expect(yaml.split("\n")[0]).toBe(
      "# Firebreak on-call directory imported from Opsgenie by `firebreak import opsgenie`.",
    );
    expect(yaml).toContain('phone: "+447700900101"');
    const { directory, issues } = parseWithIssues(result.directory);
    expect(issues).toEqual([]);
    expect(parseDirectoryYaml(yaml)).toEqual(directory);
    expect(directory!.teams[0]!.rotations[0]!.overrides[0]).toEqual({
      personId: "bob-okafor",
      from: "2026-03-30T08:00:00.000Z",
      to: "2026-03-31T08:00:00.000Z",
      reason: "swap",
    });
  });
});

describe("the plan and the report", () => {
  it("lists what would be created and everything not mapped, and says how to apply it", () => {
    const plan = renderPlan(sample(), { directory: "out/directory.yaml", report: "out/import-report.md" });
    expect(plan).toContain("Opsgenie import plan (nothing has been written to Firebreak):");
    expect(plan).toContain(
      "  + person             alice-moreau  Alice Moreau <alice@example.com, +447700900101> Europe/London",
    );
    expect(plan).toContain(
      "  + rotation           sre-primary  weekly from 2026-03-23 09:00 Europe/London, 2 members, 1 override",
    );
    expect(plan).toContain("  + escalation policy  sre-escalation  2 levels, repeated 2×");
    expect(plan).toContain("Not mapped (2):");
    expect(plan).toContain("  - notification rule (nr-1): personal rules | later");
    expect(plan).toContain("  - file (heartbeats.json): not an Opsgenie export this importer reads");
    expect(plan).toContain(
      '  ~ schedule "SRE primary" (s-1) → rotation sre-primary: endDate 2027-01-01 is not kept: Firebreak rotations do not end',
    );
    expect(plan).toContain(
      "Plan: 2 people, 1 team, 1 rotation, 1 escalation policy to create; 2 objects not mapped, 1 partly (see out/import-report.md).",
    );
    expect(plan).toContain("npm run firebreak -- directory apply out/directory.yaml");
  });

  it("reports every entry in a Markdown table per outcome, escaping table syntax", () => {
    const report = renderReport(sample(), ["users.json"]);
    expect(report).toContain("# Opsgenie import report");
    expect(report).toContain("4 objects: 1 mapped, 1 partly mapped, 2 not mapped.");
    expect(report.indexOf("## Not mapped (2)")).toBeLessThan(report.indexOf("## Partly mapped (1)"));
    expect(report).toContain(
      "| notification rule | `nr-1` |  |  | personal rules \\| later | notification-rules.json |",
    );
  });
});
