/**
 * Declared → roles → pages: the incident commander, ops and comms leads assigned from the
 * directory, the escalation started from its ladder (a snapshot), and its first pages sent.
 */

import { NotFoundError, VersionConflictError } from "@firebreak/core/shared/errors";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import { validate, withRole } from "../incident/actions";
import { ConcurrentChangeError } from "../incident/errors";
import { DEFAULT_SERVICE, type Incident } from "../incident/model";
import type { Role, TimelineEntry } from "../incident/timeline";
import { urgencyRulesOf } from "../oncall/urgency";
import { assignInitialRoles, type InitialRoles, type ResolvedStep, whoIsOnCall } from "../oncall/who";
import type { Draft } from "./config";
import {
  clockOf,
  type DeclaredResult,
  FIREBREAK_ACTOR,
  incidentIdSchema,
  PAGING_KINDS,
  type PagingDeps,
} from "./config";
import { entries, resumeStalePages, sendPlanned, targetName, toView } from "./deliver";
import { planEscalation } from "./plan";
import { policyLabel, snapshotOf, snapshotPeople, unpagedResponders } from "./plan-parts";
import {
  EscalationExistsError,
  type EscalationRecord,
  IncidentChangedError,
  type LadderSnapshot,
  type SnapshotPerson,
  type SnapshotStep,
  type SnapshotTarget,
} from "./records";
import { onIncidentStatusChanged } from "./sweep";

/**
 * Handles `incident.declared`: assigns the initial roles (only those still empty: a person's
 * choice is never overwritten) and starts the escalation with the first level's pages. Safe to
 * call again for the same incident: it then assigns nothing and pages nobody (it only resumes
 * pages a crashed sender left behind).
 */
export async function onIncidentDeclared(deps: PagingDeps, incidentId: string): Promise<DeclaredResult> {
  const id = validate(incidentIdSchema, incidentId, "incident id");
  // Someone changed the incident between the read and the write (a person took a role, the alarm
  // flapped), or a concurrent delivery's transaction collided with ours: read again and plan again;
  // roles a person chose are then kept, and a started escalation is seen.
  return retryOnConflict(
    async () => {
      const result = await declareOnce(deps, id);
      // Nobody to page by the rules, but someone may have been paged in by name already.
      if (result.outcome === "not_paged" && result.incident.status !== "resolved")
        await onIncidentStatusChanged(deps, id);
      return result;
    },
    MAX_DECLARE_ATTEMPTS,
    (error) => error instanceof IncidentChangedError || error instanceof ConcurrentChangeError,
  );
}

const MAX_DECLARE_ATTEMPTS = 40;

/**
 * One read → plan → write round of onIncidentDeclared. The two reads (the incident's partition:
 * incident, timeline and any escalation; the directory) run in parallel; the escalation, its start
 * entry and its first pages are then written in ONE transaction (conditioned on the escalation's
 * absence: only one delivery pages), the pages are sent, and the initial roles follow
 * (`writeInitialRoles`, which a redelivery completes if this one died before it). So the alarm →
 * page path has a single small write before the sends.
 */
async function declareOnce(deps: PagingDeps, id: string): Promise<DeclaredResult> {
  const clock = clockOf(deps);
  // The escalation lives in the incident's partition: the Query that reads the incident has it.
  const [found, stored] = await Promise.all([deps.incidents.getIncidentPartition(id), deps.directory.get()]);
  if (!found) throw new NotFoundError("incident", id);
  const existing = deps.pages.escalationIn(found.others);
  const declaredAt = new Date(found.incident.createdAt);
  const service = found.incident.services[0] ?? DEFAULT_SERVICE;
  const account = found.incident.alarm?.account ?? found.incident.locations[0]?.account;
  // The team the alarm named (its `team` tag), when the directory has it, owns the incident.
  const team = found.incident.team;

  if (existing) {
    // A redelivery: finish what the first delivery may not have (it crashed after its pages).
    if (stored && existing.doneReason !== "not_started") {
      const roles = assignInitialRoles(stored.directory, service, declaredAt, account, team);
      await writeInitialRoles(deps, found, roles, clock.now());
    }
    await resumeStalePages(deps, found.incident, found.timeline, existing);
    return already(deps, found.incident);
  }
  if (found.incident.status === "resolved") {
    return { outcome: "not_paged", reason: "resolved", incident: found.incident, pages: [] };
  }

  if (!stored) {
    const reason = "no on-call directory has been applied: nobody was assigned or paged";
    return notPaged(deps, found.incident, reason, [], undefined);
  }
  const { directory } = stored;
  const now = clock.now();
  const at = now.toISOString();
  const roles = assignInitialRoles(directory, service, declaredAt, account, team);
  const filled = fillRoles(found.incident, roles, now);
  const incident = filled.after;
  const flags = [...filled.drafts, ...roleFlagDrafts(roles)];

  const who = whoIsOnCall(directory, service, declaredAt, account, team);
  if (!who.owned) return notPaged(deps, found.incident, who.reason, flags, stored.version, incident);

  const ladder: LadderSnapshot = {
    levels: who.levels.map((level) => ({
      level: level.level,
      timeoutMinutes: level.timeoutMinutes,
      ...snapshotStep(level),
    })),
    repeat: who.repeat,
    fallback: snapshotStep(who.fallback),
  };
  const before: EscalationRecord = {
    incidentId: id,
    version: 0,
    status: "active",
    severity: incident.severity,
    declaredAt: incident.createdAt,
    teamId: who.team.id,
    teamName: who.team.name,
    policyId: who.policy.id,
    ...(who.policy.name ? { policyName: who.policy.name } : {}),
    ...(who.team.alertChannel ? { alertChannel: who.team.alertChannel } : {}),
    directoryVersion: stored.version,
    ladder,
    urgency: urgencyRulesOf(who.policy, who.team),
    people: rosterOf(ladder, roles),
    steps: [],
    coverage: { attempts: 0 },
    startedAt: at,
    updatedAt: at,
    // Declared after it was reopened already (events out of order): this start is that episode's.
    ...(incident.reopens ? { episode: incident.reopens + 1 } : {}),
  };
  const startDraft: Draft = {
    kind: PAGING_KINDS.escalationStarted,
    summary: `escalation started: ${who.team.name}'s ${policyLabel(before)} (${ladder.levels.length} level${ladder.levels.length === 1 ? "" : "s"}, ${who.repeat} repeat${who.repeat === 1 ? "" : "s"}, then the fallback)`,
    data: {
      teamId: who.team.id,
      via: who.via,
      policyId: who.policy.id,
      levels: ladder.levels.map((l) => ({
        level: l.level,
        timeoutMinutes: l.timeoutMinutes,
        targets: l.targets.map(targetName),
        nobody: l.nobody,
      })),
      repeat: who.repeat,
      fallback: ladder.fallback.targets.map(targetName),
      directoryVersion: stored.version,
    },
  };
  // Entry ids in the order things happened: the roles, the escalation's start, then its pages.
  const roleEntries = entries(id, now, flags);
  const startEntries = entries(id, now, [startDraft]);
  // People paged in before this declaration was handled (events can arrive in any order).
  const asked = unpagedResponders(found.timeline, before);
  const plan = planEscalation(
    deps,
    before,
    incident,
    found.timeline,
    now,
    [],
    snapshotPeople(stored.directory.people, asked),
  );
  try {
    await deps.pages.saveEscalation({
      expectedVersion: undefined,
      escalation: plan.after,
      newPages: plan.pages.map((p) => p.page),
      entries: [...startEntries, ...entries(id, now, plan.drafts)],
    });
  } catch (error) {
    if (error instanceof EscalationExistsError) return already(deps, found.incident);
    throw error;
  }
  await sendPlanned(deps, incident, plan.pages);
  await writeInitialRoles(deps, found, roles, now, { after: incident, entries: roleEntries });
  return {
    outcome: "started",
    incident: (await deps.incidents.getIncident(id)) ?? incident,
    pages: (await deps.pages.listPages(id)).map(toView),
  };
}

/**
 * The initial roles and the flags about them, written after the first pages were sent (so the
 * write before the sends holds only the escalation and its pages): one change of the incident,
 * conditioned on the version read. On a concurrent change (a person took a role meanwhile) it
 * reads again and fills only the roles still empty, so a person's choice is kept. Once: when the
 * timeline already has Firebreak's role entries (a redelivery), it writes nothing. `planned` is
 * the change computed with the first read (its entry ids sort before the escalation's).
 */
async function writeInitialRoles(
  deps: PagingDeps,
  read: { incident: Incident; timeline: TimelineEntry[] },
  roles: InitialRoles,
  now: Date,
  planned?: { after: Incident; entries: TimelineEntry[] },
): Promise<void> {
  let current = read;
  await retryOnConflict(
    async (attempt) => {
      if (attempt > 1) {
        const again = await deps.incidents.getIncidentWithTimeline(current.incident.id);
        if (!again) throw new NotFoundError("incident", current.incident.id);
        current = again;
      }
      const { incident, timeline } = current;
      if (incident.status === "resolved" || timeline.some(isInitialRoleEntry)) return;
      let change = attempt === 1 ? planned : undefined;
      if (!change) {
        const filled = fillRoles(incident, roles, now);
        change = {
          after: filled.after,
          entries: entries(incident.id, now, [...filled.drafts, ...roleFlagDrafts(roles)]),
        };
      }
      if (change.entries.length === 0) return;
      // The version moves even for flags alone, so two deliveries never both record them.
      const after = { ...change.after, version: incident.version + 1 };
      await deps.incidents.commitIncidentChange({ before: incident, after, entries: change.entries });
    },
    MAX_DECLARE_ATTEMPTS,
    (error) => error instanceof VersionConflictError || error instanceof ConcurrentChangeError,
  );
}

/** An entry `writeInitialRoles` (or a declare that paged nobody) wrote: a role Firebreak assigned or flagged. */
function isInitialRoleEntry(entry: TimelineEntry): boolean {
  return (
    entry.actor.type === FIREBREAK_ACTOR.type &&
    entry.actor.id === FIREBREAK_ACTOR.id &&
    (entry.kind === "incident.role_assigned" || entry.kind === PAGING_KINDS.roleFlagged)
  );
}

async function already(deps: PagingDeps, incident: Incident): Promise<DeclaredResult> {
  return {
    outcome: "already_started",
    incident,
    pages: (await deps.pages.listPages(incident.id)).map(toView),
  };
}

/**
 * Records why nobody is paged (once: the escalation item marks the incident as handled), with
 * the roles `withRoles` gives the incident when some were assigned, in the same transaction.
 */
async function notPaged(
  deps: PagingDeps,
  incident: Incident,
  reason: string,
  flags: Draft[],
  directoryVersion: number | undefined,
  withRoles: Incident = incident,
): Promise<DeclaredResult> {
  const now = clockOf(deps).now();
  const at = now.toISOString();
  const escalation: EscalationRecord = {
    incidentId: incident.id,
    version: 1,
    status: "done",
    doneReason: "not_started",
    severity: incident.severity,
    declaredAt: incident.createdAt,
    ...(directoryVersion === undefined ? {} : { directoryVersion }),
    ladder: { levels: [], repeat: 0, fallback: { targets: [], nobody: reason } },
    people: [],
    steps: [],
    ladderDone: { reason: "not_started", at },
    coverage: { attempts: 0 },
    startedAt: at,
    updatedAt: at,
  };
  const drafts: Draft[] = [
    ...flags,
    {
      kind: PAGING_KINDS.escalationNotStarted,
      summary: `nobody paged: ${reason}`,
      data: { reason },
    },
  ];
  try {
    await deps.pages.saveEscalation({
      expectedVersion: undefined,
      escalation,
      entries: entries(incident.id, now, drafts),
      ...(withRoles === incident ? {} : { incident: { before: incident, after: withRoles } }),
    });
  } catch (error) {
    if (error instanceof EscalationExistsError) return already(deps, incident);
    throw error;
  }
  deps.log?.warn("incident declared but nobody paged", { incidentId: incident.id, reason });
  return { outcome: "not_paged", reason, incident: withRoles, pages: [] };
}

/**
 * The incident with each proposed role that is still empty (a person's choice is never
 * overwritten; nothing for a resolved incident), and one `incident.role_assigned` draft each.
 */
function fillRoles(incident: Incident, roles: InitialRoles, now: Date): { after: Incident; drafts: Draft[] } {
  let after = incident;
  const drafts: Draft[] = [];
  if (incident.status === "resolved") return { after, drafts };
  for (const role of ["ic", "ops", "comms"] as const) {
    const person = roles[role];
    if (!person || after.roles?.[role]) continue;
    const step = withRole(
      after,
      { role, personId: person.id, personName: person.name },
      FIREBREAK_ACTOR,
      now,
    );
    // One write for all roles: the version goes up once, as for any single change.
    after = { ...step.after, version: incident.version + 1 };
    drafts.push(...step.drafts);
  }
  return { after, drafts };
}

const FLAG_ROLE: Partial<Record<InitialRoles["flags"][number], Role>> = {
  no_ic: "ic",
  ops_is_ic: "ops",
  no_ops: "ops",
  comms_unassigned: "comms",
};

function roleFlagDrafts(roles: InitialRoles): Draft[] {
  return roles.flags.map((flag, i) => {
    const note = roles.notes[i] ?? flag;
    const role = FLAG_ROLE[flag];
    return {
      kind: PAGING_KINDS.roleFlagged,
      summary: flag === "comms_unassigned" ? `comms lead unassigned: ${note.replace(/^comms: /, "")}` : note,
      data: { flag, note, ...(role ? { role } : {}) },
    };
  });
}

function snapshotStep(step: ResolvedStep): SnapshotStep {
  const targets: SnapshotTarget[] = step.targets.map((t) =>
    t.type === "topic"
      ? { type: "topic", arn: t.arn }
      : { type: "person", ...snapshotOf(t.person), ...(t.rotationId ? { rotationId: t.rotationId } : {}) },
  );
  return step.nobody ? { targets, nobody: step.nobody } : { targets };
}

function rosterOf(ladder: LadderSnapshot, roles: InitialRoles): SnapshotPerson[] {
  const people = new Map<string, SnapshotPerson>();
  const add = (p: SnapshotPerson) => {
    if (!people.has(p.personId)) people.set(p.personId, p);
  };
  for (const step of [...ladder.levels, ladder.fallback])
    for (const t of step.targets) if (t.type === "person") add(personOf(t));
  for (const role of ["ic", "ops", "comms"] as const) {
    const p = roles[role];
    if (p) add(snapshotOf(p));
  }
  return [...people.values()];
}

function personOf(t: Extract<SnapshotTarget, { type: "person" }>): SnapshotPerson {
  const { type: _type, rotationId: _rotation, ...person } = t;
  return person;
}
