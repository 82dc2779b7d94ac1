export {
  type BudgetIncident,
  type BurnPoint,
  budgetIncidentOfPostmortem,
  type ConsumedIncident,
  computeBudget,
  computeBudgets,
  type ServiceBudget,
  sloServices,
} from "./budget";
export { formatBudgetsTable, formatMetricsCsv, formatMetricsTable } from "./format";
export {
  computeMetrics,
  type GroupMetrics,
  isoWeekLabel,
  isoWeekStart,
  type MetricsOptions,
  type MetricsReport,
  type MetricsWindow,
  releaseOf,
  type WeeklyPoint,
} from "./metrics";
export { parseSince } from "./since";
