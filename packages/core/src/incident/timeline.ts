import type { Actor } from "./model";

/**
 * Timeline entry kinds. Each kind is also the domain event's detail-type on the app bus, so the
 * names are a public contract: add kinds, never rename them.
 */
export const TIMELINE_KINDS = [
  "incident.declared",
  "incident.alarm_transition",
  "incident.status_changed",
  "incident.flapping",
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number] | (string & {});

export interface TimelineEntry {
  /** ULID, sortable by time of recording. */
  id: string;
  incidentId: string;
  kind: TimelineKind;
  actor: Actor;
  /** When it was recorded (ISO 8601, UTC). */
  at: string;
  /** One-line human text. */
  summary: string;
  data: Record<string, unknown>;
}
