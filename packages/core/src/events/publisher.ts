import type { TimelineEntry } from "../incident/timeline";

/** The source of every Firebreak domain event on the app bus. */
export const EVENT_SOURCE = "firebreak";

/**
 * A domain event: one per timeline entry. `type` is the entry's kind (`incident.declared`,
 * `incident.alarm_transition`, `incident.status_changed`, …) and becomes the EventBridge
 * detail-type; `id` is the entry id, so consumers can deduplicate redeliveries.
 */
export interface DomainEvent {
  id: string;
  type: string;
  time: string;
  incidentId: string;
  detail: TimelineEntry;
}

export function eventFromEntry(entry: TimelineEntry): DomainEvent {
  return { id: entry.id, type: entry.kind, time: entry.at, incidentId: entry.incidentId, detail: entry };
}

/** Publishes domain events. Must either publish every event or throw: never drop silently. */
export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}
