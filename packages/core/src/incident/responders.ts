/**
 * Pulling people into an incident: page a person of the on-call directory, or a team's current
 * on-call, with an optional message. The `incident.responder_requested` entry names the people
 * (never their contact details); the pager consumes it and pages each of them once, on their own
 * channels, with the incident's context (paging/service.ts). The API, Slack and the dashboard
 * call `requestResponders`; `responderRequestSchema` is their one parser.
 */

import { systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, ValidationError } from "@firebreak/core/shared/errors";
import { validate } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import type { Directory, Person } from "../oncall/directory-types";
import { resolveTargets } from "../oncall/who";
import { type ActionDeps, IncidentResolvedError, mutate } from "./actions";
import { oneLineText } from "./inputs";
import type { Actor, Incident } from "./model";

export const responderRequestSchema = z
  .strictObject({
    personId: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
    team: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
    message: z.optional(
      z.string().check(oneLineText(), z.trim(), z.maxLength(500, "at most 500 characters")),
    ),
  })
  .check(
    z.refine((r) => (r.personId === undefined) !== (r.team === undefined), {
      message: "give exactly one of personId (a person of the directory) and team (its current on-call)",
      path: ["personId"],
    }),
  );
export type ResponderRequest = z.input<typeof responderRequestSchema>;

export interface ResponderDeps extends ActionDeps {
  /** The on-call directory (who the people are, who is on call for a team). */
  directory: () => Promise<Directory | undefined>;
}

export interface RequestedPerson {
  personId: string;
  name: string;
}

/** The people a request names, at `now`: the person, or the team's first level with anyone on call. */
export function responderPeople(
  directory: Directory,
  request: { personId?: string; team?: string },
  now: Date,
) {
  if (request.personId !== undefined) {
    const id = request.personId;
    const person = directory.people.find((p) => p.id === id || p.slackUserId === id || p.email === id);
    if (!person) {
      const message = `unknown person "${id.slice(0, 64)}" (see GET /api/people)`;
      throw new ValidationError(`invalid request: personId: ${message}`, [{ path: "personId", message }]);
    }
    return { people: [person], via: undefined };
  }
  const teamId = request.team ?? "";
  const team = directory.teams.find((t) => t.id === teamId);
  if (!team) {
    const known = directory.teams.map((t) => t.id).join(", ");
    const message = `unknown team "${teamId.slice(0, 64)}" (the directory's teams: ${known || "none"})`;
    throw new ValidationError(`invalid request: team: ${message}`, [{ path: "team", message }]);
  }
  const reasons: string[] = [];
  for (const [i, level] of team.escalationPolicy.levels.entries()) {
    const step = resolveTargets(directory, level.targets, now);
    const people = step.targets.flatMap((t): Person[] => (t.type === "person" ? [t.person] : []));
    if (people.length > 0) return { people, via: { team: team.id, level: i + 1 } };
    reasons.push(`level ${i + 1}: ${step.nobody ?? "only topics"}`);
  }
  const message = `team ${team.id} has nobody on call now (${reasons.join("; ")})`;
  throw new ValidationError(`invalid request: team: ${message}`, [{ path: "team", message }]);
}

/**
 * Pages a person, or a team's current on-call, into an open incident (409 once it is resolved).
 * Each request is its own entry: asking again pages again.
 */
export async function requestResponders(
  deps: ResponderDeps,
  incidentId: string,
  input: ResponderRequest,
  actor: Actor,
): Promise<{ incident: Incident; people: RequestedPerson[] }> {
  const data = validate(responderRequestSchema, input);
  const directory = await deps.directory();
  if (!directory)
    throw new FirebreakError(
      "paging_not_configured",
      "there is no on-call directory: nobody can be paged in",
    );
  const now = (deps.clock ?? systemClock).now();
  const { people, via } = responderPeople(directory, data, now);
  const named: RequestedPerson[] = people.map((p) => ({ personId: p.id, name: p.name }));
  const names = named.map((p) => p.name).join(", ");
  const incident = await mutate(deps, incidentId, undefined, actor, (before, at) => {
    if (before.status === "resolved")
      throw new IncidentResolvedError(before.number, "nobody is paged into a resolved incident");
    return {
      after: { ...before, updatedAt: at.toISOString(), version: before.version + 1 },
      drafts: [
        {
          kind: "incident.responder_requested",
          summary: `${actor.name ?? actor.id} paged ${names}${via ? ` (team ${via.team}'s on-call)` : ""} into INC-${before.number}${data.message ? `: ${data.message}` : ""}`,
          data: {
            request:
              data.personId !== undefined
                ? { type: "person", personId: named[0]!.personId }
                : { type: "team", team: via?.team },
            people: named,
            ...(data.message ? { message: data.message } : {}),
          },
        },
      ],
    };
  });
  return { incident, people: named };
}

/** Each team's current on-call (whom `{ team }` pages now), or why nobody: hints for the pickers. */
export function teamsOnCall(directory: Directory, now: Date) {
  return directory.teams.map((team) => {
    try {
      const { people } = responderPeople(directory, { team: team.id }, now);
      return { id: team.id, name: team.name, onCall: people.map((p) => ({ personId: p.id, name: p.name })) };
    } catch (error) {
      const reason =
        error instanceof ValidationError ? (error.issues[0]?.message ?? error.message) : String(error);
      return { id: team.id, name: team.name, onCall: [], nobody: reason };
    }
  });
}

export const escalationRequestSchema = z.strictObject({
  mode: z._default(z.enum(["next", "repage"]), "next"),
  reason: z.optional(z.string().check(oneLineText(), z.trim(), z.maxLength(500, "at most 500 characters"))),
});
export type EscalationRequest = z.input<typeof escalationRequestSchema>;

/**
 * "Escalate now" (`next`: the policy's next level, at once, even after an acknowledgement) or
 * "re-page" (`repage`: the level paged last, again). The pager carries it out once, on the
 * `incident.escalation_requested` entry, and says what it paged (or that nothing was left).
 */
export async function requestEscalation(
  deps: ActionDeps,
  incidentId: string,
  input: EscalationRequest,
  actor: Actor,
): Promise<Incident> {
  const data = validate(escalationRequestSchema, input);
  return mutate(deps, incidentId, undefined, actor, (before, at) => {
    if (before.status === "resolved")
      throw new IncidentResolvedError(before.number, "a resolved incident pages nobody");
    const what = data.mode === "repage" ? "to page the current level again" : "to escalate now";
    return {
      after: { ...before, updatedAt: at.toISOString(), version: before.version + 1 },
      drafts: [
        {
          kind: "incident.escalation_requested",
          summary: `${actor.name ?? actor.id} asked ${what}${data.reason ? `: ${data.reason}` : ""}`,
          data: { mode: data.mode, ...(data.reason ? { reason: data.reason } : {}) },
        },
      ],
    };
  });
}
