/** The incident's actions: acknowledge, mitigate, escalate, resolve (confirmed) and the rest; reopen once resolved. */
import { api } from "../api";
import { formatTime } from "../format";
import { Link } from "../router";
import type { IncidentDetail, Person, TeamOnCall } from "../types";
import { SeverityForm } from "./detail-forms";
import { PageSomeoneForm } from "./detail-paging";
import { MergeForm } from "./detail-related";

/**
 * Runs a write, says how it went and refreshes the incident; true when it succeeded. `label` is
 * what to say on success; `done` runs as soon as the write succeeded, before the page refreshes.
 */
export type Act = (
  label: string | (() => string),
  write: () => Promise<unknown>,
  done?: () => void,
) => Promise<boolean>;

/** The actions of an open incident. The resolution summary and its confirmation are the page's state. */
export function ActionsCard({
  id,
  incident,
  people,
  teams,
  busy,
  act,
  summary,
  setSummary,
  confirmingResolve,
  setConfirmingResolve,
}: {
  id: string;
  incident: IncidentDetail;
  people: Person[] | null;
  teams: TeamOnCall[] | null;
  busy: boolean;
  act: Act;
  summary: string;
  setSummary: (value: string) => void;
  confirmingResolve: boolean;
  setConfirmingResolve: (value: boolean) => void;
}) {
  const canAck = incident.status === "declared";
  const canMitigate = incident.status === "declared" || incident.status === "acknowledged";
  return (
    <section class="card actions" aria-label="Incident actions">
      <button
        id="ack-button"
        type="button"
        class="primary"
        disabled={busy || !canAck}
        onClick={() => act("Acknowledged.", () => api.transition(id, "ack", incident.status))}
      >
        Acknowledge
      </button>
      <button
        type="button"
        disabled={busy || !canMitigate}
        onClick={() => act("Marked mitigated.", () => api.transition(id, "mitigate", incident.status))}
      >
        Mitigate
      </button>
      <button
        type="button"
        disabled={busy}
        title="Page the next level of the escalation policy now, even after an acknowledgement"
        onClick={() => act("Escalating to the next level now.", () => api.escalate(id, "next"))}
      >
        Escalate now
      </button>
      <button
        type="button"
        disabled={busy}
        title="Page the level paged last again, now"
        onClick={() => act("Paging the current level again.", () => api.escalate(id, "repage"))}
      >
        Re-page
      </button>
      {/* Resolving takes a summary and a confirmation: the summary goes to stakeholders and the postmortem. */}
      <form
        class="inline"
        aria-label="Resolve"
        onSubmit={(e) => {
          e.preventDefault();
          if (!summary.trim()) return;
          if (!confirmingResolve) {
            setConfirmingResolve(true);
            requestAnimationFrame(() => document.getElementById("resolve-confirm")?.focus());
            return;
          }
          setConfirmingResolve(false);
          void act(
            "Resolved. The postmortem draft follows shortly.",
            () => api.transition(id, "resolve", incident.status, summary.trim()),
            () => setSummary(""),
          );
        }}
      >
        <label for="resolve-summary" class="visually-hidden">
          Resolution summary
        </label>
        <input
          id="resolve-summary"
          type="text"
          dir="auto"
          maxLength={2000}
          required
          placeholder="Resolution summary"
          value={summary}
          onInput={(e) => {
            setSummary((e.target as HTMLInputElement).value);
            setConfirmingResolve(false);
          }}
        />
        {confirmingResolve ? (
          <span class="confirm">
            Resolve {incident.key} now?{" "}
            <button id="resolve-confirm" type="submit" class="danger" disabled={busy}>
              Yes, resolve
            </button>{" "}
            <button type="button" class="ghost" onClick={() => setConfirmingResolve(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="submit" class="danger" disabled={busy || !summary.trim()}>
            Resolve
          </button>
        )}
      </form>
      <SeverityForm
        current={incident.severity}
        disabled={busy}
        onChange={(severity, reason) =>
          act(`Severity ${severity}.`, () => api.changeSeverity(id, severity, incident.version, reason))
        }
      />
      <MergeForm
        disabled={busy}
        onMerge={(into, reason) =>
          act(`Merged into ${into}: this incident is resolved and its pages stop.`, () =>
            api.merge(id, into, incident.version, reason),
          )
        }
      />
      <PageSomeoneForm
        people={people}
        teams={teams}
        disabled={busy}
        onPage={(whom, message) => {
          let paged = "";
          return act(
            () => `Paging ${paged}.`,
            async () => {
              const result = await api.pageResponders(id, whom, message);
              paged = result.people.map((p) => p.name).join(", ");
            },
          );
        }}
      />
    </section>
  );
}

/** A resolved incident: when, its postmortem, and reopening it (with a reason, kept as the page's state). */
export function ResolvedCard({
  id,
  incident,
  canAct,
  busy,
  act,
  reopenReason,
  setReopenReason,
}: {
  id: string;
  incident: IncidentDetail;
  canAct: boolean;
  busy: boolean;
  act: Act;
  reopenReason: string;
  setReopenReason: (value: string) => void;
}) {
  return (
    <section class="card">
      <p>
        Resolved {incident.resolvedAt ? formatTime(incident.resolvedAt) : ""}.{" "}
        <Link href={`/incidents/${incident.id}/postmortem`}>Open the postmortem</Link>
      </p>
      {canAct ? (
        <form
          class="inline"
          aria-label="Reopen"
          onSubmit={(e) => {
            e.preventDefault();
            const reason = reopenReason.trim();
            if (!reason) return;
            void act("Reopened: paging starts again.", () => api.reopen(id, reason, incident.version)).then(
              (ok) => ok && setReopenReason(""),
            );
          }}
        >
          <label for="reopen-reason">Reopen, because</label>
          <input
            id="reopen-reason"
            type="text"
            dir="auto"
            maxLength={500}
            required
            value={reopenReason}
            onInput={(e) => setReopenReason((e.target as HTMLInputElement).value)}
          />
          <button type="submit" disabled={busy || !reopenReason.trim()}>
            Reopen
          </button>
        </form>
      ) : null}
    </section>
  );
}
