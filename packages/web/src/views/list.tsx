/** The incident list page: open (or resolved) incidents, polled live, filtered, with later pages on request. */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { getJson } from "../api";
import { applyFilters, type Filters, formatAge, formatTime, needsAttention } from "../format";
import { moveFocus, useShortcuts } from "../keys";
import { useNow, usePolling } from "../poll";
import { Link } from "../router";
import type { IncidentView, MaintenanceWindow } from "../types";
import { BulkBar } from "./bulk";
import { ErrorNote, OutageBanner } from "./common";
import { FiltersForm, readFilters, writeFilters } from "./list-filters";
import { IncidentTable, isMine } from "./list-table";

export { holdsRole, isMine, pagingCell, wasPaged } from "./list-table";

interface ListResponse {
  items: IncidentView[];
  cursor: string | null;
}

/** Incidents per page: the first page is polled live; later pages are loaded on request. */
export const PAGE_SIZE = 200;

/** The polled first page, then the pages loaded after it (an incident in both is shown once). */
export function withLaterPages(first: IncidentView[], later: IncidentView[]): IncidentView[] {
  const seen = new Set(first.map((i) => i.id));
  return [...first, ...later.filter((i) => !seen.has(i.id))];
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
      <FiltersForm
        filters={filters}
        update={update}
        services={services}
        personId={personId}
        mineOnly={mineOnly}
        setMineOnly={setMineOnly}
      />
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
        <IncidentTable
          shown={shown}
          compact={compact}
          canAct={canAct}
          selected={selected}
          setSelected={setSelected}
          personId={personId}
          now={now}
        />
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
