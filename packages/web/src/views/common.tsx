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
