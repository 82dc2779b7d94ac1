import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { getJson } from "../api";
import { applyFilters, type Filters, formatAge, formatTime, incidentAge, needsAttention } from "../format";
import { moveFocus, useShortcuts } from "../keys";
import { useNow, usePolling } from "../poll";
import { Link } from "../router";
import { type IncidentView, type MaintenanceWindow, SEVERITIES } from "../types";
import { BulkBar } from "./bulk";
import { ErrorNote, OutageBanner, SeverityBadge, StatusBadge } from "./common";

interface ListResponse {
  items: IncidentView[];
  cursor: string | null;
}

const EMPTY: Filters = { severity: "", status: "", service: "", text: "" };

/** Incidents per page: the first page is polled live; later pages are loaded on request. */
export const PAGE_SIZE = 200;

/** The polled first page, then the pages loaded after it (an incident in both is shown once). */
export function withLaterPages(first: IncidentView[], later: IncidentView[]): IncidentView[] {
  const seen = new Set(first.map((i) => i.id));
  return [...first, ...later.filter((i) => !seen.has(i.id))];
}

function readFilters(): Filters {
  const q = new URLSearchParams(location.search);
  return {
    severity: q.get("severity") ?? "",
    status: q.get("status") ?? "",
    service: q.get("service") ?? "",
    text: q.get("q") ?? "",
  };
}

function writeFilters(filters: Filters): void {
  const q = new URLSearchParams();
  if (filters.severity) q.set("severity", filters.severity);
  if (filters.status) q.set("status", filters.status);
  if (filters.service) q.set("service", filters.service);
  if (filters.text) q.set("q", filters.text);
  const search = q.toString();
  history.replaceState(null, "", search ? `/?${search}` : "/");
}

function roleSummary(incident: IncidentView): string {
  const parts = Object.entries(incident.roles ?? {}).map(
    ([role, holder]) => `${role.toUpperCase()}: ${holder?.personName ?? holder?.personId}`,
  );
  return parts.length ? parts.join(", ") : "—";
}

/** Active maintenance windows, above the list: why a service's alarms page nobody right now. */
function ActiveWindows() {
  const [active, setActive] = useState<MaintenanceWindow[]>([]);
  useEffect(() => {
    getJson<{ items: MaintenanceWindow[] }>("/api/maintenance")
      .then((body) => setActive(body.items.filter((w) => w.state === "active")))
      .catch(() => setActive([])); // the list still works without it
  }, []);
  if (active.length === 0) return null;
  return (
    <ul class="note maintenance-banner" aria-label="Active maintenance windows">
      {active.map((w) => (
        <li key={w.id}>
          🚧 <Link href={`/maintenance/${w.key}`}>{w.key}</Link>: alarms of{" "}
          {[...w.services, ...(w.team ? [`team ${w.team}`] : [])].join(", ")} are held, not paged, until{" "}
          <time dateTime={w.end}>{formatTime(w.end)}</time> ({w.reason})
        </li>
      ))}
    </ul>
  );
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

const COMPACT_KEY = "fb-compact";
const NOTIFY_KEY = "fb-notify";

function notificationsSupported(): boolean {
  return typeof Notification !== "undefined";
}

function notifyIncident(incident: IncidentView): void {
  try {
    const n = new Notification(`${incident.severity} ${incident.key}: nobody has acknowledged`, {
      body: `${incident.title}${incident.services.length ? ` (${incident.services.join(", ")})` : ""}`,
      tag: incident.id,
    });
    n.onclick = () => {
      window.focus();
      location.assign(`/incidents/${incident.id}`);
    };
  } catch {
    // Some browsers only notify from a service worker: the title badge and the live region remain.
  }
}

function PagingCell({ incident, now }: { incident: IncidentView; now: number }) {
  const { text, title } = pagingCell(incident, now);
  return (
    <td data-label="Paging" class="paging" title={title}>
      {text}
    </td>
  );
}

export function IncidentListView({ canAct = false, personId }: { canAct?: boolean; personId?: string }) {
  const [mineOnly, setMineOnly] = useState(false);
  const [notify, setNotify] = useState(
    () =>
      notificationsSupported() &&
      Notification.permission === "granted" &&
      localStorage.getItem(NOTIFY_KEY) === "1",
  );
  const [compact, setCompact] = useState(() => localStorage.getItem(COMPACT_KEY) === "1");
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [filters, setFilters] = useState<Filters>(readFilters);
  const resolved = filters.status === "resolved";
  const base = `/api/incidents?status=${resolved ? "resolved" : "open"}&limit=${PAGE_SIZE}`;
  const list = usePolling<ListResponse>(base);
  const now = useNow();
  // Beyond the first page: never cut off silently. "Load more" follows the cursor.
  const [later, setLater] = useState<{ base: string; items: IncidentView[]; cursor: string | null } | null>(
    null,
  );
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error | null>(null);
  const pages = later?.base === base ? later : null;
  const nextCursor = pages ? pages.cursor : (list.data?.cursor ?? null);
  const loadMore = async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await getJson<ListResponse>(`${base}&cursor=${encodeURIComponent(nextCursor)}`);
      setLater({ base, items: [...(pages?.items ?? []), ...page.items], cursor: page.cursor });
    } catch (error) {
      setMoreError(error as Error);
    } finally {
      setLoadingMore(false);
    }
  };
  const update = (patch: Partial<Filters>) => {
    const next = { ...filters, ...patch };
    setFilters(next);
    writeFilters(next);
  };
  // The tab's title counts the incidents nobody has acknowledged that page now: "(2) Firebreak".
  const urgent = (list.data?.items ?? []).filter(needsAttention).length;
  useEffect(() => {
    document.title = urgent > 0 ? `(${urgent}) Firebreak` : "Firebreak";
    return () => {
      document.title = "Firebreak";
    };
  }, [urgent]);
  useShortcuts({
    j: () => moveFocus("a.incident-link", 1),
    k: () => moveFocus("a.incident-link", -1),
    "/": () => document.getElementById("incident-search")?.focus(),
  });
  const items = useMemo(() => withLaterPages(list.data?.items ?? [], pages?.items ?? []), [list.data, pages]);
  const services = useMemo(() => [...new Set(items.flatMap((i) => i.services))].sort(), [items]);
  const shown = useMemo(
    () => applyFilters(items, filters).filter((i) => !mineOnly || isMine(i, personId)),
    [items, filters, mineOnly, personId],
  );

  // Announce newly opened incidents to screen readers (the table itself is not a live region).
  const [announcement, setAnnouncement] = useState("");
  const known = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!list.data) return;
    const ids = new Set(list.data.items.map((i) => i.id));
    if (known.current) {
      const added = list.data.items.filter((i) => !known.current!.has(i.id));
      if (added.length) setAnnouncement(`New: ${added.map((i) => `${i.key} ${i.title}`).join("; ")}`);
      // A new high-urgency incident also raises a browser notification, when the user allowed them.
      if (notify) for (const i of added.filter(needsAttention)) notifyIncident(i);
    }
    known.current = ids;
  }, [list.data]);

  return (
    <section aria-labelledby="list-title" class={list.outage ? "stale" : undefined}>
      <OutageBanner
        outage={list.outage}
        checkedAt={list.checkedAt}
        now={now}
        onRetry={() => void list.refresh()}
      />
      <div class="heading-row">
        <h1 id="list-title">{filters.status === "resolved" ? "Resolved incidents" : "Open incidents"}</h1>
        <p class="muted live" title="Refreshes every few seconds while this tab is visible">
          {list.checkedAt
            ? `${list.outage ? "Not live" : "Live"} · checked ${formatAge(new Date(list.checkedAt).toISOString(), now)} ago`
            : ""}
        </p>
        {notificationsSupported() ? (
          <button
            type="button"
            class="ghost"
            aria-pressed={notify}
            title="A browser notification for each new unacknowledged SEV1 or SEV2"
            onClick={async () => {
              if (notify) {
                localStorage.setItem(NOTIFY_KEY, "0");
                setNotify(false);
                return;
              }
              const permission =
                Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
              localStorage.setItem(NOTIFY_KEY, permission === "granted" ? "1" : "0");
              setNotify(permission === "granted");
            }}
          >
            Notify me
          </button>
        ) : null}
        <button
          type="button"
          class="ghost"
          aria-pressed={compact}
          title="Denser rows: more incidents on one screen (alarm storms)"
          onClick={() => {
            localStorage.setItem(COMPACT_KEY, compact ? "0" : "1");
            setCompact(!compact);
          }}
        >
          Compact
        </button>
      </div>
      <ActiveWindows />
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter incidents">
        <label>
          Severity
          <select
            value={filters.severity}
            onChange={(e) => update({ severity: (e.target as HTMLSelectElement).value })}
          >
            <option value="">All</option>
            {SEVERITIES.map((s) => (
              <option value={s} key={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select
            value={filters.status}
            onChange={(e) => update({ status: (e.target as HTMLSelectElement).value })}
          >
            <option value="">All open</option>
            <option value="declared">Declared</option>
            <option value="acknowledged">Acknowledged</option>
            <option value="mitigated">Mitigated</option>
            <option value="resolved">Resolved</option>
          </select>
        </label>
        <label>
          Service
          <select
            value={filters.service}
            onChange={(e) => update({ service: (e.target as HTMLSelectElement).value })}
          >
            <option value="">All</option>
            {services.map((s) => (
              <option value={s} key={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input
            id="incident-search"
            type="search"
            value={filters.text}
            placeholder="title, alarm, INC-…"
            onInput={(e) => update({ text: (e.target as HTMLInputElement).value })}
          />
        </label>
        {personId ? (
          <label class="check">
            <input
              type="checkbox"
              checked={mineOnly}
              onChange={(e) => setMineOnly((e.target as HTMLInputElement).checked)}
            />
            Mine (I hold a role or was paged)
          </label>
        ) : null}
        {Object.values(filters).some(Boolean) ? (
          <button type="button" class="ghost" onClick={() => update(EMPTY)}>
            Clear filters
          </button>
        ) : null}
      </form>
      <p class="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {list.outage ? null : <ErrorNote error={list.error} />}
      {!list.data && !list.error ? <p aria-live="polite">Loading incidents…</p> : null}
      {list.data && shown.length > 0 && shown.length < items.length ? (
        <p class="muted" data-testid="filtered-count">
          Showing {shown.length} of {items.length} incidents (filtered).
        </p>
      ) : null}
      {canAct ? (
        <BulkBar
          selected={items.filter((i) => selected.has(i.id))}
          onClear={() => setSelected(new Set())}
          onDone={() => list.refresh()}
        />
      ) : null}
      {list.data && shown.length === 0 ? (
        <p class="empty">
          {items.length === 0 ? "No open incidents. All quiet." : "No incidents match these filters."}
        </p>
      ) : null}
      {shown.length > 0 ? (
        <table class={compact ? "incidents compact" : "incidents"}>
          <caption class="visually-hidden">
            Incidents: unacknowledged SEV1 and SEV2 first, then most severe, then oldest. Updated live.
          </caption>
          <thead>
            <tr>
              {canAct ? (
                <th scope="col">
                  <span class="visually-hidden">Select</span>
                </th>
              ) : null}
              <th scope="col">Severity</th>
              <th scope="col">Incident</th>
              <th scope="col">Status</th>
              <th scope="col">Paging</th>
              <th scope="col">Age</th>
              <th scope="col">Updated</th>
              <th scope="col">Roles</th>
              <th scope="col">Service</th>
              <th scope="col">Alarm</th>
            </tr>
          </thead>
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
                  {needsAttention(incident) ? (
                    <span class="urgent-note"> nobody has acknowledged</span>
                  ) : null}
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
      ) : null}
      {list.data ? (
        <p class="more" aria-live="polite">
          {nextCursor
            ? `Showing the ${items.length} ${resolved ? "most recently resolved" : "most severe"} incidents; there are more.`
            : items.length > PAGE_SIZE
              ? `All ${items.length} incidents are shown.`
              : ""}{" "}
          {nextCursor ? (
            <button type="button" disabled={loadingMore} onClick={() => void loadMore()}>
              {loadingMore ? "Loading…" : `Load ${PAGE_SIZE} more`}
            </button>
          ) : null}
        </p>
      ) : null}
      <ErrorNote error={moreError} />
    </section>
  );
}
