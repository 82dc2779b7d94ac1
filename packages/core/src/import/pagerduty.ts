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

import { parseWithIssues } from "../oncall/directory";
import type { Person, Rotation, RotationOverride, TargetRef } from "../oncall/directory-types";
import { isValidTimeZone } from "../oncall/tz";
import {
  type IdKind,
  ImportBuilder,
  type Importer,
  localStart,
  override,
  type PolicyDraft,
  type ReportEntry,
  type SourceFile,
  type SourceShift,
  type SourceShifts,
  shiftFromSeconds,
  slugId,
  type TeamDraft,
} from "./plan";

type Obj = Record<string, unknown>;

const EXPECTED =
  "a saved PagerDuty REST API v2 response: {users}, {user}, {contact_methods}, {notification_rules}, {teams}, {schedule}, {schedules}, {overrides}, {escalation_policies} or {services}";

/** More objects than this in one list are not read (reported): a guard against absurd inputs. */
const MAX_ITEMS = 50_000;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const arr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const short = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);
const show = (v: unknown): string => {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `"${short(v, 40)}"`;
  return `${typeof v} ${String(v)}`;
};

/** An object's name: `name`, else `summary`. */
const nameOf = (o: Obj): string | undefined => str(o.name) ?? str(o.summary);
/** The id in a reference (`{id, type}`) or a plain id string. */
const refId = (v: unknown): string | undefined => (isObj(v) ? str(v.id) : str(v));

interface Located<T> {
  value: T;
  file: string;
  /** Where in the file, for reasons: `users[3]`. */
  at: string;
}

interface UserRecord {
  id: string;
  user?: Located<Obj>;
  /** Contact methods from `GET /users/{id}/contact_methods` files. */
  contactMethods: Located<Obj>[];
  notificationRules: number;
  notificationRuleFiles: string[];
  /** The order the user objects were read in (people are listed in it). */
  seq: number;
}

// ---------------------------------------------------------------------------------------------

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

/**
 * `ImportBuilder.uniqueId`, linear in the number of equal names: the builder's own tries "x-2",
 * "x-3", … from 2 every time, which is quadratic for thousands of objects with one name.
 */
const repeats = new WeakMap<ImportBuilder, Map<string, number>>();
function uniqueId(b: ImportBuilder, kind: IdKind, name: string, fallback: string = kind): string {
  const counts = repeats.get(b) ?? new Map<string, number>();
  repeats.set(b, counts);
  const base = slugId(name, fallback);
  const key = `${kind} ${base}`;
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  return b.uniqueId(kind, n === 1 ? base : `${base.slice(0, 48)}-${n}`, fallback);
}

// ---------------------------------------------------------------------------------------------
// Final shifts
// ---------------------------------------------------------------------------------------------

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

/** An ISO 8601 instant normalised to UTC, or undefined. */
function instant(v: unknown): string | undefined {
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}T/.test(v)) return undefined;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999 ? d.toISOString() : undefined;
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

interface Collected {
  users: Map<string, UserRecord>;
  userSeq: number;
  teams: Map<string, Located<Obj>>;
  schedules: Map<string, Located<Obj>>;
  overrides: Located<Obj>[];
  policies: Map<string, Located<Obj>>;
  services: Map<string, Located<Obj>>;
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

type Unreadable = { kind: string; id: string; file: string; why: string }[];

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

// ---------------------------------------------------------------------------------------------
// Users → people
// ---------------------------------------------------------------------------------------------

const E164 = /^\+[1-9]\d{1,14}$/;

function phoneOf(cm: Obj): string | undefined {
  const code = num(cm.country_code) ?? (str(cm.country_code) ? Number(cm.country_code) : undefined);
  const address = typeof cm.address === "string" ? cm.address.replace(/[^\d+]/g, "") : undefined;
  if (!address) return undefined;
  const phone = address.startsWith("+")
    ? address
    : code !== undefined && Number.isInteger(code)
      ? `+${code}${address.replace(/^0+/, "")}`
      : undefined;
  return phone && E164.test(phone) ? phone : undefined;
}

/** Whether a draft person passes the directory's own validation. */
function validPerson(p: Person): boolean {
  return parseWithIssues({ version: 1, people: [p], teams: [] }).issues.length === 0;
}

function mapUsers(b: ImportBuilder, c: Collected): Map<string, string> {
  const people = new Map<string, string>();
  for (const r of [...c.users.values()].sort((x, y) => x.seq - y.seq)) {
    if (!r.user) {
      const files = [...new Set(r.contactMethods.map((m) => m.file).concat(r.notificationRuleFiles))];
      b.notMapped(
        { kind: "user", id: r.id, file: files.join(", ") },
        `${files.join(", ")} name user ${r.id}, but no users file has that user (export GET /users)`,
      );
      continue;
    }
    const { value: u, file, at } = r.user;
    const name = str(u.name) ?? str(u.summary) ?? str(u.email);
    const notes: string[] = [];
    const entry = { kind: "user", id: r.id, file, ...(name ? { name } : {}) };
    if (!name) {
      b.notMapped(entry, `${file}: ${at}.name is ${show(u.name)}: a person needs a name`);
      continue;
    }
    let timezone = str(u.time_zone);
    if (!timezone || !isValidTimeZone(timezone)) {
      notes.push(`${file}: ${at}.time_zone is ${show(u.time_zone)}, not an IANA time zone: UTC was used`);
      timezone = "UTC";
    }
    const email = str(u.email)?.trim();
    const methods = [
      ...(arr(u.contact_methods) ?? []).map((m, i) => ({ m, where: `${file}: ${at}.contact_methods[${i}]` })),
      ...r.contactMethods.map((m) => ({ m: m.value, where: `${m.file}: ${m.at}` })),
    ];
    let phone: string | undefined;
    const seenMethods = new Set<string>();
    for (const { m, where } of methods) {
      if (!isObj(m)) {
        notes.push(`${where} is ${show(m)}, not a contact method: skipped`);
        continue;
      }
      const id = str(m.id);
      if (id) {
        if (seenMethods.has(id)) continue;
        seenMethods.add(id);
      }
      const type = str(m.type) ?? "";
      const label = str(m.label) ? ` "${short(str(m.label)!, 40)}"` : "";
      if (type.endsWith("_reference")) {
        notes.push(
          `${where} is only a reference (${type}): export GET /users?include[]=contact_methods to import its address`,
        );
      } else if (type === "phone_contact_method" || type === "sms_contact_method") {
        const p = phoneOf(m);
        if (!p)
          notes.push(
            `${where} (${type}${label}): ${show(m.address)} is not a phone number Firebreak can dial (E.164): not imported`,
          );
        else if (!phone) phone = p;
        else if (p !== phone)
          notes.push(
            `${where} (${type}${label}) ${p}: Firebreak keeps one phone number per person (${phone} was kept)`,
          );
      } else if (type === "email_contact_method") {
        const a = str(m.address);
        if (a && a !== email)
          notes.push(
            `${where}: the extra email ${short(a, 60)}${label} is not imported: Firebreak keeps one email per person (the login email)`,
          );
      } else if (type === "push_notification_contact_method") {
        notes.push(
          `${where}: the push notification device${label} is not imported: Firebreak has no mobile app (it pages by Slack, SMS, voice and email)`,
        );
      } else {
        notes.push(`${where}: contact method of type ${show(m.type)} is not imported`);
      }
    }
    const ruleCount = (arr(u.notification_rules)?.length ?? 0) + r.notificationRules;
    if (ruleCount > 0)
      notes.push(
        `${ruleCount} personal notification rule${ruleCount === 1 ? " is" : "s are"} not imported: Firebreak pages every contact method of each person at each level (personal rules are planned)`,
      );
    const id = uniqueId(b, "person", name);
    const person: Person = { id, name: name.trim(), timezone };
    if (email) person.email = email;
    if (phone) person.phone = phone;
    if (email && !validPerson(person)) {
      notes.push(`${file}: ${at}.email ${show(email)} is not an email address: not imported`);
      delete person.email;
    }
    if (!person.email && !person.phone) {
      b.notMapped(entry, [
        `${file}: ${at} has no usable email and no phone contact method: a Firebreak person needs a way to be reached`,
        ...notes,
      ]);
      continue;
    }
    if (!validPerson(person)) {
      b.notMapped(entry, [`${file}: ${at} could not be made a valid person`, ...notes]);
      continue;
    }
    b.directory.people.push(person);
    people.set(r.id, id);
    b.ids.people[r.id] = id;
    const role = str(u.role);
    if (role && role !== "user" && role !== "limited_user")
      notes.push(
        `the PagerDuty role "${role}" is not imported: Firebreak has no per-person roles in the directory`,
      );
    b.mapped({ ...entry, becomes: [`person ${id}`], notes });
  }
  return people;
}

// ---------------------------------------------------------------------------------------------
// Schedules → rotations
// ---------------------------------------------------------------------------------------------

interface RotationPlan {
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

function mapSchedules(
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

// ---------------------------------------------------------------------------------------------
// Overrides
// ---------------------------------------------------------------------------------------------

function mapOverrides(
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

// ---------------------------------------------------------------------------------------------
// Escalation policies, services and teams
// ---------------------------------------------------------------------------------------------

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

function buildDirectory(
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
