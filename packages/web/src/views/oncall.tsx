import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../api";
import { formatTime } from "../format";
import type { Heartbeat, Person, ShiftOverride, TeamOnCall } from "../types";
import { RotationCalendars } from "./calendar";
import { ErrorNote, type Notice, NoticeBox, ServiceLinks, TableHead } from "./common";
import { CoverageCard } from "./coverage";
import { NotifyRulesCard } from "./notify-rules";
import { TestPageCard } from "./test-page";

/**
 * Who is on call now and next, per team and escalation level (GET /api/oncall), and the runtime
 * shift overrides: cover, give away or swap a shift, and cancel one.
 */
export function OnCallView({
  canAct,
  personId,
  admin = false,
}: {
  canAct: boolean;
  personId?: string;
  admin?: boolean;
}) {
  const [teams, setTeams] = useState<TeamOnCall[] | null>(null);
  const [overrides, setOverrides] = useState<ShiftOverride[] | null>(null);
  const [heartbeats, setHeartbeats] = useState<Heartbeat[] | null>(null);
  const [people, setPeople] = useState<Person[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const load = () =>
    Promise.all([
      api.teamsOnCall().then(setTeams, (e: unknown) => setError(e as Error)),
      api.shiftOverrides().then(setOverrides, () => setOverrides([])),
      api.heartbeats().then(setHeartbeats, () => setHeartbeats([])),
    ]);
  useEffect(() => {
    void load();
    api.people().then(setPeople, () => setPeople([]));
  }, [canAct]);
  const act = async (ok: string, write: () => Promise<unknown>) => {
    setBusy(true);
    setNotice(null);
    try {
      await write();
      // The list is current before the confirmation shows.
      await load();
      setNotice({ kind: "ok", text: ok });
      return true;
    } catch (e) {
      const p = e instanceof ApiError ? e.problem : undefined;
      setNotice({
        kind: "error",
        text: p?.detail ?? (e as Error).message,
        details: p?.issues?.map((i) => `${i.path}: ${i.message}`) ?? [],
      });
      return false;
    } finally {
      await load();
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="oncall-title">
      <h1 id="oncall-title">On call</h1>
      <p class="muted">
        Who each team's escalation policy pages now, level by level, and who takes over next.
      </p>
      <ErrorNote error={error} />
      <NoticeBox notice={notice} />
      <OverridesCard
        overrides={overrides}
        teams={teams ?? []}
        people={people}
        canAct={canAct}
        busy={busy}
        onAdd={(input) => act("Shift override saved: paging follows it.", () => api.addShiftOverride(input))}
        onCancel={(id) => act(`${id} cancelled.`, () => api.cancelShiftOverride(id))}
      />
      <NotifyRulesCard personId={personId} admin={admin} people={people} />
      <TestPageCard personId={personId} canTestOthers={canAct} people={people} teams={teams ?? []} />
      <HeartbeatsCard heartbeats={heartbeats} />
      <CoverageCard version={overrides} />
      <RotationCalendars version={overrides} />
      {teams === null && !error ? <p aria-busy="true">Loading…</p> : null}
      {teams && teams.length === 0 ? <p>The on-call directory has no teams yet.</p> : null}
      {teams?.map((team) => (
        <section key={team.id} class="card" aria-labelledby={`team-${team.id}`} data-team={team.id}>
          <h2 id={`team-${team.id}`}>
            {team.name}{" "}
            <span class="muted">
              (<ServiceLinks services={team.services} />)
            </span>
          </h2>
          {team.policy ? (
            <p class="policy" dir="auto">
              <strong>Escalation policy {team.policy.name ?? team.policy.id}:</strong>{" "}
              {team.policy.levels
                .map((l) => `level ${l.level} ${l.targets.join(" + ")} (${l.timeoutMinutes} min)`)
                .join(" → ")}
              {team.policy.repeat > 0 ? `; repeated ${team.policy.repeat}×` : ""}; then the fallback,{" "}
              {team.policy.fallback}.
            </p>
          ) : null}
          <table class="oncall">
            <TableHead columns={["Level", "Now", "Next"]} />
            <tbody>
              {team.levels.map((level) => (
                <tr key={level.level}>
                  <td>{level.level}</td>
                  <td class="now">
                    {level.now.length ? (
                      level.now.map((p) => (
                        <div key={p.personId}>
                          <strong>{p.name}</strong>
                          <Unverified person={people.find((x) => x.id === p.personId)} />
                          {p.until ? (
                            <span class="muted">
                              {" "}
                              until <time dateTime={p.until}>{formatTime(p.until)}</time>
                            </span>
                          ) : null}
                        </div>
                      ))
                    ) : (
                      <span class="muted">nobody ({level.nobody ?? "no targets"})</span>
                    )}
                  </td>
                  <td class="next">
                    {level.next ? (
                      <>
                        {level.next.people.map((p) => p.name).join(", ")}{" "}
                        <span class="muted">
                          from <time dateTime={level.next.from}>{formatTime(level.next.from)}</time>
                        </span>
                      </>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </section>
  );
}

/** `datetime-local` (the browser's wall time) → an ISO instant; undefined when empty or invalid. */
function instantOf(local: string): string | undefined {
  const ms = local ? new Date(local).getTime() : Number.NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function OverridesCard(props: {
  overrides: ShiftOverride[] | null;
  teams: TeamOnCall[];
  people: Person[];
  canAct: boolean;
  busy: boolean;
  onAdd: (input: {
    personId: string;
    rotationId: string;
    from: string;
    to: string;
    reason?: string;
  }) => Promise<boolean>;
  onCancel: (id: string) => Promise<boolean>;
}) {
  const rotations = props.teams.flatMap((t) => (t.rotations ?? []).map((r) => ({ ...r, team: t.name })));
  const [personId, setPersonId] = useState("");
  const [rotationId, setRotationId] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [reason, setReason] = useState("");
  const fromIso = instantOf(from);
  const toIso = instantOf(to);
  const ready = personId && rotationId && fromIso && toIso;
  return (
    <section class="card" aria-labelledby="overrides-title">
      <h2 id="overrides-title">Shift overrides</h2>
      {props.overrides === null ? <p aria-busy="true">Loading…</p> : null}
      {props.overrides?.length === 0 ? (
        <p class="muted">No shift overrides: every rotation runs as scheduled.</p>
      ) : null}
      {props.overrides?.length ? (
        <ul class="related" aria-label="Shift overrides">
          {props.overrides.map((o) => (
            <li key={o.id}>
              <strong>{o.id}</strong> {o.personName ?? o.personId} on call in {o.rotationName ?? o.rotationId}{" "}
              <span class="muted">
                <time dateTime={o.from}>{formatTime(o.from)}</time> →{" "}
                <time dateTime={o.to}>{formatTime(o.to)}</time>
                {o.reason ? ` · ${o.reason}` : ""} · by {o.createdBy.name ?? o.createdBy.id}
              </span>{" "}
              {props.canAct ? (
                <button
                  type="button"
                  class="link"
                  disabled={props.busy}
                  aria-label={`Cancel ${o.id}`}
                  onClick={() => void props.onCancel(o.id)}
                >
                  Cancel
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {props.canAct ? (
        <form
          class="stacked"
          aria-label="Cover a shift"
          onSubmit={(e) => {
            e.preventDefault();
            if (!ready) return;
            void props
              .onAdd({
                personId,
                rotationId,
                from: fromIso,
                to: toIso,
                ...(reason.trim() ? { reason: reason.trim() } : {}),
              })
              .then((ok) => {
                if (ok) {
                  setFrom("");
                  setTo("");
                  setReason("");
                }
              });
          }}
        >
          <p class="muted">
            Give your shift away, take a colleague's, or swap (two covers). Members of the rotation may; it
            ends on its own. Times are your browser's.
          </p>
          <label for="cover-person">Who is on call</label>
          <select
            id="cover-person"
            value={personId}
            onChange={(e) => setPersonId((e.target as HTMLSelectElement).value)}
          >
            <option value="">Choose a person</option>
            {props.people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <label for="cover-rotation">In rotation</label>
          <select
            id="cover-rotation"
            value={rotationId}
            onChange={(e) => setRotationId((e.target as HTMLSelectElement).value)}
          >
            <option value="">Choose a rotation</option>
            {rotations.map((r) => (
              <option key={r.id} value={r.id}>
                {r.team}: {r.name ?? r.id}
              </option>
            ))}
          </select>
          <label for="cover-from">From</label>
          <input
            id="cover-from"
            type="datetime-local"
            value={from}
            onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
          />
          <label for="cover-to">Until</label>
          <input
            id="cover-to"
            type="datetime-local"
            value={to}
            onInput={(e) => setTo((e.target as HTMLInputElement).value)}
          />
          <label for="cover-reason">Reason (optional)</label>
          <input
            id="cover-reason"
            type="text"
            dir="auto"
            maxLength={200}
            value={reason}
            onInput={(e) => setReason((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary" disabled={props.busy || !ready}>
            Save the cover
          </button>
        </form>
      ) : null}
    </section>
  );
}

const HEARTBEAT_STATES: Record<Heartbeat["state"], string> = {
  new: "waiting for its first ping",
  up: "up",
  down: "DOWN",
};

/** Heartbeats (GET /api/heartbeats): each one's state, last ping and when the next one is due. */
function HeartbeatsCard({ heartbeats }: { heartbeats: Heartbeat[] | null }) {
  if (heartbeats === null) return null;
  return (
    <section class="card" aria-labelledby="heartbeats-title">
      <h2 id="heartbeats-title">Heartbeats</h2>
      {heartbeats.length === 0 ? (
        <p class="muted">
          No heartbeats. A job that must run (a backup, a cron) pings one; create it with{" "}
          <code>firebreak heartbeat create</code>.
        </p>
      ) : (
        <table class="oncall" aria-label="Heartbeats">
          <TableHead columns={["Heartbeat", "Service", "State", "Last ping", "Next ping by"]} />
          <tbody>
            {heartbeats.map((h) => (
              <tr key={h.id} data-heartbeat={h.id} data-state={h.state}>
                <td>{h.name}</td>
                <td>{h.service}</td>
                <td>
                  {h.state === "down" ? <strong>{HEARTBEAT_STATES.down}</strong> : HEARTBEAT_STATES[h.state]}
                </td>
                <td>
                  {h.lastPingAt ? <time dateTime={h.lastPingAt}>{formatTime(h.lastPingAt)}</time> : "never"}
                </td>
                <td>
                  {h.nextPingBy ? <time dateTime={h.nextPingBy}>{formatTime(h.nextPingBy)}</time> : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A mark beside someone on call with no verified contact method: a page to them may not land. */
function Unverified({ person }: { person: Person | undefined }) {
  if (!person?.verified || person.verified.length > 0) return null;
  return (
    <span class="unverified" title="No verified contact method: a page may not land" data-unverified>
      {" "}
      · unverified
    </span>
  );
}
