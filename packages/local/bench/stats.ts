/**
 * Percentiles by the nearest-rank method: the p-th percentile of n samples is the smallest sample
 * such that at least p% of the samples are ≤ it, i.e. sorted[ceil(p/100 · n) − 1]. It is always
 * one of the measured values (no interpolation), so p99 of 2,000 samples is the 1,980th smallest.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error("percentile of no samples");
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1]!;
}

export interface Summary {
  n: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Summary statistics of latency samples (any unit); the input is not modified. */
export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, x) => total + x, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Rounds for reporting: `round(3.14159, 2)` → 3.14. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `p50 1.23 ms · p90 … · p99 … · max …` for progress lines. */
export function describeMs(summary: Summary): string {
  const f = (x: number) => x.toFixed(2);
  return `n=${summary.n} min ${f(summary.min)} · p50 ${f(summary.p50)} · p90 ${f(summary.p90)} · p99 ${f(summary.p99)} · max ${f(summary.max)} ms (mean ${f(summary.mean)})`;
}
