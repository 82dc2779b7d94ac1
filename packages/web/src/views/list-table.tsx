/** The incident list's table: one row per incident (paging state, roles, mine), and what its cells say. */
import { formatAge, incidentAge, needsAttention } from "../format";
import { Link } from "../router";
import type { IncidentView } from "../types";
import { SeverityBadge, StatusBadge, TableHead } from "./common";

function roleSummary(incident: IncidentView): string {
  const parts = Object.entries(incident.roles ?? {}).map(
    ([role, holder]) => `${role.toUpperCase()}: ${holder?.personName ?? holder?.personId}`,
  );
  return parts.length ? parts.join(", ") : "—";
}

/** Whether `personId` holds one of the incident's roles. */
export function holdsRole(incident: IncidentView, personId: string | undefined): boolean {
  return personId !== undefined && Object.values(incident.roles ?? {}).some((h) => h?.personId === personId);
}

/** Whether `personId` was paged for the incident (its escalation's `paged`). */
export function wasPaged(incident: IncidentView, personId: string | undefined): boolean {
  return personId !== undefined && (incident.escalation?.paged.includes(personId) ?? false);
}

/** The "mine" of the list: I hold a role or was paged. */
export const isMine = (incident: IncidentView, personId: string | undefined): boolean =>
  holdsRole(incident, personId) || wasPaged(incident, personId);

/** The Paging column: the ladder's level and since when, or why it stopped there. */
export function pagingCell(incident: IncidentView, now: number): { text: string; title: string } {
  const e = incident.escalation;
  if (!e || e.level === undefined) return { text: "—", title: "not paged" };
  const level = e.level === "fallback" ? "fallback" : `L${e.level}`;
  const name = e.level === "fallback" ? "the fallback" : `level ${e.level}`;
  if (e.acknowledged || incident.status === "acknowledged" || incident.status === "mitigated")
    return { text: `${level} · ack`, title: `${name} was paged; acknowledged` };
  const since = e.since ? formatAge(e.since, now) : "";
  if (e.active)
    return {
      text: since ? `${level} ${since}` : level,
      title: `paging ${name}${since ? ` for ${since}` : ""}; nobody acknowledged`,
    };
  if (e.doneReason === "low_urgency")
    return { text: `${level} · low`, title: `${name} was paged; low urgency does not escalate further` };
  return {
    text: `${level} · stopped`,
    title: `${name} was the last paged; paging stopped${e.doneReason ? ` (${e.doneReason.replaceAll("_", " ")})` : ""}`,
  };
}

function PagingCell({ incident, now }: { incident: IncidentView; now: number }) {
  const { text, title } = pagingCell(incident, now);
  return (
    <td data-label="Paging" class="paging" title={title}>
      {text}
    </td>
  );
}

/** The incidents shown, most urgent first; with `canAct`, each row can be selected for bulk actions. */
export function IncidentTable({
  shown,
  compact,
  canAct,
  selected,
  setSelected,
  personId,
  now,
}: {
  shown: IncidentView[];
  compact: boolean;
  canAct: boolean;
  selected: ReadonlySet<string>;
  setSelected: (next: ReadonlySet<string>) => void;
  personId?: string;
  now: number;
}) {
  return (
    <table class={compact ? "incidents compact" : "incidents"}>
      <caption class="visually-hidden">
        Incidents: unacknowledged SEV1 and SEV2 first, then most severe, then oldest. Updated live.
      </caption>
      <TableHead
        columns={[
          ...(canAct ? [{ hidden: "Select" }] : []),
          "Severity",
          "Incident",
          "Status",
          "Paging",
          "Age",
          "Updated",
          "Roles",
          "Service",
          "Alarm",
        ]}
      />
      <tbody>
        {shown.map((incident) => (
          <tr
            key={incident.id}
            data-incident={incident.key}
            class={needsAttention(incident) ? "urgent" : undefined}
          >
            {canAct ? (
              <td data-label="Select">
                <input
                  type="checkbox"
                  aria-label={`Select ${incident.key}`}
                  checked={selected.has(incident.id)}
                  onChange={(e) => {
                    const next = new Set(selected);
                    if ((e.target as HTMLInputElement).checked) next.add(incident.id);
                    else next.delete(incident.id);
                    setSelected(next);
                  }}
                />
              </td>
            ) : null}
            <td data-label="Severity">
              <SeverityBadge severity={incident.severity} />
            </td>
            <td data-label="Incident">
              <Link href={`/incidents/${incident.id}`} class="incident-link">
                <span class="key">{incident.key}</span>{" "}
                <span class="title" dir="auto">
                  {incident.title}
                </span>
              </Link>
              {incident.flapping ? <span class="badge warn">flapping</span> : null}
              {incident.reopens ? (
                <span class="badge warn" title={`last reopened ${incident.reopenedAt ?? ""}`}>
                  reopened{incident.reopens > 1 ? ` ×${incident.reopens}` : ""}
                </span>
              ) : null}
            </td>
            <td data-label="Status">
              <StatusBadge status={incident.status} />
              {needsAttention(incident) ? <span class="urgent-note"> nobody has acknowledged</span> : null}
            </td>
            <PagingCell incident={incident} now={now} />
            <td data-label="Age" class="age">
              <time dateTime={incident.createdAt}>{incidentAge(incident, now)}</time>
            </td>
            <td data-label="Updated" class="age">
              <time dateTime={incident.updatedAt}>{formatAge(incident.updatedAt, now)} ago</time>
            </td>
            <td data-label="Roles">
              {roleSummary(incident)}
              {holdsRole(incident, personId) ? (
                <span class="badge mine"> you</span>
              ) : wasPaged(incident, personId) ? (
                <span class="badge mine"> paged you</span>
              ) : null}
            </td>
            <td data-label="Service">{incident.services.join(", ") || "—"}</td>
            <td data-label="Alarm" class="alarm">
              {incident.alarm?.name ?? "—"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
