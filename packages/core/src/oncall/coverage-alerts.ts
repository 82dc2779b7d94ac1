/**
 * The hourly coverage check: the stored directory (with its live shift overrides) is checked for
 * the next 14 days (coverage.ts), and every gap that was not known at the previous check becomes
 * one `oncall.coverage_gaps_found` event, which the Slack worker posts to each team's alert
 * channel: a new gap is announced once, not every hour.
 *
 * - A gap is known by its team, level, reason and detail (say, "level 1 of checkout: Pat Doe has
 *   no phone"), not by its times: one announcement lists every time that problem leaves a level
 *   uncovered in the window, and the next occurrence entering the window is not news. A problem
 *   that goes away (the directory was fixed) and comes back later is announced again.
 * - The state and the event are written in one transaction, conditioned on the state's version:
 *   a crash cannot announce without remembering, nor remember without announcing (the outbox
 *   publishes the committed entry at least once; the worker posts each team's message once).
 *   Two concurrent checks: one wins, the other writes nothing.
 */

import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { newId } from "@firebreak/core/shared/ids";
import type { Log } from "@firebreak/core/shared/log";
import type { EventKind } from "../events/catalog";
import type { Actor } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { ContactRecords } from "./contact-methods";
import { COVERAGE_DAYS, type CoverageGap, coverageGaps } from "./coverage";
import type { Directory } from "./directory-types";

export const COVERAGE_GAPS_FOUND = "oncall.coverage_gaps_found" satisfies EventKind;
export const COVERAGE_ACTOR: Actor = { type: "system", id: "coverage-check", name: "Coverage check" };
/** The entry's incidentId (directory-wide events have no incident): the outbox needs one. */
export const COVERAGE_STREAM_ID = "COVERAGE";
/** At most this many gaps of a team go into one announcement (the rest are counted). */
export const GAPS_PER_TEAM = 20;
/** At most this many problems are remembered (a DynamoDB item holds 400 KB). */
export const MAX_KNOWN_GAPS = 2_000;

export interface KnownGap {
  team: string;
  /** Level, reason and detail. */
  sig: string;
}

export interface CoverageState {
  known: KnownGap[];
  version: number;
}

/** Where the check remembers what it announced (DynamoCoverageState on DynamoDB). */
export interface CoverageStateStore {
  get(): Promise<CoverageState | undefined>;
  /** Writes `known` (and the announcement) when the state is still at `expectedVersion` (0: none); false otherwise. */
  save(known: KnownGap[], expectedVersion: number, announcement?: TimelineEntry): Promise<boolean>;
}

export interface CoverageCheckDeps {
  directory: { get(): Promise<{ directory: Directory; contacts?: ContactRecords } | undefined> };
  state: CoverageStateStore;
  clock?: Clock;
  log?: Log;
}

export interface TeamAnnouncement {
  team: string;
  name: string;
  alertChannel?: string;
  gaps: CoverageGap[];
  /** Gaps left out of `gaps` (over GAPS_PER_TEAM). */
  more: number;
}

export type CoverageCheckResult =
  | { action: "no_directory" }
  | { action: "checked"; gaps: number; announced: number; teams: string[] }
  | { action: "lost_race" };

const sigOf = (gap: CoverageGap) => `${gap.level}|${gap.reason}|${gap.detail}`;

/** One run of the check (the hourly cron in the cloud, the runtime's timer locally). */
export async function checkCoverage(deps: CoverageCheckDeps): Promise<CoverageCheckResult> {
  const now = (deps.clock ?? systemClock).now();
  const [stored, state] = await Promise.all([deps.directory.get(), deps.state.get()]);
  if (!stored) return { action: "no_directory" };
  const report = coverageGaps(stored.directory, now, COVERAGE_DAYS, { verification: stored.contacts ?? {} });
  const keyOf = (k: KnownGap) => `${k.team}\n${k.sig}`;
  const current = new Map(report.gaps.map((gap) => [keyOf({ team: gap.team, sig: sigOf(gap) }), gap]));
  const before = new Set((state?.known ?? []).map(keyOf));
  const fresh = report.gaps.filter((gap) => !before.has(keyOf({ team: gap.team, sig: sigOf(gap) })));
  const teams = new Map(stored.directory.teams.map((t) => [t.id, t]));
  const announcements: TeamAnnouncement[] = [];
  for (const gap of fresh) {
    let entry = announcements.find((a) => a.team === gap.team);
    if (!entry) {
      const team = teams.get(gap.team);
      entry = {
        team: gap.team,
        name: team?.name ?? gap.team,
        ...(team?.alertChannel ? { alertChannel: team.alertChannel } : {}),
        gaps: [],
        more: 0,
      };
      announcements.push(entry);
    }
    if (entry.gaps.length < GAPS_PER_TEAM) entry.gaps.push(gap);
    else entry.more++;
  }
  const announcement: TimelineEntry | undefined =
    fresh.length === 0
      ? undefined
      : {
          id: newId(now.getTime()),
          incidentId: COVERAGE_STREAM_ID,
          kind: COVERAGE_GAPS_FOUND,
          actor: COVERAGE_ACTOR,
          at: now.toISOString(),
          summary: `${fresh.length} new coverage gap${fresh.length === 1 ? "" : "s"} in the next ${COVERAGE_DAYS} days (${announcements.map((a) => a.name).join(", ")})`,
          data: { from: report.from, to: report.to, teams: announcements },
        };
  const known = [...current.values()]
    .slice(0, MAX_KNOWN_GAPS)
    .map((gap) => ({ team: gap.team, sig: sigOf(gap) }));
  const saved = await deps.state.save(known, state?.version ?? 0, announcement);
  if (!saved) {
    deps.log?.info("coverage check: another check saved first; nothing written", {});
    return { action: "lost_race" };
  }
  if (fresh.length > 0)
    deps.log?.warn("coverage check: new gaps", {
      gaps: fresh.length,
      teams: announcements.map((a) => a.team),
    });
  return {
    action: "checked",
    gaps: report.gaps.length,
    announced: fresh.length,
    teams: announcements.map((a) => a.team),
  };
}
