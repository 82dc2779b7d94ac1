import { afterEach, describe, expect, it } from "vitest";
import { calendarDays } from "./calendar";

const previousTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = previousTz;
});

const seg = (
  name: string | null,
  start: string,
  end: string,
  source: "rotation" | "override" | "nobody" = "rotation",
) => ({
  personId: name === null ? null : name.toLowerCase(),
  ...(name ? { name } : {}),
  start,
  end,
  source,
});

describe("calendarDays: a rotation's two weeks, day by day", () => {
  it("lists who is on each day and when the next one takes over (UTC)", () => {
    const days = calendarDays(
      [
        seg("Ann", "2026-03-01T00:00:00.000Z", "2026-03-02T09:00:00.000Z"),
        seg("Bob", "2026-03-02T09:00:00.000Z", "2026-03-02T12:00:00.000Z", "override"),
        seg(null, "2026-03-02T12:00:00.000Z", "2026-03-03T00:00:00.000Z", "nobody"),
      ],
      "2026-03-01T00:00:00.000Z",
      "2026-03-03T00:00:00.000Z",
      true,
    );
    expect(days.map((d) => d.who.map((w) => `${w.from ?? ""}${w.name}:${w.source}`))).toEqual([
      ["Ann:rotation"],
      ["Ann:rotation", "09:00Bob:override", "12:00nobody:nobody"],
    ]);
  });

  it("follows the viewer's days across a DST change (a 23-hour day in New York)", () => {
    process.env.TZ = "America/New_York";
    const days = calendarDays(
      [seg("Ann", "2026-03-07T05:00:00.000Z", "2026-03-10T04:00:00.000Z")],
      "2026-03-07T05:00:00.000Z",
      "2026-03-10T04:00:00.000Z",
      false,
    );
    // 7, 8 (23 hours) and 9 March: three local days, each starting at local midnight.
    expect(days.map((d) => new Date(d.start).toISOString())).toEqual([
      "2026-03-07T05:00:00.000Z",
      "2026-03-08T05:00:00.000Z",
      "2026-03-09T04:00:00.000Z",
    ]);
  });
});
