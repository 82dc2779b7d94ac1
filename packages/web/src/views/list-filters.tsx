/** The incident list's filters: read from and written to the address, and the form that sets them. */
import type { Filters } from "../format";
import { SEVERITIES } from "../types";
import { Choices } from "./common";

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
      <FilterChoice
        label="Severity"
        field="severity"
        choices={SEVERITIES}
        filters={filters}
        update={update}
      />
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
      <FilterChoice label="Service" field="service" choices={services} filters={filters} update={update} />
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

/** A filter chosen from a list, "All" first. */
function FilterChoice(props: {
  label: string;
  field: "severity" | "service";
  choices: readonly string[];
  filters: Filters;
  update: (patch: Partial<Filters>) => void;
}) {
  return (
    <label>
      {props.label}
      <Choices
        value={props.filters[props.field]}
        choices={props.choices}
        empty="All"
        onChange={(value) => props.update({ [props.field]: value })}
      />
    </label>
  );
}
