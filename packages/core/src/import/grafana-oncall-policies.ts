/**
 * Grafana OnCall escalation policies (a chain's steps) → a Firebreak escalation policy: notify steps
 * form levels (consecutive notify steps with no wait between them are one level), a wait step's
 * duration is the timeout of the level before it, repeat_escalation → repeat 5 (Grafana repeats a
 * chain up to 5 times); other steps are reported as not mapped.
 */

import type { EscalationLevel, TargetRef } from "../oncall/directory-types";
import { type Item, nonEmpty, short, strings } from "./grafana-oncall-read";
import type { ScheduleMapping } from "./grafana-oncall-schedules";
import { num, type Obj } from "./pagerduty-read";
import type { ImportBuilder } from "./plan";

const DEFAULT_TIMEOUT_MINUTES = 30;
const GRAFANA_MAX_REPEATS = 5;

/** An escalation step's report entry. */
export type StepReport = { item: Item; becomes: string[]; notes: string[]; mapped: boolean };

const STEP_NOT_MAPPED: Record<string, string> = {
  notify_user_group:
    "notifying a Slack user group is not mapped: Firebreak pages people and rotations; list the group's members or its rotation on the level",
  notify_team_members:
    "notifying a Grafana team's members is not mapped: list the people or their rotation on the level",
  trigger_webhook:
    "triggering an outgoing webhook from the chain is not mapped: Firebreak's escalation pages people only",
  trigger_action:
    "triggering an outgoing webhook from the chain is not mapped: Firebreak's escalation pages people only",
  resolve:
    "resolving the alert group from the chain is not mapped: Firebreak never resolves an incident by itself",
  notify_whole_channel:
    "notifying the whole Slack channel is not mapped: Firebreak announces every incident in the team's alertChannel",
  notify_if_time_from_to:
    "a time-of-day condition is not mapped: Firebreak runs every level at any hour (urgency rules decide SMS by working hours)",
  notify_if_num_alerts_in_window:
    "an alert-count condition is not mapped: Firebreak escalates every incident",
  declare_incident: "declaring a Grafana Incident is not mapped: every Firebreak page is already an incident",
};

/** A chain's steps, in position order → levels, repeat and fallback, and each step's report entry. */
export function buildPolicy(
  steps: Item[],
  b: ImportBuilder,
  schedules: Map<string, ScheduleMapping>,
  personOf: (id: string) => string | undefined,
  knownUsers: Set<string>,
  policyId: string,
): {
  levels: EscalationLevel[];
  repeat: number;
  fallback?: TargetRef;
  notes: string[];
  scheduleIds: string[];
  steps: StepReport[];
} {
  void b;
  const notes: string[] = [];
  const out: StepReport[] = [];
  const levels: { targets: TargetRef[]; seconds?: number; steps: number[] }[] = [];
  const scheduleIds: string[] = [];
  let repeat = 0;
  let open: (typeof levels)[number] | undefined;
  let repeatSeen = false;
  const sorted = steps
    .map((s, i) => ({ s, i }))
    .sort((a, c) => (num(a.s.json.position) ?? a.i) - (num(c.s.json.position) ?? c.i) || a.i - c.i);
  for (const { s } of sorted) {
    const j = s.json;
    const type = nonEmpty(j.type) ?? "(none)";
    const r = { item: s, becomes: [] as string[], notes: [] as string[], mapped: false };
    out.push(r);
    if (repeatSeen) {
      r.notes.push("it comes after repeat_escalation, so Grafana never runs it");
      continue;
    }
    if (type === "wait") {
      const d = num(j.duration);
      if (d === undefined || d <= 0) {
        r.notes.push(`duration ${String(j.duration)} is not a number of seconds`);
        continue;
      }
      const last = levels[levels.length - 1];
      if (!last) {
        r.notes.push(
          "a wait before the first notification is not carried over: Firebreak pages its first level at once",
        );
        continue;
      }
      last.seconds = (last.seconds ?? 0) + d;
      open = undefined;
      r.mapped = true;
      r.becomes.push(`timeout of level ${levels.length} of policy ${policyId}`);
      continue;
    }
    if (type === "repeat_escalation") {
      repeat = GRAFANA_MAX_REPEATS;
      repeatSeen = true;
      r.mapped = true;
      r.becomes.push(`repeat ${GRAFANA_MAX_REPEATS} of policy ${policyId}`);
      r.notes.push(`Grafana repeats the chain from the start up to ${GRAFANA_MAX_REPEATS} times`);
      continue;
    }
    const targets = stepTargets(type, j, r.notes, schedules, personOf, knownUsers, scheduleIds);
    if (!targets) continue;
    if (j.important === true)
      r.notes.push(
        '"important" (use the users\' important notification rules) is not carried over: Firebreak has one set of contact methods',
      );
    if (targets.length === 0) {
      r.notes.push("nobody left to page: no level was made for it");
      continue;
    }
    if (!open) {
      open = { targets: [], steps: [] };
      levels.push(open);
    } else
      r.notes.push(
        `no wait before it: it joins level ${levels.length} (Grafana runs it right after the previous step)`,
      );
    for (const t of targets)
      if (!open.targets.some((x) => x.type === t.type && "id" in x && "id" in t && x.id === t.id))
        open.targets.push(t);
    r.mapped = true;
    r.becomes.push(`level ${levels.length} of policy ${policyId}`);
  }
  const final = levelTimeouts(levels, repeat, notes);
  const lastLevel = final[final.length - 1];
  const fallback = lastLevel?.targets[0];
  if (fallback)
    notes.push(
      `Grafana has no fallback: Firebreak's fallback (paged once after the last repeat) is the last level's first target, ${fallback.type} ${"id" in fallback ? fallback.id : ""}`,
    );
  if (final.length > 0 && sorted.every(({ s }) => s.json.type !== "repeat_escalation"))
    notes.push("no repeat_escalation step: the policy runs once (repeat 0)");
  return { levels: final, repeat, ...(fallback ? { fallback } : {}), notes, scheduleIds, steps: out };
}

/** A notify step's targets: its users' people or its schedule's rotations; undefined for another step. */
function stepTargets(
  type: string,
  j: Obj,
  notes: string[],
  schedules: Map<string, ScheduleMapping>,
  personOf: (id: string) => string | undefined,
  knownUsers: Set<string>,
  scheduleIds: string[],
): TargetRef[] | undefined {
  const targets: TargetRef[] = [];
  if (type === "notify_persons" || type === "notify_person_next_each_time") {
    const users = strings(
      type === "notify_persons" ? j.persons_to_notify : j.persons_to_notify_next_each_time,
    );
    for (const u of users) {
      const pid = personOf(u);
      if (pid) targets.push({ type: "person", id: pid });
      else
        notes.push(
          `user ${u} ${knownUsers.has(u) ? "could not be mapped" : "was not exported (GET /api/v1/users/)"}: dropped`,
        );
    }
    if (users.length === 0) notes.push("it names no user");
    if (type === "notify_person_next_each_time" && targets.length > 1)
      notes.push(
        "Grafana notifies the next of these users each time (round robin); Firebreak pages them all",
      );
  } else if (type === "notify_on_call_from_schedule") {
    const sid = nonEmpty(j.notify_on_call_from_schedule);
    const m = sid ? schedules.get(sid) : undefined;
    if (!sid) notes.push("it names no schedule");
    else if (!m) notes.push(`schedule ${sid} was not exported (GET /api/v1/schedules/): dropped`);
    else if (m.rotations.length === 0)
      notes.push(`schedule ${sid} is not mapped (see that schedule): dropped`);
    else {
      for (const x of m.rotations) targets.push({ type: "rotation", id: x.rotation.id });
      if (!scheduleIds.includes(sid)) scheduleIds.push(sid);
    }
  } else {
    notes.push(
      STEP_NOT_MAPPED[type] ?? `step type "${short(type)}" is not known to this importer: not mapped`,
    );
    return undefined;
  }
  return targets;
}

/** Each level's timeout: the waits after it, in whole minutes 1–1440 (30 when there is none). */
function levelTimeouts(
  levels: { targets: TargetRef[]; seconds?: number }[],
  repeat: number,
  notes: string[],
): EscalationLevel[] {
  return levels.map((l, i) => {
    let minutes: number;
    if (l.seconds === undefined) {
      minutes = DEFAULT_TIMEOUT_MINUTES;
      notes.push(
        `level ${i + 1} has no wait after it: its timeout is ${DEFAULT_TIMEOUT_MINUTES} minutes (Grafana ${i + 1 === levels.length ? (repeat > 0 ? "repeats at once" : "stops there") : "moves on at once"})`,
      );
    } else {
      minutes = Math.min(1440, Math.max(1, Math.round(l.seconds / 60)));
      if (minutes * 60 !== l.seconds)
        notes.push(
          `level ${i + 1}'s wait of ${l.seconds} s became ${minutes} minutes (Firebreak's timeouts are 1–1440 whole minutes)`,
        );
    }
    return { targets: l.targets, timeoutMinutes: minutes };
  });
}
