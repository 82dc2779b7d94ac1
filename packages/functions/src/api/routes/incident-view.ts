/** The API's views of incidents, shared by the route groups that answer with one. */
import type { Incident } from "@firebreak/core/incident/model";

/** The API view of an incident: the stored fields, with `key` (INC-n), `service` and `declaredAt`. */
export function incidentView(incident: Incident) {
  return {
    ...incident,
    key: `INC-${incident.number}`,
    service: incident.services[0] ?? "unassigned",
    declaredAt: incident.createdAt,
    alarm: incident.alarm ?? null,
  };
}

/**
 * The answer to ack, mitigate and resolve: the incident, and whether this request changed it.
 * `changed: false` (`alreadyInState: true`): the incident was already in that state; nothing was
 * written. A stale `expectedVersion` is never this answer: it is a 409.
 */
export function statusChangeView(incident: Incident, changed: boolean) {
  return { ...incidentView(incident), changed, alreadyInState: !changed };
}

/** The answer to link and unlink: both incidents, and whether this request changed them. */
export const linkView = (result: { incident: Incident; other: Incident; changed: boolean }) => ({
  incident: incidentView(result.incident),
  other: incidentView(result.other),
  changed: result.changed,
});
