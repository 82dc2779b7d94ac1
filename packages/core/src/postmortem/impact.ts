/**
 * Where an incident's impact ends, for the error budget: at mitigation, else at resolution; null
 * when neither is known (the impact goes on). The one rule for it: the draft's `error_budget`
 * (generate.ts) and the error budgets of the on-call directory's SLOs (metrics/budget.ts) both use it.
 */
export function impactEnd(
  mitigatedMs: number | null,
  resolvedMs: number | null,
): { endMs: number | null; source: "mitigated" | "resolved" | null } {
  if (mitigatedMs !== null) return { endMs: mitigatedMs, source: "mitigated" };
  if (resolvedMs !== null) return { endMs: resolvedMs, source: "resolved" };
  return { endMs: null, source: null };
}

/** Minutes from the impact start to `endMs`. */
export const impactMinutes = (startMs: number, endMs: number): number => (endMs - startMs) / 60_000;
