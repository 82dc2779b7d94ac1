import { DEFAULT_TEST_INSTANT, testInstant } from "@firebreak/testkit/clock";
import { describe, expect, it } from "vitest";
import { pinnedClock } from "./clock";

describe("pinnedClock", () => {
  it("starts at the pinned instant and moves forward with real time, never back", async () => {
    const pinned = Date.parse("2026-03-29T01:30:00Z");
    const clock = pinnedClock("2026-03-29T01:30:00Z");
    const readings: number[] = [clock.now().getTime()];
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 5));
      readings.push(clock.now().getTime());
    }
    expect(readings[0]).toBeGreaterThanOrEqual(pinned);
    expect(readings.at(-1)!).toBeGreaterThan(pinned);
    // The pinned day, whatever the system's date.
    expect(new Date(readings.at(-1)!).toISOString().slice(0, 10)).toBe("2026-03-29");
    for (let i = 1; i < readings.length; i++) expect(readings[i]).toBeGreaterThanOrEqual(readings[i - 1]!);
  });

  it("takes a Date, an ISO string or epoch milliseconds, and refuses anything else", () => {
    const at = Date.parse("2026-11-01T06:30:00Z");
    for (const instant of [new Date(at), "2026-11-01T06:30:00Z", at]) {
      expect(pinnedClock(instant).now().getTime()).toBeGreaterThanOrEqual(at);
    }
    expect(() => pinnedClock("next Tuesday")).toThrow(RangeError);
  });
});

describe("testInstant (test support)", () => {
  it("is FIREBREAK_TEST_NOW when set, else the fixed default, never today", () => {
    expect(testInstant({ FIREBREAK_TEST_NOW: "2026-10-25T01:30:00Z" }).toISOString()).toBe(
      "2026-10-25T01:30:00.000Z",
    );
    expect(testInstant({}).toISOString()).toBe(new Date(DEFAULT_TEST_INSTANT).toISOString());
    expect(testInstant({ FIREBREAK_TEST_NOW: " " }).toISOString()).toBe(
      new Date(DEFAULT_TEST_INSTANT).toISOString(),
    );
    expect(() => testInstant({ FIREBREAK_TEST_NOW: "soon" })).toThrow(/FIREBREAK_TEST_NOW/);
  });
});
