import type { AlarmState } from "./transition";

/**
 * At most this many transitions wait on the alarm record for a delayed ALARM. When another one
 * comes, the one that waited longest leaves the buffer for the dead letters (with the reason) and
 * is counted in `orphansDeadLettered`: never dropped silently.
 */
export const MAX_ORPHANS = 20;

/**
 * How many of an incident's other alarms a resolving alarm change releases itself (`otherAlarms`:
 * a change holds at most 100 writes, and it has its own); the rest are released right after it
 * (`releaseAlarms`).
 */
export const RELEASES_IN_TRANSACTION = 50;

/** At most this many state timestamps (the newest) are kept for flapping detection. */
export const MAX_FLAP_HISTORY = 100;

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
  /**
   * State timestamps of the alarm's recent transitions, in or out of order, sorted (oldest first,
   * at most MAX_FLAP_HISTORY): flapping is computed from them, never from the arrival order.
   */
  recentTransitions: string[];
  /**
   * Transitions recorded while no incident was open (newest last, at most MAX_ORPHANS). When a
   * late ALARM opens the incident of an episode afterwards, they go on its timeline, so no
   * transition of the episode is lost whatever the arrival order.
   */
  orphans?: OrphanTransition[];
  /**
   * Transitions that did not fit in `orphans` (dead-lettered) since the buffer was last taken by
   * an incident; the incident's timeline says how many.
   */
  orphansDeadLettered?: number;
  /** The incident already marked flapping, so it is marked once. */
  flappingIncidentId?: string;
  version: number;
}

/** The identity of an alarm transition, whichever channel delivered it. */
export interface TransitionKey {
  arn: string;
  state: string;
  stateTimestamp: string;
}

/** The record that one delivery of an alarm transition was handled (exactly-once ingest). */
export interface DeliveryKey {
  id: string;
  /** Epoch seconds after which the key may be deleted (the table's TTL attribute). */
  expiresAt: number;
  outcome: string;
  incidentId?: string;
  /** The transition delivered: recorded too (same TTL), so that other channels' copies are duplicates. */
  transition?: TransitionKey;
}
