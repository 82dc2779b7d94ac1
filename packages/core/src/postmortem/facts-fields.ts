/**
 * Reading a timeline entry's fields defensively for the postmortem's facts (facts.ts): a field of
 * the wrong type is absent, never trusted; what a person's entry says they did; instants parsed
 * and required with their path.
 */
import { ValidationError } from "@firebreak/core/shared/errors";
import { ROLES, type TimelineEntry } from "../incident/timeline";

export const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.length > 0 ? v : undefined;

export const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

export function parseMs(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

export function level(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export const PERSON_ACTORS = new Set(["user", "slack", "api"]);

/** What a person's entry says they did, for the responders list (undefined: nothing worth listing). */
export function actionOf(entry: TimelineEntry, data: Record<string, unknown>): string | undefined {
  switch (entry.kind) {
    case "incident.declared":
      return "declared the incident";
    case "incident.status_changed":
      return data.to === "acknowledged"
        ? "acknowledged"
        : data.to === "mitigated"
          ? "mitigated"
          : data.to === "resolved"
            ? "resolved"
            : data.from === "resolved"
              ? "reopened"
              : undefined;
    case "page.acknowledged":
      return "acknowledged a page";
    case "incident.update_posted":
      return data.temporary === true ? "applied a temporary fix" : "posted an update";
    case "incident.role_assigned":
      return "assigned a role";
    case "incident.severity_changed":
      return "changed the severity";
    case "incident.responder_requested":
      return "paged someone in";
    case "incident.escalation_requested":
      return "escalated";
    case "incident.merge_received":
    case "incident.merged":
      return "merged incidents";
    case "incident.linked":
      return "linked an incident";
    default:
      return undefined;
  }
}
export const ROLE_SET = new Set<string>(ROLES);

export function personLabel(v: unknown): string | null {
  const s = str(v);
  if (s) return s;
  const o = obj(v);
  return str(o?.name) ?? str(o?.personName) ?? str(o?.id) ?? str(o?.personId) ?? null;
}

export function requireMs(value: string | undefined, path: string): number {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new ValidationError(`invalid incident: ${path} is not a timestamp`, [
      { path, message: "expected an ISO 8601 timestamp" },
    ]);
  }
  return ms;
}

export const optionalMs = (value: string | undefined) => (value === undefined ? undefined : parseMs(value));

/** Pages sent: every requested page, plus pages seen delivered/failed/acknowledged whose request is missing. */
export function sentCount(requested: Set<string>, others: Set<string>[]): number {
  let count = requested.size;
  const extra = new Set<string>();
  for (const set of others) {
    for (const id of set) if (!requested.has(id) && !id.startsWith("entry:")) extra.add(id);
  }
  count += extra.size;
  return count;
}
