/**
 * Shift overrides made at runtime, self-service (issue 15 item 8): "Bob covers my shift from
 * Christmas Eve 09:00 to Christmas Day 09:00". A person takes, gives away or swaps (two covers) a
 * shift from Slack (`/incident cover`), the API or the dashboard; the directory YAML is not edited.
 *
 * They are stored beside the directory (`DIRECTORY` / `OVERRIDES`, one item, optimistic locking:
 * store.ts) and merged into the rotations' overrides when the directory is read
 * (`withShiftOverrides`), so paging, the escalation sweep and "who is on call" all see them. Being
 * written after the YAML's, each wins over an equally narrow YAML override (rotation.ts). They
 * expire on their own: one whose `to` has passed is ignored on read and dropped on the next write.
 * One that no longer fits the directory (its rotation or person was removed by `directory apply`)
 * is never applied and never dropped silently: `misfitOverrides` names it, and apply reports it.
 */
import type { Actor } from "../incident/model";
import { indexDirectory } from "./directory-index";
import type { Directory } from "./directory-types";

/** A runtime override: `personId` is on call in `rotationId` during [from, to). */
export interface ShiftOverride {
  /** `OV-<number>`. */
  id: string;
  number: number;
  rotationId: string;
  personId: string;
  /** ISO instants (UTC, milliseconds). */
  from: string;
  to: string;
  reason?: string;
  createdBy: Actor;
  createdAt: string;
}

/** The overrides that have not ended at `now`, soonest first. */
export function liveOverrides(overrides: readonly ShiftOverride[], now: Date): ShiftOverride[] {
  return overrides
    .filter((o) => Date.parse(o.to) > now.getTime())
    .sort((a, b) => a.from.localeCompare(b.from) || a.number - b.number);
}

/** Overrides that name a rotation or a person the directory no longer has, and why. */
export function misfitOverrides(
  directory: Directory,
  overrides: readonly ShiftOverride[],
): { override: ShiftOverride; reason: string }[] {
  const index = indexDirectory(directory);
  return overrides.flatMap((override) => {
    if (!index.rotations.has(override.rotationId))
      return [{ override, reason: `rotation "${override.rotationId}" is no longer in the directory` }];
    if (!index.people.has(override.personId))
      return [{ override, reason: `person "${override.personId}" is no longer in the directory` }];
    return [];
  });
}

/**
 * The directory with the live overrides added to their rotations (after the YAML's own), for
 * everything that asks who is on call. Misfits are left out. Pure; the input is not mutated.
 */
export function withShiftOverrides(
  directory: Directory,
  overrides: readonly ShiftOverride[],
  now: Date,
): Directory {
  const live = liveOverrides(overrides, now);
  if (live.length === 0) return directory;
  const index = indexDirectory(directory);
  const byRotation = new Map<string, ShiftOverride[]>();
  for (const o of live) {
    if (!index.rotations.has(o.rotationId) || !index.people.has(o.personId)) continue;
    byRotation.set(o.rotationId, [...(byRotation.get(o.rotationId) ?? []), o]);
  }
  if (byRotation.size === 0) return directory;
  return {
    ...directory,
    teams: directory.teams.map((team) =>
      team.rotations.some((r) => byRotation.has(r.id))
        ? {
            ...team,
            rotations: team.rotations.map((r) => {
              const added = byRotation.get(r.id);
              if (!added) return r;
              return {
                ...r,
                overrides: [
                  ...r.overrides,
                  ...added
                    .sort((a, b) => a.number - b.number)
                    .map((o) => ({
                      personId: o.personId,
                      from: o.from,
                      to: o.to,
                      reason: `${o.id}${o.reason ? `: ${o.reason}` : ""}`,
                    })),
                ],
              };
            }),
          }
        : team,
    ),
  };
}
