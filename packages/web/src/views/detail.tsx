/** The incident detail page: loads and polls the incident, runs its writes, and composes its panels. */
import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../api";
import { useDraft } from "../draft";
import { describeChanges } from "../format";
import { useShortcuts } from "../keys";
import { useNow, usePolling } from "../poll";
import { Link } from "../router";
import {
  type IncidentDetail,
  type IncidentView,
  type Page,
  type Person,
  ROLE_NAMES,
  ROLES,
  type TeamOnCall,
} from "../types";
import { ErrorNote, type Notice, NoticeBox, OUTAGE_REASON, OutageBanner } from "./common";
import { ActionsCard, ResolvedCard } from "./detail-actions";
import { UpdateForm } from "./detail-forms";
import { IncidentHeader } from "./detail-header";
import { PagesTable } from "./detail-paging";
import { ChangesCard, RelatedCard } from "./detail-related";
import { RoleCard } from "./detail-roles";
import { Timeline } from "./detail-timeline";
import { TracePanel } from "./trace";

/** A write failed: say why, naming the field paths of a 400, and what changed on a 409. */
function noticeFor(error: unknown, shown: IncidentView | null): Notice {
  if (error instanceof ApiError) {
    const p = error.problem;
    // A lost race carries the incident as it is now; other 409s (cannot merge, not resolved…) say why.
    if (error.status === 409 && (p.current !== undefined || p.currentVersion !== undefined)) {
      const details = shown && p.current ? describeChanges(shown, p.current) : [];
      return {
        kind: "conflict",
        text: "Someone else changed this incident first. It has been refreshed; check it and try again.",
        details: details.length ? details : [`now at version ${p.currentVersion ?? "?"}`],
      };
    }
    if (error.status === 403)
      return { kind: "error", text: p.detail ?? "You are not allowed to do this (your role is read-only)." };
    const issues = p.issues?.map((i) => `${i.path}: ${i.message}`) ?? [];
    return { kind: "error", text: p.detail ?? p.title ?? error.message, details: issues };
  }
  return { kind: "error", text: (error as Error).message };
}

export function IncidentDetailView({ id, canAct }: { id: string; canAct: boolean }) {
  const detail = usePolling<IncidentDetail>(api.incident(id));
  const incident = detail.data;
  const now = useNow();
  const [pages, setPages] = useState<Page[] | null>(null);
  const [people, setPeople] = useState<Person[] | null>(null);
  const [teams, setTeams] = useState<TeamOnCall[] | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const [summary, setSummary] = useDraft(`${id}:summary`);
  const [reopenReason, setReopenReason] = useState("");
  const [confirmingResolve, setConfirmingResolve] = useState(false);
  useShortcuts({
    a: () => {
      const ack = document.getElementById("ack-button") as HTMLButtonElement | null;
      if (ack && !ack.disabled) ack.click();
    },
    // Resolving takes more steps (a summary, Enter, then Enter to confirm): one key never resolves.
    r: () => document.getElementById("resolve-summary")?.focus(),
  });

  useEffect(() => {
    if (!incident) return;
    api.pages(incident).then(setPages, () => setPages([]));
  }, [incident]);
  useEffect(() => {
    if (canAct) api.people().then(setPeople, () => setPeople([]));
    if (canAct) api.teamsOnCall().then(setTeams, () => setTeams([]));
  }, [canAct]);
  useEffect(() => {
    if (incident) document.title = `${incident.key} ${incident.title} · Firebreak`;
    return () => {
      document.title = "Firebreak";
    };
  }, [incident?.key, incident?.title]);

  const offline = detail.outage !== null;
  const banner = (
    <OutageBanner
      outage={detail.outage}
      checkedAt={detail.checkedAt}
      now={now}
      onRetry={() => void detail.refresh()}
    />
  );
  if (offline && !incident)
    return (
      <section>
        <h1>Incident</h1>
        {banner}
        <Link href="/">Back to open incidents</Link>
      </section>
    );
  if (detail.error && !incident) {
    const missing = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <section>
        <h1>{missing ? "Incident not found" : "Could not load the incident"}</h1>
        <ErrorNote error={detail.error} />
        <Link href="/">Back to open incidents</Link>
      </section>
    );
  }
  if (!incident) return <p aria-live="polite">Loading incident…</p>;

  /** Runs a write; on 409 (or any failure) refetches so the page shows the current state. */
  /** `done` runs as soon as the write succeeded (e.g. forget a draft), before the page refreshes. */
  const act = async (
    label: string | (() => string),
    write: () => Promise<unknown>,
    done?: () => void,
  ): Promise<boolean> => {
    setBusy(true);
    setNotice(null);
    try {
      await write();
      done?.();
      setNotice({ kind: "ok", text: typeof label === "function" ? label() : label });
      return true;
    } catch (error) {
      setNotice(noticeFor(error, incident));
      return false;
    } finally {
      await detail.refresh();
      setBusy(false);
      // The button pressed may now be disabled or gone: focus what happened, so the keyboard and a
      // screen reader go on from there instead of from the top of the page.
      requestAnimationFrame(() => document.getElementById("action-notice")?.focus());
    }
  };

  const open = incident.status !== "resolved";
  const shownRoles = [
    ...ROLES.slice(0, 4),
    ...Object.keys(incident.roles ?? {}).filter((r) => !ROLES.slice(0, 4).includes(r as never)),
  ];

  return (
    <article aria-labelledby="incident-title" class={offline ? "detail stale" : "detail"}>
      <p>
        <Link href="/">← Open incidents</Link>
      </p>
      {banner}
      <IncidentHeader incident={incident} pages={pages} now={now} />

      <NoticeBox notice={notice} id="action-notice" />

      {/* While the API is down every control below is disabled (a half-typed update is kept). */}
      <fieldset class="actions-set" disabled={offline}>
        {offline && canAct ? <legend class="note error">{OUTAGE_REASON}</legend> : null}
        {canAct && open ? (
          <ActionsCard
            id={id}
            incident={incident}
            people={people}
            teams={teams}
            busy={busy}
            act={act}
            summary={summary}
            setSummary={setSummary}
            confirmingResolve={confirmingResolve}
            setConfirmingResolve={setConfirmingResolve}
          />
        ) : null}
        {!open ? (
          <ResolvedCard
            id={id}
            incident={incident}
            canAct={canAct}
            busy={busy}
            act={act}
            reopenReason={reopenReason}
            setReopenReason={setReopenReason}
          />
        ) : null}

        <section aria-labelledby="roles-title" class="card">
          <h2 id="roles-title">Roles</h2>
          <ul class="roles">
            {shownRoles.map((role) => (
              <RoleCard
                key={role}
                role={role}
                incident={incident}
                people={people}
                canAct={canAct}
                busy={busy}
                onAssign={(r, personId, page) => {
                  const name = people?.find((p) => p.id === personId)?.name ?? personId;
                  void act(`${ROLE_NAMES[r] ?? r}: ${name}${page ? " (paged)" : ""}.`, () =>
                    api.assignRole(id, r, personId, incident.version, page),
                  );
                }}
              />
            ))}
          </ul>
        </section>

        {canAct && open ? (
          <UpdateForm
            incidentId={incident.id}
            disabled={busy}
            onPost={(text, temporary, isPublic, posted) =>
              act("Update posted.", () => api.postUpdate(id, text, temporary, isPublic), posted)
            }
          />
        ) : null}

        <ChangesCard changes={incident.changes ?? []} />

        <RelatedCard
          incident={incident}
          canAct={canAct}
          busy={busy}
          onLink={(other, reason) => act(`Linked to ${other}.`, () => api.link(id, other, reason))}
          onUnlink={(other) => act(`Unlinked from ${other}.`, () => api.unlink(id, other))}
        />
      </fieldset>

      <PagesTable pages={pages} />
      <TracePanel id={incident.id} version={incident.version} />
      <Timeline
        entries={incident.timeline}
        merged={incident.mergedTimeline ?? []}
        keys={new Map((incident.merged ?? []).map((m) => [m.id, `INC-${m.number}`]))}
      />
    </article>
  );
}
