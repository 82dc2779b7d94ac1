import { VersionConflictError } from "@firebreak/core/shared/errors";

/** Retry pacing shared by the event adapters (EventBridge, local dispatcher, local stream poller). */
export interface BackoffOptions {
  /** Delay cap before the first retry, in ms. */
  baseMs: number;
  /** Upper bound on any single delay, in ms. */
  maxMs: number;
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): a random delay in [0, min(maxMs, baseMs · 2^(attempt-1))]. `attempt` counts from 1.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.round(cap * random());
}

/** Between retries of a write that lost an optimistic-locking race (incident, escalation): 10 ms doubling, ≤ 250 ms. */
export const CONFLICT_BACKOFF: BackoffOptions = { baseMs: 10, maxMs: 250 };

export type Sleep = (ms: number) => Promise<void>;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` again (on fresh reads: it reads, plans and writes) each time it loses an
 * optimistic-locking race (VersionConflictError), up to `attempts` runs in all, with
 * CONFLICT_BACKOFF between them. Any other error, or the last conflict, is thrown.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, attempts: number): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || n >= attempts) throw error;
      await sleep(backoffDelay(n, CONFLICT_BACKOFF));
    }
  }
}
