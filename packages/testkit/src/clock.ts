/**
 * Clocks for tests whose outcome depends on the date (who is on call, which week of a rotation).
 *
 * `testInstant()` is FIREBREAK_TEST_NOW when set (the vitest `schedule@…` projects set it, one
 * project per instant: see vitest.config.ts), else a fixed default. Never today's date.
 */
import { type Clock, pinnedClock } from "@firebreak/core/shared/clock";

export { pinnedClock };

/** The instant schedule-dependent tests run at when FIREBREAK_TEST_NOW is unset (a Wednesday; alice on checkout-primary). */
export const DEFAULT_TEST_INSTANT = "2026-02-04T12:00:00.000Z";

/** The pinned instant of this test run: FIREBREAK_TEST_NOW, else DEFAULT_TEST_INSTANT. */
export function testInstant(env: Record<string, string | undefined> = process.env): Date {
  const text = env.FIREBREAK_TEST_NOW?.trim() || DEFAULT_TEST_INSTANT;
  const at = new Date(text);
  if (!Number.isFinite(at.getTime()))
    throw new RangeError(`FIREBREAK_TEST_NOW is not an ISO 8601 instant: "${text}"`);
  return at;
}

/** A clock that starts at `testInstant()` and advances with real elapsed time (timeouts still fire). */
export function testClock(): Clock {
  return pinnedClock(testInstant());
}
