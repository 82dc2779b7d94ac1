/**
 * Retrying, one way: `retry` runs an attempt until it succeeds, its error is not retryable, or the
 * attempts run out, waiting between attempts by exponential backoff with full jitter (or by the
 * delay the failure asks for, e.g. a provider's `Retry-After`), and stopping early when a signal
 * aborts. Every retry loop in Firebreak goes through it: the read → plan → write loops that lose an
 * optimistic-locking race (`retryOnConflict`), the channel adapters' provider calls
 * (paging/retry.ts `withRetry`), the event adapters' redeliveries.
 */
import { VersionConflictError } from "./errors";

/** Backoff pacing: the cap before the first retry, doubling per retry, never above `maxMs`. */
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

/** Waits `ms`; rejects early (with the signal's reason) if `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export interface RetryLoop {
  /** Attempts in all, the first included (at least 1). */
  attempts: number;
  /** Whether this failure of attempt `attempt` may be tried again. */
  retryable: (error: unknown, attempt: number) => boolean;
  /** The pacing between attempts (CONFLICT_BACKOFF by default). */
  backoff?: BackoffOptions;
  /** The wait after failed attempt `attempt`, when the failure says (else the backoff's). */
  delayMs?: (attempt: number, error: unknown) => number | undefined;
  sleep?: Sleep;
  random?: () => number;
  /** Ends the retries: no new attempt starts, a pending wait is cut short (`RetryAborted`). */
  signal?: AbortSignal;
  /** Told of each failure that will be tried again (e.g. to log it), before the wait. */
  onRetry?: (error: unknown, attempt: number) => void;
}

/** The retries were ended by their signal; `last` is the failure before it, if any. */
export class RetryAborted extends Error {
  constructor(
    readonly reason: unknown,
    readonly last: unknown,
    readonly attempts: number,
  ) {
    super("retries aborted");
  }
}

/**
 * Runs `attempt(n)` (n from 1) until it resolves; a failure that `retryable` refuses, or the last
 * attempt's, is thrown as it is. Between attempts it waits (`delayMs`, else the backoff).
 */
export async function retry<T>(
  attempt: (n: number, signal?: AbortSignal) => Promise<T>,
  loop: RetryLoop,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(loop.attempts));
  const wait = loop.sleep ?? sleep;
  const { signal } = loop;
  let last: unknown;
  for (let n = 1; ; n++) {
    if (signal?.aborted) throw new RetryAborted(signal.reason, last, n - 1);
    try {
      return await attempt(n, signal);
    } catch (error) {
      if (error instanceof RetryAborted) throw error;
      if (n >= attempts || !loop.retryable(error, n)) throw error;
      last = error;
      loop.onRetry?.(error, n);
      const hinted = loop.delayMs?.(n, error);
      const delay = hinted ?? backoffDelay(n, loop.backoff ?? CONFLICT_BACKOFF, loop.random);
      try {
        await wait(delay, signal);
      } catch (waitError) {
        if (!signal?.aborted) throw waitError;
      }
    }
  }
}

/**
 * Runs `attempt` again (on fresh reads: it reads, plans and writes) each time it loses an
 * optimistic-locking race, up to `attempts` runs in all, with CONFLICT_BACKOFF between them. A race
 * is a VersionConflictError unless `raced` says otherwise. Any other error, or the last race, is
 * thrown.
 */
export function retryOnConflict<T>(
  attempt: (n: number) => Promise<T>,
  attempts: number,
  raced: (error: unknown) => boolean = (error) => error instanceof VersionConflictError,
): Promise<T> {
  return retry(attempt, { attempts, retryable: raced });
}
