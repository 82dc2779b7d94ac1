import { useEffect, useState } from "preact/hooks";
import { getJson } from "../api";
import { formatTime } from "../format";
import type { IgnoredAlarm } from "../types";
import { ErrorNote, TableHead } from "./common";

const KIND_LABELS: Record<IgnoredAlarm["kind"], string> = {
  auto_scaling: "auto-scaling",
  suppressed: "suppressed",
  tag: "firebreak:ignore",
  rule: "directory rule",
};

/** The alarms Firebreak receives but opens no incident for (GET /api/alarms/ignored). */
export function IgnoredAlarmsView() {
  const [items, setItems] = useState<IgnoredAlarm[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    getJson<{ items: IgnoredAlarm[] }>("/api/alarms/ignored")
      .then((body) => setItems(body.items))
      .catch((e: unknown) => setError(e as Error));
  }, []);
  return (
    <section aria-labelledby="ignored-title">
      <h1 id="ignored-title">Ignored alarms</h1>
      <p class="muted">
        Alarms that open no incident and page nobody: auto-scaling alarms, composite alarms whose actions are
        suppressed, alarms tagged <code>firebreak:ignore=true</code>, and alarms matching an{" "}
        <code>ignoreAlarms</code> rule of the on-call directory. An alarm that already has an open incident is
        recorded on it instead.
      </p>
      <ErrorNote error={error} />
      {items === null && !error ? <p aria-busy="true">Loading…</p> : null}
      {items && items.length === 0 ? <p>No alarm has been ignored.</p> : null}
      {items && items.length > 0 ? (
        <table class="ignored">
          <TableHead columns={["Alarm", "Why", "Ignored", "Last state", "Last seen"]} />
          <tbody>
            {items.map((alarm) => (
              <tr key={alarm.arn}>
                <td class="alarm">
                  {alarm.name}
                  <div class="muted">
                    {alarm.account} · {alarm.region}
                  </div>
                </td>
                <td>
                  <span class="badge">{KIND_LABELS[alarm.kind] ?? alarm.kind}</span> {alarm.reason}
                </td>
                <td class="count">{alarm.count}</td>
                <td>{alarm.lastState}</td>
                <td>
                  <time dateTime={alarm.lastSeenAt}>{formatTime(alarm.lastSeenAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
