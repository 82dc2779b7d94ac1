/**
 * Recording changes (from people, pipelines, PagerDuty and AWS's deployment events) and finding
 * those that may explain an incident: its services' changes in the two hours before it started.
 */
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { ValidationError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { normaliseTimestamp } from "@firebreak/core/shared/timestamp";
import { validate } from "@firebreak/core/shared/validate";
import { safeUrl } from "../alarm/context";
import type { Actor, Incident } from "../incident/model";
import { SYSTEM_ACTOR } from "../incident/model";
import type { ChangeRepository } from "../ports";
import {
  CHANGE_MAX_AHEAD_MS,
  CHANGE_WINDOW_MS,
  type Change,
  type ChangeInput,
  type ChangeSource,
  changeInputSchema,
  type DeployChange,
} from "./change";

export interface ChangeDeps {
  changes: ChangeRepository;
  clock?: Clock;
}

/** Records a change; `recorded: false` when it was recorded already (the same AWS event again). */
export async function recordChange(
  deps: ChangeDeps,
  input: ChangeInput,
  source: ChangeSource,
  actor: Actor = SYSTEM_ACTOR,
  id?: string,
): Promise<{ change: Change; recorded: boolean }> {
  const data = validate(changeInputSchema, input, "change");
  const now = (deps.clock ?? systemClock).now();
  const at = data.at ? (normaliseTimestamp(data.at) as string) : now.toISOString();
  if (Date.parse(at) - now.getTime() > CHANGE_MAX_AHEAD_MS) {
    const message = `${at} is more than 5 minutes ahead of now (${now.toISOString()})`;
    throw new ValidationError(`invalid change: at: ${message}`, [{ path: "at", message }]);
  }
  const link = data.link ? safeUrl(data.link) : undefined;
  const change: Change = {
    id: id ?? newId(now.getTime()),
    service: data.service,
    summary: data.summary,
    ...(link ? { link } : {}),
    at,
    source,
    recordedAt: now.toISOString(),
    ...(actor !== SYSTEM_ACTOR ? { recordedBy: actor } : {}),
  };
  const recorded = await deps.changes.record(change, {
    id: newId(now.getTime()),
    incidentId: change.id,
    kind: "change.recorded",
    actor,
    at: change.recordedAt,
    summary: `${change.service}: ${change.summary}`.slice(0, 1000),
    data: { change },
  });
  return { change, recorded };
}

/** An AWS deployment event's change (its id makes a redelivery the same change). */
export function recordDeployChange(deps: ChangeDeps, change: DeployChange) {
  return recordChange(
    deps,
    {
      service: change.service,
      summary: change.summary,
      at: change.at,
      ...(change.link ? { link: change.link } : {}),
    },
    change.source,
    { type: "system", id: change.source, name: `AWS ${change.source}` },
    change.id,
  );
}

/** When the incident's trouble began: its alarm's state time, else its declaration. */
export function incidentStart(incident: Pick<Incident, "createdAt" | "alarm">): string {
  const alarmAt = incident.alarm?.context?.stateTimestamp;
  return alarmAt && alarmAt < incident.createdAt ? alarmAt : incident.createdAt;
}

/** The changes to the incident's services from two hours before it started to its declaration. */
export async function changesBefore(
  deps: Pick<ChangeDeps, "changes">,
  incident: Pick<Incident, "createdAt" | "alarm" | "services">,
): Promise<Change[]> {
  const start = incidentStart(incident);
  const from = new Date(Date.parse(start) - CHANGE_WINDOW_MS).toISOString();
  const changes = await deps.changes.forServices(incident.services, from, incident.createdAt);
  return changes.slice(0, 20);
}
