/** The injectable clock: production uses the system time, tests pass their own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that reads `instant` when created and then advances with real elapsed time (monotonic:
 * `performance.now`), so timeouts, sweeps and "how long ago" still behave. For tests, benchmarks
 * and demos whose outcome must not depend on today's date (who is on call, which week of a rotation).
 */
export function pinnedClock(instant: Date | string | number): Clock {
  const at = new Date(instant).getTime();
  if (!Number.isFinite(at)) throw new RangeError(`pinnedClock: not an instant: ${String(instant)}`);
  const started = performance.now();
  return { now: () => new Date(at + Math.floor(performance.now() - started)) };
}
