/**
 * Reading PagerDuty API JSON safely (every field may be missing or of another type), the records the
 * import collects, and unique ids for what it creates.
 */

import { type IdKind, type ImportBuilder, slugId } from "./plan";

export type Obj = Record<string, unknown>;

/** More objects than this in one list are not read (reported): a guard against absurd inputs. */
export const MAX_ITEMS = 50_000;

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v : undefined;

export const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : undefined;

export const arr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

export const short = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);

export const show = (v: unknown): string => {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `"${short(v, 40)}"`;
  return `${typeof v} ${String(v)}`;
};

/** An object's name: `name`, else `summary`. */
export const nameOf = (o: Obj): string | undefined => str(o.name) ?? str(o.summary);

/** The id in a reference (`{id, type}`) or a plain id string. */
export const refId = (v: unknown): string | undefined => (isObj(v) ? str(v.id) : str(v));

export interface Located<T> {
  value: T;
  file: string;
  /** Where in the file, for reasons: `users[3]`. */
  at: string;
}

export interface UserRecord {
  id: string;
  user?: Located<Obj>;
  /** Contact methods from `GET /users/{id}/contact_methods` files. */
  contactMethods: Located<Obj>[];
  notificationRules: number;
  notificationRuleFiles: string[];
  /** The order the user objects were read in (people are listed in it). */
  seq: number;
}

/**
 * `ImportBuilder.uniqueId`, linear in the number of equal names: the builder's own tries "x-2",
 * "x-3", … from 2 every time, which is quadratic for thousands of objects with one name.
 */
export const repeats = new WeakMap<ImportBuilder, Map<string, number>>();

export function uniqueId(b: ImportBuilder, kind: IdKind, name: string, fallback: string = kind): string {
  const counts = repeats.get(b) ?? new Map<string, number>();
  repeats.set(b, counts);
  const base = slugId(name, fallback);
  const key = `${kind} ${base}`;
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  return b.uniqueId(kind, n === 1 ? base : `${base.slice(0, 48)}-${n}`, fallback);
}

/** An ISO 8601 instant normalised to UTC, or undefined. */
export function instant(v: unknown): string | undefined {
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}T/.test(v)) return undefined;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999 ? d.toISOString() : undefined;
}

export interface Collected {
  users: Map<string, UserRecord>;
  userSeq: number;
  teams: Map<string, Located<Obj>>;
  schedules: Map<string, Located<Obj>>;
  overrides: Located<Obj>[];
  policies: Map<string, Located<Obj>>;
  services: Map<string, Located<Obj>>;
}

export type Unreadable = { kind: string; id: string; file: string; why: string }[];
