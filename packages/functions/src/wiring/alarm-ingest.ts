import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { MaintenanceStore } from "@firebreak/core/adapters/dynamodb/maintenance/store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import type { DeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { ProcessDeps } from "@firebreak/core/alarm/process";
import type { ReleaseDeps } from "@firebreak/core/maintenance/release";
import { cachedDirectory } from "@firebreak/core/oncall/stored-directory";
import { ingestConfigFromEnv } from "@firebreak/core/shared/config";
import type { Platform } from "./platform";

/**
 * alarm-ingest: the table, the dead-letter sink (the AlarmIngestDlq queue on Lambda, a file locally)
 * and the ingest settings (FIREBREAK_AUTO_RESOLVE_ON_OK, FIREBREAK_FLAP_THRESHOLD,
 * FIREBREAK_FLAP_WINDOW_MINUTES, FIREBREAK_MAX_FUTURE_SKEW_SECONDS), validated here: a bad value fails at init, naming the variable.
 */
export function ingestDeps(platform: Platform, deadLetters: DeadLetterSink): Omit<ProcessDeps, "log"> {
  return maintenanceReleaseDeps(platform, deadLetters);
}

/**
 * The maintenance release (functions/maintenance.ts): the ingest's own dependencies, since each
 * released alarm goes through the ingest. Alarm-ingest uses the same maintenance store to hold
 * the alarms of services in an active window.
 */
export function maintenanceReleaseDeps(
  platform: Platform,
  deadLetters: DeadLetterSink,
): Omit<ReleaseDeps, "log"> {
  const { db, tableName } = platform.table();
  return {
    store: new IncidentStore(db, tableName),
    maintenance: new MaintenanceStore(db, tableName),
    deadLetters,
    // Its ignore rules (top-level and per team), read at most every 30 s.
    directory: cachedDirectory(new DirectoryStore(db, tableName, platform.clock), 30_000, platform.clock),
    config: ingestConfigFromEnv(platform.env),
    ...(platform.clock ? { clock: platform.clock } : {}),
  };
}
