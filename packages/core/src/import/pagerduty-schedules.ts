/** PagerDuty schedules → rotations (with what a rotation cannot say, reported), and their overrides. */

import type { Rotation, RotationOverride } from "../oncall/directory-types";
import { isValidTimeZone } from "../oncall/tz";
import {
  arr,
  type Collected,
  instant,
  isObj,
  MAX_ITEMS,
  nameOf,
  num,
  refId,
  short,
  show,
  str,
  uniqueId,
} from "./pagerduty-read";
import { type ImportBuilder, localStart, override, type ReportEntry, shiftFromSeconds } from "./plan";

export interface RotationPlan {
  scheduleId: string;
  rotation: Rotation;
  entry: ReportEntry;
  /** PagerDuty team ids the schedule belongs to. */
  teams: string[];
}

function describeRestriction(r: unknown): string {
  if (!isObj(r)) return show(r);
  const startTime = str(r.start_time_of_day)?.slice(0, 5) ?? "?";
  const secs = num(r.duration_seconds) ?? 0;
  const hours = Math.round((secs / 3600) * 100) / 100;
  const days = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  if (r.type === "weekly_restriction") {
    const d = num(r.start_day_of_week);
    return `weekly from ${d !== undefined ? (days[d] ?? d) : "?"} ${startTime} for ${hours} h`;
  }
  return `daily from ${startTime} for ${hours} h`;
}

export function mapSchedules(
  b: ImportBuilder,
  c: Collected,
  people: Map<string, string>,
): Map<string, RotationPlan> {
  const out = new Map<string, RotationPlan>();
  for (const [sid, { value: s, file, at }] of c.schedules) {
    const name = nameOf(s);
    const base = { kind: "schedule", id: sid, file, ...(name ? { name } : {}) };
    const layers = arr(s.schedule_layers);
    if (!layers) {
      b.notMapped(
        base,
        `${file}: ${at}.schedule_layers is ${show(s.schedule_layers)}: the list response does not carry layers; export GET /schedules/${sid}`,
      );
      continue;
    }
    const zone = str(s.time_zone);
    if (!zone || !isValidTimeZone(zone)) {
      b.notMapped(base, `${file}: ${at}.time_zone is ${show(s.time_zone)}, not an IANA time zone`);
      reportLayers(b, sid, file, layers, -1, "its schedule was not mapped");
      continue;
    }
    if (layers.length === 0) {
      b.notMapped(base, `${file}: ${at}.schedule_layers is empty: nobody is ever on call`);
      continue;
    }
    // PagerDuty lists the top layer first: the base (lowest) layer is the last.
    const baseIndex = layers.length - 1;
    const layer = layers[baseIndex];
    const lat = `${at}.schedule_layers[${baseIndex}]`;
    const why = (text: string) => {
      b.notMapped(base, `${file}: ${text}`);
      reportLayers(b, sid, file, layers, -1, "its schedule was not mapped");
    };
    if (!isObj(layer)) {
      why(`${lat} is ${show(layer)}, not a layer`);
      continue;
    }
    const restrictions = arr(layer.restrictions) ?? [];
    if (restrictions.length > 0) {
      why(
        `${lat} ("${short(nameOf(layer) ?? "layer", 40)}") has time restrictions (${restrictions.map(describeRestriction).join(", ")}), which have no Firebreak equivalent: Firebreak rotations cover every hour`,
      );
      continue;
    }
    const turn = num(layer.rotation_turn_length_seconds);
    const shift =
      turn === undefined
        ? { why: `rotation_turn_length_seconds is ${show(layer.rotation_turn_length_seconds)}` }
        : shiftFromSeconds(turn);
    if ("why" in shift) {
      why(`${lat}: ${shift.why}`);
      continue;
    }
    const virtualStart = str(layer.rotation_virtual_start) ?? str(layer.start);
    const start = virtualStart
      ? localStart(virtualStart, zone)
      : { why: "rotation_virtual_start is missing" };
    if ("why" in start) {
      why(`${lat}: ${start.why}`);
      continue;
    }
    const notes: string[] = [];
    if (start.note) notes.push(start.note);
    if (shift.shift.type === "hours")
      notes.push(
        `a turn of ${shift.shift.hours} h becomes an "hours" shift, which Firebreak counts in elapsed time from the first turn: PagerDuty renders a schedule on its time zone's wall clock, so if it keeps an N-hour turn's handoffs there too, Firebreak's handoffs are an hour off PagerDuty's after a DST change (check with import verify)`,
      );
    const members: string[] = [];
    for (const [i, m] of (arr(layer.users) ?? []).entries()) {
      const uid = isObj(m) ? refId(m.user) : undefined;
      const pid = uid ? people.get(uid) : undefined;
      if (pid) members.push(pid);
      else
        notes.push(
          `${lat}.users[${i}]${uid ? ` (user ${uid})` : ""} ${uid ? "was not imported (see its user entry, or export it)" : `is ${show(m)}, not a user reference`}: left out of the rotation`,
        );
    }
    if (!arr(layer.users)) notes.push(`${lat}.users is ${show(layer.users)}: the rotation has no members`);
    const layerStart = instant(layer.start);
    if (layerStart && virtualStart && Date.parse(layerStart) > Date.parse(virtualStart))
      notes.push(
        `the layer starts at ${layerStart}: Firebreak's rotation runs from its first turn (${start.start} ${start.handoffTime})`,
      );
    const layerEnd = instant(layer.end);
    if (layerEnd) notes.push(`the layer ends at ${layerEnd}: Firebreak rotations do not end`);
    if (layers.length > 1)
      notes.push(
        `only the base layer "${short(nameOf(layer) ?? "layer", 40)}" was imported: Firebreak rotations have no layers (the ${layers.length - 1} other layer(s) are reported as not mapped)`,
      );
    const rid = uniqueId(b, "rotation", name ?? sid, "rotation");
    const rotation: Rotation = {
      id: rid,
      ...(name ? { name } : {}),
      members,
      shift: shift.shift,
      handoffTime: start.handoffTime,
      timezone: zone,
      start: start.start,
      overrides: [],
    };
    const entry = b.mapped({ ...base, becomes: [`rotation ${rid}`], notes });
    reportLayers(
      b,
      sid,
      file,
      layers,
      baseIndex,
      "Firebreak rotations have no layers: only the schedule's base layer was imported",
    );
    const teams = (arr(s.teams) ?? []).map(refId).filter((t): t is string => !!t);
    out.set(sid, { scheduleId: sid, rotation, entry, teams });
  }
  return out;
}

function reportLayers(
  b: ImportBuilder,
  sid: string,
  file: string,
  layers: unknown[],
  except: number,
  why: string,
) {
  for (const [i, layer] of layers.slice(0, MAX_ITEMS).entries()) {
    if (i === except) continue;
    const l = isObj(layer) ? layer : {};
    const name = nameOf(l);
    const restrictions = arr(l.restrictions) ?? [];
    const reasons = [why];
    if (restrictions.length > 0)
      reasons.push(
        `time restrictions (${restrictions.map(describeRestriction).join(", ")}) have no Firebreak equivalent: Firebreak rotations cover every hour`,
      );
    b.notMapped(
      {
        kind: "schedule layer",
        id: str(l.id) ?? `${sid}:schedule_layers[${i}]`,
        file,
        ...(name ? { name } : {}),
      },
      reasons,
    );
  }
}

export function mapOverrides(
  b: ImportBuilder,
  c: Collected,
  overrideFiles: { file: string; items: unknown[] }[],
  rotations: Map<string, RotationPlan>,
  people: Map<string, string>,
) {
  const seen = new Set<string>();
  for (const { file, items } of overrideFiles) {
    const fromName =
      [...c.schedules.keys()].find((sid) => file.includes(sid)) ??
      file.match(/schedules?[-_/]([A-Z0-9]{5,})/)?.[1];
    for (const [i, o] of items.slice(0, MAX_ITEMS).entries()) {
      const at = `overrides[${i}]`;
      const oid = isObj(o) ? str(o.id) : undefined;
      const entry = { kind: "override", id: oid ?? `${file}:${at}`, file };
      if (!isObj(o)) {
        b.notMapped(entry, `${file}: ${at} is ${show(o)}, not an override`);
        continue;
      }
      if (oid) {
        if (seen.has(oid)) continue;
        seen.add(oid);
      }
      const sid = refId(o.schedule) ?? fromName;
      if (!sid) {
        b.notMapped(
          entry,
          `${file}: ${at} names no schedule (no schedule field, and no schedule id in the file name)`,
        );
        continue;
      }
      const plan = rotations.get(sid);
      if (!plan) {
        b.notMapped(
          entry,
          `schedule ${sid} ${c.schedules.has(sid) ? "was not mapped (see its entry)" : `was not exported (export GET /schedules/${sid})`}: the override has no rotation to go on`,
        );
        continue;
      }
      const start = instant(o.start);
      const end = instant(o.end);
      if (!start || !end || Date.parse(end) <= Date.parse(start)) {
        b.notMapped(
          entry,
          `${file}: ${at} start ${show(o.start)} / end ${show(o.end)} is not a period (ISO 8601 instants, end after start)`,
        );
        continue;
      }
      const uid = refId(o.user);
      const pid = uid ? people.get(uid) : undefined;
      if (!pid) {
        b.notMapped(
          entry,
          `${file}: ${at}.user ${uid ? `(${uid}) was not imported` : `is ${show(o.user)}`}: the override has nobody to put on call`,
        );
        continue;
      }
      const reason = `PagerDuty override ${oid ?? at}`;
      plan.rotation.overrides.push(override(pid, start, end, reason) as RotationOverride);
      b.mapped({
        ...entry,
        becomes: [`override on rotation ${plan.rotation.id} (${pid}, ${start} → ${end})`],
      });
    }
  }
}
