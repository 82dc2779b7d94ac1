import { type BudgetCheckDeps, checkBudgets } from "@firebreak/core/metrics/budget-alerts";
import { type CoverageCheckDeps, checkCoverage } from "@firebreak/core/oncall/coverage-alerts";
import { defineScheduled } from "../wiring/scheduled";

/**
 * The hourly checks (COVERAGE; infra/paging.ts "CoverageCron"): the directory's
 * coverage for the next 14 days; new gaps become one `oncall.coverage_gaps_found` event (the Slack
 * worker posts it to each team's alert channel). Then the error budgets of the directory's SLOs
 * (core/metrics/budget-alerts.ts): a budget newly over 50%, 75% or 100% becomes one
 * `slo.budget_thresholds_crossed` event, posted the same way. Each check runs even when the other
 * fails; a failure throws afterwards (the function's error metric and the DLQ show it), and the
 * next hour's check finds the same news still new. The result is the coverage check's.
 */
export function createCoverageHandler(getDeps: () => CoverageDeps) {
  return defineScheduled("coverage", async (logger) => {
    const deps = getDeps();
    let failure: unknown;
    let result: Awaited<ReturnType<typeof checkCoverage>> | undefined;
    try {
      result = await checkCoverage(deps);
      logger.info("coverage checked", { ...result });
    } catch (error) {
      failure = error;
    }
    if (deps.budgets) {
      try {
        logger.info("error budgets checked", { ...(await checkBudgets(deps.budgets)) });
      } catch (error) {
        logger.error("error budget check failed", { error: String(error) });
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
    return result;
  });
}

/** The coverage check's, and the error-budget check's when given. */
export type CoverageDeps = CoverageCheckDeps & { budgets?: BudgetCheckDeps };
