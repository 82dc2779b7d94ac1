import { useEffect, useState } from "preact/hooks";
import { getJson, send } from "../api";
import { formatTime } from "../format";
import { Link } from "../router";
import type { MaintenanceDetail, MaintenanceWindow } from "../types";
import { Choices, ErrorNote, errorNotice, type Notice, NoticeBox, TableHead } from "./common";

const STATE_LABEL: Record<MaintenanceWindow["state"], string> = {
  scheduled: "Scheduled",
  active: "Active",
  ended: "Ended",
  cancelled: "Cancelled",
};

function scopeOf(w: Pick<MaintenanceWindow, "services" | "team">): string {
  return [...w.services, ...(w.team ? [`team ${w.team}`] : [])].join(", ");
}

export function WindowState({ state }: { state: MaintenanceWindow["state"] }) {
  return <span class={`badge window-${state}`}>{STATE_LABEL[state] ?? state}</span>;
}

const DURATIONS = ["30m", "1h", "2h", "4h", "8h", "1d"];

function ScheduleForm({ onScheduled }: { onScheduled: (w: MaintenanceWindow) => void }) {
  const [services, setServices] = useState("");
  const [team, setTeam] = useState("");
  const [duration, setDuration] = useState("2h");
  const [start, setStart] = useState("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  return (
    <form
      class="card maintenance-form"
      aria-labelledby="schedule-title"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setNotice(null);
        const list = services
          .split(/[\s,]+/)
          .map((s) => s.trim())
          .filter(Boolean);
        try {
          const window = await send<MaintenanceWindow>("POST", "/api/maintenance", {
            ...(list.length ? { services: list } : {}),
            ...(team.trim() ? { team: team.trim() } : {}),
            ...(start ? { from: new Date(start).toISOString() } : {}),
            duration,
            reason: reason.trim(),
          });
          setNotice({
            kind: "ok",
            text: `${window.key} scheduled: alarms of ${scopeOf(window)} are held until ${formatTime(window.end)}.`,
          });
          setServices("");
          setTeam("");
          setStart("");
          setReason("");
          onScheduled(window);
        } catch (error) {
          setNotice(errorNotice(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="schedule-title">Schedule a window</h2>
      <div class="fields">
        <label for="mw-services">Services (comma-separated)</label>
        <input
          id="mw-services"
          value={services}
          placeholder="checkout, payments"
          onInput={(e) => setServices((e.target as HTMLInputElement).value)}
        />
        <label for="mw-team">Or a team</label>
        <input id="mw-team" value={team} onInput={(e) => setTeam((e.target as HTMLInputElement).value)} />
        <label for="mw-start">Starts (empty: now)</label>
        <input
          id="mw-start"
          type="datetime-local"
          value={start}
          onInput={(e) => setStart((e.target as HTMLInputElement).value)}
        />
        <label for="mw-duration">For</label>
        <Choices id="mw-duration" value={duration} choices={DURATIONS} onChange={setDuration} />
        <label for="mw-reason">Reason</label>
        <input
          id="mw-reason"
          value={reason}
          maxLength={500}
          required
          onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        />
      </div>
      <button
        type="submit"
        class="primary"
        disabled={busy || !reason.trim() || (!services.trim() && !team.trim())}
      >
        Schedule window
      </button>
      <NoticeBox notice={notice} />
    </form>
  );
}

/** Maintenance windows: now, ahead and the last 7 days; responders schedule and cancel them. */
export function MaintenanceView({ canAct }: { canAct: boolean }) {
  const [items, setItems] = useState<MaintenanceWindow[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const load = () =>
    getJson<{ items: MaintenanceWindow[] }>("/api/maintenance")
      .then((body) => {
        setItems(body.items);
        setError(null);
      })
      .catch((e: unknown) => setError(e as Error));
  useEffect(() => {
    void load();
  }, []);
  const cancel = async (w: MaintenanceWindow) => {
    setNotice(null);
    try {
      await send("POST", `/api/maintenance/${encodeURIComponent(w.key)}/cancel`, {});
      setNotice({
        kind: "ok",
        text: `${w.key} cancelled: the alarms it held that still fire open their incidents within a minute.`,
      });
      await load();
    } catch (e) {
      setNotice(errorNotice(e));
    }
  };
  return (
    <section aria-labelledby="maintenance-title">
      <h1 id="maintenance-title">Maintenance windows</h1>
      <p class="muted">
        During a window, the alarms of its services (or of a team's services) are recorded and held: nobody is
        paged. When it ends, each alarm still in ALARM opens its incident as usual; one that recovered is only
        recorded.
      </p>
      {canAct ? <ScheduleForm onScheduled={() => void load()} /> : null}
      <NoticeBox notice={notice} />
      <ErrorNote error={error} />
      {items === null && !error ? <p aria-busy="true">Loading…</p> : null}
      {items && items.length === 0 ? <p>No maintenance windows now, ahead, or in the last 7 days.</p> : null}
      {items && items.length > 0 ? (
        <table class="maintenance">
          <TableHead
            columns={[
              "Window",
              "For",
              "State",
              "From",
              "Until",
              "Reason",
              ...(canAct ? [{ hidden: "Actions" }] : []),
            ]}
          />
          <tbody>
            {items.map((w) => (
              <tr key={w.id} data-window={w.key}>
                <td>
                  <Link href={`/maintenance/${w.key}`}>{w.key}</Link>
                </td>
                <td class="scope">{scopeOf(w)}</td>
                <td>
                  <WindowState state={w.state} />
                </td>
                <td>
                  <time dateTime={w.from}>{formatTime(w.from)}</time>
                </td>
                <td>
                  <time dateTime={w.end}>{formatTime(w.end)}</time>
                </td>
                <td>
                  {w.reason}
                  <div class="muted">by {w.createdBy.name ?? w.createdBy.id}</div>
                </td>
                {canAct ? (
                  <td>
                    {w.state === "active" || w.state === "scheduled" ? (
                      <button
                        type="button"
                        class="ghost"
                        onClick={() => void cancel(w)}
                        aria-label={`Cancel ${w.key}`}
                      >
                        Cancel
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** One window: what it holds, what it released, and its timeline. */
export function MaintenanceDetailView({ id }: { id: string }) {
  const [window, setWindow] = useState<MaintenanceDetail | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    getJson<MaintenanceDetail>(`/api/maintenance/${encodeURIComponent(id)}`)
      .then(setWindow)
      .catch((e: unknown) => setError(e as Error));
  }, [id]);
  if (error) return <ErrorNote error={error} />;
  if (!window) return <p aria-busy="true">Loading…</p>;
  return (
    <article aria-labelledby="window-title">
      <p>
        <Link href="/maintenance">← Maintenance windows</Link>
      </p>
      <h1 id="window-title">
        {window.key} <WindowState state={window.state} />
      </h1>
      <p>
        <span class="scope">{scopeOf(window)}</span>,{" "}
        <time dateTime={window.from}>{formatTime(window.from)}</time> →{" "}
        <time dateTime={window.end}>{formatTime(window.end)}</time>: {window.reason}
      </p>
      <section class="card" aria-labelledby="held-title">
        <h2 id="held-title">Held alarms</h2>
        {window.held.length === 0 ? <p>No alarm held.</p> : null}
        <ul class="held">
          {window.held.map((h) => {
            const released = window.releases.find((r) => r.arn === h.arn);
            return (
              <li key={h.arn}>
                <span class="alarm">{h.name}</span> {h.state} at{" "}
                <time dateTime={h.stateTimestamp}>{formatTime(h.stateTimestamp)}</time>
                {released?.incidentId ? (
                  <>
                    {" "}
                    → <Link href={`/incidents/${released.incidentId}`}>INC-{released.incidentNumber}</Link>
                  </>
                ) : released ? (
                  <span class="muted"> → {released.outcome}</span>
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>
      <section class="card" aria-labelledby="window-timeline-title">
        <h2 id="window-timeline-title">Timeline</h2>
        <ol class="timeline">
          {window.timeline.map((e) => (
            <li key={e.id} data-kind={e.kind}>
              <time dateTime={e.at}>{formatTime(e.at)}</time> <span class="text">{e.summary}</span>
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
