/**
 * PagerDuty escalation policies, services and teams → the directory's policies, services and teams.
 */

import type { TargetRef } from "../oncall/directory-types";
import {
  arr,
  type Collected,
  isObj,
  type Located,
  nameOf,
  num,
  type Obj,
  refId,
  short,
  show,
  str,
  uniqueId,
} from "./pagerduty-read";
import type { RotationPlan } from "./pagerduty-schedules";
import { type ImportBuilder, type PolicyDraft, slugId, type TeamDraft } from "./plan";

interface PolicyPlan {
  epId: string;
  draft: PolicyDraft;
  entry: { kind: string; id: string; file: string; name?: string };
  notes: string[];
  /** The rotations it pages (their schedule ids). */
  schedules: string[];
  pdTeams: string[];
}

function planPolicy(
  c: Collected,
  loc: Located<Obj>,
  epId: string,
  rotations: Map<string, RotationPlan>,
  people: Map<string, string>,
  policyId: () => string,
): PolicyPlan | { why: string[] } {
  const { value: ep, file, at } = loc;
  const notes: string[] = [];
  const levels: PolicyDraft["levels"] = [];
  const schedules: string[] = [];
  const rules = arr(ep.escalation_rules);
  if (!rules) return { why: [`${file}: ${at}.escalation_rules is ${show(ep.escalation_rules)}`] };
  for (const [i, rule] of rules.slice(0, 1000).entries()) {
    const rat = `${at}.escalation_rules[${i}]`;
    if (!isObj(rule)) {
      notes.push(`${file}: ${rat} is ${show(rule)}, not an escalation rule: level dropped`);
      continue;
    }
    const targets: TargetRef[] = [];
    const allTargets = arr(rule.targets) ?? [];
    if (allTargets.length > 1000)
      notes.push(`level ${i + 1}: only the first 1000 of ${allTargets.length} targets were read`);
    for (const [j, t] of (arr(rule.targets) ?? []).slice(0, 1000).entries()) {
      const tat = `${rat}.targets[${j}]`;
      const tid = isObj(t) ? str(t.id) : undefined;
      const type = isObj(t) ? str(t.type) : undefined;
      if (!tid || !type) {
        notes.push(`${file}: ${tat} is ${show(t)}, not a target reference: dropped`);
        continue;
      }
      if (type === "user_reference" || type === "user") {
        const pid = people.get(tid);
        if (pid) {
          if (!targets.some((x) => x.type === "person" && x.id === pid))
            targets.push({ type: "person", id: pid });
        } else
          notes.push(
            `level ${i + 1}: user ${tid} ${c.users.has(tid) ? "was not imported (see its entry)" : "was not exported"}: target dropped`,
          );
      } else if (type === "schedule_reference" || type === "schedule") {
        const plan = rotations.get(tid);
        if (plan) {
          if (!targets.some((x) => x.type === "rotation" && x.id === plan.rotation.id))
            targets.push({ type: "rotation", id: plan.rotation.id });
          schedules.push(tid);
        } else
          notes.push(
            `level ${i + 1}: schedule ${tid} ${c.schedules.has(tid) ? "was not mapped (see its entry)" : `was not exported (export GET /schedules/${tid})`}: target dropped`,
          );
      } else
        notes.push(
          `level ${i + 1}: a target of type "${short(type, 40)}" (${short(tid, 40)}) has no Firebreak equivalent: dropped`,
        );
    }
    const delay = num(rule.escalation_delay_in_minutes);
    let timeout = delay === undefined ? 30 : Math.round(delay);
    if (delay === undefined)
      notes.push(
        `${file}: ${rat}.escalation_delay_in_minutes is ${show(rule.escalation_delay_in_minutes)}: 30 minutes was used`,
      );
    else if (timeout < 1 || timeout > 1440) {
      const clamped = Math.min(1440, Math.max(1, timeout));
      notes.push(
        `level ${i + 1}: a delay of ${delay} minutes became ${clamped} (Firebreak's timeouts are 1 to 1440 minutes)`,
      );
      timeout = clamped;
    } else if (timeout !== delay)
      notes.push(`level ${i + 1}: a delay of ${delay} minutes was rounded to ${timeout}`);
    if (targets.length === 0) {
      notes.push(`level ${i + 1} has no target Firebreak can page: the level was dropped`);
      continue;
    }
    levels.push({ targets, timeoutMinutes: timeout });
  }
  if (rules.length > 1000) notes.push(`only the first 1000 of ${rules.length} escalation rules were read`);
  if (levels.length === 0)
    return {
      why: [
        `no level has a target Firebreak can page: a Firebreak policy needs at least one level`,
        ...notes,
      ],
    };
  const loops = num(ep.num_loops);
  let repeat = loops === undefined ? 0 : Math.round(loops);
  if (loops !== undefined && (repeat < 0 || repeat > 20)) {
    notes.push(
      `num_loops ${loops} became ${Math.min(20, Math.max(0, repeat))}: Firebreak repeats a policy 0 to 20 times`,
    );
    repeat = Math.min(20, Math.max(0, repeat));
  } else if (ep.num_loops !== undefined && loops === undefined)
    notes.push(`${file}: ${at}.num_loops is ${show(ep.num_loops)}: no repeats`);
  const fallback = levels[levels.length - 1]!.targets[0]!;
  notes.push(
    `PagerDuty has no fallback: the fallback (paged once after the last repeat) is the last level's first target, ${fallback.type} ${"id" in fallback ? fallback.id : ""}`,
  );
  const handoff = str(ep.on_call_handoff_notifications);
  if (handoff)
    notes.push(
      `on_call_handoff_notifications "${short(handoff, 30)}" is not imported: Firebreak announces handoffs its own way`,
    );
  const name = nameOf(ep);
  const id = policyId();
  return {
    epId,
    draft: { id, ...(name ? { name } : {}), levels, repeat, fallback },
    entry: { kind: "escalation policy", id: epId, file, ...(name ? { name } : {}) },
    notes,
    schedules,
    pdTeams: (arr(ep.teams) ?? []).map(refId).filter((t): t is string => !!t),
  };
}

export function buildDirectory(
  b: ImportBuilder,
  c: Collected,
  rotations: Map<string, RotationPlan>,
  people: Map<string, string>,
) {
  // Which services are usable, and which policies they use: teams are built from those.
  const serviceIds = new Set<string>();
  const policyIds = new Map<string, string>();
  const policyId = (epId: string, name: string | undefined) => () => {
    let id = policyIds.get(epId);
    if (!id) {
      id = uniqueId(b, "policy", name ?? epId, "policy");
      policyIds.set(epId, id);
    }
    return id;
  };

  const plan = (available: Map<string, RotationPlan>) => {
    const plans = new Map<string, PolicyPlan | { why: string[] }>();
    for (const [epId, loc] of c.policies)
      plans.set(epId, planPolicy(c, loc, epId, available, people, policyId(epId, nameOf(loc.value))));
    return plans;
  };

  // Teams: one per escalation policy used by a service.
  const teamServices = (plans: Map<string, PolicyPlan | { why: string[] }>) => {
    const used = new Map<string, Located<Obj>[]>();
    for (const loc of c.services.values()) {
      const epId = refId(loc.value.escalation_policy);
      const p = epId ? plans.get(epId) : undefined;
      if (epId && p && "draft" in p) used.set(epId, [...(used.get(epId) ?? []), loc]);
    }
    return used;
  };

  let available = rotations;
  let plans = plan(available);
  let used = teamServices(plans);
  if (used.size === 0 && rotations.size > 0) {
    // No team to hold any rotation: rotations cannot be imported, so policies are planned without them.
    available = new Map();
    plans = plan(available);
    used = teamServices(plans);
  }

  // Where each rotation lives: the team of the first policy that pages it, else the first team.
  const teams: { team: TeamDraft; epId: string; pdTeam?: string }[] = [];
  const pdTeamNames = new Map<string, string>();
  for (const [tid, loc] of c.teams) pdTeamNames.set(tid, nameOf(loc.value) ?? tid);
  for (const epId of used.keys()) {
    const p = plans.get(epId) as PolicyPlan;
    const pdTeam = p.pdTeams[0];
    const pdEp = c.policies.get(epId)!.value;
    const pdTeamRef = (arr(pdEp.teams) ?? []).find((t) => refId(t) === pdTeam);
    const teamName =
      (pdTeam
        ? (pdTeamNames.get(pdTeam) ?? (isObj(pdTeamRef) ? nameOf(pdTeamRef) : undefined))
        : undefined) ??
      p.draft.name ??
      epId;
    const id = uniqueId(b, "team", teamName, "team");
    teams.push({
      team: { id, name: teamName.trim() || id, services: [], rotations: [], escalationPolicy: p.draft.id },
      epId,
      ...(pdTeam ? { pdTeam } : {}),
    });
  }
  const teamOfEp = new Map(teams.map((t) => [t.epId, t]));
  const placed = new Map<string, (typeof teams)[number]>();
  for (const t of teams) {
    const p = plans.get(t.epId) as PolicyPlan;
    for (const sid of p.schedules) if (!placed.has(sid)) placed.set(sid, t);
  }
  // Rotations paged by policies that no team uses, then rotations nobody pages.
  for (const p of plans.values())
    if ("draft" in p)
      for (const sid of p.schedules) {
        if (placed.has(sid) || !available.has(sid)) continue;
        const t = teams.find((x) => x.pdTeam && available.get(sid)!.teams.includes(x.pdTeam)) ?? teams[0];
        if (t) placed.set(sid, t);
      }
  for (const [sid, r] of rotations) {
    const t = available.has(sid)
      ? (placed.get(sid) ?? teams.find((x) => x.pdTeam && r.teams.includes(x.pdTeam)) ?? teams[0])
      : undefined;
    if (!t) {
      // Rewrite the schedule's entry: nothing can hold its rotation.
      r.entry.outcome = "not mapped";
      r.entry.becomes = [];
      r.entry.notes.unshift(
        "no team was imported to hold its rotation: Firebreak rotations live inside a team, and teams are made from the escalation policies that services use (export GET /services and GET /escalation_policies)",
      );
      continue;
    }
    if (!placed.has(sid))
      r.entry.notes.push(
        `no imported service's escalation policy pages it: its rotation was put in team ${t.team.id}`,
      );
    if (r.entry.outcome === "mapped" && r.entry.notes.length > 0) r.entry.outcome = "partly mapped";
    t.team.rotations.push(r.rotation);
    r.entry.becomes = [`rotation ${r.rotation.id} (team ${t.team.id})`];
    b.ids.schedules[sid] = [r.rotation.id];
  }

  // Policies.
  for (const [epId, p] of plans) {
    const loc = c.policies.get(epId)!;
    const name = nameOf(loc.value);
    const entry = { kind: "escalation policy", id: epId, file: loc.file, ...(name ? { name } : {}) };
    if (!("draft" in p)) {
      b.notMapped(entry, p.why);
      continue;
    }
    b.directory.escalationPolicies.push(p.draft);
    const t = teamOfEp.get(epId);
    const becomes = [`escalation policy ${p.draft.id}`, ...(t ? [`team ${t.team.id}`] : [])];
    if (!t) p.notes.push("no imported service uses it: it is a named policy no team uses yet");
    b.mapped({ ...entry, becomes, notes: p.notes });
  }

  // Services.
  for (const [sid, loc] of c.services) {
    const s = loc.value;
    const name = nameOf(s);
    const entry = { kind: "service", id: sid, file: loc.file, ...(name ? { name } : {}) };
    const epId = refId(s.escalation_policy);
    const t = epId ? teamOfEp.get(epId) : undefined;
    if (!t) {
      const p = epId ? plans.get(epId) : undefined;
      b.notMapped(
        entry,
        !epId
          ? `${loc.file}: ${loc.at}.escalation_policy is ${show(s.escalation_policy)}: a Firebreak service is owned by the team its policy makes`
          : !c.policies.has(epId)
            ? `its escalation policy ${epId} was not exported (export GET /escalation_policies): nobody would be paged for it`
            : `its escalation policy ${epId} was not mapped (${p && "why" in p ? p.why[0] : "see its entry"})`,
      );
      continue;
    }
    let id = slugId(name ?? sid, "service");
    for (let n = 2; serviceIds.has(id); n++) id = `${slugId(name ?? sid, "service").slice(0, 56)}-${n}`;
    serviceIds.add(id);
    t.team.services.push(id);
    const notes: string[] = [];
    const status = str(s.status);
    if (status === "disabled")
      notes.push("the service is disabled in PagerDuty: in Firebreak its alarms will open incidents");
    const urgency = s.incident_urgency_rule;
    if (isObj(urgency)) {
      const type = str(urgency.type);
      if (type === "constant") {
        if (str(urgency.urgency) && urgency.urgency !== "high")
          notes.push(
            `its incident urgency rule (always ${short(str(urgency.urgency)!, 20)}) is not imported: Firebreak sets urgency by severity in the team's policy`,
          );
      } else if (type)
        notes.push(
          `its incident urgency rule (${short(type, 30)}${isObj(urgency.during_support_hours) ? `: ${str(urgency.during_support_hours.urgency) ?? "?"} during support hours, ${isObj(urgency.outside_support_hours) ? (str(urgency.outside_support_hours.urgency) ?? "?") : "?"} outside` : ""}) is not imported: Firebreak sets urgency by severity (a team's workingHours govern low-urgency SMS)`,
        );
    }
    if (isObj(s.support_hours)) {
      const sh = s.support_hours;
      notes.push(
        `its support hours (${str(sh.start_time)?.slice(0, 5) ?? "?"}–${str(sh.end_time)?.slice(0, 5) ?? "?"} ${str(sh.time_zone) ?? ""}, days ${(arr(sh.days_of_week) ?? []).join(",")}) are not imported: set the team's workingHours if they matter`,
      );
    }
    if (arr(s.scheduled_actions)?.length)
      notes.push("its scheduled actions are not imported: Firebreak has none");
    b.mapped({ ...entry, becomes: [`service ${id} (team ${t.team.id})`], notes });
  }

  // PagerDuty teams: reported as the Firebreak teams that carry them.
  for (const [tid, loc] of c.teams) {
    const name = nameOf(loc.value);
    const entry = { kind: "team", id: tid, file: loc.file, ...(name ? { name } : {}) };
    const carried = teams.filter((t) => t.pdTeam === tid);
    if (carried.length === 0) {
      b.notMapped(
        entry,
        "no service's escalation policy belongs to this team: Firebreak teams are made from the escalation policies that services use",
      );
      continue;
    }
    b.mapped({
      ...entry,
      becomes: carried.map((t) => `team ${t.team.id}`),
      notes:
        carried.length > 1
          ? [
              `its ${carried.length} escalation policies used by services each became a Firebreak team (a Firebreak team has one policy)`,
            ]
          : [],
    });
  }

  for (const t of teams) b.directory.teams.push(t.team);
}
