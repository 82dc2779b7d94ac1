import { backoffDelay, RetryAborted, retry, type Sleep, sleep } from "@firebreak/core/shared/retry";

export type { Sleep };

/**
 * Bounded retries for the paging channel adapters (SNS, Slack).
 *
 * Exponential backoff with full jitter between attempts, except when the provider says how long
 * to wait (Slack's `Retry-After` on a 429): then that hint is honoured, capped by
 * `maxRetryAfterMs` so one rate-limited call can never hold a page for long. Only failures
 * classified as retryable are retried; permanent ones (4xx, bad channel, bad auth) end at once.
 */

export interface RetryPolicy {
  /** Total attempts, the first included (at least 1). */
  attempts: number;
  /** Backoff cap before the first retry, in ms; doubles per retry (full jitter below it). */
  baseMs: number;
  /** Upper bound on any backoff delay, in ms. */
  maxMs: number;
  /** Upper bound on a provider's `retryAfterMs` hint, in ms. */
  maxRetryAfterMs: number;
}

/** 3 attempts: worst case about 0.2 s + 0.4 s of backoff, or 2 × 5 s when rate limited. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  attempts: 3,
  baseMs: 200,
  maxMs: 2_000,
  maxRetryAfterMs: 5_000,
};

/** A provider failure, classified. `code` is the provider's own code where it has one. */
export interface ProviderFailure {
  code: string;
  message: string;
  retryable: boolean;
  /** How long the provider asked us to wait before trying again (Slack `Retry-After`, in ms). */
  retryAfterMs?: number;
}

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  sleep?: Sleep;
  random?: () => number;
  /**
   * Ends the retries: no new attempt starts, a pending delay is cut short, and an attempt in
   * flight stops being waited for (the operation also receives the signal to cancel itself).
   */
  signal?: AbortSignal;
  /** Called as each attempt starts (1-based). */
  onAttempt?: (attempt: number) => void;
}

export type RetryOutcome<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; failure: ProviderFailure; attempts: number };

/** Code of the failure reported when the caller's signal ends the retries before any attempt failed. */
export const ABORTED = "aborted";

/**
 * Runs `operation` up to `policy.attempts` times. Every error it throws goes through `classify`,
 * which turns provider errors into a {@link ProviderFailure} and rethrows anything else
 * (a programming error): `withRetry` itself never throws for provider failures.
 */
export async function withRetry<T>(
  operation: (attempt: number, signal?: AbortSignal) => Promise<T>,
  classify: (error: unknown) => ProviderFailure,
  options: RetryOptions = {},
): Promise<RetryOutcome<T>> {
  const policy = resolvePolicy(options.policy);
  const random = options.random ?? Math.random;
  const { signal } = options;
  let last: ProviderFailure | undefined;
  let lastError: unknown;
  let attempts = 0;
  try {
    const value = await retry(
      async (n) => {
        attempts = n;
        options.onAttempt?.(n);
        try {
          return await raceAbort(operation(n, signal), signal);
        } catch (error) {
          if (error === ABORT_WON) throw new RetryAborted(signal?.reason, last, n);
          last = classify(error);
          lastError = error;
          throw error;
        }
      },
      {
        attempts: policy.attempts,
        retryable: (error) => error === lastError && last?.retryable === true,
        delayMs: (n) => retryDelayMs(n, last ?? {}, policy, random),
        sleep: options.sleep ?? sleep,
        random,
        ...(signal ? { signal } : {}),
      },
    );
    return { ok: true, value, attempts };
  } catch (error) {
    if (error instanceof RetryAborted) return { ok: false, failure: abortedFailure(signal, last), attempts };
    if (last && error === lastError) return { ok: false, failure: last, attempts };
    throw error;
  }
}

/**
 * Delay before the retry that follows failed attempt `attempt` (1-based): the provider's hint
 * when it gave one (capped by `maxRetryAfterMs`), otherwise full-jitter exponential backoff.
 */
export function retryDelayMs(
  attempt: number,
  failure: Pick<ProviderFailure, "retryAfterMs">,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (failure.retryAfterMs !== undefined && Number.isFinite(failure.retryAfterMs))
    return Math.min(Math.max(0, failure.retryAfterMs), policy.maxRetryAfterMs);
  return backoffDelay(attempt, { baseMs: policy.baseMs, maxMs: policy.maxMs }, random);
}

export function resolvePolicy(policy: Partial<RetryPolicy> = {}): RetryPolicy {
  const merged = { ...DEFAULT_RETRY_POLICY, ...policy };
  return { ...merged, attempts: Math.max(1, Math.floor(merged.attempts)) };
}

// ---- classification helpers shared by the adapters ----

/** HTTP statuses worth retrying: request timeout, too early, throttled, and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** AWS error codes that mean "slow down" (the SDK's own list, plus SNS's `Throttled`). */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "Throttled",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "SlowDown",
  "PriorRequestNotComplete",
  "KMSThrottling",
  "KMSThrottlingException",
]);

/** Socket-level error codes: the request may not have reached the provider; worth retrying. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

/** A request timeout (SDK `TimeoutError`, `AbortSignal.timeout`, `ETIMEDOUT`). */
export function isTimeoutError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = errorCode(error);
  return error.name === "TimeoutError" || code === "ETIMEDOUT" || code === "ESOCKETTIMEDOUT";
}

/** A socket-level failure, looking through `cause` (fetch wraps them in `TypeError: fetch failed`). */
export function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = errorCode(e);
    if (code !== undefined && NETWORK_ERROR_CODES.has(code)) return true;
  }
  return false;
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---- internals ----

const ABORT_WON = Symbol("abort");

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(ABORT_WON);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(ABORT_WON);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** The caller gave up (usually its time budget ran out); the last provider failure, if any, is kept in the message. */
function abortedFailure(signal: AbortSignal | undefined, last: ProviderFailure | undefined): ProviderFailure {
  const reason: unknown = signal?.reason;
  const timedOut = reason instanceof Error && reason.name === "TimeoutError";
  const why = timedOut ? "the time budget ran out" : errorMessage(reason);
  const after = last ? ` (last failure: ${last.code}: ${last.message})` : "";
  return { code: ABORTED, message: `gave up: ${why}${after}`, retryable: true };
}

/**
 * AWS SDK errors as provider failures, for every AWS channel (SNS's query protocol, End User
 * Messaging's JSON one): throttling, server faults, 5xx, timeouts and socket errors are retryable;
 * other service errors (4xx) are permanent. The code is the wire `Code` when the protocol has one,
 * else the error's name. Anything that is not an SDK or network error is rethrown (a bug).
 */
export function classifyAwsError(error: unknown): ProviderFailure {
  if (!(error instanceof Error)) throw error;
  const message = errorMessage(error);
  if (error.name === "AbortError") return { code: "aborted", message, retryable: true };
  if (isTimeoutError(error)) return { code: "Timeout", message, retryable: true };
  const status = httpStatus(error);
  const fault = "$fault" in error ? error.$fault : undefined;
  if (status !== undefined || fault !== undefined) {
    // The wire code (`<Error><Code>`): the SDK names modeled errors after their shape instead
    // (`InvalidParameter` arrives as `InvalidParameterException`, `Throttled` as `ThrottledException`).
    const wire = "Code" in error && typeof error.Code === "string" ? error.Code : undefined;
    const code = wire ?? error.name;
    const retryable =
      THROTTLING_CODES.has(code) ||
      THROTTLING_CODES.has(error.name) ||
      fault === "server" ||
      (status !== undefined && isRetryableStatus(status));
    return { code, message, retryable };
  }
  if (isNetworkError(error)) return { code: errorCode(error) ?? "NetworkError", message, retryable: true };
  if (error.name === "CredentialsProviderError")
    return { code: "CredentialsProviderError", message, retryable: false };
  throw error;
}

function httpStatus(error: Error): number | undefined {
  if (!("$metadata" in error) || typeof error.$metadata !== "object" || error.$metadata === null)
    return undefined;
  const status = (error.$metadata as { httpStatusCode?: unknown }).httpStatusCode;
  return typeof status === "number" ? status : undefined;
}
