/**
 * Merging duplicates and linking related incidents (the API, Slack and the dashboard call these).
 *
 * - **Merge** `INC-8` into `INC-7`: INC-8 is resolved by the merge and points at INC-7
 *   (`mergedInto`); its alarms (its own and the ones grouped into it) now attach to INC-7, so
 *   their next transitions land there and INC-7's resolution frees them; its pages stop (the pager
 *   sees the resolution); no postmortem is drafted for it (INC-7's covers it). INC-7 lists it in
 *   `merged`, and its detail shows INC-8's timeline beside its own. One transaction writes both
 *   incidents, under optimistic locking, with their timeline entries (the domain events).
 * - **Link** two incidents (either may be resolved: "this is the same cause as last week's"): each
 *   lists the other in `links`. Unlinking removes both.
 *
 * Incident ids here are ids; the edges resolve `INC-n` first.
 */

import { systemClock } from "@firebreak/core/shared/clock";
import {
  FirebreakError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from "@firebreak/core/shared/errors";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import { validate } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import { type ActionDeps, type Draft, IncidentResolvedError, timelineEntries } from "./actions";
import { expectedVersionSchema, oneLineText } from "./inputs";
import { type Actor, type Incident, type IncidentRef, type RelatedAlarm, transition } from "./model";

/** How many duplicates one incident may absorb, and how many incidents one may link. */
export const MAX_MERGED = 20;
export const MAX_LINKS = 50;

/** Enough for a few people acting on the same two incidents at once. */
const MAX_ATTEMPTS = 20;

const reasonSchema = z.optional(
  z.string().check(oneLineText(), z.trim(), z.maxLength(500, "at most 500 characters")),
);

export const mergeInputSchema = z.object({
  /** The surviving incident's id. */
  into: z.string().check(z.minLength(1, "name the incident to merge into")),
  reason: reasonSchema,
  /** The version of the incident being merged (optimistic locking); optional. */
  expectedVersion: expectedVersionSchema,
});
export type MergeInput = z.input<typeof mergeInputSchema>;

export const linkInputSchema = z.object({
  /** The other incident's id. */
  other: z.string().check(z.minLength(1, "name the incident to link")),
  reason: reasonSchema,
});
export type LinkInput = z.input<typeof linkInputSchema>;

/** A merge or link the incidents' states forbid (HTTP 409); the message says what to do instead. */
export class CannotMergeError extends FirebreakError {
  constructor(message: string) {
    super("cannot_merge", message);
  }
}
export class CannotLinkError extends FirebreakError {
  constructor(message: string) {
    super("cannot_link", message);
  }
}

const refOf = (incident: Incident, at: string): IncidentRef => ({
  id: incident.id,
  number: incident.number,
  title: incident.title,
  at,
});
const named = (incident: Incident) => ({ id: incident.id, number: incident.number, title: incident.title });
const by = (actor: Actor) => actor.name ?? actor.id;

type Change = { before: Incident; after: Incident; drafts: Draft[] };

type Plan<T> =
  | { done: T }
  /** `build(moved)`: the changes, given the alarms that could be moved (all of `moveAlarms` at first). */
  | {
      moveAlarms?: string[];
      build: (moved: string[]) => Change[];
      result: (changes: Change[], moved: string[]) => T;
    };

/**
 * Reads both incidents, plans the change, and saves it conditioned on both versions; a lost race
 * is retried on fresh data, unless the caller gave `expectedVersion` for the first incident.
 */
async function twoIncidents<T>(
  deps: ActionDeps,
  ids: [string, string],
  expectedVersion: number | undefined,
  actor: Actor,
  plan: (a: Incident, b: Incident, now: Date) => Promise<Plan<T>> | Plan<T>,
): Promise<T> {
  // With `expectedVersion`, a lost race is the caller's to see (409): one run only.
  return retryOnConflict(
    async () => {
      const [a, b] = await Promise.all(ids.map((id) => deps.store.getIncident(id)));
      if (!a) throw new NotFoundError("incident", ids[0]);
      if (!b) throw new NotFoundError("incident", ids[1]);
      if (expectedVersion !== undefined && a.version !== expectedVersion)
        throw new VersionConflictError(
          `INC-${a.number} is at version ${a.version}, not ${expectedVersion}: reload and try again`,
          a.version,
        );
      const now = (deps.clock ?? systemClock).now();
      const planned = await plan(a, b, now);
      if ("done" in planned) return planned.done;
      const arns = planned.moveAlarms ?? [];
      let changes = planned.build(arns);
      const toSave = (list: Change[]) =>
        list.map((c) => ({
          before: c.before,
          after: c.after,
          entries: timelineEntries(c.before.id, now, actor, c.drafts),
        }));
      const { moved } = await deps.store.commitIncidentChanges(
        toSave(changes),
        arns.length ? { arns, from: a.id, to: b.id } : undefined,
        // Alarms no longer held by the merged incident stay where they are: saved without them.
        (stillHeld) => {
          changes = planned.build(stillHeld);
          return toSave(changes);
        },
      );
      return planned.result(changes, moved);
    },
    expectedVersion === undefined ? MAX_ATTEMPTS : 1,
  );
}

/** The alarms of `source` to move (its own and its grouped ones), less any `target` already has. */
export function alarmsToMove(source: Incident, target: Incident): { arn: string; name: string }[] {
  const has = new Set([target.alarm?.arn, ...(target.relatedAlarms ?? []).map((a) => a.arn)]);
  const out = new Map<string, { arn: string; name: string }>();
  if (source.alarm) out.set(source.alarm.arn, { arn: source.alarm.arn, name: source.alarm.name });
  for (const a of source.relatedAlarms ?? [])
    if (!out.has(a.arn)) out.set(a.arn, { arn: a.arn, name: a.name });
  return [...out.values()].filter((a) => !has.has(a.arn));
}

export interface MergeResult {
  /** The merged (now resolved) incident. */
  incident: Incident;
  /** The surviving incident. */
  into: Incident;
  /** False when it had been merged into `into` already (a retry): nothing was written. */
  changed: boolean;
  /** The alarms that now attach to `into`. */
  movedAlarms: string[];
}

/** Merges the incident `sourceId` into `input.into` (see the top of this file). */
export async function mergeIncident(
  deps: ActionDeps,
  sourceId: string,
  input: MergeInput,
  actor: Actor,
): Promise<MergeResult> {
  const data = validate(mergeInputSchema, input);
  if (data.into === sourceId)
    throw new ValidationError("an incident cannot be merged into itself", [
      { path: "into", message: "is the incident being merged: name the one it duplicates" },
    ]);
  return twoIncidents<MergeResult>(
    deps,
    [sourceId, data.into],
    data.expectedVersion,
    actor,
    async (source, target, now) => {
      if (source.mergedInto?.id === target.id)
        return { done: { incident: source, into: target, changed: false, movedAlarms: [] } };
      if (source.mergedInto)
        throw new CannotMergeError(
          `INC-${source.number} was already merged into INC-${source.mergedInto.number}`,
        );
      if (source.status === "resolved")
        throw new IncidentResolvedError(source.number, "only an open incident can be merged into another");
      if (target.status === "resolved")
        throw new CannotMergeError(
          `INC-${target.number} is resolved: merge INC-${source.number} into an open incident, or reopen INC-${target.number} first`,
        );
      if ((target.merged?.length ?? 0) >= MAX_MERGED)
        throw new CannotMergeError(
          `INC-${target.number} has ${MAX_MERGED} incidents merged into it already, the most it takes: link INC-${source.number} to it instead`,
        );
      const at = now.toISOString();
      const alarms = alarmsToMove(source, target);
      // Their last states, so the survivor shows at once which of them still fire.
      const records = new Map(
        (await deps.store.getAlarmRecords(alarms.map((a) => a.arn))).map((r) => [r.arn, r]),
      );
      const summary = `Merged into INC-${target.number}${data.reason ? `: ${data.reason}` : ""}`;
      const mergedSource: Incident = {
        ...transition(source, "resolved", at),
        mergedInto: refOf(target, at),
        summary: source.summary ?? summary,
      };
      const reason = data.reason ? { reason: data.reason } : {};
      const build = (moved: string[]): Change[] => {
        const carried = alarms.filter((a) => moved.includes(a.arn));
        const related: RelatedAlarm[] = carried.map((a) => ({ arn: a.arn, name: a.name, at }));
        return [
          {
            before: source,
            after: mergedSource,
            drafts: [
              {
                kind: "incident.merged",
                summary: `merged into INC-${target.number} (${target.title}) by ${by(actor)}${data.reason ? `: ${data.reason}` : ""}`,
                data: { into: named(target), ...reason },
              },
              {
                kind: "incident.status_changed",
                summary: `resolved by ${by(actor)}: merged into INC-${target.number}`,
                data: { from: source.status, to: "resolved", summary, merged: { into: named(target) } },
              },
            ],
          },
          {
            before: target,
            after: {
              ...target,
              merged: [...(target.merged ?? []), refOf(source, at)],
              ...(related.length ? { relatedAlarms: [...(target.relatedAlarms ?? []), ...related] } : {}),
              updatedAt: at,
              version: target.version + 1,
            },
            drafts: [
              {
                kind: "incident.merge_received",
                summary: `INC-${source.number} (${source.title}) merged into this incident by ${by(actor)}${carried.length ? `; its alarms attach here: ${carried.map((a) => a.name).join(", ")}` : ""}${data.reason ? `: ${data.reason}` : ""}`,
                data: {
                  from: named(source),
                  alarms: carried.map((a) => {
                    const r = records.get(a.arn);
                    return {
                      ...a,
                      ...(r ? { state: r.lastState, stateTimestamp: r.lastStateTimestamp } : {}),
                    };
                  }),
                  ...reason,
                },
              },
            ],
          },
        ];
      };
      return {
        moveAlarms: alarms.map((a) => a.arn),
        build,
        result: (changes, moved) => ({
          incident: changes[0]!.after,
          into: changes[1]!.after,
          changed: true,
          movedAlarms: moved,
        }),
      };
    },
  );
}

export interface LinkResult {
  incident: Incident;
  other: Incident;
  /** False when the pair was linked (or unlinked) already: nothing was written. */
  changed: boolean;
}

/** Both sides of a link or an unlink, each naming the other. */
function linkPlan(
  a: Incident,
  b: Incident,
  at: string,
  change: (x: Incident, y: Incident) => { links: IncidentRef[]; draft: Draft },
): Plan<LinkResult> {
  const side = (x: Incident, y: Incident): Change => {
    const { links, draft } = change(x, y);
    return { before: x, after: { ...x, links, updatedAt: at, version: x.version + 1 }, drafts: [draft] };
  };
  return {
    build: () => [side(a, b), side(b, a)],
    result: (changes) => ({ incident: changes[0]!.after, other: changes[1]!.after, changed: true }),
  };
}

const isLinked = (x: Incident, y: Incident) => x.links?.some((l) => l.id === y.id) ?? false;

/** Links two incidents (both ways). Linking a pair that is linked already changes nothing. */
export async function linkIncidents(
  deps: ActionDeps,
  incidentId: string,
  input: LinkInput,
  actor: Actor,
): Promise<LinkResult> {
  const data = validate(linkInputSchema, input);
  if (data.other === incidentId)
    throw new ValidationError("an incident cannot be linked to itself", [
      { path: "other", message: "is the incident itself: name a related one" },
    ]);
  return twoIncidents<LinkResult>(deps, [incidentId, data.other], undefined, actor, (a, b, now) => {
    if (isLinked(a, b) && isLinked(b, a)) return { done: { incident: a, other: b, changed: false } };
    for (const x of [a, b])
      if ((x.links?.length ?? 0) >= MAX_LINKS)
        throw new CannotLinkError(
          `INC-${x.number} has ${MAX_LINKS} linked incidents already, the most it takes`,
        );
    const at = now.toISOString();
    return linkPlan(a, b, at, (x, y) => ({
      links: [...(x.links ?? []).filter((l) => l.id !== y.id), refOf(y, at)],
      draft: {
        kind: "incident.linked",
        summary: `linked to INC-${y.number} (${y.title}) by ${by(actor)}${data.reason ? `: ${data.reason}` : ""}`,
        data: { other: named(y), ...(data.reason ? { reason: data.reason } : {}) },
      },
    }));
  });
}

/** Removes the link between two incidents (both ways). Unlinking a pair that is not linked changes nothing. */
export async function unlinkIncidents(
  deps: ActionDeps,
  incidentId: string,
  otherId: string,
  actor: Actor,
): Promise<LinkResult> {
  return twoIncidents<LinkResult>(deps, [incidentId, otherId], undefined, actor, (a, b, now) => {
    if (!isLinked(a, b) && !isLinked(b, a)) return { done: { incident: a, other: b, changed: false } };
    return linkPlan(a, b, now.toISOString(), (x, y) => ({
      links: (x.links ?? []).filter((l) => l.id !== y.id),
      draft: {
        kind: "incident.unlinked",
        summary: `unlinked from INC-${y.number} (${y.title}) by ${by(actor)}`,
        data: { other: named(y) },
      },
    }));
  });
}
