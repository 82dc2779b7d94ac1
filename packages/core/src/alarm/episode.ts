import { alarmContextOf } from "./context";
import { type AlarmRecord, MAX_FLAP_HISTORY, MAX_ORPHANS, type OrphanTransition } from "./record";
import type { AlarmTransition } from "./transition";

/**
 * The pure heart of ingestion: given what we know of an alarm and one transition, decide what
 * happens. No I/O, no clock: the caller passes `now` and the id a new incident would get.
 *
 * Rules:
 * - Transitions are ordered by the alarm's own `stateTimestamp`, never by arrival. One older
 *   than the latest recorded is *late*: it goes on the timeline marked late and changes no state.
 * - The same transition delivered twice (even with two delivery ids, e.g. via SNS and
 *   EventBridge) is a duplicate and changes nothing.
 * - ALARM opens an incident when none is open for the alarm, else it is appended.
 * - OK and INSUFFICIENT_DATA are recorded on the open incident and never open one. OK resolves
 *   only when `autoResolveOnOk` is on.
 * - A late ALARM whose episode nobody has seen (e.g. its OK arrived first) still opens an
 *   incident: an alarm is never lost. Its timeline says the alarm had already recovered.
 * - An ALARM within `reopenWindowMs` of the resolution of the alarm's last incident reopens that
 *   incident (`reopen` on the plan) instead of opening a new one; a late transition from within
 *   that window belongs to it too. Read on the alarm's own timestamps where it can (an incident
 *   resolved by the alarm's OK is resolved at the OK's state timestamp), so the outcome does not
 *   depend on the arrival order.
 * - More than `flapping.threshold` transitions within `flapping.windowMs` mark the incident
 *   flapping, once. The window is read on the alarm's own state timestamps (late transitions
 *   count), so the outcome does not depend on the order the transitions arrived in.
 * - At most MAX_ORPHANS transitions wait on the alarm record for a delayed ALARM; one more sends
 *   the longest-waiting one to the dead letters (`deadLetters` of the plan), counted on the record.
 */
export interface EpisodeConfig {
  autoResolveOnOk: boolean;
  /** An ALARM this soon after its last incident resolved reopens it (0: never). */
  reopenWindowMs: number;
  flapping: { threshold: number; windowMs: number };
}

export const DEFAULT_EPISODE_CONFIG: EpisodeConfig = {
  autoResolveOnOk: false,
  // A flapping alarm that recovers and fires again within half an hour is the same problem.
  reopenWindowMs: 30 * 60_000,
  // Six or more state changes in 30 minutes is flapping: the alarm can't make up its mind.
  flapping: { threshold: 5, windowMs: 30 * 60_000 },
};

/**
 * Whether the alarm's OK resolves its incident: with FIREBREAK_AUTO_RESOLVE_ON_OK, and always for
 * an alert from another monitor, whose sender resolves it explicitly (Alertmanager's resolved,
 * PagerDuty's and Opsgenie's resolve and close).
 */
export function resolvesOnOk(t: Pick<AlarmTransition, "external">, config: EpisodeConfig): boolean {
  return config.autoResolveOnOk || t.external !== undefined;
}

export interface EntryDraft {
  kind: string;
  summary: string;
  data: Record<string, unknown>;
}

export type EpisodePlan =
  | { action: "duplicate"; reason: string }
  | {
      action: "record";
      record: AlarmRecord;
      /** Transitions pushed out of the orphan buffer: the caller dead-letters them. */
      deadLetters: OrphanTransition[];
    }
  | {
      action: "open";
      incidentId: string;
      record: AlarmRecord;
      flapping: boolean;
      entries: EntryDraft[];
      /**
       * With auto-resolve, an episode whose ALARM arrived after the alarm had recovered opens
       * resolved: at the state timestamp given here (the recovery's).
       */
      resolvedAt?: string;
    }
  | {
      action: "append";
      incidentId: string;
      /** Null when the alarm record does not change. */
      record: AlarmRecord | null;
      markFlapping: boolean;
      resolve: boolean;
      /** The incident was resolved and this ALARM reopens it (the caller checks it still is). */
      reopen: boolean;
      entries: EntryDraft[];
    };

export function transitionEntry(t: AlarmTransition, late: boolean): EntryDraft {
  const what =
    t.state === "ALARM"
      ? "alarm fired"
      : t.state === "OK"
        ? "alarm recovered"
        : "alarm has insufficient data";
  return {
    kind: "incident.alarm_transition",
    summary: `${t.alarmName}: ${what}${late ? " (late: arrived after a newer transition)" : ""}`,
    data: {
      alarmArn: t.alarmArn,
      alarmName: t.alarmName,
      state: t.state,
      previousState: t.previousState,
      reason: t.reason,
      reasonData: t.reasonData,
      stateTimestamp: t.stateTimestamp,
      late,
      deliveryId: t.deliveryId,
      format: t.format,
      account: t.account,
      region: t.region,
      metrics: t.metrics.map((m) => m.text),
      composite: t.composite,
      // The alarm as this transition describes it (threshold, value, links): each later
      // transition brings the context up to date on the timeline.
      context: alarmContextOf(t),
    },
  };
}

function flappingEntry(t: AlarmTransition, count: number, config: EpisodeConfig): EntryDraft {
  const minutes = Math.round(config.flapping.windowMs / 60_000);
  return {
    kind: "incident.flapping",
    summary: `${t.alarmName} is flapping: ${count} state changes in ${minutes} minutes`,
    data: {
      alarmArn: t.alarmArn,
      transitions: count,
      windowMinutes: minutes,
      threshold: config.flapping.threshold,
    },
  };
}

const ms = (iso: string) => Date.parse(iso);

/** The state timestamps kept for flapping, with `ts` added: sorted by time, the newest kept. */
export function withStateTimestamp(history: readonly string[] | undefined, ts: string): string[] {
  const all = [...(history ?? []), ts].sort((a, b) => ms(a) - ms(b));
  return all.slice(-MAX_FLAP_HISTORY);
}

/**
 * The most transitions found in any window of `windowMs` (a window (t - windowMs, t]) over sorted
 * state timestamps: the same number whatever order they arrived in.
 */
export function densestWindow(sorted: readonly string[], windowMs: number): number {
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    const end = ms(sorted[last]!);
    while (end - ms(sorted[first]!) >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

interface Flap {
  recent: string[];
  count: number;
  isFlapping: boolean;
}

export function planTransition(
  record: AlarmRecord | undefined,
  t: AlarmTransition,
  config: EpisodeConfig,
  ctx: { newIncidentId: string },
): EpisodePlan {
  if (record && t.stateTimestamp === record.lastStateTimestamp && t.state === record.lastState) {
    return { action: "duplicate", reason: "this transition was already recorded (same state and timestamp)" };
  }
  const recent = withStateTimestamp(record?.recentTransitions, t.stateTimestamp);
  const count = densestWindow(recent, config.flapping.windowMs);
  const flap: Flap = { recent, count, isFlapping: count > config.flapping.threshold };
  const late = record !== undefined && ms(t.stateTimestamp) <= ms(record.lastStateTimestamp);
  if (record && late) return planLate(record, t, config, flap, ctx);

  const next: AlarmRecord = {
    arn: t.alarmArn,
    name: t.alarmName,
    lastState: t.state,
    lastStateTimestamp: t.stateTimestamp,
    openIncidentId: record?.openIncidentId,
    lastIncidentId: record?.lastIncidentId,
    lastIncidentResolvedAt: record?.lastIncidentResolvedAt,
    recentTransitions: recent,
    flappingIncidentId: record?.flappingIncidentId,
    orphans: record?.orphans,
    orphansDeadLettered: record?.orphansDeadLettered,
    version: (record?.version ?? 0) + 1,
  };
  const { isFlapping } = flap;
  const openId = record?.openIncidentId;

  if (!openId && t.state === "ALARM" && record && reopens(record, t, config)) {
    const incidentId = record.lastIncidentId as string;
    const entries = [transitionEntry(t, false)];
    const markFlapping = isFlapping && record.flappingIncidentId !== incidentId;
    if (markFlapping) entries.push(flappingEntry(t, count, config));
    return {
      action: "append",
      incidentId,
      record: {
        ...next,
        openIncidentId: incidentId,
        lastIncidentResolvedAt: undefined,
        ...(markFlapping ? { flappingIncidentId: incidentId } : {}),
      },
      markFlapping,
      resolve: false,
      reopen: true,
      entries,
    };
  }

  if (!openId) {
    if (t.state !== "ALARM") {
      const kept = withOrphan(record, t);
      return { action: "record", record: { ...next, ...kept.fields }, deadLetters: kept.evicted };
    }
    const entries = [transitionEntry(t, false)];
    if (isFlapping) entries.push(flappingEntry(t, count, config));
    return {
      action: "open",
      incidentId: ctx.newIncidentId,
      record: {
        ...next,
        openIncidentId: ctx.newIncidentId,
        lastIncidentId: ctx.newIncidentId,
        lastIncidentResolvedAt: undefined,
        flappingIncidentId: isFlapping ? ctx.newIncidentId : undefined,
      },
      flapping: isFlapping,
      entries,
    };
  }

  const entries = [transitionEntry(t, false)];
  const markFlapping = isFlapping && record?.flappingIncidentId !== openId;
  if (markFlapping) {
    entries.push(flappingEntry(t, count, config));
    next.flappingIncidentId = openId;
  }
  const resolve = t.state === "OK" && resolvesOnOk(t, config);
  if (resolve) next.openIncidentId = undefined;
  return {
    action: "append",
    incidentId: openId,
    record: next,
    markFlapping,
    resolve,
    reopen: false,
    entries,
  };
}

/** Whether an ALARM at `t` is within the reopen window of the alarm's last resolved incident. */
function reopens(record: AlarmRecord, t: AlarmTransition, config: EpisodeConfig): boolean {
  if (!record.lastIncidentId || !record.lastIncidentResolvedAt || config.reopenWindowMs <= 0) return false;
  return ms(t.stateTimestamp) - ms(record.lastIncidentResolvedAt) <= config.reopenWindowMs;
}

function planLate(
  record: AlarmRecord,
  t: AlarmTransition,
  config: EpisodeConfig,
  flap: Flap,
  ctx: { newIncidentId: string },
): EpisodePlan {
  // A late transition changes no state, but it counts for flapping: its timestamp is kept.
  const base: AlarmRecord = { ...record, recentTransitions: flap.recent, version: record.version + 1 };
  // Late, so older than the alarm's latest state: it belongs to the open incident, or to the last
  // one when it happened before that resolved (or within the window that would have reopened it).
  const target =
    record.openIncidentId ??
    (record.lastIncidentId &&
    record.lastIncidentResolvedAt &&
    ms(t.stateTimestamp) - ms(record.lastIncidentResolvedAt) <= Math.max(0, config.reopenWindowMs)
      ? record.lastIncidentId
      : undefined);
  if (!target && t.state !== "ALARM") {
    // Nothing to attach it to yet: keep it, in case the ALARM of its episode is still on its way.
    const kept = withOrphan(record, t);
    return { action: "record", record: { ...base, ...kept.fields }, deadLetters: kept.evicted };
  }
  // A late ALARM shows its episode began earlier than we knew: the transitions kept without an
  // incident since then belong to it.
  const all = record.orphans ?? [];
  const pulled =
    t.state === "ALARM"
      ? all
          .filter((o) => ms(o.stateTimestamp) > ms(t.stateTimestamp))
          .sort((a, b) => ms(a.stateTimestamp) - ms(b.stateTimestamp))
      : [];
  const lost = t.state === "ALARM" ? (record.orphansDeadLettered ?? 0) : 0;
  const first = transitionEntry(t, true);
  if (lost > 0) {
    first.summary += `; ${lost} transition(s) that arrived before it did not fit on the alarm record and were dead-lettered`;
    first.data.orphansDeadLettered = lost;
  }
  const entries = [
    first,
    ...pulled.map((o) => ({
      kind: "incident.alarm_transition",
      summary: `${o.summary} (arrived before its ALARM)`,
      data: { ...o.data, recordedBefore: true },
    })),
  ];
  const orphans = pulled.length ? all.filter((o) => !pulled.includes(o)) : all;
  const next: AlarmRecord = {
    ...base,
    orphans: orphans.length ? orphans : undefined,
    orphansDeadLettered: lost > 0 ? undefined : record.orphansDeadLettered,
  };
  const incidentId = target ?? ctx.newIncidentId;
  const markFlapping = flap.isFlapping && record.flappingIncidentId !== incidentId;
  if (markFlapping) {
    entries.push(flappingEntry(t, flap.count, config));
    next.flappingIncidentId = incidentId;
  }
  if (target) {
    return {
      action: "append",
      incidentId: target,
      record: next,
      markFlapping,
      resolve: false,
      reopen: false,
      entries,
    };
  }
  // An episode nobody saw open: its ALARM arrived after newer transitions. Open it, so it is not
  // lost; with auto-resolve, already resolved when the alarm has recovered since.
  const recovered = resolvesOnOk(t, config) && record.lastState === "OK";
  return {
    action: "open",
    incidentId,
    record: {
      ...next,
      openIncidentId: recovered ? undefined : incidentId,
      lastIncidentId: incidentId,
      lastIncidentResolvedAt: recovered ? record.lastStateTimestamp : undefined,
    },
    flapping: markFlapping,
    entries,
    ...(recovered ? { resolvedAt: record.lastStateTimestamp } : {}),
  };
}

/**
 * Adds `t` to the transitions waiting for an ALARM. When the buffer is full, the ones that waited
 * longest leave it (`evicted`, for the dead letters) and are counted on the record.
 */
function withOrphan(
  record: AlarmRecord | undefined,
  t: AlarmTransition,
): { fields: Pick<AlarmRecord, "orphans" | "orphansDeadLettered">; evicted: OrphanTransition[] } {
  // The record holds up to MAX_ORPHANS of these: keep them small (the ALARM brings the context).
  const { reasonData: _bulky, context: _context, ...data } = transitionEntry(t, false).data;
  const orphan: OrphanTransition = {
    state: t.state,
    stateTimestamp: t.stateTimestamp,
    summary: transitionEntry(t, false).summary,
    data,
  };
  const all = [...(record?.orphans ?? []), orphan];
  const evicted = all.slice(0, Math.max(0, all.length - MAX_ORPHANS));
  const counted = (record?.orphansDeadLettered ?? 0) + evicted.length;
  return {
    fields: { orphans: all.slice(evicted.length), orphansDeadLettered: counted > 0 ? counted : undefined },
    evicted,
  };
}
