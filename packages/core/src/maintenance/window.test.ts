import { ValidationError } from "@firebreak/core/shared/errors";
import { describe, expect, it } from "vitest";
import {
  type MaintenanceWindow,
  parseWindowDuration,
  planWindow,
  windowEnd,
  windowHolds,
  windowState,
} from "./window";

const NOW = new Date("2026-03-29T00:30:00.000Z"); // the night the EU clocks go forward

function windowOf(overrides: Partial<MaintenanceWindow> = {}): MaintenanceWindow {
  return {
    id: "01JWINDOW",
    number: 1,
    services: ["checkout"],
    from: "2026-03-29T00:00:00.000Z",
    to: "2026-03-29T02:00:00.000Z",
    reason: "database upgrade",
    createdBy: { type: "user", id: "alice", name: "Alice Moreau" },
    createdAt: "2026-03-28T23:00:00.000Z",
    ...overrides,
  };
}

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    planWindow(input, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error("expected a ValidationError");
}

describe("parseWindowDuration", () => {
  it("reads days, hours and minutes", () => {
    expect(parseWindowDuration("2h")).toBe(7_200_000);
    expect(parseWindowDuration("90m")).toBe(5_400_000);
    expect(parseWindowDuration("1h30m")).toBe(5_400_000);
    expect(parseWindowDuration("45min")).toBe(2_700_000);
    expect(parseWindowDuration("1d")).toBe(86_400_000);
    expect(parseWindowDuration(" 2H ")).toBe(7_200_000);
  });

  it("refuses what is not a duration", () => {
    for (const text of ["", "0m", "2", "h", "2 hours", "-1h", "1.5h", "2h garbage"])
      expect(parseWindowDuration(text), text).toBeUndefined();
  });
});

describe("planWindow", () => {
  it("starts now by default and ends after the duration (UTC instants, whatever the local clocks do)", () => {
    expect(
      planWindow({ services: ["Checkout", "checkout"], duration: "2h", reason: " deploy " }, NOW),
    ).toEqual({
      services: ["checkout"],
      from: "2026-03-29T00:30:00.000Z",
      to: "2026-03-29T02:30:00.000Z",
      reason: "deploy",
    });
  });

  it("takes from and to with offsets, and a team instead of services", () => {
    expect(
      planWindow(
        { team: "payments", from: "2026-03-29T03:00:00+02:00", to: "2026-03-29T05:00:00+02:00", reason: "r" },
        NOW,
      ),
    ).toEqual({
      services: [],
      team: "payments",
      from: "2026-03-29T01:00:00.000Z",
      to: "2026-03-29T03:00:00.000Z",
      reason: "r",
    });
  });

  it("names each problem by its field", () => {
    expect(issuesOf({ duration: "2h", reason: "x" })).toEqual([
      { path: "services", message: "name the services (services) or the team (team) the window is for" },
    ]);
    expect(
      issuesOf({ services: ["checkout"], duration: "2h", to: "2026-03-29T04:00:00Z", reason: "x" }),
    ).toEqual([{ path: "to", message: "give exactly one of to and duration" }]);
    expect(issuesOf({ services: ["checkout"], duration: "soon", reason: "x" })[0]?.path).toBe("duration");
    expect(issuesOf({ services: ["Check Out!"], duration: "2h", reason: "x" })[0]?.path).toBe("services[0]");
    expect(issuesOf({ services: ["checkout"], duration: "2h", reason: "  " })[0]?.path).toBe("reason");
    expect(issuesOf({ services: ["checkout"], to: "tomorrow", reason: "x" })[0]?.path).toBe("to");
    expect(
      issuesOf({ services: ["checkout"], duration: "2h", reason: "x", page: false })[0]?.message,
    ).toMatch(/page/);
  });

  it("refuses a window that is over, backwards or too long", () => {
    expect(issuesOf({ services: ["checkout"], to: "2026-03-29T00:00:00Z", reason: "x" })).toEqual([
      { path: "to", message: "must be after from" },
    ]);
    expect(
      issuesOf({
        services: ["checkout"],
        from: "2026-03-28T00:00:00Z",
        to: "2026-03-29T00:10:00Z",
        reason: "x",
      }),
    ).toEqual([{ path: "to", message: "must be in the future (now is 2026-03-29T00:30:00.000Z)" }]);
    expect(issuesOf({ services: ["checkout"], duration: "8d", reason: "x" })).toEqual([
      { path: "to", message: "a window lasts at most 7 days" },
    ]);
    expect(
      issuesOf({ services: ["checkout"], from: "2026-09-01T00:00:00Z", duration: "1h", reason: "x" }),
    ).toEqual([{ path: "from", message: "schedule at most 90 days ahead" }]);
  });
});

describe("windowState and windowHolds", () => {
  it("is scheduled, active, then ended; it holds only while active", () => {
    const w = windowOf();
    const alarm = { services: ["checkout"] };
    expect(windowState(w, new Date("2026-03-28T23:59:59.999Z"))).toBe("scheduled");
    expect(windowHolds(w, new Date("2026-03-28T23:59:59.999Z"), alarm)).toBe(false);
    expect(windowState(w, new Date("2026-03-29T00:00:00.000Z"))).toBe("active");
    expect(windowHolds(w, new Date("2026-03-29T01:59:59.999Z"), alarm)).toBe(true);
    expect(windowState(w, new Date("2026-03-29T02:00:00.000Z"))).toBe("ended");
    expect(windowHolds(w, new Date("2026-03-29T02:00:00.000Z"), alarm)).toBe(false);
  });

  it("holds the alarms of its services or its team, not others", () => {
    expect(windowHolds(windowOf(), NOW, { services: ["payments", "checkout"] })).toBe(true);
    expect(windowHolds(windowOf(), NOW, { services: ["payments"], team: "checkout" })).toBe(false);
    const team = windowOf({ services: [], team: "payments" });
    expect(windowHolds(team, NOW, { services: ["ledger"], team: "payments" })).toBe(true);
    expect(windowHolds(team, NOW, { services: ["ledger"] })).toBe(false);
  });

  it("ends when cancelled; cancelled before it began, it never held", () => {
    const cancelled = windowOf({ cancelledAt: "2026-03-29T00:20:00.000Z" });
    expect(windowEnd(cancelled)).toBe("2026-03-29T00:20:00.000Z");
    expect(windowState(cancelled, NOW)).toBe("ended");
    expect(windowHolds(cancelled, NOW, { services: ["checkout"] })).toBe(false);
    const early = windowOf({ cancelledAt: "2026-03-28T23:00:00.000Z" });
    expect(windowState(early, NOW)).toBe("cancelled");
    expect(windowEnd(windowOf({ cancelledAt: "2026-03-30T00:00:00.000Z" }))).toBe("2026-03-29T02:00:00.000Z");
  });
});
