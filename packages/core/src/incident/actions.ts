import { currentActor } from "@firebreak/core/shared/actor";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import {
  FirebreakError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import { validate } from "@firebreak/core/shared/validate";
import type * as z from "@firebreak/core/shared/zod";
import type { IncidentRepository } from "../ports";
import { AlarmReleasedError } from "./errors";
import {
  type DeclareInput,
  declareInputSchema,
  MANUAL_REOPEN_WINDOW_MS,
  type ReopenInput,
  reopenInputSchema,
  roleInputSchema,
  type SeverityInput,
  severityInputSchema,
  statusInputSchema,
  updateInputSchema,
} from "./inputs";
import { type Actor, type Incident, type IncidentStatus, lowersSeverity, reopen, transition } from "./model";
import type { ROLES, TimelineEntry } from "./timeline";

export * from "./inputs";

/**
 * Incident use cases for people (Slack, the API, the dashboard). Each one reads the incident,
 * applies a pure change, and saves it with its timeline entries under optimistic locking. With
 * an `expectedVersion` a lost race is reported (409); without one it is retried on fresh data.
 */
export interface ActionDeps {
  store: IncidentRepository;
  clock?: Clock;
}

export type Draft = { kind: string; summary: string; data: Record<string, unknown> };

/** The timeline entries of drafts, recorded at `at` by `actor`. */
export function timelineEntries(
  incidentId: string,
  at: Date,
  actor: Actor,
  drafts: Draft[],
): TimelineEntry[] {
  return drafts.map((d) => ({ id: newId(at.getTime()), incidentId, actor, at: at.toISOString(), ...d }));
}

/** Declares an incident by hand. */
export async function declareIncident(
  deps: ActionDeps,
  input: DeclareInput,
  actor = currentActor(),
): Promise<Incident> {
  const data = validate(declareInputSchema, input);
  const now = (deps.clock ?? systemClock).now();
  const at = now.toISOString();
  const number = await deps.store.allocateNumber();
  const incident: Incident = {
    id: newId(now.getTime()),
    number,
    title: data.title,
    severity: data.severity,
    status: "declared",
    services: [...new Set(data.services)],
    locations: [],
    source: "manual",
    flapping: false,
    description: data.description,
    declaredBy: actor,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await deps.store.createIncident(
    incident,
    timelineEntries(incident.id, now, actor, [
      {
        kind: "incident.declared",
        summary: `INC-${number} declared by ${actor.name ?? actor.id} (${incident.severity}, ${incident.services.join(", ")})`,
        data: {
          number,
          title: incident.title,
          severity: incident.severity,
          services: incident.services,
          source: "manual",
          description: data.description,
        },
      },
    ]),
  );
  return incident;
}

/** Enough for dozens of people acting on one incident at once (each round, one of them wins). */
const MAX_ATTEMPTS = 40;

/** Read → change → save with the version check; retried on a lost race unless a version was given. */
export async function mutate(
  deps: ActionDeps,
  incidentId: string,
  expectedVersion: number | undefined,
  actor: Actor,
  change: (incident: Incident, at: Date) => { after: Incident; drafts: Draft[] },
): Promise<Incident> {
  return (await mutateWithOutcome(deps, incidentId, expectedVersion, actor, change)).incident;
}

/** `mutate`, saying whether anything was saved (`changed`: false when the change had no drafts). */
async function mutateWithOutcome(
  deps: ActionDeps,
  incidentId: string,
  expectedVersion: number | undefined,
  actor: Actor,
  change: (incident: Incident, at: Date) => { after: Incident; drafts: Draft[] },
): Promise<{ incident: Incident; changed: boolean }> {
  return retryOnConflict(
    async () => {
      const before = await deps.store.getIncident(incidentId);
      if (!before) throw new NotFoundError("incident", incidentId);
      if (expectedVersion !== undefined && before.version !== expectedVersion) {
        throw new VersionConflictError(
          `INC-${before.number} is at version ${before.version}, not ${expectedVersion}: reload and try again`,
          before.version,
        );
      }
      const now = (deps.clock ?? systemClock).now();
      const { after, drafts } = change(before, now);
      if (drafts.length === 0) return { incident: before, changed: false };
      const releaseAlarm =
        after.status === "resolved" && before.status !== "resolved" && before.alarm
          ? { arn: before.alarm.arn, at: now.toISOString() }
          : undefined;
      const entries = timelineEntries(before.id, now, actor, drafts);
      try {
        await deps.store.commitIncidentChange({ before, after, entries, releaseAlarm });
      } catch (error) {
        // The alarm no longer points at this incident (released already): save without releasing it.
        if (!(error instanceof AlarmReleasedError)) throw error;
        await deps.store.commitIncidentChange({ before, after, entries });
      }
      return { incident: after, changed: true };
    },
    MAX_ATTEMPTS,
    // A change asked against a version the caller saw is not retried: the caller is told.
    (error) => error instanceof VersionConflictError && expectedVersion === undefined,
  );
}

type StatusInput = {
  to: Exclude<IncidentStatus, "declared">;
  summary?: string;
  expectedVersion?: number;
  expectedStatus?: IncidentStatus;
};

/** The status moved since the caller saw it (a 409 carrying the incident as it is now). */
function checkExpectedStatus(incident: Incident, expected: IncidentStatus | undefined): void {
  if (expected !== undefined && incident.status !== expected)
    throw new VersionConflictError(
      `INC-${incident.number} is ${incident.status} now, not ${expected}: reload and try again`,
      incident.version,
    );
}

function statusChange(incident: Incident, data: z.output<typeof statusInputSchema>, actor: Actor, now: Date) {
  const after = transition(incident, data.to, now.toISOString());
  if (data.to === "resolved" && data.summary) after.summary = data.summary;
  return {
    after,
    drafts: [
      {
        kind: "incident.status_changed",
        summary: `${data.to} by ${actor.name ?? actor.id}${data.summary ? `: ${data.summary}` : ""}`,
        data: { from: incident.status, to: data.to, summary: data.summary },
      },
    ],
  };
}

/** Acknowledge, mitigate or resolve. Moving to the status the incident is in is an IllegalTransitionError. */
export async function changeStatus(
  deps: ActionDeps,
  incidentId: string,
  input: StatusInput,
  actor = currentActor(),
): Promise<Incident> {
  const data = validate(statusInputSchema, input);
  return mutate(deps, incidentId, data.expectedVersion, actor, (incident, now) =>
    statusChange(incident, data, actor, now),
  );
}

/**
 * Acknowledge, mitigate or resolve under the API's one rule for all three:
 * - a stale `expectedVersion` is a VersionConflictError carrying the current version (409), and so
 *   is losing the race to another change made with the same `expectedVersion`;
 * - moving to the status the incident is already in (with no stale `expectedVersion`) changes
 *   nothing and writes no timeline entry: `changed: false`;
 * - moving backwards (resolved → acknowledged, …) is an IllegalTransitionError (409).
 */
export async function setStatus(
  deps: ActionDeps,
  incidentId: string,
  input: StatusInput,
  actor = currentActor(),
): Promise<{ incident: Incident; changed: boolean }> {
  const data = validate(statusInputSchema, input);
  return mutateWithOutcome(deps, incidentId, data.expectedVersion, actor, (incident, now) => {
    if (incident.status === data.to) return { after: incident, drafts: [] };
    checkExpectedStatus(incident, data.expectedStatus);
    return statusChange(incident, data, actor, now);
  });
}

/** The change needs an incident that is not resolved (HTTP 409). */
export class IncidentResolvedError extends FirebreakError {
  constructor(number: number, what: string) {
    super("incident_resolved", `INC-${number} is resolved: ${what}`);
  }
}

/**
 * Changes the incident's severity (SEV1 is the most severe). Lowering it needs a reason; the same
 * severity changes nothing (`changed: false`). A resolved incident's severity is not changed. The
 * `incident.severity_changed` entry is the domain event the pager re-evaluates urgency on.
 */
export async function changeSeverity(
  deps: ActionDeps,
  incidentId: string,
  input: SeverityInput,
  actor = currentActor(),
): Promise<{ incident: Incident; changed: boolean }> {
  const data = validate(severityInputSchema, input);
  return mutateWithOutcome(deps, incidentId, data.expectedVersion, actor, (incident, now) => {
    if (incident.severity === data.severity) return { after: incident, drafts: [] };
    if (incident.status === "resolved")
      throw new IncidentResolvedError(incident.number, "its severity is kept as it was");
    const lowered = lowersSeverity(incident.severity, data.severity);
    if (lowered && !data.reason)
      throw new ValidationError(
        `lowering INC-${incident.number} from ${incident.severity} to ${data.severity} needs a reason`,
        [{ path: "reason", message: "required when the severity is lowered" }],
      );
    const at = now.toISOString();
    return {
      after: { ...incident, severity: data.severity, updatedAt: at, version: incident.version + 1 },
      drafts: [
        {
          kind: "incident.severity_changed",
          summary: `severity ${lowered ? "lowered" : "raised"} from ${incident.severity} to ${data.severity} by ${actor.name ?? actor.id}${data.reason ? `: ${data.reason}` : ""}`,
          data: {
            from: incident.severity,
            to: data.severity,
            direction: lowered ? "lowered" : "raised",
            ...(data.reason ? { reason: data.reason } : {}),
          },
        },
      ],
    };
  });
}

/**
 * Reopens a resolved incident, with a reason, within MANUAL_REOPEN_WINDOW_MS of its resolution
 * (409 otherwise): back to declared, the same channel and roles; paging starts again as a new
 * episode (the pager, on this `incident.status_changed`), and its postmortem gets a new version
 * when it resolves again.
 */
export async function reopenIncident(
  deps: ActionDeps,
  incidentId: string,
  input: ReopenInput,
  actor = currentActor(),
): Promise<Incident> {
  const data = validate(reopenInputSchema, input);
  return mutate(deps, incidentId, data.expectedVersion, actor, (incident, now) => {
    if (incident.status !== "resolved")
      throw new FirebreakError(
        "not_resolved",
        `INC-${incident.number} is ${incident.status}, not resolved: there is nothing to reopen`,
      );
    // Its alarms and its story moved to the incident it was merged into: that one is reopened.
    if (incident.mergedInto)
      throw new FirebreakError(
        "reopen_merged",
        `INC-${incident.number} was merged into INC-${incident.mergedInto.number}: reopen INC-${incident.mergedInto.number} instead`,
      );
    const resolvedAt = Date.parse(incident.resolvedAt ?? incident.updatedAt);
    if (now.getTime() - resolvedAt > MANUAL_REOPEN_WINDOW_MS)
      throw new FirebreakError(
        "reopen_window_passed",
        `INC-${incident.number} was resolved more than ${MANUAL_REOPEN_WINDOW_MS / 86_400_000} days ago: declare a new incident and link it`,
      );
    const after = reopen(incident, now.toISOString());
    return {
      after,
      drafts: [
        {
          kind: "incident.status_changed",
          summary: `reopened by ${actor.name ?? actor.id}: ${data.reason}`,
          data: {
            from: "resolved",
            to: "declared",
            automatic: false,
            reopened: true,
            reopens: after.reopens,
            reason: data.reason,
          },
        },
      ],
    };
  });
}

/**
 * A stakeholder status update; `temporary` marks a temporary mitigation to roll back later,
 * `public` shows it on the public status page.
 */
export async function postUpdate(
  deps: ActionDeps,
  incidentId: string,
  input: { text: string; temporary?: boolean; public?: boolean; expectedVersion?: number },
  actor = currentActor(),
): Promise<Incident> {
  const data = validate(updateInputSchema, input);
  return mutate(deps, incidentId, data.expectedVersion, actor, (incident, now) => ({
    after: { ...incident, updatedAt: now.toISOString(), version: incident.version + 1 },
    drafts: [
      {
        kind: "incident.update_posted",
        summary: `${data.temporary ? "temporary mitigation" : "update"} from ${actor.name ?? actor.id}: ${data.text}`,
        data: { text: data.text, temporary: data.temporary, public: data.public },
      },
    ],
  }));
}

/** Assigns a role, handing it off from whoever held it. Assigning the current holder is a no-op. */
export interface RoleAssignment {
  role: (typeof ROLES)[number];
  personId: string;
  personName?: string;
}

/**
 * The incident after giving `role` to a person (a handoff when someone held it), with its
 * timeline draft; no draft when that person already holds it. Pure: the caller saves `after`
 * conditioned on `incident.version` (assignRole here, or the pager's first write, which assigns
 * the initial roles in the same transaction as the escalation).
 */
export function withRole(
  incident: Incident,
  assignment: RoleAssignment,
  actor: Actor,
  now: Date,
): { after: Incident; drafts: Draft[] } {
  const { role, personId, personName } = assignment;
  const previous = incident.roles?.[role];
  if (previous?.personId === personId) return { after: incident, drafts: [] };
  const at = now.toISOString();
  const holder = { personId, personName, assignedAt: at };
  const who = personName ?? personId;
  return {
    after: {
      ...incident,
      roles: { ...incident.roles, [role]: holder },
      updatedAt: at,
      version: incident.version + 1,
    },
    drafts: [
      {
        kind: "incident.role_assigned",
        summary: previous
          ? `${role.toUpperCase()} handed off from ${previous.personName ?? previous.personId} to ${who} by ${actor.name ?? actor.id}`
          : `${who} assigned as ${role.toUpperCase()} by ${actor.name ?? actor.id}`,
        data: {
          role,
          personId,
          personName,
          previous: previous
            ? { personId: previous.personId, personName: previous.personName, since: previous.assignedAt }
            : undefined,
        },
      },
    ],
  };
}

export async function assignRole(
  deps: ActionDeps,
  incidentId: string,
  input: {
    role: (typeof ROLES)[number];
    personId: string;
    personName?: string;
    expectedVersion?: number;
    page?: boolean;
  },
  actor = currentActor(),
): Promise<Incident> {
  const data = validate(roleInputSchema, input);
  const page = (data.page ?? data.role === "ic") && data.personId !== actor.id;
  return mutate(deps, incidentId, data.expectedVersion, actor, (incident, now) => {
    const change = withRole(incident, data, actor, now);
    if (!page || change.drafts.length === 0) return change;
    const who = data.personName ?? data.personId;
    const role = data.role.toUpperCase();
    const by = actor.name ?? actor.id;
    change.drafts.push({
      kind: "incident.responder_requested",
      summary: `${by} paged ${who}: assigned as ${role} of INC-${incident.number}`,
      data: {
        request: { type: "role", role: data.role, personId: data.personId },
        people: [{ personId: data.personId, name: who }],
        message: `you are now the ${role} (assigned by ${by})`,
      },
    });
    return change;
  });
}
