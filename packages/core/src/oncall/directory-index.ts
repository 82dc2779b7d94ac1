/**
 * Lookups in a parsed directory: people, rotations, teams and policies by id (indexed once per
 * directory), and which team owns a service in an account.
 */

import type { Directory, Person, Rotation, Team } from "./directory-types";

export interface DirectoryIndex {
  people: ReadonlyMap<string, Person>;
  teams: ReadonlyMap<string, Team>;
  rotations: ReadonlyMap<string, { rotation: Rotation; team: Team }>;
}

const indexes = new WeakMap<Directory, DirectoryIndex>();

/** Maps from id to entry (memoised per directory object; a directory is never mutated). */
export function indexDirectory(directory: Directory): DirectoryIndex {
  let index = indexes.get(directory);
  if (!index) {
    const rotations = new Map<string, { rotation: Rotation; team: Team }>();
    for (const team of directory.teams)
      for (const rotation of team.rotations) rotations.set(rotation.id, { rotation, team });
    index = {
      people: new Map(directory.people.map((p) => [p.id, p])),
      teams: new Map(directory.teams.map((t) => [t.id, t])),
      rotations,
    };
    indexes.set(directory, index);
  }
  return index;
}

export type Ownership =
  | {
      team: Team;
      /** tag: the alarm named the team (a `team` tag); account: an account-scoped claim matched; service: the team owns it everywhere (or is its only owner); default_team: nobody owns it. */
      via: "tag" | "account" | "service" | "default_team";
    }
  | { team: null; reason: string };

/**
 * Which team owns `service` (in `account`, when given): the team the alarm named (`team`, from a
 * `team` tag) when the directory has it, else the team claiming that account, else the team owning
 * the service everywhere, else — without an account — the single team claiming it in some
 * accounts, else the directory's `defaultTeam`, else nobody (with the reason).
 */
export function resolveOwner(
  directory: Directory,
  service: string,
  account?: string,
  team?: string,
): Ownership {
  const { teams } = indexDirectory(directory);
  const named = team === undefined ? undefined : teams.get(team);
  if (named) return { team: named, via: "tag" };
  let everywhere: Team | undefined;
  let byAccount: Team | undefined;
  const scopedOwners = new Set<Team>();
  for (const team of directory.teams) {
    for (const owned of team.services) {
      if (owned.id !== service) continue;
      if (!owned.accounts) everywhere = team;
      else {
        scopedOwners.add(team);
        if (account !== undefined && owned.accounts.includes(account)) byAccount = team;
      }
    }
  }
  if (byAccount) return { team: byAccount, via: "account" };
  if (everywhere) return { team: everywhere, via: "service" };
  const only = scopedOwners.size === 1 ? [...scopedOwners][0] : undefined;
  if (only && account === undefined) return { team: only, via: "service" };
  const fallback = directory.defaultTeam === undefined ? undefined : teams.get(directory.defaultTeam);
  if (fallback) return { team: fallback, via: "default_team" };
  const owners = [...scopedOwners].map((t) => `"${t.id}"`).join(", ");
  const reason =
    scopedOwners.size === 0
      ? `no team owns service "${service}" and the directory has no defaultTeam`
      : account === undefined
        ? `service "${service}" is owned per account (teams ${owners}) and no account was given; the directory has no defaultTeam`
        : `no team owns service "${service}" in account ${account} and the directory has no defaultTeam`;
  return { team: null, reason };
}
