/**
 * The parts of one ingest attempt (ingest.ts): a held alarm's release note, the stale-hold check, the
 * scan for grouped alarms, a new alarm incident, the future-timestamp refusal and orphan letters.
 */

import { ValidationError } from "@firebreak/core/shared/errors";
import type { Incident } from "../incident/model";
import type { MaintenanceWindow } from "../maintenance/window";
import { windowKey } from "../maintenance/window";
import type { IncidentRepository } from "../ports";
import type { AlarmClassification } from "./classify";
import { alarmRefOf } from "./context";
import { stillFiring } from "./grouping";
import { type AlarmRecord, MAX_ORPHANS, type OrphanTransition } from "./record";
import type { AlarmTransition } from "./transition";

/** Said on the incident a released alarm opens (or joins): the window that held it. */
export function releasedNote(w: MaintenanceWindow | undefined): string {
  return w
    ? `; held by maintenance window ${windowKey(w)} (${w.reason}) and still in ALARM when it ended`
    : "";
}

export function releasedData(w: MaintenanceWindow | undefined) {
  return w
    ? { maintenance: { window: windowKey(w), windowId: w.id, from: w.from, to: w.to, reason: w.reason } }
    : {};
}

/** An in-order ALARM after another state, of an alarm that holds this incident. */
export function newEpisodeOfHeld(
  record: AlarmRecord | undefined,
  t: AlarmTransition,
  incidentId: string,
): boolean {
  return (
    t.state === "ALARM" &&
    record?.openIncidentId === incidentId &&
    record.lastState !== "ALARM" &&
    Date.parse(t.stateTimestamp) > Date.parse(record.lastStateTimestamp)
  );
}

/**
 * The alarm's record as the plan should see it: a record that still holds an incident already
 * resolved (its release, after the resolving transaction, did not happen: a crash in between) is
 * read as released, so a new ALARM opens or reopens an incident instead of landing on a resolved
 * one. Read on a retry only, and only for a new episode (an ALARM after another state).
 */
export async function withoutStaleHold(
  store: IncidentRepository,
  record: AlarmRecord | undefined,
  t: AlarmTransition,
): Promise<AlarmRecord | undefined> {
  if (!record?.openIncidentId || t.state !== "ALARM" || record.lastState === "ALARM") return record;
  const held = await store.getIncident(record.openIncidentId);
  if (held?.status !== "resolved") return record;
  const { openIncidentId: _held, ...released } = record;
  return {
    ...released,
    lastIncidentId: held.id,
    lastIncidentResolvedAt: held.resolvedAt ?? held.updatedAt,
  };
}

/** Alarm records read per step of `scanGroupedAlarms`: a few first (a witness is usually among the newest), then 100 (one BatchGetItem). */
const SCAN_FIRST = 10;

const SCAN_CHUNK = 100;

/**
 * The incident's other alarms (its own and the grouped ones, `self` left out), read 100 at a time,
 * the most recently attached first, until one still holding it in ALARM is found: then `firing`
 * has those of that chunk and `others` is partial (an OK that leaves the incident open needs only
 * one witness). When none fires, `others` has them all (the all-clear releases every holder). An
 * incident of 500 alarms resolving one by one so reads about one chunk per OK, not 500 records.
 */
export async function scanGroupedAlarms(store: IncidentRepository, incident: Incident, self: string) {
  const arns = [
    ...new Set(
      [incident.alarm?.arn, ...(incident.relatedAlarms ?? []).map((a) => a.arn)].filter(
        (arn): arn is string => arn !== undefined && arn !== self,
      ),
    ),
  ].reverse();
  const others: AlarmRecord[] = [];
  for (let start = 0; start < arns.length; ) {
    const size = start === 0 ? SCAN_FIRST : SCAN_CHUNK;
    const chunk = await store.getAlarmRecords(arns.slice(start, start + size));
    start += size;
    others.push(...chunk);
    const firing = chunk.filter((o) => stillFiring(o, incident.id));
    if (firing.length > 0) return { others, firing };
  }
  return { others, firing: [] as AlarmRecord[] };
}

export function newAlarmIncident(
  t: AlarmTransition,
  { severity, services, team }: AlarmClassification,
  id: string,
  number: number,
  at: string,
  flapping: boolean,
): Incident {
  return {
    id,
    number,
    title: t.alarmName,
    severity,
    status: "declared",
    services,
    // An alert from another monitor has no AWS account or region.
    locations: t.account ? [{ account: t.account, region: t.region }] : [],
    source: "alarm",
    alarm: alarmRefOf(t),
    ...(team ? { team } : {}),
    flapping,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** Refuses a state timestamp too far in the future (a permanent error: dead-lettered, never retried). */
export function refuseFutureTimestamp(t: AlarmTransition, now: Date, maxFutureSkewMs: number): void {
  const ahead = Date.parse(t.stateTimestamp) - now.getTime();
  if (ahead <= maxFutureSkewMs) return;
  const minutes = Math.round(maxFutureSkewMs / 60_000);
  const message = `${t.stateTimestamp} is more than ${minutes} minute(s) ahead of now (${now.toISOString()}): refused, or every real transition of ${t.alarmName} would be late`;
  throw new ValidationError(`Invalid alarm transition: stateTimestamp: ${message}`, [
    { path: "stateTimestamp", message },
  ]);
}

/** The dead letter of a transition pushed out of a full orphan buffer. */
export function orphanLetter(t: AlarmTransition, orphan: OrphanTransition, at: string) {
  const reason = `alarm ${t.alarmName}: more than ${MAX_ORPHANS} transitions were waiting for a delayed ALARM; the ${orphan.state} of ${orphan.stateTimestamp}, which waited longest, did not fit on the alarm record`;
  return {
    source: "alarm-ingest",
    reason,
    issues: [{ path: "orphans", message: reason }],
    event: { alarmArn: t.alarmArn, alarmName: t.alarmName, ...orphan },
    at,
  };
}
