/**
 * "Who do we contact for this incident?" Resolves a service to its owning team and the team's
 * escalation policy to people and topics at an instant, and proposes the initial incident roles.
 * Pure: the instant is an argument.
 *
 * A rotation target that puts nobody on call (an empty rotation, or before its start) resolves to
 * no one and is listed in the level's `unresolved` with the reason. A level left with no target has
 * `nobody` set; the escalation state machine (`paging/escalation.ts`) skips such levels, so when
 * every level is empty the fallback is paged at once (`fallsThrough: true` says so up front).
 */

import type { RoleHolder } from "../incident/model";
import type { Role } from "../incident/timeline";
import { indexDirectory, resolveOwner } from "./directory-index";
import type { Directory, EscalationPolicy, Person, TargetRef, Team } from "./directory-types";
import { onCallAt } from "./rotation";

export type ResolvedTarget =
  | {
      type: "person";
      person: Person;
      /** Set when the person came from a rotation. */
      rotationId?: string;
      /** Rotation shift or override. */
      source?: "rotation" | "override";
      /** When their shift (or override) ends. */
      until?: Date;
    }
  | { type: "topic"; arn: string };

export interface UnresolvedTarget {
  target: TargetRef;
  reason: string;
}

export interface ResolvedStep {
  /** Whom to page: people de-duplicated, in policy order. */
  targets: ResolvedTarget[];
  /** Targets that resolved to no one, with why. */
  unresolved: UnresolvedTarget[];
  /** Set when `targets` is empty: why nobody is reachable at this step. */
  nobody?: string;
}

export interface ResolvedLevel extends ResolvedStep {
  /** 1-based. */
  level: number;
  timeoutMinutes: number;
}

export type WhoIsOnCall =
  | {
      owned: true;
      team: Team;
      /** How the team was found: an account claim, the service, or the directory's defaultTeam. */
      via: "tag" | "account" | "service" | "default_team";
      policy: EscalationPolicy;
      levels: ResolvedLevel[];
      repeat: number;
      fallback: ResolvedStep;
      /** Every level is empty: paging goes straight to the fallback. */
      fallsThrough: boolean;
    }
  | { owned: false; team: null; reason: string; levels: []; fallback: null; fallsThrough: false };

function resolveTarget(
  directory: Directory,
  target: TargetRef,
  instant: Date,
): ResolvedTarget | UnresolvedTarget {
  const index = indexDirectory(directory);
  switch (target.type) {
    case "topic":
      return { type: "topic", arn: target.arn };
    case "person": {
      const person = index.people.get(target.id);
      return person ? { type: "person", person } : { target, reason: `unknown person "${target.id}"` };
    }
    case "rotation": {
      const entry = index.rotations.get(target.id);
      if (!entry) return { target, reason: `unknown rotation "${target.id}"` };
      const at = onCallAt(entry.rotation, index.people, instant);
      if (at.personId === null) {
        const next = at.until ? ` (next on call from ${at.until.toISOString()})` : "";
        return { target, reason: `rotation "${target.id}": ${at.reason}${next}` };
      }
      if (!at.person) return { target, reason: `rotation "${target.id}": unknown person "${at.personId}"` };
      return {
        type: "person",
        person: at.person,
        rotationId: target.id,
        source: at.source,
        until: at.shiftEnd,
      };
    }
  }
}

/** Resolves targets to people and topics at `instant`, de-duplicating people and topics. */
export function resolveTargets(
  directory: Directory,
  targets: readonly TargetRef[],
  instant: Date,
): ResolvedStep {
  const step: ResolvedStep = { targets: [], unresolved: [] };
  const seen = new Set<string>();
  for (const target of targets) {
    const resolved = resolveTarget(directory, target, instant);
    if ("reason" in resolved) {
      step.unresolved.push(resolved);
      continue;
    }
    const key = resolved.type === "person" ? `person:${resolved.person.id}` : `topic:${resolved.arn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    step.targets.push(resolved);
  }
  if (step.targets.length === 0) {
    step.nobody = step.unresolved.length > 0 ? step.unresolved.map((u) => u.reason).join("; ") : "no targets";
  }
  return step;
}

/**
 * Whom to contact for an incident on `service` (in `account`, when known) at `instant`: the owning
 * team, each escalation level resolved, and the fallback. An unowned service with no `defaultTeam`
 * gives `{ owned: false, reason }`.
 */
export function whoIsOnCall(
  directory: Directory,
  service: string,
  instant: Date,
  account?: string,
  team?: string,
): WhoIsOnCall {
  const owner = resolveOwner(directory, service, account, team);
  if (owner.team === null) {
    return {
      owned: false,
      team: null,
      reason: owner.reason,
      levels: [],
      fallback: null,
      fallsThrough: false,
    };
  }
  const policy = owner.team.escalationPolicy;
  const levels = policy.levels.map((level, i) => ({
    level: i + 1,
    timeoutMinutes: level.timeoutMinutes,
    ...resolveTargets(directory, level.targets, instant),
  }));
  return {
    owned: true,
    team: owner.team,
    via: owner.via,
    policy,
    levels,
    repeat: policy.repeat,
    fallback: resolveTargets(directory, [policy.fallback], instant),
    fallsThrough: levels.every((l) => l.targets.length === 0),
  };
}

export type RoleFlag =
  /** No team owns the service and there is no default team: nobody was assigned. */
  | "no_owner"
  /** The service is not owned; the directory's defaultTeam was used. */
  | "default_team"
  /** Level 1 has no person on call: no incident commander. */
  | "no_ic"
  /** Level 2 has no person on call: the IC also leads operations. */
  | "ops_is_ic"
  /** Neither level 1 nor level 2 has a person: no operations lead. */
  | "no_ops"
  /** The team has no comms rotation, or nobody is on it now. */
  | "comms_unassigned";

export interface InitialRoles {
  team: Team | null;
  ic?: Person;
  ops?: Person;
  comms?: Person;
  flags: RoleFlag[];
  /** One human line per flag, e.g. `comms: team "payments" has no comms rotation`. */
  notes: string[];
}

function firstPerson(level: ResolvedLevel | undefined, avoid?: Person): Person | undefined {
  const people = (level?.targets ?? []).flatMap((t) => (t.type === "person" ? [t.person] : []));
  return people.find((p) => p.id !== avoid?.id) ?? people[0];
}

/**
 * The roles an incident on `service` starts with:
 * - IC: the level-1 on-call person of the owning team's policy (the first person target);
 * - ops lead: the level-2 person (preferring one who is not the IC), or the IC when level 2 has
 *   nobody (flag `ops_is_ic`);
 * - comms lead: whoever is on the team's comms rotation; without one (or with nobody on it) the
 *   role stays unassigned (flag `comms_unassigned`).
 * An unowned service uses the directory's `defaultTeam` (flag `default_team`), else nobody is
 * assigned (flag `no_owner`, with the reason in `notes`).
 */
export function assignInitialRoles(
  directory: Directory,
  service: string,
  instant: Date,
  account?: string,
  team?: string,
): InitialRoles {
  const who = whoIsOnCall(directory, service, instant, account, team);
  if (!who.owned)
    return { team: null, flags: ["no_owner", "no_ic", "no_ops", "comms_unassigned"], notes: [who.reason] };

  const roles: InitialRoles = { team: who.team, flags: [], notes: [] };
  const flag = (f: RoleFlag, note: string) => {
    roles.flags.push(f);
    roles.notes.push(note);
  };
  if (who.via === "default_team")
    flag("default_team", `no team owns service "${service}": using the default team "${who.team.id}"`);

  const [level1, level2] = who.levels;
  const ic = firstPerson(level1);
  if (ic) roles.ic = ic;
  else flag("no_ic", `ic: nobody on call at level 1 (${level1?.nobody ?? "only topics"})`);

  const ops = firstPerson(level2, ic);
  if (ops) roles.ops = ops;
  else if (ic) {
    roles.ops = ic;
    flag(
      "ops_is_ic",
      `ops: nobody on call at level 2 (${level2?.nobody ?? "no level 2"}): the IC leads operations`,
    );
  } else flag("no_ops", "ops: nobody on call at level 1 or 2");

  const commsId = who.team.commsRotation;
  const commsRotation = commsId === undefined ? undefined : indexDirectory(directory).rotations.get(commsId);
  if (!commsRotation) {
    flag("comms_unassigned", `comms: team "${who.team.id}" has no comms rotation`);
  } else {
    const at = onCallAt(commsRotation.rotation, indexDirectory(directory).people, instant);
    if (at.personId !== null && at.person) roles.comms = at.person;
    else
      flag(
        "comms_unassigned",
        `comms: nobody on comms rotation "${commsId}" (${at.personId === null ? at.reason : "unknown person"})`,
      );
  }
  return roles;
}

/** The proposed roles as the incident's `roles` map (the caller records `incident.role_assigned`). */
export function toRoleHolders(roles: InitialRoles, assignedAt: string): Partial<Record<Role, RoleHolder>> {
  const out: Partial<Record<Role, RoleHolder>> = {};
  for (const role of ["ic", "ops", "comms"] as const) {
    const person = roles[role];
    if (person) out[role] = { personId: person.id, personName: person.name, assignedAt };
  }
  return out;
}
