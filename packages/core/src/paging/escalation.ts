/**
 * The escalation state machine, pure: given the ladder, the pages already requested for the
 * incident and the time now, it says what is due. The caller runs it on a schedule (a sweep every
 * minute, or a timer at `until`), records what it did (a `page.requested` timeline entry carrying
 * `level` and `round`) and feeds those records back in. Nothing is stored here.
 *
 * The ladder: level 1, 2, … n, each paged when the previous one's `timeoutMinutes` ran out without
 * an acknowledgement; then the whole ladder again `repeat` times (round 1 … repeat; the first pass
 * is round 0); then the fallback, once; then done. Any acknowledgement (of the incident or of one
 * of its pages) or the incident's resolution stops it.
 *
 * Decisions:
 * - A level's timeout runs from the FIRST page recorded for that (round, level), not from when it
 *   was due: a sweep that runs late never shortens the time a person has to answer.
 * - A late sweep takes one step, not several: each level is paged in turn, never skipped for lateness.
 * - A level with no targets (its rotations have nobody on call; see `oncall/who.ts`) is skipped at
 *   once, without waiting its timeout: the decision lists it in `skipped` so the caller can record
 *   that. When every level is empty the fallback is due immediately.
 * - The ladder may change under a running incident: a recorded level beyond the current ladder
 *   counts as its last level (and waits that level's timeout).
 *
 * The ladder is generic, so both a directory `EscalationPolicy` (targets are references) and a
 * `WhoIsOnCall` result (targets resolved at an instant) can drive it.
 */

import type { Clock } from "@firebreak/core/shared/clock";
import { ValidationError } from "@firebreak/core/shared/errors";
import type { Severity } from "../incident/model";

const MS_PER_MINUTE = 60_000;

export interface EscalationLadder<T = unknown, F = unknown> {
  levels: ReadonlyArray<{ targets: ReadonlyArray<T>; timeoutMinutes: number }>;
  /** How many more passes over the whole ladder after the first. */
  repeat: number;
  fallback: F;
}

/** One page already requested for the incident, as the caller recorded it. */
export interface PageRecord {
  /** 1-based level, or "fallback". */
  level: number | "fallback";
  /** 0 for the first pass, 1 … repeat for the repeats (copy it from the `page` decision). */
  round: number;
  requestedAt: Date | string;
  acknowledged?: boolean;
}

export interface EscalationState {
  pages: readonly PageRecord[];
  /** When the incident was acknowledged (by anyone, through any channel). */
  acknowledgedAt?: Date | string;
  resolved?: boolean;
}

export interface SkippedLevel {
  level: number;
  round: number;
}

export type EscalationDecision<T = unknown, F = unknown> =
  /** Nothing due before `until` (the current level's timeout). */
  | { action: "wait"; until: Date; level: number; round: number }
  | {
      action: "page";
      level: number;
      round: number;
      targets: ReadonlyArray<T>;
      timeoutMinutes: number;
      /** Empty levels passed over to get here. */
      skipped: SkippedLevel[];
    }
  | { action: "fallback"; target: F; skipped: SkippedLevel[] }
  | { action: "done"; reason: "acknowledged" | "resolved" | "fallback_paged" };

function ms(value: Date | string, path: string): number {
  const t = typeof value === "string" ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(t))
    throw new ValidationError(`${path} is not a valid instant`, [{ path, message: "invalid instant" }]);
  return t;
}

function checkLadder(ladder: EscalationLadder): void {
  const issues = [];
  if (!(Number.isInteger(ladder.repeat) && ladder.repeat >= 0))
    issues.push({ path: "repeat", message: "must be a whole number, at least 0" });
  ladder.levels.forEach((level, i) => {
    if (!(Number.isFinite(level.timeoutMinutes) && level.timeoutMinutes >= 1))
      issues.push({ path: `levels[${i}].timeoutMinutes`, message: "must be at least 1" });
  });
  if (issues.length > 0) throw new ValidationError("invalid escalation ladder", issues);
}

type Position = { level: number; round: number } | "fallback";

function advance(ladder: EscalationLadder, at: { level: number; round: number }): Position {
  if (at.level < ladder.levels.length) return { level: at.level + 1, round: at.round };
  if (at.round < ladder.repeat) return { level: 1, round: at.round + 1 };
  return "fallback";
}

function stepFrom<T, F>(ladder: EscalationLadder<T, F>, from: Position): EscalationDecision<T, F> {
  const skipped: SkippedLevel[] = [];
  let at = from;
  while (at !== "fallback") {
    const level = ladder.levels[at.level - 1];
    if (level && level.targets.length > 0) {
      return {
        action: "page",
        level: at.level,
        round: at.round,
        targets: level.targets,
        timeoutMinutes: level.timeoutMinutes,
        skipped,
      };
    }
    skipped.push(at);
    at = advance(ladder, at);
  }
  return { action: "fallback", target: ladder.fallback, skipped };
}

/** What is due now; see the module comment. */
export function nextEscalation<T, F>(
  ladder: EscalationLadder<T, F>,
  state: EscalationState,
  now: Date,
): EscalationDecision<T, F> {
  checkLadder(ladder);
  const nowMs = ms(now, "now");
  if (state.resolved) return { action: "done", reason: "resolved" };
  if (state.acknowledgedAt !== undefined || state.pages.some((p) => p.acknowledged))
    return { action: "done", reason: "acknowledged" };
  if (state.pages.some((p) => p.level === "fallback")) return { action: "done", reason: "fallback_paged" };
  if (ladder.levels.length === 0) return { action: "fallback", target: ladder.fallback, skipped: [] };

  // The furthest position reached, and when it was first paged.
  let latest: { level: number; round: number; at: number } | undefined;
  for (const [i, page] of state.pages.entries()) {
    if (page.level === "fallback") continue;
    const level = Math.min(page.level, ladder.levels.length);
    const at = ms(page.requestedAt, `pages[${i}].requestedAt`);
    if (!latest || page.round > latest.round || (page.round === latest.round && level > latest.level)) {
      latest = { level, round: page.round, at };
    } else if (page.round === latest.round && level === latest.level && at < latest.at) {
      latest.at = at;
    }
  }
  if (!latest) return stepFrom(ladder, { level: 1, round: 0 });

  const timeout = ladder.levels[latest.level - 1]?.timeoutMinutes ?? 1;
  const due = latest.at + timeout * MS_PER_MINUTE;
  if (nowMs < due) return { action: "wait", until: new Date(due), level: latest.level, round: latest.round };
  return stepFrom(ladder, advance(ladder, latest));
}

/** `nextEscalation` at the clock's now (production passes `systemClock`, tests a fake). */
export function escalationDue<T, F>(
  ladder: EscalationLadder<T, F>,
  state: EscalationState,
  clock: Clock,
): EscalationDecision<T, F> {
  return nextEscalation(ladder, state, clock.now());
}

// ---------------------------------------------------------------------------------------------
// Role coverage: a SEV1/SEV2 must have an incident commander who has acknowledged
// ---------------------------------------------------------------------------------------------

export type CoveredSeverity = "SEV1" | "SEV2";

/** Minutes after declaration (and between repeats) within which a SEV1/SEV2 needs an acknowledged IC. */
export const DEFAULT_ROLE_COVERAGE_MINUTES: Readonly<Record<CoveredSeverity, number>> = { SEV1: 5, SEV2: 15 };

export interface RoleCoverageInput {
  severity: Severity;
  declaredAt: Date | string;
  /** When the incident commander acknowledged (took the role), if they have. */
  icAcknowledgedAt?: Date | string;
  /** One number for both, or per severity; defaults to `DEFAULT_ROLE_COVERAGE_MINUTES`. */
  minutes?: number | Partial<Record<CoveredSeverity, number>>;
  now: Date;
  /** When the caller last acted on an `escalate` decision: the next one is due `minutes` after it. */
  lastEscalatedAt?: Date | string;
}

export type RoleCoverageDecision =
  | { action: "none"; reason: "severity_not_covered" | "ic_acknowledged" }
  | { action: "wait"; until: Date }
  | {
      action: "escalate";
      /** When the IC's acknowledgement was due (or the repeat). */
      dueAt: Date;
      /** Whole minutes since the incident was declared. */
      minutesSinceDeclared: number;
      /** "first" the first time, "repeat" after `lastEscalatedAt`. */
      attempt: "first" | "repeat";
      /** One line for the timeline. */
      summary: string;
    };

/**
 * The role-coverage rule: a SEV1 or SEV2 whose incident commander has not acknowledged within
 * `minutes` of declaration must be re-paged and escalated; then again every `minutes` until they
 * do. Lower severities are not covered. The caller records the decision on the timeline (and
 * passes its time back as `lastEscalatedAt`).
 */
export function roleCoverageDue(input: RoleCoverageInput): RoleCoverageDecision {
  const { severity } = input;
  if (severity !== "SEV1" && severity !== "SEV2") return { action: "none", reason: "severity_not_covered" };
  if (input.icAcknowledgedAt !== undefined) return { action: "none", reason: "ic_acknowledged" };
  const minutes =
    typeof input.minutes === "number"
      ? input.minutes
      : (input.minutes?.[severity] ?? DEFAULT_ROLE_COVERAGE_MINUTES[severity]);
  if (!(Number.isFinite(minutes) && minutes > 0))
    throw new ValidationError("invalid role-coverage minutes", [
      { path: "minutes", message: "must be above 0" },
    ]);
  const declared = ms(input.declaredAt, "declaredAt");
  const now = ms(input.now, "now");
  const last = input.lastEscalatedAt === undefined ? undefined : ms(input.lastEscalatedAt, "lastEscalatedAt");
  const due = (last ?? declared) + minutes * MS_PER_MINUTE;
  if (now < due) return { action: "wait", until: new Date(due) };
  const since = Math.floor((now - declared) / MS_PER_MINUTE);
  return {
    action: "escalate",
    dueAt: new Date(due),
    minutesSinceDeclared: since,
    attempt: last === undefined ? "first" : "repeat",
    summary: `${severity} has no acknowledged incident commander ${since} min after declaration (rule: ${minutes} min): re-paging and escalating`,
  };
}
