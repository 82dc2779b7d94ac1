/**
 * Grafana OnCall on-call shifts → a rotation (a `rolling_users` or `recurrent_event` layer whose
 * duration covers its whole recurrence period, one user per group) or an override (`override`, or a
 * `single_event` naming one user); what Firebreak cannot express is the reason it is not mapped.
 */

import type { Rotation, RotationOverride, Shift } from "../oncall/directory-types";
import { isValidTimeZone } from "../oncall/tz";
import { arr, type Item, nonEmpty, short, strings, utcInstant } from "./grafana-oncall-read";
import { num } from "./pagerduty-read";
import { type ImportBuilder, localStart, override } from "./plan";

const FREQ_SECONDS: Record<string, number> = { hourly: 3600, daily: 86_400, weekly: 604_800 };
const ALL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

export function mapLayer(
  b: ImportBuilder,
  layer: Item,
  scheduleName: string,
  scheduleZone: string | undefined,
  layerCount: number,
  knownUsers: Set<string>,
  personOf: (id: string) => string | undefined,
): { rotation: Rotation; notes: string[] } | { why: string[] } {
  const j = layer.json;
  const notes: string[] = [];
  const why: string[] = [];
  const type = j.type;
  // Groups: rolling_users for rolling_users, one group of `users` for recurrent_event.
  const groups: unknown[] = type === "rolling_users" ? arr(j.rolling_users) : [arr(j.users)];
  if (groups.length === 0)
    why.push(
      type === "rolling_users"
        ? "rolling_users is empty: nobody is on call in this layer"
        : "users is empty: nobody is on call in this layer",
    );
  const multi = groups.filter((g) => strings(g).length > 1).length;
  if (multi > 0)
    why.push(
      `${multi} of its user groups name several users on call at once: a Firebreak rotation puts one person on call per shift (split it into one rotation per person and list them all on one escalation level)`,
    );
  const frequency = nonEmpty(j.frequency);
  const interval = num(j.interval) ?? 1;
  const period = frequency ? FREQ_SECONDS[frequency] : undefined;
  if (frequency === "monthly")
    why.push("a monthly recurrence has no Firebreak shift (daily, weekly or N hours)");
  else if (period === undefined)
    why.push(`frequency "${frequency ?? "(none)"}" is not hourly, daily or weekly`);
  if (!Number.isInteger(interval) || interval < 1 || interval > 1000)
    why.push(`interval ${String(j.interval)} is not a whole number ≥ 1`);
  const byDay = strings(j.by_day);
  const restrictedDays = byDay.length > 0 && !ALL_DAYS.every((d) => byDay.includes(d));
  const duration = num(j.duration);
  const turn = period !== undefined ? period * interval : undefined;
  if (restrictedDays || (duration !== undefined && turn !== undefined && duration < turn))
    why.push(
      `time restrictions (${restrictedDays ? `only ${byDay.join(", ")}` : "every day"}${duration !== undefined && turn !== undefined && duration < turn ? `, ${Math.round(duration / 360) / 10} h of every ${Math.round(turn / 360) / 10} h` : ""}) have no Firebreak equivalent: Firebreak rotations cover every hour`,
    );
  if (strings(j.by_month).length > 0 || strings(j.by_monthday).length > 0)
    why.push(
      "by_month/by_monthday restrictions have no Firebreak equivalent: Firebreak rotations cover every day",
    );
  if (duration === undefined || duration <= 0)
    why.push(`duration ${String(j.duration)} is not a number of seconds`);
  let zone = nonEmpty(j.time_zone) ?? scheduleZone ?? "UTC";
  if (!isValidTimeZone(zone)) {
    why.push(`time_zone "${short(zone)}" is not an IANA name`);
    zone = "UTC";
  }
  const startInstant = utcInstant(j.start);
  if (!startInstant)
    why.push(`start ${JSON.stringify(j.start)?.slice(0, 40)} is not a datetime "YYYY-MM-DDTHH:MM:SS"`);
  if (why.length > 0) return { why };

  let shift: Shift;
  if (frequency === "daily" && interval === 1) shift = { type: "daily" };
  else if (frequency === "weekly" && interval === 1) shift = { type: "weekly" };
  else {
    const hours = turn! / 3600;
    if (hours > 24 * 366)
      return { why: [`a turn of ${hours} h is longer than Firebreak's longest shift (${24 * 366} h)`] };
    shift = { type: "hours", hours };
    if (frequency !== "hourly")
      notes.push(
        `every ${interval} ${frequency === "daily" ? "days" : "weeks"} became a ${hours}-hour shift: Grafana keeps the handoff on the local wall clock across DST, Firebreak's hours shifts are elapsed time, so after a DST change the handoff moves by an hour`,
      );
  }
  if (duration !== undefined && turn !== undefined && duration > turn)
    notes.push(
      `each turn lasts ${duration / 3600} h but a new one starts every ${turn / 3600} h: the overlap is dropped (the next person takes over at the handoff)`,
    );
  const start = localStart(startInstant!, zone);
  if ("why" in start) return { why: [start.why] };
  if (start.note) notes.push(start.note);
  const rotationStart = utcInstant(j.rotation_start);
  if (rotationStart && rotationStart > startInstant!)
    notes.push(
      `rotation_start ${rotationStart} is after start: in Grafana nobody from this layer is on call before it; the Firebreak rotation starts at start ${startInstant}`,
    );
  const until = utcInstant(j.until);
  if (until) notes.push(`until ${until} is not carried over: Firebreak rotations do not end`);
  if (byDay.length > 0 && !restrictedDays) notes.push("by_day lists every day: no restriction");
  const week = nonEmpty(j.week_start);
  if (week && week !== "MO" && frequency === "weekly")
    notes.push(`week_start ${week} only affects by_day expansion, which is not used`);

  // Members: groups in order from start_rotation_from_user_index.
  const members: string[] = [];
  const dropped: string[] = [];
  const rawIndex = num(j.start_rotation_from_user_index) ?? 0;
  const index = Number.isInteger(rawIndex) && rawIndex >= 0 ? rawIndex % groups.length : 0;
  if (rawIndex !== index && type === "rolling_users")
    notes.push(`start_rotation_from_user_index ${rawIndex} was read as ${index}`);
  for (let i = 0; i < groups.length; i++) {
    const g = strings(groups[(index + i) % groups.length]);
    const userId = g[0];
    if (userId === undefined) continue;
    const pid = personOf(userId);
    if (pid) members.push(pid);
    else dropped.push(userId);
  }
  if (dropped.length > 0)
    notes.push(
      `members ${[...new Set(dropped)].slice(0, 10).join(", ")} were dropped: ${dropped.every((d) => knownUsers.has(d)) ? "their users could not be mapped" : "not in the exported users (GET /api/v1/users/)"}`,
    );
  if (members.length === 0)
    notes.push("no member could be mapped: the rotation is empty (nobody on call outside overrides)");
  const level = num(j.level);
  if (layerCount > 1 && level !== undefined) notes.push(`priority level ${level} is not carried over`);
  const layerName = nonEmpty(j.name);
  const rotName = layerCount > 1 && layerName ? `${scheduleName} ${layerName}` : scheduleName;
  const rotation: Rotation = {
    id: b.uniqueId("rotation", rotName),
    name: short(rotName, 120),
    members,
    shift,
    handoffTime: start.handoffTime,
    timezone: zone,
    start: start.start,
    overrides: [],
  };
  return { rotation, notes };
}

export function mapOverride(
  o: Item,
  knownUsers: Set<string>,
  personOf: (id: string) => string | undefined,
): { override: RotationOverride; notes: string[] } | { why: string[] } {
  const j = o.json;
  const type = j.type;
  const notes: string[] = [];
  const users = [...new Set([...strings(j.users), ...arr(j.rolling_users).flatMap(strings)])];
  if (type !== "override" && type !== "single_event")
    return { why: [`shift type "${String(type)}" is not known`] };
  if (users.length !== 1)
    return {
      why: [
        users.length === 0
          ? "it names no user"
          : `it puts ${users.length} users on call at once: a Firebreak override names one person`,
      ],
    };
  const from = utcInstant(j.start);
  const duration = num(j.duration);
  if (!from) return { why: [`start ${JSON.stringify(j.start)?.slice(0, 40)} is not a datetime`] };
  if (duration === undefined || duration <= 0 || duration > 366 * 86_400)
    return { why: [`duration ${String(j.duration)} is not a positive number of seconds`] };
  const pid = personOf(users[0]!);
  if (!pid)
    return {
      why: [
        `its user ${users[0]} ${knownUsers.has(users[0]!) ? "could not be mapped" : "was not exported (GET /api/v1/users/)"}`,
      ],
    };
  const to = new Date(Date.parse(from) + duration * 1000).toISOString();
  if (type === "single_event") {
    notes.push(
      "a single event became an override: in Grafana it is a layer event that wins only over lower levels; in Firebreak it wins over the whole rotation",
    );
    if (nonEmpty(j.frequency) || num(j.interval))
      notes.push("its recurrence fields are ignored (a single event happens once)");
  }
  return {
    override: override(
      pid,
      from,
      to,
      `${type === "override" ? "Grafana OnCall override" : "Grafana OnCall single event"} ${o.id}`,
    ),
    notes,
  };
}
