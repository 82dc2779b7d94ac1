/**
 * Alarm grouping: which open incident a new alarm episode joins instead of opening its own. A
 * team's `grouping` in the on-call directory says how its alarms group:
 *
 * - `by-service` (the default): an alarm that fires for a service while an incident for that
 *   service (and team) is open joins that incident: a `related alarm` entry with its context, a page
 *   to the current incident commander only (once per alarm), no second incident. The incident is
 *   all clear (auto-resolved on OK) only when every one of its alarms is OK.
 * - `by-alarm` / `none`: every alarm opens its own incident (its own repeated transitions are one
 *   episode, as always).
 *
 * Only alarms that name their service (a tag, the description or the name: alarm/classify.ts) and
 * whose owning team the directory knows are grouped: `unassigned` alarms never are. Pure.
 */
import * as z from "@firebreak/core/shared/zod";
import type { AlarmClassification } from "./classify";

export const GROUPINGS = ["by-service", "by-alarm", "none"] as const;
export type Grouping = (typeof GROUPINGS)[number];
export const DEFAULT_GROUPING: Grouping = "by-service";

export const groupingSchema = z.enum(GROUPINGS, {
  error: (issue) => `expected a grouping: ${GROUPINGS.join(", ")}, got ${JSON.stringify(issue.input)}`,
});

/** The key of the group a new episode of this alarm joins, or undefined when it is not grouped. */
export function groupKeyOf(
  classification: Pick<AlarmClassification, "services" | "serviceSource">,
  owner: { id: string; grouping?: Grouping } | undefined | null,
): string | undefined {
  if (!owner) return undefined;
  if ((owner.grouping ?? DEFAULT_GROUPING) !== "by-service") return undefined;
  const service = classification.services[0];
  if (!service || classification.serviceSource === "default") return undefined;
  return `${owner.id}#${service}`;
}

/**
 * Whether an alarm still keeps its incident from being all clear: it holds the incident and its
 * latest in-order state is ALARM.
 */
export function stillFiring(
  alarm: { lastState: string; openIncidentId?: string },
  incidentId: string,
): boolean {
  return alarm.openIncidentId === incidentId && alarm.lastState === "ALARM";
}

export interface IncidentAlarm {
  arn: string;
  name: string;
  /** Its latest in-order state on the incident's timeline (the state it joined in, at least). */
  state: string;
  /** That state's timestamp (the alarm's own clock). */
  since?: string;
  /** `opened` for the alarm that opened the incident, `grouped` for one that joined it. */
  role: "opened" | "grouped";
}

/**
 * The incident's alarms and their states, from its timeline (the latest transition of each that
 * was not late): what the dashboard and the API list, and what "all clear" is read from.
 */
/** Records `state` on the alarm when it is at least as recent as the one it has (or it has none). */
function latest(alarm: IncidentAlarm | undefined, state: unknown, at: string | undefined): void {
  if (!alarm || typeof state !== "string") return;
  if (alarm.since === undefined || (at !== undefined && at >= alarm.since)) {
    alarm.state = state;
    if (at !== undefined) alarm.since = at;
  }
}

export function incidentAlarms(
  incident: {
    alarm?: { arn: string; name: string };
    relatedAlarms?: ReadonlyArray<{ arn: string; name: string }>;
  },
  timeline: ReadonlyArray<{ kind: string; data: Record<string, unknown> }>,
): IncidentAlarm[] {
  const out = new Map<string, IncidentAlarm>();
  if (incident.alarm)
    out.set(incident.alarm.arn, {
      arn: incident.alarm.arn,
      name: incident.alarm.name,
      state: "ALARM",
      role: "opened",
    });
  for (const a of incident.relatedAlarms ?? [])
    if (!out.has(a.arn)) out.set(a.arn, { arn: a.arn, name: a.name, state: "ALARM", role: "grouped" });
  for (const entry of timeline) {
    // A merged incident's alarms arrive with their last known states (core/incident/merge.ts).
    if (entry.kind === "incident.merge_received" && Array.isArray(entry.data.alarms)) {
      for (const moved of entry.data.alarms as {
        arn?: unknown;
        state?: unknown;
        stateTimestamp?: unknown;
      }[]) {
        if (typeof moved.stateTimestamp === "string")
          latest(out.get(String(moved.arn)), moved.state, moved.stateTimestamp);
      }
      continue;
    }
    if (entry.kind !== "incident.alarm_transition" || entry.data.late === true) continue;
    const at = typeof entry.data.stateTimestamp === "string" ? entry.data.stateTimestamp : undefined;
    latest(out.get(String(entry.data.alarmArn)), entry.data.state, at);
  }
  return [...out.values()];
}
