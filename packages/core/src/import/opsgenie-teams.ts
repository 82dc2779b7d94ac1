/**
 * Opsgenie teams and services → the directory's teams (each with the policy of the escalation it
 * owns) and their services; and where each schedule's rotations live (a Firebreak rotation is in a
 * team).
 */

import type { Ownership } from "./opsgenie-policies";
import { type Collected, objs, short, str } from "./opsgenie-read";
import type { Schedules } from "./opsgenie-schedules";
import { isObj, uniqueId } from "./pagerduty-read";
import { type ImportBuilder, slugId, type TeamDraft } from "./plan";

/** Where each schedule's rotations live (team id), and the note for a home that is not its owner. */
export interface Homes {
  home: Map<string, string>;
  homeNote: Map<string, string>;
}

/**
 * Where each schedule's rotations live: its owner team, else the first team whose escalation pages
 * it, else the first mapped team.
 */
export function placeSchedules(read: Collected, schedules: Schedules, ownership: Ownership): Homes {
  const { teams, escalations } = read;
  const { teamByName, teamEscalation } = ownership;
  const mappedTeams = [...teams.keys()].filter((t) => teamEscalation.has(t));
  const home = new Map<string, string>();
  const homeNote = new Map<string, string>();
  for (const [sid, c] of schedules.candidates) {
    const owner =
      c.ownerTeamId && teams.has(c.ownerTeamId)
        ? c.ownerTeamId
        : c.ownerTeamName
          ? teamByName.get(c.ownerTeamName.toLowerCase())
          : undefined;
    if (owner && teamEscalation.has(owner)) {
      home.set(sid, owner);
      continue;
    }
    const pager = mappedTeams.find((t) =>
      objs(escalations.get(teamEscalation.get(t)!)?.o.rules).some(
        (r) => isObj(r.recipient) && str(r.recipient.type) === "schedule" && str(r.recipient.id) === sid,
      ),
    );
    const chosen = pager ?? mappedTeams[0];
    if (chosen) {
      home.set(sid, chosen);
      homeNote.set(
        sid,
        `its owner team ${c.ownerTeamName ?? c.ownerTeamId ?? "(none)"} is not mapped: its rotations are placed in team ${chosen} (${pager ? "whose escalation pages it" : "the first mapped team"})`,
      );
    }
  }
  return { home, homeNote };
}

/** Teams whose escalation became a policy → teams; Opsgenie team id → the team. */
export function mapTeams(
  b: ImportBuilder,
  read: Collected,
  ownership: Ownership,
  policyIdOfEscalation: Map<string, string>,
): Map<string, TeamDraft> {
  const { teams, alsoIn } = read;
  const { teamEscalation } = ownership;
  const teamIdOf = new Map<string, TeamDraft>();
  for (const [tid, { o, file }] of teams) {
    const name = str(o.name) ?? tid;
    const notes = [...alsoIn(o)];
    const eid = teamEscalation.get(tid);
    const pid = eid ? policyIdOfEscalation.get(eid) : undefined;
    if (!pid) {
      b.notMapped({ kind: "team", id: tid, name, file }, [
        "no escalation owned by this team could be mapped: a Firebreak team needs an escalation policy (export GET /v2/escalations)",
        ...notes,
      ]);
      continue;
    }
    const members = objs(o.members);
    if (members.length > 0)
      notes.push(
        `team membership (${members.length} members, roles) is not imported: Firebreak teams have no member list; people are on call through rotations`,
      );
    const team: TeamDraft = {
      id: uniqueId(b, "team", name),
      name,
      services: [],
      rotations: [],
      escalationPolicy: pid,
    };
    b.directory.teams.push(team);
    teamIdOf.set(tid, team);
    b.mapped({ kind: "team", id: tid, name, file, becomes: [`team ${team.id}`], notes });
  }
  return teamIdOf;
}

/** Each schedule's rotations into its home team (a schedule with none is reported as not mapped). */
export function placeRotations(
  b: ImportBuilder,
  schedules: Schedules,
  homes: Homes,
  teamIdOf: Map<string, TeamDraft>,
): void {
  const { home, homeNote } = homes;
  for (const [sid, c] of schedules.candidates) {
    const team = teamIdOf.get(home.get(sid) ?? "");
    const notes = [...c.entry.notes];
    if (!team) {
      b.notMapped({ kind: "schedule", id: sid, name: c.entry.name, file: c.entry.file }, [
        "no team is mapped, and every Firebreak rotation lives in a team",
        ...notes,
      ]);
      continue;
    }
    if (c.rotations.length === 0) {
      b.notMapped({ kind: "schedule", id: sid, name: c.entry.name, file: c.entry.file }, [
        "none of its rotations could be mapped",
        ...notes,
      ]);
      continue;
    }
    const hn = homeNote.get(sid);
    if (hn) notes.push(hn);
    team.rotations.push(...c.rotations);
    b.ids.schedules[sid] = c.rotations.map((r) => r.id);
    b.mapped({
      kind: "schedule",
      id: sid,
      name: c.entry.name,
      file: c.entry.file,
      becomes: c.rotations.map((r) => `rotation ${r.id}`),
      notes,
    });
  }
}

/** v1 services → services of the team they belong to. */
export function mapServices(b: ImportBuilder, read: Collected, teamIdOf: Map<string, TeamDraft>): void {
  const { services, alsoIn } = read;
  const serviceIds = new Set<string>();
  for (const [svid, { o, file }] of services) {
    const name = str(o.name) ?? svid;
    const team = teamIdOf.get(str(o.teamId) ?? "");
    if (!team) {
      b.notMapped(
        { kind: "service", id: svid, name, file },
        `${file}: its team ${short(o.teamId)} is not mapped (a Firebreak service is owned by a team)`,
      );
      continue;
    }
    let id = slugId(name, "service");
    for (let n = 2; serviceIds.has(id); n++) id = `${slugId(name, "service").slice(0, 56)}-${n}`;
    serviceIds.add(id);
    team.services.push(id);
    b.mapped({
      kind: "service",
      id: svid,
      name,
      file,
      becomes: [`service ${id} of team ${team.id}`],
      notes: alsoIn(o),
    });
  }
}
