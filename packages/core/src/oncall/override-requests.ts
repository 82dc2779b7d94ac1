/**
 * Requests to change who is on call (shift-overrides.ts has the model and the read side, which
 * every reader of the directory bundles): the one parser of a request, the rules it is checked
 * against (`planOverride`), and the local times people type in Slack (`parseShiftTime`).
 */

import { FirebreakError, NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { validate } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import type { Actor } from "../incident/model";
import { indexDirectory } from "./directory-index";
import type { Directory, Rotation } from "./directory-types";
import { onCallAt } from "./rotation";
import type { ShiftOverride } from "./shift-overrides";
import { parseLocalDate, parseLocalTime, zonedTimeToInstant } from "./tz";

/** At most this many live overrides (they share one item, well under DynamoDB's 400 KB). */
export const MAX_SHIFT_OVERRIDES = 500;
/** An override lasts at most 31 days and starts at most 180 days ahead. */
export const MAX_OVERRIDE_MS = 31 * 86_400_000;
export const MAX_OVERRIDE_LEAD_MS = 180 * 86_400_000;

const instant = (what: string) =>
  z
    .string({ error: `required: ${what}, an ISO 8601 instant with its offset (2026-12-24T09:00:00+01:00)` })
    .check(
      z.refine((v) => /(?:Z|[+-]\d{2}:?\d{2})$/i.test(v) && !Number.isNaN(Date.parse(v)), {
        message: `expected ${what} as an ISO 8601 instant with its offset, e.g. 2026-12-24T09:00:00+01:00`,
      }),
    );

export const overrideRequestSchema = z.strictObject({
  /** Who is on call during the override (the person taking the shift). */
  personId: z.string().check(z.trim(), z.minLength(1, "who takes the shift"), z.maxLength(64)),
  from: instant("from"),
  to: instant("to"),
  /** Which rotation; by default the one rotation the requester (else the person) belongs to. */
  rotationId: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
  reason: z.optional(z.string().check(z.trim(), z.maxLength(200, "at most 200 characters"))),
});
export type OverrideRequest = z.input<typeof overrideRequestSchema>;

/**
 * The override cannot be made (409: `override_refused`) or not by this person (403:
 * `override_forbidden`); the message says why, or who may.
 */
export class OverrideRefusedError extends FirebreakError {
  constructor(message: string, code: "override_refused" | "override_forbidden" = "override_refused") {
    super(code, message);
  }
}

const rotationsOf = (directory: Directory, personId: string): Rotation[] =>
  directory.teams.flatMap((t) => t.rotations.filter((r) => r.members.includes(personId)));

/**
 * Checks a request against the directory and the clock and returns the new override (pure).
 * `requester` is the directory person asking (undefined: an admin or a token without one).
 * Without `admin`, the requester must be a member of the rotation: they give their shift away, take
 * a colleague's (for themselves or anyone), or arrange a swap.
 */
export function planOverride(
  directory: Directory,
  existing: readonly ShiftOverride[],
  input: OverrideRequest,
  context: { actor: Actor; requester?: string; admin: boolean; now: Date; number: number },
): ShiftOverride {
  const data = validate(overrideRequestSchema, input);
  const index = indexDirectory(directory);
  const person = index.people.get(data.personId);
  if (!person)
    throw new ValidationError(`unknown person "${data.personId}"`, [
      { path: "personId", message: `unknown person "${data.personId}" (see GET /api/people)` },
    ]);
  let rotation: Rotation | undefined;
  if (data.rotationId) {
    rotation = index.rotations.get(data.rotationId)?.rotation;
    if (!rotation)
      throw new ValidationError(`unknown rotation "${data.rotationId}"`, [
        { path: "rotationId", message: `unknown rotation "${data.rotationId}"` },
      ]);
  } else {
    const whose = context.requester ?? data.personId;
    const members = rotationsOf(directory, whose);
    let fallback = members.length === 0 ? rotationsOf(directory, data.personId) : members;
    // In several: the one whose shift `whose` holds at `from` is the shift being given away.
    if (fallback.length > 1 && !Number.isNaN(Date.parse(data.from))) {
      const holding = fallback.filter(
        (r) => onCallAt(r, index.people, new Date(data.from)).personId === whose,
      );
      if (holding.length === 1) fallback = holding;
    }
    if (fallback.length !== 1)
      throw new ValidationError("say which rotation", [
        {
          path: "rotationId",
          message:
            fallback.length === 0
              ? `${whose} is in no rotation: name the rotation (rotationId)`
              : `${whose} is in several rotations (${fallback.map((r) => r.id).join(", ")}): name one (rotationId)`,
        },
      ]);
    rotation = fallback[0]!;
  }
  const from = new Date(data.from);
  const to = new Date(data.to);
  const issue = (path: string, message: string) =>
    new ValidationError(`${path}: ${message}`, [{ path, message }]);
  if (to <= from) throw issue("to", "must be after from");
  if (to.getTime() - from.getTime() > MAX_OVERRIDE_MS) throw issue("to", "an override lasts at most 31 days");
  if (to <= context.now) throw issue("to", "is in the past: the override would change nothing");
  if (from.getTime() - context.now.getTime() > MAX_OVERRIDE_LEAD_MS)
    throw issue("from", "is more than 180 days ahead");
  if (!context.admin && !rotation.members.includes(context.requester ?? ""))
    throw new OverrideRefusedError(
      `only members of rotation ${rotation.id} (${rotation.members.join(", ") || "nobody"}) or an admin may change who is on call there`,
      "override_forbidden",
    );
  const live = existing.filter((o) => Date.parse(o.to) > context.now.getTime());
  if (live.length >= MAX_SHIFT_OVERRIDES)
    throw new OverrideRefusedError(
      `there are ${MAX_SHIFT_OVERRIDES} overrides already, the most kept: cancel some first`,
    );
  const same = live.find(
    (o) =>
      o.rotationId === rotation.id &&
      o.personId === data.personId &&
      o.from === from.toISOString() &&
      o.to === to.toISOString(),
  );
  if (same) throw new OverrideRefusedError(`${same.id} already puts ${person.name} on call then`);
  return {
    id: `OV-${context.number}`,
    number: context.number,
    rotationId: rotation.id,
    personId: data.personId,
    from: from.toISOString(),
    to: to.toISOString(),
    ...(data.reason ? { reason: data.reason } : {}),
    createdBy: context.actor,
    createdAt: context.now.toISOString(),
  };
}

/** The override `id` (`OV-n`, any case) among `overrides`, or NotFoundError. */
export function findOverride(overrides: readonly ShiftOverride[], id: string): ShiftOverride {
  const m = /^OV-(\d{1,9})$/i.exec(id.trim());
  const found = m ? overrides.find((o) => o.number === Number(m[1])) : undefined;
  if (!found) throw new NotFoundError("shift override", id);
  return found;
}

/**
 * `2026-12-24 09:00` (or `2026-12-24T09:00`) read as wall-clock time in `zone`, or an ISO instant
 * with an offset as it is. Undefined when it is neither. For Slack, where people type local times.
 */
export function parseShiftTime(text: string, zone: string): Date | undefined {
  const trimmed = text.trim();
  if (/(?:Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) && /^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})$/.exec(trimmed);
  if (!m) return undefined;
  const date = parseLocalDate(m[1]!);
  const time = parseLocalTime(m[2]!.padStart(5, "0"));
  if (!date || !time) return undefined;
  return zonedTimeToInstant(zone, date, time).instant;
}
