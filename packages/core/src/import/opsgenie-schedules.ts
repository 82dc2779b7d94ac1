/**
 * Opsgenie schedules → rotations (one Firebreak rotation per Opsgenie rotation: all rotations of a
 * schedule are on call at once), with what a rotation cannot say reported; and schedule overrides →
 * rotation overrides.
 */

import type { Rotation, RotationOverride } from "../oncall/directory-types";
import { isValidTimeZone, offsetMsAt } from "../oncall/tz";
import type { PersonOf } from "./opsgenie-people";
import { arr, type Collected, objs, short, str } from "./opsgenie-read";
import { isObj, num, type Obj, uniqueId } from "./pagerduty-read";
import { type ImportBuilder, localStart, override, slugId } from "./plan";

const describeRestriction = (tr: Obj): string => {
  const fmt = (r: Obj, day: boolean) =>
    `${day ? `${str(r.startDay) ?? "?"} ` : ""}${String(num(r.startHour) ?? "?").padStart(2, "0")}:${String(num(r.startMin) ?? 0).padStart(2, "0")}–${day ? `${str(r.endDay) ?? "?"} ` : ""}${String(num(r.endHour) ?? "?").padStart(2, "0")}:${String(num(r.endMin) ?? 0).padStart(2, "0")}`;
  if (isObj(tr.restriction)) return fmt(tr.restriction, false);
  return objs(tr.restrictions)
    .slice(0, 7)
    .map((r) => fmt(r, true))
    .join(", ");
};

export interface Candidate {
  scheduleId: string;
  ownerTeamId?: string;
  ownerTeamName?: string;
  rotations: Rotation[];
  entry: { name?: string; file: string; notes: string[] };
}

/** The mapped schedules, and how overrides and escalations find them. */
export interface Schedules {
  candidates: Map<string, Candidate>;
  rotationBySourceId: Map<string, Rotation>;
  /** Lower-case schedule name → schedule id. */
  scheduleByName: Map<string, string>;
}

export function mapSchedules(b: ImportBuilder, read: Collected, personOf: PersonOf): Schedules {
  const { alsoIn } = read;
  const candidates = new Map<string, Candidate>();
  const rotationBySourceId = new Map<string, Rotation>();
  const scheduleByName = new Map<string, string>();
  for (const [sid, { o, file }] of read.schedules) {
    const sname = str(o.name) ?? sid;
    scheduleByName.set(sname.toLowerCase(), sid);
    const notes = [...alsoIn(o)];
    const zone = str(o.timezone);
    if (o.enabled === false)
      notes.push("the schedule is disabled in Opsgenie; its Firebreak rotations will be live");
    if (!zone || !isValidTimeZone(zone)) {
      b.notMapped(
        { kind: "schedule", id: sid, name: sname, file },
        `${file}: schedule timezone ${short(o.timezone)} is not an IANA name`,
      );
      for (const r of objs(o.rotations))
        b.notMapped(
          { kind: "schedule rotation", id: str(r.id) ?? `${sid}/?`, name: str(r.name), file },
          `its schedule ${sname} is not mapped`,
        );
      continue;
    }
    const rots = objs(o.rotations);
    if (!Array.isArray(o.rotations))
      notes.push(`${file}: no "rotations" (export the schedules with ?expand=rotation): nobody is on call`);
    const out: Rotation[] = [];
    for (const [ri, r] of rots.entries()) {
      const mapped = mapRotation(b, r, ri, { sid, sname, file, zone, count: rots.length }, personOf);
      if (!mapped) continue;
      out.push(mapped.rotation);
      rotationBySourceId.set(mapped.id, mapped.rotation);
    }
    if (out.length > 0 && out.length < rots.length)
      notes.push(
        `${rots.length - out.length} of its ${rots.length} rotations are not mapped (see each schedule rotation)`,
      );
    const owner = isObj(o.ownerTeam) ? o.ownerTeam : undefined;
    candidates.set(sid, {
      scheduleId: sid,
      ownerTeamId: owner ? str(owner.id) : undefined,
      ownerTeamName: owner ? str(owner.name) : undefined,
      rotations: out,
      entry: { name: sname, file, notes },
    });
  }
  return { candidates, rotationBySourceId, scheduleByName };
}

/** One Opsgenie rotation → a rotation (reported as mapped), or undefined (reported as not mapped). */
function mapRotation(
  b: ImportBuilder,
  r: Obj,
  ri: number,
  schedule: { sid: string; sname: string; file: string; zone: string; count: number },
  personOf: PersonOf,
): { id: string; rotation: Rotation } | undefined {
  const { sid, sname, file, zone } = schedule;
  const rid = str(r.id) ?? `${sid}/rotation-${ri}`;
  const rname = str(r.name) ?? `rotation-${ri + 1}`;
  const rnotes: string[] = [];
  const why: string[] = [];
  const shift = rotationShift(r, file, zone, why, rnotes);
  const tr = r.timeRestriction;
  if (isObj(tr))
    why.push(
      `time restrictions (${str(tr.type) ?? "?"}: ${describeRestriction(tr)}) have no Firebreak equivalent: Firebreak rotations cover every hour`,
    );
  const startDate = str(r.startDate);
  const ls = startDate ? localStart(startDate, zone) : { why: `${file}: rotation has no "startDate"` };
  if ("why" in ls) why.push(ls.why);
  else if (ls.note) rnotes.push(ls.note);
  if (str(r.endDate))
    rnotes.push(
      `endDate ${str(r.endDate)} is not imported: Firebreak rotations do not end (delete it by hand then)`,
    );
  const members = rotationMembers(r, file, personOf, rnotes);
  if (why.length > 0 || !shift || "why" in ls) {
    b.notMapped({ kind: "schedule rotation", id: rid, name: `${sname}/${rname}`, file }, [...why, ...rnotes]);
    return undefined;
  }
  if (members.length === 0)
    rnotes.push("no participant could be mapped: the rotation is empty (nobody on call)");
  const rotation: Rotation = {
    id: uniqueId(b, "rotation", schedule.count > 1 ? `${sname}-${rname}` : sname),
    name: schedule.count > 1 ? `${sname} / ${rname}` : sname,
    members,
    shift,
    handoffTime: ls.handoffTime,
    timezone: zone,
    start: ls.start,
    overrides: [],
  };
  b.mapped({
    kind: "schedule rotation",
    id: rid,
    name: `${sname}/${rname}`,
    file,
    becomes: [`rotation ${rotation.id}`],
    notes: rnotes,
  });
  return { id: rid, rotation };
}

/** The rotation's shift from its type and length (`why` when Firebreak has none). */
function rotationShift(
  r: Obj,
  file: string,
  zone: string,
  why: string[],
  rnotes: string[],
): Rotation["shift"] | undefined {
  const type = str(r.type);
  const length = num(r.length) ?? 1;
  let shift: Rotation["shift"] | undefined;
  if (!Number.isInteger(length) || length < 1 || length > 8784)
    why.push(`${file}: rotation length ${short(r.length)} is not a whole number ≥ 1`);
  else if (type === "daily" && length === 1) shift = { type: "daily" };
  else if (type === "weekly" && length === 1) shift = { type: "weekly" };
  else if (type === "hourly") {
    shift = { type: "hours", hours: length };
    // 2026-01-15 and 2026-07-15 (fixed instants, no clock read): a zone whose offset differs keeps DST.
    if (length % 24 !== 0 && offsetMsAt(zone, 1_768_435_200_000) !== offsetMsAt(zone, 1_784_073_600_000))
      rnotes.push(
        `${length}-hour turns are counted in elapsed time in Firebreak: after a DST change in ${zone} the local handover times move by an hour (Opsgenie's documentation does not say how its hourly rotations treat DST: check with \`firebreak import verify\`)`,
      );
  } else if (type === "daily" || type === "weekly") {
    const hours = length * (type === "daily" ? 24 : 168);
    if (hours > 24 * 366) why.push(`${file}: a ${type} rotation of length ${length} is longer than a year`);
    else {
      shift = { type: "hours", hours };
      rnotes.push(
        `a ${type} rotation of length ${length} becomes ${hours}-hour shifts: Opsgenie hands over at the start time on the local wall clock, Firebreak's hour shifts are elapsed time, so after a DST change the handover moves by an hour`,
      );
    }
  } else why.push(`${file}: rotation type ${short(r.type)} is not daily, weekly or hourly`);
  return shift;
}

/** The rotation's participants that are mapped people, in turn order; the rest are noted. */
function rotationMembers(r: Obj, file: string, personOf: PersonOf, rnotes: string[]): string[] {
  const members: string[] = [];
  for (const [pi, p] of arr(r.participants).entries()) {
    if (!isObj(p)) {
      rnotes.push(`${file}: participants[${pi}] (${short(p)}) is not a participant: dropped`);
      continue;
    }
    const ptype = str(p.type);
    if (ptype === "user") {
      const pid = personOf(p);
      if (pid) members.push(pid);
      else
        rnotes.push(
          `participant ${str(p.username) ?? str(p.id) ?? pi} is not an exported, mapped user: dropped (the turn order changes)`,
        );
    } else if (ptype === "none")
      rnotes.push(
        `an empty turn ("none" participant) is dropped: Firebreak rotations have no empty slot, so the next member's turn comes earlier`,
      );
    else
      rnotes.push(
        `participant ${ptype ?? "?"} ${str(p.name) ?? str(p.id) ?? ""} is dropped: a Firebreak rotation's members are people, not ${ptype === "team" ? "teams" : ptype === "escalation" ? "escalations" : "other kinds"}`,
      );
  }
  return members;
}

/** Schedule overrides → overrides on the rotations they name (else all of their schedule's). */
export function mapOverrides(b: ImportBuilder, read: Collected, s: Schedules, personOf: PersonOf): void {
  const { candidates, rotationBySourceId } = s;
  for (const { o, file } of read.overrides) {
    const alias = str(o.alias) ?? `${file}#override`;
    const named = objs(o.rotations)
      .map((r) => str(r.id))
      .filter((id): id is string => !!id);
    const sid = overrideSchedule(o, file, named, s);
    const c = sid ? candidates.get(sid) : undefined;
    const user = isObj(o.user) ? o.user : {};
    const pid = str(user.type) === "user" || !user.type ? personOf(user) : undefined;
    const from = str(o.startDate);
    const to = str(o.endDate);
    const name = `${str(user.username) ?? str(user.name) ?? "?"} ${from ?? "?"}–${to ?? "?"}`;
    const why: string[] = [];
    if (!c)
      why.push(
        `${file}: its schedule is not among the mapped schedules (name the file after the schedule id, e.g. schedules-<id>-overrides.json)`,
      );
    if (!pid)
      why.push(
        str(user.type) && str(user.type) !== "user"
          ? `the override's ${str(user.type)} is not a person: Firebreak overrides name a person`
          : `${file}: user ${short(user.username ?? user.id)} is not an exported, mapped user`,
      );
    const fromMs = from ? Date.parse(from) : Number.NaN;
    const toMs = to ? Date.parse(to) : Number.NaN;
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs || fromMs < 0 || toMs > 8.64e15)
      why.push(`${file}: startDate ${short(from)} / endDate ${short(to)} is not a valid period`);
    if (why.length > 0 || !c || !pid || !from || !to) {
      b.notMapped({ kind: "schedule override", id: alias, name, file }, why);
      continue;
    }
    const targets =
      named.length > 0
        ? named
            .map((n) => rotationBySourceId.get(n))
            .filter((r): r is Rotation => !!r && c.rotations.includes(r))
        : c.rotations;
    const notes: string[] = [];
    if (named.length > targets.length)
      notes.push(
        `${named.length - targets.length} of its rotations are not mapped: the override is not put on them`,
      );
    if (targets.length === 0) {
      b.notMapped({ kind: "schedule override", id: alias, name, file }, [
        "none of its rotations is mapped",
        ...notes,
      ]);
      continue;
    }
    const ov: RotationOverride = override(pid, from, to, `Opsgenie override ${alias}`);
    for (const r of targets) r.overrides.push({ ...ov });
    b.mapped({
      kind: "schedule override",
      id: alias,
      name,
      file,
      becomes: targets.map((r) => `override on rotation ${r.id}`),
      notes,
    });
  }
}

/** An override's schedule: its parent, else the schedule of a rotation it names, else the file name. */
function overrideSchedule(o: Obj, file: string, named: string[], s: Schedules): string | undefined {
  const { candidates, rotationBySourceId, scheduleByName } = s;
  const parent = isObj(o._parent) ? o._parent : {};
  let sid: string | undefined = [
    str(parent.id),
    scheduleByName.get((str(parent.name) ?? "").toLowerCase()),
  ].find((id): id is string => !!id && candidates.has(id));
  if (!sid)
    for (const [id, c] of candidates) {
      if (named.some((n) => c.rotations.some((r) => rotationBySourceId.get(n) === r))) sid = id;
    }
  if (!sid) {
    const lower = file.toLowerCase();
    sid = [...candidates.keys()].find((id) => lower.includes(id.toLowerCase()));
    sid ??= [...scheduleByName].find(([n]) => lower.includes(slugId(n)) || lower.includes(n))?.[1];
  }
  return sid;
}
