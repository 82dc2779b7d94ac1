import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  isValidTimeZone,
  offsetMsAt,
  parseLocalDate,
  parseLocalTime,
  wallTimeAt,
  zonedTimeToInstant,
} from "./tz";

const at = (zone: string, date: string, time: string) => {
  const d = parseLocalDate(date)!;
  const t = parseLocalTime(time)!;
  const r = zonedTimeToInstant(zone, d, t);
  return { iso: r.instant.toISOString(), resolution: r.resolution };
};

describe("zonedTimeToInstant", () => {
  it.each([
    // zone, local date, local time, instant, resolution
    ["Europe/London", "2026-01-15", "09:00", "2026-01-15T09:00:00.000Z", "exact"],
    ["Europe/London", "2026-07-15", "09:00", "2026-07-15T08:00:00.000Z", "exact"],
    ["America/New_York", "2026-03-07", "09:00", "2026-03-07T14:00:00.000Z", "exact"],
    ["America/New_York", "2026-03-08", "09:00", "2026-03-08T13:00:00.000Z", "exact"],
    ["Asia/Kathmandu", "2026-01-01", "00:00", "2025-12-31T18:15:00.000Z", "exact"],
    ["UTC", "2026-06-01", "23:59", "2026-06-01T23:59:00.000Z", "exact"],
  ])("%s %s %s → %s", (zone, date, time, iso, resolution) => {
    expect(at(zone, date, time)).toEqual({ iso, resolution });
  });

  it("resolves a time in the spring-forward gap to the transition instant (the first valid instant after)", () => {
    // New York 2026-03-08: 02:00 EST → 03:00 EDT. 02:30 never happens; 03:00 EDT is 07:00Z.
    expect(at("America/New_York", "2026-03-08", "02:30")).toEqual({
      iso: "2026-03-08T07:00:00.000Z",
      resolution: "gap",
    });
    expect(at("America/New_York", "2026-03-08", "02:00")).toEqual({
      iso: "2026-03-08T07:00:00.000Z",
      resolution: "gap",
    });
    // London 2026-03-29: 01:00 GMT → 02:00 BST at 01:00Z.
    expect(at("Europe/London", "2026-03-29", "01:30")).toEqual({
      iso: "2026-03-29T01:00:00.000Z",
      resolution: "gap",
    });
    // Lord Howe moves by 30 minutes: 02:00 → 02:30 local (+10:30 → +11).
    expect(at("Australia/Lord_Howe", "2026-10-04", "02:15")).toEqual({
      iso: "2026-10-03T15:30:00.000Z",
      resolution: "gap",
    });
    // Samoa skipped 2011-12-30 entirely: 09:00 that day → the first instant of 12-31.
    expect(at("Pacific/Apia", "2011-12-30", "09:00")).toEqual({
      iso: "2011-12-30T10:00:00.000Z",
      resolution: "gap",
    });
  });

  it("resolves a time in the fall-back overlap to the earlier instant", () => {
    // New York 2026-11-01: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    expect(at("America/New_York", "2026-11-01", "01:30")).toEqual({
      iso: "2026-11-01T05:30:00.000Z",
      resolution: "overlap",
    });
    expect(at("Europe/London", "2026-10-25", "01:30")).toEqual({
      iso: "2026-10-25T00:30:00.000Z",
      resolution: "overlap",
    });
  });

  it("round-trips through wallTimeAt for any exact wall-clock time, in every zone we care about", () => {
    const zones = [
      "Europe/London",
      "America/New_York",
      "Australia/Lord_Howe",
      "Asia/Kolkata",
      "America/Sao_Paulo",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 365 * 40 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (zone, days, hour, minute) => {
          const date = addDays({ year: 2000, month: 1, day: 1 }, days);
          const { instant, resolution } = zonedTimeToInstant(zone, date, { hour, minute });
          const wall = wallTimeAt(zone, instant);
          if (resolution === "gap") {
            // The transition instant: the wall clock is past the asked-for time, and a second earlier it was before it.
            const before = wallTimeAt(zone, instant.getTime() - 1000);
            const asked = date.year * 1e8 + date.month * 1e6 + date.day * 1e4 + hour * 100 + minute;
            const key = (w: typeof wall) =>
              w.year * 1e8 + w.month * 1e6 + w.day * 1e4 + w.hour * 100 + w.minute;
            expect(key(wall)).toBeGreaterThan(asked);
            expect(key(before)).toBeLessThan(asked);
          } else {
            expect(wall).toEqual({ ...date, hour, minute, second: 0 });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("zone helpers", () => {
  it("accepts IANA names ICU knows, and nothing else", () => {
    expect(isValidTimeZone("Europe/London")).toBe(true);
    expect(isValidTimeZone("America/Argentina/Buenos_Aires")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Etc/GMT+5")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimeZone("+01:00")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
    expect(isValidTimeZone("Europe/London ")).toBe(false);
  });

  it("computes offsets, including half- and quarter-hour zones", () => {
    const jan = new Date("2026-01-15T12:00:00Z");
    expect(offsetMsAt("Europe/London", jan)).toBe(0);
    expect(offsetMsAt("America/New_York", jan)).toBe(-5 * 3_600_000);
    expect(offsetMsAt("Asia/Kolkata", jan)).toBe(5.5 * 3_600_000);
    expect(offsetMsAt("Asia/Kathmandu", jan)).toBe(5.75 * 3_600_000);
  });

  it("parses local dates and times strictly", () => {
    expect(parseLocalDate("2026-02-28")).toEqual({ year: 2026, month: 2, day: 28 });
    expect(parseLocalDate("2026-02-29")).toBeUndefined();
    expect(parseLocalDate("2026-2-1")).toBeUndefined();
    expect(parseLocalTime("23:59")).toEqual({ hour: 23, minute: 59 });
    expect(parseLocalTime("24:00")).toBeUndefined();
    expect(parseLocalTime("9:00")).toBeUndefined();
  });
});
