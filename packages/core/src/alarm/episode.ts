import { type AlarmRecord, MAX_ORPHANS, type OrphanTransition } from "./record";
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
 * - More than `flapping.threshold` transitions within `flapping.windowMs` mark the incident
 *   flapping, once.
 */
export interface EpisodeConfig {
  autoResolveOnOk: boolean;
  flapping: { threshold: number; windowMs: number };
}

export const DEFAULT_EPISODE_CONFIG: EpisodeConfig = {
  autoResolveOnOk: false,
  // Six or more state changes in 30 minutes is flapping: the alarm can't make up its mind.
  flapping: { threshold: 5, windowMs: 30 * 60_000 },
};

export interface EntryDraft {
  kind: string;
  summary: string;
  data: Record<string, unknown>;
}

export type EpisodePlan =
  | { action: "duplicate"; reason: string }
  | { action: "record"; record: AlarmRecord }
  | { action: "open"; incidentId: string; record: AlarmRecord; flapping: boolean; entries: EntryDraft[] }
  | {
      action: "append";
      incidentId: string;
      /** Null when the alarm record does not change (a late transition). */
      record: AlarmRecord | null;
      markFlapping: boolean;
      resolve: boolean;
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

export function planTransition(
  record: AlarmRecord | undefined,
  t: AlarmTransition,
  config: EpisodeConfig,
  ctx: { newIncidentId: string },
): EpisodePlan {
  if (record && t.stateTimestamp === record.lastStateTimestamp && t.state === record.lastState) {
    return { action: "duplicate", reason: "this transition was already recorded (same state and timestamp)" };
  }
  const late = record !== undefined && ms(t.stateTimestamp) <= ms(record.lastStateTimestamp);
  if (record && late) return planLate(record, t, ctx);

  const windowStart = ms(t.stateTimestamp) - config.flapping.windowMs;
  const recent = [...(record?.recentTransitions ?? []), t.stateTimestamp].filter(
    (ts) => ms(ts) > windowStart,
  );
  const next: AlarmRecord = {
    arn: t.alarmArn,
    name: t.alarmName,
    lastState: t.state,
    lastStateTimestamp: t.stateTimestamp,
    openIncidentId: record?.openIncidentId,
    lastIncidentId: record?.lastIncidentId,
    lastIncidentResolvedAt: record?.lastIncidentResolvedAt,
    recentTransitions: recent.slice(-(config.flapping.threshold + 1)),
    flappingIncidentId: record?.flappingIncidentId,
    orphans: record?.orphans,
    version: (record?.version ?? 0) + 1,
  };
  const isFlapping = recent.length > config.flapping.threshold;
  const openId = record?.openIncidentId;

  if (!openId) {
    if (t.state !== "ALARM") return { action: "record", record: { ...next, orphans: withOrphan(record, t) } };
    const entries = [transitionEntry(t, false)];
    if (isFlapping) entries.push(flappingEntry(t, recent.length, config));
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
    entries.push(flappingEntry(t, recent.length, config));
    next.flappingIncidentId = openId;
  }
  const resolve = t.state === "OK" && config.autoResolveOnOk;
  if (resolve) next.openIncidentId = undefined;
  return { action: "append", incidentId: openId, record: next, markFlapping, resolve, entries };
}

function planLate(record: AlarmRecord, t: AlarmTransition, ctx: { newIncidentId: string }): EpisodePlan {
  const target =
    record.openIncidentId ??
    (record.lastIncidentId &&
    record.lastIncidentResolvedAt &&
    ms(t.stateTimestamp) <= ms(record.lastIncidentResolvedAt)
      ? record.lastIncidentId
      : undefined);
  if (!target && t.state !== "ALARM") {
    // Nothing to attach it to yet: keep it, in case the ALARM of its episode is still on its way.
    return {
      action: "record",
      record: { ...record, orphans: withOrphan(record, t), version: record.version + 1 },
    };
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
  const entries = [
    transitionEntry(t, true),
    ...pulled.map((o) => ({
      kind: "incident.alarm_transition",
      summary: `${o.summary} (arrived before its ALARM)`,
      data: { ...o.data, recordedBefore: true },
    })),
  ];
  const orphans = pulled.length ? all.filter((o) => !pulled.includes(o)) : all;
  if (target) {
    return {
      action: "append",
      incidentId: target,
      record: pulled.length ? { ...record, orphans, version: record.version + 1 } : null,
      markFlapping: false,
      resolve: false,
      entries,
    };
  }
  // An episode nobody saw open: its ALARM arrived after newer transitions. Open it, so it is not lost.
  return {
    action: "open",
    incidentId: ctx.newIncidentId,
    record: {
      ...record,
      openIncidentId: ctx.newIncidentId,
      lastIncidentId: ctx.newIncidentId,
      lastIncidentResolvedAt: undefined,
      orphans,
      version: record.version + 1,
    },
    flapping: false,
    entries,
  };
}

function withOrphan(record: AlarmRecord | undefined, t: AlarmTransition): OrphanTransition[] {
  const { reasonData: _bulky, ...data } = transitionEntry(t, false).data;
  const orphan: OrphanTransition = {
    state: t.state,
    stateTimestamp: t.stateTimestamp,
    summary: transitionEntry(t, false).summary,
    data,
  };
  return [...(record?.orphans ?? []), orphan].slice(-MAX_ORPHANS);
}
