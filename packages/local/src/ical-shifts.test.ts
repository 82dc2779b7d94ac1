import { readFileSync } from "node:fs";
import { compareShifts, shiftsSpan } from "@firebreak/core/import/verify";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { renderCalendar } from "@firebreak/core/oncall/ical";
import { describe, expect, it } from "vitest";
import { icalShifts, isICalendar } from "./ical-shifts";

const NEW_YORK = [
  "BEGIN:VTIMEZONE",
  "TZID:America/New_York",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:-0500",
  "TZOFFSETTO:-0400",
  "TZNAME:EDT",
  "DTSTART:19700308T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:-0400",
  "TZOFFSETTO:-0500",
  "TZNAME:EST",
  "DTSTART:19701101T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
];

const event = (lines: string[]) => ["BEGIN:VEVENT", "DTSTAMP:20261020T000000Z", ...lines, "END:VEVENT"];

/** A schedule's feed as a vendor writes one: 09:00 New York handoffs across the fall-back of 2026-11-01. */
const FEED = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Example//On-call//EN",
  "X-WR-CALNAME:Primary",
  ...NEW_YORK,
  ...event([
    "UID:1@example",
    "DTSTART;TZID=America/New_York:20261030T090000",
    "DTEND;TZID=America/New_York:20261031T090000",
    "SUMMARY:On Call - Alice Moreau - Primary",
    "ATTENDEE;CN=Alice Moreau:mailto:alice@example.com",
  ]),
  ...event([
    "UID:2@example",
    "DTSTART;TZID=America/New_York:20261031T090000",
    "DTEND;TZID=America/New_York:20261101T090000",
    "SUMMARY:On Call - Chen Wei - Primary",
  ]),
  ...event([
    "UID:3@example",
    "DTSTART;TZID=America/New_York:20261101T090000",
    "DTEND;TZID=America/New_York:20261102T090000",
    "RRULE:FREQ=DAILY;COUNT=3",
    "SUMMARY:On Call - Bob Okafor - Primary",
  ]),
  ...event([
    "UID:4@example",
    "STATUS:CANCELLED",
    "DTSTART:20261101T000000Z",
    "DTEND:20261101T010000Z",
    "SUMMARY:On Call - Dana - Primary",
  ]),
  "END:VCALENDAR",
].join("\r\n");

describe("icalShifts", () => {
  it("reads each event's instants in its zone, across the fall-back, and who it is for", () => {
    expect(isICalendar(`\uFEFF${FEED}`)).toBe(true);
    const { scheduleName, shifts } = icalShifts(FEED);
    expect(scheduleName).toBe("Primary");
    expect(shifts).toEqual([
      {
        start: "2026-10-30T13:00:00.000Z",
        end: "2026-10-31T13:00:00.000Z",
        person: { email: "alice@example.com", name: "Alice Moreau" },
      },
      // The clocks go back at 02:00 on 2026-11-01: 09:00 EST is 14:00Z.
      {
        start: "2026-10-31T13:00:00.000Z",
        end: "2026-11-01T14:00:00.000Z",
        person: { name: "On Call - Chen Wei - Primary" },
      },
      ...["01", "02", "03"].map((d, i) => ({
        start: `2026-11-${d}T14:00:00.000Z`,
        end: `2026-11-0${i + 2}T14:00:00.000Z`,
        person: { name: "On Call - Bob Okafor - Primary" },
      })),
    ]);
  });

  it("expands a recurring event only within the window asked for", () => {
    const { shifts } = icalShifts(FEED, {
      from: new Date("2026-11-02T00:00:00Z"),
      to: new Date("2026-11-03T00:00:00Z"),
    });
    expect(shifts.filter((s) => s.person.name?.includes("Bob")).map((s) => s.start)).toEqual([
      "2026-11-01T14:00:00.000Z",
      "2026-11-02T14:00:00.000Z",
    ]);
  });

  it("refuses what is not iCalendar, saying so", () => {
    expect(isICalendar('{"schedule": {}}')).toBe(false);
    expect(() => icalShifts("BEGIN:VCALENDAR\r\nthis is not\r\n")).toThrow(
      /^not a readable iCalendar feed: /,
    );
  });

  it("Firebreak's own feed of a rotation agrees with the rotation for 4 weeks across a DST change", () => {
    const directory = parseDirectoryYaml(
      readFileSync(new URL("../../../examples/directory.yaml", import.meta.url), "utf8"),
    );
    const ics = renderCalendar(
      directory,
      { kind: "rotation", id: "checkout-primary" },
      { now: new Date("2026-03-20T12:00:00Z"), weeks: 4 },
    )!;
    const { shifts } = icalShifts(ics);
    expect(shifts.length).toBeGreaterThan(4);
    const span = shiftsSpan(shifts)!;
    expect(span.from < new Date("2026-03-29T01:00:00Z") && span.to > new Date("2026-04-05T00:00:00Z")).toBe(
      true,
    );
    const result = compareShifts({ directory, rotationIds: ["checkout-primary"], shifts, ...span });
    expect(result.unmatched).toEqual([]);
    expect(result.differing).toEqual([]);
    // And the secondary rotation is someone else every hour.
    const other = compareShifts({ directory, rotationIds: ["checkout-secondary"], shifts, ...span });
    expect(other.differing.length).toBe(other.hoursCompared);
  });
});
