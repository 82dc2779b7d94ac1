import { useEffect, useState } from "preact/hooks";
import { getJson } from "../api";
import { formatDuration } from "../format";
import type { MetricsReport } from "../types";
import { BarChart, LineChart, type Series } from "./charts";
import { ErrorNote } from "./common";

const WINDOWS = [
  { value: "4w", label: "4 weeks" },
  { value: "12w", label: "12 weeks" },
  { value: "26w", label: "26 weeks" },
];

interface Trend {
  labels: string[];
  mtta: Series[];
  mttr: Series[];
}

/** MTTA/MTTR per service, week by week: one metrics query per week, in parallel. */
async function loadTrend(report: MetricsReport, service: string): Promise<Trend> {
  const weeks = report.weekly.slice(-26);
  const reports = await Promise.all(
    weeks.map((w, i) => {
      const next = weeks[i + 1];
      const q = new URLSearchParams({ since: w.weekStart });
      if (next) q.set("until", next.weekStart);
      if (service) q.set("service", service);
      return getJson<MetricsReport>(`/api/metrics?${q}`);
    }),
  );
  const services = report.byService.map((s) => s.key);
  const pick = (metric: "mtta" | "mttr") =>
    services.map((name) => ({
      name,
      values: reports.map((r) => r.byService.find((s) => s.key === name)?.[metric] ?? null),
    }));
  return { labels: weeks.map((w) => w.week.replace(/^\d{4}-/, "")), mtta: pick("mtta"), mttr: pick("mttr") };
}

export function MetricsView() {
  const [since, setSince] = useState("12w");
  const [service, setService] = useState("");
  const [report, setReport] = useState<MetricsReport | null>(null);
  const [services, setServices] = useState<string[]>([]);
  const [trend, setTrend] = useState<Trend | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    let stopped = false;
    setReport(null);
    setTrend(null);
    setError(null);
    const q = new URLSearchParams({ since });
    if (service) q.set("service", service);
    getJson<MetricsReport>(`/api/metrics?${q}`)
      .then(async (value) => {
        if (stopped) return;
        setReport(value);
        if (!service) setServices(value.byService.map((s) => s.key));
        const t = await loadTrend(value, service);
        if (!stopped) setTrend(t);
      })
      .catch((e: Error) => !stopped && setError(e));
    return () => {
      stopped = true;
    };
  }, [since, service]);

  return (
    <section aria-labelledby="metrics-title">
      <h1 id="metrics-title">Metrics</h1>
      <p class="muted">From the postmortems of resolved incidents.</p>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Metrics window">
        <label>
          Window
          <select value={since} onChange={(e) => setSince((e.target as HTMLSelectElement).value)}>
            {WINDOWS.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Service
          <select value={service} onChange={(e) => setService((e.target as HTMLSelectElement).value)}>
            <option value="">All</option>
            {services.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNote error={error} />
      {!report && !error ? <p aria-live="polite">Loading metrics…</p> : null}
      {report ? (
        <>
          <div class="stats">
            <div class="stat">
              <span class="label">Incidents</span>
              <span class="value">{report.overall.count}</span>
            </div>
            <div class="stat">
              <span class="label">MTTA</span>
              <span class="value">{formatDuration(report.overall.mtta)}</span>
            </div>
            <div class="stat">
              <span class="label">MTTM</span>
              <span class="value">{formatDuration(report.overall.mttm)}</span>
            </div>
            <div class="stat">
              <span class="label">MTTR</span>
              <span class="value">{formatDuration(report.overall.mttr)}</span>
            </div>
          </div>
          <div class="card">
            <h2>Incidents per week</h2>
            <BarChart
              title="Resolved incidents per week"
              points={report.weekly.map((w) => ({ label: w.week.replace(/^\d{4}-/, ""), value: w.count }))}
            />
          </div>
          <div class="card">
            <h2>MTTA and MTTR by service, week by week</h2>
            {!trend ? <p aria-live="polite">Loading trends…</p> : null}
            {trend && trend.mtta.length === 0 ? (
              <p class="muted">No resolved incidents in this window.</p>
            ) : null}
            {trend && trend.mtta.length > 0 ? (
              <div class="charts">
                <LineChart
                  title="Mean time to acknowledge"
                  labels={trend.labels}
                  series={trend.mtta}
                  format={formatDuration}
                />
                <LineChart
                  title="Mean time to resolve"
                  labels={trend.labels}
                  series={trend.mttr}
                  format={formatDuration}
                />
              </div>
            ) : null}
          </div>
          <div class="card">
            <h2>By service</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Incidents</th>
                  <th scope="col">MTTA</th>
                  <th scope="col">MTTM</th>
                  <th scope="col">MTTR</th>
                </tr>
              </thead>
              <tbody>
                {report.byService.map((s) => (
                  <tr key={s.key}>
                    <td data-label="Service">{s.key}</td>
                    <td data-label="Incidents">{s.count}</td>
                    <td data-label="MTTA">{formatDuration(s.mtta)}</td>
                    <td data-label="MTTM">{formatDuration(s.mttm)}</td>
                    <td data-label="MTTR">{formatDuration(s.mttr)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
