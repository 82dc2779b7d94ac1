import { useEffect, useState } from "preact/hooks";
import { getJson } from "../api";
import { formatAge, formatDuration, formatTime } from "../format";
import { useNow } from "../poll";
import { Link } from "../router";
import type { BudgetsResponse, GroupMetrics, MetricsReport, ServiceBudget } from "../types";
import { BarChart, BurnDownChart, LineChart, type Series } from "./charts";
import { ErrorNote, TableHead } from "./common";

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

/** MTTA/MTTR per service, week by week: from the one report (each week carries its own figures). */
function trendOf(report: MetricsReport): Trend {
  const weeks = report.weekly.slice(-26);
  const services = report.byService.map((s) => s.key);
  const pick = (metric: "mtta" | "mttr") =>
    services.map((name) => ({
      name,
      values: weeks.map((w) => w.byService?.find((s) => s.key === name)?.[metric] ?? null),
    }));
  return { labels: weeks.map((w) => w.week.replace(/^\d{4}-/, "")), mtta: pick("mtta"), mttr: pick("mttr") };
}

/** Each figure the API computes, with its formula (shown on hover and to screen readers). */
/** How the release involvement values read on the dashboard. */
const RELEASE_LABELS: Record<string, string> = {
  yes: "Yes",
  suspected: "Suspected (to confirm)",
  no: "No",
  unknown: "Unknown",
};

const FIGURES: { key: "mttd" | "mtta" | "mttm" | "mttr" | "mtbf"; label: string; formula: string }[] = [
  {
    key: "mttd",
    label: "MTTD",
    formula: "Mean time to detect: detected − impact start (alarm-detected incidents)",
  },
  { key: "mtta", label: "MTTA", formula: "Mean time to acknowledge: acknowledged − detected" },
  { key: "mttm", label: "MTTM", formula: "Mean time to mitigate: mitigated − impact start" },
  { key: "mttr", label: "MTTR", formula: "Mean time to resolve: resolved − impact start" },
  {
    key: "mtbf",
    label: "MTBF",
    formula: "Mean time between failures: (last − first impact start) ÷ (incidents − 1)",
  },
];

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
      .then((value) => {
        if (stopped) return;
        setReport(value);
        if (!service) setServices(value.byService.map((s) => s.key));
        setTrend(trendOf(value));
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
            {FIGURES.map((f) => (
              <div class="stat" key={f.key} title={f.formula}>
                <span class="label">
                  <abbr title={f.formula}>{f.label}</abbr>
                </span>
                <span class="value">{formatDuration(report.overall[f.key])}</span>
                <span class="visually-hidden">{f.formula}</span>
              </div>
            ))}
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
            <FigureTable heading="Service" rows={report.byService} label={(key) => key} />
          </div>
          {report.byRelease ? (
            <div class="card">
              <h2>By release involvement</h2>
              <p class="muted">
                Suspected: a change to the incident's services was recorded in the two hours before the
                impact, and nobody has confirmed it in the postmortem yet.
              </p>
              <FigureTable
                heading="Release involved"
                rows={report.byRelease}
                label={(key) => RELEASE_LABELS[key] ?? key}
              />
            </div>
          ) : null}
        </>
      ) : null}
      <Budgets service={service} />
    </section>
  );
}

/** One row per group (a service, a release involvement): its incidents and every figure, each with its formula. */
function FigureTable({
  heading,
  rows,
  label,
}: {
  heading: string;
  rows: readonly GroupMetrics[];
  label: (key: string) => string;
}) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{heading}</th>
          <th scope="col">Incidents</th>
          {FIGURES.map((f) => (
            <th scope="col" key={f.key}>
              <abbr title={f.formula}>{f.label}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td data-label={heading}>{label(r.key)}</td>
            <td data-label="Incidents">{r.count}</td>
            {FIGURES.map((f) => (
              <td data-label={f.label} key={f.key}>
                {formatDuration(r[f.key])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const minutes = (value: number | null) => (value === null ? "—" : `${value.toFixed(1)} min`);
/** The budgets are fetched again every five minutes (the burn-down moves while an incident is open). */
const BUDGET_REFRESH_MS = 5 * 60_000;

/** The error budgets of the SLOs (GET /api/budgets): a burn-down per service and what consumed it. */
function Budgets({ service }: { service: string }) {
  const now = useNow(60_000);
  const round = Math.floor(now / BUDGET_REFRESH_MS);
  const [data, setData] = useState<BudgetsResponse | null>(null);
  const [error, setError] = useState<Error | null>(null);
  // `round` is the refresh tick.
  useEffect(() => {
    let stopped = false;
    setError(null);
    const q = service ? `?${new URLSearchParams({ service })}` : "";
    getJson<BudgetsResponse>(`/api/budgets${q}`)
      .then((value) => !stopped && setData(value))
      .catch((e: Error) => !stopped && setError(e));
    return () => {
      stopped = true;
    };
  }, [service, round]);

  return (
    <section class="card" aria-labelledby="budgets-title">
      <h2 id="budgets-title">Error budgets</h2>
      <p class="muted">
        From the SLOs of the on-call directory: each window ends now; an incident consumes its impact (start
        to mitigation, else resolution; an open one up to now).
        {data ? ` Computed ${formatAge(data.now, now)} ago.` : ""}
      </p>
      <ErrorNote error={error} />
      {!data && !error ? <p aria-live="polite">Loading error budgets…</p> : null}
      {data && data.items.length === 0 ? (
        <p class="muted">No service has an SLO in the on-call directory.</p>
      ) : null}
      {data?.items.map((b) => (
        <BudgetOf key={b.service} budget={b} />
      ))}
    </section>
  );
}

function BudgetOf({ budget: b }: { budget: ServiceBudget }) {
  if (!b.slo || !b.window || b.budgetMinutes === null) {
    return (
      <div class="budget" data-service={b.service}>
        <h3>{b.service}</h3>
        <p class="muted">{b.note ?? "No SLO: no error budget."}</p>
      </div>
    );
  }
  const titles = new Map(b.incidents.map((i) => [i.id, i.key]));
  return (
    <div class="budget" data-service={b.service}>
      <h3>
        {b.service}: {(b.slo.target * 100).toFixed(2).replace(/\.?0+$/, "")}% over {b.slo.windowDays} days
      </h3>
      <div class="stats">
        <div class="stat">
          <span class="label">Budget</span>
          <span class="value">{minutes(b.budgetMinutes)}</span>
        </div>
        <div class="stat">
          <span class="label">Consumed</span>
          <span class="value">
            {minutes(b.consumedMinutes)} ({b.percentConsumed?.toFixed(1)}%)
          </span>
        </div>
        <div class="stat">
          <span class="label">Remaining</span>
          <span class="value">{minutes(b.remainingMinutes)}</span>
        </div>
      </div>
      <BurnDownChart
        title={`Error budget remaining for ${b.service}`}
        since={Date.parse(b.window.since)}
        until={Date.parse(b.window.until)}
        budget={b.budgetMinutes}
        points={b.burndown.map((p) => ({
          at: Date.parse(p.at),
          value: p.remainingMinutes,
          ...(p.incident ? { label: titles.get(p.incident) ?? p.incident } : {}),
        }))}
        format={(v) => `${v.toFixed(1)}m`}
      />
      {b.incidents.length === 0 ? (
        <p class="muted">No incident consumed this budget in the window.</p>
      ) : (
        <table aria-label={`Incidents that consumed the error budget of ${b.service}`}>
          <TableHead columns={["Incident", "Impact", "Minutes"]} />
          <tbody>
            {b.incidents.map((i) => (
              <tr key={i.id}>
                <td data-label="Incident">
                  <Link href={`/incidents/${i.key}`}>{i.key}</Link> {i.title}
                </td>
                <td data-label="Impact">
                  {i.clipped ? "window start" : formatTime(i.start)} →{" "}
                  {i.open ? "ongoing" : formatTime(i.end)}
                </td>
                <td data-label="Minutes">{i.minutes.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
