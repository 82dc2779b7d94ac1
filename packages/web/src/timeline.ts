/**
 * The incident timeline as people read it (issue 18): each raw kind gets a label, an icon and a
 * group; the view filters by group (paging noise hidden by default), shows the newest first and
 * groups entries by minute. Pure, unit-tested in timeline.test.ts.
 */
import type { TimelineEntry } from "./types";

export type TimelineGroup = "people" | "alarms" | "paging";
export type TimelineFilter = "default" | "all" | TimelineGroup;

export const TIMELINE_FILTERS: readonly { value: TimelineFilter; label: string }[] = [
  { value: "default", label: "Without paging" },
  { value: "all", label: "All" },
  { value: "people", label: "People" },
  { value: "alarms", label: "Alarms" },
  { value: "paging", label: "Paging" },
];

interface KindInfo {
  label: string;
  icon: string;
  group: TimelineGroup;
}

const KINDS: Record<string, KindInfo> = {
  "incident.declared": { label: "Declared", icon: "🚨", group: "people" },
  "incident.alarm_transition": { label: "Alarm", icon: "📈", group: "alarms" },
  "incident.alarm_attached": { label: "Alarm joined", icon: "📈", group: "alarms" },
  "incident.flapping": { label: "Flapping", icon: "〰️", group: "alarms" },
  "incident.status_changed": { label: "Status", icon: "✅", group: "people" },
  "incident.severity_changed": { label: "Severity", icon: "⚠️", group: "people" },
  "incident.role_assigned": { label: "Role", icon: "👤", group: "people" },
  "incident.role_flagged": { label: "Role gap", icon: "👤", group: "paging" },
  "incident.update_posted": { label: "Update", icon: "📣", group: "people" },
  "incident.responder_requested": { label: "Paged in", icon: "📟", group: "people" },
  "incident.escalation_requested": { label: "Escalation asked", icon: "⏫", group: "people" },
  "incident.merged": { label: "Merged", icon: "🔗", group: "people" },
  "incident.merge_received": { label: "Merged in", icon: "🔗", group: "people" },
  "incident.linked": { label: "Linked", icon: "🔗", group: "people" },
  "incident.unlinked": { label: "Unlinked", icon: "🔗", group: "people" },
  "postmortem.drafted": { label: "Postmortem", icon: "📝", group: "people" },
  "action_item.created": { label: "Action item", icon: "🗒️", group: "people" },
  "action_item.updated": { label: "Action item", icon: "🗒️", group: "people" },
  "page.requested": { label: "Paging", icon: "📟", group: "paging" },
  "page.delivered": { label: "Page delivered", icon: "📟", group: "paging" },
  "page.failed": { label: "Page failed", icon: "❗", group: "paging" },
  "page.acknowledged": { label: "Page acknowledged", icon: "✅", group: "people" },
  "page.held": { label: "Page held", icon: "⏸️", group: "paging" },
  "page.hold_cancelled": { label: "Held page cancelled", icon: "⏸️", group: "paging" },
  "escalation.started": { label: "Escalation", icon: "⏫", group: "paging" },
  "escalation.not_started": { label: "Nobody to page", icon: "❗", group: "paging" },
  "escalation.escalated": { label: "Escalated", icon: "⏫", group: "paging" },
  "escalation.level_skipped": { label: "Level skipped", icon: "⏭️", group: "paging" },
  "escalation.role_coverage": { label: "Role coverage", icon: "⏫", group: "paging" },
  "escalation.stopped": { label: "Escalation stopped", icon: "⏹️", group: "paging" },
  "escalation.restarted": { label: "Escalation restarted", icon: "⏫", group: "paging" },
  "escalation.related_alarm": { label: "Alarm joined", icon: "📈", group: "alarms" },
  "escalation.responder_not_paged": { label: "Not paged", icon: "❗", group: "paging" },
  "escalation.repaged": { label: "Re-paged", icon: "📟", group: "paging" },
  "escalation.request_noop": { label: "Nothing to page", icon: "⏹️", group: "paging" },
};

/** A kind as people read it; an unknown kind becomes words ("incident.thing_done" → "Thing done"). */
export function kindInfo(kind: string): KindInfo {
  const known = KINDS[kind];
  if (known) return known;
  const words = (kind.split(".").pop() ?? kind).replaceAll("_", " ");
  return {
    label: `${words.charAt(0).toUpperCase()}${words.slice(1)}`,
    icon: "•",
    group: kind.startsWith("page.") || kind.startsWith("escalation.") ? "paging" : "people",
  };
}

/** Whether `entry` is shown under `filter` ("default": everything but paging noise). */
export function shownUnder(entry: Pick<TimelineEntry, "kind">, filter: TimelineFilter): boolean {
  const group = kindInfo(entry.kind).group;
  if (filter === "all") return true;
  if (filter === "default") return group !== "paging";
  return group === filter;
}

export interface MinuteGroup {
  /** The minute, "YYYY-MM-DDTHH:MM" (UTC), and its first instant. */
  minute: string;
  at: string;
  entries: TimelineEntry[];
}

/** Newest first, grouped by the minute they happened in (UTC minutes; the view shows the time). */
export function byMinuteNewestFirst(entries: readonly TimelineEntry[]): MinuteGroup[] {
  const sorted = [...entries].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id.localeCompare(a.id)));
  const groups: MinuteGroup[] = [];
  for (const entry of sorted) {
    const minute = new Date(entry.at).toISOString().slice(0, 16);
    const last = groups.at(-1);
    if (last && last.minute === minute) last.entries.push(entry);
    else groups.push({ minute, at: `${minute}:00.000Z`, entries: [entry] });
  }
  return groups;
}

/** The latest stakeholder update, for the header. */
export function latestUpdate(entries: readonly TimelineEntry[]): TimelineEntry | undefined {
  let latest: TimelineEntry | undefined;
  for (const e of entries)
    if (e.kind === "incident.update_posted" && (!latest || e.at > latest.at)) latest = e;
  return latest;
}

/**
 * Where the escalation stands, for the header: while nobody has acknowledged, the highest level
 * paged and since when ("paging level 2 since 03:12, nobody acknowledged"); undefined otherwise.
 */
export function escalationState(
  status: string,
  pages: readonly { level: number | string; requestedAt: string }[] | null,
): { level: number | string; since: string } | undefined {
  if (status !== "declared" || !pages || pages.length === 0) return undefined;
  let top: { level: number | string; since: string } | undefined;
  for (const p of pages) {
    const rank = (l: number | string) => (typeof l === "number" ? l : Number.POSITIVE_INFINITY);
    if (!top || rank(p.level) > rank(top.level) || (p.level === top.level && p.requestedAt < top.since))
      top = { level: p.level, since: p.requestedAt };
  }
  return top;
}
