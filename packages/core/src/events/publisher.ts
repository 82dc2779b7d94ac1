import { FirebreakError } from "@firebreak/core/shared/errors";
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

/** One event that was not published, with the bus's error code (e.g. ThrottlingException). */
export interface FailedEvent {
  eventId: string;
  type: string;
  errorCode: string;
  errorMessage: string;
}

/**
 * Some events were not published. `failed` lists every event that is not known to be on the
 * bus, in the order they were given to `publish`; all the other events were published. Throw
 * this from `EventPublisher.publish` whenever you can say which events failed: the outbox uses
 * it to retry from the first failed stream record rather than from the start of the batch.
 */
export class PublishError extends FirebreakError {
  readonly failed: readonly FailedEvent[];
  constructor(failed: FailedEvent[], options?: { cause?: unknown }) {
    super("publish_failed", describeFailures(failed), options);
    this.failed = failed;
  }

  get failedEventIds(): ReadonlySet<string> {
    return new Set(this.failed.map((f) => f.eventId));
  }
}

function describeFailures(failed: FailedEvent[]): string {
  const counts = new Map<string, number>();
  for (const f of failed) counts.set(f.errorCode, (counts.get(f.errorCode) ?? 0) + 1);
  const codes = [...counts].map(([code, n]) => `${code} ×${n}`).join(", ");
  const ids = failed.slice(0, 5).map((f) => f.eventId);
  const more = failed.length > ids.length ? `, … ${failed.length - ids.length} more` : "";
  const first = failed[0] ? `; first: ${failed[0].errorMessage}` : "";
  return `${failed.length} event(s) not published (${codes}): ${ids.join(", ")}${more}${first}`;
}
