import { ValidationError } from "@firebreak/core/shared/errors";
import type { Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { Slo } from "../oncall/directory-types";
import { collectFacts } from "../postmortem/facts";
import { impactEnd, impactMinutes } from "../postmortem/impact";
import type { Postmortem } from "../postmortem/types";

/**
 * Error budgets of the on-call directory's SLOs (pure).
 *
 * - The window ends at `now` and is the SLO's `windowDays` long: [now − windowDays, now].
 * - The budget is windowDays × 24 × 60 × (1 − target) minutes (99.9% over 30 days: 43.2 minutes),
 *   the same figure as a draft's `error_budget.budget_minutes`.
 * - An incident of the service consumes its impact: impact start to mitigation, else resolution
 *   (postmortem/impact.ts, the rule of the draft's `error_budget.impact_minutes`); with neither it
 *   is still going on and consumes up to `now`. Only the part inside the window counts.
 * - Incidents of the same service that overlap consume the overlap once: each incident counts the
 *   minutes no earlier-starting incident already counted.
 * - The burn-down is the remaining budget over time: the window start at the full budget, then
 *   each incident's counted stretch (remaining before, remaining after), then `now`.
 * - A service without an SLO has no budget: `slo` null and a `note` saying so.
 * Minutes are rounded to 6 decimals, percentages to 4 (as in the draft).
 */

export interface BudgetIncident {
  id: string;
  key: string;
  title: string;
  services: readonly string[];
  /** ISO instant. */
  impactStart: string;
  /** ISO instant; null while the impact goes on. */
  impactEnd: string | null;
}

export interface ConsumedIncident {
  id: string;
  key: string;
  title: string;
  /** The impact inside the window (ISO); `end` is `now` for an open incident. */
  start: string;
  end: string;
  open: boolean;
  /** The impact started before the window: only the part inside counts. */
  clipped: boolean;
  /** Minutes this incident takes from the budget (overlap with earlier incidents excluded). */
  minutes: number;
}

export interface BurnPoint {
  at: string;
  remainingMinutes: number;
  /** The incident whose impact this point starts or ends. */
  incident?: string;
}

export interface ServiceBudget {
  service: string;
  team: string | null;
  slo: Slo | null;
  /** Why there are no figures (no SLO). */
  note?: string;
  window: { since: string; until: string } | null;
  budgetMinutes: number | null;
  consumedMinutes: number | null;
  remainingMinutes: number | null;
  percentConsumed: number | null;
  incidents: ConsumedIncident[];
  burndown: BurnPoint[];
}

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
const iso = (ms: number) => new Date(ms).toISOString();

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(`invalid budget input: ${path}: ${message}`, [{ path, message }]);
}

function checkSlo(slo: Slo): void {
  if (typeof slo?.target !== "number" || !(slo.target > 0 && slo.target < 1))
    throw invalid("slo.target", "expected a number between 0 and 1 (exclusive), e.g. 0.999");
  if (typeof slo.windowDays !== "number" || !Number.isFinite(slo.windowDays) || slo.windowDays <= 0)
    throw invalid("slo.windowDays", "expected a positive number of days, e.g. 30");
}

const parseMs = (value: string | null | undefined): number | null => {
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
};

/** A postmortem metadata document as an incident of the budget: its impact start and end. */
export function budgetIncidentOfPostmortem(doc: Postmortem): BudgetIncident {
  const end = impactEnd(parseMs(doc.timestamps.mitigated), parseMs(doc.timestamps.resolved)).endMs;
  return {
    id: doc.incident.id,
    key: doc.incident.key,
    title: doc.incident.title,
    services: doc.incident.services,
    impactStart: doc.timestamps.impact_start,
    impactEnd: end === null ? null : iso(end),
  };
}

/**
 * An incident not yet drafted (open, or mitigated): its impact start as the draft would take it
 * (postmortem/facts.ts: the alarm's state time when plausible, else the detection), its end by the
 * same rule as a draft's.
 */
export function budgetIncidentOfLive(incident: Incident, timeline: readonly TimelineEntry[]): BudgetIncident {
  const facts = collectFacts(incident, timeline);
  const end = impactEnd(facts.mitigatedMs, facts.resolvedMs).endMs;
  return {
    id: incident.id,
    key: `INC-${incident.number}`,
    title: incident.title,
    services: incident.services,
    impactStart: iso(facts.impactStartMs),
    impactEnd: end === null ? null : iso(end),
  };
}

export interface BudgetInput {
  service: string;
  team?: string | null;
  slo: Slo | undefined | null;
  /** Any incidents: those of other services, or outside the window, are left out. */
  incidents: readonly BudgetIncident[];
  now: Date;
}

export function computeBudget(input: BudgetInput): ServiceBudget {
  const nowMs = input.now instanceof Date ? input.now.getTime() : Number.NaN;
  if (!Number.isFinite(nowMs)) throw invalid("now", "expected a valid Date");
  if (typeof input.service !== "string" || input.service === "")
    throw invalid("service", "expected a service id");
  if (!Array.isArray(input.incidents)) throw invalid("incidents", "expected an array");
  const team = input.team ?? null;
  if (!input.slo) {
    return {
      service: input.service,
      team,
      slo: null,
      note: `no SLO is declared for ${input.service} in the on-call directory, so it has no error budget`,
      window: null,
      budgetMinutes: null,
      consumedMinutes: null,
      remainingMinutes: null,
      percentConsumed: null,
      incidents: [],
      burndown: [],
    };
  }
  checkSlo(input.slo);
  const { target, windowDays } = input.slo;
  const sinceMs = nowMs - windowDays * 86_400_000;
  const budget = windowDays * 24 * 60 * (1 - target);

  // One entry per incident (the first given wins), clipped to the window.
  const seen = new Set<string>();
  const spans: { inc: BudgetIncident; startMs: number; endMs: number; open: boolean; clipped: boolean }[] =
    [];
  for (const inc of input.incidents) {
    if (seen.has(inc.id) || !inc.services.includes(input.service)) continue;
    const startMs = parseMs(inc.impactStart);
    const endMs = inc.impactEnd === null ? nowMs : parseMs(inc.impactEnd);
    if (startMs === null || endMs === null || endMs < startMs) continue;
    seen.add(inc.id);
    const from = Math.max(startMs, sinceMs);
    const to = Math.min(endMs, nowMs);
    if (to <= from) continue;
    spans.push({ inc, startMs: from, endMs: to, open: inc.impactEnd === null, clipped: startMs < sinceMs });
  }
  spans.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs || (a.inc.id < b.inc.id ? -1 : 1));

  let coveredUntil = sinceMs;
  let consumed = 0;
  const incidents: ConsumedIncident[] = [];
  const burndown: BurnPoint[] = [{ at: iso(sinceMs), remainingMinutes: round(budget, 6) }];
  for (const s of spans) {
    const from = Math.max(s.startMs, coveredUntil);
    const minutes = s.endMs > from ? impactMinutes(from, s.endMs) : 0;
    if (minutes > 0) {
      burndown.push({ at: iso(from), remainingMinutes: round(budget - consumed, 6), incident: s.inc.id });
      consumed += minutes;
      burndown.push({ at: iso(s.endMs), remainingMinutes: round(budget - consumed, 6), incident: s.inc.id });
      coveredUntil = s.endMs;
    }
    incidents.push({
      id: s.inc.id,
      key: s.inc.key,
      title: s.inc.title,
      start: iso(s.startMs),
      end: iso(s.endMs),
      open: s.open,
      clipped: s.clipped,
      minutes: round(minutes, 6),
    });
  }
  if (burndown[burndown.length - 1]!.at !== iso(nowMs))
    burndown.push({ at: iso(nowMs), remainingMinutes: round(budget - consumed, 6) });

  return {
    service: input.service,
    team,
    slo: { target, windowDays },
    window: { since: iso(sinceMs), until: iso(nowMs) },
    budgetMinutes: round(budget, 6),
    consumedMinutes: round(consumed, 6),
    remainingMinutes: round(budget - consumed, 6),
    percentConsumed: round((consumed / budget) * 100, 4),
    incidents,
    burndown,
  };
}

/** The services of the directory's teams that have an SLO, in id order (`service` narrows to one). */
export function sloServices(
  teams: readonly { id: string; slo?: Record<string, Slo> }[],
): { service: string; team: string; slo: Slo }[] {
  const out: { service: string; team: string; slo: Slo }[] = [];
  for (const team of teams)
    for (const [service, slo] of Object.entries(team.slo ?? {})) out.push({ service, team: team.id, slo });
  return out.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}

/**
 * The budget of every service with an SLO in the directory's teams; with `service`, that service
 * only (with a note when it has no SLO). `incidents`: the first of an id wins, so give the live
 * (open) incidents before the drafts.
 */
export function computeBudgets(input: {
  teams: readonly { id: string; services?: readonly { id: string }[]; slo?: Record<string, Slo> }[];
  incidents: readonly BudgetIncident[];
  now: Date;
  service?: string;
}): ServiceBudget[] {
  const all = sloServices(input.teams);
  if (input.service === undefined)
    return all.map((s) => computeBudget({ ...s, incidents: input.incidents, now: input.now }));
  const found = all.find((s) => s.service === input.service);
  const owner = input.teams.find((t) => t.services?.some((s) => s.id === input.service));
  return [
    computeBudget({
      service: input.service,
      team: found?.team ?? owner?.id ?? null,
      slo: found?.slo,
      incidents: input.incidents,
      now: input.now,
    }),
  ];
}
