import * as z from "@firebreak/core/shared/zod";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_URGENCY,
  formatWorkingTime,
  heldUntil,
  isWorkingTime,
  nextWorkingTime,
  type UrgencyRules,
  urgencyOf,
  urgencyPolicySchema,
  urgencyRulesOf,
  type WorkingHours,
  workingHoursOf,
  workingHoursSchema,
} from "./urgency";

const LONDON: WorkingHours = {
  timezone: "Europe/London",
  days: ["mon", "tue", "wed", "thu", "fri"],
  from: "09:00",
  to: "17:30",
};
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe("urgency of a severity", () => {
  it("is high for SEV1–SEV2 and low for SEV3–SEV5 by default", () => {
    const rules = DEFAULT_URGENCY;
    expect(["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"].map((s) => urgencyOf(rules, s as never))).toEqual([
      "high",
      "high",
      "low",
      "low",
      "low",
    ]);
  });

  it("follows the policy's list, and an escalation without rules (started before urgencies) is high", () => {
    expect(urgencyOf({ high: ["SEV1", "SEV2", "SEV3"] }, "SEV3")).toBe("high");
    expect(urgencyOf({ high: ["SEV1"] }, "SEV2")).toBe("low");
    expect(urgencyOf(undefined, "SEV5")).toBe("high");
  });

  it("resolves the policy's rules with the team's working hours, or the defaults", () => {
    const team = { rotations: [{ timezone: "America/Chicago" }] };
    expect(urgencyRulesOf({}, team)).toEqual({
      high: ["SEV1", "SEV2"],
      lowSmsDelayMinutes: 15,
      workingHours: {
        timezone: "America/Chicago",
        days: ["mon", "tue", "wed", "thu", "fri"],
        from: "09:00",
        to: "17:00",
      },
    });
    expect(workingHoursOf({ rotations: [] }).timezone).toBe("UTC");
    expect(workingHoursOf({ workingHours: LONDON, rotations: [{ timezone: "Asia/Tokyo" }] })).toBe(LONDON);
  });
});

describe("working hours", () => {
  it("knows a working instant, and the next one from outside", () => {
    // Thursday 2026-12-03, 10:00 London = 10:00Z (GMT).
    expect(isWorkingTime(LONDON, at("2026-12-03T10:00:00Z"))).toBe(true);
    expect(isWorkingTime(LONDON, at("2026-12-03T09:00:00Z"))).toBe(true); // from is inclusive
    expect(isWorkingTime(LONDON, at("2026-12-03T17:30:00Z"))).toBe(false); // to is exclusive
    // Thursday 03:00 → 09:00 the same day; Friday 18:00 → Monday 09:00; Saturday → Monday.
    expect(iso(nextWorkingTime(LONDON, at("2026-12-03T03:00:00Z")))).toBe("2026-12-03T09:00:00.000Z");
    expect(iso(nextWorkingTime(LONDON, at("2026-12-04T18:00:00Z")))).toBe("2026-12-07T09:00:00.000Z");
    expect(iso(nextWorkingTime(LONDON, at("2026-12-05T12:00:00Z")))).toBe("2026-12-07T09:00:00.000Z");
  });

  it("reads the times on each day's wall clock across both DST changes", () => {
    // London springs forward on Sunday 2026-03-29: Monday 09:00 BST is 08:00Z.
    expect(iso(nextWorkingTime(LONDON, at("2026-03-28T12:00:00Z")))).toBe("2026-03-30T08:00:00.000Z");
    // It falls back on Sunday 2026-10-25: Monday 09:00 GMT is 09:00Z, Friday's was 08:00Z.
    expect(iso(nextWorkingTime(LONDON, at("2026-10-23T07:59:00Z")))).toBe("2026-10-23T08:00:00.000Z");
    expect(iso(nextWorkingTime(LONDON, at("2026-10-24T12:00:00Z")))).toBe("2026-10-26T09:00:00.000Z");
  });

  it("works in a zone ahead of UTC whose working day starts on the previous UTC date", () => {
    const tokyo: WorkingHours = { timezone: "Asia/Tokyo", days: ["mon"], from: "08:00", to: "12:00" };
    // Monday 2026-12-07 08:00 Tokyo = Sunday 23:00Z.
    expect(iso(nextWorkingTime(tokyo, at("2026-12-06T12:00:00Z")))).toBe("2026-12-06T23:00:00.000Z");
    expect(isWorkingTime(tokyo, at("2026-12-07T01:00:00Z"))).toBe(true);
  });

  it("holds a low-urgency SMS for the delay, and then to the next working start", () => {
    const rules: UrgencyRules = { high: ["SEV1"], lowSmsDelayMinutes: 15, workingHours: LONDON };
    // Thursday 10:00: 10:15 the same day. 17:20: the delay ends out of hours → Friday 09:00.
    expect(iso(heldUntil(rules, at("2026-12-03T10:00:00Z")))).toBe("2026-12-03T10:15:00.000Z");
    expect(iso(heldUntil(rules, at("2026-12-03T17:20:00Z")))).toBe("2026-12-04T09:00:00.000Z");
    // 03:00: no SMS at 03:15; 09:00.
    expect(iso(heldUntil(rules, at("2026-12-03T03:00:00Z")))).toBe("2026-12-03T09:00:00.000Z");
    expect(formatWorkingTime(LONDON, at("2026-12-07T09:00:00Z"))).toBe("Mon 7 Dec 09:00 Europe/London");
  });
});

describe("the directory's urgency and working hours fields", () => {
  const messages = (schema: z.core.$ZodType, value: unknown) => {
    const result = z.safeParse(schema, value);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("fill the defaults", () => {
    expect(z.parse(urgencyPolicySchema, {})).toEqual({ high: ["SEV1", "SEV2"], lowSmsDelayMinutes: 15 });
    expect(
      z.parse(workingHoursSchema, { timezone: "Europe/Paris", from: "08:30", to: "18:00" }).days,
    ).toEqual(["mon", "tue", "wed", "thu", "fri"]);
  });

  it("say what is wrong", () => {
    expect(messages(urgencyPolicySchema, { high: ["sev1", "SEV1", "SEV1"], lowSmsDelayMinutes: -1 })).toEqual(
      ["high.0: expected a severity: SEV1, SEV2, SEV3, SEV4, SEV5", "lowSmsDelayMinutes: must be at least 0"],
    );
    expect(messages(urgencyPolicySchema, { high: ["SEV1", "SEV1"] })).toEqual([
      "high: lists a severity twice",
    ]);
    expect(
      messages(workingHoursSchema, { timezone: "Mars/Olympus", days: ["monday"], from: "9am", to: "17:00" }),
    ).toEqual([
      'timezone: unknown time zone "Mars/Olympus" (expected an IANA name such as "Europe/London")',
      "days.0: expected a day: sun, mon, tue, wed, thu, fri, sat",
      'from: expected a 24-hour time "HH:MM" such as "09:00"',
    ]);
    expect(messages(workingHoursSchema, { timezone: "UTC", days: [], from: "18:00", to: "09:00" })).toEqual([
      "days: list at least one working day",
      "to: must be after from (working hours end on the day they start)",
    ]);
  });
});
