/** The incident list's filters: read from and written to the address, and the form that sets them. */
import type { Filters } from "../format";
import { SEVERITIES } from "../types";

const EMPTY: Filters = { severity: "", status: "", service: "", text: "" };

/** The filters in the address (`?severity=&status=&service=&q=`). */
export function readFilters(): Filters {
  const q = new URLSearchParams(location.search);
  return {
    severity: q.get("severity") ?? "",
    status: q.get("status") ?? "",
    service: q.get("service") ?? "",
    text: q.get("q") ?? "",
  };
}

/** Puts the filters in the address, replacing the history entry. */
export function writeFilters(filters: Filters): void {
  const q = new URLSearchParams();
  if (filters.severity) q.set("severity", filters.severity);
  if (filters.status) q.set("status", filters.status);
  if (filters.service) q.set("service", filters.service);
  if (filters.text) q.set("q", filters.text);
  const search = q.toString();
  history.replaceState(null, "", search ? `/?${search}` : "/");
}

/** The filter form: severity, status, service, search, and "mine" when signed in as a person. */
export function FiltersForm({
  filters,
  update,
  services,
  personId,
  mineOnly,
  setMineOnly,
}: {
  filters: Filters;
  update: (patch: Partial<Filters>) => void;
  services: string[];
  personId?: string;
  mineOnly: boolean;
  setMineOnly: (value: boolean) => void;
}) {
  return (
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
  );
}
