export { formatMetricsCsv, formatMetricsTable } from "./format";
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
