/**
 * Reading saved Opsgenie API v2 responses: JSON read safely (every field may be missing or of
 * another type), what kind of object each item of a response's `data` is, and every file's items
 * collected by kind (an object read from several files, a list and a get, is kept once).
 */

import { isObj, type Obj } from "./pagerduty-read";
import type { ImportBuilder, SourceFile } from "./plan";

export const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const objs = (v: unknown): Obj[] => arr(v).filter(isObj);
export const short = (v: unknown): string => {
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

export interface Item {
  o: Obj;
  file: string;
}

export interface UserIn extends Item {
  id: string;
}

export interface Contact {
  method: string;
  to: string;
  enabled: boolean;
  file: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Every file's items, by kind. */
export interface Collected {
  users: Map<string, UserIn>;
  /** By user id (or username, or the file name when the file names no user). */
  contacts: Map<string, Contact[]>;
  rules: { o: Obj; file: string; userId?: string }[];
  teams: Map<string, Item>;
  services: Map<string, Item>;
  schedules: Map<string, Item>;
  overrides: (Item & { scheduleHint: string })[];
  escalations: Map<string, Item>;
  /** The report note for an object read from several files: which other files. */
  alsoIn: (o: Obj) => string[];
}

/** Reads every file; what is not an Opsgenie response, or not an item of its list, is reported. */
export function collectFiles(b: ImportBuilder, files: SourceFile[]): Collected {
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
  return { users, contacts, rules, teams, services, schedules, overrides, escalations, alsoIn };
}
