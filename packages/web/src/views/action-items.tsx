/**
 * Action items (core/action-items): the panel on an incident's postmortem (its items, a form to add
 * one, "create from the draft", status changes) and the Action items page (every item, filtered by
 * service, owner and status, and the risk view: per service the open items, their age and the
 * error budget left).
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, getJson, send } from "../api";
import { Link } from "../router";
import type { ActionItem, Person, ServiceRisk } from "../types";
import { ErrorNote, errorNotice, type Notice, NoticeBox, TableHead } from "./common";

const STATUS_LABEL: Record<ActionItem["status"], string> = {
  open: "Open",
  done: "Done",
  wont_do: "Won't do",
};

/** A fresh key per intended create: a double click or a retry of the same submission makes one item. */
const newKey = () => crypto.randomUUID();

function usePeople(): Person[] {
  const [people, setPeople] = useState<Person[]>([]);
  useEffect(() => {
    api.people().then(setPeople, () => setPeople([]));
  }, []);
  return people;
}

function StatusSelect({
  item,
  canAct,
  onChanged,
  onNotice,
}: {
  item: ActionItem;
  canAct: boolean;
  onChanged: (item: ActionItem) => void;
  onNotice: (notice: Notice) => void;
}) {
  const [busy, setBusy] = useState(false);
  if (!canAct) return <span class={`badge action-${item.status}`}>{STATUS_LABEL[item.status]}</span>;
  return (
    <select
      aria-label={`Status of ${item.id}`}
      value={item.status}
      disabled={busy}
      onChange={async (e) => {
        const status = (e.target as HTMLSelectElement).value as ActionItem["status"];
        setBusy(true);
        try {
          const changed = await send<ActionItem>("PATCH", `/api/action-items/${item.id}`, {
            status,
            expectedVersion: item.version,
          });
          onChanged(changed);
          onNotice({ kind: "ok", text: `${item.id} is ${STATUS_LABEL[changed.status].toLowerCase()}.` });
        } catch (error) {
          if (error instanceof ApiError && error.status === 409 && error.problem.current) {
            const current = error.problem.current as unknown as ActionItem;
            onChanged(current);
            onNotice({
              kind: "conflict",
              text: `${item.id} changed meanwhile: it is ${STATUS_LABEL[current.status].toLowerCase()} now (version ${current.version}). Choose again if you still want to change it.`,
            });
          } else onNotice(errorNotice(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      {(Object.keys(STATUS_LABEL) as ActionItem["status"][]).map((s) => (
        <option value={s} key={s}>
          {STATUS_LABEL[s]}
        </option>
      ))}
    </select>
  );
}

const SYNC_TEXT: Record<string, string> = {
  created: "its issue was created",
  adopted: "its issue was found and linked",
  closed: "its issue is closed there, so it is done here",
  unchanged: "its issue was read back: nothing changed",
  claimed_elsewhere: "a sync of it is already under way",
  no_tracker: "its team has no tracker in the on-call directory",
  failed: "the tracker did not answer as expected (shown on the item; it is tried again later)",
};

/** Sync with the team's tracker now (POST /api/action-items/{id}/sync). */
function SyncButton({
  item,
  onChanged,
  onNotice,
}: {
  item: ActionItem;
  onChanged: (item: ActionItem) => void;
  onNotice: (notice: Notice) => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class="ghost"
      disabled={busy}
      aria-label={`Sync ${item.id} with the tracker`}
      onClick={async () => {
        setBusy(true);
        try {
          const answer = await send<{ outcome: string; item: ActionItem }>(
            "POST",
            `/api/action-items/${item.id}/sync`,
            {},
          );
          onChanged(answer.item);
          onNotice({
            kind: answer.outcome === "failed" ? "error" : "ok",
            text: `${item.id}: ${SYNC_TEXT[answer.outcome] ?? answer.outcome}.`,
          });
        } catch (error) {
          onNotice(errorNotice(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      Sync
    </button>
  );
}

function ItemsTable({
  items,
  people,
  canAct,
  withIncident,
  onChanged,
  onNotice,
}: {
  items: ActionItem[];
  people: Person[];
  canAct: boolean;
  withIncident: boolean;
  onChanged: (item: ActionItem) => void;
  onNotice: (notice: Notice) => void;
}) {
  const name = (id: string) => people.find((p) => p.id === id)?.name ?? id;
  if (items.length === 0) return <p class="muted">No action items.</p>;
  return (
    <table class="action-items">
      <TableHead
        columns={[
          "Item",
          ...(withIncident ? ["Incident"] : []),
          "Action",
          "Owner",
          "Due",
          "Status",
          "Tracker",
        ]}
      />
      <tbody>
        {items.map((item) => (
          <tr key={item.id} data-item={item.id}>
            <td>{item.id}</td>
            {withIncident ? (
              <td>
                <Link href={`/incidents/INC-${item.incidentNumber}/postmortem`}>
                  INC-{item.incidentNumber}
                </Link>
              </td>
            ) : null}
            <td dir="auto">{item.title}</td>
            <td>{name(item.owner)}</td>
            <td>{item.due ?? "—"}</td>
            <td>
              <StatusSelect item={item} canAct={canAct} onChanged={onChanged} onNotice={onNotice} />
            </td>
            <td>
              {canAct ? <SyncButton item={item} onChanged={onChanged} onNotice={onNotice} /> : null}
              {item.tracker ? (
                <a href={item.tracker.url} rel="noreferrer" target="_blank">
                  {item.tracker.key}
                </a>
              ) : item.sync?.state === "failed" ? (
                <span class="note error" title={item.sync.lastError}>
                  sync failed ({item.sync.attempts}×): {item.sync.lastError}
                </span>
              ) : (
                <span class="muted">—</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const replace = (items: ActionItem[], changed: ActionItem) =>
  items.map((i) => (i.id === changed.id ? changed : i));

/** The incident's action items on its postmortem page. */
export function ActionItemsPanel({ incidentId, canAct }: { incidentId: string; canAct: boolean }) {
  const people = usePeople();
  const [items, setItems] = useState<ActionItem[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [title, setTitle] = useState("");
  const [owner, setOwner] = useState("");
  const [due, setDue] = useState("");
  const [key, setKey] = useState(newKey);
  const [busy, setBusy] = useState(false);
  const load = () =>
    getJson<{ items: ActionItem[] }>(`/api/action-items?incident=${encodeURIComponent(incidentId)}`).then(
      (r) => setItems(r.items),
      (e: Error) => setError(e),
    );
  useEffect(() => {
    void load();
  }, [incidentId]);
  return (
    <section class="card" aria-labelledby="ai-title">
      <h2 id="ai-title">Action items</h2>
      <ErrorNote error={error} />
      <NoticeBox notice={notice} />
      {items ? (
        <ItemsTable
          items={items}
          people={people}
          canAct={canAct}
          withIncident={false}
          onChanged={(changed) => setItems((list) => replace(list ?? [], changed))}
          onNotice={setNotice}
        />
      ) : (
        <p aria-live="polite">Loading the action items…</p>
      )}
      {canAct ? (
        <>
          <form
            class="fields action-item-form"
            aria-label="Add an action item"
            onSubmit={async (e) => {
              e.preventDefault();
              setBusy(true);
              setNotice(null);
              try {
                const item = await send<ActionItem>(
                  "POST",
                  `${api.incident(incidentId)}/action-items`,
                  { title: title.trim(), owner, ...(due ? { due } : {}) },
                  { "idempotency-key": key },
                );
                setItems((list) => [...(list ?? []).filter((i) => i.id !== item.id), item]);
                setNotice({ kind: "ok", text: `${item.id} added.` });
                setTitle("");
                setDue("");
                setKey(newKey());
              } catch (error) {
                setNotice(errorNotice(error));
              } finally {
                setBusy(false);
              }
            }}
          >
            <label for="ai-new-title">Action</label>
            <input
              id="ai-new-title"
              value={title}
              maxLength={200}
              required
              onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
            />
            <label for="ai-new-owner">Owner</label>
            <select
              id="ai-new-owner"
              value={owner}
              required
              onChange={(e) => setOwner((e.target as HTMLSelectElement).value)}
            >
              <option value="">Choose a person</option>
              {people.map((p) => (
                <option value={p.id} key={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            <label for="ai-new-due">Due</label>
            <input
              id="ai-new-due"
              type="date"
              value={due}
              onInput={(e) => setDue((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="primary" disabled={busy}>
              Add the action item
            </button>
          </form>
          <p>
            <button
              type="button"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setNotice(null);
                try {
                  const made = await send<{ created: number; items: ActionItem[] }>(
                    "POST",
                    `${api.incident(incidentId)}/action-items/from-draft`,
                    {},
                  );
                  await load();
                  setNotice({
                    kind: "ok",
                    text:
                      made.created > 0
                        ? `${made.created} action item${made.created === 1 ? "" : "s"} created from the draft.`
                        : "The draft's action items already exist.",
                  });
                } catch (error) {
                  setNotice(errorNotice(error));
                } finally {
                  setBusy(false);
                }
              }}
            >
              Create from the draft
            </button>
          </p>
        </>
      ) : null}
    </section>
  );
}

const minutes = (value: number | null) => (value === null ? "—" : `${Math.round(value * 10) / 10} min`);

/** Every action item, filtered, and the risk each service carries. */
export function ActionItemsView({ canAct }: { canAct: boolean }) {
  const people = usePeople();
  const [filter, setFilter] = useState({ service: "", owner: "", status: "open" });
  const [items, setItems] = useState<ActionItem[] | null>(null);
  const [risk, setRisk] = useState<ServiceRisk[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  useEffect(() => {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ""));
    // A late answer to an older filter must not replace the newer filter's list.
    let current = true;
    getJson<{ items: ActionItem[] }>(`/api/action-items?${query}`).then(
      (r) => current && setItems(r.items),
      (e: Error) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [filter.service, filter.owner, filter.status]);
  useEffect(() => {
    getJson<{ services: ServiceRisk[] }>("/api/risk").then(
      (r) => setRisk(r.services),
      (e: Error) => setError(e),
    );
  }, []);
  const set = (field: keyof typeof filter) => (e: Event) =>
    setFilter({ ...filter, [field]: (e.target as HTMLInputElement | HTMLSelectElement).value });
  return (
    <section aria-labelledby="ais-title">
      <h1 id="ais-title">Action items</h1>
      <ErrorNote error={error} />
      <section class="card" aria-labelledby="risk-title">
        <h2 id="risk-title">Risk by service</h2>
        {risk === null ? (
          <p aria-live="polite">Loading…</p>
        ) : risk.length === 0 ? (
          <p class="muted">No open action items, and no service with an SLO.</p>
        ) : (
          <table class="risk">
            <TableHead columns={["Service", "Open items", "Overdue", "Oldest (days)", "Budget left"]} />
            <tbody>
              {risk.map((r) => (
                <tr key={r.service} data-service={r.service}>
                  <td>
                    <Link href={`/services/${encodeURIComponent(r.service)}`}>{r.service}</Link>
                  </td>
                  <td>{r.openActionItems}</td>
                  <td>{r.overdueActionItems}</td>
                  <td>{r.oldestOpenDays ?? "—"}</td>
                  <td>
                    {r.budget
                      ? `${minutes(r.budget.remainingMinutes)} of ${minutes(r.budget.budgetMinutes)}`
                      : "no SLO"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <form class="filters" aria-label="Filter action items" onSubmit={(e) => e.preventDefault()}>
        <label for="ai-service">Service</label>
        <input id="ai-service" value={filter.service} onChange={set("service")} />
        <label for="ai-owner">Owner</label>
        <select id="ai-owner" value={filter.owner} onChange={set("owner")}>
          <option value="">Anyone</option>
          {people.map((p) => (
            <option value={p.id} key={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <label for="ai-status">Status</label>
        <select id="ai-status" value={filter.status} onChange={set("status")}>
          <option value="">Any</option>
          {(Object.keys(STATUS_LABEL) as ActionItem["status"][]).map((s) => (
            <option value={s} key={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </form>
      <NoticeBox notice={notice} />
      {items ? (
        <ItemsTable
          items={items}
          people={people}
          canAct={canAct}
          withIncident
          onChanged={(changed) => setItems((list) => replace(list ?? [], changed))}
          onNotice={setNotice}
        />
      ) : (
        <p aria-live="polite">Loading the action items…</p>
      )}
    </section>
  );
}
