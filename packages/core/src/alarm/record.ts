import type { AlarmState } from "./transition";

export const MAX_ORPHANS = 20;

/** A transition kept on the alarm record: what its timeline entry needs, without the bulky reasonData. */
export interface OrphanTransition {
  state: AlarmState;
  stateTimestamp: string;
  summary: string;
  data: Record<string, unknown>;
}

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
  /**
   * Transitions recorded while no incident was open (newest last, at most MAX_ORPHANS). When a
   * late ALARM opens the incident of an episode afterwards, they go on its timeline, so no
   * transition of the episode is lost whatever the arrival order.
   */
  orphans?: OrphanTransition[];
  /** The incident already marked flapping, so it is marked once. */
  flappingIncidentId?: string;
  version: number;
}
