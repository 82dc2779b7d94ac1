import type { IncidentStatus, Severity } from "../types";

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span class={`badge sev sev-${severity.toLowerCase()}`}>{severity}</span>;
}

const STATUS_LABEL: Record<IncidentStatus, string> = {
  declared: "Declared",
  acknowledged: "Acknowledged",
  mitigated: "Mitigated",
  resolved: "Resolved",
};

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return <span class={`badge status status-${status}`}>{STATUS_LABEL[status] ?? status}</span>;
}

export function ErrorNote({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <p class="note error" role="alert">
      {error.message}
    </p>
  );
}

/** What a write said: done, or why not (the field paths of a 400 as details). */
export type Notice = { kind: "ok" | "error" | "conflict"; text: string; details?: string[] };

/** A write's outcome, announced (status for success, alert otherwise). */
export function NoticeBox({ notice }: { notice: Notice | null }) {
  if (!notice) return null;
  return (
    <div class={`note ${notice.kind}`} role={notice.kind === "ok" ? "status" : "alert"}>
      <p>{notice.text}</p>
      {notice.details?.length ? (
        <ul>
          {notice.details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
