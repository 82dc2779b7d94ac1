import { ValidationError } from "@firebreak/core/shared/errors";
import { describe, expect, it } from "vitest";
import { type BudgetIncident, budgetIncidentOfPostmortem, computeBudget, sloServices } from "./budget";
import { makeDoc } from "./test-support";

const NOW = new Date("2026-03-31T00:00:00.000Z");
const SINCE = "2026-03-01T00:00:00.000Z"; // NOW − 30 days
const SLO = { target: 0.999, windowDays: 30 };

const inc = (id: string, start: string, end: string | null, services = ["checkout"]): BudgetIncident => ({
  id,
  key: `INC-${id}`,
  title: `incident ${id}`,
  services,
  impactStart: start,
  impactEnd: end,
});

describe("computeBudget", () => {
  it("99.9% over 30 days is 43.2 minutes; an incident takes its impact minutes", () => {
    const b = computeBudget({
      service: "checkout",
      team: "payments",
      slo: SLO,
      now: NOW,
      incidents: [
        inc("a", "2026-03-10T10:00:00.000Z", "2026-03-10T10:12:00.000Z"),
        inc("other", "2026-03-10T10:00:00.000Z", "2026-03-10T11:00:00.000Z", ["search"]),
      ],
    });
    expect(b.budgetMinutes).toBe(43.2);
    expect(b.window).toEqual({ since: SINCE, until: NOW.toISOString() });
    expect(b.consumedMinutes).toBe(12);
    expect(b.remainingMinutes).toBe(31.2);
    expect(b.percentConsumed).toBe(27.7778);
    expect(b.team).toBe("payments");
    expect(b.incidents).toEqual([
      {
        id: "a",
        key: "INC-a",
        title: "incident a",
        start: "2026-03-10T10:00:00.000Z",
        end: "2026-03-10T10:12:00.000Z",
        open: false,
        clipped: false,
        minutes: 12,
      },
    ]);
    expect(b.burndown).toEqual([
      { at: SINCE, remainingMinutes: 43.2 },
      { at: "2026-03-10T10:00:00.000Z", remainingMinutes: 43.2, incident: "a" },
      { at: "2026-03-10T10:12:00.000Z", remainingMinutes: 31.2, incident: "a" },
      { at: NOW.toISOString(), remainingMinutes: 31.2 },
    ]);
  });

  it("an incident that straddles the window start counts only its part inside", () => {
    const b = computeBudget({
      service: "checkout",
      slo: SLO,
      now: NOW,
      incidents: [inc("s", "2026-02-28T23:50:00.000Z", "2026-03-01T00:05:00.000Z")],
    });
    expect(b.consumedMinutes).toBe(5);
    expect(b.incidents[0]).toMatchObject({ start: SINCE, clipped: true, minutes: 5 });
    // Wholly before the window: nothing.
    const before = computeBudget({
      service: "checkout",
      slo: SLO,
      now: NOW,
      incidents: [inc("old", "2026-02-01T00:00:00.000Z", "2026-02-01T01:00:00.000Z")],
    });
    expect(before.consumedMinutes).toBe(0);
    expect(before.incidents).toEqual([]);
  });

  it("an open incident counts up to now", () => {
    const b = computeBudget({
      service: "checkout",
      slo: SLO,
      now: NOW,
      incidents: [inc("o", "2026-03-30T23:30:00.000Z", null)],
    });
    expect(b.consumedMinutes).toBe(30);
    expect(b.incidents[0]).toMatchObject({ open: true, end: NOW.toISOString(), minutes: 30 });
    expect(b.burndown.at(-1)).toEqual({ at: NOW.toISOString(), remainingMinutes: 13.2, incident: "o" });
  });

  it("overlapping incidents of the same service count the overlap once", () => {
    const b = computeBudget({
      service: "checkout",
      slo: SLO,
      now: NOW,
      incidents: [
        inc("late", "2026-03-10T10:10:00.000Z", "2026-03-10T10:30:00.000Z"),
        inc("early", "2026-03-10T10:00:00.000Z", "2026-03-10T10:20:00.000Z"),
        inc("inside", "2026-03-10T10:05:00.000Z", "2026-03-10T10:15:00.000Z"),
        inc("early", "2026-03-10T10:00:00.000Z", "2026-03-10T10:20:00.000Z"), // the same incident twice
      ],
    });
    expect(b.consumedMinutes).toBe(30);
    expect(b.incidents.map((i) => [i.id, i.minutes])).toEqual([
      ["early", 20],
      ["inside", 0],
      ["late", 10],
    ]);
    expect(b.remainingMinutes).toBe(13.2);
    // The burn-down only goes down, in time order.
    const ats = b.burndown.map((p) => Date.parse(p.at));
    expect([...ats].sort((x, y) => x - y)).toEqual(ats);
    const rem = b.burndown.map((p) => p.remainingMinutes);
    expect([...rem].sort((x, y) => y - x)).toEqual(rem);
  });

  it("overspent: remaining goes negative and the percentage over 100", () => {
    const b = computeBudget({
      service: "checkout",
      slo: SLO,
      now: NOW,
      incidents: [inc("big", "2026-03-10T10:00:00.000Z", "2026-03-10T11:00:00.000Z")],
    });
    expect(b.remainingMinutes).toBe(-16.8);
    expect(b.percentConsumed).toBe(138.8889);
  });

  it("a service without an SLO has no budget, and says so", () => {
    const b = computeBudget({ service: "search", slo: undefined, now: NOW, incidents: [] });
    expect(b.slo).toBeNull();
    expect(b.budgetMinutes).toBeNull();
    expect(b.remainingMinutes).toBeNull();
    expect(b.note).toBe("no SLO is declared for search in the on-call directory, so it has no error budget");
  });

  it("rejects bad input and skips unreadable incidents", () => {
    expect(() =>
      computeBudget({ service: "checkout", slo: SLO, now: new Date("nope"), incidents: [] }),
    ).toThrow(ValidationError);
    expect(() =>
      computeBudget({ service: "checkout", slo: { target: 1, windowDays: 30 }, now: NOW, incidents: [] }),
    ).toThrow(/slo.target/);
    expect(() =>
      computeBudget({ service: "checkout", slo: { target: 0.99, windowDays: 0 }, now: NOW, incidents: [] }),
    ).toThrow(/slo.windowDays/);
    expect(() => computeBudget({ service: "", slo: SLO, now: NOW, incidents: [] })).toThrow(/service/);
    const b = computeBudget({
      service: "checkout",
      slo: SLO,
      now: NOW,
      incidents: [
        inc("bad", "not a date", null),
        inc("backwards", "2026-03-10T10:00:00.000Z", "2026-03-10T09:00:00.000Z"),
      ],
    });
    expect(b.consumedMinutes).toBe(0);
    expect(b.incidents).toEqual([]);
  });
});

describe("budgetIncidentOfPostmortem", () => {
  it("ends the impact at mitigation, else resolution, as the draft's error_budget does", () => {
    const mitigated = makeDoc({ id: "01A", impactStart: "2026-03-10T10:00:00.000Z", ttm: 600, ttr: 1800 });
    expect(budgetIncidentOfPostmortem(mitigated)).toMatchObject({
      id: "01A",
      key: "INC-1",
      services: ["checkout"],
      impactStart: "2026-03-10T10:00:00.000Z",
      impactEnd: "2026-03-10T10:10:00.000Z",
    });
    const resolvedOnly = makeDoc({
      id: "01B",
      impactStart: "2026-03-10T10:00:00.000Z",
      ttm: null,
      ttr: 1800,
    });
    expect(budgetIncidentOfPostmortem(resolvedOnly).impactEnd).toBe("2026-03-10T10:30:00.000Z");
  });
});

describe("sloServices", () => {
  it("lists every service with an SLO, with its team, in id order", () => {
    expect(
      sloServices([
        { id: "payments", slo: { web: SLO, checkout: { target: 0.99, windowDays: 7 } } },
        { id: "search" },
      ]),
    ).toEqual([
      { service: "checkout", team: "payments", slo: { target: 0.99, windowDays: 7 } },
      { service: "web", team: "payments", slo: SLO },
    ]);
  });
});
