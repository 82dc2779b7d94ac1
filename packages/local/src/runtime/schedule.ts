/**
 * The schedule on the local runtime: the cloud's cron rules (ESCALATION, MAINTENANCE, HEARTBEATS,
 * COVERAGE, ACTION_ITEM_PULL) as timers, each running the same handler with the event EventBridge
 * Scheduler sends, a failure logged; and the runs tests and `npm start` users can ask for now.
 */
import { randomUUID } from "node:crypto";
import type { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { PagingDeps } from "@firebreak/core/paging/service";
import type { Log } from "@firebreak/core/shared/log";
import { createActionItemPullHandler } from "@firebreak/functions/action-item-sync";
import { createCoverageHandler } from "@firebreak/functions/coverage";
import { createEscalationHandler } from "@firebreak/functions/escalation";
import { createHeartbeatsHandler } from "@firebreak/functions/heartbeats";
import { createMaintenanceHandler } from "@firebreak/functions/maintenance";
import { actionItemSyncDeps } from "@firebreak/functions/wiring/action-items";
import { maintenanceReleaseDeps } from "@firebreak/functions/wiring/alarm-ingest";
import { heartbeatSweepDeps } from "@firebreak/functions/wiring/integrations";
import { coverageCheckDeps } from "@firebreak/functions/wiring/paging";
import type { Platform } from "@firebreak/functions/wiring/platform";
import {
  ACTION_ITEM_PULL,
  COVERAGE,
  ESCALATION,
  HEARTBEATS,
  MAINTENANCE,
} from "@firebreak/functions/wiring/topology";
import type { ScheduledEvent } from "aws-lambda";
import { lambdaContext } from "../apigw";
import type { RuntimeOptions } from "../runtime";
import type { Started } from "./stop";

/** The event EventBridge Scheduler's rule sends the Escalation function every minute. */
function scheduledEvent(): ScheduledEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "000000000000",
    time: new Date().toISOString(),
    region: "local",
    resources: [],
    detail: {},
  };
}

/** The scheduled handlers, each one run as its timer runs it. */
export interface ScheduledRuns {
  sweepEscalations(): Promise<unknown>;
  releaseMaintenance(): Promise<unknown>;
  sweepHeartbeats(): Promise<unknown>;
  checkCoverage(): Promise<unknown>;
}

/** The schedule: the same handlers as the cloud's cron rules run. */
export function scheduledRuns(wiring: {
  platform: Platform;
  pagingOf: () => PagingDeps;
  deadLetters: MemoryDeadLetterSink;
}): ScheduledRuns {
  const { platform, pagingOf, deadLetters } = wiring;
  const escalation = createEscalationHandler(pagingOf);
  const maintenance = createMaintenanceHandler(() => maintenanceReleaseDeps(platform, deadLetters));
  const heartbeats = createHeartbeatsHandler(() => heartbeatSweepDeps(platform, deadLetters));
  const coverage = createCoverageHandler(() => coverageCheckDeps(platform));
  return {
    sweepEscalations: () => escalation(scheduledEvent(), lambdaContext("Escalation")),
    releaseMaintenance: () => maintenance(scheduledEvent(), lambdaContext("MaintenanceRelease")),
    sweepHeartbeats: () => heartbeats(scheduledEvent(), lambdaContext("HeartbeatSweep")),
    checkCoverage: () => coverage(scheduledEvent(), lambdaContext("CoverageCheck")),
  };
}

/**
 * Starts one timer per cron rule (recorded in `started`, unref'd so they keep no process alive)
 * and returns each scheduled handler with its interval.
 */
export function startTimers(wiring: {
  options: RuntimeOptions;
  platform: Platform;
  runs: ScheduledRuns;
  log: Log;
  started: Started;
}): { handler: string; intervalMs: number }[] {
  const { options, platform, runs, log, started } = wiring;
  const schedules = [
    { handler: ESCALATION.handler, intervalMs: options.sweepIntervalMs ?? ESCALATION.intervalMs },
    { handler: MAINTENANCE.handler, intervalMs: options.maintenanceIntervalMs ?? MAINTENANCE.intervalMs },
    { handler: HEARTBEATS.handler, intervalMs: HEARTBEATS.intervalMs },
    { handler: COVERAGE.handler, intervalMs: COVERAGE.intervalMs },
    { handler: ACTION_ITEM_PULL.handler, intervalMs: ACTION_ITEM_PULL.intervalMs },
  ];
  const every = (intervalMs: number, run: () => Promise<unknown>, failed: string) => {
    const timer = setInterval(() => {
      run().catch((error: unknown) => log.error(`${failed}: ${String(error)}`));
    }, intervalMs);
    timer.unref();
    started.timers.push(timer);
  };
  every(schedules[0]!.intervalMs, runs.sweepEscalations, "escalation sweep failed");
  every(schedules[1]!.intervalMs, runs.releaseMaintenance, "maintenance release failed");
  every(schedules[2]!.intervalMs, runs.sweepHeartbeats, "heartbeat sweep failed");
  every(schedules[3]!.intervalMs, runs.checkCoverage, "coverage check failed");
  const pullActionItems = createActionItemPullHandler(() => actionItemSyncDeps(platform));
  every(
    schedules[4]!.intervalMs,
    () => pullActionItems(scheduledEvent(), lambdaContext("ActionItemPull")),
    "action item sync failed",
  );
  return schedules;
}
