/**
 * Opsgenie escalations → the directory's escalation policies: an escalation's rules become levels
 * (rules of one delay are one level, its timeout the next delay minus its own), and which team owns
 * which escalation (the first one a team owns becomes its policy).
 */

import type { EscalationLevel, TargetRef } from "../oncall/directory-types";
import type { PersonOf } from "./opsgenie-people";
import { arr, type Collected, short, str } from "./opsgenie-read";
import type { Schedules } from "./opsgenie-schedules";
import { isObj, num, type Obj, uniqueId } from "./pagerduty-read";
import type { ImportBuilder, PolicyDraft } from "./plan";

const minutesOf = (delay: unknown): number | undefined => {
  if (!isObj(delay)) return num(delay);
  const amount = num(delay.timeAmount);
  if (amount === undefined || amount < 0) return undefined;
  const unit = str(delay.timeUnit) ?? "minutes";
  const factor = unit === "minutes" ? 1 : unit === "hours" ? 60 : unit === "days" ? 1440 : undefined;
  return factor === undefined ? undefined : amount * factor;
};

/** Levels of an escalation given which schedules have a home. */
interface Built {
  levels: EscalationLevel[];
  repeat: number;
  notes: string[];
}

/** Which team owns which escalation. */
export interface Ownership {
  teamByName: Map<string, string>;
  /** An escalation's owner team id (else the id it names, when that team is not exported). */
  ownerOf: (o: Obj) => string | undefined;
  /** Team id → the escalation that becomes its policy. */
  teamEscalation: Map<string, string>;
}

/** An escalation's rules → levels, its repeat → repeat; what does not map is noted. */
function buildPolicy(
  o: Obj,
  file: string,
  placed: (sid: string) => boolean,
  schedules: Schedules,
  personOf: PersonOf,
): Built {
  const notes: string[] = [];
  const byDelay = targetsByDelay(o, file, placed, schedules, personOf, notes);
  const delays = [...byDelay.keys()].sort((a, b2) => a - b2);
  if (delays.length > 0 && delays[0]! > 0)
    notes.push(
      `the first level waited ${delays[0]} min after the alert in Opsgenie; Firebreak pages the first level at once`,
    );
  const repeat = isObj(o.repeat) ? o.repeat : undefined;
  const wait = repeat ? num(repeat.waitInterval) : undefined;
  const levels: EscalationLevel[] = delays.map((d, i) => {
    let timeout: number;
    const next = delays[i + 1];
    if (next !== undefined) timeout = next - d;
    else if (wait !== undefined && wait > 0) {
      timeout = wait;
      notes.push(`the last level's timeout is the repeat wait interval (${wait} min)`);
    } else {
      timeout = 30;
      notes.push(
        "the last level's timeout is 30 min (Opsgenie has no next rule and no repeat wait interval)",
      );
    }
    if (timeout < 1 || timeout > 1440) {
      const clamped = Math.min(1440, Math.max(1, Math.round(timeout)));
      notes.push(`level ${i + 1}'s timeout ${timeout} min is clamped to ${clamped} (1..1440)`);
      timeout = clamped;
    } else if (!Number.isInteger(timeout)) timeout = Math.round(timeout);
    return { targets: byDelay.get(d)!, timeoutMinutes: timeout };
  });
  if (delays.length > 1 || (delays.length === 1 && wait !== undefined))
    notes.push(
      "levels come from rules with the same delay; each level's timeout is the next rule's delay minus its own",
    );
  let count = repeat ? (num(repeat.count) ?? 0) : 0;
  if (!Number.isInteger(count) || count < 0) {
    notes.push(`repeat count ${short(repeat?.count)} is not a whole number: 0 used`);
    count = 0;
  }
  if (count > 20) {
    notes.push(`repeat count ${count} is capped at 20`);
    count = 20;
  }
  if (repeat?.resetRecipientStates === true)
    notes.push("resetRecipientStates is not imported: Firebreak pages every level again on each repeat");
  if (repeat?.closeAlertAfterAll === true)
    notes.push(
      "closeAlertAfterAll is not imported: Firebreak pages the fallback, it does not close the incident",
    );
  return { levels, repeat: count, notes };
}

/** The targets Firebreak can page of every rule, by the rule's delay (minutes). */
function targetsByDelay(
  o: Obj,
  file: string,
  placed: (sid: string) => boolean,
  schedules: Schedules,
  personOf: PersonOf,
  notes: string[],
): Map<number, TargetRef[]> {
  const { candidates, scheduleByName } = schedules;
  const byDelay = new Map<number, TargetRef[]>();
  for (const [i, rule] of arr(o.rules).entries()) {
    if (!isObj(rule)) {
      notes.push(`${file}: rules[${i}] (${short(rule)}) is not a rule: dropped`);
      continue;
    }
    const delay = minutesOf(rule.delay);
    const rec = isObj(rule.recipient) ? rule.recipient : {};
    const label = `rule ${i + 1} (${str(rec.type) ?? "?"} ${str(rec.name) ?? str(rec.username) ?? str(rec.id) ?? ""})`;
    if (delay === undefined) {
      notes.push(`${file}: ${label}: delay ${short(rule.delay)} is not a time: dropped`);
      continue;
    }
    const cond = str(rule.condition) ?? "if-not-acked";
    if (cond === "if-not-closed")
      notes.push(
        `${label}: condition if-not-closed becomes if-not-acknowledged (Firebreak stops escalating at the acknowledgement)`,
      );
    const notify = str(rule.notifyType) ?? "default";
    const rtype = str(rec.type);
    const targets: TargetRef[] = [];
    if (rtype === "user") {
      const pid = personOf(rec);
      if (pid) targets.push({ type: "person", id: pid });
      else notes.push(`${label}: the user is not an exported, mapped user: dropped`);
    } else if (rtype === "schedule") {
      const sid = str(rec.id) ?? scheduleByName.get((str(rec.name) ?? "").toLowerCase());
      const c = sid ? candidates.get(sid) : undefined;
      if (notify !== "default")
        notes.push(
          `${label}: notifyType "${notify}" (the ${notify} on-call user) has no Firebreak equivalent: Firebreak pages who is on call now: dropped`,
        );
      else if (!c || !sid || !placed(sid))
        notes.push(`${label}: the schedule is not in the export or not mapped: dropped`);
      else if (c.rotations.length === 0) notes.push(`${label}: the schedule has no mapped rotation: dropped`);
      else for (const r of c.rotations) targets.push({ type: "rotation", id: r.id });
    } else if (rtype === "team")
      notes.push(
        `${label}: team recipients (notify ${notify}) are not imported: Opsgenie resolves them through the team's routing rules or members, a Firebreak level pages people or rotations: dropped`,
      );
    else
      notes.push(
        `${file}: ${label}: recipient type ${short(rec.type)} is not user, schedule or team: dropped`,
      );
    if (targets.length === 0) continue;
    const at = byDelay.get(delay) ?? [];
    for (const t of targets)
      if (!at.some((x) => x.type === t.type && "id" in x && "id" in t && x.id === t.id)) at.push(t);
    byDelay.set(delay, at);
  }
  return byDelay;
}

/** Which teams get a policy: the first escalation each team owns (by team id, else name). */
export function teamEscalations(read: Collected, schedules: Schedules, personOf: PersonOf): Ownership {
  const { teams, escalations } = read;
  const teamByName = new Map<string, string>();
  for (const [tid, { o }] of teams) {
    const n = str(o.name);
    if (n) teamByName.set(n.toLowerCase(), tid);
  }
  const ownerOf = (o: Obj): string | undefined => {
    const ot = isObj(o.ownerTeam) ? o.ownerTeam : undefined;
    if (!ot) return undefined;
    const id = str(ot.id);
    if (id && teams.has(id)) return id;
    const n = str(ot.name);
    return n ? teamByName.get(n.toLowerCase()) : id;
  };
  const teamEscalation = new Map<string, string>();
  for (const [eid, { o, file }] of escalations) {
    const owner = ownerOf(o);
    if (
      owner &&
      !teamEscalation.has(owner) &&
      buildPolicy(o, file, () => true, schedules, personOf).levels.length > 0
    )
      teamEscalation.set(owner, eid);
  }
  return { teamByName, ownerOf, teamEscalation };
}

/** Every escalation with a level Firebreak can page → a policy; escalation id → policy id. */
export function mapEscalations(
  b: ImportBuilder,
  read: Collected,
  schedules: Schedules,
  personOf: PersonOf,
  ownership: Ownership,
  placed: (sid: string) => boolean,
): Map<string, string> {
  const { teams, escalations, alsoIn } = read;
  const { ownerOf, teamEscalation } = ownership;
  const policyIdOfEscalation = new Map<string, string>();
  for (const [eid, { o, file }] of escalations) {
    const name = str(o.name) ?? eid;
    const built = buildPolicy(o, file, placed, schedules, personOf);
    const notes = [...alsoIn(o), ...built.notes];
    if (built.levels.length === 0) {
      b.notMapped({ kind: "escalation", id: eid, name, file }, [
        "no rule has a target Firebreak can page (see the other notes)",
        ...notes,
      ]);
      continue;
    }
    const last = built.levels[built.levels.length - 1]!;
    const fallback = last.targets[0]!;
    notes.push(
      `fallback (paged once after the repeats; Opsgenie has none) is the last level's first target, ${fallback.type} ${"id" in fallback ? fallback.id : ""}`,
    );
    const owner = ownerOf(o);
    if (!owner) notes.push("owned by no team in Opsgenie: a policy no team uses until you assign it");
    else if (!teams.has(owner))
      notes.push(
        `its owner team ${short(owner)} is not in the export: a policy no team uses until you assign it`,
      );
    else if (teamEscalation.get(owner) !== eid)
      notes.push(
        "its team already has an escalation as its policy (Firebreak teams have one): this one is kept as a policy nobody uses; the alert routing that chose it is not imported",
      );
    const policy: PolicyDraft = {
      id: uniqueId(b, "policy", name),
      name,
      levels: built.levels,
      repeat: built.repeat,
      fallback,
    };
    b.directory.escalationPolicies.push(policy);
    policyIdOfEscalation.set(eid, policy.id);
    b.mapped({ kind: "escalation", id: eid, name, file, becomes: [`escalation policy ${policy.id}`], notes });
  }
  return policyIdOfEscalation;
}
