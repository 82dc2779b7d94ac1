/**
 * When a maintenance window ends (its `to`, or its cancellation), its held alarms are released:
 * each alarm's latest held transition goes through the ingest as usual. One still in ALARM opens
 * its incident (or joins its service's open one) and pages by the usual rules; one that recovered
 * during the window is only recorded. Run every minute (functions/maintenance.ts).
 *
 * Crash-safe and repeatable: the ingest is idempotent on the release's delivery id
 * (`maintenance:<window>:<alarm>:<state timestamp>`), each alarm's release is recorded once
 * (`RELEASED#<arn>`), and the window is marked released only after every alarm was.
 */

import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { newId } from "@firebreak/core/shared/ids";
import type { Log } from "@firebreak/core/shared/log";
import type { DeadLetterSink } from "../alarm/dead-letter";
import { type IngestDeps, ingestAlarmTransition } from "../alarm/ingest";
import { SYSTEM_ACTOR } from "../incident/model";
import type { MaintenanceRepository } from "../ports";
import {
  latestPerAlarm,
  type MaintenanceWindow,
  windowAlarmData,
  windowEnd,
  windowKey,
  windowScope,
} from "./window";

export interface ReleaseDeps extends IngestDeps {
  maintenance: MaintenanceRepository;
  /** Where the ingest sends transitions it cannot keep (the alarm-ingest dead letters). */
  deadLetters: DeadLetterSink;
  log?: Log;
}

export interface ReleaseSummary {
  windows: number;
  /** Alarms released: opened (or joined) an incident, or only recorded. */
  released: number;
  opened: number;
  recorded: number;
  errors: { window: string; alarmArn?: string; error: string }[];
}

/** One sweep: releases every ended window's held alarms. Errors are collected; the rest go on. */
export async function releaseEndedWindows(deps: ReleaseDeps): Promise<ReleaseSummary> {
  const clock: Clock = deps.clock ?? systemClock;
  const summary: ReleaseSummary = { windows: 0, released: 0, opened: 0, recorded: 0, errors: [] };
  for (const window of await deps.maintenance.dueForRelease(clock.now())) {
    summary.windows++;
    try {
      await releaseWindow(deps, clock, window, summary);
    } catch (error) {
      summary.errors.push({ window: windowKey(window), error: String(error) });
    }
  }
  return summary;
}

async function releaseWindow(
  deps: ReleaseDeps,
  clock: Clock,
  window: MaintenanceWindow,
  summary: ReleaseSummary,
): Promise<void> {
  const key = windowKey(window);
  const done = new Set((await deps.maintenance.releases(window.id)).map((r) => r.arn));
  let failed = false;
  for (const t of latestPerAlarm(await deps.maintenance.held(window.id))) {
    if (done.has(t.alarmArn)) continue;
    try {
      const result = await ingestAlarmTransition(
        deps,
        { ...t, deliveryId: `maintenance:${window.id}:${t.alarmArn}:${t.stateTimestamp}:${t.state}` },
        { releasedFrom: window },
      );
      const at = clock.now().toISOString();
      const incident = result.incidentNumber ? `INC-${result.incidentNumber}` : undefined;
      const what =
        result.outcome === "opened"
          ? `still in ALARM: opened ${incident}`
          : result.outcome === "grouped"
            ? `still in ALARM: joined ${incident}`
            : result.outcome === "held"
              ? `still in ALARM, held again by MW-${result.window?.number} (another window)`
              : result.outcome === "duplicate"
                ? "released before (this sweep repeated it)"
                : `${t.state}: recorded, not paged`;
      const recorded = await deps.maintenance.recordRelease(
        window.id,
        {
          arn: t.alarmArn,
          alarmName: t.alarmName,
          outcome: result.outcome,
          ...(result.incidentId ? { incidentId: result.incidentId } : {}),
          ...(result.incidentNumber ? { incidentNumber: result.incidentNumber } : {}),
          at,
        },
        {
          id: newId(clock.now().getTime()),
          incidentId: window.id,
          kind: "maintenance.alarm_released",
          actor: SYSTEM_ACTOR,
          at,
          summary: `${t.alarmName} released from ${key}: ${what}`,
          data: {
            ...windowAlarmData(window, t),
            outcome: result.outcome,
            ...(result.incidentId ? { incidentId: result.incidentId } : {}),
            ...(result.incidentNumber ? { incidentNumber: result.incidentNumber } : {}),
          },
        },
      );
      if (!recorded) continue;
      summary.released++;
      if (result.outcome === "opened" || result.outcome === "grouped") summary.opened++;
      else summary.recorded++;
      deps.log?.info("maintenance: alarm released", {
        window: key,
        alarm: t.alarmName,
        outcome: result.outcome,
      });
    } catch (error) {
      failed = true;
      summary.errors.push({ window: key, alarmArn: t.alarmArn, error: String(error) });
    }
  }
  // Only when every alarm was released: a failed one is tried again by the next sweep.
  if (failed) return;
  const at = clock.now().toISOString();
  const cancelled = window.cancelledAt !== undefined && windowEnd(window) === window.cancelledAt;
  await deps.maintenance.finishRelease(window, at, {
    id: newId(clock.now().getTime()),
    incidentId: window.id,
    kind: "maintenance.ended",
    actor: SYSTEM_ACTOR,
    at,
    summary: `${key} (${windowScope(window)}) ${cancelled ? "was cancelled" : "ended"}; its held alarms were released`,
    data: { window: key, windowId: window.id, end: windowEnd(window), cancelled },
  });
}
