/**
 * The PagerDuty importer: reads saved PagerDuty REST API v2 responses and plans a Firebreak
 * directory (see plan.ts). Pure: no files, no network, no clock. It never throws: whatever it cannot
 * read goes into the report, naming the file and the field.
 *
 * Files are recognised by their shape, in any order (they are sorted by name first, so the result
 * does not depend on the order they were given in):
 * - users: `GET /users` (`{users}`), `GET /users/{id}` (`{user}`), `GET /users/{id}/contact_methods`
 *   (`{contact_methods}`), `GET /users/{id}/notification_rules` (`{notification_rules}`; the user id
 *   from the items' `self`/`html_url` or the file name);
 * - teams: `GET /teams` (`{teams}`);
 * - schedules: `GET /schedules/{id}` (`{schedule}`) and `GET /schedules` (`{schedules}`);
 * - overrides: `GET /schedules/{id}/overrides` (`{overrides}`; the schedule id from the file name
 *   or an override's `schedule` field);
 * - escalation policies: `GET /escalation_policies` (`{escalation_policies}`);
 * - services: `GET /services` (`{services}`).
 *
 * Mapping:
 * - user → person (name, email, time_zone; phone from the first phone/SMS contact method);
 * - schedule with one unrestricted layer → one rotation; with several layers the LOWEST layer (the
 *   last in `schedule_layers`: `GET /schedules/{id}` lists the top layer first, the reverse of the
 *   order layers are created in; PagerDuty's own support scripts reverse them before a PUT) is
 *   mapped and every other layer is reported as not mapped; a layer with restrictions is not mapped;
 * - override → rotation override;
 * - escalation policy → policy (levels, timeout = escalation delay, repeat = num_loops capped at 20,
 *   fallback = the last level's first target);
 * - services → one Firebreak team per escalation policy that services use, owning those services;
 *   its name is the policy's PagerDuty team when it has one, else the policy's name;
 * - PagerDuty team → reported as the Firebreak team(s) that carry its name (or not mapped).
 *
 * DST: PagerDuty renders a layer's handoffs on the schedule time zone's wall clock (its time-zone
 * help page: schedules follow the schedule's zone, DST included), which is what Firebreak's `daily`
 * and `weekly` shifts do. A turn of N hours that is not a day or a week becomes an `hours` shift,
 * which Firebreak counts in ELAPSED time: across a DST change it drifts by an hour against the local
 * clock. The importer says so on every such rotation.
 */

import { mapUsers } from "./pagerduty-people";
import { buildDirectory } from "./pagerduty-policies";
import {
  arr,
  type Collected,
  instant,
  isObj,
  type Located,
  MAX_ITEMS,
  nameOf,
  type Obj,
  refId,
  show,
  str,
  type Unreadable,
  type UserRecord,
} from "./pagerduty-read";
import { mapOverrides, mapSchedules } from "./pagerduty-schedules";
import { ImportBuilder, type Importer, type SourceFile, type SourceShift, type SourceShifts } from "./plan";

const EXPECTED =
  "a saved PagerDuty REST API v2 response: {users}, {user}, {contact_methods}, {notification_rules}, {teams}, {schedule}, {schedules}, {overrides}, {escalation_policies} or {services}";

export const pagerDutyImporter: Importer = {
  source: "pagerduty",
  import(files) {
    try {
      return importFiles(Array.isArray(files) ? files : []);
    } catch (error) {
      // Never expected; the importer must not throw, so the failure is the report.
      const b = new ImportBuilder("pagerduty");
      b.notMapped(
        { kind: "file", id: "(all files)" },
        `the import failed unexpectedly (${error instanceof Error ? error.message : String(error)}); nothing was mapped`,
      );
      return b.result();
    }
  },
  shifts(file) {
    try {
      return readShifts(file);
    } catch {
      return undefined;
    }
  },
};

function readShifts(file: SourceFile): SourceShifts | undefined {
  const json = isObj(file) ? file.json : undefined;
  if (!isObj(json)) return undefined;
  if (isObj(json.schedule)) {
    const schedule = json.schedule;
    const entries = isObj(schedule.final_schedule)
      ? arr(schedule.final_schedule.rendered_schedule_entries)
      : undefined;
    if (!entries) return undefined;
    const shifts: SourceShift[] = [];
    for (const e of entries.slice(0, MAX_ITEMS)) {
      const s = shiftOf(e);
      if (s) shifts.push(s);
    }
    const out: SourceShifts = { shifts };
    const id = str(schedule.id);
    const name = str(schedule.name) ?? str(schedule.summary);
    if (id) out.scheduleId = id;
    if (name) out.scheduleName = name;
    return out;
  }
  const oncalls = arr(json.oncalls);
  if (!oncalls) return undefined;
  // `GET /oncalls` for one schedule: every entry names the same schedule.
  const ids = new Set<string>();
  const names = new Set<string>();
  const seen = new Set<string>();
  const shifts: SourceShift[] = [];
  for (const o of oncalls.slice(0, MAX_ITEMS)) {
    if (!isObj(o)) continue;
    const sid = refId(o.schedule);
    if (!sid) continue;
    ids.add(sid);
    const sname = isObj(o.schedule) ? nameOf(o.schedule) : undefined;
    if (sname) names.add(sname);
    const s = shiftOf(o);
    if (!s) continue;
    // The same shift appears once per escalation level (and policy) that pages the schedule.
    const key = `${s.start}|${s.end}|${s.person.id ?? s.person.email ?? s.person.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    shifts.push(s);
  }
  if (ids.size !== 1) return undefined;
  const out: SourceShifts = { scheduleId: [...ids][0]!, shifts };
  if (names.size === 1) out.scheduleName = [...names][0]!;
  return out;
}

function shiftOf(e: unknown): SourceShift | undefined {
  if (!isObj(e)) return undefined;
  const start = instant(e.start);
  const end = instant(e.end);
  if (!start || !end || Date.parse(end) <= Date.parse(start)) return undefined;
  const person: SourceShift["person"] = {};
  if (isObj(e.user)) {
    const id = str(e.user.id);
    const email = str(e.user.email);
    const name = str(e.user.name) ?? str(e.user.summary);
    if (id) person.id = id;
    if (email) person.email = email;
    if (name) person.name = name;
  }
  if (!person.id && !person.email && !person.name) return undefined;
  return { start, end, person };
}

function importFiles(input: unknown[]): ReturnType<Importer["import"]> {
  const b = new ImportBuilder("pagerduty");
  const files: SourceFile[] = [];
  for (const [i, f] of input.entries()) {
    if (isObj(f)) files.push({ name: str(f.name) ?? `file ${i + 1}`, json: f.json });
    else files.push({ name: `file ${i + 1}`, json: f });
  }
  // Sorted by name so that the order the files were given in does not matter.
  files.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));

  const c: Collected = {
    users: new Map(),
    userSeq: 0,
    teams: new Map(),
    schedules: new Map(),
    overrides: [],
    policies: new Map(),
    services: new Map(),
  };
  const unreadable: { kind: string; id: string; file: string; why: string }[] = [];
  const overrideFiles: { file: string; items: unknown[] }[] = [];

  const collect = (
    kind: string,
    into: Map<string, Located<Obj>>,
    items: unknown[],
    file: string,
    field: string,
    prefer?: (old: Obj, next: Obj) => boolean,
  ) => {
    if (items.length > MAX_ITEMS)
      unreadable.push({
        kind,
        id: `${file}:${field}[${MAX_ITEMS}…]`,
        file,
        why: `${file}: ${field} has ${items.length} items; only the first ${MAX_ITEMS} were read`,
      });
    for (const [i, item] of items.slice(0, MAX_ITEMS).entries()) {
      const at = field === "schedule" ? field : `${field}[${i}]`;
      const id = isObj(item) ? str(item.id) : undefined;
      if (!isObj(item) || !id) {
        unreadable.push({
          kind,
          id: `${file}:${at}`,
          file,
          why: `${file}: ${at} ${isObj(item) ? `has no id (id is ${show(item.id)})` : `is ${show(item)}, not a ${kind} object`}`,
        });
        continue;
      }
      const old = into.get(id);
      if (!old || prefer?.(old.value, item)) into.set(id, { value: item, file, at });
    }
  };

  for (const file of files) {
    const j = file.json;
    if (!isObj(j)) {
      b.unrecognisedFile(file, EXPECTED);
      continue;
    }
    const list = (key: string) => arr(j[key]);
    if (list("users")) collectUsers(c, list("users")!, file.name, "users", unreadable);
    else if (isObj(j.user)) collectUsers(c, [j.user], file.name, "user", unreadable);
    else if (list("contact_methods"))
      collectUserParts(c, list("contact_methods")!, file.name, "contact_methods", unreadable);
    else if (list("notification_rules"))
      collectUserParts(c, list("notification_rules")!, file.name, "notification_rules", unreadable);
    else if (list("teams")) collect("team", c.teams, list("teams")!, file.name, "teams");
    else if (isObj(j.schedule))
      collect("schedule", c.schedules, [j.schedule], file.name, "schedule", hasLayersOnly);
    else if (list("schedules"))
      collect("schedule", c.schedules, list("schedules")!, file.name, "schedules", hasLayersOnly);
    else if (list("overrides")) overrideFiles.push({ file: file.name, items: list("overrides")! });
    else if (list("escalation_policies"))
      collect(
        "escalation policy",
        c.policies,
        list("escalation_policies")!,
        file.name,
        "escalation_policies",
      );
    else if (list("services")) collect("service", c.services, list("services")!, file.name, "services");
    else b.unrecognisedFile(file, EXPECTED);
  }

  for (const u of unreadable) b.notMapped({ kind: u.kind, id: u.id, file: u.file }, u.why);

  const people = mapUsers(b, c);
  const rotations = mapSchedules(b, c, people);
  mapOverrides(b, c, overrideFiles, rotations, people);
  buildDirectory(b, c, rotations, people);
  return b.result();
}

/** A schedule with layers wins over one without (a `GET /schedules` summary). */
function hasLayersOnly(old: Obj, next: Obj): boolean {
  return !arr(old.schedule_layers) && !!arr(next.schedule_layers);
}

function userRecord(c: Collected, id: string): UserRecord {
  let r = c.users.get(id);
  if (!r) {
    r = {
      id,
      contactMethods: [],
      notificationRules: 0,
      notificationRuleFiles: [],
      seq: Number.MAX_SAFE_INTEGER,
    };
    c.users.set(id, r);
  }
  return r;
}

function collectUsers(c: Collected, items: unknown[], file: string, field: string, unreadable: Unreadable) {
  for (const [i, item] of items.slice(0, MAX_ITEMS).entries()) {
    const at = field === "user" ? "user" : `${field}[${i}]`;
    const id = isObj(item) ? str(item.id) : undefined;
    if (!isObj(item) || !id) {
      unreadable.push({
        kind: "user",
        id: `${file}:${at}`,
        file,
        why: `${file}: ${at} ${isObj(item) ? `has no id (id is ${show(item.id)})` : `is ${show(item)}, not a user object`}`,
      });
      continue;
    }
    const r = userRecord(c, id);
    if (!r.user) {
      r.user = { value: item, file, at };
      r.seq = c.userSeq++;
    }
  }
  if (items.length > MAX_ITEMS)
    unreadable.push({
      kind: "user",
      id: `${file}:${field}[${MAX_ITEMS}…]`,
      file,
      why: `${file}: ${field} has ${items.length} items; only the first ${MAX_ITEMS} were read`,
    });
}

/** The user id in `…/users/PXXXXXX/…` (an item's `self` or `html_url`) or in the file name. */
function userIdIn(text: string | undefined): string | undefined {
  return text?.match(/users\/([A-Za-z0-9]+)/)?.[1];
}

function collectUserParts(
  c: Collected,
  items: unknown[],
  file: string,
  field: "contact_methods" | "notification_rules",
  unreadable: Unreadable,
) {
  const fromName = userIdIn(file) ?? file.match(/\b(P[A-Z0-9]{5,})\b/)?.[1];
  const kind = field === "contact_methods" ? "contact method" : "notification rule";
  for (const [i, item] of items.slice(0, MAX_ITEMS).entries()) {
    const at = `${field}[${i}]`;
    const userId =
      (isObj(item) ? (userIdIn(str(item.self)) ?? userIdIn(str(item.html_url))) : undefined) ?? fromName;
    if (!isObj(item) || !userId) {
      unreadable.push({
        kind,
        id: (isObj(item) ? str(item.id) : undefined) ?? `${file}:${at}`,
        file,
        why: `${file}: ${at} ${isObj(item) ? "names no user (no users/{id} in self or html_url, nor in the file name)" : `is ${show(item)}, not a ${kind}`}`,
      });
      continue;
    }
    const r = userRecord(c, userId);
    if (field === "contact_methods") r.contactMethods.push({ value: item, file, at });
    else {
      r.notificationRules++;
      if (!r.notificationRuleFiles.includes(file)) r.notificationRuleFiles.push(file);
    }
  }
}
