import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDirectoryYaml } from "./directory-yaml";
import { formatOnCallSummary, onCallSummary } from "./show";

const EXAMPLE = readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8");
const directory = parseDirectoryYaml(EXAMPLE);
// Tuesday 2026-03-17 12:00Z: dana covers checkout primary by override until the 18th 09:00Z,
// alice is checkout secondary, liam is on the comms rotation (day 71).
const NOW = new Date("2026-03-17T12:00:00Z");

describe("onCallSummary", () => {
  const summary = onCallSummary(directory, NOW);
  const row = (service: string, account?: string) =>
    summary.rows.find((r) => r.service === service && r.account === account);

  it("has one row per service ownership, account-scoped ones per account, sorted", () => {
    expect(summary.rows.map((r) => [r.service, r.account ?? "all", r.team])).toEqual([
      ["cart", "all", "checkout"],
      ["checkout", "all", "checkout"],
      ["ci", "all", "platform"],
      ["dns", "all", "platform"],
      ["ledger", "all", "platform"],
      ["ledger", "210987654321", "payments"],
      ["network", "all", "platform"],
      ["payments", "all", "payments"],
      ["refunds", "all", "payments"],
      ["search", "all", "search"],
    ]);
    expect(summary.at).toBe(NOW.toISOString());
    expect(summary.directoryDefaultTeam).toBe("platform");
  });

  it("gives IC (level 1, with an override), level 2 and comms with their shift ends", () => {
    expect(row("checkout")).toMatchObject({
      ic: { id: "dana", source: "override", until: "2026-03-18T09:00:00.000Z" },
      level2: { id: "alice", source: "rotation" },
      comms: { id: "liam", source: "rotation" },
      flags: [],
    });
    expect(row("checkout")?.comms?.until).toBeDefined();
  });

  it("flags what the pager would flag: no comms rotation, nobody on an empty rotation", () => {
    const payments = row("payments")!;
    expect(payments.ic?.id).toBeDefined();
    expect(payments.level2).toMatchObject({ id: "maria" });
    expect(payments.comms).toBeUndefined();
    expect(payments.flags).toContain("comms_unassigned");
    const search = row("search")!;
    expect(search.ic).toBeUndefined();
    expect(search.flags).toEqual(expect.arrayContaining(["no_ic", "no_ops", "comms_unassigned"]));
  });

  it("agrees with the per-account lookup: ledger in 210987654321 is payments', elsewhere platform's", () => {
    expect(row("ledger", "210987654321")?.team).toBe("payments");
    expect(row("ledger")?.team).toBe("platform");
  });

  it("formats a table with a row per service and the notes", () => {
    const text = formatOnCallSummary(summary);
    const lines = text.split("\n");
    expect(lines[0]).toBe("On call at 2026-03-17T12:00:00.000Z");
    expect(lines[2]).toMatch(/^SERVICE\s+ACCOUNT\s+TEAM\s+IC \/ LEVEL 1\s+LEVEL 2\s+COMMS$/);
    const checkout = lines.find((l) => l.startsWith("checkout "));
    expect(checkout).toMatch(
      /checkout\s+all\s+checkout\s+Dana Fischer \(dana\) \(override\) until 2026-03-18 09:00Z\s+Alice Moreau \(alice\).*Liam Brooks \(liam\)/,
    );
    expect(lines.find((l) => l.startsWith("search "))).toMatch(/nobody\s+nobody\s+unassigned$/);
    expect(text).toContain('  payments: comms: team "payments" has no comms rotation');
    expect(text).toContain('owned by the default team "platform"');
  });

  it("says each team's urgency: what pages at once and what waits for working hours", () => {
    const checkout = summary.urgency.find((u) => u.team === "checkout")!;
    expect(checkout.urgency.high).toEqual(["SEV1", "SEV2"]);
    const text = formatOnCallSummary(summary);
    expect(text).toContain(
      "  checkout: high SEV1, SEV2 (every channel at once, escalates); low SEV3, SEV4, SEV5 (Slack at once, SMS 15 min later within mon,tue,wed,thu,fri 09:00–17:30 Europe/London; no escalation)",
    );
    // payments states none: the default working hours, in its first rotation's zone.
    expect(text).toContain(
      "  payments: high SEV1, SEV2 (every channel at once, escalates); low SEV3, SEV4, SEV5 (Slack at once, SMS 15 min later within mon,tue,wed,thu,fri 09:00–17:00 America/Chicago; no escalation)",
    );
  });
});
