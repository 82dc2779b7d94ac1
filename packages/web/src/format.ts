/** Pure helpers for the views (unit-tested in format.test.ts). */
import { formatDuration as readableDuration } from "../../core/src/shared/duration";
import type { IncidentView, Severity } from "./types";

const SEVERITY_RANK: Record<Severity, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4, SEV5: 5 };

/**
 * Nobody has acknowledged it and it is high urgency (SEV1–SEV2, the default urgency; the pager
 * applies a team's own policy): someone is being paged for it right now.
 */
export function needsAttention(incident: Pick<IncidentView, "status" | "severity">): boolean {
  return incident.status === "declared" && (incident.severity === "SEV1" || incident.severity === "SEV2");
}

/**
 * Unacknowledged high-urgency incidents first; then most severe first; within a severity, the
 * oldest (longest open) first; then by number.
 */
export function compareIncidents(a: IncidentView, b: IncidentView): number {
  return (
    Number(needsAttention(b)) - Number(needsAttention(a)) ||
    (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) ||
    Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
    a.number - b.number
  );
}

/** "42s", "5m 03s", "3h 07m", "2d 4h": compact, and it ticks visibly. */
export function formatAge(fromIso: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (!Number.isFinite(seconds)) return "—";
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, "0")}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/**
 * Durations in seconds as the postmortem and Slack say them (one formatter, core's): "45s",
 * "12m", "2h 30m", "2d"; null → "—".
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  return readableDuration(seconds);
}

/** Which clock times are shown in: the viewer's own zone (the default) or UTC. */
export type ZoneMode = "local" | "utc";
let zoneMode: ZoneMode = "local";

export function getZoneMode(): ZoneMode {
  return zoneMode;
}

export function setZoneMode(mode: ZoneMode): void {
  zoneMode = mode;
}

export function formatTime(iso: string, mode: ZoneMode = zoneMode): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // With its zone ("GMT+1", "PST", "UTC"): at 3 a.m. nobody should have to guess which clock it is.
  return date.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "short",
    ...(mode === "utc" ? { timeZone: "UTC" } : {}),
  });
}

/** How long an incident has been open, or lasted: a resolved one stops aging at its resolution. */
export function incidentAge(incident: { createdAt: string; resolvedAt?: string }, now: number): string {
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : Number.NaN;
  return formatAge(incident.createdAt, Number.isFinite(end) ? end : now);
}

export interface Filters {
  severity: string;
  status: string;
  service: string;
  text: string;
}

export function applyFilters(items: IncidentView[], filters: Filters): IncidentView[] {
  const text = filters.text.trim().toLowerCase();
  return items
    .filter((i) => !filters.severity || i.severity === filters.severity)
    .filter((i) => !filters.status || i.status === filters.status)
    .filter((i) => !filters.service || i.services.includes(filters.service))
    .filter(
      (i) =>
        !text ||
        [i.title, i.key, i.alarm?.name ?? "", ...i.services].some((s) => s.toLowerCase().includes(text)),
    )
    .sort(compareIncidents);
}

/** What changed between the incident we showed and the current one (for a 409 conflict). */
export function describeChanges(before: IncidentView, after: IncidentView): string[] {
  const changes: string[] = [];
  if (before.status !== after.status) changes.push(`status ${before.status} → ${after.status}`);
  if (before.severity !== after.severity) changes.push(`severity ${before.severity} → ${after.severity}`);
  if (before.title !== after.title) changes.push(`title changed to "${after.title}"`);
  const roles = new Set([...Object.keys(before.roles ?? {}), ...Object.keys(after.roles ?? {})]);
  for (const role of [...roles].sort()) {
    const was = before.roles?.[role];
    const now = after.roles?.[role];
    if (was?.personId === now?.personId) continue;
    const name = (h: typeof was) => (h ? (h.personName ?? h.personId) : "nobody");
    changes.push(`${role.toUpperCase()} ${name(was)} → ${name(now)}`);
  }
  if (changes.length === 0 && before.version !== after.version)
    changes.push(`updated (version ${before.version} → ${after.version})`);
  return changes;
}
