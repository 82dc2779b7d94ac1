import { ValidationError } from "@firebreak/core/shared/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Person, Rotation, RotationOverride } from "./directory-types";
import { type OnCall, onCallAt, rotationShiftAt, scheduleBetween, shiftStartAt } from "./rotation";
import { wallTimeAt } from "./tz";

const person = (id: string): Person => ({
  id,
  name: id.toUpperCase(),
  email: `${id}@example.com`,
  timezone: "UTC",
});
const people = ["alice", "bob", "carol", "dave"].map(person);

const rotation = (overrides: Partial<Rotation> = {}): Rotation => ({
  id: "primary",
  members: ["alice", "bob", "carol"],
  shift: { type: "daily" },
  handoffTime: "09:00",
  timezone: "Europe/London",
  start: "2026-03-20",
  overrides: [],
  ...overrides,
});

const d = (iso: string) => new Date(iso);
const ms = (iso: string) => Date.parse(iso);

function onCall(r: Rotation, iso: string | number): OnCall {
  const result = onCallAt(r, people, new Date(iso));
  if (result.personId === null) throw new Error(`nobody on call at ${iso}: ${result.reason}`);
  return result;
}

function who(r: Rotation, iso: string | number): string | null {
  return onCallAt(r, people, new Date(iso)).personId;
}

describe("daily rotations across DST", () => {
  it("keeps a 09:00 Europe/London handoff at 09:00 local on both sides of spring-forward (a 23-hour shift)", () => {
    const r = rotation();
    // 2026-03-29 01:00Z: GMT → BST. 09:00 local is 09:00Z on the 28th and 08:00Z on the 29th.
    const before = onCall(r, "2026-03-28T12:00:00Z");
    expect(before.shiftStart.toISOString()).toBe("2026-03-28T09:00:00.000Z");
    expect(before.shiftEnd.toISOString()).toBe("2026-03-29T08:00:00.000Z");
    expect(before.shiftEnd.getTime() - before.shiftStart.getTime()).toBe(23 * 3_600_000);
    const after = onCall(r, "2026-03-29T12:00:00Z");
    expect(after.shiftStart.toISOString()).toBe("2026-03-29T08:00:00.000Z");
    expect(after.shiftEnd.toISOString()).toBe("2026-03-30T08:00:00.000Z");
    for (const shift of [before, after]) {
      expect(wallTimeAt("Europe/London", shift.shiftStart)).toMatchObject({ hour: 9, minute: 0 });
      expect(wallTimeAt("Europe/London", shift.shiftEnd)).toMatchObject({ hour: 9, minute: 0 });
    }
    // 2026-03-20 is alice's (index 0): the 28th is index 8 → carol, the 29th index 9 → alice.
    expect(before.personId).toBe("carol");
    expect(after.personId).toBe("alice");
  });

  it("keeps it at 09:00 local across fall-back (a 25-hour shift)", () => {
    const r = rotation({ start: "2026-10-20" });
    const shift = onCall(r, "2026-10-25T05:00:00Z");
    expect(shift.shiftStart.toISOString()).toBe("2026-10-24T08:00:00.000Z");
    expect(shift.shiftEnd.toISOString()).toBe("2026-10-25T09:00:00.000Z");
    expect(shift.shiftEnd.getTime() - shift.shiftStart.getTime()).toBe(25 * 3_600_000);
  });

  it("does the same in America/New_York", () => {
    const r = rotation({ timezone: "America/New_York", start: "2026-03-01" });
    expect(onCall(r, "2026-03-07T20:00:00Z").shiftStart.toISOString()).toBe("2026-03-07T14:00:00.000Z");
    expect(onCall(r, "2026-03-08T20:00:00Z").shiftStart.toISOString()).toBe("2026-03-08T13:00:00.000Z");
    const fall = rotation({ timezone: "America/New_York", start: "2026-10-25" });
    expect(onCall(fall, "2026-10-31T20:00:00Z").shiftStart.toISOString()).toBe("2026-10-31T13:00:00.000Z");
    expect(onCall(fall, "2026-11-01T20:00:00Z").shiftStart.toISOString()).toBe("2026-11-01T14:00:00.000Z");
  });

  it("hands off a 02:30 shift at 03:00 EDT on the day 02:30 does not exist, and at 02:30 on the others", () => {
    const r = rotation({ timezone: "America/New_York", handoffTime: "02:30", start: "2026-03-06" });
    const skipped = onCall(r, "2026-03-08T12:00:00Z");
    expect(skipped.shiftStart.toISOString()).toBe("2026-03-08T07:00:00.000Z"); // 03:00 EDT
    expect(wallTimeAt("America/New_York", skipped.shiftStart)).toMatchObject({ hour: 3, minute: 0 });
    expect(skipped.shiftEnd.toISOString()).toBe("2026-03-09T06:30:00.000Z"); // 02:30 EDT
    const previous = onCall(r, "2026-03-08T06:59:59.999Z");
    expect(previous.shiftStart.toISOString()).toBe("2026-03-07T07:30:00.000Z"); // 02:30 EST
    expect(previous.shiftEnd).toEqual(skipped.shiftStart);
  });

  it("hands off a 01:30 shift at the first 01:30 on the day 01:30 happens twice", () => {
    const r = rotation({ timezone: "America/New_York", handoffTime: "01:30", start: "2026-10-30" });
    const shift = onCall(r, "2026-11-01T12:00:00Z");
    expect(shift.shiftStart.toISOString()).toBe("2026-11-01T05:30:00.000Z"); // 01:30 EDT
    expect(shift.shiftEnd.toISOString()).toBe("2026-11-02T06:30:00.000Z"); // 01:30 EST
  });
});

describe("handoff boundaries", () => {
  it("puts the new person on call exactly at the handoff and the old one 1 ms before", () => {
    const r = rotation();
    const handoff = ms("2026-03-21T09:00:00Z");
    expect(who(r, handoff - 1)).toBe("alice");
    expect(who(r, handoff)).toBe("bob");
    const dst = ms("2026-03-29T08:00:00Z"); // 09:00 BST
    expect(who(r, dst - 1)).toBe("carol");
    expect(who(r, dst)).toBe("alice");
  });

  it("holds at every shift boundary, DST or not (property)", () => {
    const r = rotation({ timezone: "America/New_York", members: ["alice", "bob", "carol", "dave"] });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), (k) => {
        const boundary = shiftStartAt(r, k).getTime();
        expect(who(r, boundary)).toBe(r.members[k % 4]);
        expect(who(r, boundary - 1)).toBe(r.members[(k - 1) % 4]);
        expect(wallTimeAt("America/New_York", boundary)).toMatchObject({ hour: 9, minute: 0 });
      }),
      { numRuns: 200 },
    );
  });
});

describe("weekly and hourly shifts", () => {
  it("weekly: hands off every 7 days on the start's weekday at the handoff time, local", () => {
    const r = rotation({ shift: { type: "weekly" }, start: "2026-03-16", members: ["alice", "bob"] }); // a Monday
    expect(who(r, "2026-03-16T08:59:59.999Z")).toBeNull();
    expect(who(r, "2026-03-16T09:00:00Z")).toBe("alice");
    expect(who(r, "2026-03-23T08:59:59.999Z")).toBe("alice");
    expect(who(r, "2026-03-23T09:00:00Z")).toBe("bob");
    // The next Monday is in BST: 09:00 local = 08:00Z, after a 167-hour week.
    const week = onCall(r, "2026-03-30T08:00:00Z");
    expect(week.personId).toBe("alice");
    expect(week.shiftStart.toISOString()).toBe("2026-03-30T08:00:00.000Z");
    expect(onCall(r, "2026-03-29T12:00:00Z").shiftEnd.getTime() - ms("2026-03-23T09:00:00Z")).toBe(
      167 * 3_600_000,
    );
  });

  it("hours: counts elapsed time from the first handoff, so handoffs drift an hour in local time across DST", () => {
    const r = rotation({
      shift: { type: "hours", hours: 12 },
      start: "2026-03-28",
      members: ["alice", "bob"],
    });
    expect(onCall(r, "2026-03-28T10:00:00Z")).toMatchObject({ personId: "alice", shiftIndex: 0 });
    expect(onCall(r, "2026-03-28T21:00:00Z")).toMatchObject({ personId: "bob", shiftIndex: 1 });
    const third = onCall(r, "2026-03-29T09:30:00Z");
    expect(third.shiftStart.toISOString()).toBe("2026-03-29T09:00:00.000Z");
    expect(wallTimeAt("Europe/London", third.shiftStart)).toMatchObject({ hour: 10 }); // 10:00 BST, not 09:00
  });

  it("rotationShiftAt reports the un-overridden shift", () => {
    const r = rotation({
      overrides: [{ personId: "dave", from: "2026-03-20T00:00:00Z", to: "2026-04-01T00:00:00Z" }],
    });
    expect(rotationShiftAt(r, d("2026-03-21T12:00:00Z"))).toEqual({
      index: 1,
      personId: "bob",
      start: d("2026-03-21T09:00:00Z"),
      end: d("2026-03-22T09:00:00Z"),
    });
    expect(rotationShiftAt(r, d("2026-03-01T00:00:00Z"))).toBeUndefined();
  });
});

describe("overrides", () => {
  const cover = (personId: string, from: string, to: string): RotationOverride => ({ personId, from, to });

  it("splits the shift it covers part of", () => {
    const r = rotation({
      overrides: [cover("dave", "2026-03-21T12:00:00.000Z", "2026-03-21T14:00:00.000Z")],
    });
    expect(onCall(r, "2026-03-21T11:00:00Z")).toMatchObject({
      personId: "bob",
      source: "rotation",
      shiftStart: d("2026-03-21T09:00:00Z"),
      shiftEnd: d("2026-03-21T12:00:00Z"),
    });
    expect(onCall(r, "2026-03-21T12:00:00Z")).toMatchObject({
      personId: "dave",
      person: people[3],
      source: "override",
      shiftStart: d("2026-03-21T12:00:00Z"),
      shiftEnd: d("2026-03-21T14:00:00Z"),
    });
    expect(who(r, ms("2026-03-21T14:00:00Z") - 1)).toBe("dave");
    expect(onCall(r, "2026-03-21T14:00:00Z")).toMatchObject({
      personId: "bob",
      source: "rotation",
      shiftStart: d("2026-03-21T14:00:00Z"),
      shiftEnd: d("2026-03-22T09:00:00Z"),
    });
  });

  it("spans several shifts when it covers them", () => {
    const r = rotation({
      overrides: [cover("dave", "2026-03-21T00:00:00.000Z", "2026-03-24T00:00:00.000Z")],
    });
    expect(onCall(r, "2026-03-22T09:00:00Z")).toMatchObject({
      personId: "dave",
      shiftStart: d("2026-03-21T00:00:00Z"),
      shiftEnd: d("2026-03-24T00:00:00Z"),
    });
  });

  it("lets the narrowest covering override win, whatever the order, and splits the broader one around it", () => {
    const broad = cover("carol", "2026-03-23T00:00:00.000Z", "2026-03-27T00:00:00.000Z");
    const narrow = cover("dave", "2026-03-24T10:00:00.000Z", "2026-03-24T12:00:00.000Z");
    for (const overrides of [
      [broad, narrow],
      [narrow, broad],
    ]) {
      const r = rotation({ overrides });
      expect(onCall(r, "2026-03-24T11:00:00Z")).toMatchObject({ personId: "dave", override: narrow });
      expect(onCall(r, "2026-03-24T09:00:00Z")).toMatchObject({
        personId: "carol",
        shiftStart: d("2026-03-23T00:00:00Z"),
        shiftEnd: d("2026-03-24T10:00:00Z"),
      });
      expect(onCall(r, "2026-03-25T09:00:00Z")).toMatchObject({
        personId: "carol",
        shiftStart: d("2026-03-24T12:00:00Z"),
        shiftEnd: d("2026-03-27T00:00:00Z"),
      });
    }
  });

  it("lets the one written later win between equally long overrides", () => {
    const first = cover("carol", "2026-03-24T10:00:00.000Z", "2026-03-24T12:00:00.000Z");
    const second = cover("dave", "2026-03-24T11:00:00.000Z", "2026-03-24T13:00:00.000Z");
    const r = rotation({ overrides: [first, second] });
    expect(onCall(r, "2026-03-24T10:30:00Z")).toMatchObject({
      personId: "carol",
      shiftEnd: d("2026-03-24T11:00:00Z"),
    });
    expect(onCall(r, "2026-03-24T11:30:00Z")).toMatchObject({
      personId: "dave",
      shiftStart: d("2026-03-24T11:00:00Z"),
    });
  });

  it("applies to an empty rotation and before the start", () => {
    const r = rotation({
      members: [],
      overrides: [cover("dave", "2026-03-01T00:00:00.000Z", "2026-03-02T00:00:00.000Z")],
    });
    expect(onCall(r, "2026-03-01T12:00:00Z")).toMatchObject({ personId: "dave", source: "override" });
    expect(onCallAt(r, people, d("2026-02-01T00:00:00Z"))).toEqual({
      personId: null,
      reason: "empty rotation",
      from: null,
      until: d("2026-03-01T00:00:00Z"),
    });
    expect(onCallAt(r, people, d("2026-03-05T00:00:00Z"))).toEqual({
      personId: null,
      reason: "empty rotation",
      from: d("2026-03-02T00:00:00Z"),
      until: null,
    });
  });
});

describe("nobody on call", () => {
  it("says so for an empty rotation", () => {
    expect(onCallAt(rotation({ members: [] }), people, d("2026-06-01T00:00:00Z"))).toEqual({
      personId: null,
      reason: "empty rotation",
      from: null,
      until: null,
    });
  });

  it("says so before the first shift, and when the first shift begins", () => {
    expect(onCallAt(rotation(), people, d("2026-03-20T08:59:59.999Z"))).toEqual({
      personId: null,
      reason: "before start",
      from: null,
      until: d("2026-03-20T09:00:00Z"),
    });
  });

  it("refuses an invalid instant or an unparsed rotation with a ValidationError", () => {
    expect(() => onCallAt(rotation(), people, new Date(Number.NaN))).toThrow(ValidationError);
    expect(() => onCallAt(rotation({ timezone: "Mars/Base" }), people, new Date())).toThrow(ValidationError);
    expect(() => onCallAt(rotation({ handoffTime: "9am" }), people, new Date())).toThrow(ValidationError);
  });
});

describe("a window that begins before the first shift", () => {
  // The counterexample of the old cycling property ({ seed: -165774414 }): a daily 19:01 New York
  // rotation starting 2026-03-02 begins at 2026-03-03T00:01Z, after a window starting at 00:00Z.
  const r = rotation({
    members: ["alice", "bob"],
    handoffTime: "19:01",
    timezone: "America/New_York",
    start: "2026-03-02",
  });

  it("is nobody ('before start') up to the first handoff, then shift 0, 1, … in order", () => {
    const segments = scheduleBetween(r, people, d("2026-03-03T00:00:00Z"), d("2026-03-05T00:00:00Z"));
    expect(segments.map((s) => [s.personId, s.source, s.start.toISOString(), s.end.toISOString()])).toEqual([
      [null, "nobody", "2026-03-03T00:00:00.000Z", "2026-03-03T00:01:00.000Z"],
      ["alice", "rotation", "2026-03-03T00:01:00.000Z", "2026-03-04T00:01:00.000Z"],
      ["bob", "rotation", "2026-03-04T00:01:00.000Z", "2026-03-05T00:00:00.000Z"],
    ]);
    expect(segments[0]?.reason).toBe("before start");
    expect(rotationShiftAt(r, d("2026-03-03T00:00:59.999Z"))).toBeUndefined();
    expect(rotationShiftAt(r, d("2026-03-03T00:01:00Z"))).toMatchObject({ index: 0, personId: "alice" });
  });

  it("keeps the 19:01 local handoff across the US spring-forward (23 hours that day)", () => {
    expect(shiftStartAt(r, 5).toISOString()).toBe("2026-03-08T00:01:00.000Z"); // Sat 19:01 EST
    expect(shiftStartAt(r, 6).toISOString()).toBe("2026-03-08T23:01:00.000Z"); // Sun 19:01 EDT
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: for any rotation and instant, exactly one assignment, and the pieces tile time
// ---------------------------------------------------------------------------------------------

const ZONES = [
  "Europe/London",
  "America/New_York",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "UTC",
  "Pacific/Apia",
];
const START = ms("2026-01-01T00:00:00Z");
const SPAN = 400 * 86_400_000;
const DAY = 86_400_000;

/**
 * 2026's DST changes in the generated zones (UTC instants), and the local dates they happen on:
 * start dates and windows are drawn around them as well as uniformly. (Kathmandu, UTC and Apia
 * have none: Samoa dropped DST in 2021.)
 */
const DST_CHANGES = [
  { zone: "America/New_York", date: "2026-03-08", at: ms("2026-03-08T07:00:00Z") },
  { zone: "Europe/London", date: "2026-03-29", at: ms("2026-03-29T01:00:00Z") },
  { zone: "Australia/Lord_Howe", date: "2026-04-05", at: ms("2026-04-04T15:00:00Z") },
  { zone: "Australia/Lord_Howe", date: "2026-10-04", at: ms("2026-10-03T15:30:00Z") },
  { zone: "Europe/London", date: "2026-10-25", at: ms("2026-10-25T01:00:00Z") },
  { zone: "America/New_York", date: "2026-11-01", at: ms("2026-11-01T06:00:00Z") },
];

/** A rotation start date: uniform over January–February, or a DST-change day (any zone's). */
const startDateArb = fc.oneof(
  fc.integer({ min: 0, max: 60 }).map((day) => new Date(START + day * DAY).toISOString().slice(0, 10)),
  fc.constantFrom(...DST_CHANGES.map((c) => c.date)),
);

/**
 * A handoff time: the DST-gap and -overlap hours (01:00–03:00, Lord Howe's half hour), the edges of
 * the day, odd minutes late in the day (west of UTC they fall on the next UTC date), or any time.
 */
const handoffArb = fc.oneof(
  fc.constantFrom("00:00", "00:01", "01:30", "02:00", "02:15", "02:30", "09:00", "19:01", "23:30", "23:59"),
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`),
);

const rotationArb = fc
  .record({
    members: fc.array(fc.constantFrom("alice", "bob", "carol", "dave"), { minLength: 0, maxLength: 5 }),
    shift: fc.oneof(
      fc.constant({ type: "daily" as const }),
      fc.constant({ type: "weekly" as const }),
      fc.integer({ min: 1, max: 72 }).map((hours) => ({ type: "hours" as const, hours })),
    ),
    handoffTime: handoffArb,
    timezone: fc.constantFrom(...ZONES),
    start: startDateArb,
    overrides: fc.array(
      fc.record({
        personId: fc.constantFrom("alice", "bob", "carol", "dave"),
        from: fc.integer({ min: 0, max: SPAN }),
        length: fc.integer({ min: 1, max: 10 * 86_400_000 }),
      }),
      { maxLength: 4 },
    ),
  })
  .map(
    (g): Rotation => ({
      id: "r",
      members: g.members,
      shift: g.shift,
      handoffTime: g.handoffTime,
      timezone: g.timezone,
      start: g.start,
      overrides: g.overrides.map((o) => ({
        personId: o.personId,
        from: new Date(START + o.from).toISOString(),
        to: new Date(START + o.from + o.length).toISOString(),
      })),
    }),
  );

describe("properties", () => {
  it("for any instant, exactly one person (a member or an override's) is on call, in a piece that contains it", () => {
    fc.assert(
      fc.property(rotationArb, fc.integer({ min: -20 * 86_400_000, max: SPAN }), (r, offset) => {
        const t = START + offset;
        const result = onCallAt(r, people, new Date(t));
        if (result.personId === null) {
          expect(result.reason).toBe(r.members.length === 0 ? "empty rotation" : "before start");
          if (result.until) expect(result.until.getTime()).toBeGreaterThan(t);
          if (result.from) expect(result.from.getTime()).toBeLessThanOrEqual(t);
          return;
        }
        const candidates = result.source === "override" ? r.overrides.map((o) => o.personId) : r.members;
        expect(candidates).toContain(result.personId);
        expect(result.shiftStart.getTime()).toBeLessThanOrEqual(t);
        expect(result.shiftEnd.getTime()).toBeGreaterThan(t);
        // Same answer anywhere in the piece.
        for (const inside of [result.shiftStart.getTime(), result.shiftEnd.getTime() - 1]) {
          const again = onCallAt(r, people, new Date(inside));
          expect(again).toMatchObject({
            personId: result.personId,
            source: result.source,
            shiftStart: result.shiftStart,
            shiftEnd: result.shiftEnd,
          });
        }
      }),
      { numRuns: 400 },
    );
  });

  it("pieces tile time: each begins exactly where the previous ended, without gaps or overlaps", () => {
    fc.assert(
      fc.property(rotationArb, fc.integer({ min: 0, max: SPAN }), (r, offset) => {
        const from = new Date(START + offset);
        const to = new Date(from.getTime() + 21 * 86_400_000);
        const segments = scheduleBetween(r, people, from, to);
        expect(segments[0]?.start).toEqual(from);
        expect(segments.at(-1)?.end).toEqual(to);
        for (const [i, segment] of segments.entries()) {
          expect(segment.end.getTime()).toBeGreaterThan(segment.start.getTime());
          if (i > 0) expect(segment.start).toEqual(segments[i - 1]?.end);
          // The piece's owner is who onCallAt says at its first and last millisecond.
          expect(who(r, segment.start.getTime())).toBe(segment.personId);
          expect(who(r, segment.end.getTime() - 1)).toBe(segment.personId);
        }
      }),
      { numRuns: 150 },
    );
  });

  /**
   * A window: 30 days from anywhere in the span (before or after the rotation's start), or around
   * a DST change (from 30 days before it to just after it).
   */
  const windowArb = fc.oneof(
    fc.integer({ min: 0, max: SPAN }).map((offset) => START + offset),
    fc
      .tuple(fc.constantFrom(...DST_CHANGES.map((c) => c.at)), fc.integer({ min: -30 * DAY, max: DAY }))
      .map(([at, shift]) => at + shift),
  );

  it("a non-empty rotation without overrides: nobody before its first shift, then its members in order, one whole shift each", () => {
    fc.assert(
      fc.property(
        rotationArb.filter((r) => r.members.length > 0),
        windowArb,
        (generated, from) => {
          const r = { ...generated, overrides: [] };
          const to = from + 30 * DAY;
          const first = shiftStartAt(r, 0).getTime();
          const segments = scheduleBetween(r, people, new Date(from), new Date(to));
          let previous: number | undefined;
          for (const [i, segment] of segments.entries()) {
            const start = segment.start.getTime();
            const end = segment.end.getTime();
            if (start < first) {
              // Before the first shift: one stretch of nobody, up to the first handoff (or the window's end).
              expect(i).toBe(0);
              expect(segment).toMatchObject({ personId: null, source: "nobody", reason: "before start" });
              expect(end).toBe(Math.min(first, to));
              expect(rotationShiftAt(r, segment.start)).toBeUndefined();
              continue;
            }
            const shift = rotationShiftAt(r, segment.start);
            expect(shift).toBeDefined();
            const k = shift!.index;
            expect(segment).toMatchObject({ personId: r.members[k % r.members.length], source: "rotation" });
            // Consecutive shifts; the first one the rotation has is shift 0, at the start's handoff.
            if (previous !== undefined) expect(k).toBe(previous + 1);
            else if (from <= first) expect([k, start]).toEqual([0, first]);
            previous = k;
            // Whole shifts, cut only by the window.
            expect(start).toBe(i === 0 ? Math.max(from, shift!.start.getTime()) : shift!.start.getTime());
            expect(end).toBe(Math.min(to, shift!.end.getTime()));
          }
          expect(segments.at(-1)?.end.getTime()).toBe(to);
        },
      ),
      { numRuns: 200 },
    );
  });
});
