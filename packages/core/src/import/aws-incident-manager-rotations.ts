/**
 * Incident Manager rotations → rotations (one daily or weekly handoff; a recurrence multiplier
 * becomes an `hours` shift), their members and overrides, and ONCALL_SCHEDULE contacts → the
 * rotations they list.
 */

import type { Rotation } from "../oncall/directory-types";
import { addDays, isValidTimeZone, type LocalDate, wallTimeAt } from "../oncall/tz";
import {
  arnTail,
  arr,
  type Collected,
  type Contacts,
  describeValue,
  type Found,
  instantMs,
  int,
  iso,
} from "./aws-incident-manager-read";
import { isObj, type Obj, short, str } from "./pagerduty-read";
import type { ImportBuilder } from "./plan";

export interface RotationPlan {
  arn: string;
  file: string;
  name: string;
  /** The draft without members (filled once people are known). */
  rotation: Rotation;
  contactArns: string[];
  notes: string[];
}

/** The rotations read: planned, or why Firebreak cannot express them. */
export interface Rotations {
  plans: Map<string, RotationPlan>;
  notMapped: Map<string, { name: string; why: string[]; file: string }>;
}

const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

const pad = (n: number) => String(n).padStart(2, "0");
const dateText = (d: LocalDate) => `${d.year}-${pad(d.month)}-${pad(d.day)}`;
const weekday = (d: LocalDate) => new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();

function handoff(v: unknown): { hour: number; minute: number } | undefined {
  if (!isObj(v)) return undefined;
  const hour = int(v.HourOfDay);
  const minute = int(v.MinuteOfHour);
  if (hour === undefined || minute === undefined || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    return undefined;
  return { hour, minute };
}

/** Every rotation's shape (people take their zone from it, so it comes first). */
export function planRotations(b: ImportBuilder, c: Collected): Rotations {
  const rotationPlans = new Map<string, RotationPlan>();
  const rotationNotMapped = new Map<string, { name: string; why: string[]; file: string }>();
  for (const [arn, found] of c.rotations) {
    const p = planRotation(arn, found, b);
    if ("why" in p) rotationNotMapped.set(arn, { ...p, file: found.file });
    else rotationPlans.set(arn, p);
  }
  return { plans: rotationPlans, notMapped: rotationNotMapped };
}

/** A rotation's shape, or why Firebreak cannot express it. */
function planRotation(
  arn: string,
  found: Found<Obj>,
  b: ImportBuilder,
): RotationPlan | { name: string; why: string[] } {
  const r = found.value;
  const f = found.file;
  const name = str(r.Name) ?? arnTail(arn);
  const notes: string[] = [];
  const why: string[] = [];
  const zone = str(r.TimeZoneId);
  if (!zone || !isValidTimeZone(zone))
    why.push(`${f}: TimeZoneId ${describeValue(r.TimeZoneId)} is not an IANA time zone`);
  const startMs = instantMs(r.StartTime);
  if (startMs === undefined)
    why.push(`${f}: StartTime ${describeValue(r.StartTime)} is not a timestamp from 1970 on`);
  const rec = isObj(r.Recurrence) ? r.Recurrence : undefined;
  if (!rec) why.push(`${f}: Recurrence is missing`);
  const { daily, weekly, multiplier } = readRecurrence(rec, f, why);
  let hand: { hour: number; minute: number } | undefined;
  let day: number | undefined;
  if (why.length === 0) {
    if (daily.length === 1) {
      hand = handoff(daily[0]);
      if (!hand)
        why.push(`${f}: DailySettings[0] ${describeValue(daily[0])} is not an HourOfDay/MinuteOfHour`);
    } else {
      const w = weekly[0];
      hand = isObj(w) ? handoff(w.HandOffTime) : undefined;
      day = isObj(w) && typeof w.DayOfWeek === "string" ? DAYS.indexOf(w.DayOfWeek as never) : -1;
      if (!hand || day < 0)
        why.push(`${f}: WeeklySettings[0] ${describeValue(w)} is not a DayOfWeek and HandOffTime`);
    }
  }
  if (why.length > 0 || !hand || startMs === undefined || !zone) return { name, why };

  const { date, exactly } = firstHandoff(zone, startMs, hand, day);
  if (!exactly)
    notes.push(
      `StartTime ${iso(startMs)} is not at a handoff: the rotation starts at the first handoff after it (${dateText(date)} ${pad(hand.hour)}:${pad(hand.minute)} ${zone}) with the first contact; any partial shift AWS gives before it is not reproduced (check with \`firebreak import verify\`)`,
    );
  if (date.year < 1970) return { name, why: [`${f}: StartTime is before 1970`] };

  const n = multiplier ?? 1;
  if ((day === undefined ? 24 : 168) * n > 24 * 366)
    return {
      name,
      why: [
        `${f}: RecurrenceMultiplier ${n} ${day === undefined ? "days" : "weeks"} is longer than Firebreak's longest shift (${24 * 366} hours)`,
      ],
    };
  let shift: Rotation["shift"];
  if (n === 1) shift = day === undefined ? { type: "daily" } : { type: "weekly" };
  else {
    shift = { type: "hours", hours: (day === undefined ? 24 : 168) * n };
    notes.push(
      `RecurrenceMultiplier ${n}: AWS hands off every ${n} ${day === undefined ? "days" : "weeks"} at ${pad(hand.hour)}:${pad(hand.minute)} local time; Firebreak's nearest is a shift of ${shift.hours} hours of ELAPSED time, which drifts by an hour from the local handoff after each DST change in ${zone} (Firebreak has no N-day wall-clock shift)`,
    );
  }
  const cov = rec?.ShiftCoverages;
  if (isObj(cov) ? Object.keys(cov).length > 0 : arr(cov).length > 0)
    notes.push(
      `ShiftCoverages (on call only during ${describeCoverage(cov)}) have no Firebreak equivalent: Firebreak rotations cover every hour`,
    );

  const id = b.uniqueId("rotation", name);
  return {
    arn,
    file: f,
    name,
    contactArns: arr(r.ContactIds).filter((x): x is string => typeof x === "string"),
    notes,
    rotation: {
      id,
      name,
      members: [],
      shift,
      handoffTime: `${pad(hand.hour)}:${pad(hand.minute)}`,
      timezone: zone,
      start: dateText(date),
      overrides: [],
    },
  };
}

/** A Recurrence's settings; what Firebreak cannot express goes into `why`. */
function readRecurrence(rec: Obj | undefined, f: string, why: string[]) {
  const daily = arr(rec?.DailySettings);
  const weekly = arr(rec?.WeeklySettings);
  const monthly = arr(rec?.MonthlySettings);
  const multiplier = rec?.RecurrenceMultiplier === undefined ? 1 : int(rec.RecurrenceMultiplier);
  const onCalls = rec?.NumberOfOnCalls === undefined ? 1 : int(rec.NumberOfOnCalls);
  if (rec) {
    if (monthly.length > 0)
      why.push(
        `${f}: MonthlySettings (monthly handoffs) have no Firebreak equivalent: rotations hand off daily, weekly or every N hours`,
      );
    if (daily.length > 0 && weekly.length > 0)
      why.push(`${f}: both DailySettings and WeeklySettings are set; Firebreak has one handoff rule`);
    if (daily.length > 1 || weekly.length > 1)
      why.push(
        `${f}: ${daily.length > 1 ? `${daily.length} daily` : `${weekly.length} weekly`} handoff times: a Firebreak rotation hands off once a day or once a week (recreate as separate rotations by hand)`,
      );
    if (daily.length === 0 && weekly.length === 0 && monthly.length === 0)
      why.push(`${f}: Recurrence has no DailySettings, WeeklySettings or MonthlySettings`);
    if (multiplier === undefined || multiplier < 1 || multiplier > 100)
      why.push(
        `${f}: Recurrence.RecurrenceMultiplier ${describeValue(rec.RecurrenceMultiplier)} is not 1–100 (AWS's range)`,
      );
    if (onCalls === undefined || onCalls < 1)
      why.push(
        `${f}: Recurrence.NumberOfOnCalls ${describeValue(rec.NumberOfOnCalls)} is not a positive whole number`,
      );
    else if (onCalls > 1)
      why.push(
        `${f}: NumberOfOnCalls ${onCalls} puts ${onCalls} contacts on call at once; a Firebreak rotation has one person on call, and how AWS groups the members into concurrent shifts is not documented, so it is not guessed (recreate as ${onCalls} rotations by hand)`,
      );
  }
  return { daily, weekly, multiplier };
}

/** The first handoff at or after StartTime, on the zone's wall clock; `exactly` when it is StartTime. */
function firstHandoff(
  zone: string,
  startMs: number,
  hand: { hour: number; minute: number },
  day: number | undefined,
): { date: LocalDate; exactly: boolean } {
  const w = wallTimeAt(zone, startMs);
  let date: LocalDate = { year: w.year, month: w.month, day: w.day };
  const atOrBefore = w.hour * 3600 + w.minute * 60 + w.second <= hand.hour * 3600 + hand.minute * 60;
  const exactly =
    w.hour === hand.hour &&
    w.minute === hand.minute &&
    w.second === 0 &&
    (day === undefined || day === weekday(date));
  if (day === undefined) {
    if (!atOrBefore) date = addDays(date, 1);
  } else {
    let ahead = (day - weekday(date) + 7) % 7;
    if (ahead === 0 && !atOrBefore) ahead = 7;
    date = addDays(date, ahead);
  }
  return { date, exactly };
}

function describeCoverage(cov: unknown): string {
  if (!isObj(cov)) return "coverage times";
  const parts: string[] = [];
  for (const [d, times] of Object.entries(cov).slice(0, 7)) {
    const t = arr(times)
      .slice(0, 3)
      .map((x) => {
        const s = isObj(x) ? handoff(x.Start) : undefined;
        const e = isObj(x) ? handoff(x.End) : undefined;
        return s && e ? `${pad(s.hour)}:${pad(s.minute)}–${pad(e.hour)}:${pad(e.minute)}` : "?";
      });
    parts.push(`${short(d, 10)} ${t.join(", ")}`);
  }
  return parts.length > 0 ? parts.join("; ") : "coverage times";
}

/** Rotation members: the mapped people of its contacts, in order; the rest are noted. */
export function addMembers(
  c: Collected,
  rotations: Rotations,
  personOf: Map<string, string>,
  contactLabel: Contacts["label"],
): void {
  for (const p of rotations.plans.values()) {
    for (const m of p.contactArns) {
      const id = personOf.get(m);
      if (id) p.rotation.members.push(id);
      else
        p.notes.push(
          `member ${contactLabel(m)} was dropped: ${c.contacts.has(m) ? "that contact was not mapped (see its entry)" : "that contact was not exported"}`,
        );
    }
    if (p.contactArns.length === 0) p.notes.push("ContactIds is empty: nobody is on call outside overrides");
  }
}

/** ListRotationOverrides items → overrides of the rotation the file names. */
export function mapOverrides(
  b: ImportBuilder,
  c: Collected,
  rotations: Rotations,
  personOf: Map<string, string>,
  contactLabel: Contacts["label"],
): void {
  const { plans: rotationPlans, notMapped: rotationNotMapped } = rotations;
  const rotationByKey = (key: string | undefined): RotationPlan | undefined => {
    if (!key) return undefined;
    for (const p of rotationPlans.values())
      if (p.arn === key || p.name === key || arnTail(p.arn) === key || p.rotation.id === key) return p;
    return undefined;
  };
  const sortedOverrides = [...c.overrides].sort(
    (a, z) => (instantMs(a.value.CreateTime) ?? 0) - (instantMs(z.value.CreateTime) ?? 0),
  );
  // The same override saved twice (two overlapping ListRotationOverrides windows) is one object.
  const seenOverrides = new Set<string>();
  for (const o of sortedOverrides) {
    const v = o.value;
    const id = str(v.RotationOverrideId) ?? `${o.file}#${c.overrides.indexOf(o)}`;
    const key = `${rotationByKey(o.rotationKey)?.arn ?? o.rotationKey ?? ""}\u0000${id}`;
    if (str(v.RotationOverrideId) && seenOverrides.has(key)) continue;
    seenOverrides.add(key);
    const entry = { kind: "rotation override", id, file: o.file };
    const p = rotationByKey(o.rotationKey);
    const from = instantMs(v.StartTime);
    const to = instantMs(v.EndTime);
    const newIds = arr(v.NewContactIds).filter((x): x is string => typeof x === "string");
    const person = newIds.length > 0 ? personOf.get(newIds[0]!) : undefined;
    const why = !p
      ? o.rotationKey && rotationNotMapped.has(o.rotationKey)
        ? `its rotation ${o.rotationKey} was not mapped`
        : `${o.file}: its rotation is unknown (ListRotationOverrides does not name it: name the file rotation-overrides-<rotation name>.json or add "RotationArn"; got ${describeValue(o.rotationKey)})`
      : from === undefined || to === undefined
        ? `${o.file}: StartTime/EndTime ${describeValue(v.StartTime)}/${describeValue(v.EndTime)} are not timestamps`
        : to <= from
          ? `${o.file}: EndTime is not after StartTime`
          : newIds.length === 0
            ? "NewContactIds is empty (nobody on call): a Firebreak override names the person on call"
            : !person
              ? `the new contact ${contactLabel(newIds[0]!)} was not mapped or not exported`
              : undefined;
    if (why || !p || !person || from === undefined || to === undefined) {
      b.notMapped(entry, why ?? "unreadable");
      continue;
    }
    const notes: string[] = [];
    if (newIds.length > 1)
      notes.push(
        `${newIds.length} contacts were on call together; a Firebreak override names one person: ${person} (the first) was kept`,
      );
    p.rotation.overrides.push({ personId: person, from: iso(from), to: iso(to) });
    b.mapped({ ...entry, becomes: [`override in rotation ${p.rotation.id}`], notes });
  }
}

/** The rotations of each ONCALL_SCHEDULE contact, and its report entry (written last). */
export interface OnCallSchedules {
  rotationsOf: Map<string, string[]>;
  reports: (() => void)[];
}

/** ONCALL_SCHEDULE contacts → the rotations they list (`ids.schedules`), reported once all is placed. */
export function mapSchedules(b: ImportBuilder, contacts: Contacts, rotations: Rotations): OnCallSchedules {
  const { plans: rotationPlans, notMapped: rotationNotMapped } = rotations;
  const rotationsOfSchedule = new Map<string, string[]>();
  const scheduleEntries: (() => void)[] = [];
  for (const [arn, found] of contacts.schedules) {
    const v = found.value;
    const name = str(v.DisplayName) ?? str(v.Alias) ?? arnTail(arn);
    const notes: string[] = [];
    const ids: string[] = [];
    const rotIds = isObj(v.Plan) ? arr(v.Plan.RotationIds) : [];
    for (const r of rotIds) {
      const p = typeof r === "string" ? rotationPlans.get(r) : undefined;
      if (p) ids.push(p.rotation.id);
      else
        notes.push(
          `rotation ${describeValue(r)} was dropped: ${typeof r === "string" && rotationNotMapped.has(r) ? "it was not mapped (see its entry)" : "it was not exported (ListRotations)"}`,
        );
    }
    rotationsOfSchedule.set(arn, ids);
    const entry = { kind: "contact (ONCALL_SCHEDULE)", id: arn, name, file: found.file };
    if (!isObj(v.Plan))
      scheduleEntries.push(() =>
        b.notMapped(
          entry,
          `${found.file}: no Plan.RotationIds (ListContacts omits the plan: export GetContact)`,
        ),
      );
    else if (ids.length === 0)
      scheduleEntries.push(() => b.notMapped(entry, notes.length > 0 ? notes : "Plan.RotationIds is empty"));
    else {
      b.ids.schedules[arn] = ids;
      scheduleEntries.push(() => b.mapped({ ...entry, becomes: ids.map((id) => `rotation ${id}`), notes }));
    }
  }
  for (const p of rotationPlans.values()) b.ids.schedules[p.arn] = [p.rotation.id];
  return { rotationsOf: rotationsOfSchedule, reports: scheduleEntries };
}
