/**
 * Who is on call now, and next, per team and escalation level: `/incident oncall`,
 * `GET /api/oncall` and the dashboard's on-call page. Pure: the instant is an argument.
 */

import { resolveOwner } from "./directory-index";
import type { Directory, TargetRef, Team } from "./directory-types";
import { resolveTargets } from "./who";

export interface OnCallPerson {
  personId: string;
  name: string;
  /** When their shift (or override) ends; absent for a person named directly in the policy. */
  until?: string;
}

export interface LevelOnCall {
  level: number;
  now: OnCallPerson[];
  /** Who takes over when the first of `now`'s shifts ends, and from when. */
  next?: { from: string; people: OnCallPerson[] };
  /** Why nobody is on call at this level now. */
  nobody?: string;
}

export interface TeamOnCallOverview {
  id: string;
  name: string;
  services: string[];
  /** Its rotations and their members (who may override whom: shift-overrides.ts). */
  rotations: { id: string; name?: string; members: string[]; timezone: string }[];
  levels: LevelOnCall[];
  /** The escalation policy laid out: each level's targets and timeout, the repeats and the fallback. */
  policy: {
    id: string;
    name?: string;
    levels: { level: number; timeoutMinutes: number; targets: string[] }[];
    repeat: number;
    fallback: string;
  };
}

/** A target as people read it: a person's name, "rotation <id>", "SNS topic <name>". */
function targetLabel(directory: Directory, target: TargetRef): string {
  switch (target.type) {
    case "person":
      return directory.people.find((p) => p.id === target.id)?.name ?? target.id;
    case "rotation":
      return `rotation ${target.id}`;
    case "topic":
      return `SNS topic ${target.arn.split(":").pop() ?? target.arn}`;
  }
}

function people(directory: Directory, team: Team, level: number, at: Date) {
  const step = resolveTargets(directory, team.escalationPolicy.levels[level]?.targets ?? [], at);
  const found = step.targets.flatMap((t): OnCallPerson[] =>
    t.type === "person"
      ? [{ personId: t.person.id, name: t.person.name, ...(t.until ? { until: t.until.toISOString() } : {}) }]
      : [],
  );
  return { found, nobody: step.nobody };
}

/** Each team (or the team owning `service`, or the team `team`) with who is on call now and next. */
export function onCallOverview(
  directory: Directory,
  now: Date,
  filter: { service?: string; team?: string } = {},
): TeamOnCallOverview[] {
  let teams = directory.teams;
  if (filter.team) teams = teams.filter((t) => t.id === filter.team);
  if (filter.service) {
    const owner = resolveOwner(directory, filter.service).team;
    teams = owner ? [owner] : [];
  }
  return teams.map((team) => ({
    id: team.id,
    name: team.name,
    services: team.services.map((s) => s.id),
    rotations: team.rotations.map((r) => ({
      id: r.id,
      ...(r.name ? { name: r.name } : {}),
      members: [...new Set(r.members)],
      timezone: r.timezone,
    })),
    levels: team.escalationPolicy.levels.map((_, i) => {
      const current = people(directory, team, i, now);
      const ends = current.found.flatMap((p) => (p.until ? [p.until] : [])).sort()[0];
      const upcoming = ends ? people(directory, team, i, new Date(ends)).found : [];
      return {
        level: i + 1,
        now: current.found,
        ...(ends && upcoming.length ? { next: { from: ends, people: upcoming } } : {}),
        ...(current.found.length === 0 && current.nobody ? { nobody: current.nobody } : {}),
      };
    }),
    policy: {
      id: team.escalationPolicy.id,
      ...(team.escalationPolicy.name ? { name: team.escalationPolicy.name } : {}),
      levels: team.escalationPolicy.levels.map((l, i) => ({
        level: i + 1,
        timeoutMinutes: l.timeoutMinutes,
        targets: l.targets.map((t) => targetLabel(directory, t)),
      })),
      repeat: team.escalationPolicy.repeat,
      fallback: targetLabel(directory, team.escalationPolicy.fallback),
    },
  }));
}
