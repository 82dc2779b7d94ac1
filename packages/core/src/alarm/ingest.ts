import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { formatDuration } from "@firebreak/core/shared/duration";
import { FirebreakError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { retry } from "@firebreak/core/shared/retry";
import { ConcurrentChangeError, DuplicateDeliveryError } from "../incident/errors";
import { type Actor, DEFAULT_SERVICE, type Incident, reopen } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { MaintenanceWindow } from "../maintenance/window";
import { windowAlarmData, windowHolds, windowKey, windowScope } from "../maintenance/window";
import { resolveOwner } from "../oncall/directory-index";
import type { IncidentRepository } from "../ports";
import { classifyAlarm } from "./classify";
import { alarmRefOf } from "./context";
import { type EntryDraft, planTransition } from "./episode";
import { groupKeyOf } from "./grouping";
import { ignoreDecision, type ScopedIgnoreRule } from "./ignore";
import {
  newAlarmIncident,
  newEpisodeOfHeld,
  orphanLetter,
  refuseFutureTimestamp,
  releasedData,
  releasedNote,
  scanGroupedAlarms,
  withoutStaleHold,
} from "./ingest-parts";
import {
  DEFAULT_INGEST_CONFIG,
  INGEST_RACE_BACKOFF,
  type IngestConfig,
  type IngestDeps,
  type IngestOptions,
  type IngestResult,
  type MaintenanceHold,
} from "./ingest-types";
import {
  type DeliveryKey,
  MAX_ORPHANS,
  type OrphanTransition,
  RELEASES_IN_TRANSACTION,
  type TransitionKey,
} from "./record";
import type { AlarmTransition } from "./transition";

export * from "./ingest-types";

/** What the ingest knows about the alarm before reading it: rules, group, subject, windows. */
interface AlarmScope {
  rules: ScopedIgnoreRule[];
  groupKey?: string;
  /** The alarm's services and owning team (what a maintenance window is for). */
  subject: { services: string[]; team?: string };
  /** The windows not yet ended (a promise: read in parallel with the alarm). */
  windows: Promise<MaintenanceWindow[]>;
  maintenance?: MaintenanceHold;
  releasedFrom?: MaintenanceWindow;
}

/**
 * What the directory says about this alarm: the ignore rules that apply (everyone's, then its
 * owning team's) and the group a new episode joins (alarm/grouping.ts).
 */
async function alarmScope(
  deps: IngestDeps,
  t: AlarmTransition,
  config: IngestConfig,
  windows: Promise<MaintenanceWindow[]>,
): Promise<Omit<AlarmScope, "releasedFrom">> {
  const classification = classifyAlarm(t, config.tagNames);
  const { services, team } = classification;
  const base = { windows, ...(deps.maintenance ? { maintenance: deps.maintenance } : {}) };
  const directory = await deps.directory?.();
  if (!directory) return { ...base, rules: [], subject: { services, ...(team ? { team } : {}) } };
  const rules: ScopedIgnoreRule[] = (directory.ignoreAlarms ?? []).map((rule, index) => ({
    scope: "global",
    index,
    rule,
  }));
  const owner = resolveOwner(directory, services[0] ?? DEFAULT_SERVICE, t.account, team).team;
  if (owner)
    for (const [index, rule] of (owner.ignoreAlarms ?? []).entries())
      rules.push({ scope: owner.id, index, rule });
  const groupKey = groupKeyOf(classification, owner);
  const teamId = owner?.id ?? team;
  const subject = { services, ...(teamId ? { team: teamId } : {}) };
  return groupKey ? { ...base, rules, groupKey, subject } : { ...base, rules, subject };
}

const ALARM_ACTOR: (t: AlarmTransition) => Actor = (t) => ({
  type: "alarm",
  id: t.alarmArn,
  name: t.alarmName,
});

/**
 * Ingests one alarm transition: idempotent on the delivery id, ordered by the alarm's state
 * timestamp, one incident per alarm episode (enforced by conditional writes, retried on races).
 */
export async function ingestAlarmTransition(
  deps: IngestDeps,
  t: AlarmTransition,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const config = { ...DEFAULT_INGEST_CONFIG, ...deps.config };
  const clock = deps.clock ?? systemClock;
  refuseFutureTimestamp(t, clock.now(), config.maxFutureSkewMs);
  const windows = deps.maintenance ? deps.maintenance.current(clock.now()) : Promise.resolve([]);
  windows.catch(() => undefined); // awaited (and its failure thrown) where it is needed
  const scope: AlarmScope = {
    ...(await alarmScope(deps, t, config, windows)),
    ...(options.releasedFrom ? { releasedFrom: options.releasedFrom } : {}),
  };
  let number: number | undefined;
  const sent = new Set<string>();
  const deadLetter = async (orphans: OrphanTransition[]): Promise<number> => {
    const fresh = orphans.filter((o) => !sent.has(`${o.state}#${o.stateTimestamp}`));
    if (fresh.length === 0) return 0;
    if (!deps.deadLetters) {
      throw new FirebreakError(
        "no_dead_letter_sink",
        `alarm ${t.alarmName}: more than ${MAX_ORPHANS} transitions wait for a delayed ALARM and there is no dead-letter sink to keep the one that does not fit`,
      );
    }
    // Sent before the write that drops them from the record: a letter may be sent twice (a lost
    // race), never lost.
    for (const orphan of fresh) {
      await deps.deadLetters.send(orphanLetter(t, orphan, clock.now().toISOString()));
      sent.add(`${orphan.state}#${orphan.stateTimestamp}`);
    }
    return fresh.length;
  };
  let attempts = 0;
  try {
    return await retry(
      async (attempt) => {
        attempts = attempt;
        const result = await attemptIngest(
          deps.store,
          t,
          config,
          clock,
          attempt,
          () => number,
          (n) => {
            number = n;
          },
          deadLetter,
          scope,
        );
        return { ...result, ...(sent.size ? { deadLettered: sent.size } : {}), attempts: attempt };
      },
      {
        attempts: config.maxAttempts,
        retryable: (error) => error instanceof ConcurrentChangeError,
        backoff: INGEST_RACE_BACKOFF,
      },
    );
  } catch (error) {
    if (error instanceof DuplicateDeliveryError) return { outcome: "duplicate", attempts };
    throw error;
  }
}

async function attemptIngest(
  store: IncidentRepository,
  t: AlarmTransition,
  config: IngestConfig,
  clock: Clock,
  attempt: number,
  getNumber: () => number | undefined,
  setNumber: (n: number) => void,
  deadLetter: (orphans: OrphanTransition[]) => Promise<number>,
  scope: AlarmScope,
): Promise<Omit<IngestResult, "attempts">> {
  const { rules } = scope;
  // Only an ALARM opens an incident: only then is the counter worth reading (a hot item in a
  // storm), and not while claims are losing (the number will come from `allocateNumber`).
  const claimNumber = t.state === "ALARM" && attempt === 1 && store.shouldClaimNumber();
  const transition: TransitionKey = { arn: t.alarmArn, state: t.state, stateTimestamp: t.stateTimestamp };
  const { record, delivered, transitionSeen, counter } = await store.getAlarmAndDelivery(
    t.alarmArn,
    t.deliveryId,
    { counter: claimNumber, transition },
  );
  if (delivered) return { outcome: "duplicate", reason: "this delivery was already processed" };
  // The same transition through another channel (EventBridge, SNS, the Lambda action), in any order.
  if (transitionSeen)
    return {
      outcome: "duplicate",
      reason: "this transition was already recorded (same state and timestamp)",
    };
  const now = clock.now();
  const at = now.toISOString();
  const delivery = (outcome: string, incidentId?: string): DeliveryKey => ({
    id: t.deliveryId,
    expiresAt: Math.floor(now.getTime() / 1000) + config.idempotencyTtlSeconds,
    outcome,
    incidentId,
    transition,
  });
  // An alarm that opens no incident (auto-scaling, suppressed, tagged): counted, never paged. One
  // that already has an open incident goes on being recorded there (ignore.ts).
  const ignored = record?.openIncidentId ? undefined : ignoreDecision(t, config.ignore, rules);
  if (ignored) {
    await store.commitAlarmChange({
      delivery: delivery("ignored"),
      record: null,
      expectedRecordVersion: undefined,
      entries: [],
      ignored: { transition: t, decision: ignored, at },
    });
    return { outcome: "ignored", reason: ignored.reason };
  }
  // An alarm with no open incident, of a service or team in an active maintenance window: held
  // there (recorded, not paged) until the window ends (maintenance/release.ts).
  if (!record?.openIncidentId && scope.maintenance) {
    const window = (await scope.windows).find((w) => windowHolds(w, now, scope.subject));
    if (window) {
      const key = windowKey(window);
      await scope.maintenance.hold(delivery("held"), window, t, {
        id: newId(now.getTime()),
        incidentId: window.id,
        kind: "maintenance.alarm_held",
        actor: ALARM_ACTOR(t),
        at,
        summary: `${t.alarmName} ${t.state} held by ${key} (${windowScope(window)}): ${window.reason}`.slice(
          0,
          1000,
        ),
        data: {
          ...windowAlarmData(window, t),
          services: scope.subject.services,
          alarm: alarmRefOf(t),
        },
      });
      return {
        outcome: "held",
        reason: `held by ${key} until ${window.to}`,
        window: { id: window.id, number: window.number },
      };
    }
  }
  const newIncidentId = newId(now.getTime());
  // A retry (the first attempt lost a race, or found the incident it appended to resolved) reads
  // whether the alarm still holds a resolved incident; the first attempt costs no read for it.
  const plan = planTransition(attempt > 1 ? await withoutStaleHold(store, record, t) : record, t, config, {
    newIncidentId,
  });
  const toEntries = (incidentId: string, drafts: EntryDraft[]): TimelineEntry[] =>
    drafts.map((d) => ({ id: newId(now.getTime()), incidentId, actor: ALARM_ACTOR(t), at, ...d }));

  switch (plan.action) {
    case "duplicate": {
      await store.markDelivered(delivery("duplicate"));
      return { outcome: "duplicate", reason: plan.reason };
    }
    case "record": {
      await deadLetter(plan.deadLetters);
      await store.commitAlarmChange({
        delivery: delivery("recorded"),
        record: plan.record,
        expectedRecordVersion: record?.version,
        entries: [],
      });
      return { outcome: "recorded" };
    }
    case "open": {
      // A new episode of an alarm whose service already has an open incident joins it.
      const group =
        scope.groupKey && !plan.resolvedAt ? await store.getAlarmGroup(scope.groupKey) : undefined;
      let holder = group ? await store.getIncident(group.incidentId) : undefined;
      // The group's incident was merged into another (core/incident/merge.ts): that one holds it now.
      if (holder?.mergedInto) holder = await store.getIncident(holder.mergedInto.id);
      if (holder && holder.status !== "resolved") {
        const joined = planTransition(record, t, config, { newIncidentId: holder.id });
        if (joined.action === "open") {
          const alarm = alarmRefOf(t);
          const service = holder.services[0] ?? DEFAULT_SERVICE;
          const attached: EntryDraft = {
            kind: "incident.alarm_attached",
            summary: `related alarm ${t.alarmName} fired for ${service}: grouped into INC-${holder.number}, not a new incident${releasedNote(scope.releasedFrom)}`,
            data: {
              alarmArn: t.alarmArn,
              alarmName: t.alarmName,
              service,
              alarm,
              ...releasedData(scope.releasedFrom),
            },
          };
          await store.commitAlarmChange({
            delivery: delivery("grouped", holder.id),
            record: joined.record,
            expectedRecordVersion: record?.version,
            attach: {
              incidentId: holder.id,
              alarm: { arn: t.alarmArn, name: t.alarmName, at },
              ...(joined.flapping ? { flapping: true } : {}),
            },
            entries: toEntries(holder.id, [attached, ...joined.entries]),
          });
          return { outcome: "grouped", incidentId: holder.id, incidentNumber: holder.number };
        }
      }
      // First attempt: the number after the counter read with the alarm, claimed inside the
      // transaction (no round trip of its own). After a lost race (the counter moved, or anything
      // else), or while claims have been losing (a storm of openings), a number reserved by an
      // atomic ADD, reused across the remaining attempts: a race lost after that (another delivery
      // of the same episode won) leaves a gap, never a duplicate.
      const reserved = getNumber();
      const numberClaim = claimNumber && reserved === undefined ? { after: counter } : undefined;
      const number = numberClaim ? counter + 1 : (reserved ?? (await store.allocateNumber()));
      if (!numberClaim) setNumber(number); // a reserved number is kept for the retries
      const classification = classifyAlarm(t, config.tagNames);
      const incident = newAlarmIncident(t, classification, plan.incidentId, number, at, plan.flapping);
      const recovered: EntryDraft[] = [];
      if (plan.resolvedAt) {
        incident.status = "resolved";
        incident.resolvedAt = at;
        recovered.push({
          kind: "incident.status_changed",
          summary: `resolved automatically: ${t.alarmName} had recovered (at ${plan.resolvedAt}) before its ALARM arrived`,
          data: { from: "declared", to: "resolved", automatic: true },
        });
      }
      const declared: EntryDraft = {
        kind: "incident.declared",
        summary: `INC-${number} declared from alarm ${t.alarmName} (${incident.severity}, ${incident.services.join(", ")})${releasedNote(scope.releasedFrom)}`,
        data: {
          ...releasedData(scope.releasedFrom),
          number,
          title: incident.title,
          severity: incident.severity,
          services: incident.services,
          source: "alarm",
          alarm: incident.alarm,
          classification,
        },
      };
      await store.commitAlarmChange({
        delivery: delivery("opened", incident.id),
        record: plan.record,
        expectedRecordVersion: record?.version,
        newIncident: incident,
        ...(numberClaim ? { numberClaim } : {}),
        ...(scope.groupKey && !plan.resolvedAt
          ? { claimGroup: { key: scope.groupKey, ...(group ? { previous: group.incidentId } : {}) } }
          : {}),
        entries: toEntries(incident.id, [declared, ...plan.entries, ...recovered]),
      });
      return { outcome: "opened", incidentId: incident.id, incidentNumber: number };
    }
    case "append": {
      const drafts = [...plan.entries];
      let status: { from: Incident["status"]; to: Incident["status"]; expectedVersion: number } | undefined;
      if (plan.reopen) {
        const incident = await store.getIncident(plan.incidentId);
        if (incident?.status === "resolved") {
          const after = reopen(incident, at);
          if (plan.markFlapping) after.flapping = true;
          // On the alarm's clock where it resolved the incident (its OK's state timestamp).
          const seconds = Math.round(
            (Date.parse(t.stateTimestamp) -
              Date.parse(record?.lastIncidentResolvedAt ?? incident.resolvedAt ?? at)) /
              1000,
          );
          drafts.push({
            kind: "incident.status_changed",
            summary: `reopened: ${t.alarmName} fired again ${seconds > 0 ? `${formatDuration(seconds)} after` : "as"} INC-${incident.number} resolved`,
            data: {
              from: "resolved",
              to: "declared",
              automatic: true,
              reopened: true,
              reopens: after.reopens,
            },
          });
          await store.commitAlarmChange({
            delivery: delivery("reopened", plan.incidentId),
            record: plan.record,
            expectedRecordVersion: record?.version,
            reopened: { after, expectedVersion: incident.version },
            entries: toEntries(plan.incidentId, drafts),
          });
          return { outcome: "reopened", incidentId: plan.incidentId, incidentNumber: incident.number };
        }
      }
      let otherAlarms: { arn: string; version: number; release?: { at: string } }[] | undefined;
      let releaseAfter: string[] = [];
      if (plan.resolve) {
        const incident = await store.getIncident(plan.incidentId);
        // A grouped incident is all clear only when every one of its alarms is OK.
        const { others, firing } = incident
          ? await scanGroupedAlarms(store, incident, t.alarmArn)
          : { others: [], firing: [] };
        if (incident && incident.status !== "resolved" && firing.length > 0) {
          // Still held by the incident; decided on another alarm still firing, which must not move
          // meanwhile. One is enough (and fits a transaction however many alarms the incident has):
          // transactions are serialisable, so the OK that commits last finds the alarm it relies on
          // changed by that alarm's own OK, and retries, then resolves. No last OK leaves it open.
          if (plan.record) plan.record.openIncidentId = plan.incidentId;
          otherAlarms = firing.slice(0, 1).map((o) => ({ arn: o.arn, version: o.version }));
          // Said on this transition's own entry: not all clear yet.
          const own = drafts.find((d) => d.kind === "incident.alarm_transition");
          if (own) {
            const named = firing.slice(0, 3).map((o) => o.name);
            const more = firing.length > named.length ? " and others" : "";
            own.summary += `; INC-${incident.number} stays open: ${named.join(", ")}${more} still in ALARM`;
            own.data = { ...own.data, stillFiring: firing.slice(0, 10).map((o) => o.name) };
          }
        } else if (incident && incident.status !== "resolved") {
          // Resolved when the alarm recovered, on the alarm's clock: the reopen window is read on it.
          if (plan.record) plan.record.lastIncidentResolvedAt = t.stateTimestamp;
          const holders = others
            .filter((o) => o.openIncidentId === plan.incidentId)
            .map((o) => ({ arn: o.arn, version: o.version, release: { at: t.stateTimestamp } }));
          // A transaction holds at most 100 items: the first holders are released in it, the rest
          // right after it commits.
          otherAlarms = holders.slice(0, RELEASES_IN_TRANSACTION);
          releaseAfter = holders.slice(RELEASES_IN_TRANSACTION).map((o) => o.arn);
          status = { from: incident.status, to: "resolved", expectedVersion: incident.version };
          drafts.push({
            kind: "incident.status_changed",
            summary: `resolved automatically: ${t.alarmName} recovered`,
            data: { from: incident.status, to: "resolved", automatic: true },
          });
        } else if (plan.record) plan.record.lastIncidentResolvedAt = t.stateTimestamp;
      }
      await store.commitAlarmChange({
        delivery: delivery("appended", plan.incidentId),
        record: plan.record,
        expectedRecordVersion: record?.version,
        update: {
          incidentId: plan.incidentId,
          at,
          flapping: plan.markFlapping || undefined,
          status,
          // A new episode of an alarm the incident holds lands only on an incident still open: one
          // resolved meanwhile (its release lost to a crash) fails this, and the retry reads it.
          ...(newEpisodeOfHeld(record, t, plan.incidentId) ? { open: true } : {}),
        },
        ...(otherAlarms?.length ? { otherAlarms } : {}),
        entries: toEntries(plan.incidentId, drafts),
      });
      if (releaseAfter.length > 0) await store.releaseAlarms(releaseAfter, plan.incidentId, t.stateTimestamp);
      return { outcome: "appended", incidentId: plan.incidentId };
    }
  }
}
