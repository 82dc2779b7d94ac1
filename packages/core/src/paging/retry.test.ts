import { sleep } from "@firebreak/core/shared/retry";
import { describe, expect, it } from "vitest";
import {
  ABORTED,
  DEFAULT_RETRY_POLICY,
  isNetworkError,
  isRetryableStatus,
  isTimeoutError,
  type ProviderFailure,
  retryDelayMs,
  withRetry,
} from "./retry";

class Flaky extends Error {
  constructor(readonly failure: ProviderFailure) {
    super(failure.message);
  }
}
const classify = (error: unknown): ProviderFailure => {
  if (error instanceof Flaky) return error.failure;
  throw error;
};
const transient: ProviderFailure = { code: "InternalError", message: "boom", retryable: true };
const permanent: ProviderFailure = { code: "InvalidParameter", message: "bad", retryable: false };

function recorder() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

/** An operation that fails with `failures` in turn, then succeeds with "ok". */
function script(...failures: ProviderFailure[]) {
  let calls = 0;
  const operation = async () => {
    const failure = failures[calls++];
    if (failure) throw new Flaky(failure);
    return "ok";
  };
  return { operation, calls: () => calls };
}

describe("withRetry", () => {
  it("returns the first success with the number of attempts", async () => {
    const { operation } = script(transient);
    const { sleep: fakeSleep } = recorder();
    expect(await withRetry(operation, classify, { sleep: fakeSleep })).toEqual({
      ok: true,
      value: "ok",
      attempts: 2,
    });
  });

  it("stops after `attempts` with the last retryable failure", async () => {
    const { operation, calls } = script(transient, transient, transient, transient);
    const { sleep: fakeSleep, delays } = recorder();
    const outcome = await withRetry(operation, classify, { sleep: fakeSleep, policy: { attempts: 3 } });
    expect(outcome).toEqual({ ok: false, failure: transient, attempts: 3 });
    expect(calls()).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it("does not retry a permanent failure", async () => {
    const { operation, calls } = script(permanent);
    const { sleep: fakeSleep, delays } = recorder();
    expect(await withRetry(operation, classify, { sleep: fakeSleep })).toEqual({
      ok: false,
      failure: permanent,
      attempts: 1,
    });
    expect(calls()).toBe(1);
    expect(delays).toEqual([]);
  });

  it("backs off exponentially with full jitter, capped by maxMs", async () => {
    const { operation } = script(transient, transient, transient, transient, transient);
    const { sleep: fakeSleep, delays } = recorder();
    await withRetry(operation, classify, {
      sleep: fakeSleep,
      random: () => 1,
      policy: { attempts: 6, baseMs: 100, maxMs: 500 },
    });
    expect(delays).toEqual([100, 200, 400, 500, 500]);

    const jittered = script(transient, transient);
    const half = recorder();
    await withRetry(jittered.operation, classify, {
      sleep: half.sleep,
      random: () => 0.5,
      policy: { baseMs: 100, maxMs: 500 },
    });
    expect(half.delays).toEqual([50, 100]);
  });

  it("waits the provider's Retry-After hint instead of the backoff, capped by maxRetryAfterMs", async () => {
    const { operation } = script(
      { ...transient, retryAfterMs: 1_000 },
      { ...transient, retryAfterMs: 60_000 },
    );
    const { sleep: fakeSleep, delays } = recorder();
    const outcome = await withRetry(operation, classify, {
      sleep: fakeSleep,
      random: () => 0,
      policy: { maxRetryAfterMs: 5_000 },
    });
    expect(outcome.ok).toBe(true);
    expect(delays).toEqual([1_000, 5_000]);
  });

  it("rethrows what the classifier rethrows (a programming error)", async () => {
    const bug = new TypeError("undefined is not a function");
    await expect(
      withRetry(
        async () => {
          throw bug;
        },
        classify,
        { sleep: async () => {} },
      ),
    ).rejects.toBe(bug);
  });

  it("reports each attempt as it starts", async () => {
    const { operation } = script(transient, transient);
    const seen: number[] = [];
    await withRetry(operation, classify, { sleep: async () => {}, onAttempt: (n) => seen.push(n) });
    expect(seen).toEqual([1, 2, 3]);
  });

  it("stops waiting for an attempt in flight when the signal aborts", async () => {
    const controller = new AbortController();
    let received: AbortSignal | undefined;
    const pending = withRetry(
      (_attempt, signal) => {
        received = signal;
        return new Promise<string>(() => {});
      },
      classify,
      { signal: controller.signal },
    );
    controller.abort(new DOMException("budget", "TimeoutError"));
    const outcome = await pending;
    expect(received).toBe(controller.signal);
    expect(outcome).toMatchObject({ ok: false, attempts: 1, failure: { code: ABORTED, retryable: true } });
    expect(outcome.ok || outcome.failure.message).toMatch(/time budget/);
  });

  it("cuts a pending delay short when the signal aborts, keeping the last failure in the message", async () => {
    const controller = new AbortController();
    const { operation, calls } = script(transient, transient);
    const pending = withRetry(operation, classify, {
      signal: controller.signal,
      policy: { baseMs: 60_000, maxMs: 60_000 },
      random: () => 1,
    });
    setTimeout(() => controller.abort(new Error("shutting down")), 10);
    // Without the abort this would wait a minute: the test's own timeout is the bound.
    const outcome = await pending;
    expect(calls()).toBe(1);
    expect(outcome).toMatchObject({ ok: false, attempts: 1, failure: { code: ABORTED } });
    expect(outcome.ok || outcome.failure.message).toContain("InternalError: boom");
  });

  it("does not start when the signal has already aborted", async () => {
    const { operation, calls } = script();
    const outcome = await withRetry(operation, classify, { signal: AbortSignal.abort() });
    expect(outcome).toMatchObject({ ok: false, attempts: 0, failure: { code: ABORTED } });
    expect(calls()).toBe(0);
  });
});

describe("retryDelayMs", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseMs: 100, maxMs: 1_000, maxRetryAfterMs: 3_000 };
  it("uses full jitter below min(maxMs, baseMs·2^(n-1))", () => {
    expect(retryDelayMs(1, {}, policy, () => 0.999)).toBe(100);
    expect(retryDelayMs(3, {}, policy, () => 0.5)).toBe(200);
    expect(retryDelayMs(10, {}, policy, () => 1)).toBe(1_000);
    expect(retryDelayMs(10, {}, policy, () => 0)).toBe(0);
  });
  it("prefers the hint, capped, and never negative", () => {
    expect(retryDelayMs(1, { retryAfterMs: 2_000 }, policy, () => 0)).toBe(2_000);
    expect(retryDelayMs(1, { retryAfterMs: 30_000 }, policy, () => 0)).toBe(3_000);
    expect(retryDelayMs(1, { retryAfterMs: -5 }, policy, () => 0)).toBe(0);
  });
});

describe("classification helpers", () => {
  it("treats 408, 425, 429 and 5xx as retryable, other 4xx as permanent", () => {
    expect([408, 425, 429, 500, 502, 503, 504].map(isRetryableStatus)).toEqual(Array(7).fill(true));
    expect([400, 401, 403, 404, 409, 413].map(isRetryableStatus)).toEqual(Array(6).fill(false));
  });
  it("recognises timeouts and socket errors, through `cause`", () => {
    expect(isTimeoutError(Object.assign(new Error("t"), { name: "TimeoutError" }))).toBe(true);
    expect(isTimeoutError(new DOMException("t", "TimeoutError"))).toBe(true);
    expect(isTimeoutError(new Error("x"))).toBe(false);
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(isNetworkError(new TypeError("fetch failed", { cause: refused }))).toBe(true);
    expect(isNetworkError(new TypeError("x is not a function"))).toBe(false);
  });
});

describe("sleep", () => {
  it("waits, and rejects early with the abort reason", async () => {
    await sleep(1);
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    await expect(sleep(1, AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });
});
