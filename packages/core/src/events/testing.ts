/**
 * Test factories for the events folder (used by its tests and by the outbox and stream-poller
 * tests in functions/ and local/). Not used by production code.
 */
import { newId } from "@firebreak/core/shared/ids";
import type { TimelineEntry } from "../incident/timeline";
import { type DomainEvent, eventFromEntry } from "./publisher";

export function timelineEntry(overrides: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: newId(),
    incidentId: "01JINCIDENT0000000000000000",
    kind: "incident.declared",
    actor: { type: "system", id: "firebreak" },
    at: "2026-03-14T09:42:13.274Z",
    summary: "Incident declared",
    data: { severity: "SEV2" },
    ...overrides,
  };
}

export function domainEvent(overrides: Partial<TimelineEntry> = {}): DomainEvent {
  return eventFromEntry(timelineEntry(overrides));
}
