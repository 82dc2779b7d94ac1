/**
 * The metrics behind an alarm, summarised for people (one line each: statistic, metric, dimensions,
 * period, threshold), from a metric alarm's query or an SNS notification's trigger.
 */

import type * as z from "@firebreak/core/shared/zod";
import type { MetricDataQuery, SnsMetricDataQuery, SnsTrigger, snsDimensionsSchema } from "./alarm-schemas";
import type { MetricSummary } from "./transition";

type MetricFields = Omit<MetricSummary, "text">;

/** One line for humans, e.g. `m1: AWS/Lambda Errors Sum/60s FunctionName=payments-authorize`. */
export function metricText(metric: MetricFields, options: { withId: boolean; threshold: boolean }): string {
  const statPeriod = [metric.stat, metric.period === undefined ? undefined : `${metric.period}s`]
    .filter((part) => part !== undefined)
    .join("/");
  const dimensions = Object.entries(metric.dimensions).map(([key, value]) => `${key}=${value}`);
  const body =
    metric.expression ??
    [metric.namespace, metric.name, statPeriod, ...dimensions].filter((part) => part).join(" ");
  const parts = [
    options.withId && metric.id ? `${metric.id}:` : undefined,
    body || undefined,
    metric.label ? `"${metric.label}"` : undefined,
    options.threshold ? "(threshold)" : undefined,
  ];
  return parts.filter((part) => part !== undefined).join(" ") || metric.id || "metric";
}

export function summarise(metrics: MetricFields[], thresholdMetricId: string | undefined): MetricSummary[] {
  const withId = metrics.length > 1;
  return metrics.map((metric) => ({
    ...metric,
    text: metricText(metric, {
      withId,
      threshold: metric.id !== undefined && metric.id === thresholdMetricId,
    }),
  }));
}

type Defined<T> = { [K in keyof T]?: NonNullable<T[K]> };

/** Copies only the values that are neither undefined nor null, so none reaches storage marshalling. */
export function defined<T extends Record<string, unknown>>(fields: T): Defined<T> {
  const out: Defined<T> = {};
  for (const key of Object.keys(fields) as (keyof T)[]) {
    const value = fields[key];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

export function metricFromQuery(query: MetricDataQuery): MetricFields {
  const stat = query.metricStat;
  return {
    ...defined({
      id: query.id,
      namespace: stat?.metric.namespace,
      name: stat?.metric.name,
      stat: stat?.stat,
      period: stat?.period ?? query.period,
      expression: query.expression,
      label: query.label,
      returnData: query.returnData,
    }),
    dimensions: { ...(stat?.metric.dimensions ?? {}) },
  };
}

function dimensionsFromSns(dimensions: z.output<typeof snsDimensionsSchema> | null | undefined) {
  return Object.fromEntries((dimensions ?? []).map((dimension) => [dimension.name, dimension.value]));
}

/** SNS spells statistics in upper snake case (`SUM`); the rest of AWS (and we) say `Sum`. */
const SNS_STATISTICS: Record<string, string> = {
  SUM: "Sum",
  AVERAGE: "Average",
  MINIMUM: "Minimum",
  MAXIMUM: "Maximum",
  SAMPLE_COUNT: "SampleCount",
};

function snsStatistic(trigger: SnsTrigger): string | undefined {
  if (trigger.ExtendedStatistic) return trigger.ExtendedStatistic;
  if (!trigger.Statistic) return undefined;
  return SNS_STATISTICS[trigger.Statistic] ?? trigger.Statistic;
}

function metricFromSnsQuery(query: SnsMetricDataQuery): MetricFields {
  const stat = query.MetricStat;
  return {
    ...defined({
      id: query.Id,
      namespace: stat?.Metric.Namespace,
      name: stat?.Metric.MetricName,
      stat: stat?.Stat,
      period: stat?.Period ?? query.Period,
      expression: query.Expression,
      label: query.Label,
      returnData: query.ReturnData,
    }),
    dimensions: dimensionsFromSns(stat?.Metric.Dimensions),
  };
}

export function metricsFromSnsTrigger(trigger: SnsTrigger | null | undefined): MetricSummary[] {
  if (!trigger) return [];
  const thresholdMetricId = trigger.ThresholdMetricId ?? undefined;
  if (trigger.Metrics && trigger.Metrics.length > 0) {
    return summarise(trigger.Metrics.map(metricFromSnsQuery), thresholdMetricId);
  }
  if (!trigger.MetricName && !trigger.Namespace) return [];
  const single: MetricFields = {
    ...defined({
      namespace: trigger.Namespace,
      name: trigger.MetricName,
      stat: snsStatistic(trigger),
      period: trigger.Period,
    }),
    dimensions: dimensionsFromSns(trigger.Dimensions),
  };
  return summarise([single], thresholdMetricId);
}

// ---------------------------------------------------------------------------------------------
// Composite alarms
// ---------------------------------------------------------------------------------------------
