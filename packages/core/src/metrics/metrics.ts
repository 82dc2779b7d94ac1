import { ValidationError } from "@firebreak/core/shared/errors";
import { SEVERITIES } from "../incident/model";
import {
  IMPACT_START_MAX_LEAD_SECONDS,
  type Postmortem,
  RELEASE_INVOLVED_VALUES,
  type ReleaseInvolved,
} from "../postmortem/types";

/**
 * Incident metrics from postmortem metadata documents (pure).
 *
 * - An incident is in the window when its impact_start is in [since, until).
 * - The same incident twice (several drafts) counts once: the document with the latest
 *   `generated_at` wins.
 * - MTTD, MTTA, MTTM, MTTR: the mean of the documents' TTD, TTA, TTM, TTR seconds, ignoring
 *   nulls; null when no document has one. An implausible TTD (`saneDurations`) is never taken. (Human-declared incidents have TTD null, so MTTD is the
 *   mean over alarm-detected incidents.)
 * - MTBF: the mean time between consecutive impact starts in the group, i.e.
 *   (last − first) / (n − 1) seconds; null with fewer than 2 incidents.
 * - Groups: overall, per service (an incident with two services counts in both), per severity
 *   (every severity is listed, empty ones with count 0), per release involvement (`byRelease`:
 *   the document's `release_involved.value`, yes, suspected, no, unknown, every value listed, empty
 *   ones with count 0; `suspected` is v2's "changes just before the impact, not confirmed", and a
 *   v1 document is yes, no or unknown), so MTTR with a release involved compares with MTTR without.
 * - Weekly trend: ISO weeks (Monday 00:00 UTC) from the week of `since` to the week of the
 *   window's last instant, every week listed, empty ones with count 0; each week carries its own
 *   figures overall and per service, so a trend chart is one request, not one per week.
 * - With a service filter, only that service's incidents count, and `byService` has that service only.
 * Means are rounded to the millisecond (3 decimals).
 */

export interface MetricsWindow {
  since: Date;
  until: Date;
}

export interface MetricsOptions {
  window: MetricsWindow;
  service?: string;
}

export interface GroupMetrics {
  key: string;
  count: number;
  /** Seconds. */
  mttd: number | null;
  mtta: number | null;
  mttm: number | null;
  mttr: number | null;
  mtbf: number | null;
}

export interface WeeklyPoint {
  /** ISO week, e.g. "2026-W11". */
  week: string;
  /** The week's Monday (UTC), YYYY-MM-DD. */
  weekStart: string;
  count: number;
  /** The week's figures, all services together. */
  overall: GroupMetrics;
  /** The week's figures per service (every service of the window, empty ones with count 0). */
  byService: GroupMetrics[];
}

export interface MetricsReport {
  window: { since: string; until: string };
  service: string | null;
  overall: GroupMetrics;
  byService: GroupMetrics[];
  bySeverity: GroupMetrics[];
  /** Per release involvement: keys yes, suspected, no, unknown (in that order, all listed). */
  byRelease: GroupMetrics[];
  weekly: WeeklyPoint[];
}

/** A document's release involvement as the metrics group it (an unreadable one is unknown). */
export function releaseOf(doc: Postmortem): ReleaseInvolved {
  const value = (doc.release_involved as { value?: unknown } | undefined)?.value;
  return RELEASE_INVOLVED_VALUES.includes(value as ReleaseInvolved) ? (value as ReleaseInvolved) : "unknown";
}

const MS_PER_DAY = 86_400_000;
const MS_PER_WEEK = 7 * MS_PER_DAY;

interface Item {
  doc: Postmortem;
  impactMs: number;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

function mean(values: (number | null)[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    sum += v;
    n++;
  }
  return n === 0 ? null : round3(sum / n);
}

/**
 * A document's TTD, TTM and TTR as the metrics take them. Drafts made before impact starts were
 * checked may carry an implausible one (a replayed alarm: TTD of a year, or negative): its TTD is
 * left out, and TTM and TTR are counted from detection instead, so one bad event cannot swamp a mean.
 */
export function saneDurations(doc: Postmortem): {
  ttd: number | null;
  ttm: number | null;
  ttr: number | null;
} {
  const { ttd, ttm, ttr } = doc.durations;
  const lead = ttd.seconds;
  if (lead === null || (lead >= 0 && lead <= IMPACT_START_MAX_LEAD_SECONDS))
    return { ttd: lead, ttm: ttm.seconds, ttr: ttr.seconds };
  const fromDetection = (v: number | null) => (v === null ? null : Math.max(0, v - lead));
  return { ttd: null, ttm: fromDetection(ttm.seconds), ttr: fromDetection(ttr.seconds) };
}

function group(key: string, items: readonly Item[]): GroupMetrics {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const i of items) {
    if (i.impactMs < first) first = i.impactMs;
    if (i.impactMs > last) last = i.impactMs;
  }
  return {
    key,
    count: items.length,
    mttd: mean(items.map((i) => saneDurations(i.doc).ttd)),
    mtta: mean(items.map((i) => i.doc.durations.tta.seconds)),
    mttm: mean(items.map((i) => saneDurations(i.doc).ttm)),
    mttr: mean(items.map((i) => saneDurations(i.doc).ttr)),
    mtbf: items.length < 2 ? null : round3((last - first) / 1000 / (items.length - 1)),
  };
}

/** Monday 00:00 UTC of the ISO week containing `ms`. */
export function isoWeekStart(ms: number): number {
  const day = Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return day - weekday * MS_PER_DAY;
}

/** "2026-W11" for the ISO week starting on Monday `mondayMs`. */
export function isoWeekLabel(mondayMs: number): string {
  const thursday = new Date(mondayMs + 3 * MS_PER_DAY);
  const year = thursday.getUTCFullYear();
  const dayOfYear = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / MS_PER_DAY) + 1;
  const week = Math.floor((dayOfYear - 1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

function checkWindow(window: MetricsWindow): { sinceMs: number; untilMs: number } {
  const sinceMs = window?.since instanceof Date ? window.since.getTime() : Number.NaN;
  const untilMs = window?.until instanceof Date ? window.until.getTime() : Number.NaN;
  if (!Number.isFinite(sinceMs) || !Number.isFinite(untilMs)) {
    throw new ValidationError("invalid metrics window: since and until must be valid dates", [
      { path: "window", message: "expected { since: Date, until: Date }" },
    ]);
  }
  if (sinceMs >= untilMs) {
    throw new ValidationError("invalid metrics window: since must be before until", [
      { path: "window.since", message: "must be before window.until" },
    ]);
  }
  return { sinceMs, untilMs };
}

export function computeMetrics(docs: readonly Postmortem[], options: MetricsOptions): MetricsReport {
  const { sinceMs, untilMs } = checkWindow(options.window);
  const service = options.service;

  // One document per incident: the latest generated.
  const byIncident = new Map<string, Postmortem>();
  for (const doc of docs) {
    const seen = byIncident.get(doc.incident.id);
    if (!seen || Date.parse(doc.generated_at) > Date.parse(seen.generated_at))
      byIncident.set(doc.incident.id, doc);
  }

  const items: Item[] = [];
  for (const doc of byIncident.values()) {
    const impactMs = Date.parse(doc.timestamps.impact_start);
    if (!Number.isFinite(impactMs) || impactMs < sinceMs || impactMs >= untilMs) continue;
    if (service !== undefined && !doc.incident.services.includes(service)) continue;
    items.push({ doc, impactMs });
  }
  items.sort((a, b) => a.impactMs - b.impactMs || (a.doc.incident.id < b.doc.incident.id ? -1 : 1));

  const services = new Map<string, Item[]>();
  if (service !== undefined) services.set(service, []);
  for (const item of items) {
    for (const s of new Set(item.doc.incident.services)) {
      if (service !== undefined && s !== service) continue;
      const list = services.get(s) ?? [];
      list.push(item);
      services.set(s, list);
    }
  }
  const bySeverity = SEVERITIES.map((sev) =>
    group(
      sev,
      items.filter((i) => i.doc.incident.severity === sev),
    ),
  );

  const byRelease = RELEASE_INVOLVED_VALUES.map((value) =>
    group(
      value,
      items.filter((i) => releaseOf(i.doc) === value),
    ),
  );

  const weekly: WeeklyPoint[] = [];
  const inWeek = new Map<number, Item[]>();
  for (const item of items) {
    const w = isoWeekStart(item.impactMs);
    const list = inWeek.get(w) ?? [];
    list.push(item);
    inWeek.set(w, list);
  }
  const serviceKeys = [...services.keys()].sort();
  for (let w = isoWeekStart(sinceMs); w <= isoWeekStart(untilMs - 1); w += MS_PER_WEEK) {
    const week = inWeek.get(w) ?? [];
    weekly.push({
      week: isoWeekLabel(w),
      weekStart: new Date(w).toISOString().slice(0, 10),
      count: week.length,
      overall: group("all", week),
      byService: serviceKeys.map((key) =>
        group(
          key,
          week.filter((i) => i.doc.incident.services.includes(key)),
        ),
      ),
    });
  }

  return {
    window: { since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString() },
    service: service ?? null,
    overall: group("all", items),
    byService: [...services.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, list]) => group(key, list)),
    bySeverity,
    byRelease,
    weekly,
  };
}
