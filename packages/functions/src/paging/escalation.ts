import { type PagingDeps, sweepEscalations } from "@firebreak/core/paging/service";
import { defineScheduled } from "../wiring/scheduled";

/**
 * The escalation sweep (ESCALATION, every minute): one sweep of the escalations that are due
 * (`sweepEscalations`: next level, repeats, fallback, role coverage). Concurrent or repeated
 * sweeps are safe (each step is a conditional write). When some escalations failed the sweep
 * throws after the others were processed, so the failure shows in the function's error metric;
 * the failed ones stay due and the next sweep tries them again.
 */
export function createEscalationHandler(getDeps: () => PagingDeps) {
  return defineScheduled("escalation", async (logger) => {
    const result = await sweepEscalations(getDeps());
    const { errors, ...counts } = result;
    if (errors.length > 0) {
      logger.error("escalation sweep: some escalations failed", { ...counts, errors });
      throw new Error(
        `escalation sweep: ${errors.length} of ${result.due} due escalations failed (first: ${errors[0]?.incidentId}: ${errors[0]?.error})`,
      );
    }
    logger.info("escalation sweep", counts);
    return counts;
  });
}
