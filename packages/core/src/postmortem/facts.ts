import { formatDuration } from "@firebreak/core/shared/duration";
import type { Actor, Incident } from "../incident/model";
import { ROLES, type Role, type TimelineEntry } from "../incident/timeline";
import {
  actionOf,
  level,
  obj,
  optionalMs,
  PERSON_ACTORS,
  parseMs,
  personLabel,
  ROLE_SET,
  requireMs,
  sentCount,
  str,
} from "./facts-fields";
import { IMPACT_START_MAX_LEAD_SECONDS, type ImpactStartSource } from "./types";

export { IMPACT_START_MAX_LEAD_SECONDS, str };

/**
 * Facts read from an incident and its timeline, in one pass over the entries (plus a sort only
 * when they are out of order). The timeline's `data` is read defensively: a field of the wrong
 * type is treated as absent, never trusted.
 */

export interface OrderedEntry {
  entry: TimelineEntry;
  ms: number;
  iso: string;
}

export interface Interval {
  role: Role;
  personId: string;
  personName: string | null;
  fromMs: number;
  toMs: number | null;
}

export interface TemporaryFix {
  entryId: string;
  text: string;
  atMs: number;
  postedBy: string | null;
  /** The poster, when a person (user, Slack or API actor). */
  personPoster: string | null;
}

export interface PageAck {
  who: string | null;
  /** Seconds from the page request to its acknowledgement, when the page id links them. */
  seconds: number | null;
}

export interface Handoff {
  role: Role;
  from: string;
  to: string;
  atMs: number;
}

/** What one person did during the incident (from the entries they are the actor of). */
export interface PersonActions {
  id: string;
  name: string;
  /** In the order first done: "declared the incident", "acknowledged", "posted 2 updates", … */
  actions: string[];
}

export interface Facts {
  entries: OrderedEntry[];
  detectedMs: number;
  impactStartMs: number;
  impactStartSource: ImpactStartSource;
  /**
   * Why the impact start is not the opening alarm's state time, when it is not: that time was
   * implausible (after detection, or more than IMPACT_START_MAX_LEAD_SECONDS before it).
   */
  impactStartNote: string | null;
  /** Everyone who acted, in the order they first did, with what they did. */
  actors: PersonActions[];
  /** Level 1's timeout (minutes) in the escalation policy in force, when the pager started one. */
  firstLevelTimeoutMinutes: number | null;
  /** The role notes the pager made (no comms lead, the ops lead is the IC…). */
  roleGaps: string[];
  flapping: boolean;
  /** Alarm transitions that arrived after a newer one (out of order). */
  lateAlarms: number;
  /** Why pages were not delivered, one entry each. */
  failedPages: string[];
  openingAlarm: { name: string | null; arn: string; reason: string | null; stateMs: number } | undefined;
  acknowledgedMs: number | null;
  mitigatedMs: number | null;
  resolvedMs: number | null;
  mitigatedEntry: OrderedEntry | undefined;
  alarmArns: string[];
  locations: { account: string; region: string }[];
  intervals: Interval[];
  handoffs: Handoff[];
  pages: {
    sent: number;
    delivered: number;
    failed: number;
    acknowledged: number;
    highestLevel: number | null;
    fallbackReached: boolean;
    acks: PageAck[];
  };
  temporaryFixes: TemporaryFix[];
  updates: OrderedEntry[];
  declaredBy: Actor | undefined;
  /** People's names seen on the timeline (responders and actors), for the lint. */
  names: Set<string>;
}

/**
 * The incident's own entries, deduplicated by id, in time order (`at`, then id). Entries about the
 * postmortem itself (`postmortem.*`) are left out: they come after the draft and would make a
 * regeneration differ from the draft it follows. Entries with an unreadable `at` are dropped.
 */
export function orderTimeline(incident: Incident, timeline: readonly TimelineEntry[]): OrderedEntry[] {
  const seen = new Set<string>();
  const out: OrderedEntry[] = [];
  let sorted = true;
  for (const entry of timeline) {
    if (entry.incidentId !== incident.id) continue;
    if (typeof entry.kind !== "string" || entry.kind.startsWith("postmortem.")) continue;
    if (seen.has(entry.id)) continue;
    const ms = parseMs(entry.at);
    if (ms === undefined) continue;
    seen.add(entry.id);
    const prev = out[out.length - 1];
    if (prev && (prev.ms > ms || (prev.ms === ms && prev.entry.id > entry.id))) sorted = false;
    out.push({ entry, ms, iso: new Date(ms).toISOString() });
  }
  if (!sorted)
    out.sort((a, b) => a.ms - b.ms || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0));
  return out;
}

export function collectFacts(incident: Incident, timeline: readonly TimelineEntry[]): Facts {
  const detectedMs = requireMs(incident.createdAt, "incident.createdAt");
  const entries = orderTimeline(incident, timeline);
  const names = new Set<string>();
  const addName = (n: unknown) => {
    const s = str(n);
    if (s) names.add(s);
  };

  const alarmArns: string[] = [];
  const arnSeen = new Set<string>();
  const addArn = (arn: string | undefined) => {
    if (arn && !arnSeen.has(arn)) {
      arnSeen.add(arn);
      alarmArns.push(arn);
    }
  };
  addArn(incident.alarm?.arn);

  const locations: { account: string; region: string }[] = [];
  const locationSeen = new Set<string>();
  const addLocation = (account: unknown, region: unknown) => {
    const a = str(account);
    const r = str(region);
    if (!a || !r) return;
    const key = `${a}\u0000${r}`;
    if (locationSeen.has(key)) return;
    locationSeen.add(key);
    locations.push({ account: a, region: r });
  };
  for (const l of incident.locations ?? []) addLocation(l.account, l.region);
  if (incident.alarm) addLocation(incident.alarm.account, incident.alarm.region);

  let openingAlarm: Facts["openingAlarm"];
  let anyAlarm: Facts["openingAlarm"];
  let ackFromTimeline: number | undefined;
  let pageAckMs: number | undefined;
  let mitigatedEntry: OrderedEntry | undefined;
  let resolvedFromTimeline: number | undefined;
  let declaredBy: Actor | undefined;

  const open = new Map<Role, Interval>();
  const intervals: Interval[] = [];
  const handoffs: Handoff[] = [];
  const requested = new Set<string>();
  const delivered = new Set<string>();
  const failed = new Set<string>();
  const acked = new Set<string>();
  const requestedAt = new Map<string, number>();
  const acks: PageAck[] = [];
  let highestLevel: number | null = null;
  let fallbackReached = false;
  const temporaryFixes: TemporaryFix[] = [];
  const updates: OrderedEntry[] = [];
  const actors = new Map<string, PersonActions & { counts: Map<string, number> }>();
  let firstLevelTimeoutMinutes: number | null = null;
  const roleGaps: string[] = [];
  let flapping = incident.flapping === true;
  let lateAlarms = 0;
  const failedPages: string[] = [];

  for (const oe of entries) {
    const { entry, ms } = oe;
    const data = obj(entry.data) ?? {};
    const actor = obj(entry.actor) as Actor | undefined;
    if (actor && PERSON_ACTORS.has(actor.type)) {
      addName(actor.name);
      const action = actionOf(entry, data);
      const id = str(actor.id);
      if (action && id) {
        let person = actors.get(id);
        if (!person) {
          person = { id, name: str(actor.name) ?? id, actions: [], counts: new Map() };
          actors.set(id, person);
        }
        if (!person.counts.has(action)) person.actions.push(action);
        person.counts.set(action, (person.counts.get(action) ?? 0) + 1);
      }
    }
    switch (entry.kind) {
      case "escalation.started": {
        const levels = Array.isArray(data.levels) ? data.levels : [];
        const timeout = obj(levels[0])?.timeoutMinutes;
        if (firstLevelTimeoutMinutes === null && typeof timeout === "number" && timeout > 0)
          firstLevelTimeoutMinutes = timeout;
        break;
      }
      case "incident.role_flagged": {
        const summary = str(entry.summary);
        if (summary) roleGaps.push(summary);
        break;
      }
      case "incident.flapping":
        flapping = true;
        break;
      case "incident.declared":
        declaredBy ??= actor;
        break;
      case "incident.alarm_transition": {
        const arn = str(data.alarmArn);
        addArn(arn);
        addLocation(data.account, data.region);
        if (data.late === true) lateAlarms++;
        const stateMs = parseMs(data.stateTimestamp);
        if (data.state === "ALARM" && arn && stateMs !== undefined) {
          const found = { name: str(data.alarmName) ?? null, arn, reason: str(data.reason) ?? null, stateMs };
          anyAlarm ??= found;
          if (!openingAlarm && (!incident.alarm || incident.alarm.arn === arn)) openingAlarm = found;
        }
        break;
      }
      case "incident.status_changed":
        if (data.to === "acknowledged") ackFromTimeline ??= ms;
        if (data.to === "mitigated") mitigatedEntry ??= oe;
        if (data.to === "resolved") resolvedFromTimeline ??= ms;
        break;
      case "incident.role_assigned": {
        const role = str(data.role);
        const personId = str(data.personId);
        if (!role || !ROLE_SET.has(role) || !personId) break;
        const personName = str(data.personName) ?? null;
        addName(personName);
        const current = open.get(role as Role);
        if (current?.personId === personId) {
          current.personName ??= personName;
          break;
        }
        if (current) {
          current.toMs = ms;
          intervals.push(current);
          handoffs.push({
            role: role as Role,
            from: current.personName ?? current.personId,
            to: personName ?? personId,
            atMs: ms,
          });
        } else {
          // A handoff from someone whose assignment is not on this timeline: keep their interval.
          const previous = obj(data.previous);
          const previousId = str(previous?.personId);
          const since = parseMs(previous?.since);
          addName(previous?.personName);
          if (previousId && since !== undefined && since <= ms && previousId !== personId) {
            handoffs.push({
              role: role as Role,
              from: str(previous?.personName) ?? previousId,
              to: personName ?? personId,
              atMs: ms,
            });
            intervals.push({
              role: role as Role,
              personId: previousId,
              personName: str(previous?.personName) ?? null,
              fromMs: since,
              toMs: ms,
            });
          }
        }
        open.set(role as Role, { role: role as Role, personId, personName, fromMs: ms, toMs: null });
        break;
      }
      case "incident.update_posted": {
        updates.push(oe);
        const text = typeof data.text === "string" ? data.text : undefined;
        if (data.temporary === true && text !== undefined && text.trim() !== "") {
          const posterName = actor ? (str(actor.name) ?? str(actor.id) ?? null) : null;
          temporaryFixes.push({
            entryId: entry.id,
            text,
            atMs: ms,
            postedBy: posterName,
            personPoster: actor && PERSON_ACTORS.has(actor.type) ? posterName : null,
          });
        }
        break;
      }
      case "page.requested":
      case "page.delivered":
      case "page.failed":
      case "page.acknowledged": {
        const pageId = str(data.pageId) ?? `entry:${entry.id}`;
        const lvl = level(data.level);
        if (lvl !== undefined && (highestLevel === null || lvl > highestLevel)) highestLevel = lvl;
        if (data.level === "fallback") fallbackReached = true;
        if (entry.kind === "page.requested") {
          requested.add(pageId);
          if (!requestedAt.has(pageId)) requestedAt.set(pageId, ms);
        } else if (entry.kind === "page.delivered") delivered.add(pageId);
        else if (entry.kind === "page.failed") {
          const error = str(data.error);
          if (!failed.has(pageId))
            failedPages.push(
              `${str(entry.summary) ?? "a page was not delivered"}${error ? ` (${error})` : ""}`,
            );
          failed.add(pageId);
        } else if (!acked.has(pageId)) {
          acked.add(pageId);
          pageAckMs ??= ms;
          const who =
            (actor && PERSON_ACTORS.has(actor.type) ? (str(actor.name) ?? null) : null) ??
            personLabel(data.target);
          const sentMs = requestedAt.get(pageId);
          acks.push({ who, seconds: sentMs === undefined ? null : (ms - sentMs) / 1000 });
        }
        break;
      }
      default:
        break;
    }
  }

  // Who holds a role now, according to the incident, when the timeline does not show it.
  for (const role of ROLES) {
    const holder = incident.roles?.[role];
    if (!holder || open.has(role)) continue;
    const from = parseMs(holder.assignedAt);
    if (from === undefined || !str(holder.personId)) continue;
    addName(holder.personName);
    open.set(role, {
      role,
      personId: holder.personId,
      personName: str(holder.personName) ?? null,
      fromMs: from,
      toMs: null,
    });
  }

  openingAlarm ??= anyAlarm;
  // The impact began at the opening ALARM's own state time, when that is plausible: not after
  // detection, and not more than IMPACT_START_MAX_LEAD_SECONDS before it. Otherwise the incident's
  // creation is the start (not observed), and the note says why.
  let impactStartNote: string | null = null;
  if (openingAlarm) {
    const lead = (detectedMs - openingAlarm.stateMs) / 1000;
    const stated = new Date(openingAlarm.stateMs).toISOString();
    if (lead < 0)
      impactStartNote = `the alarm's state time (${stated}) is after the incident was created: the clocks disagree, so the impact start is the detection time`;
    else if (lead > IMPACT_START_MAX_LEAD_SECONDS)
      impactStartNote = `the alarm's state time (${stated}) is ${formatDuration(lead)} before the incident was created, more than the ${formatDuration(IMPACT_START_MAX_LEAD_SECONDS)} an alarm takes to arrive: a replayed or late event, not the impact's start, so the impact start is the detection time`;
  }
  const plausible = openingAlarm !== undefined && impactStartNote === null;
  const impactStartMs = plausible ? openingAlarm!.stateMs : detectedMs;

  const acknowledgedCandidates = [optionalMs(incident.acknowledgedAt), ackFromTimeline, pageAckMs].filter(
    (v): v is number => v !== undefined,
  );
  const acknowledgedMs = acknowledgedCandidates.length > 0 ? Math.min(...acknowledgedCandidates) : null;
  const mitigatedMs = optionalMs(incident.mitigatedAt) ?? mitigatedEntry?.ms ?? null;
  const resolvedMs = optionalMs(incident.resolvedAt) ?? resolvedFromTimeline ?? null;

  for (const interval of open.values()) {
    interval.toMs = resolvedMs !== null && resolvedMs >= interval.fromMs ? resolvedMs : null;
    intervals.push(interval);
  }
  const roleOrder = (r: Role) => ROLES.indexOf(r);
  intervals.sort((a, b) => a.fromMs - b.fromMs || roleOrder(a.role) - roleOrder(b.role));

  return {
    entries,
    detectedMs,
    impactStartMs,
    impactStartSource: plausible ? "alarm_state" : "declared",
    impactStartNote,
    actors: [...actors.values()].map(({ id, name, actions, counts }) => ({
      id,
      name,
      actions: actions.map((a) => {
        const n = counts.get(a) ?? 1;
        if (n === 1) return a;
        if (a === "posted an update") return `posted ${n} updates`;
        if (a === "assigned a role") return `assigned ${n} roles`;
        if (a === "acknowledged a page") return `acknowledged ${n} pages`;
        return `${a} (${n} times)`;
      }),
    })),
    firstLevelTimeoutMinutes,
    roleGaps,
    flapping,
    lateAlarms,
    failedPages,
    openingAlarm,
    acknowledgedMs,
    mitigatedMs,
    resolvedMs,
    mitigatedEntry,
    alarmArns,
    locations,
    intervals,
    handoffs,
    pages: {
      sent: sentCount(requested, [delivered, failed, acked]),
      delivered: delivered.size,
      failed: failed.size,
      acknowledged: acked.size,
      highestLevel,
      fallbackReached,
      acks,
    },
    temporaryFixes,
    updates,
    declaredBy,
    names,
  };
}
