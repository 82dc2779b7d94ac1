import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../api";
import { useDraft } from "../draft";
import { describeChanges, formatAge, formatTime, incidentAge } from "../format";
import { useShortcuts } from "../keys";
import { useNow, usePolling } from "../poll";
import { Link } from "../router";
import {
  byMinuteNewestFirst,
  escalationState,
  kindInfo,
  latestUpdate,
  shownUnder,
  TIMELINE_FILTERS,
  type TimelineFilter,
} from "../timeline";
import {
  type AlarmContext,
  type Change,
  type IncidentDetail,
  type IncidentView,
  type Page,
  type Person,
  ROLE_NAMES,
  ROLES,
  type TeamOnCall,
} from "../types";
import {
  ErrorNote,
  type Notice,
  NoticeBox,
  OUTAGE_REASON,
  OutageBanner,
  ServiceLinks,
  SeverityBadge,
  StatusBadge,
} from "./common";
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

function actorName(actor: { type: string; id: string; name?: string }): string {
  return actor.name ?? (actor.type === "system" ? "Firebreak" : `${actor.type}:${actor.id}`);
}

/**
 * The timeline, newest first, grouped by minute, each kind by its label and icon (never its raw
 * name); paging noise is hidden unless asked for. With `merged`, the entries of the incidents merged
 * into this one are interleaved, each marked with its incident's key.
 */
function Timeline({
  entries,
  merged = [],
  keys = new Map(),
}: {
  entries: IncidentDetail["timeline"];
  merged?: IncidentDetail["timeline"];
  keys?: Map<string, string>;
}) {
  const [filter, setFilter] = useState<TimelineFilter>("default");
  const all = merged.length ? [...entries, ...merged] : entries;
  const shown = all.filter((e) => shownUnder(e, filter));
  const groups = byMinuteNewestFirst(shown);
  return (
    <section aria-labelledby="timeline-title" class="card">
      <div class="heading-row">
        <h2 id="timeline-title">Timeline</h2>
        <fieldset class="segmented">
          <legend class="visually-hidden">Show in the timeline</legend>
          {TIMELINE_FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              class="ghost"
              aria-pressed={filter === f.value}
              onClick={() => setFilter(f.value)}
            >
              {f.label}
            </button>
          ))}
        </fieldset>
      </div>
      <p class="muted">
        Newest first. {shown.length} of {all.length} entries
        {filter === "default" && shown.length < all.length
          ? " (paging hidden: choose All or Paging to see it)"
          : ""}
        .
      </p>
      {all.length === 0 ? <p class="muted">Nothing recorded yet.</p> : null}
      <ol class="timeline">
        {groups.map((group) => (
          <li key={group.minute} class="minute">
            <time class="minute-time" dateTime={group.at}>
              {formatTime(group.at)}
            </time>
            <ol>
              {group.entries.map((entry) => {
                const info = kindInfo(entry.kind);
                return (
                  <li key={entry.id} data-kind={entry.kind} data-group={info.group}>
                    <div class="meta">
                      <time dateTime={entry.at}>{formatTime(entry.at)}</time>
                      {entry.incidentId && keys.has(entry.incidentId) ? (
                        <span class="badge" title="from an incident merged into this one">
                          {keys.get(entry.incidentId)}
                        </span>
                      ) : null}
                      <span class="kind" title={entry.kind}>
                        <span aria-hidden="true">{info.icon}</span> {info.label}
                      </span>
                      <span class="actor">{actorName(entry.actor)}</span>
                      {entry.kind === "incident.update_posted" && entry.data.temporary === true ? (
                        <span class="badge warn">temporary</span>
                      ) : null}
                    </div>
                    <p class="text" dir="auto">
                      {entry.kind === "incident.update_posted" && typeof entry.data.text === "string"
                        ? entry.data.text
                        : entry.summary}
                    </p>
                  </li>
                );
              })}
            </ol>
          </li>
        ))}
      </ol>
    </section>
  );
}

function PagesTable({ pages }: { pages: Page[] | null }) {
  return (
    <section aria-labelledby="pages-title" class="card">
      <h2 id="pages-title">Pages</h2>
      {pages === null ? <p class="muted">Loading pages…</p> : null}
      {pages?.length === 0 ? <p class="muted">No pages sent for this incident.</p> : null}
      {pages?.length ? (
        <table class="pages">
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Via</th>
              <th scope="col">Level</th>
              <th scope="col">State</th>
              <th scope="col">Requested</th>
            </tr>
          </thead>
          <tbody>
            {pages.map((page) => (
              <tr key={page.pageId}>
                <td data-label="To">
                  {page.target.name ??
                    page.target.personId ??
                    page.target.slackChannelId ??
                    page.target.arn ??
                    page.target.kind}
                </td>
                <td data-label="Via">{page.channel}</td>
                <td data-label="Level">
                  {page.purpose === "role_coverage" ? "role coverage" : String(page.level)}
                  {page.round > 0 ? ` (round ${page.round})` : ""}
                </td>
                <td data-label="State">
                  <span class={`badge page-${page.state}`}>{page.state}</span>
                  {page.state === "failed" && page.error?.message ? (
                    <span class="muted"> {page.error.message}</span>
                  ) : null}
                  {page.attempts > 1 ? <span class="muted"> · {page.attempts} attempts</span> : null}
                </td>
                <td data-label="Requested">
                  <time dateTime={page.requestedAt}>{formatTime(page.requestedAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

interface RoleCardProps {
  role: string;
  incident: IncidentView;
  people: Person[] | null;
  canAct: boolean;
  busy: boolean;
  onAssign: (role: string, personId: string, page: boolean) => void;
}

function RoleCard({ role, incident, people, canAct, busy, onAssign }: RoleCardProps) {
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

function UpdateForm({
  incidentId,
  disabled,
  onPost,
}: {
  incidentId: string;
  disabled: boolean;
  /** `posted` forgets the draft: called as soon as the update is stored. */
  onPost: (text: string, temporary: boolean, isPublic: boolean, posted: () => void) => Promise<boolean>;
}) {
  // Kept while typed: a session that expires meanwhile does not lose it (draft.ts).
  const [text, setText] = useDraft(`${incidentId}:update`);
  const [temporary, setTemporary] = useState(false);
  const [isPublic, setPublic] = useState(false);
  return (
    <form
      class="card update-form"
      aria-labelledby="update-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!text.trim()) return;
        await onPost(text.trim(), temporary, isPublic, () => {
          setText("");
          setTemporary(false);
          setPublic(false);
        });
      }}
    >
      <h2 id="update-title">Post a status update</h2>
      <label for="update-text">Update for stakeholders</label>
      <textarea
        dir="auto"
        id="update-text"
        rows={3}
        maxLength={4000}
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        required
      />
      <label class="check">
        <input
          type="checkbox"
          checked={temporary}
          onChange={(e) => setTemporary((e.target as HTMLInputElement).checked)}
        />
        Temporary mitigation (to be rolled back later)
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={isPublic}
          onChange={(e) => setPublic((e.target as HTMLInputElement).checked)}
        />
        Public: show on the status page
      </label>
      <button type="submit" disabled={disabled || !text.trim()}>
        Post update
      </button>
    </form>
  );
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
  const latest = latestUpdate(incident.timeline);
  const escalation = escalationState(incident.status, pages);
  const canAck = incident.status === "declared";
  const canMitigate = incident.status === "declared" || incident.status === "acknowledged";
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
      <header class="incident-head">
        <h1 id="incident-title">
          <span class="key">{incident.key}</span>{" "}
          <span class="title" dir="auto">
            {incident.title}
          </span>
        </h1>
        <p class="facts">
          <SeverityBadge severity={incident.severity} /> <StatusBadge status={incident.status} />{" "}
          <span>
            {incident.resolvedAt ? "lasted" : "open for"}{" "}
            <time dateTime={incident.createdAt}>{incidentAge(incident, now)}</time>
          </span>
          {incident.services.length ? (
            <span>
              {" "}
              · service <ServiceLinks services={incident.services} />
            </span>
          ) : null}
          {incident.flapping ? <span class="badge warn">flapping</span> : null}
          {incident.reopens ? (
            <span class="badge warn" title={`last reopened ${incident.reopenedAt ?? ""}`}>
              reopened{incident.reopens > 1 ? ` ×${incident.reopens}` : ""}
            </span>
          ) : null}
        </p>
        {incident.alarm ? (
          <p>
            Alarm: <span class="alarm">{incident.alarm.name}</span>{" "}
            <span class="muted">
              ({incident.alarm.region}, account {incident.alarm.account})
            </span>
          </p>
        ) : null}
        {escalation ? (
          <p class="escalation-state">
            Paging {typeof escalation.level === "number" ? `level ${escalation.level}` : escalation.level}{" "}
            since <time dateTime={escalation.since}>{formatTime(escalation.since)}</time> (
            {formatAge(escalation.since, now)}
            ): nobody has acknowledged.
          </p>
        ) : null}
        {incident.alarm?.context ? <AlarmContextFacts context={incident.alarm.context} /> : null}
        {latest ? (
          <p class="latest-update">
            <strong>Latest update</strong>, <time dateTime={latest.at}>{formatAge(latest.at, now)} ago</time>{" "}
            by {actorName(latest.actor)}:{" "}
            <span dir="auto">{typeof latest.data.text === "string" ? latest.data.text : latest.summary}</span>
          </p>
        ) : null}
        {incident.alarms && incident.alarms.length > 1 ? (
          <section class="alarms" aria-label="Alarms of this incident">
            <p>
              {incident.alarms.length} alarms
              {incident.allClear ? " · all clear" : ""}:
            </p>
            <ul>
              {incident.alarms.map((a) => (
                <li key={a.arn} data-state={a.state}>
                  <span class="alarm">{a.name}</span>{" "}
                  <span class={`badge ${a.state === "ALARM" ? "warn" : ""}`}>{a.state}</span>
                  {a.role === "grouped" ? <span class="muted"> (grouped)</span> : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {incident.mergedInto ? (
          <p class="notice merged" role="note">
            Merged into{" "}
            <Link href={`/incidents/INC-${incident.mergedInto.number}`}>
              INC-{incident.mergedInto.number} {incident.mergedInto.title}
            </Link>
            : follow it there.
          </p>
        ) : null}
        {incident.description ? (
          <p class="description" dir="auto">
            {incident.description}
          </p>
        ) : null}
        {incident.summary ? (
          <p class="description" dir="auto">
            Resolution: {incident.summary}
          </p>
        ) : null}
      </header>

      <NoticeBox notice={notice} id="action-notice" />

      {/* While the API is down every control below is disabled (a half-typed update is kept). */}
      <fieldset class="actions-set" disabled={offline}>
        {offline && canAct ? <legend class="note error">{OUTAGE_REASON}</legend> : null}
        {canAct && open ? (
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
        ) : null}
        {!open ? (
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
                  void act("Reopened: paging starts again.", () =>
                    api.reopen(id, reason, incident.version),
                  ).then((ok) => ok && setReopenReason(""));
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

/** Only http(s) URLs become links (the API sends no other; this is the browser's own check). */
function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** The alarm's crossing, metrics, composite children and links, under the incident's title. */
function AlarmContextFacts({ context }: { context: AlarmContext }) {
  const crossing = [
    context.value === undefined ? null : `value ${context.value}`,
    context.comparison ?? null,
    context.threshold === undefined ? null : `threshold ${context.threshold}`,
  ]
    .filter(Boolean)
    .join(" ");
  const links = [
    ...context.links,
    ...(context.consoleUrl ? [{ label: context.source ?? "CloudWatch alarm", url: context.consoleUrl }] : []),
  ];
  return (
    <dl class="alarm-context">
      {crossing ? (
        <>
          <dt>Crossing</dt>
          <dd class="crossing">{crossing}</dd>
        </>
      ) : null}
      {context.metrics.map((metric) => (
        <>
          <dt>Metric</dt>
          <dd class="metric">{metric}</dd>
        </>
      ))}
      {context.band ? (
        <>
          <dt>Band</dt>
          <dd>{context.band}</dd>
        </>
      ) : null}
      {context.composite ? (
        <>
          <dt>Rule</dt>
          <dd class="metric">{context.composite.rule}</dd>
          {context.composite.children.length ? (
            <>
              <dt>Triggered by</dt>
              <dd>
                {context.composite.children
                  .map((c) => `${c.name}${c.state ? ` (${c.state})` : ""}`)
                  .join(", ")}
              </dd>
            </>
          ) : null}
        </>
      ) : null}
      <dt>Links</dt>
      <dd class="alarm-links">
        {links.map((link, i) => {
          const href = safeHref(link.url);
          return (
            <>
              {i > 0 ? " · " : null}
              {href ? (
                <a href={href} target="_blank" rel="noopener noreferrer">
                  {link.label}
                </a>
              ) : (
                <span>{link.label}</span>
              )}
            </>
          );
        })}
      </dd>
    </dl>
  );
}

const SEVERITY_CHOICES = ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"] as const;

/**
 * Change the severity: raising it to a high-urgency severity pages the high-urgency way from then
 * on; lowering it needs a reason (the API refuses it without one, and the form says so first).
 */
/** Page a person, or a team's current on-call (named in the choice), into the incident. */
function PageSomeoneForm(props: {
  people: Person[] | null;
  teams: TeamOnCall[] | null;
  disabled: boolean;
  onPage: (whom: string, message?: string) => Promise<boolean>;
}) {
  const [whom, setWhom] = useState("");
  const [message, setMessage] = useState("");
  return (
    <form
      class="inline"
      aria-label="Page someone"
      onSubmit={(e) => {
        e.preventDefault();
        if (!whom) return;
        void props.onPage(whom, message.trim() || undefined).then((ok) => {
          if (ok) {
            setWhom("");
            setMessage("");
          }
        });
      }}
    >
      <label for="page-whom">Page into this incident</label>
      <select id="page-whom" value={whom} onChange={(e) => setWhom((e.target as HTMLSelectElement).value)}>
        <option value="">Choose…</option>
        {props.teams?.length ? (
          <optgroup label="A team's on-call">
            {props.teams.map((t) => (
              <option key={t.id} value={`team:${t.id}`} disabled={t.onCall.length === 0}>
                {t.name}: {t.onCall.length ? t.onCall.map((p) => p.name).join(", ") : "nobody on call"}
              </option>
            ))}
          </optgroup>
        ) : null}
        {props.people?.length ? (
          <optgroup label="A person">
            {props.people.map((p) => (
              <option key={p.id} value={`person:${p.id}`}>
                {p.name}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      <label for="page-message" class="visually-hidden">
        Message (optional)
      </label>
      <input
        id="page-message"
        type="text"
        dir="auto"
        maxLength={500}
        placeholder="Message (optional)"
        value={message}
        onInput={(e) => setMessage((e.target as HTMLInputElement).value)}
      />
      <button type="submit" disabled={props.disabled || !whom}>
        Page
      </button>
    </form>
  );
}

function SeverityForm(props: {
  current: string;
  disabled: boolean;
  onChange: (severity: string, reason?: string) => Promise<boolean>;
}) {
  const [severity, setSeverity] = useState(props.current);
  const [reason, setReason] = useState("");
  const lowering =
    SEVERITY_CHOICES.indexOf(severity as never) > SEVERITY_CHOICES.indexOf(props.current as never);
  return (
    <form
      class="inline"
      aria-label="Change severity"
      onSubmit={(e) => {
        e.preventDefault();
        void props.onChange(severity, reason.trim() || undefined).then((ok) => {
          if (ok) setReason("");
        });
      }}
    >
      <label for="severity-choice">Severity</label>
      <select
        id="severity-choice"
        value={severity}
        onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}
      >
        {SEVERITY_CHOICES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <label for="severity-reason" class="visually-hidden">
        Reason {lowering ? "(required when lowering)" : "(optional)"}
      </label>
      <input
        id="severity-reason"
        type="text"
        dir="auto"
        maxLength={500}
        required={lowering}
        placeholder={lowering ? "Reason (required when lowering)" : "Reason (optional)"}
        value={reason}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
      />
      <button type="submit" disabled={props.disabled || severity === props.current}>
        Change severity
      </button>
    </form>
  );
}

/** INC-n as people type it (inc-7, 7, INC-7) → INC-7; undefined when it is not one. */
export function incidentKeyOf(text: string): string | undefined {
  const m = /^(?:inc-?)?(\d{1,9})$/i.exec(text.trim());
  return m && Number(m[1]) > 0 ? `INC-${Number(m[1])}` : undefined;
}

/** "Merge into INC-n": this incident is a duplicate of that one. */
function MergeForm(props: {
  disabled: boolean;
  onMerge: (into: string, reason?: string) => Promise<boolean>;
}) {
  const [into, setInto] = useState("");
  const [reason, setReason] = useState("");
  const key = incidentKeyOf(into);
  return (
    <form
      class="inline"
      aria-label="Merge into another incident"
      onSubmit={(e) => {
        e.preventDefault();
        if (!key) return;
        void props.onMerge(key, reason.trim() || undefined).then((ok) => {
          if (ok) {
            setInto("");
            setReason("");
          }
        });
      }}
    >
      <label for="merge-into">Duplicate of</label>
      <input
        id="merge-into"
        type="text"
        dir="auto"
        inputMode="numeric"
        placeholder="INC-7"
        size={8}
        maxLength={14}
        value={into}
        aria-invalid={into.trim() !== "" && !key}
        onInput={(e) => setInto((e.target as HTMLInputElement).value)}
      />
      <label for="merge-reason" class="visually-hidden">
        Why (optional)
      </label>
      <input
        id="merge-reason"
        type="text"
        dir="auto"
        maxLength={500}
        placeholder="Why (optional)"
        value={reason}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
      />
      <button
        type="submit"
        disabled={props.disabled || !key}
        title="Resolve this incident as a duplicate: its pages stop, its alarms follow"
      >
        Merge into it
      </button>
    </form>
  );
}

const CHANGE_SOURCES: Record<Change["source"], string> = {
  api: "recorded",
  pagerduty: "PagerDuty",
  codedeploy: "CodeDeploy",
  ecs: "ECS",
  cloudformation: "CloudFormation",
};

/** What changed on its services in the two hours before it started (deploys first suspects). */
function ChangesCard({ changes }: { changes: Change[] }) {
  return (
    <section aria-labelledby="changes-title" class="card">
      <h2 id="changes-title">Changes before it started</h2>
      {changes.length === 0 ? (
        <p class="muted">No changes recorded to its services in the 2 hours before it started.</p>
      ) : (
        <ul class="related" aria-label="Changes before it started">
          {changes.map((change) => (
            <li key={change.id}>
              <time dateTime={change.at}>{formatTime(change.at)}</time> <strong>{change.service}</strong>{" "}
              {change.link ? (
                <a href={change.link} rel="noopener noreferrer" target="_blank">
                  {change.summary}
                </a>
              ) : (
                change.summary
              )}{" "}
              <span class="muted">
                ({CHANGE_SOURCES[change.source] ?? change.source}
                {change.recordedBy ? ` by ${change.recordedBy.name ?? change.recordedBy.id}` : ""})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The incidents merged into this one, and related incidents (link, unlink). */
function RelatedCard(props: {
  incident: IncidentDetail;
  canAct: boolean;
  busy: boolean;
  onLink: (other: string, reason?: string) => Promise<boolean>;
  onUnlink: (other: string) => Promise<boolean>;
}) {
  const { incident } = props;
  const [other, setOther] = useState("");
  const key = incidentKeyOf(other);
  const merged = incident.merged ?? [];
  const links = incident.links ?? [];
  if (!props.canAct && merged.length === 0 && links.length === 0) return null;
  const refLink = (r: { number: number; title: string }) => (
    <Link href={`/incidents/INC-${r.number}`}>
      INC-{r.number} {r.title}
    </Link>
  );
  return (
    <section aria-labelledby="related-title" class="card">
      <h2 id="related-title">Related incidents</h2>
      {merged.length ? (
        <>
          <h3>Merged into this incident</h3>
          <ul class="related" aria-label="Merged into this incident">
            {merged.map((m) => (
              <li key={m.id}>
                {refLink(m)} <span class="muted">merged {formatTime(m.at)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {links.length ? (
        <ul class="related" aria-label="Linked incidents">
          {links.map((l) => (
            <li key={l.id}>
              {refLink(l)}{" "}
              {props.canAct ? (
                <button
                  type="button"
                  class="link"
                  disabled={props.busy}
                  aria-label={`Unlink INC-${l.number}`}
                  onClick={() => void props.onUnlink(`INC-${l.number}`)}
                >
                  Unlink
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No linked incidents.</p>
      )}
      {props.canAct ? (
        <form
          class="inline"
          aria-label="Link an incident"
          onSubmit={(e) => {
            e.preventDefault();
            if (key) void props.onLink(key).then((ok) => ok && setOther(""));
          }}
        >
          <label for="link-other">Link</label>
          <input
            id="link-other"
            type="text"
            dir="auto"
            placeholder="INC-3"
            size={8}
            maxLength={14}
            value={other}
            aria-invalid={other.trim() !== "" && !key}
            onInput={(e) => setOther((e.target as HTMLInputElement).value)}
          />
          <button type="submit" disabled={props.busy || !key}>
            Link
          </button>
        </form>
      ) : null}
    </section>
  );
}
