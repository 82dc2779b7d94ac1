/**
 * The hourly error-budget check: each service with an SLO in the stored directory has its budget
 * computed (budget.ts) over its window ending now, and a budget that has newly crossed 50%, 75% or
 * 100% consumed becomes one `slo.budget_thresholds_crossed` event, which the Slack worker posts
 * to each team's alert channel. It follows the coverage check (oncall/coverage-alerts.ts):
 *
 * - A crossing is known by its service, its SLO (target and window) and its threshold. It is
 *   announced once while the budget stays at or over the threshold; when the window moves on and
 *   the consumption falls below it again, it is forgotten, so crossing it again in a later window
 *   is announced again. A changed SLO is a new budget: its crossings are news.
 * - The state and the event are written in one transaction, conditioned on the state's version:
 *   a crash cannot announce without remembering, nor remember without announcing (the outbox
 *   publishes the committed entry at least once; the worker posts each team's message once, with
 *   a claim). Two concurrent checks: one wins, the other writes nothing.
 */

import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { newId } from "@firebreak/core/shared/ids";
import type { Log } from "@firebreak/core/shared/log";
import type { EventKind } from "../events/catalog";
import type { Actor } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { Directory } from "../oncall/directory-types";
import { type BudgetIncident, computeBudget, sloServices } from "./budget";

export const BUDGET_THRESHOLDS_CROSSED = "slo.budget_thresholds_crossed" satisfies EventKind;
export const BUDGET_ACTOR: Actor = { type: "system", id: "budget-check", name: "Error budget check" };
/** The entry's incidentId (directory-wide events have no incident): the outbox needs one. */
export const BUDGET_STREAM_ID = "BUDGETS";
/** Percent of the budget consumed. */
export const BUDGET_THRESHOLDS = [50, 75, 100] as const;

export interface BudgetState {
  /** `service|target|windowDays|threshold` of each crossing announced and still current. */
  known: string[];
  version: number;
}

/** Where the check remembers what it announced (DynamoBudgetState on DynamoDB). */
export interface BudgetStateStore {
  get(): Promise<BudgetState | undefined>;
  /** Writes `known` (and the announcement) when the state is still at `expectedVersion` (0: none); false otherwise. */
  save(known: string[], expectedVersion: number, announcement?: TimelineEntry): Promise<boolean>;
}

export interface BudgetCheckDeps {
  directory: { get(): Promise<{ directory: Directory } | undefined> };
  /** The incidents that may consume the budgets of `services` over windows of up to `days` (budget-load.ts). */
  incidents(services: ReadonlySet<string>, days: number, now: Date): Promise<BudgetIncident[]>;
  state: BudgetStateStore;
  clock?: Clock;
  log?: Log;
}

export interface BudgetCrossing {
  service: string;
  /** The highest threshold newly crossed. */
  threshold: number;
  target: number;
  windowDays: number;
  budgetMinutes: number;
  consumedMinutes: number;
  remainingMinutes: number;
  percentConsumed: number;
}

export interface BudgetTeamAnnouncement {
  team: string;
  name: string;
  alertChannel?: string;
  crossings: BudgetCrossing[];
}

export type BudgetCheckResult =
  | { action: "no_directory" }
  | { action: "checked"; services: number; announced: number; teams: string[] }
  | { action: "lost_race" };

/** One run of the check (hourly, beside the coverage check). */
export async function checkBudgets(deps: BudgetCheckDeps): Promise<BudgetCheckResult> {
  const now = (deps.clock ?? systemClock).now();
  const [stored, state] = await Promise.all([deps.directory.get(), deps.state.get()]);
  if (!stored) return { action: "no_directory" };
  const slos = sloServices(stored.directory.teams);
  const incidents = await deps.incidents(
    new Set(slos.map((s) => s.service)),
    Math.max(0, ...slos.map((s) => s.slo.windowDays)),
    now,
  );
  const before = new Set(state?.known ?? []);
  const known: string[] = [];
  const teams = new Map(stored.directory.teams.map((t) => [t.id, t]));
  const announcements: BudgetTeamAnnouncement[] = [];
  let fresh = 0;
  for (const s of slos) {
    const b = computeBudget({ ...s, incidents, now });
    const percent = b.percentConsumed ?? 0;
    let highest: number | undefined;
    for (const threshold of BUDGET_THRESHOLDS) {
      if (percent < threshold) continue;
      const sig = `${s.service}|${s.slo.target}|${s.slo.windowDays}|${threshold}`;
      known.push(sig);
      if (!before.has(sig)) highest = threshold;
    }
    if (highest === undefined) continue;
    fresh++;
    let entry = announcements.find((a) => a.team === s.team);
    if (!entry) {
      const team = teams.get(s.team);
      entry = {
        team: s.team,
        name: team?.name ?? s.team,
        ...(team?.alertChannel ? { alertChannel: team.alertChannel } : {}),
        crossings: [],
      };
      announcements.push(entry);
    }
    entry.crossings.push({
      service: s.service,
      threshold: highest,
      target: s.slo.target,
      windowDays: s.slo.windowDays,
      budgetMinutes: b.budgetMinutes ?? 0,
      consumedMinutes: b.consumedMinutes ?? 0,
      remainingMinutes: b.remainingMinutes ?? 0,
      percentConsumed: percent,
    });
  }
  const unchanged = fresh === 0 && known.length === before.size && known.every((k) => before.has(k));
  if (unchanged) return { action: "checked", services: slos.length, announced: 0, teams: [] };
  const announcement: TimelineEntry | undefined =
    fresh === 0
      ? undefined
      : {
          id: newId(now.getTime()),
          incidentId: BUDGET_STREAM_ID,
          kind: BUDGET_THRESHOLDS_CROSSED,
          actor: BUDGET_ACTOR,
          at: now.toISOString(),
          summary: `${fresh} error budget${fresh === 1 ? "" : "s"} crossed a threshold (${announcements
            .flatMap((a) => a.crossings.map((c) => `${c.service} ${c.threshold}%`))
            .join(", ")})`,
          data: { teams: announcements },
        };
  const saved = await deps.state.save(known, state?.version ?? 0, announcement);
  if (!saved) {
    deps.log?.info("budget check: another check saved first; nothing written", {});
    return { action: "lost_race" };
  }
  if (fresh > 0)
    deps.log?.warn("budget check: thresholds crossed", {
      services: fresh,
      teams: announcements.map((a) => a.team),
    });
  return {
    action: "checked",
    services: slos.length,
    announced: fresh,
    teams: announcements.map((a) => a.team),
  };
}
