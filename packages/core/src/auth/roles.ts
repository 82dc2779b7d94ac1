import * as z from "@firebreak/core/shared/zod";
import type { Directory } from "../oncall/directory-types";

/**
 * Who may do what:
 * - viewer: reads incidents, pages, postmortems, metrics and people;
 * - responder: also acts on incidents (declare, ack, mitigate, resolve, roles, updates, postmortem edits);
 * - admin: also reads and writes the on-call directory and manages API tokens.
 */
export const AUTH_ROLES = ["viewer", "responder", "admin"] as const;
export const authRoleSchema = z.enum(AUTH_ROLES);
export type AuthRole = z.infer<typeof authRoleSchema>;

const RANK: Record<AuthRole, number> = { viewer: 0, responder: 1, admin: 2 };

export function hasRole(have: AuthRole, need: AuthRole): boolean {
  return RANK[have] >= RANK[need];
}

/**
 * The role a signed-in person gets (Slack sign-in): admin when their directory id or Slack user id
 * is in `admins` (FIREBREAK_ADMINS), responder when they are a person in the on-call directory
 * (matched by Slack user id or id), viewer otherwise (anyone else in the allowed workspace).
 */
export function roleFor(
  who: { id?: string; slackUserId?: string },
  directory: Directory | undefined,
  admins: readonly string[],
): { role: AuthRole; personId?: string; name?: string } {
  const person = directory?.people.find(
    (p) =>
      (who.slackUserId !== undefined && p.slackUserId === who.slackUserId) || (who.id && p.id === who.id),
  );
  const ids = [who.id, who.slackUserId, person?.id, person?.slackUserId].filter(
    (x): x is string => typeof x === "string",
  );
  if (ids.some((id) => admins.includes(id)))
    return { role: "admin", personId: person?.id, name: person?.name };
  if (person) return { role: "responder", personId: person.id, name: person.name };
  return { role: "viewer" };
}

/** FIREBREAK_ADMINS: comma-separated directory person ids or Slack user ids. */
export function parseAdmins(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
