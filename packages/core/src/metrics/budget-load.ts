import type { IncidentRepository, PostmortemRepository } from "../ports";
import {
  type BudgetIncident,
  budgetIncidentOfLive,
  budgetIncidentOfPostmortem,
  computeBudgets,
  type ServiceBudget,
  sloServices,
} from "./budget";

/**
 * How long before a budget window's start the drafts are read, so that an incident whose impact
 * began before the window and lasted into it counts its part inside (a longer one is missed).
 */
export const STRADDLE_DAYS = 7;
/** At most this many open incidents are read (a storm beyond it is undercounted). */
export const OPEN_LIMIT = 200;

/**
 * The incidents that may consume the budgets of `services` over windows of up to `days` ending at
 * `now`: the open ones of those services (with their timelines: the impact start as a draft takes
 * it) first, then the drafts whose impact started since, latest draft of an incident first (the
 * budget counts the first of an id).
 */
export async function loadBudgetIncidents(
  deps: { store: IncidentRepository; postmortems: Pick<PostmortemRepository, "metadataBetween"> },
  services: ReadonlySet<string>,
  days: number,
  now: Date,
): Promise<BudgetIncident[]> {
  const incidents: BudgetIncident[] = [];
  if (services.size === 0) return incidents;
  const open = (await deps.store.listOpen({ limit: OPEN_LIMIT })).items.filter((i) =>
    i.services.some((s) => services.has(s)),
  );
  for (const incident of open) {
    const found = await deps.store.getIncidentWithTimeline(incident.id);
    if (found) incidents.push(budgetIncidentOfLive(found.incident, found.timeline));
  }
  const since = new Date(now.getTime() - (days + STRADDLE_DAYS) * 86_400_000);
  const docs = await deps.postmortems.metadataBetween(since, now);
  docs.sort((a, b) => Date.parse(b.generated_at) - Date.parse(a.generated_at));
  for (const doc of docs) incidents.push(budgetIncidentOfPostmortem(doc));
  return incidents;
}

/**
 * The error budgets of the directory's SLOs over their windows ending at `now` (one service with
 * `service`): what `GET /api/budgets` answers and the risk view shows beside open action items.
 */
export async function budgetsAt(
  deps: { store: IncidentRepository; postmortems: Pick<PostmortemRepository, "metadataBetween"> },
  teams: Parameters<typeof computeBudgets>[0]["teams"] & Parameters<typeof sloServices>[0],
  now: Date,
  service?: string,
): Promise<ServiceBudget[]> {
  const wanted = sloServices(teams).filter((s) => service === undefined || s.service === service);
  const days = Math.max(0, ...wanted.map((w) => w.slo.windowDays));
  const incidents = await loadBudgetIncidents(deps, new Set(wanted.map((w) => w.service)), days, now);
  return computeBudgets({ teams, incidents, now, ...(service !== undefined ? { service } : {}) });
}
