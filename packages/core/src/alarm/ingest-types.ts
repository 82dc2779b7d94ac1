/**
 * What the alarm ingest takes and answers: its settings (with the defaults), dependencies, options
 * and outcomes (ingest.ts re-exports them).
 */

import type { Clock } from "@firebreak/core/shared/clock";
import type { BackoffOptions } from "@firebreak/core/shared/retry";
import type { MaintenanceWindow } from "../maintenance/window";
import type { Directory } from "../oncall/directory-types";
import type { IncidentRepository, MaintenanceRepository } from "../ports";
import type { DeadLetterSink } from "./dead-letter";
import { DEFAULT_EPISODE_CONFIG, type EpisodeConfig } from "./episode";
import { DEFAULT_IGNORE_SETTINGS, type IgnoreSettings } from "./ignore";
import { DEFAULT_TAG_NAMES, type TagNames } from "./tags";

export interface IngestConfig extends EpisodeConfig {
  /** How long delivery ids are remembered (DynamoDB TTL). EventBridge and SNS retry for ≤ 24 h. */
  idempotencyTtlSeconds: number;
  /** Attempts when another writer changed the alarm between our read and write. */
  maxAttempts: number;
  /**
   * How far ahead of our clock a state timestamp may be (clock skew). One further ahead is refused
   * as a permanent error: taken as the alarm's latest, it would make every real transition "late".
   */
  maxFutureSkewMs: number;
  /** Which alarm tags classify (severity, service, team): FIREBREAK_TAG_* settings. */
  tagNames: TagNames;
  /** Which alarms open no incident (ignore.ts): FIREBREAK_IGNORE_AUTOSCALING. */
  ignore: IgnoreSettings;
}

/** Between attempts of an ingest that lost a race to a concurrent one: 10 ms doubling, ≤ 200 ms. */
export const INGEST_RACE_BACKOFF: BackoffOptions = { baseMs: 10, maxMs: 200 };

export const DEFAULT_INGEST_CONFIG: IngestConfig = {
  ...DEFAULT_EPISODE_CONFIG,
  idempotencyTtlSeconds: 7 * 24 * 3600,
  maxAttempts: 12,
  maxFutureSkewMs: 5 * 60_000,
  tagNames: DEFAULT_TAG_NAMES,
  ignore: DEFAULT_IGNORE_SETTINGS,
};

export type IngestOutcome =
  | "opened" // a new incident
  | "grouped" // a new alarm episode joined an open incident of its service (alarm/grouping.ts)
  | "appended" // recorded on an existing incident
  | "reopened" // fired again soon after its incident resolved: that incident is open again
  | "recorded" // the alarm's state changed; no incident involved
  | "duplicate" // this delivery, or this very transition, was already processed
  | "ignored" // an alarm that opens no incident (ignore.ts): counted, never paged
  | "held"; // in a maintenance window (core/maintenance): recorded, released when the window ends

export interface IngestResult {
  outcome: IngestOutcome;
  incidentId?: string;
  incidentNumber?: number;
  reason?: string;
  /** The maintenance window that held it (outcome "held"). */
  window?: { id: string; number: number };
  /** Transitions this ingest sent to the dead letters (pushed out of a full orphan buffer). */
  deadLettered?: number;
  attempts: number;
}

export interface IngestDeps {
  store: IncidentRepository;
  clock?: Clock;
  config?: Partial<IngestConfig>;
  /**
   * Where transitions that cannot be kept go (more than MAX_ORPHANS waiting for a delayed ALARM).
   * Without one, such an ingest fails rather than lose a transition.
   */
  deadLetters?: DeadLetterSink;
  /**
   * The on-call directory, for its ignore rules (oncall/alarm-rules.ts): the top-level ones and the
   * owning team's. Read through a cache (`cachedDirectory`): ingest must not pay a read per alarm.
   */
  directory?: () => Promise<Directory | undefined>;
  /**
   * Maintenance windows (MaintenanceRepository): an alarm with no open incident whose service
   * or team is in an active window is held there, not paged. Read on every ingest (strongly
   * consistent), in parallel with the alarm's own read: a window created a moment ago holds.
   */
  maintenance?: MaintenanceHold;
}

/** What ingest needs of the maintenance windows. */
export type MaintenanceHold = Pick<MaintenanceRepository, "current" | "hold">;

export interface IngestOptions {
  /** The transition was held by this window, which has ended (maintenance/release.ts). */
  releasedFrom?: MaintenanceWindow;
}
