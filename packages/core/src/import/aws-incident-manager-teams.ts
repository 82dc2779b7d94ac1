/**
 * Incident Manager response plans → teams: each owns one service (the plan's name) and pages the
 * engaged escalation plan, or a one-level policy of the engaged contacts and schedules. Then every
 * rotation is placed in the team that pages it (else the first team).
 */

import type { TargetRef } from "../oncall/directory-types";
import { type Engaged, targetsOf } from "./aws-incident-manager-policies";
import { arnTail, arr, type Collected, describeValue } from "./aws-incident-manager-read";
import type { Rotations } from "./aws-incident-manager-rotations";
import { isObj, type Obj, str } from "./pagerduty-read";
import type { ImportBuilder, TeamDraft } from "./plan";

/** The teams made, and which team each rotation (by id) lives in. */
export interface Teams {
  /** Rotation id → the team that pages it at the lowest rank (escalation plan first, then level). */
  homeOf: Map<string, { team: TeamDraft; rank: number }>;
  /** Each team's report entry (written last). */
  entries: {
    team: TeamDraft;
    entry: { kind: string; id: string; name?: string; file: string };
    notes: string[];
  }[];
}

/** Response plans with a usable policy → teams, each with one service. */
export function mapResponsePlans(
  b: ImportBuilder,
  c: Collected,
  e: Engaged,
  policyOf: Map<string, string>,
): Teams {
  const homeOf: Teams["homeOf"] = new Map();
  const services = new Set<string>();
  const teamEntries: Teams["entries"] = [];
  for (const [arn, found] of c.plans) {
    const v = found.value;
    const planName = str(v.name) ?? arnTail(arn);
    const name = (str(v.displayName) ?? planName).trim() || planName.trim() || "Unnamed response plan";
    const entry = { kind: "response plan", id: arn, name, file: found.file };
    if (!Array.isArray(v.engagements)) {
      b.notMapped(
        entry,
        `${found.file}: no engagements (ListResponsePlans lists only names: export GetResponsePlan --arn ${arn})`,
      );
      continue;
    }
    const notes: string[] = [];
    const engaged = v.engagements.filter((x): x is string => typeof x === "string");
    const escalations = engaged.filter((x) => policyOf.has(x));
    let policyId: string | undefined;
    if (escalations.length > 0) {
      policyId = policyOf.get(escalations[0]!);
      const others = engaged.filter((x) => x !== escalations[0]);
      if (others.length > 0)
        notes.push(
          `engagements ${others.map(e.contacts.label).join(", ")} are engaged in parallel with ${e.contacts.label(escalations[0]!)} in AWS; a Firebreak team has one escalation policy (${policyId}), so they were not carried over`,
        );
    } else {
      const targets: TargetRef[] = [];
      for (const x of engaged) {
        if (e.contacts.kind.get(x) === "ESCALATION") {
          notes.push(`engaged escalation plan ${e.contacts.label(x)} was not mapped (see its entry)`);
          continue;
        }
        for (const t of targetsOf(e, x, notes, "engagements"))
          if (!targets.some((y) => "id" in y && "id" in t && y.type === t.type && y.id === t.id))
            targets.push(t);
      }
      if (targets.length > 0) {
        policyId = b.uniqueId("policy", `${planName}-engagements`);
        b.directory.escalationPolicies.push({
          id: policyId,
          name: `${name} engagements`,
          levels: [{ targets, timeoutMinutes: 15 }],
          repeat: 0,
          fallback: targets[0]!,
        });
        notes.push(
          `its engaged contacts and schedules became a one-level policy ${policyId}; AWS engages them once with no timeout, Firebreak needs one: 15 minutes, then the fallback (the first target)`,
        );
      }
    }
    if (!policyId) {
      b.notMapped(entry, [
        "no usable escalation policy: none of its engagements could be mapped (a Firebreak team needs a policy)",
        ...notes,
      ]);
      continue;
    }
    templateNotes(v, notes);
    const teamId = b.uniqueId("team", planName);
    let service = teamId;
    for (let k = 2; services.has(service); k++) service = `${teamId.slice(0, 56)}-${k}`;
    services.add(service);
    const team: TeamDraft = {
      id: teamId,
      name,
      services: [service],
      rotations: [],
      escalationPolicy: policyId,
    };
    b.directory.teams.push(team);
    // The rotations the team pages live in it: the team that pages it through an escalation plan
    // (rather than a policy made of its direct engagements), at the earliest level, owns it.
    const policy = b.directory.escalationPolicies.find((p) => p.id === policyId);
    const levels = policy?.levels ?? [];
    for (let i = 0; i < levels.length; i++)
      for (const t of levels[i]!.targets) {
        if (t.type !== "rotation") continue;
        const rank = (escalations.length > 0 ? 0 : 1000) + i;
        const old = homeOf.get(t.id);
        if (!old || rank < old.rank) homeOf.set(t.id, { team, rank });
      }
    teamEntries.push({ team, entry, notes });
  }
  return { homeOf, entries: teamEntries };
}

/** What a response plan does beyond paging, none of it carried over. */
function templateNotes(v: Obj, notes: string[]): void {
  const tpl = isObj(v.incidentTemplate) ? v.incidentTemplate : {};
  if (tpl.impact !== undefined)
    notes.push(
      `incidentTemplate.impact ${describeValue(tpl.impact)} is not carried over: a Firebreak incident's severity comes from the alarm`,
    );
  if (str(tpl.title) || str(tpl.summary))
    notes.push(
      "incidentTemplate title/summary are not carried over: Firebreak titles incidents from the alarm",
    );
  if (arr(tpl.notificationTargets).length > 0)
    notes.push(
      "incidentTemplate.notificationTargets (SNS topics told of incident updates) are not carried over: Firebreak announces incidents in the team's Slack channel",
    );
  if (isObj(tpl.incidentTags) && Object.keys(tpl.incidentTags).length > 0)
    notes.push("incidentTemplate.incidentTags are not carried over: Firebreak incidents have no tags");
  if (str(tpl.dedupeString))
    notes.push(
      "incidentTemplate.dedupeString is not carried over: Firebreak groups alarms by the team's grouping",
    );
  if (isObj(v.chatChannel) && arr(v.chatChannel.chatbotSns).length > 0)
    notes.push(
      "chatChannel (AWS Chatbot SNS topics) is not carried over: set the team's alertChannel (a Slack channel id) by hand",
    );
  if (arr(v.actions).length > 0)
    notes.push(
      "actions (SSM Automation runbooks started with the incident) are not carried over: Firebreak does not run runbooks",
    );
  if (arr(v.integrations).length > 0)
    notes.push("integrations (e.g. PagerDuty) are not carried over: Firebreak is the paging tool");
}

/**
 * Rotations into teams (the one that pages them, else the first); with no team at all, rotations are
 * not mapped and policies lose their rotation targets (reported on their entries).
 */
export function placeRotations(b: ImportBuilder, rotations: Rotations, teams: Teams): void {
  const { homeOf } = teams;
  const firstTeam = b.directory.teams[0];
  for (const p of rotations.plans.values()) {
    const entry = { kind: "rotation", id: p.arn, name: p.name, file: p.file };
    const home = homeOf.get(p.rotation.id)?.team ?? firstTeam;
    if (!home) {
      b.notMapped(entry, [
        "no response plan was mapped to a team, and every Firebreak rotation lives in a team",
        ...p.notes,
      ]);
      delete b.ids.schedules[p.arn];
      for (const [s, ids] of Object.entries(b.ids.schedules)) {
        const left = ids.filter((id) => id !== p.rotation.id);
        if (left.length > 0) b.ids.schedules[s] = left;
        else delete b.ids.schedules[s];
      }
      continue;
    }
    if (!homeOf.has(p.rotation.id))
      p.notes.push(
        `no imported escalation policy pages it: it was placed in team ${home.id} (the first team); nobody is paged from it until a policy targets it`,
      );
    home.rotations.push(p.rotation);
    b.mapped({ ...entry, becomes: [`rotation ${p.rotation.id} (team ${home.id})`], notes: p.notes });
  }
  for (const [arn, r] of rotations.notMapped)
    b.notMapped({ kind: "rotation", id: arn, name: r.name, file: r.file }, r.why);
  // An override of an unmapped rotation may reference it; the overrides were reported above.
  if (!firstTeam) {
    // No team: rotations were not mapped, so policies may not target them. Drop such targets.
    for (const pol of b.directory.escalationPolicies) {
      for (const level of pol.levels) level.targets = level.targets.filter((t) => t.type !== "rotation");
      pol.levels = pol.levels.filter((l) => l.targets.length > 0);
    }
    const gone = b.directory.escalationPolicies.filter((p) => p.levels.length === 0).map((p) => p.id);
    b.directory.escalationPolicies = b.directory.escalationPolicies.filter((p) => p.levels.length > 0);
    for (const pol of b.directory.escalationPolicies)
      if (pol.fallback.type === "rotation") pol.fallback = pol.levels[pol.levels.length - 1]!.targets[0]!;
    for (const e of b.report)
      if (e.becomes.some((x) => x.startsWith("escalation policy ")))
        e.notes.push(
          gone.some((g) => e.becomes.includes(`escalation policy ${g}`))
            ? "REMOVED: all its targets were rotations, and no rotation could be placed in a team"
            : "its rotation targets were dropped: no rotation could be placed in a team",
        );
    for (const e of b.report)
      if (e.becomes.some((x) => x.startsWith("override in rotation "))) {
        e.outcome = "not mapped";
        e.becomes = [];
        e.notes.push("its rotation could not be placed in a team (no response plan was mapped)");
      } else if (gone.some((g) => e.becomes.includes(`escalation policy ${g}`))) {
        e.outcome = "not mapped";
        e.becomes = [];
      } else if (e.becomes.some((x) => x.startsWith("escalation policy ")) && e.outcome === "mapped")
        e.outcome = "partly mapped";
  }
}

/** The teams' report entries. */
export function reportTeams(b: ImportBuilder, teams: Teams): void {
  for (const t of teams.entries)
    b.mapped({
      ...t.entry,
      becomes: [`team ${t.team.id}`, `service ${String(t.team.services[0])}`],
      notes: t.notes,
    });
}
