import type { IgnoreDecision } from "../alarm/ignore";
import type { AlarmRecord, DeliveryKey, TransitionKey } from "../alarm/record";
import type { AlarmTransition } from "../alarm/transition";
import type { Incident, IncidentListQuery, IncidentStatus, Page, RelatedAlarm } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";

/**
 * One alarm delivery's writes, all or nothing: the delivery key, the alarm record (conditioned on
 * the version read), and the incident changes. Exactly-once per delivery and one incident per
 * episode both follow from the conditions.
 */
export interface AlarmChange {
  delivery: DeliveryKey;
  record: AlarmRecord | null;
  expectedRecordVersion: number | undefined;
  newIncident?: Incident;
  /**
   * The new incident's number was not allocated: it is the counter's value read (`after`) plus
   * one, and the counter moves to it in this change, conditioned on that value. A lost race fails
   * the change as a ConcurrentChangeError (retry with `allocateNumber`).
   */
  numberClaim?: { after: number };
  update?: {
    incidentId: string;
    at: string;
    flapping?: boolean;
    status?: { from: IncidentStatus; to: IncidentStatus; expectedVersion: number };
    /** Only while the incident is not resolved (a new episode of an alarm it holds). */
    open?: boolean;
  };
  /** A resolved incident reopened (`reopen` in incident/model.ts), conditioned on the version read. */
  reopened?: { after: Incident; expectedVersion: number };
  entries: TimelineEntry[];
  /** An ignored alarm's transition: counted for its alarm (alarm/ignore.ts). */
  ignored?: { transition: AlarmTransition; decision: IgnoreDecision; at: string };
  /**
   * The new incident becomes its group's open incident: the group is claimed, or taken over from
   * `previous` (that incident resolved). Another incident opened for the group first fails the
   * change (ConcurrentChangeError): the retry attaches to it.
   */
  claimGroup?: { key: string; previous?: string };
  /** The alarm joins an open incident of its group: listed on it, the incident's version moves. */
  attach?: { incidentId: string; alarm: RelatedAlarm; flapping?: boolean };
  /**
   * Other alarm records whose state the change was decided on (a grouped incident resolves only
   * when all its alarms are OK): each must still be at `version`; with `release`, its hold on
   * the incident ends too (the incident resolved).
   */
  otherAlarms?: { arn: string; version: number; release?: { at: string } }[];
}

/** A changed incident and its new timeline entries, saved only if it is still at `before`'s version. */
export interface IncidentChange {
  before: Incident;
  after: Incident;
  entries: TimelineEntry[];
}

/** Incidents, their timelines, alarm records and delivery keys. */
export interface IncidentRepository {
  /** Whether a new incident's number is claimed in its alarm change (`numberClaim`) rather than allocated. */
  shouldClaimNumber(now?: number): boolean;
  getAlarmAndDelivery(
    arn: string,
    deliveryId: string,
    options?: { counter?: boolean; transition?: TransitionKey },
  ): Promise<{ record?: AlarmRecord; delivered: boolean; transitionSeen: boolean; counter: number }>;
  getAlarmGroup(key: string): Promise<{ incidentId: string } | undefined>;
  getAlarmRecords(arns: readonly string[]): Promise<AlarmRecord[]>;
  getIncident(id: string): Promise<Incident | undefined>;
  getIncidentWithTimeline(id: string): Promise<{ incident: Incident; timeline: TimelineEntry[] } | undefined>;
  /** The incident, its timeline and the other items stored beside it (an escalation, its pages). */
  getIncidentPartition(
    id: string,
  ): Promise<
    { incident: Incident; timeline: TimelineEntry[]; others: Record<string, unknown>[] } | undefined
  >;
  listOpen(options?: { limit?: number; cursor?: string }): Promise<Page<Incident>>;
  listIncidents(query: IncidentListQuery): Promise<Page<Incident>>;
  /** Ends the hold of these alarms on the incident (each only while it still holds it). */
  releaseAlarms(arns: readonly string[], incidentId: string, at: string): Promise<void>;
  allocateNumber(): Promise<number>;
  markDelivered(delivery: DeliveryKey): Promise<void>;
  commitAlarmChange(change: AlarmChange): Promise<void>;
  /** A new incident (declared by a person), its number and its first entries. */
  createIncident(incident: Incident, entries: TimelineEntry[]): Promise<void>;
  /**
   * Saves a changed incident (VersionConflictError when someone else changed it first). On
   * resolve, its alarms are freed so that their next ALARM opens a new episode.
   */
  commitIncidentChange(
    change: IncidentChange & { releaseAlarm?: { arn: string; at: string } },
  ): Promise<void>;
  /**
   * Saves several changed incidents together, moving `moveAlarms` from one to another (each alarm
   * only while it still points at `from`; `moved` says which were). `rebuild` makes the changes
   * again for the alarms that could be moved, when some could not.
   */
  commitIncidentChanges(
    changes: IncidentChange[],
    moveAlarms?: { arns: string[]; from: string; to: string },
    rebuild?: (moved: string[]) => IncidentChange[],
  ): Promise<{ moved: string[] }>;
  rewriteTimelineEntry(entry: TimelineEntry): Promise<void>;
}
