import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { formatTime } from "../format";
import type { PageTrace } from "../types";
import { ErrorNote } from "./common";

const CHANNEL: Record<string, string> = { slack: "Slack DM", sms: "SMS", topic: "SNS topic" };

function deliveryLabel(d: PageTrace["deliveries"][number]): string {
  switch (d.purpose) {
    case "announce":
      return "alert channel";
    case "role_coverage":
      return `IC re-paged (attempt ${d.round})`;
    case "related_alarm":
      return "grouped alarm, to the IC";
    case "responder":
      return "paged in by request";
    default:
      return d.level === "fallback" ? "fallback" : `level ${d.level}${d.round ? ` (repeat ${d.round})` : ""}`;
  }
}

/**
 * "Why did this page go where it went, and why not elsewhere" (GET /api/incidents/{id}/trace),
 * loaded when opened and again when the incident changes while it is open.
 */
export function TracePanel({ id, version }: { id: string; version: number }) {
  const [open, setOpen] = useState(false);
  const [trace, setTrace] = useState<PageTrace | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    api.trace(id).then(
      (value) => {
        if (!live) return;
        setTrace(value);
        setError(null);
      },
      (e: Error) => {
        if (live) setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, [open, id, version]);
  const routing = trace?.routing;
  return (
    <details
      class="card trace"
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
      aria-labelledby="trace-title"
    >
      <summary>
        <h2 id="trace-title">Paging trace: why it paged whom, and why nobody else</h2>
      </summary>
      <ErrorNote error={error} />
      {open && !trace && !error ? <p aria-live="polite">Loading the trace…</p> : null}
      {trace ? (
        <div class="trace-body">
          <p>
            <strong>How it began:</strong> {trace.trigger}.
          </p>
          {routing?.paged ? (
            <p class="trace-routing">
              <strong>Routing:</strong> team {routing.team?.name ?? routing.team?.id}
              {routing.via ? ` (found by ${routing.via.replace("_", " ")})` : ""} → policy{" "}
              {routing.policy?.name ?? routing.policy?.id}, directory version{" "}
              {routing.directoryVersion ?? "?"}.{" "}
              {routing.urgency ? `Urgency ${routing.urgency.level}: ${routing.urgency.rule}.` : null}
            </p>
          ) : (
            <p class="trace-routing">
              <strong>Nobody was paged:</strong> {routing?.reason}
            </p>
          )}
          {trace.rules.length > 0 ? (
            <>
              <h3>Rules that shaped it</h3>
              <ul>
                {trace.rules.map((r) => (
                  <li key={`${r.at}-${r.rule}`} dir="auto">
                    <time dateTime={r.at}>{formatTime(r.at)}</time> {r.rule}: {r.text}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>Levels</h3>
          <ol class="trace-levels">
            {trace.levels.map((l) => (
              <li key={String(l.level)} data-level={String(l.level)}>
                <strong>{l.level === "fallback" ? "Fallback" : `Level ${l.level}`}</strong>
                {l.timeoutMinutes !== undefined ? ` (${l.timeoutMinutes} min)` : ""}:{" "}
                {l.paged.length > 0
                  ? `paged ${l.paged.map((p) => `${formatTime(p.at)} (${p.trigger})`).join(", ")}`
                  : "not paged"}
                {l.nobody ? <span class="muted"> · nobody: {l.nobody}</span> : null}
                <ul>
                  {l.targets.map((t) => (
                    <li key={t.name} dir="auto">
                      {t.name}
                      {t.rotationId ? <span class="muted"> ({t.rotationId})</span> : null}:{" "}
                      {t.methods.length
                        ? t.methods
                            .map(
                              (m) =>
                                `${CHANNEL[m.channel] ?? m.channel} at ${m.delayMinutes} min${m.note ? ` (${m.note})` : ""}`,
                            )
                            .join(", ")
                        : "no method"}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
          {trace.deliveries.length > 0 ? (
            <>
              <h3>Deliveries</h3>
              <ul class="trace-deliveries">
                {trace.deliveries.map((d, i) => (
                  <li key={`${d.requestedAt}-${i}`} dir="auto">
                    <time dateTime={d.requestedAt}>{formatTime(d.requestedAt)}</time> {deliveryLabel(d)}:{" "}
                    {d.channel === "sns" ? "SMS/SNS" : "Slack"} → {d.target}:{" "}
                    <span class={`badge page-${d.state}`}>{d.state}</span>
                    {d.seconds !== undefined ? ` in ${d.seconds} s` : ""}
                    {d.error ? <span class="muted"> ({d.error})</span> : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {trace.acknowledgement ? (
            <p>
              <strong>Acknowledged</strong> by {trace.acknowledgement.by},{" "}
              {trace.acknowledgement.afterSeconds} s after it began.
            </p>
          ) : null}
          {trace.whyNot.length > 0 ? (
            <>
              <h3>Why not elsewhere</h3>
              <ul class="trace-why-not">
                {trace.whyNot.map((w) => (
                  <li key={w} dir="auto">
                    {w}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </details>
  );
}
