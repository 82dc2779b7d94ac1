/**
 * Grafana OnCall schedules → rotations: each mappable layer of a schedule (see grafana-oncall-shifts.ts)
 * becomes a rotation, its overrides and single events overrides on them; a schedule's rotations are
 * put in a team once the teams are known.
 */

import type { Rotation } from "../oncall/directory-types";
import type { People } from "./grafana-oncall-people";
import { type Item, type Kind, nameOf, nonEmpty, short, strings, utcInstant } from "./grafana-oncall-read";
import { mapLayer, mapOverride } from "./grafana-oncall-shifts";
import type { TeamBuild } from "./grafana-oncall-teams";
import { isObj, num } from "./pagerduty-read";
import type { ImportBuilder } from "./plan";

export interface ScheduleMapping {
  shiftIds: string[];
  rotations: { rotation: Rotation; shiftId: string }[];
  notes: string[];
  grafanaTeam?: string;
  team?: string;
  failed?: boolean;
  /** Writes the report entries of the schedule and its shifts (once placement is known). */
  report: () => void;
}

/** Schedules and their on-call shifts → rotations (placed in teams once the teams are known). */
export function mapSchedules(
  b: ImportBuilder,
  list: (k: Kind) => Item[],
  people: People,
): Map<string, ScheduleMapping> {
  const { knownUsers, personOf } = people;
  const shifts = new Map(list("on-call shift").map((s) => [s.id, s]));
  const shiftSchedule = new Map<string, string>(); // shift id → schedule id
  for (const s of list("schedule"))
    for (const shiftId of strings(s.json.shifts))
      if (!shiftSchedule.has(shiftId)) shiftSchedule.set(shiftId, s.id);
  for (const s of shifts.values()) {
    const sched = nonEmpty(s.json.schedule);
    if (sched && !shiftSchedule.has(s.id)) shiftSchedule.set(s.id, sched);
  }
  const schedules = new Map<string, ScheduleMapping>();
  const shiftDone = new Set<string>();
  for (const s of list("schedule")) {
    const m = mapSchedule(b, s, shifts, shiftSchedule, knownUsers, personOf);
    schedules.set(s.id, m);
    for (const id of m.shiftIds) shiftDone.add(id);
    if (m.rotations.length > 0) b.ids.schedules[s.id] = m.rotations.map((r) => r.rotation.id);
  }
  // Shifts no exported schedule claims.
  for (const s of shifts.values()) {
    if (shiftDone.has(s.id)) continue;
    const sched = shiftSchedule.get(s.id);
    b.notMapped(
      { kind: "on-call shift", id: s.id, file: s.file, ...nameOf(s.json) },
      sched
        ? `its schedule ${sched} was not exported (no schedule with that id in the files): export GET /api/v1/schedules/`
        : "no exported schedule lists it (schedule.shifts) and it names no schedule: a shift outside a schedule pages nobody",
    );
  }
  return schedules;
}

/**
 * Rotations into teams: the first team whose policy pages the schedule, else the team of the same
 * Grafana team, else the first team. Then every schedule's report entries are written.
 */
export function placeRotations(
  b: ImportBuilder,
  schedules: Map<string, ScheduleMapping>,
  teams: TeamBuild[],
): void {
  for (const [scheduleId, m] of schedules) {
    if (m.rotations.length === 0) continue;
    const placed =
      teams.find((t) => t.scheduleIds.includes(scheduleId)) ??
      teams.find((t) => m.grafanaTeam !== undefined && t.grafanaTeam === m.grafanaTeam) ??
      teams[0];
    if (!placed) {
      m.notes.push(
        "no team was made (no escalation chain could be mapped), and a Firebreak rotation lives inside a team",
      );
      delete b.ids.schedules[scheduleId];
      m.failed = true;
      continue;
    }
    if (!placed.scheduleIds.includes(scheduleId))
      m.notes.push(
        `no mapped escalation chain pages this schedule: its rotations were put in team ${placed.team.id}`,
      );
    for (const r of m.rotations) placed.team.rotations.push(r.rotation);
    m.team = placed.team.id;
  }
  for (const m of schedules.values()) m.report();
}

/** One schedule → its rotations and overrides; its report entries wait for `placeRotations`. */
function mapSchedule(
  b: ImportBuilder,
  s: Item,
  shifts: Map<string, Item>,
  shiftSchedule: Map<string, string>,
  knownUsers: Set<string>,
  personOf: (id: string) => string | undefined,
): ScheduleMapping {
  const j = s.json;
  const name = nonEmpty(j.name) ?? s.id;
  const type = nonEmpty(j.type);
  const scheduleZone = nonEmpty(j.time_zone);
  const notes: string[] = [];
  const grafanaTeam = nonEmpty(j.team_id);
  const shiftIds = [...new Set([...shiftSchedule].filter(([, sid]) => sid === s.id).map(([id]) => id))];
  const listed = strings(j.shifts);
  const missing = listed.filter((id) => !shifts.has(id));
  const own = shiftIds.filter((id) => shifts.has(id)).map((id) => shifts.get(id)!);
  const m: ScheduleMapping = { shiftIds: own.map((x) => x.id), rotations: [], notes, report: () => {} };
  if (grafanaTeam) m.grafanaTeam = grafanaTeam;
  const entry = { kind: "schedule", id: s.id, name: short(name, 120), file: s.file };
  const shiftReports: (() => void)[] = [];

  if (type === "ical") {
    m.report = () => {
      b.notMapped(entry, [
        "an iCal schedule: its shifts live in an external calendar (ical_url_primary) that the API does not return; recreate it as a rotation, or export its final shifts and compare with `firebreak import verify`",
      ]);
      for (const sh of own)
        b.notMapped(
          { kind: "on-call shift", id: sh.id, file: sh.file, ...nameOf(sh.json) },
          `its schedule ${s.id} is an iCal schedule, which is not mapped`,
        );
    };
    return m;
  }
  if (missing.length > 0)
    notes.push(
      `shifts ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ` and ${missing.length - 10} more` : ""} are listed but were not exported (GET /api/v1/on_call_shifts/): not imported`,
    );
  if (nonEmpty(j.ical_url_overrides))
    notes.push(
      "overrides from the external calendar ical_url_overrides are not imported (the API does not return them)",
    );
  if (isObj(j.slack) && (nonEmpty(j.slack.channel_id) || nonEmpty(j.slack.user_group_id)))
    notes.push("its Slack channel and user group updates are not carried over");

  // Layers first, in level order; overrides after.
  const layers = own
    .filter((x) => x.json.type === "rolling_users" || x.json.type === "recurrent_event")
    .sort((a, c) => (num(a.json.level) ?? 0) - (num(c.json.level) ?? 0));
  const mappedLayers: { item: Item; notes: string[] }[] = [];
  for (const layer of layers) {
    const r = mapLayer(b, layer, name, scheduleZone, layers.length, knownUsers, personOf);
    if ("why" in r) {
      shiftReports.push(() =>
        b.notMapped({ kind: "on-call shift", id: layer.id, file: layer.file, ...nameOf(layer.json) }, r.why),
      );
      continue;
    }
    m.rotations.push({ rotation: r.rotation, shiftId: layer.id });
    mappedLayers.push({ item: layer, notes: r.notes });
  }
  if (m.rotations.length > 1)
    notes.push(
      `its ${m.rotations.length} layers became ${m.rotations.length} rotations: where layers overlap Grafana puts only the highest level on call, Firebreak pages every rotation a policy names`,
    );
  for (const { item, notes: n } of mappedLayers) {
    const rot = m.rotations.find((r) => r.shiftId === item.id)!.rotation;
    shiftReports.push(() =>
      m.failed
        ? b.notMapped(
            { kind: "on-call shift", id: item.id, file: item.file, ...nameOf(item.json) },
            `its schedule ${s.id} could not be placed in a team`,
          )
        : b.mapped({
            kind: "on-call shift",
            id: item.id,
            file: item.file,
            ...nameOf(item.json),
            becomes: [`rotation ${rot.id}`],
            notes: n,
          }),
    );
  }

  // Overrides and single events.
  const others = own
    .filter((x) => x.json.type !== "rolling_users" && x.json.type !== "recurrent_event")
    .sort((a, c) => (utcInstant(a.json.start) ?? "").localeCompare(utcInstant(c.json.start) ?? ""));
  for (const o of others) {
    const e = { kind: "on-call shift", id: o.id, file: o.file, ...nameOf(o.json) };
    const r = mapOverride(o, knownUsers, personOf);
    if ("why" in r) {
      shiftReports.push(() => b.notMapped(e, r.why));
      continue;
    }
    if (m.rotations.length === 0) {
      shiftReports.push(() =>
        b.notMapped(e, `its schedule ${s.id} has no mapped rotation to put the override on`),
      );
      continue;
    }
    for (const { rotation } of m.rotations) rotation.overrides.push(r.override);
    shiftReports.push(() =>
      m.failed
        ? b.notMapped(e, `its schedule ${s.id} could not be placed in a team`)
        : b.mapped({
            ...e,
            becomes: m.rotations.map((x) => `override on rotation ${x.rotation.id}`),
            notes: r.notes,
          }),
    );
  }

  m.report = () => {
    if (m.rotations.length === 0 || m.failed)
      b.notMapped(entry, [
        ...notes,
        ...(m.failed
          ? []
          : [
              own.length === 0
                ? "it has no exported shifts"
                : "none of its layers could be mapped (see its on-call shifts)",
            ]),
      ]);
    else
      b.mapped({
        ...entry,
        becomes: m.rotations.map((r) => `rotation ${r.rotation.id}${m.team ? ` (team ${m.team})` : ""}`),
        notes,
      });
    for (const f of shiftReports) f();
  };
  return m;
}
