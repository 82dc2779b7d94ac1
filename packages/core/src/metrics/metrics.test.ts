import { ValidationError } from "@firebreak/core/shared/errors";
import { describe, expect, it } from "vitest";
import { computeMetrics, isoWeekLabel, isoWeekStart } from "./metrics";
import { makeDoc } from "./test-support";

const DAY = 86_400;
const window = { since: new Date("2026-03-02T00:00:00Z"), until: new Date("2026-03-30T00:00:00Z") };

// Golden data, computed by hand below.
const A = makeDoc({
  id: "INC-1",
  impactStart: "2026-03-03T10:00:00.000Z",
  severity: "SEV2",
  services: ["checkout"],
  ttd: 120,
  tta: 180,
  ttm: 1800,
  ttr: 3600,
  generatedAt: "2026-03-03T12:00:00.000Z",
});
/** An older draft of A with other numbers: the newer draft wins. */
const A_OLD = makeDoc({
  id: "INC-1",
  impactStart: "2026-03-03T10:00:00.000Z",
  severity: "SEV2",
  services: ["checkout"],
  ttd: 9999,
  tta: 9999,
  ttm: 9999,
  ttr: 9999,
  generatedAt: "2026-03-03T11:00:00.000Z",
});
const B = makeDoc({
  id: "INC-2",
  impactStart: "2026-03-05T10:00:00.000Z",
  severity: "SEV1",
  services: ["checkout", "payments"],
  ttd: 60,
  tta: 60,
  ttm: 600,
  ttr: 1200,
});
/** Human-declared (TTD null) and never mitigated (TTM null). */
const C = makeDoc({
  id: "INC-3",
  impactStart: "2026-03-17T12:00:00.000Z",
  severity: "SEV2",
  services: ["payments"],
  ttd: null,
  tta: 300,
  ttm: null,
  ttr: 2400,
});
/** Just before the window, and exactly at its (exclusive) end: both out. */
const BEFORE = makeDoc({ id: "INC-4", impactStart: "2026-03-01T23:59:59.999Z" });
const AT_END = makeDoc({ id: "INC-5", impactStart: "2026-03-30T00:00:00.000Z" });

const docs = [BEFORE, A_OLD, C, A, AT_END, B];

const empty = (key: string) => ({
  key,
  count: 0,
  mttd: null,
  mtta: null,
  mttm: null,
  mttr: null,
  mtbf: null,
});

describe("computeMetrics: golden cases", () => {
  const report = computeMetrics(docs, { window });

  it("counts incidents whose impact starts in [since, until), one per incident (the latest draft)", () => {
    expect(report.window).toEqual({ since: "2026-03-02T00:00:00.000Z", until: "2026-03-30T00:00:00.000Z" });
    expect(report.service).toBeNull();
    expect(report.overall).toEqual({
      key: "all",
      count: 3,
      mttd: 90, // (120 + 60) / 2; C's null is ignored
      mtta: 180, // (180 + 60 + 300) / 3
      mttm: 1200, // (1800 + 600) / 2
      mttr: 2400, // (3600 + 1200 + 2400) / 3
      mtbf: (14 * DAY + 7200) / 2, // Mar 3 10:00 → Mar 17 12:00, two gaps
    });
  });

  it("groups by service: an incident with two services counts in both", () => {
    expect(report.byService).toEqual([
      { key: "checkout", count: 2, mttd: 90, mtta: 120, mttm: 1200, mttr: 2400, mtbf: 2 * DAY },
      { key: "payments", count: 2, mttd: 60, mtta: 180, mttm: 600, mttr: 1800, mtbf: 12 * DAY + 7200 },
    ]);
  });

  it("groups by severity, listing every severity", () => {
    expect(report.bySeverity).toEqual([
      { key: "SEV1", count: 1, mttd: 60, mtta: 60, mttm: 600, mttr: 1200, mtbf: null },
      { key: "SEV2", count: 2, mttd: 120, mtta: 240, mttm: 1800, mttr: 3000, mtbf: 14 * DAY + 7200 },
      empty("SEV3"),
      empty("SEV4"),
      empty("SEV5"),
    ]);
  });

  it("has a weekly trend over ISO weeks (Monday, UTC), empty weeks included", () => {
    expect(report.weekly.map(({ week, weekStart, count }) => ({ week, weekStart, count }))).toEqual([
      { week: "2026-W10", weekStart: "2026-03-02", count: 2 },
      { week: "2026-W11", weekStart: "2026-03-09", count: 0 },
      { week: "2026-W12", weekStart: "2026-03-16", count: 1 },
      { week: "2026-W13", weekStart: "2026-03-23", count: 0 },
    ]);
  });

  it("gives each week its own figures, overall and per service: one request draws the trend", () => {
    const [w10, w11, w12] = report.weekly;
    // The week's figures are the same as a report of that week alone.
    const alone = computeMetrics(docs, {
      window: { since: new Date("2026-03-02T00:00:00Z"), until: new Date("2026-03-09T00:00:00Z") },
    });
    expect(w10!.overall).toEqual(alone.overall);
    expect(w10!.byService).toEqual(alone.byService);
    expect(w11!.byService).toEqual([empty("checkout"), empty("payments")]);
    expect(w12!.byService.map((g) => [g.key, g.count])).toEqual([
      ["checkout", 0],
      ["payments", 1],
    ]);
  });

  it("filters by service", () => {
    const payments = computeMetrics(docs, { window, service: "payments" });
    expect(payments.service).toBe("payments");
    expect(payments.overall).toMatchObject({ count: 2, mttd: 60, mtta: 180, mttr: 1800 });
    expect(payments.byService.map((g) => g.key)).toEqual(["payments"]);
    expect(payments.bySeverity.map((g) => g.count)).toEqual([1, 1, 0, 0, 0]);
    expect(payments.weekly.map((w) => w.count)).toEqual([1, 0, 1, 0]);
  });

  it("an empty window gives zero counts and null means, every week listed", () => {
    const none = computeMetrics([], { window });
    expect(none.overall).toEqual(empty("all"));
    expect(none.byService).toEqual([]);
    expect(none.bySeverity).toEqual(["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"].map(empty));
    expect(none.weekly.map((w) => w.count)).toEqual([0, 0, 0, 0]);
    // A filter for a service with no incidents still lists it.
    expect(computeMetrics(docs, { window, service: "search" }).byService).toEqual([empty("search")]);
  });

  it("a single incident has no MTBF", () => {
    const one = computeMetrics([A], { window });
    expect(one.overall).toEqual({
      key: "all",
      count: 1,
      mttd: 120,
      mtta: 180,
      mttm: 1800,
      mttr: 3600,
      mtbf: null,
    });
  });

  it("rounds means to the millisecond", () => {
    const thirds = computeMetrics(
      [
        makeDoc({ id: "INC-7", impactStart: "2026-03-03T00:00:00.000Z", tta: 1 }),
        makeDoc({ id: "INC-8", impactStart: "2026-03-04T00:00:00.000Z", tta: 1 }),
        makeDoc({ id: "INC-9", impactStart: "2026-03-05T00:00:00.000Z", tta: 2 }),
      ],
      { window },
    );
    expect(thirds.overall.mtta).toBe(1.333);
  });
});

describe("computeMetrics: windows and weeks", () => {
  it("lists the partial first and last weeks of an unaligned window", () => {
    const report = computeMetrics(docs, {
      window: { since: new Date("2026-03-04T12:00:00Z"), until: new Date("2026-03-10T00:00:00Z") },
    });
    expect(report.overall.count).toBe(1); // B only
    expect(report.weekly.map(({ week, weekStart, count }) => ({ week, weekStart, count }))).toEqual([
      { week: "2026-W10", weekStart: "2026-03-02", count: 1 },
      { week: "2026-W11", weekStart: "2026-03-09", count: 0 },
    ]);
  });

  it("rejects a window that ends before it starts, or invalid dates", () => {
    expect(() => computeMetrics(docs, { window: { since: window.until, until: window.since } })).toThrow(
      ValidationError,
    );
    expect(() => computeMetrics(docs, { window: { since: new Date("x"), until: window.until } })).toThrow(
      ValidationError,
    );
  });

  it.each([
    ["2025-12-29T00:00:00Z", "2026-W01"], // ISO week 1 of 2026 starts in 2025
    ["2026-12-28T00:00:00Z", "2026-W53"], // 2026 has 53 ISO weeks
    ["2027-01-04T00:00:00Z", "2027-W01"],
    ["2021-01-04T00:00:00Z", "2021-W01"],
    ["2021-01-01T00:00:00Z", "2020-W53"], // a Friday: its Monday is 2020-12-28
  ])("ISO week of %s is %s", (instant, label) => {
    expect(isoWeekLabel(isoWeekStart(Date.parse(instant)))).toBe(label);
  });

  it("weeks start on Monday 00:00 UTC", () => {
    expect(new Date(isoWeekStart(Date.parse("2026-03-08T23:59:59.999Z"))).toISOString()).toBe(
      "2026-03-02T00:00:00.000Z",
    );
    expect(new Date(isoWeekStart(Date.parse("2026-03-09T00:00:00.000Z"))).toISOString()).toBe(
      "2026-03-09T00:00:00.000Z",
    );
  });
});

describe("computeMetrics: an implausible duration never goes in", () => {
  it("a stored draft whose alarm was replayed a year later counts from detection, without a TTD", () => {
    const window = { since: new Date("2026-03-01T00:00:00Z"), until: new Date("2026-04-01T00:00:00Z") };
    const year = 365 * 86_400;
    const report = computeMetrics(
      [
        makeDoc({ id: "A1", impactStart: "2026-03-02T10:00:00.000Z", ttd: 60, ttm: 600, ttr: 1800 }),
        makeDoc({
          id: "A2",
          impactStart: "2026-03-03T10:00:00.000Z",
          ttd: year,
          ttm: year + 300,
          ttr: year + 900,
        }),
      ],
      { window },
    );
    expect(report.overall).toMatchObject({ count: 2, mttd: 60, mttm: 450, mttr: 1350 });
  });
});

describe("computeMetrics: MTTR split by release involvement", () => {
  const split = [
    makeDoc({ id: "INC-11", impactStart: "2026-03-03T10:00:00.000Z", release: "yes", ttr: 3600 }),
    makeDoc({ id: "INC-12", impactStart: "2026-03-04T10:00:00.000Z", release: "suspected", ttr: 5400 }),
    makeDoc({ id: "INC-13", impactStart: "2026-03-05T10:00:00.000Z", release: "suspected", ttr: 1800 }),
    makeDoc({ id: "INC-14", impactStart: "2026-03-06T10:00:00.000Z", release: "no", ttr: 600 }),
    makeDoc({ id: "INC-15", impactStart: "2026-03-07T10:00:00.000Z", ttr: 1200 }),
  ];

  it("groups v1 (yes, no, unknown) and v2 (suspected) documents by their release_involved value", () => {
    expect(split[1]!.schema_version).toBe(2);
    const report = computeMetrics(split, { window });
    expect(report.byRelease.map((g) => [g.key, g.count, g.mttr])).toEqual([
      ["yes", 1, 3600],
      ["suspected", 2, 3600], // (5400 + 1800) / 2
      ["no", 1, 600],
      ["unknown", 1, 1200],
    ]);
    expect(report.overall.count).toBe(5);
  });

  it("lists every value, empty ones with count 0, and follows the service filter", () => {
    expect(computeMetrics([], { window }).byRelease).toEqual(
      ["yes", "suspected", "no", "unknown"].map((key) => empty(key)),
    );
    const payments = makeDoc({
      id: "INC-16",
      impactStart: "2026-03-08T10:00:00.000Z",
      services: ["payments"],
      release: "suspected",
      ttr: 900,
    });
    const report = computeMetrics([...split, payments], { window, service: "payments" });
    expect(report.byRelease.map((g) => [g.key, g.count, g.mttr])).toEqual([
      ["yes", 0, null],
      ["suspected", 1, 900],
      ["no", 0, null],
      ["unknown", 0, null],
    ]);
  });

  it("the latest draft's value counts: a suspicion later confirmed as yes is yes", () => {
    const suspected = makeDoc({
      id: "INC-17",
      impactStart: "2026-03-09T10:00:00.000Z",
      release: "suspected",
      generatedAt: "2026-03-09T12:00:00.000Z",
    });
    const confirmed = makeDoc({
      id: "INC-17",
      impactStart: "2026-03-09T10:00:00.000Z",
      release: "yes",
      generatedAt: "2026-03-09T13:00:00.000Z",
    });
    const report = computeMetrics([suspected, confirmed], { window });
    expect(report.byRelease.find((g) => g.key === "yes")?.count).toBe(1);
    expect(report.byRelease.find((g) => g.key === "suspected")?.count).toBe(0);
  });
});
