import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CoverageGap, coverageGaps, formatCoverageGap, pageableMethods } from "./coverage";
import type { Directory, Person, Rotation, Shift, TargetRef } from "./directory-types";
import { parseDirectoryYaml } from "./directory-yaml";
import { resolveTargets } from "./who";

/**
 * Two planted gaps: Pat, on call every other day at level 1 of checkout, has no Slack id and no
 * phone; and the night-ops rotation is two hand-written UTC overrides that leave the hour of the
 * US spring-forward change (2026-03-08 07:00Z, 02:00 EST) uncovered.
 */
const PLANTED = `
version: 1
people:
  - { id: ann, name: Ann Lee, slackUserId: U01ANN0001, phone: "+12025550101", timezone: America/New_York }
  - { id: pat, name: Pat Doe, email: pat@example.com, timezone: America/New_York }
  - { id: maria, name: María Gómez, phone: "+34915550113", timezone: Europe/Madrid }
teams:
  - id: checkout
    name: Checkout
    services: [checkout, cart]
    rotations:
      - id: us-primary
        members: [ann, pat]
        shift: { type: daily }
        handoffTime: "09:00"
        timezone: America/New_York
        start: "2026-03-01"
    escalationPolicy:
      levels:
        - targets: [{ type: rotation, id: us-primary }]
          timeoutMinutes: 5
        - targets: [{ type: person, id: maria }]
          timeoutMinutes: 10
      fallback: { type: person, id: maria }
  - id: night-ops
    name: Night ops
    services: [batch]
    rotations:
      - id: nights
        members: []
        shift: { type: weekly }
        handoffTime: "00:00"
        timezone: America/New_York
        start: "2026-01-05"
        overrides:
          - { personId: ann, from: "2026-02-20T00:00:00Z", to: "2026-03-08T07:00:00Z" }
          - { personId: ann, from: "2026-03-08T08:00:00Z", to: "2026-04-01T00:00:00Z" }
    escalationPolicy:
      levels:
        - targets: [{ type: rotation, id: nights }]
          timeoutMinutes: 5
      fallback: { type: person, id: maria }
`;

/** The window starts at the rotation's first handoff (09:00 EST). */
const FROM = new Date("2026-03-01T14:00:00Z");

describe("coverage: would a page land, minute by minute, for the next 14 days", () => {
  it("finds exactly the planted gaps: Pat's shifts at level 1 (no method) and the hour of the US DST change", () => {
    const report = coverageGaps(parseDirectoryYaml(PLANTED), FROM);
    expect(report).toMatchObject({ from: "2026-03-01T14:00:00.000Z", to: "2026-03-15T14:00:00.000Z" });
    const pat = (from: string, to: string, minutes: number): CoverageGap => ({
      team: "checkout",
      services: ["checkout", "cart"],
      level: 1,
      urgencies: ["high", "low"],
      from,
      to,
      minutes,
      reason: "no_contact_method",
      detail: 'rotation "us-primary": Pat Doe (pat) has no Slack id and no phone',
    });
    expect(report.gaps).toEqual([
      // Pat's days: 09:00 New York to 09:00 the next day; EST (14:00Z) before 8 March, EDT (13:00Z) after.
      pat("2026-03-02T14:00:00.000Z", "2026-03-03T14:00:00.000Z", 1440),
      pat("2026-03-04T14:00:00.000Z", "2026-03-05T14:00:00.000Z", 1440),
      pat("2026-03-06T14:00:00.000Z", "2026-03-07T14:00:00.000Z", 1440),
      // The 8th is 23 hours long in New York.
      pat("2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z", 1440),
      pat("2026-03-10T13:00:00.000Z", "2026-03-11T13:00:00.000Z", 1440),
      pat("2026-03-12T13:00:00.000Z", "2026-03-13T13:00:00.000Z", 1440),
      pat("2026-03-14T13:00:00.000Z", "2026-03-15T13:00:00.000Z", 1440),
      {
        team: "night-ops",
        services: ["batch"],
        level: 1,
        urgencies: ["high", "low"],
        from: "2026-03-08T07:00:00.000Z",
        to: "2026-03-08T08:00:00.000Z",
        minutes: 60,
        reason: "dst_hole",
        detail: 'around a clock change: rotation "nights" has nobody on call',
      },
    ]);
    expect(formatCoverageGap(report.gaps.at(-1)!)).toBe(
      'batch (team night-ops) · level 1 · high+low urgency · 2026-03-08T07:00:00.000Z → 2026-03-08T08:00:00.000Z (60 min) · DST hole: around a clock change: rotation "nights" has nobody on call',
    );
  });

  it("with the stored verifications: Pat's unverified phone at level 1 and the DST hole, exactly those minutes", () => {
    // Pat now has a phone, never verified; Ann's SMS and María's SMS are verified.
    const directory = parseDirectoryYaml(
      PLANTED.replace(
        "{ id: pat, name: Pat Doe, email: pat@example.com, timezone: America/New_York }",
        '{ id: pat, name: Pat Doe, phone: "+12025550102", timezone: America/New_York }',
      ),
    );
    const verified = (address: string) => ({
      address,
      status: "verified" as const,
      requestId: "01JREQ",
      requestedAt: "2026-02-01T00:00:00.000Z",
      requestedBy: { type: "user" as const, id: "x" },
      expiresAt: "2026-02-01T00:15:00.000Z",
      attempts: 0,
      verified: { address, at: "2026-02-01T00:01:00.000Z", via: "sms" },
    });
    const verification = {
      ann: { sms: verified("+12025550101") },
      maria: { sms: verified("+34915550113") },
      // A verification of another number counts for nothing.
      pat: { sms: verified("+12025550199") },
    };
    // Without the verifications Pat is reachable: only the DST hole is a gap.
    expect(coverageGaps(directory, FROM).gaps.map((g) => g.reason)).toEqual(["dst_hole"]);
    const report = coverageGaps(directory, FROM, 14, { verification });
    const pat = (from: string, to: string): CoverageGap => ({
      team: "checkout",
      services: ["checkout", "cart"],
      level: 1,
      urgencies: ["high", "low"],
      from,
      to,
      minutes: 1440,
      reason: "unverified_method",
      detail: 'rotation "us-primary": Pat Doe (pat) has no verified method (sms, slack, voice unverified)',
      person: "pat",
    });
    expect(report.gaps).toEqual([
      pat("2026-03-02T14:00:00.000Z", "2026-03-03T14:00:00.000Z"),
      pat("2026-03-04T14:00:00.000Z", "2026-03-05T14:00:00.000Z"),
      pat("2026-03-06T14:00:00.000Z", "2026-03-07T14:00:00.000Z"),
      pat("2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z"),
      pat("2026-03-10T13:00:00.000Z", "2026-03-11T13:00:00.000Z"),
      pat("2026-03-12T13:00:00.000Z", "2026-03-13T13:00:00.000Z"),
      pat("2026-03-14T13:00:00.000Z", "2026-03-15T13:00:00.000Z"),
      expect.objectContaining({
        team: "night-ops",
        urgencies: ["high", "low"],
        from: "2026-03-08T07:00:00.000Z",
        to: "2026-03-08T08:00:00.000Z",
        minutes: 60,
        reason: "dst_hole",
      }),
    ]);
    // Ann's rules page her only by call when urgent: that call is unverified, so level 1 is a
    // high-urgency gap on her days (her low-urgency SMS still lands); night-ops has her too.
    const callOnly = {
      ...directory,
      people: directory.people.map((p) =>
        p.id === "ann"
          ? {
              ...p,
              notify: {
                high: [{ method: "voice" as const, delayMinutes: 0 }],
                low: [{ method: "sms" as const, delayMinutes: 0 }],
              },
            }
          : p,
      ),
    };
    const annDays = coverageGaps(callOnly, FROM, 2, { verification }).gaps.filter(
      (g) => g.team === "checkout" && g.detail.includes("Ann"),
    );
    expect(annDays).toEqual([
      expect.objectContaining({
        level: 1,
        urgencies: ["high"],
        from: "2026-03-01T14:00:00.000Z",
        to: "2026-03-02T14:00:00.000Z",
        reason: "unverified_method",
        detail:
          'rotation "us-primary": Ann Lee (ann) has no verified method for high urgency (voice unverified)',
      }),
    ]);
  });

  it("names each reason: an empty rotation, one not started, an override into nobody; level 2 gaps are high urgency only", () => {
    const directory = parseDirectoryYaml(PLANTED);
    const team = directory.teams[0]!;
    const primary = team.rotations[0]!;
    const edited: Directory = {
      ...directory,
      teams: [
        {
          ...team,
          rotations: [
            {
              ...primary,
              start: "2026-03-05",
              members: ["ann"],
              overrides: [
                { personId: "pat", from: "2026-03-06T00:00:00.000Z", to: "2026-03-06T02:00:00.000Z" },
              ],
            },
            { ...primary, id: "empty", members: [], overrides: [] },
          ],
          escalationPolicy: {
            ...team.escalationPolicy,
            levels: [
              team.escalationPolicy.levels[0]!,
              { targets: [{ type: "rotation", id: "empty" }], timeoutMinutes: 5 },
            ],
          },
        },
      ],
    };
    const gaps = coverageGaps(edited, FROM, 7).gaps;
    expect(gaps.map((g) => [g.level, g.reason, g.from, g.to, g.urgencies.join("+")])).toEqual([
      [1, "before_start", "2026-03-01T14:00:00.000Z", "2026-03-05T14:00:00.000Z", "high+low"],
      [1, "override_into_nobody", "2026-03-06T00:00:00.000Z", "2026-03-06T02:00:00.000Z", "high+low"],
      [2, "empty_rotation", "2026-03-01T14:00:00.000Z", "2026-03-08T14:00:00.000Z", "high"],
    ]);
    expect(gaps[1]!.detail).toBe(
      'rotation "us-primary": an override puts Pat Doe (pat) on call, who has no Slack id and no phone',
    );
  });

  it("a topic target, or anyone reachable at the level, covers it", () => {
    const directory = parseDirectoryYaml(PLANTED);
    const team = directory.teams[1]!;
    const covered: Directory = {
      ...directory,
      teams: [
        {
          ...team,
          escalationPolicy: {
            ...team.escalationPolicy,
            levels: [
              {
                targets: [
                  { type: "rotation", id: "nights" },
                  { type: "topic", arn: "arn:aws:sns:us-east-1:123456789012:night-ops" },
                ],
                timeoutMinutes: 5,
              },
            ],
          },
        },
      ],
    };
    expect(coverageGaps(covered, FROM).gaps).toEqual([]);
  });
});

describe("coverage agrees with the pager's own resolution (property, across DST changes)", () => {
  const ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "UTC"];
  /** The 2026 clock changes of those zones. */
  const CHANGES = [
    "2026-03-08T07:00:00Z",
    "2026-03-29T01:00:00Z",
    "2026-04-05T16:00:00Z",
    "2026-11-01T06:00:00Z",
  ];
  const people: Person[] = [
    { id: "p0", name: "P0", slackUserId: "U000000001", timezone: "UTC" },
    { id: "p1", name: "P1", phone: "+12025550101", timezone: "UTC" },
    { id: "p2", name: "P2", email: "p2@example.com", timezone: "UTC" },
    { id: "p3", name: "P3", timezone: "UTC" },
  ];
  const ids = ["p0", "p1", "p2", "p3", "gone"];
  const HOUR = 3_600_000;
  const shift: fc.Arbitrary<Shift> = fc.oneof(
    fc.constant<Shift>({ type: "daily" }),
    fc.constant<Shift>({ type: "weekly" }),
    fc.integer({ min: 1, max: 36 }).map((hours): Shift => ({ type: "hours", hours })),
  );
  const rotation = (id: string) =>
    fc
      .record({
        members: fc.array(fc.constantFrom(...ids.slice(0, 4)), { maxLength: 4 }),
        shift,
        hh: fc.integer({ min: 0, max: 23 }),
        mm: fc.constantFrom(0, 30),
        timezone: fc.constantFrom(...ZONES),
        start: fc.constantFrom("2026-02-25", "2026-03-07", "2026-03-28", "2026-10-30"),
        overrides: fc.array(
          fc.record({
            personId: fc.constantFrom(...ids),
            change: fc.constantFrom(...CHANGES),
            offsetH: fc.integer({ min: -30, max: 30 }),
            lengthH: fc.integer({ min: 1, max: 20 }),
          }),
          { maxLength: 3 },
        ),
      })
      .map(
        (r): Rotation => ({
          id,
          members: r.members,
          shift: r.shift,
          handoffTime: `${String(r.hh).padStart(2, "0")}:${String(r.mm).padStart(2, "0")}`,
          timezone: r.timezone,
          start: r.start,
          overrides: r.overrides.map((o) => {
            const from = Date.parse(o.change) + o.offsetH * HOUR;
            return {
              personId: o.personId,
              from: new Date(from).toISOString(),
              to: new Date(from + o.lengthH * HOUR).toISOString(),
            };
          }),
        }),
      );

  it("at any instant, a level is in a gap exactly when the pager would reach nobody who can be paged there", () => {
    fc.assert(
      fc.property(
        rotation("r1"),
        rotation("r2"),
        fc.array(fc.constantFrom<TargetRef>({ type: "rotation", id: "r1" }, { type: "rotation", id: "r2" }), {
          minLength: 1,
          maxLength: 2,
        }),
        fc.constantFrom(...CHANGES),
        fc.integer({ min: -48, max: 24 }),
        fc.array(fc.integer({ min: 0, max: 72 * 60 - 1 }), { minLength: 20, maxLength: 20 }),
        (r1, r2, targets, change, startH, minutes) => {
          const directory: Directory = {
            version: 1,
            people,
            escalationPolicies: [],
            teams: [
              {
                id: "t",
                name: "T",
                services: [{ id: "svc" }],
                rotations: [r1, r2],
                escalationPolicy: {
                  id: "team:t",
                  levels: [{ targets, timeoutMinutes: 5 }],
                  repeat: 0,
                  fallback: { type: "person", id: "p1" },
                },
              },
            ],
          };
          const from = new Date(Date.parse(change) + startH * HOUR);
          const { gaps } = coverageGaps(directory, from, 3);
          // Gaps are ordered, disjoint and inside the window.
          for (const [i, gap] of gaps.entries()) {
            expect(Date.parse(gap.from)).toBeLessThan(Date.parse(gap.to));
            if (i > 0) expect(Date.parse(gaps[i - 1]!.to)).toBeLessThanOrEqual(Date.parse(gap.from));
          }
          for (const minute of minutes) {
            const at = from.getTime() + minute * 60_000;
            const inGap = gaps.some((g) => Date.parse(g.from) <= at && at < Date.parse(g.to));
            const reached = resolveTargets(directory, targets, new Date(at)).targets.some(
              (t) => t.type === "topic" || pageableMethods(t.person).length > 0,
            );
            expect(inGap).toBe(!reached);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
