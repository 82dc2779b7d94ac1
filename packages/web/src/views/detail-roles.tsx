/** One role of the incident (IC, comms…): who holds it, and assigning or handing it off. */
import { useState } from "preact/hooks";
import { formatTime } from "../format";
import { type IncidentView, type Person, ROLE_NAMES } from "../types";

interface RoleCardProps {
  role: string;
  incident: IncidentView;
  people: Person[] | null;
  canAct: boolean;
  busy: boolean;
  onAssign: (role: string, personId: string, page: boolean) => void;
}

/** A role's holder, with a form to assign or hand it off (while the incident is open). */
export function RoleCard({ role, incident, people, canAct, busy, onAssign }: RoleCardProps) {
  const holder = incident.roles?.[role];
  const [picked, setChoice] = useState("");
  const [page, setPage] = useState(role === "ic");
  const candidates = (people ?? []).filter((p) => p.id !== holder?.personId);
  // After a handoff the picked person may hold the role (and leave the list): pick again.
  const choice = candidates.some((p) => p.id === picked) ? picked : "";
  const selectId = `role-${role}`;
  const open = incident.status !== "resolved";
  return (
    <li class="role-card" data-role={role}>
      <h3>{ROLE_NAMES[role] ?? role}</h3>
      <p class="holder">
        {holder ? (
          <>
            <strong>{holder.personName ?? holder.personId}</strong>{" "}
            <span class="muted">since {formatTime(holder.assignedAt)}</span>
          </>
        ) : (
          <span class="muted">Unassigned</span>
        )}
      </p>
      {canAct && open ? (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (choice) onAssign(role, choice, page);
          }}
        >
          <label for={selectId} class="visually-hidden">
            {holder ? `Hand off ${ROLE_NAMES[role] ?? role} to` : `Assign ${ROLE_NAMES[role] ?? role} to`}
          </label>
          <select
            id={selectId}
            value={choice}
            onChange={(e) => setChoice((e.target as HTMLSelectElement).value)}
          >
            <option value="">{people ? "Choose a person…" : "Loading people…"}</option>
            {candidates.map((p) => (
              <option value={p.id} key={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <label class="check">
            <input
              type="checkbox"
              checked={page}
              onChange={(e) => setPage((e.target as HTMLInputElement).checked)}
            />
            Page them
          </label>
          <button type="submit" disabled={!choice || busy}>
            {holder ? "Hand off" : "Assign"}
          </button>
        </form>
      ) : null}
    </li>
  );
}
