import { describe, expect, it } from "vitest";
import { VersionConflictError } from "./errors";
import { backoffDelay, RetryAborted, retry, retryOnConflict } from "./retry";

const noWait = async () => {};

describe("retry", () => {
  it("runs again while the failure is retryable, and answers the first success", async () => {
    const waits: number[] = [];
    let runs = 0;
    const retried: number[] = [];
    const value = await retry(
      async (n) => {
        runs = n;
        if (n < 3) throw new Error(`busy ${n}`);
        return "done";
      },
      {
        attempts: 5,
        retryable: () => true,
        backoff: { baseMs: 100, maxMs: 1_000 },
        random: () => 1,
        sleep: async (ms) => {
          waits.push(ms);
        },
        onRetry: (_error, attempt) => retried.push(attempt),
      },
    );
    expect(value).toBe("done");
    expect(retried).toEqual([1, 2]);
    expect(runs).toBe(3);
    // Full jitter below 100 · 2^(n-1): the top of the range with random() = 1.
    expect(waits).toEqual([100, 200]);
  });

  it("throws a failure it may not retry at once, and the last one when the attempts run out", async () => {
    let runs = 0;
    const refused = retry(
      async () => {
        runs += 1;
        throw new TypeError("bug");
      },
      { attempts: 5, retryable: (e) => !(e instanceof TypeError), sleep: noWait },
    );
    await expect(refused).rejects.toThrow("bug");
    expect(runs).toBe(1);
    const exhausted = retry(
      async (n) => {
        throw new Error(`conflict ${n}`);
      },
      { attempts: 3, retryable: () => true, sleep: noWait },
    );
    await expect(exhausted).rejects.toThrow("conflict 3");
  });

  it("waits what the failure asks for (Retry-After) instead of the backoff", async () => {
    const waits: number[] = [];
    await retry(
      async (n) => {
        if (n === 1) throw Object.assign(new Error("429"), { retryAfterMs: 1_500 });
        return n;
      },
      {
        attempts: 2,
        retryable: () => true,
        delayMs: (_n, e) => (e as { retryAfterMs?: number }).retryAfterMs,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    expect(waits).toEqual([1_500]);
  });

  it("stops when its signal aborts, during a wait, with the failure before it", async () => {
    const controller = new AbortController();
    const failure = new Error("throttled");
    const outcome = await retry(
      async () => {
        throw failure;
      },
      {
        attempts: 10,
        retryable: () => true,
        signal: controller.signal,
        sleep: async (_ms, signal) => {
          controller.abort(new Error("budget"));
          throw signal?.reason;
        },
      },
    ).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(RetryAborted);
    expect((outcome as RetryAborted).last).toBe(failure);
    expect((outcome as RetryAborted).attempts).toBe(1);
  });

  it("retryOnConflict retries a lost optimistic-locking race only", async () => {
    let runs = 0;
    const value = await retryOnConflict(async () => {
      runs += 1;
      if (runs < 3) throw new VersionConflictError("changed", runs);
      return runs;
    }, 5);
    expect(value).toBe(3);
    await expect(
      retryOnConflict(async () => {
        throw new Error("down");
      }, 5),
    ).rejects.toThrow("down");
  });

  it("backoffDelay stays within [0, min(max, base · 2^(n-1))]", () => {
    const options = { baseMs: 10, maxMs: 250 };
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => backoffDelay(n, options, () => 1))).toEqual([
      10, 20, 40, 80, 160, 250, 250,
    ]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });
});
