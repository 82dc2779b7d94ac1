import { useEffect, useState } from "preact/hooks";
import { api, getJson } from "../api";
import { compareIncidents, formatTime, incidentAge } from "../format";
import { useNow, usePolling } from "../poll";
import { Link } from "../router";
import type { Heartbeat, IncidentView, MaintenanceWindow, TeamOnCall } from "../types";
import { ErrorNote, SeverityBadge, StatusBadge, TableHead } from "./common";

/** The most incidents of the service the page lists (open ones first, then the latest). */
const LIMIT = 50;

/**
 * One service: its open and recent incidents, the alarms that opened them, who is on call for it,
 * its heartbeats and its maintenance windows. Everything from the same reads the other pages use.
 */
export function ServiceView({ name }: { name: string }) {
  const q = new URLSearchParams({ status: "all", service: name, limit: String(LIMIT) });
  const polled = usePolling<{ items: IncidentView[] }>(`/api/incidents?${q}`, 10_000);
  const incidents = polled.data?.items ?? null;
  const error = polled.error;
  const [heartbeats, setHeartbeats] = useState<Heartbeat[]>([]);
  const [windows, setWindows] = useState<MaintenanceWindow[]>([]);
  const [team, setTeam] = useState<TeamOnCall | null | undefined>(undefined);
  // The page's clock (poll.ts): ages tick, and tests can pin it like every other view's.
  const now = useNow();
  useEffect(() => {
    api.heartbeats().then(setHeartbeats, () => setHeartbeats([]));
    getJson<{ items: MaintenanceWindow[] }>("/api/maintenance").then(
      (r) => setWindows(r.items),
      () => setWindows([]),
    );
    // The team that owns it as paging resolves it (an unlisted service: the default team).
    getJson<{ items: TeamOnCall[] }>(`/api/oncall?service=${encodeURIComponent(name)}`).then(
      (r) => setTeam(r.items[0] ?? null),
      () => setTeam(null),
    );
  }, [name]);
  const open = (incidents ?? []).filter((i) => i.status !== "resolved").sort(compareIncidents);
  const recent = (incidents ?? []).filter((i) => i.status === "resolved");
  const alarms = [...new Set((incidents ?? []).flatMap((i) => (i.alarm ? [i.alarm.name] : [])))].sort();
  const mine = heartbeats.filter((h) => h.service === name);
  const held = windows.filter(
    (w) => w.services.includes(name) && (w.state === "active" || w.state === "scheduled"),
  );
  const unknown =
    incidents !== null && incidents.length === 0 && team === null && mine.length === 0 && held.length === 0;
  const row = (i: IncidentView) => (
    <tr key={i.id} data-incident={i.key}>
      <td>
        <Link href={`/incidents/${i.key}`}>{i.key}</Link>
      </td>
      <td dir="auto">{i.title}</td>
      <td>
        <SeverityBadge severity={i.severity} />
      </td>
      <td>
        <StatusBadge status={i.status} />
      </td>
      <td>{incidentAge(i, now)}</td>
    </tr>
  );
  const table = (items: IncidentView[], label: string) => (
    <table aria-label={label}>
      <TableHead columns={["Incident", "Title", "Severity", "Status", "Open for"]} />
      <tbody>{items.map(row)}</tbody>
    </table>
  );
  return (
    <section aria-labelledby="service-title">
      <h1 id="service-title" dir="auto">
        Service {name}
      </h1>
      <ErrorNote error={error} />
      {incidents === null && !error ? <p aria-busy="true">Loading…</p> : null}
      {unknown ? (
        <p class="muted">
          Nothing is known about this service: no incident, no team that owns it, no heartbeat.{" "}
          <Link href="/oncall">See who is on call</Link>
        </p>
      ) : null}
      {team ? (
        <p class="service-team">
          Owned by <strong>{team.name}</strong>: on call now{" "}
          {team.levels[0]?.now.map((p) => p.name).join(", ") ||
            `nobody (${team.levels[0]?.nobody ?? "no targets"})`}
          . <Link href="/oncall">On-call page</Link>
        </p>
      ) : null}
      <div class="card">
        <h2>Open incidents ({open.length})</h2>
        {open.length ? table(open, "Open incidents") : <p class="muted">None open.</p>}
      </div>
      <div class="card">
        <h2>Recent incidents</h2>
        {recent.length ? table(recent, "Recent incidents") : <p class="muted">None resolved yet.</p>}
      </div>
      <div class="card">
        <h2>Alarms</h2>
        {alarms.length ? (
          <ul class="service-alarms">
            {alarms.map((a) => (
              <li key={a}>
                <code>{a}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No alarm has opened an incident for it.</p>
        )}
      </div>
      <div class="card">
        <h2>Heartbeats and maintenance</h2>
        {mine.map((h) => (
          <p key={h.id} data-heartbeat={h.id}>
            Heartbeat <strong>{h.name}</strong>: {h.state}
            {h.lastPingAt ? (
              <>
                , last ping <time dateTime={h.lastPingAt}>{formatTime(h.lastPingAt)}</time>
              </>
            ) : null}
          </p>
        ))}
        {held.map((w) => (
          <p key={w.id}>
            <Link href={`/maintenance/${w.key}`}>{w.key}</Link> {w.state}: alarms held until{" "}
            <time dateTime={w.end}>{formatTime(w.end)}</time> ({w.reason})
          </p>
        ))}
        {mine.length === 0 && held.length === 0 ? (
          <p class="muted">No heartbeat and no maintenance window.</p>
        ) : null}
      </div>
    </section>
  );
}
