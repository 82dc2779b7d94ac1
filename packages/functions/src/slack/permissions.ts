import type { Incident } from "@firebreak/core/incident/model";
import { ROLES, type Role } from "@firebreak/core/incident/timeline";
import { PermissionDeniedError } from "./errors";

/**
 * Who may do what from Slack (pure). `anyone` is anyone in the workspace; `responders` is the
 * incident's IC, anyone holding a role on it, and the configured admins.
 *
 * Defaults: anyone may declare, acknowledge, post updates and mark mitigated; only responders may
 * resolve, assign roles and change the severity. With `claimVacantIc` (default on), anyone may take the IC role of an
 * incident that has no IC (the Take IC button, or `assign ic @me`): without it nobody but an admin
 * could ever start the response on a fresh incident.
 */
export type Audience = "anyone" | "responders";
export type Act = "declare" | "ack" | "update" | "mitigate" | "resolve" | "assign" | "severity";

export interface PermissionPolicy {
  /** Slack user ids allowed to do everything. */
  admins: readonly string[];
  acts: Record<Act, Audience>;
  claimVacantIc: boolean;
}

export const DEFAULT_POLICY: PermissionPolicy = {
  admins: [],
  acts: {
    declare: "anyone",
    ack: "anyone",
    update: "anyone",
    mitigate: "anyone",
    resolve: "responders",
    assign: "responders",
    severity: "responders",
  },
  claimVacantIc: true,
};

export type PermissionConfig = Partial<Omit<PermissionPolicy, "acts">> & {
  acts?: Partial<Record<Act, Audience>>;
};

export function permissionPolicy(config: PermissionConfig = {}): PermissionPolicy {
  return {
    admins: config.admins ?? DEFAULT_POLICY.admins,
    acts: { ...DEFAULT_POLICY.acts, ...config.acts },
    claimVacantIc: config.claimVacantIc ?? DEFAULT_POLICY.claimVacantIc,
  };
}

/** The acting Slack user, and their id in the on-call directory when it differs. */
export interface Who {
  slackUserId: string;
  personId?: string;
}

function holds(incident: Incident, who: Who, role?: Role): boolean {
  const roles = role ? [role] : ROLES;
  return roles.some((r) => {
    const holder = incident.roles?.[r]?.personId;
    return holder !== undefined && (holder === who.slackUserId || holder === who.personId);
  });
}

export function isResponder(policy: PermissionPolicy, incident: Incident, who: Who): boolean {
  return policy.admins.includes(who.slackUserId) || holds(incident, who);
}

/** Throws PermissionDeniedError with a message that says who may do it instead. */
export function authorize(
  policy: PermissionPolicy,
  act: Act,
  incident: Incident | undefined,
  who: Who,
  assignment?: { role: Role; personId: string },
): void {
  if (policy.acts[act] === "anyone" || policy.admins.includes(who.slackUserId)) return;
  if (!incident) throw new PermissionDeniedError(`Only an admin may ${act}.`);
  if (holds(incident, who)) return;
  const selfClaim =
    assignment?.role === "ic" &&
    (assignment.personId === who.slackUserId || assignment.personId === who.personId) &&
    incident.roles?.ic === undefined;
  if (act === "assign" && selfClaim && policy.claimVacantIc) return;
  const key = `INC-${incident.number}`;
  const ic = incident.roles?.ic;
  const ask = ic
    ? `ask its incident commander (${ic.personName ?? ic.personId}) or an admin`
    : policy.claimVacantIc
      ? "it has no incident commander yet: take IC first (the Take IC button, or /incident assign ic @you)"
      : "ask an admin";
  const verb = act === "assign" ? "assign roles on" : act;
  throw new PermissionDeniedError(
    `Only ${key}'s incident commander, its role holders or an admin may ${verb} it: ${ask}.`,
  );
}
