/**
 * Incident Manager ESCALATION contacts → escalation policies (stages → levels), and what a contact
 * engaged by a stage or a response plan pages: a person, or the rotations of an on-call schedule.
 */

import type { TargetRef } from "../oncall/directory-types";
import { arnTail, arr, type Contacts, describeValue } from "./aws-incident-manager-read";
import { isObj, short, str } from "./pagerduty-read";
import type { ImportBuilder, PolicyDraft } from "./plan";

/** What an engaged contact ARN can become. */
export interface Engaged {
  contacts: Contacts;
  /** PERSONAL contact ARN → person id. */
  personOf: Map<string, string>;
  /** ONCALL_SCHEDULE contact ARN → rotation ids. */
  rotationsOf: Map<string, string[]>;
}

/** A contact's targets: its person, or its schedule's rotations; why not, in `notes`. */
export function targetsOf(e: Engaged, arn: string, notes: string[], where: string): TargetRef[] {
  const kind = e.contacts.kind.get(arn);
  if (kind === "PERSONAL") {
    const id = e.personOf.get(arn);
    if (id) return [{ type: "person", id }];
    notes.push(`${where}: contact ${e.contacts.label(arn)} was dropped: it was not mapped (see its entry)`);
  } else if (kind === "ONCALL_SCHEDULE") {
    const ids = e.rotationsOf.get(arn) ?? [];
    if (ids.length > 0) return ids.map((id) => ({ type: "rotation", id }));
    notes.push(
      `${where}: on-call schedule ${e.contacts.label(arn)} was dropped: none of its rotations was mapped`,
    );
  } else if (kind === "ESCALATION")
    notes.push(
      `${where}: escalation plan ${e.contacts.label(arn)} was dropped: a Firebreak level targets people and rotations, not another policy`,
    );
  else notes.push(`${where}: contact ${describeValue(arn)} was dropped: it was not exported (ListContacts)`);
  return [];
}

/** ESCALATION contacts → policies (stages → levels, no repeat); contact ARN → policy id. */
export function mapEscalationPlans(b: ImportBuilder, e: Engaged): Map<string, string> {
  const policyOf = new Map<string, string>();
  for (const [arn, found] of e.contacts.escalation) {
    const v = found.value;
    const alias = str(v.Alias) ?? arnTail(arn);
    const name = str(v.DisplayName) ?? alias;
    const entry = { kind: "contact (ESCALATION)", id: arn, name, file: found.file };
    if (!isObj(v.Plan)) {
      b.notMapped(entry, `${found.file}: no Plan.Stages (ListContacts omits the plan: export GetContact)`);
      continue;
    }
    const notes: string[] = [];
    const levels: PolicyDraft["levels"] = [];
    const stages = arr(v.Plan.Stages);
    for (let i = 0; i < stages.length; i++) {
      const level = stageLevel(e, stages[i], `stage ${i + 1}`, notes);
      if (level) levels.push(level);
    }
    const last = levels[levels.length - 1];
    if (!last) {
      b.notMapped(entry, notes.length > 0 ? notes : "Plan.Stages is empty");
      continue;
    }
    notes.push(
      "Incident Manager has no fallback after the last stage: the fallback is the last level's first target",
      "Incident Manager engages the stages once (no repeat): repeat is 0",
    );
    const id = b.uniqueId("policy", alias);
    b.directory.escalationPolicies.push({ id, name, levels, repeat: 0, fallback: last.targets[0]! });
    policyOf.set(arn, id);
    b.mapped({ ...entry, becomes: [`escalation policy ${id}`], notes });
  }
  return policyOf;
}

/** A stage → a level (its contacts' targets, its duration the timeout), or undefined (noted). */
function stageLevel(
  e: Engaged,
  s: unknown,
  where: string,
  notes: string[],
): PolicyDraft["levels"][number] | undefined {
  if (!isObj(s)) {
    notes.push(`${where} is not an object and was dropped`);
    return undefined;
  }
  const targets: TargetRef[] = [];
  for (const t of arr(s.Targets)) {
    if (!isObj(t)) continue;
    if (isObj(t.ContactTargetInfo)) {
      const ct = t.ContactTargetInfo;
      const id = str(ct.ContactId);
      if (!id) {
        notes.push(`${where}: a ContactTargetInfo without ContactId was dropped`);
        continue;
      }
      if (ct.IsEssential === true)
        notes.push(
          `${where}: ${e.contacts.label(id)} IsEssential (the engagement is not complete until they acknowledge): Firebreak stops at the first acknowledgement from anyone`,
        );
      for (const x of targetsOf(e, id, notes, where))
        if (!targets.some((y) => y.type === x.type && "id" in y && "id" in x && y.id === x.id))
          targets.push(x);
    } else if (isObj(t.ChannelTargetInfo)) {
      notes.push(
        `${where}: a single contact channel (${short(arnTail(String(t.ChannelTargetInfo.ContactChannelId ?? "?")), 40)}) was targeted; Firebreak targets people and rotations and pages every contact method, so it was dropped`,
      );
    } else
      notes.push(`${where}: a target that is neither ContactTargetInfo nor ChannelTargetInfo was dropped`);
  }
  if (targets.length === 0) {
    notes.push(`${where} has no target Firebreak can page and was dropped`);
    return undefined;
  }
  const raw = s.DurationInMinutes;
  let minutes = typeof raw === "number" && Number.isFinite(raw) ? Math.round(raw) : 1;
  if (typeof raw !== "number" || !Number.isFinite(raw))
    notes.push(`${where}: DurationInMinutes ${describeValue(raw)} is not a number: 1 minute was used`);
  else if (minutes < 1) {
    notes.push(
      `${where}: DurationInMinutes ${raw} (engage the next stage at once) became 1 minute, Firebreak's shortest level timeout`,
    );
    minutes = 1;
  } else if (minutes > 1440) {
    notes.push(`${where}: DurationInMinutes ${raw} became 1440, Firebreak's longest level timeout`);
    minutes = 1440;
  } else if (minutes !== raw) notes.push(`${where}: DurationInMinutes ${raw} was rounded to ${minutes}`);
  return { targets, timeoutMinutes: minutes };
}
