import { useEffect, useState } from "preact/hooks";
import { apiUrl } from "../api";

type State = "operational" | "degraded" | "major_outage";

interface Summary {
  title: string;
  generatedAt: string;
  state: State;
  services: { name: string; state: State; history: { date: string; state: State }[] }[];
  updates: { id: string; at: string; text: string; services: string[] }[];
}

const LABEL: Record<State, string> = {
  operational: "Operational",
  degraded: "Degraded",
  major_outage: "Major outage",
};
const OVERALL: Record<State, string> = {
  operational: "All services are operational",
  degraded: "Some services are degraded",
  major_outage: "Some services have a major outage",
};
const BADGE: Record<State, string> = {
  operational: "status-resolved",
  degraded: "warn",
  major_outage: "status-declared",
};

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "long" });

/**
 * The daily states as bars, oldest left, today right: a day with a major outage is a full, red bar,
 * a degraded one two-thirds and amber, an operational one a third and green (height tells them
 * apart without colour). Each bar's title names its day; the text below says the same for screen
 * readers, so the bars are hidden from them.
 */
function HistoryBars({ history }: { history: { date: string; state: State }[] }) {
  if (history.length === 0) return null;
  return (
    <div class="status-history">
      <ol class="status-bars" aria-hidden="true">
        {history.map((d) => (
          <li key={d.date} class={`day-${d.state}`} title={`${d.date}: ${LABEL[d.state]}`} />
        ))}
      </ol>
      <p class="status-axis muted" aria-hidden="true">
        <span>{history.length} days ago</span>
        <span>Today</span>
      </p>
    </div>
  );
}

/** The public status page (`/status`): read-only, no sign-in, from GET /api/status/summary. */
export function StatusView() {
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const load = () =>
      fetch(apiUrl("/api/status/summary"), { cache: "no-store" })
        .then((r) => (r.ok ? (r.json() as Promise<Summary>) : Promise.reject(new Error(`HTTP ${r.status}`))))
        .then(
          (s) => {
            if (stop) return;
            setSummary(s);
            setError(null);
            document.title = s.title;
          },
          (e: Error) => !stop && setError(e.message),
        );
    void load();
    const timer = setInterval(load, 60_000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, []);
  return (
    <main id="main" class="status-page">
      <h1>{summary?.title ?? "Service status"}</h1>
      {error ? (
        <p role="alert">The status could not be loaded ({error}). It is retried every minute.</p>
      ) : null}
      {summary ? (
        <>
          <p class="status-overall" role="status">
            <strong>{OVERALL[summary.state]}</strong>{" "}
            <span class="muted">(as of {when(summary.generatedAt)})</span>
          </p>
          <section aria-labelledby="status-services">
            <h2 id="status-services">Services</h2>
            {summary.services.length === 0 ? <p>No services are listed.</p> : null}
            <ul class="status-services">
              {summary.services.map((s) => {
                const bad = s.history.filter((d) => d.state !== "operational");
                return (
                  <li key={s.name} class="card">
                    <h3>{s.name}</h3>
                    <span class={`badge ${BADGE[s.state]}`}>{LABEL[s.state]}</span>
                    <HistoryBars history={s.history} />
                    <p>
                      Last {s.history.length} days:{" "}
                      {bad.length === 0
                        ? "no incidents"
                        : `${bad.length} day${bad.length === 1 ? "" : "s"} with an incident (${bad
                            .map((d) => `${d.date}: ${LABEL[d.state].toLowerCase()}`)
                            .join(", ")})`}
                    </p>
                  </li>
                );
              })}
            </ul>
          </section>
          <section aria-labelledby="status-updates">
            <h2 id="status-updates">Updates</h2>
            <p>
              <a href={apiUrl("/api/status/feed.atom")} type="application/atom+xml">
                Subscribe to updates (Atom feed)
              </a>
            </p>
            {summary.updates.length === 0 ? <p>No recent updates.</p> : null}
            <ol class="status-updates">
              {summary.updates.map((u) => (
                <li key={u.id}>
                  <time dateTime={u.at}>{when(u.at)}</time>
                  {u.services.length ? <span class="muted"> ({u.services.join(", ")})</span> : null}
                  <p dir="auto">{u.text}</p>
                </li>
              ))}
            </ol>
          </section>
        </>
      ) : error ? null : (
        <p aria-live="polite">Loading…</p>
      )}
    </main>
  );
}
