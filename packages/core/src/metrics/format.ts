import { formatDuration } from "../postmortem/markdown";
import type { ServiceBudget } from "./budget";
import type { GroupMetrics, MetricsReport } from "./metrics";

/**
 * Output formats for `firebreak report`: `table` (for people), `csv` (for spreadsheets), and
 * `json`, which is the `MetricsReport` object itself (`JSON.stringify(report)`).
 */

const METRIC_KEYS = ["mttd", "mtta", "mttm", "mttr", "mtbf"] as const;

function pad(cells: string[][]): string {
  const widths: number[] = [];
  for (const r of cells) {
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, r[i]!.length);
  }
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const human = (seconds: number | null) => (seconds === null ? "-" : formatDuration(seconds));

/** Plain-text tables: metrics per group, then the weekly trend. */
export function formatMetricsTable(report: MetricsReport): string {
  const rows: string[][] = [["SCOPE", "GROUP", "INCIDENTS", "MTTD", "MTTA", "MTTM", "MTTR", "MTBF"]];
  const add = (scope: string, g: GroupMetrics) =>
    rows.push([scope, g.key, String(g.count), ...METRIC_KEYS.map((k) => human(g[k]))]);
  add("overall", report.overall);
  for (const g of report.byService) add("service", g);
  for (const g of report.bySeverity) add("severity", g);
  for (const g of report.byRelease) add("release", g);

  const weeks: string[][] = [["WEEK", "STARTS", "INCIDENTS", ""]];
  const max = Math.max(1, ...report.weekly.map((w) => w.count));
  for (const w of report.weekly) {
    weeks.push([w.week, w.weekStart, String(w.count), "#".repeat(Math.ceil((w.count / max) * 20))]);
  }
  const scope = report.service === null ? "all services" : `service ${report.service}`;
  return [
    `Incidents with impact starting from ${report.window.since} until ${report.window.until} (${scope})`,
    "",
    pad(rows),
    "",
    pad(weeks),
    "",
  ].join("\n");
}

/** A CSV field: quoted when needed; a leading =, +, -, @ is prefixed with ' (no formula injection). */
function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One CSV (RFC 4180, CRLF line ends): the header, then a row per group (scope overall, service,
 * severity, release) with seconds, then a row per week (scope week, metrics empty).
 */
export function formatMetricsCsv(report: MetricsReport): string {
  const header = [
    "scope",
    "key",
    "week_start",
    "count",
    "mttd_seconds",
    "mtta_seconds",
    "mttm_seconds",
    "mttr_seconds",
    "mtbf_seconds",
  ];
  const lines = [header.join(",")];
  const add = (scope: string, g: GroupMetrics) =>
    lines.push([scope, g.key, null, g.count, ...METRIC_KEYS.map((k) => g[k])].map(csvField).join(","));
  add("overall", report.overall);
  for (const g of report.byService) add("service", g);
  for (const g of report.bySeverity) add("severity", g);
  for (const g of report.byRelease) add("release", g);
  for (const w of report.weekly) {
    lines.push(["week", w.week, w.weekStart, w.count, null, null, null, null, null].map(csvField).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

const minutes = (value: number | null) => (value === null ? "-" : `${value.toFixed(1)} min`);

/**
 * The error budgets for `firebreak report` (GET /api/budgets' items): a row per service, then the
 * incidents that consumed each budget; a service without an SLO as its note.
 */
export function formatBudgetsTable(items: readonly ServiceBudget[]): string {
  if (items.length === 0) return "Error budgets: no service has an SLO in the on-call directory.\n";
  const rows: string[][] = [["SERVICE", "TEAM", "SLO", "WINDOW", "BUDGET", "CONSUMED", "REMAINING", "USED"]];
  const incidents: string[][] = [["SERVICE", "INCIDENT", "FROM", "TO", "MINUTES", "TITLE"]];
  const notes: string[] = [];
  for (const b of items) {
    if (!b.slo) {
      notes.push(`${b.service}: ${b.note ?? "no SLO"}`);
      continue;
    }
    rows.push([
      b.service,
      b.team ?? "-",
      `${round(b.slo.target * 100, 4)}%`,
      `${b.slo.windowDays}d`,
      minutes(b.budgetMinutes),
      minutes(b.consumedMinutes),
      minutes(b.remainingMinutes),
      b.percentConsumed === null ? "-" : `${b.percentConsumed.toFixed(1)}%`,
    ]);
    for (const i of b.incidents) {
      incidents.push([
        b.service,
        i.key,
        `${i.clipped ? "(window start) " : ""}${i.start}`,
        i.open ? "open (now)" : i.end,
        i.minutes.toFixed(1),
        i.title,
      ]);
    }
  }
  const window = items.find((b) => b.window)?.window;
  return [
    `Error budgets${window ? `, windows ending ${window.until}` : ""}`,
    "",
    ...(rows.length > 1 ? [pad(rows), ""] : []),
    ...(incidents.length > 1 ? [pad(incidents), ""] : []),
    ...(notes.length > 0 ? [...notes, ""] : []),
  ].join("\n");
}

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
