import type { AlarmState } from "./transition";

/**
 * What Firebreak remembers of one alarm (item ALARM#<arn> / STATE). It is the lock that makes
 * "one incident per alarm episode" hold: every ingest conditions its write on `version`.
 */
export interface AlarmRecord {
  arn: string;
  name: string;
  /** Latest in-order state and its state timestamp (ISO, UTC). */
  lastState: AlarmState;
  lastStateTimestamp: string;
  /** The incident open for this alarm's current episode. */
  openIncidentId?: string;
  /** The most recent incident this alarm opened, open or not, and when it was resolved. */
  lastIncidentId?: string;
  lastIncidentResolvedAt?: string;
  /** State timestamps of recent in-order transitions, for flapping detection. */
  recentTransitions: string[];
  /** The incident already marked flapping, so it is marked once. */
  flappingIncidentId?: string;
  version: number;
}
