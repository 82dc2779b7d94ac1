import { readFileSync } from "node:fs";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import type { Directory } from "./directory-types";
import { parseDirectoryYaml } from "./directory-yaml";
import { feedWindow, renderCalendar, zoneTransitions } from "./ical";
import { onCallAt } from "./rotation";
import { withShiftOverrides } from "./shift-overrides";

const demo = parseDirectoryYaml(
  readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8"),
);
const HOUR = 3_600_000;
const WEEKS = 4;

/** The feed parsed with ical.js: each event's person (from its UID) and its instants, as ical.js reads them. */
function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
  try {
    return calendar.getAllSubcomponents("vevent").map((vevent) => {
      const event = new ICAL.Event(vevent);
      const person = /-\d{8}T\d{6}Z-(.+)@firebreak$/.exec(event.uid)?.[1];
      return {
        person,
        start: event.startDate.toJSDate().getTime(),
        end: event.endDate.toJSDate().getTime(),
        event,
      };
    });
  } finally {
    for (const zone of calendar.getAllSubcomponents("vtimezone"))
      ICAL.TimezoneService.remove(zone.getFirstPropertyValue("tzid") as string);
  }
}

/** Who the feed says is on call at `t`, hour by hour, against who the directory says (`onCallAt`). */
function compareHourly(directory: Directory, rotationId: string, now: Date) {
  const ics = renderCalendar(directory, { kind: "rotation", id: rotationId }, { now, weeks: WEEKS });
  expect(ics).toBeDefined();
  const events = parse(ics!);
  const rotation = directory.teams.flatMap((t) => t.rotations).find((r) => r.id === rotationId)!;
  const differing: string[] = [];
  for (let t = now.getTime(); t < now.getTime() + WEEKS * 7 * 24 * HOUR; t += HOUR) {
    const inFeed = events.filter((e) => e.start <= t && t < e.end).map((e) => e.person);
    const expected = onCallAt(rotation, directory.people, new Date(t)).personId;
    const got = inFeed.length === 1 ? inFeed[0] : inFeed.length === 0 ? null : `overlap ${inFeed.join(",")}`;
    if (got !== expected) differing.push(`${new Date(t).toISOString()}: feed ${got}, directory ${expected}`);
  }
  return { differing, events, ics: ics! };
}

describe("iCal feeds of on-call shifts", () => {
  // 2026-03-20: Europe's change (29 March, 01:00 UTC) and the US one's aftermath are in the next 4 weeks.
  const now = new Date("2026-03-20T10:30:00Z");

  it("match the directory hour by hour for 4 weeks across a DST change, every rotation of the demo", () => {
    for (const rotation of demo.teams.flatMap((t) => t.rotations)) {
      const { differing, events } = compareHourly(demo, rotation.id, now);
      expect(differing, rotation.id).toEqual([]);
      if (rotation.members.length > 0) expect(events.length, rotation.id).toBeGreaterThan(0);
    }
  });

  it("write shifts in their rotation's zone, with a VTIMEZONE whose transitions are the zone's", () => {
    const { ics, events } = compareHourly(demo, "checkout-comms", now);
    expect(ics).toContain("BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n");
    expect(ics).toContain(
      "BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nEND:DAYLIGHT",
    );
    // A daily 09:00 handoff in London: 09:00 GMT before the change, 09:00 BST (08:00 UTC) after.
    const starts = events.map((e) => new Date(e.start).toISOString());
    expect(starts).toContain("2026-03-28T09:00:00.000Z");
    expect(starts).toContain("2026-03-30T08:00:00.000Z");
    expect(
      events
        .find((e) => e.start === Date.parse("2026-03-30T08:00:00.000Z"))
        ?.event.component.getFirstProperty("dtstart")
        ?.getParameter("tzid"),
    ).toBe("Europe/London");
    expect(ics.split("\r\n").every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it("include runtime overrides, and a person's feed has that person's shifts in every rotation", () => {
    const rotation = demo.teams.flatMap((t) => t.rotations).find((r) => r.id === "checkout-primary")!;
    const cover = rotation.members.find((m) => m !== rotation.members[0])!;
    const directory = withShiftOverrides(
      demo,
      [
        {
          id: "OV-1",
          number: 1,
          rotationId: "checkout-primary",
          personId: cover,
          from: "2026-03-28T22:00:00.000Z",
          to: "2026-03-29T06:00:00.000Z",
          createdBy: { type: "user", id: "kate" },
          createdAt: "2026-03-20T10:00:00.000Z",
        },
      ],
      now,
    );
    expect(compareHourly(directory, "checkout-primary", now).differing).toEqual([]);
    const ics = renderCalendar(directory, { kind: "person", id: cover }, { now, weeks: WEEKS })!;
    const events = parse(ics);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.person === cover)).toBe(true);
    expect(ics).toContain("override");
    const { from, to } = feedWindow(now, WEEKS);
    for (const e of events) expect(e.start >= from.getTime() && e.end <= to.getTime()).toBe(true);
  });

  it("are undefined for a person or rotation the directory does not have", () => {
    expect(renderCalendar(demo, { kind: "person", id: "nobody" }, { now, weeks: 4 })).toBeUndefined();
    expect(renderCalendar(demo, { kind: "rotation", id: "nope" }, { now, weeks: 4 })).toBeUndefined();
  });

  it("find a zone's transitions to the second (Southern hemisphere too)", () => {
    expect(
      zoneTransitions(
        "Australia/Sydney",
        Date.parse("2026-03-01T00:00:00Z"),
        Date.parse("2026-05-01T00:00:00Z"),
      ),
    ).toEqual([{ at: Date.parse("2026-04-04T16:00:00Z"), before: 11 * HOUR, after: 10 * HOUR }]);
  });
});
