import type { Clock } from "@firebreak/core/shared/clock";
import { ValidationError } from "@firebreak/core/shared/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type EscalationDecision,
  type EscalationLadder,
  escalationDue,
  nextEscalation,
  type PageRecord,
  roleCoverageDue,
} from "./escalation";

type Target = string;

/** Levels after 5, 10 and 15 minutes; the ladder once more; then the all-hands topic. */
const POLICY: EscalationLadder<Target, Target> = {
  levels: [
    { targets: ["primary"], timeoutMinutes: 5 },
    { targets: ["secondary"], timeoutMinutes: 10 },
    { targets: ["manager", "team-topic"], timeoutMinutes: 15 },
  ],
  repeat: 1,
  fallback: "all-hands",
};

const T0 = Date.parse("2026-03-14T09:00:00.000Z");
const MIN = 60_000;
const at = (minutes: number) => new Date(T0 + minutes * MIN);

class FakeClock implements Clock {
  constructor(public t: number) {}
  now() {
    return new Date(this.t);
  }
}

/** Sweeps the state machine every minute from T0 to T0 + `minutes`, recording what it pages. */
function sweep<T, F>(
  policy: EscalationLadder<T, F>,
  minutes: number,
  options: { ackAt?: number } = {},
): { log: string[]; pages: PageRecord[]; last: EscalationDecision<T, F> | undefined } {
  const clock = new FakeClock(T0);
  const pages: PageRecord[] = [];
  const log: string[] = [];
  let acknowledgedAt: Date | undefined;
  let last: EscalationDecision<T, F> | undefined;
  for (let m = 0; m <= minutes; m++) {
    clock.t = T0 + m * MIN;
    if (options.ackAt === m) acknowledgedAt = clock.now();
    const decision = escalationDue(policy, { pages, acknowledgedAt }, clock);
    last = decision;
    if (decision.action === "page") {
      pages.push({ level: decision.level, round: decision.round, requestedAt: clock.now().toISOString() });
      log.push(`T+${m} page L${decision.level} R${decision.round} ${JSON.stringify(decision.targets)}`);
    } else if (decision.action === "fallback") {
      pages.push({ level: "fallback", round: 0, requestedAt: clock.now() });
      log.push(`T+${m} fallback ${JSON.stringify(decision.target)}`);
    }
  }
  return { log, pages, last };
}

describe("an hour of escalation in milliseconds", () => {
  it("pages each level in turn, repeats the ladder once, then pages the fallback once", () => {
    const { log, last } = sweep(POLICY, 60);
    expect(log).toEqual([
      'T+0 page L1 R0 ["primary"]',
      'T+5 page L2 R0 ["secondary"]',
      'T+15 page L3 R0 ["manager","team-topic"]',
      'T+30 page L1 R1 ["primary"]',
      'T+35 page L2 R1 ["secondary"]',
      'T+45 page L3 R1 ["manager","team-topic"]',
      'T+60 fallback "all-hands"',
    ]);
    expect(last).toEqual({ action: "fallback", target: "all-hands", skipped: [] });
    // And after that, nothing more, ever.
    const pages = sweep(POLICY, 60).pages;
    expect(nextEscalation(POLICY, { pages }, at(500))).toEqual({ action: "done", reason: "fallback_paged" });
  });

  it("stops the moment someone acknowledges", () => {
    const { log, last } = sweep(POLICY, 60, { ackAt: 37 });
    expect(log).toEqual([
      'T+0 page L1 R0 ["primary"]',
      'T+5 page L2 R0 ["secondary"]',
      'T+15 page L3 R0 ["manager","team-topic"]',
      'T+30 page L1 R1 ["primary"]',
      'T+35 page L2 R1 ["secondary"]',
    ]);
    expect(last).toEqual({ action: "done", reason: "acknowledged" });
  });

  it("with no repeat, goes from the last level to the fallback", () => {
    const { log } = sweep({ ...POLICY, repeat: 0 }, 60);
    expect(log).toEqual([
      'T+0 page L1 R0 ["primary"]',
      'T+5 page L2 R0 ["secondary"]',
      'T+15 page L3 R0 ["manager","team-topic"]',
      'T+30 fallback "all-hands"',
    ]);
  });

  it("skips empty levels without waiting, and goes straight to the fallback when all are empty", () => {
    const holes: EscalationLadder<Target, Target> = {
      levels: [
        { targets: ["primary"], timeoutMinutes: 5 },
        { targets: [], timeoutMinutes: 10 },
        { targets: ["manager"], timeoutMinutes: 15 },
      ],
      repeat: 1,
      fallback: "all-hands",
    };
    expect(sweep(holes, 60).log).toEqual([
      'T+0 page L1 R0 ["primary"]',
      'T+5 page L3 R0 ["manager"]',
      'T+20 page L1 R1 ["primary"]',
      'T+25 page L3 R1 ["manager"]',
      'T+40 fallback "all-hands"',
    ]);
    expect(
      nextEscalation(holes, { pages: [{ level: 1, round: 0, requestedAt: at(0) }] }, at(5)),
    ).toMatchObject({
      action: "page",
      level: 3,
      skipped: [{ level: 2, round: 0 }],
    });
    const empty = { levels: [{ targets: [], timeoutMinutes: 5 }], repeat: 3, fallback: "all-hands" };
    expect(nextEscalation(empty, { pages: [] }, at(0))).toEqual({
      action: "fallback",
      target: "all-hands",
      skipped: [
        { level: 1, round: 0 },
        { level: 1, round: 1 },
        { level: 1, round: 2 },
        { level: 1, round: 3 },
      ],
    });
  });
});

describe("nextEscalation", () => {
  it("says when the next step is due", () => {
    const pages: PageRecord[] = [{ level: 1, round: 0, requestedAt: at(0) }];
    expect(nextEscalation(POLICY, { pages }, at(4.99))).toEqual({
      action: "wait",
      until: at(5),
      level: 1,
      round: 0,
    });
    expect(nextEscalation(POLICY, { pages }, at(5))).toMatchObject({ action: "page", level: 2, round: 0 });
  });

  it("counts a level's timeout from its first page, and never skips a level for a late sweep", () => {
    const pages: PageRecord[] = [
      { level: 1, round: 0, requestedAt: at(0) },
      { level: 2, round: 0, requestedAt: at(40) }, // a sweep ran 35 minutes late
      { level: 2, round: 0, requestedAt: at(42) }, // a second target of the same level, recorded later
    ];
    expect(nextEscalation(POLICY, { pages }, at(45))).toEqual({
      action: "wait",
      until: at(50),
      level: 2,
      round: 0,
    });
    expect(nextEscalation(POLICY, { pages }, at(120))).toMatchObject({ action: "page", level: 3, round: 0 });
  });

  it("is not fooled by the order pages are listed in", () => {
    const pages: PageRecord[] = [
      { level: 1, round: 1, requestedAt: at(30) },
      { level: 3, round: 0, requestedAt: at(15) },
      { level: 1, round: 0, requestedAt: at(0) },
    ];
    expect(nextEscalation(POLICY, { pages }, at(31))).toEqual({
      action: "wait",
      until: at(35),
      level: 1,
      round: 1,
    });
  });

  it("stops when a page is acknowledged or the incident resolved", () => {
    const pages: PageRecord[] = [{ level: 1, round: 0, requestedAt: at(0), acknowledged: true }];
    expect(nextEscalation(POLICY, { pages }, at(10))).toEqual({ action: "done", reason: "acknowledged" });
    expect(nextEscalation(POLICY, { pages: [], resolved: true }, at(10))).toEqual({
      action: "done",
      reason: "resolved",
    });
  });

  it("treats a recorded level beyond a shortened ladder as its last level", () => {
    const short = { ...POLICY, levels: POLICY.levels.slice(0, 2), repeat: 0 };
    const pages: PageRecord[] = [{ level: 3, round: 0, requestedAt: at(15) }];
    expect(nextEscalation(short, { pages }, at(20))).toEqual({
      action: "wait",
      until: at(25),
      level: 2,
      round: 0,
    });
    expect(nextEscalation(short, { pages }, at(25))).toEqual({
      action: "fallback",
      target: "all-hands",
      skipped: [],
    });
  });

  it("rejects invalid ladders and timestamps", () => {
    expect(() => nextEscalation({ ...POLICY, repeat: -1 }, { pages: [] }, at(0))).toThrow(ValidationError);
    expect(() =>
      nextEscalation({ ...POLICY, levels: [{ targets: ["x"], timeoutMinutes: 0 }] }, { pages: [] }, at(0)),
    ).toThrow(ValidationError);
    expect(() =>
      nextEscalation(POLICY, { pages: [{ level: 1, round: 0, requestedAt: "yesterday" }] }, at(0)),
    ).toThrow(ValidationError);
  });

  it("for any ladder and sweep cadence, pages every level of every round in order, then the fallback once (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ empty: fc.boolean(), timeoutMinutes: fc.integer({ min: 1, max: 30 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 7 }),
        (levels, repeat, every) => {
          const ladder = {
            levels: levels.map((l, i) => ({
              targets: l.empty ? [] : [`L${i + 1}`],
              timeoutMinutes: l.timeoutMinutes,
            })),
            repeat,
            fallback: "fallback",
          };
          const pages: PageRecord[] = [];
          const sequence: string[] = [];
          let lastPageAt = 0;
          for (let m = 0; m <= 24 * 60; m += every) {
            const d = nextEscalation(ladder, { pages }, at(m));
            if (d.action === "page") {
              // Never before the previous level's timeout.
              const previous = pages.at(-1);
              if (previous && previous.level !== "fallback") {
                const timeout = ladder.levels[previous.level - 1]!.timeoutMinutes;
                expect(m - lastPageAt).toBeGreaterThanOrEqual(timeout);
              }
              pages.push({ level: d.level, round: d.round, requestedAt: at(m) });
              lastPageAt = m;
              sequence.push(`${d.round}:${d.level}`);
            } else if (d.action === "fallback") {
              pages.push({ level: "fallback", round: 0, requestedAt: at(m) });
              sequence.push("fallback");
            }
          }
          const expected: string[] = [];
          for (let round = 0; round <= repeat; round++)
            ladder.levels.forEach((l, i) => {
              if (l.targets.length > 0) expected.push(`${round}:${i + 1}`);
            });
          expected.push("fallback");
          expect(sequence).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("roleCoverageDue", () => {
  const declaredAt = "2026-03-14T09:00:00.000Z";

  it("escalates a SEV1 whose IC has not acknowledged within the policy's minutes", () => {
    expect(roleCoverageDue({ severity: "SEV1", declaredAt, now: at(4), minutes: 5 })).toEqual({
      action: "wait",
      until: at(5),
    });
    expect(roleCoverageDue({ severity: "SEV1", declaredAt, now: at(5), minutes: 5 })).toEqual({
      action: "escalate",
      dueAt: at(5),
      minutesSinceDeclared: 5,
      attempt: "first",
      summary:
        "SEV1 has no acknowledged incident commander 5 min after declaration (rule: 5 min): re-paging and escalating",
    });
  });

  it("repeats every `minutes` after the last escalation until the IC acknowledges", () => {
    const input = { severity: "SEV2" as const, declaredAt, minutes: 10, lastEscalatedAt: at(10) };
    expect(roleCoverageDue({ ...input, now: at(19) })).toEqual({ action: "wait", until: at(20) });
    expect(roleCoverageDue({ ...input, now: at(20) })).toMatchObject({
      action: "escalate",
      attempt: "repeat",
    });
    expect(roleCoverageDue({ ...input, now: at(20), icAcknowledgedAt: at(18) })).toEqual({
      action: "none",
      reason: "ic_acknowledged",
    });
  });

  it("uses per-severity defaults (SEV1 5 min, SEV2 15 min) and does not cover SEV3 and below", () => {
    expect(roleCoverageDue({ severity: "SEV1", declaredAt, now: at(0) })).toEqual({
      action: "wait",
      until: at(5),
    });
    expect(roleCoverageDue({ severity: "SEV2", declaredAt, now: at(0) })).toEqual({
      action: "wait",
      until: at(15),
    });
    expect(roleCoverageDue({ severity: "SEV2", declaredAt, now: at(0), minutes: { SEV2: 30 } })).toEqual({
      action: "wait",
      until: at(30),
    });
    for (const severity of ["SEV3", "SEV4", "SEV5"] as const) {
      expect(roleCoverageDue({ severity, declaredAt, now: at(600) })).toEqual({
        action: "none",
        reason: "severity_not_covered",
      });
    }
  });
});
