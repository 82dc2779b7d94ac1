/**
 * The mapping between the incident store's records and their table items: incidents (with their
 * index attributes), timeline entries, alarm records and delivery keys, both ways.
 */
import type { AlarmRecord, DeliveryKey } from "../../../alarm/record";
import type { Incident } from "../../../incident/model";
import type { TimelineEntry } from "../../../incident/timeline";
import { validTimelineEntry } from "../../../incident/timeline-schema";
import { pickFields } from "../items";
import {
  ALL_PARTITION,
  createdSortKey,
  keys,
  OPEN_PARTITION,
  openSortKey,
  RESOLVED_PARTITION,
  resolvedSortKey,
} from "../keys";

const INCIDENT_FIELDS = [
  "id",
  "number",
  "title",
  "severity",
  "status",
  "services",
  "locations",
  "source",
  "alarm",
  "team",
  "flapping",
  "description",
  "roles",
  "summary",
  "createdAt",
  "updatedAt",
  "acknowledgedAt",
  "mitigatedAt",
  "resolvedAt",
  "reopenedAt",
  "reopens",
  "relatedAlarms",
  "declaredBy",
  "mergedInto",
  "merged",
  "links",
  "version",
] as const;

/** An incident from its stored item (its fields only, without the keys and index attributes). */
export function toIncident(item: Record<string, unknown>): Incident {
  return pickFields<Incident>(item, INCIDENT_FIELDS);
}

/** A timeline entry from its stored item. */
export function toEntry(item: Record<string, unknown>): TimelineEntry {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as unknown as TimelineEntry;
}

/** The stored item of an incident, with its index attributes (exported for seeding benchmarks). */
export function incidentItem(incident: Incident): Record<string, unknown> {
  const open = incident.status !== "resolved";
  return {
    ...keys.incident(incident.id),
    type: "incident",
    ...incident,
    allPk: ALL_PARTITION,
    allSk: createdSortKey(incident),
    ...(open ? { openPk: OPEN_PARTITION, openSk: openSortKey(incident) } : {}),
    ...(!open
      ? {
          resolvedPk: RESOLVED_PARTITION,
          resolvedSk: resolvedSortKey(incident.resolvedAt ?? incident.updatedAt, incident.id),
        }
      : {}),
  };
}

/** The table item of a timeline entry, which must be valid: the outbox publishes every one it finds. */
export function timelineItem(entry: TimelineEntry): Record<string, unknown> {
  validTimelineEntry(entry, `${entry.id} of incident ${entry.incidentId}`);
  return { ...keys.timeline(entry.incidentId, entry.id), type: "timeline", ...entry };
}

/** The table item of an alarm record. */
export function alarmItem(record: AlarmRecord): Record<string, unknown> {
  return { ...keys.alarm(record.arn), type: "alarm", ...record };
}

/** The table item of a delivery key (its transition has an item of its own). */
export function deliveryItem(delivery: DeliveryKey): Record<string, unknown> {
  const { transition: _transition, ...rest } = delivery;
  return { ...keys.delivery(delivery.id), type: "delivery", ...rest };
}
