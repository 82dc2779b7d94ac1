/**
 * Reading saved Grafana OnCall API v1 responses: JSON read safely (every field may be missing or of
 * another type; datetimes without an offset are UTC), which kind of object an item is by its shape,
 * and every file's items collected by kind and id (what cannot be read is reported).
 */

import * as z from "@firebreak/core/shared/zod";
import { slackUserIdSchema } from "../oncall/directory-schemas";
import { isObj, type Obj } from "./pagerduty-read";
import type { ImportBuilder, SourceFile } from "./plan";

export const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;
export const nonEmpty = (v: unknown): string | undefined => {
  const s = str(v)?.trim();
  return s ? s : undefined;
};
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const strings = (v: unknown): string[] =>
  arr(v)
    .map(str)
    .filter((s): s is string => s !== undefined);
export const short = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);

const emailSchema = z.email();
export const isEmail = (v: string) => z.safeParse(emailSchema, v).success;
export const isSlackUser = (v: string) => z.safeParse(slackUserIdSchema, v).success;

/** Grafana writes datetimes without an offset; they are UTC. An explicit offset is kept. */
export function utcInstant(v: unknown): string | undefined {
  const s = str(v);
  if (s === undefined || s.length > 40) return undefined;
  const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(withZone)) return undefined;
  const ms = Date.parse(withZone);
  if (!Number.isFinite(ms) || ms < 0 || ms > 8_640_000_000_000_000 / 2) return undefined;
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Which API response a file is
// ---------------------------------------------------------------------------------------------

export type Kind =
  | "user"
  | "personal notification rule"
  | "team"
  | "schedule"
  | "on-call shift"
  | "escalation chain"
  | "escalation policy"
  | "integration"
  | "route"
  | "final shift";

const SHIFT_TYPES = new Set(["single_event", "recurrent_event", "rolling_users", "override"]);
const SCHEDULE_TYPES = new Set(["calendar", "ical", "web"]);

/** The kind of one item by its shape, or undefined. */
function kindOf(item: unknown): Kind | undefined {
  if (!isObj(item)) return undefined;
  const has = (k: string) => k in item;
  if (has("shift_start") && has("shift_end")) return "final shift";
  if (has("escalation_chain_id") && has("integration_id")) return "route";
  if (has("integration_id") && (has("routing_regex") || has("is_the_last_route"))) return "route";
  if (has("escalation_chain_id") && has("type")) return "escalation policy";
  if (has("user_id") && has("type") && (has("position") || has("important") || has("duration")))
    return "personal notification rule";
  if (
    typeof item.type === "string" &&
    SHIFT_TYPES.has(item.type) &&
    (has("duration") || has("rolling_users") || has("frequency"))
  )
    return "on-call shift";
  if (
    has("ical_url_primary") ||
    has("on_call_now") ||
    (typeof item.type === "string" && SCHEDULE_TYPES.has(item.type) && has("name"))
  )
    return "schedule";
  if (has("username") || (has("email") && (has("slack") || has("role") || has("timezone")))) return "user";
  if (has("default_route") || has("inbound_email") || has("link") || has("templates")) return "integration";
  if (has("avatar_url") || (has("email") && has("name") && !has("team_id"))) return "team";
  if (has("id") && has("name") && has("team_id")) return "escalation chain";
  return undefined;
}

export interface Item {
  kind: Kind;
  id: string;
  json: Obj;
  file: string;
}

const EXPECTED =
  "a Grafana OnCall API v1 list response {results: [...]} or object from /users, /personal_notification_rules, /teams, /schedules, /on_call_shifts, /escalation_chains, /escalation_policies, /integrations or /routes";

/** The items of a list response (one page) or of a single get response. */
function itemsOf(json: unknown): unknown[] | undefined {
  if (Array.isArray(json)) return json;
  if (isObj(json)) {
    if (Array.isArray(json.results)) return json.results;
    if (kindOf(json) !== undefined) return [json];
  }
  return undefined;
}

/** An item's name for the report: `name`, else `username`. */
export function nameOf(json: Obj): { name?: string } {
  const n = nonEmpty(json.name) ?? nonEmpty(json.username);
  return n ? { name: short(n, 120) } : {};
}

/** Every readable item of the files by kind, in file order; `list(kind)` gives them. */
export function collectItems(b: ImportBuilder, files: SourceFile[]): (k: Kind) => Item[] {
  const items = new Map<Kind, Map<string, Item>>();
  const list = (k: Kind) => [...(items.get(k)?.values() ?? [])];

  for (const [fileIndex, file] of arr(files).entries()) {
    const name = isObj(file) ? (str(file.name) ?? `file ${fileIndex + 1}`) : `file ${fileIndex + 1}`;
    const json = isObj(file) ? file.json : undefined;
    const found = itemsOf(json);
    if (found === undefined) {
      b.unrecognisedFile({ name, json }, EXPECTED);
      continue;
    }
    const kinds = found.map(kindOf);
    const fileKind = kinds.find((k) => k !== undefined);
    if (found.length === 0) {
      b.notMapped(
        { kind: "file", id: name, file: name },
        "an empty list response (no results): nothing to import",
      );
      continue;
    }
    if (fileKind === undefined) {
      b.unrecognisedFile({ name, json }, EXPECTED);
      continue;
    }
    if (fileKind === "final shift") {
      b.notMapped(
        { kind: "file", id: name, file: name },
        "a schedule's final shifts (GET /api/v1/schedules/{id}/final_shifts): not part of the setup; compare it with `firebreak import verify`",
      );
      continue;
    }
    const byId = items.get(fileKind) ?? new Map<string, Item>();
    items.set(fileKind, byId);
    for (const [i, raw] of found.entries()) {
      const where = `${name} results[${i}]`;
      const kind = kinds[i];
      if (kind !== fileKind || !isObj(raw)) {
        b.notMapped(
          { kind: fileKind, id: where, file: name },
          `results[${i}] is not a ${fileKind} (${kind ?? (isObj(raw) ? "unknown shape" : raw === null ? "null" : Array.isArray(raw) ? "a list" : typeof raw)}): skipped`,
        );
        continue;
      }
      const id = nonEmpty(raw.id);
      if (id === undefined) {
        b.notMapped(
          { kind, id: where, file: name, ...nameOf(raw) },
          `${kind} in ${where} has no id (field "id"): skipped`,
        );
        continue;
      }
      const prior = byId.get(id);
      if (prior) {
        b.notMapped(
          { kind, id, file: name, ...nameOf(raw) },
          `duplicate of the ${kind} ${id} in ${prior.file}: the first one is used`,
        );
        continue;
      }
      byId.set(id, { kind, id, json: raw, file: name });
    }
  }

  return list;
}
