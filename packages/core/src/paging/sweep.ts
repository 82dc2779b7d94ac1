/**
 * The escalation sweeper (every minute) and the status-change consumer: each due escalation takes
 * its next step, conditioned on the version read.
 */

import { VersionConflictError } from "@firebreak/core/shared/errors";
import { retry } from "@firebreak/core/shared/retry";
import { validate } from "../incident/actions";
import type { Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { Draft, PlannedPage } from "./config";
import {
  clockOf,
  configOf,
  incidentIdSchema,
  LOW_URGENCY_PAUSE,
  PAGING_KINDS,
  type PagingDeps,
  type SweepResult,
} from "./config";
import { entries, resumeStalePages, sendPlanned } from "./deliver";
import { planEscalation } from "./plan";
import {
  directoryPeopleFor,
  unhandledEscalationRequest,
  unpagedRelatedAlarm,
  unpagedResponders,
} from "./plan-parts";
import type { DueEscalation, EscalationRecord } from "./records";

type ProcessOutcome =
  | { outcome: "not_due" | "waiting" | "done" | "raced" }
  | { outcome: "advanced"; pagesSent: number };

/**
 * One sweep: every escalation due now (a Query on the escalationsDue index) takes its step. Run
 * it every minute (EventBridge Scheduler / a cron rule in the cloud, an interval locally). Safe
 * to run concurrently: each step is conditioned on the escalation's version, so of two sweepers
 * only one sends. One failing escalation does not hold up the others (it stays due).
 */
export async function sweepEscalations(deps: PagingDeps): Promise<SweepResult> {
  const config = configOf(deps);
  const result: SweepResult = { due: 0, advanced: 0, pagesSent: 0, raced: 0, errors: [] };
  const seen = new Set<string>();
  let last: DueEscalation | undefined;
  for (let batch = 0; batch < config.sweepMaxBatches; batch++) {
    const found = await deps.pages.queryDue(clockOf(deps).now(), config.sweepBatch, last);
    last = found.at(-1);
    const due = found.filter((d) => !seen.has(d.incidentId));
    if (due.length === 0) break;
    for (const d of due) seen.add(d.incidentId);
    result.due += due.length;
    await forEachLimited(due, config.sweepConcurrency, async ({ incidentId }) => {
      try {
        const outcome = await processEscalation(deps, incidentId, false);
        if (outcome.outcome === "advanced") {
          result.advanced += 1;
          result.pagesSent += outcome.pagesSent;
        } else if (outcome.outcome === "raced") result.raced += 1;
      } catch (error) {
        deps.log?.error("escalation sweep failed for an incident", { incidentId, error: String(error) });
        result.errors.push({ incidentId, error: error instanceof Error ? error.message : String(error) });
      }
    });
    if (found.length < config.sweepBatch) break;
  }
  return result;
}

/**
 * Brings an incident's escalation up to date at once (for `incident.status_changed`,
 * `page.acknowledged` and `incident.severity_changed`): an acknowledgement or resolution made
 * anywhere stops the ladder now instead of at the next due time; a severity raised to high urgency
 * sends the held pages and lets a paused ladder escalate. It pages only what is due anyway.
 */
export async function onIncidentStatusChanged(deps: PagingDeps, incidentId: string): Promise<void> {
  const id = validate(incidentIdSchema, incidentId, "incident id");
  // Another sweep or delivery changed the escalation between the read and the write: look again
  // (at most 10 times; whoever won brought it up to date too).
  await retry(
    async () => {
      if ((await processEscalation(deps, id, true)).outcome === "raced") throw new EscalationRaced();
    },
    { attempts: 10, retryable: (error) => error instanceof EscalationRaced },
  ).catch((error: unknown) => {
    if (!(error instanceof EscalationRaced)) throw error;
  });
}

class EscalationRaced extends Error {}

async function processEscalation(
  deps: PagingDeps,
  incidentId: string,
  force: boolean,
): Promise<ProcessOutcome> {
  const before = await deps.pages.getEscalation(incidentId);
  if (!before || (before.status !== "active" && !force)) return { outcome: "done" };
  const now = clockOf(deps).now();
  if (!force && before.nextDueAt && before.nextDueAt > now.toISOString()) return { outcome: "not_due" };
  const found = await deps.incidents.getIncidentWithTimeline(incidentId);
  // Reopened since this escalation's episode began: a new episode (`startEpisode`).
  const reopenedEpisode =
    found && found.incident.status !== "resolved" ? (found.incident.reopens ?? 0) + 1 : 1;
  const neverStarted = before.ladderDone?.reason === "not_started"; // nobody to page, then or now
  if (found && !neverStarted && reopenedEpisode > (before.episode ?? 1))
    return startEpisode(deps, before, found, reopenedEpisode, now);
  // A paused low-urgency ladder is looked at again when asked (its severity may have been raised).
  const paused = force && before.doneReason === LOW_URGENCY_PAUSE;
  const related = force && found !== undefined && unpagedRelatedAlarm(found.timeline, before);
  const asked = found ? unpagedResponders(found.timeline, before) : [];
  const requested = found !== undefined && unhandledEscalationRequest(found.timeline, before);
  if (before.status !== "active" && !paused && !related && !(force && (asked.length > 0 || requested)))
    return { outcome: "done" };
  if (!found) {
    const after: EscalationRecord = {
      ...before,
      version: before.version + 1,
      status: "done",
      doneReason: "incident_missing",
      updatedAt: now.toISOString(),
    };
    delete after.nextDueAt;
    return saveStep(deps, before, after, [], [], now, undefined);
  }
  const directoryPeople = await directoryPeopleFor(deps, asked, before.people);
  const plan = planEscalation(deps, before, found.incident, found.timeline, now, [], directoryPeople);
  const unchanged =
    plan.pages.length === 0 &&
    plan.drafts.length === 0 &&
    plan.after.status === before.status &&
    plan.after.nextDueAt === before.nextDueAt;
  let outcome: ProcessOutcome = { outcome: "waiting" };
  if (!unchanged) {
    outcome = await saveStep(deps, before, plan.after, plan.pages, plan.drafts, now, found.incident);
    if (outcome.outcome === "raced") return outcome;
  }
  const resent = await resumeStalePages(deps, found.incident, found.timeline, plan.after);
  if (resent > 0) {
    return {
      outcome: "advanced",
      pagesSent: (outcome.outcome === "advanced" ? outcome.pagesSent : 0) + resent,
    };
  }
  return outcome;
}

/**
 * A reopened incident pages again, by its escalation rules: the ladder restarts at level 1 as a new
 * episode (new page ids, no acknowledgement yet), but its first step waits until the first level's
 * timeout has run since the previous episode began. A flapping alarm that reopens its incident
 * three times in a minute pages level 1 once, not three times; one that comes back an hour later
 * pages at once.
 */
async function startEpisode(
  deps: PagingDeps,
  before: EscalationRecord,
  found: { incident: Incident; timeline: TimelineEntry[] },
  episode: number,
  now: Date,
): Promise<ProcessOutcome> {
  const firstTimeout = (before.ladder.levels[0]?.timeoutMinutes ?? 0) * 60_000;
  // The previous episode's start; one still held (it never started) keeps its own hold.
  const lastStart = before.steps.find((s) => s.trigger === "start")?.requestedAt;
  const hold = lastStart
    ? Date.parse(lastStart) + firstTimeout
    : before.notBefore
      ? Date.parse(before.notBefore)
      : 0;
  const notBefore = new Date(Math.max(now.getTime(), hold));
  const next: EscalationRecord = {
    ...before,
    status: "active",
    episode,
    steps: [],
    coverage: { attempts: 0 },
    nextDueAt: notBefore.toISOString(),
  };
  for (const key of ["doneReason", "ladderDone", "acknowledgedAt", "acknowledgedBy", "notBefore"] as const)
    delete next[key];
  const held = notBefore > now;
  if (held) next.notBefore = notBefore.toISOString();
  const draft: Draft = {
    kind: PAGING_KINDS.escalationRestarted,
    summary: `escalation restarted (episode ${episode}): the incident was reopened; ${
      held
        ? `level 1 is paged at ${next.notBefore}, once its ${firstTimeout / 60_000}-minute timeout has run since the last start`
        : "paging level 1 now"
    }`,
    data: { episode, ...(held ? { notBefore: next.notBefore } : {}) },
  };
  // planEscalation bumps the version from `next`'s: start from the one that was read.
  const plan = planEscalation(deps, next, found.incident, found.timeline, now, [draft]);
  return saveStep(deps, before, plan.after, plan.pages, plan.drafts, now, found.incident);
}

async function saveStep(
  deps: PagingDeps,
  before: EscalationRecord,
  after: EscalationRecord,
  pages: PlannedPage[],
  drafts: Draft[],
  now: Date,
  incident: Incident | undefined,
): Promise<ProcessOutcome> {
  try {
    await deps.pages.saveEscalation({
      expectedVersion: before.version,
      escalation: after,
      newPages: pages.map((p) => p.page),
      entries: entries(before.incidentId, now, drafts),
    });
  } catch (error) {
    if (error instanceof VersionConflictError) return { outcome: "raced" };
    throw error;
  }
  if (incident) await sendPlanned(deps, incident, pages);
  return { outcome: "advanced", pagesSent: pages.length };
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
