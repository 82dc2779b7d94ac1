/**
 * Taking, giving away and cancelling shift overrides (shift-overrides.ts) from the API, Slack and
 * the dashboard: read the overrides, plan, save conditioned on the version read (a lost race is
 * retried on fresh data), with the change's timeline entry (`oncall.override_created` /
 * `oncall.override_cancelled`, published by the outbox) in the same transaction.
 */

import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import type { Actor } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { DirectoryRepository } from "../ports";
import { indexDirectory } from "./directory-index";
import { findOverride, OverrideRefusedError, type OverrideRequest, planOverride } from "./override-requests";
import { liveOverrides, type ShiftOverride } from "./shift-overrides";

export interface OverrideDeps {
  directory: Pick<DirectoryRepository, "getOverrides" | "saveOverrides">;
  clock?: Clock;
}

/** Who asks: the actor recorded, their directory person (if any) and whether they are an admin. */
export interface OverrideRequester {
  actor: Actor;
  personId?: string;
  admin: boolean;
}

const MAX_ATTEMPTS = 20;

function entry(
  override: ShiftOverride,
  kind: string,
  summary: string,
  actor: Actor,
  at: Date,
): TimelineEntry {
  return {
    id: newId(at.getTime()),
    incidentId: override.id,
    kind,
    actor,
    at: at.toISOString(),
    summary,
    data: {
      override: {
        id: override.id,
        rotationId: override.rotationId,
        personId: override.personId,
        from: override.from,
        to: override.to,
        ...(override.reason ? { reason: override.reason } : {}),
      },
    },
  };
}

const noDirectory = () =>
  new FirebreakError(
    "paging_not_configured",
    "there is no on-call directory yet: apply one (firebreak directory apply) before overriding shifts",
  );

/** Puts a person on call in a rotation for a while (see planOverride for the rules). */
export async function addShiftOverride(
  deps: OverrideDeps,
  input: OverrideRequest,
  who: OverrideRequester,
): Promise<ShiftOverride> {
  return retryOnConflict(async () => {
    const overrides = await deps.directory.getOverrides();
    const directory = overrides.applied;
    if (!directory) throw noDirectory();
    const now = (deps.clock ?? systemClock).now();
    const override = planOverride(directory, overrides.items, input, {
      actor: who.actor,
      ...(who.personId ? { requester: who.personId } : {}),
      admin: who.admin,
      now,
      number: overrides.next,
    });
    const name = indexDirectory(directory).people.get(override.personId)?.name ?? override.personId;
    await deps.directory.saveOverrides(
      [...liveOverrides(overrides.items, now), override],
      overrides.version,
      overrides.next + 1,
      entry(
        override,
        "oncall.override_created",
        `${override.id}: ${name} on call in ${override.rotationId} from ${override.from} to ${override.to}, by ${who.actor.name ?? who.actor.id}${override.reason ? `: ${override.reason}` : ""}`,
        who.actor,
        now,
      ),
    );
    return override;
  }, MAX_ATTEMPTS);
}

/**
 * Cancels an override (`OV-n`). The person it puts on call, whoever made it, a member of its
 * rotation and admins may; cancelling one that has ended or does not exist is a 404.
 */
export async function cancelShiftOverride(
  deps: OverrideDeps,
  id: string,
  who: OverrideRequester,
): Promise<ShiftOverride> {
  return retryOnConflict(async () => {
    const overrides = await deps.directory.getOverrides();
    const now = (deps.clock ?? systemClock).now();
    const live = liveOverrides(overrides.items, now);
    const override = findOverride(live, id);
    const rotation = overrides.applied
      ? indexDirectory(overrides.applied).rotations.get(override.rotationId)?.rotation
      : undefined;
    const allowed =
      who.admin ||
      (who.personId !== undefined &&
        (who.personId === override.personId ||
          who.personId === override.createdBy.id ||
          (rotation?.members.includes(who.personId) ?? false)));
    if (!allowed)
      throw new OverrideRefusedError(
        `only the person ${override.id} puts on call, whoever made it, a member of rotation ${override.rotationId} or an admin may cancel it`,
        "override_forbidden",
      );
    await deps.directory.saveOverrides(
      live.filter((o) => o.number !== override.number),
      overrides.version,
      overrides.next,
      entry(
        override,
        "oncall.override_cancelled",
        `${override.id} cancelled by ${who.actor.name ?? who.actor.id}`,
        who.actor,
        now,
      ),
    );
    return override;
  }, MAX_ATTEMPTS);
}
