import { describe, expect, it } from "vitest";
import {
  applyFilters,
  compareIncidents,
  describeChanges,
  formatAge,
  formatDuration,
  formatTime,
  incidentAge,
  needsAttention,
} from "./format";
import type { IncidentView } from "./types";

function incident(patch: Partial<IncidentView>): IncidentView {
  return {
    id: "01J00000000000000000000000",
    key: "INC-1",
    number: 1,
    title: "Checkout errors",
    severity: "SEV3",
    status: "declared",
    services: ["checkout"],
    source: "alarm",
    alarm: null,
    flapping: false,
    createdAt: "2026-11-22T06:00:00.000Z",
    updatedAt: "2026-11-22T06:00:00.000Z",
    version: 1,
    ...patch,
  };
}

describe("incident list ordering and filters", () => {
  it("sorts by severity, then the oldest first", () => {
    const items = [
      incident({ key: "INC-1", number: 1, severity: "SEV3", createdAt: "2026-11-22T05:00:00Z" }),
      incident({ key: "INC-2", number: 2, severity: "SEV1", createdAt: "2026-11-22T06:00:00Z" }),
      incident({ key: "INC-3", number: 3, severity: "SEV1", createdAt: "2026-11-22T04:00:00Z" }),
      incident({ key: "INC-4", number: 4, severity: "SEV2", createdAt: "2026-11-22T03:00:00Z" }),
    ];
    expect([...items].sort(compareIncidents).map((i) => i.key)).toEqual(["INC-3", "INC-2", "INC-4", "INC-1"]);
  });

  it("puts unacknowledged high-urgency incidents first: an escalating SEV2 above an acknowledged SEV1", () => {
    const items = [
      incident({ key: "INC-1", number: 1, severity: "SEV1", status: "acknowledged" }),
      incident({ key: "INC-2", number: 2, severity: "SEV4", status: "declared" }),
      incident({ key: "INC-3", number: 3, severity: "SEV2", status: "declared" }),
      incident({ key: "INC-4", number: 4, severity: "SEV1", status: "mitigated" }),
      incident({
        key: "INC-5",
        number: 5,
        severity: "SEV1",
        status: "declared",
        createdAt: "2026-11-22T07:00:00Z",
      }),
    ];
    expect([...items].sort(compareIncidents).map((i) => i.key)).toEqual([
      "INC-5",
      "INC-3",
      "INC-1",
      "INC-4",
      "INC-2",
    ]);
    expect(items.filter(needsAttention).map((i) => i.key)).toEqual(["INC-3", "INC-5"]);
  });

  it("filters by severity, status, service and text (title, key, alarm name)", () => {
    const items = [
      incident({ key: "INC-1", number: 1, severity: "SEV1", services: ["api"] }),
      incident({
        key: "INC-2",
        number: 2,
        status: "acknowledged",
        alarm: { name: "db-cpu", arn: "a", account: "1", region: "eu-west-1" },
      }),
    ];
    const none = { severity: "", status: "", service: "", text: "" };
    expect(applyFilters(items, { ...none, severity: "SEV1" }).map((i) => i.key)).toEqual(["INC-1"]);
    expect(applyFilters(items, { ...none, status: "acknowledged" }).map((i) => i.key)).toEqual(["INC-2"]);
    expect(applyFilters(items, { ...none, service: "api" }).map((i) => i.key)).toEqual(["INC-1"]);
    expect(applyFilters(items, { ...none, text: "DB-CPU" }).map((i) => i.key)).toEqual(["INC-2"]);
    expect(applyFilters(items, { ...none, text: "inc-1" }).map((i) => i.key)).toEqual(["INC-1"]);
  });
});

describe("formatting", () => {
  it("shows a compact, ticking age", () => {
    const start = "2026-11-22T06:00:00.000Z";
    const at = (s: number) => Date.parse(start) + s * 1000;
    expect(formatAge(start, at(42))).toBe("42s");
    expect(formatAge(start, at(5 * 60 + 3))).toBe("5m 03s");
    expect(formatAge(start, at(3 * 3600 + 7 * 60))).toBe("3h 07m");
    expect(formatAge(start, at(2 * 86400 + 4 * 3600))).toBe("2d 4h");
    expect(formatAge(start, at(-5))).toBe("0s");
  });

  it("formats durations in seconds, and a missing mean as a dash", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(45)).toBe("45s");
    expect(formatDuration(720)).toBe("12m");
    expect(formatDuration(9000)).toBe("2h 30m");
    expect(formatDuration(2 * 86400)).toBe("2d");
  });
});

describe("describeChanges (after a 409 conflict)", () => {
  it("names the status, severity and role changes", () => {
    const before = incident({ version: 2 });
    const after = incident({
      version: 4,
      status: "acknowledged",
      severity: "SEV2",
      roles: { ic: { personId: "alice", personName: "Alice", assignedAt: "2026-11-22T06:01:00Z" } },
    });
    expect(describeChanges(before, after)).toEqual([
      "status declared → acknowledged",
      "severity SEV3 → SEV2",
      "IC nobody → Alice",
    ]);
  });

  it("falls back to the version when nothing visible changed", () => {
    expect(describeChanges(incident({ version: 2 }), incident({ version: 3 }))).toEqual([
      "updated (version 2 → 3)",
    ]);
  });
});

describe("times and ages people read", () => {
  it("a time names its zone; a resolved incident stops aging at its resolution", () => {
    expect(formatTime("2026-03-29T01:30:00.000Z")).toMatch(/(UTC|GMT|[A-Z]{2,5}|GMT[+-]\d+)$/);
    expect(formatTime("not a time")).toBe("not a time");
    // The UTC toggle: the same instant on the UTC clock, labelled UTC, whatever the viewer's zone.
    const utc = formatTime("2026-03-29T01:30:00.000Z", "utc");
    expect(utc).toMatch(/01:30:00/);
    expect(utc).toMatch(/UTC$/);
    const now = Date.parse("2026-11-22T12:00:00.000Z");
    expect(incidentAge({ createdAt: "2026-11-22T06:00:00.000Z" }, now)).toBe("6h 00m");
    expect(
      incidentAge({ createdAt: "2026-11-22T06:00:00.000Z", resolvedAt: "2026-11-22T06:45:10.000Z" }, now),
    ).toBe("45m 10s");
  });
});
