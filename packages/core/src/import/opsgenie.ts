/**
 * The Opsgenie importer: reads saved Opsgenie REST API v2 responses (`{data, took, requestId}`)
 * and plans a Firebreak directory. Pure: no fs, no network, no clock. Never throws: anything it
 * cannot read is in the report, naming the file and the field.
 *
 * Files are recognised by their shape, in any order; a list may be one page of several:
 * - `GET /v2/users` (list) or `GET /v2/users/{id}` → people;
 * - `GET /v2/users/{id}/contacts` → the person's phone/email (the user id is taken from the file
 *   name, e.g. `users-<id>-contacts.json`, or from a `userId`/`user` field of the wrapper);
 * - `GET /v2/users/{id}/notification-rules` → reported, not imported;
 * - `GET /v2/teams`, `GET /v2/teams/{id}` → teams; `GET /v1/services` → services of a team;
 * - `GET /v2/schedules?expand=rotation`, `GET /v2/schedules/{id}` → one Firebreak rotation per
 *   Opsgenie rotation (all rotations of a schedule are on call at the same time:
 *   https://docs.opsgenie.com/docs/on-call-schedules-and-rotations "When a schedule is being used
 *   to determine who is notified, all on-call users from different rotations are notified");
 * - `GET /v2/schedules/{id}/overrides` → rotation overrides (schedule from the override's
 *   rotations, else from the file name);
 * - `GET /v2/escalations`, `GET /v2/escalations/{id}` → escalation policies; the escalation a team
 *   owns becomes its policy.
 * - `GET /v2/schedules/{id}/timeline` → `shifts()` (the final timeline), for `import verify`.
 *
 * Handoffs: Opsgenie's rotation start time "becomes the handover time" in the schedule's time
 * zone (same page), so daily and weekly rotations keep the handover on the local wall clock across
 * DST, like Firebreak's `daily`/`weekly`. A daily×N or weekly×N rotation (N > 1) has no wall-clock
 * equivalent in Firebreak: it becomes `hours` 24N/168N, which is ELAPSED time, so the handover
 * moves by an hour after each DST change (a note says so).
 */

import { personSchema } from "../oncall/directory-schemas";
import type {
  EscalationLevel,
  Person,
  Rotation,
  RotationOverride,
  TargetRef,
} from "../oncall/directory-types";
import { isValidTimeZone, offsetMsAt } from "../oncall/tz";
import {
  ImportBuilder,
  type Importer,
  localStart,
  override,
  type PolicyDraft,
  type ReportEntry,
  type SourceFile,
  type SourceShift,
  type SourceShifts,
  slugId,
  type TeamDraft,
} from "./plan";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const objs = (v: unknown): Obj[] => arr(v).filter(isObj);
const short = (v: unknown): string => {
  try {
    const s = typeof v === "string" ? v : JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return "?";
  }
};

/** The accepted shapes, for the report's "expected …". */
const EXPECTED =
  "an Opsgenie API v2 response {data: …}: users, user contacts, notification rules, teams, schedules (expand=rotation), schedule overrides, escalations, v1 services or a schedule timeline";

type Kind =
  | "users"
  | "contacts"
  | "notification-rules"
  | "teams"
  | "services"
  | "schedules"
  | "overrides"
  | "escalations"
  | "timeline";

/** What kind of item an object of `data` is, by its fields. */
function itemKind(o: Obj): Kind | undefined {
  if (isObj(o.finalTimeline) || isObj(o.baseTimeline)) return "timeline";
  if ("rules" in o && Array.isArray(o.rules)) return "escalations";
  // A schedule listed without ?expand=rotation has no "rotations", but a time zone a team lacks.
  if (("rotations" in o || "timezone" in o) && ("timezone" in o || "enabled" in o || "ownerTeam" in o))
    return "schedules";
  if ("alias" in o && ("user" in o || "startDate" in o)) return "overrides";
  if ("method" in o && "to" in o) return "contacts";
  if ("actionType" in o || ("notificationTime" in o && "criteria" in o)) return "notification-rules";
  if ("username" in o || "fullName" in o) return "users";
  if ("teamId" in o) return "services";
  if ("members" in o || ("id" in o && "name" in o && "description" in o)) return "teams";
  return undefined;
}

interface Item {
  o: Obj;
  file: string;
}

interface UserIn extends Item {
  id: string;
}

interface Contact {
  method: string;
  to: string;
  enabled: boolean;
  file: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Opsgenie's "1-5555555555" (country code, dash, number) → E.164 "+15555555555". */
export function opsgenieToE164(to: string): string | undefined {
  const m = /^\+?(\d{1,4})-(\d{4,14})$/.exec(to.replace(/[\s().]/g, ""));
  const e164 = m
    ? `+${m[1]}${m[2]}`
    : /^\+\d{8,15}$/.test(to.replace(/[\s-]/g, ""))
      ? to.replace(/[\s-]/g, "")
      : "";
  return /^\+[1-9]\d{7,14}$/.test(e164) ? e164 : undefined;
}

const minutesOf = (delay: unknown): number | undefined => {
  if (!isObj(delay)) return num(delay);
  const amount = num(delay.timeAmount);
  if (amount === undefined || amount < 0) return undefined;
  const unit = str(delay.timeUnit) ?? "minutes";
  const factor = unit === "minutes" ? 1 : unit === "hours" ? 60 : unit === "days" ? 1440 : undefined;
  return factor === undefined ? undefined : amount * factor;
};

const describeRestriction = (tr: Obj): string => {
  const fmt = (r: Obj, day: boolean) =>
    `${day ? `${str(r.startDay) ?? "?"} ` : ""}${String(num(r.startHour) ?? "?").padStart(2, "0")}:${String(num(r.startMin) ?? 0).padStart(2, "0")}–${day ? `${str(r.endDay) ?? "?"} ` : ""}${String(num(r.endHour) ?? "?").padStart(2, "0")}:${String(num(r.endMin) ?? 0).padStart(2, "0")}`;
  if (isObj(tr.restriction)) return fmt(tr.restriction, false);
  return objs(tr.restrictions)
    .slice(0, 7)
    .map((r) => fmt(r, true))
    .join(", ");
};

function run(files: SourceFile[]): ReturnType<ImportBuilder["result"]> {
  const b = new ImportBuilder("opsgenie");
  // ImportBuilder.uniqueId tries "-2", "-3", … one by one: n objects with one name cost O(n²)
  // (10k same-named users took 20 s). This counts the suffixes per name so each id is found at
  // once; the ids are the same as uniqueId's for names up to 48 characters.
  const suffixes = new Map<string, number>();
  const uid = (kind: "person" | "team" | "rotation" | "policy", name: string): string => {
    const base = slugId(name, kind);
    const key = `${kind}\u0000${base}`;
    const n = (suffixes.get(key) ?? 0) + 1;
    suffixes.set(key, n);
    return b.uniqueId(kind, n === 1 ? name : `${base.slice(0, 48)}-${n}`, kind);
  };
  const list = Array.isArray(files) ? files : [];

  const users = new Map<string, UserIn>();
  const contacts = new Map<string, Contact[]>();
  const rules: { o: Obj; file: string; userId?: string }[] = [];
  const teams = new Map<string, Item>();
  const services = new Map<string, Item>();
  const schedules = new Map<string, Item>();
  const overrides: (Item & { scheduleHint: string })[] = [];
  const escalations = new Map<string, Item>();
  const dupes = new Map<Obj, string[]>();

  /** Keeps the richest copy of an object seen in several files (a list and a get). */
  const keep = (map: Map<string, Item>, kind: string, o: Obj, file: string) => {
    const id = str(o.id);
    if (!id) {
      b.notMapped(
        { kind, id: "(no id)", name: str(o.name), file },
        `${file}: a ${kind} without an "id" field`,
      );
      return;
    }
    const prev = map.get(id);
    if (!prev) {
      map.set(id, { o, file });
      return;
    }
    const richer = Object.keys(o).length > Object.keys(prev.o).length ? { o, file } : prev;
    const other = richer === prev ? file : prev.file;
    map.set(id, richer);
    dupes.set(richer.o, [...(dupes.get(prev.o) ?? []), ...(dupes.get(o) ?? []), other]);
  };

  for (const [index, f] of list.entries()) {
    const file = isObj(f) && typeof f.name === "string" ? f.name : `file ${index + 1}`;
    const sf: SourceFile = { name: file, json: isObj(f) ? f.json : undefined };
    const json = sf.json;
    if (!isObj(json) || !("data" in json)) {
      b.unrecognisedFile(sf, EXPECTED);
      continue;
    }
    const data = json.data;
    const items = Array.isArray(data) ? data : [data];
    const kinds = new Set(items.filter(isObj).map(itemKind));
    const kind = [...kinds].find((k) => k !== undefined);
    if (items.length === 0) {
      b.notMapped({ kind: "file", id: file, file }, `${file}: an empty list ("data": []): nothing to import`);
      continue;
    }
    if (!kind) {
      b.unrecognisedFile(sf, EXPECTED);
      continue;
    }
    if (kind === "timeline") {
      b.notMapped(
        { kind: "file", id: file, file },
        `${file}: a schedule timeline (final shifts): it is read by \`firebreak import verify\`, not imported`,
      );
      continue;
    }
    const wrapperUser = str(json.userId) ?? (isObj(json.user) ? str(json.user.id) : undefined);
    const fileIds = file.match(UUID) ?? [];
    items.forEach((item, i) => {
      if (!isObj(item) || itemKind(item) !== kind) {
        b.notMapped(
          { kind: "item", id: `${file}#${i}`, file },
          `${file}: data[${i}] (${short(item)}) is not ${kind === "users" ? "a user" : `an item of ${kind}`}: skipped`,
        );
        return;
      }
      switch (kind) {
        case "users": {
          const id = str(item.id);
          if (!id) {
            b.notMapped(
              { kind: "user", id: `${file}#${i}`, name: str(item.fullName), file },
              `${file}: data[${i}] has no "id"`,
            );
            return;
          }
          keep(users as Map<string, Item>, "user", item, file);
          const u = users.get(id);
          if (u && !("id" in u && typeof (u as UserIn).id === "string")) (u as UserIn).id = id;
          return;
        }
        case "contacts": {
          const userId = wrapperUser ?? fileIds[0] ?? file;
          const c: Contact = {
            method: str(item.method) ?? "?",
            to: str(item.to) ?? "",
            // The OpenAPI spec puts it in `status.enabled` (ContactWithApplyOrder); older docs at the top.
            enabled: item.enabled !== false && !(isObj(item.status) && item.status.enabled === false),
            file,
          };
          contacts.set(userId, [...(contacts.get(userId) ?? []), c]);
          return;
        }
        case "notification-rules":
          rules.push({ o: item, file, userId: wrapperUser ?? fileIds[0] });
          return;
        case "teams":
          keep(teams, "team", item, file);
          return;
        case "services":
          keep(services, "service", item, file);
          return;
        case "schedules":
          keep(schedules, "schedule", item, file);
          return;
        case "overrides":
          overrides.push({ o: item, file, scheduleHint: file });
          return;
        case "escalations":
          keep(escalations, "escalation", item, file);
          return;
      }
    });
  }
  const alsoIn = (o: Obj): string[] => {
    const d = dupes.get(o);
    return d && d.length > 0 ? [`also in ${[...new Set(d)].join(", ")} (read once)`] : [];
  };

  // ------------------------------------------------------------------------------ people
  const personById = new Map<string, Person>();
  const usernameToPerson = new Map<string, string>();
  for (const [id, { o, file }] of users) {
    const name = str(o.fullName) ?? str(o.username) ?? id;
    const notes: string[] = [...alsoIn(o)];
    const username = str(o.username);
    const person: Person = { id: "", name, timezone: "UTC" };
    if (username && personSchema.shape.email.safeParse(username).success) person.email = username;
    const tz = str(o.timeZone);
    if (tz && isValidTimeZone(tz)) person.timezone = tz;
    else notes.push(`${file}: timeZone ${short(o.timeZone)} is not an IANA name: UTC used`);
    const cs = contacts.get(id) ?? (username ? contacts.get(username) : undefined) ?? [];
    contacts.delete(id);
    if (username) contacts.delete(username);
    const phones: string[] = [];
    for (const c of cs) {
      if (!c.enabled) {
        notes.push(`${c.file}: disabled ${c.method} contact ${c.to} is not imported`);
        continue;
      }
      if (c.method === "email") {
        if (!person.email && personSchema.shape.email.safeParse(c.to).success) person.email = c.to;
        else if (c.to !== person.email)
          notes.push(`${c.file}: extra email ${c.to} is not imported (Firebreak keeps one email per person)`);
      } else if (c.method === "sms" || c.method === "voice") {
        const e164 = opsgenieToE164(c.to);
        if (!e164) notes.push(`${c.file}: ${c.method} number ${short(c.to)} is not a phone number`);
        else if (!phones.includes(e164)) phones.push(e164);
      } else if (c.method === "mobile") {
        notes.push(
          `${c.file}: Opsgenie mobile-app push is not imported (Firebreak pages by SMS, voice, email and Slack)`,
        );
      } else notes.push(`${c.file}: contact method ${short(c.method)} is not imported`);
    }
    if (phones[0]) person.phone = phones[0];
    if (phones.length > 1)
      notes.push(`other numbers ${phones.slice(1).join(", ")} are not imported (Firebreak keeps one phone)`);
    const role = isObj(o.role) ? str(o.role.name) : str(o.role);
    if (role && role !== "User")
      notes.push(`role ${role} is not imported (Firebreak's access is by admin token, not per person)`);
    if (!person.email && !person.phone) {
      b.notMapped({ kind: "user", id, name, file }, [
        `${file}: no email username and no usable sms/voice/email contact: Firebreak could not reach this person`,
        ...notes,
      ]);
      continue;
    }
    person.id = uid("person", name);
    const p = personSchema.safeParse(person);
    if (!p.success) {
      b.notMapped({ kind: "user", id, name, file }, [
        `${file}: not a valid person (${short(person)})`,
        ...notes,
      ]);
      continue;
    }
    b.directory.people.push(person);
    personById.set(id, person);
    if (username) usernameToPerson.set(username.toLowerCase(), person.id);
    b.ids.people[id] = person.id;
    b.mapped({ kind: "user", id, name, file, becomes: [`person ${person.id}`], notes });
  }
  for (const [userId, cs] of contacts)
    for (const c of cs)
      b.notMapped(
        { kind: "contact", id: `${userId}:${c.method}:${c.to}`, file: c.file },
        `${c.file}: the contact's user (${userId}) is not in the exported users (name the file after the user id, e.g. users-<id>-contacts.json)`,
      );
  for (const r of rules)
    b.notMapped(
      { kind: "notification rule", id: str(r.o.id) ?? r.file, name: str(r.o.name), file: r.file },
      "personal notification rules are not imported: Firebreak pages every contact method of each person at each level (personal rules are planned)",
    );
  /** A participant/recipient `{type:"user", id, username}` → person id. */
  const personOf = (ref: Obj): string | undefined => {
    const id = str(ref.id);
    if (id && b.ids.people[id]) return b.ids.people[id];
    const un = str(ref.username) ?? str(ref.name);
    return un ? usernameToPerson.get(un.toLowerCase()) : undefined;
  };

  // ------------------------------------------------------------------------------ schedules
  interface Candidate {
    scheduleId: string;
    ownerTeamId?: string;
    ownerTeamName?: string;
    rotations: Rotation[];
    entry: { name?: string; file: string; notes: string[] };
  }
  const candidates = new Map<string, Candidate>();
  const rotationBySourceId = new Map<string, Rotation>();
  const scheduleByName = new Map<string, string>();
  for (const [sid, { o, file }] of schedules) {
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
      const rid = str(r.id) ?? `${sid}/rotation-${ri}`;
      const rname = str(r.name) ?? `rotation-${ri + 1}`;
      const rnotes: string[] = [];
      const why: string[] = [];
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
        if (hours > 24 * 366)
          why.push(`${file}: a ${type} rotation of length ${length} is longer than a year`);
        else {
          shift = { type: "hours", hours };
          rnotes.push(
            `a ${type} rotation of length ${length} becomes ${hours}-hour shifts: Opsgenie hands over at the start time on the local wall clock, Firebreak's hour shifts are elapsed time, so after a DST change the handover moves by an hour`,
          );
        }
      } else why.push(`${file}: rotation type ${short(r.type)} is not daily, weekly or hourly`);
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
      if (why.length > 0 || !shift || "why" in ls) {
        b.notMapped({ kind: "schedule rotation", id: rid, name: `${sname}/${rname}`, file }, [
          ...why,
          ...rnotes,
        ]);
        continue;
      }
      if (members.length === 0)
        rnotes.push("no participant could be mapped: the rotation is empty (nobody on call)");
      const rotation: Rotation = {
        id: uid("rotation", rots.length > 1 ? `${sname}-${rname}` : sname),
        name: rots.length > 1 ? `${sname} / ${rname}` : sname,
        members,
        shift,
        handoffTime: ls.handoffTime,
        timezone: zone,
        start: ls.start,
        overrides: [],
      };
      out.push(rotation);
      rotationBySourceId.set(rid, rotation);
      b.mapped({
        kind: "schedule rotation",
        id: rid,
        name: `${sname}/${rname}`,
        file,
        becomes: [`rotation ${rotation.id}`],
        notes: rnotes,
      });
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

  // ------------------------------------------------------------------------------ overrides
  for (const { o, file } of overrides) {
    const alias = str(o.alias) ?? `${file}#override`;
    const named = objs(o.rotations)
      .map((r) => str(r.id))
      .filter((id): id is string => !!id);
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

  // ------------------------------------------------------------------------------ escalations
  /** Levels of an escalation given which schedules have a home. */
  interface Built {
    levels: EscalationLevel[];
    repeat: number;
    notes: string[];
  }
  const build = (o: Obj, file: string, placed: (sid: string) => boolean): Built => {
    const notes: string[] = [];
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
        else if (c.rotations.length === 0)
          notes.push(`${label}: the schedule has no mapped rotation: dropped`);
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
  };

  // Which teams get a policy: the first escalation each team owns (by team id, else name).
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
    if (owner && !teamEscalation.has(owner) && build(o, file, () => true).levels.length > 0)
      teamEscalation.set(owner, eid);
  }
  const mappedTeams = [...teams.keys()].filter((t) => teamEscalation.has(t));
  // Where each schedule's rotations live: its owner team, else the first team whose escalation
  // pages it, else the first mapped team.
  const home = new Map<string, string>();
  const homeNote = new Map<string, string>();
  for (const [sid, c] of candidates) {
    const owner =
      c.ownerTeamId && teams.has(c.ownerTeamId)
        ? c.ownerTeamId
        : c.ownerTeamName
          ? teamByName.get(c.ownerTeamName.toLowerCase())
          : undefined;
    if (owner && teamEscalation.has(owner)) {
      home.set(sid, owner);
      continue;
    }
    const pager = mappedTeams.find((t) =>
      objs(escalations.get(teamEscalation.get(t)!)?.o.rules).some(
        (r) => isObj(r.recipient) && str(r.recipient.type) === "schedule" && str(r.recipient.id) === sid,
      ),
    );
    const chosen = pager ?? mappedTeams[0];
    if (chosen) {
      home.set(sid, chosen);
      homeNote.set(
        sid,
        `its owner team ${c.ownerTeamName ?? c.ownerTeamId ?? "(none)"} is not mapped: its rotations are placed in team ${chosen} (${pager ? "whose escalation pages it" : "the first mapped team"})`,
      );
    }
  }
  const placed = (sid: string) => home.has(sid);

  const policyIdOfEscalation = new Map<string, string>();
  for (const [eid, { o, file }] of escalations) {
    const name = str(o.name) ?? eid;
    const built = build(o, file, placed);
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
      id: uid("policy", name),
      name,
      levels: built.levels,
      repeat: built.repeat,
      fallback,
    };
    b.directory.escalationPolicies.push(policy);
    policyIdOfEscalation.set(eid, policy.id);
    b.mapped({ kind: "escalation", id: eid, name, file, becomes: [`escalation policy ${policy.id}`], notes });
  }

  // ------------------------------------------------------------------------------ teams
  const teamIdOf = new Map<string, TeamDraft>();
  const serviceIds = new Set<string>();
  for (const [tid, { o, file }] of teams) {
    const name = str(o.name) ?? tid;
    const notes = [...alsoIn(o)];
    const eid = teamEscalation.get(tid);
    const pid = eid ? policyIdOfEscalation.get(eid) : undefined;
    if (!pid) {
      b.notMapped({ kind: "team", id: tid, name, file }, [
        "no escalation owned by this team could be mapped: a Firebreak team needs an escalation policy (export GET /v2/escalations)",
        ...notes,
      ]);
      continue;
    }
    const members = objs(o.members);
    if (members.length > 0)
      notes.push(
        `team membership (${members.length} members, roles) is not imported: Firebreak teams have no member list; people are on call through rotations`,
      );
    const team: TeamDraft = {
      id: uid("team", name),
      name,
      services: [],
      rotations: [],
      escalationPolicy: pid,
    };
    b.directory.teams.push(team);
    teamIdOf.set(tid, team);
    b.mapped({ kind: "team", id: tid, name, file, becomes: [`team ${team.id}`], notes });
  }
  for (const [sid, c] of candidates) {
    const team = teamIdOf.get(home.get(sid) ?? "");
    const notes = [...c.entry.notes];
    if (!team) {
      b.notMapped({ kind: "schedule", id: sid, name: c.entry.name, file: c.entry.file }, [
        "no team is mapped, and every Firebreak rotation lives in a team",
        ...notes,
      ]);
      continue;
    }
    if (c.rotations.length === 0) {
      b.notMapped({ kind: "schedule", id: sid, name: c.entry.name, file: c.entry.file }, [
        "none of its rotations could be mapped",
        ...notes,
      ]);
      continue;
    }
    const hn = homeNote.get(sid);
    if (hn) notes.push(hn);
    team.rotations.push(...c.rotations);
    b.ids.schedules[sid] = c.rotations.map((r) => r.id);
    b.mapped({
      kind: "schedule",
      id: sid,
      name: c.entry.name,
      file: c.entry.file,
      becomes: c.rotations.map((r) => `rotation ${r.id}`),
      notes,
    });
  }
  for (const [svid, { o, file }] of services) {
    const name = str(o.name) ?? svid;
    const team = teamIdOf.get(str(o.teamId) ?? "");
    if (!team) {
      b.notMapped(
        { kind: "service", id: svid, name, file },
        `${file}: its team ${short(o.teamId)} is not mapped (a Firebreak service is owned by a team)`,
      );
      continue;
    }
    let id = slugId(name, "service");
    for (let n = 2; serviceIds.has(id); n++) id = `${slugId(name, "service").slice(0, 56)}-${n}`;
    serviceIds.add(id);
    team.services.push(id);
    b.mapped({
      kind: "service",
      id: svid,
      name,
      file,
      becomes: [`service ${id} of team ${team.id}`],
      notes: alsoIn(o),
    });
  }
  return b.result();
}

function importOpsgenie(files: SourceFile[]): ReturnType<ImportBuilder["result"]> {
  try {
    return run(files);
  } catch (error) {
    // A safety net: every known shape is handled above; an unforeseen one must not crash the CLI.
    const b = new ImportBuilder("opsgenie");
    const entry: Omit<ReportEntry, "outcome" | "becomes" | "notes"> = { kind: "import", id: "opsgenie" };
    b.notMapped(entry, `the import stopped on an unexpected input: ${short(String(error))}`);
    return b.result();
  }
}

/** `GET /v2/schedules/{id}/timeline`: the final timeline's periods, all rotations together. */
function shiftsOf(file: SourceFile): SourceShifts | undefined {
  try {
    const json = isObj(file) ? file.json : undefined;
    const data = isObj(json) ? json.data : undefined;
    if (!isObj(data) || !isObj(data.finalTimeline)) return undefined;
    const parent = isObj(data._parent) ? data._parent : {};
    const shifts: SourceShift[] = [];
    for (const r of objs(data.finalTimeline.rotations))
      for (const p of objs(r.periods)) {
        const start = str(p.startDate);
        const end = str(p.endDate);
        if (!start || !end) continue;
        // A user period names the user; a team/escalation period (historical) lists its users in
        // flattenedRecipients.
        const direct = isObj(p.recipient) && str(p.recipient.type) === "user" ? [p.recipient] : [];
        const recipients =
          direct.length > 0 ? direct : objs(p.flattenedRecipients).filter((r) => str(r.type) === "user");
        for (const rec of recipients) {
          const s = Date.parse(start);
          const e = Date.parse(end);
          if (
            !Number.isFinite(s) ||
            !Number.isFinite(e) ||
            e <= s ||
            Math.abs(s) > 8.64e15 ||
            Math.abs(e) > 8.64e15
          )
            continue;
          const person: SourceShift["person"] = {};
          const id = str(rec.id);
          const name = str(rec.name);
          if (id) person.id = id;
          if (name) {
            if (name.includes("@")) person.email = name;
            else person.name = name;
          }
          shifts.push({ start: new Date(s).toISOString(), end: new Date(e).toISOString(), person });
        }
      }
    shifts.sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end));
    const out: SourceShifts = { shifts };
    const sid = str(parent.id);
    const sname = str(parent.name);
    if (sid) out.scheduleId = sid;
    if (sname) out.scheduleName = sname;
    return out;
  } catch {
    return undefined;
  }
}

export const opsgenieImporter: Importer = {
  source: "opsgenie",
  import: importOpsgenie,
  shifts: shiftsOf,
};
