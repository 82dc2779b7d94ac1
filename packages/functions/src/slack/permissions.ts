import type { Incident } from "@firebreak/core/incident/model";
import { ROLES, type Role } from "@firebreak/core/incident/timeline";
import { PermissionDeniedError } from "./errors";

/**
 * Who may do what from Slack (pure). `anyone` is anyone in the workspace; `people` is anyone the
 * on-call directory lists (everyone while no directory is applied); `responders` is the incident's
 * IC, anyone holding a role on it, and the configured admins.
 *
 * Defaults: anyone may declare and post updates; directory people may acknowledge and mark
 * mitigated (someone outside the directory, never paged, stopping an escalation is how a page gets
 * lost); only responders may
 * resolve, assign roles, change the severity and merge a duplicate away; directory people may link
 * incidents, and schedule and cancel
 * maintenance windows. The declarer of an incident may take its IC role (`assign ic @me`, Take
 * IC), even once the on-call holds it. With `claimVacantIc` (default on), anyone may take the IC role of an
 * incident that has no IC (the Take IC button, or `assign ic @me`): without it nobody but an admin
 * could ever start the response on a fresh incident.
 */
/** `people`: anyone the on-call directory lists (and responders, admins); everyone while no directory is applied. */
export type Audience = "anyone" | "people" | "responders";
export type Act =
  | "declare"
  | "ack"
  | "update"
  | "mitigate"
  | "resolve"
  | "assign"
  | "severity"
  | "maintenance"
  | "page"
  | "escalate"
  | "reopen"
  | "merge"
  | "link"
  | "cover"
  | "postmortem"
  | "action";

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
    ack: "people",
    update: "anyone",
    mitigate: "people",
    resolve: "responders",
    assign: "responders",
    severity: "responders",
    // Scheduling or cancelling a maintenance window holds pages: not for someone outside the directory.
    maintenance: "people",
    // Paging someone in wakes them: for people of the directory, like acknowledging.
    page: "people",
    escalate: "people",
    reopen: "responders",
    // Merging resolves the duplicate: like resolving, for its responders.
    merge: "responders",
    link: "people",
    // Who may put whom on call is core's rule (the person taking it, a member, an admin).
    cover: "people",
    // Answering the postmortem's release question: directory people, as editing it is for responders.
    postmortem: "people",
    // Adding or closing an action item: directory people, like answering the postmortem.
    action: "people",
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

/** The acting Slack user, and who they are in the on-call directory. */
export interface Who {
  slackUserId: string;
  personId?: string;
  personName?: string;
  /** A directory is applied: `people` acts are then for the people it lists. */
  directory?: boolean;
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
  const audience = policy.acts[act];
  if (audience === "anyone" || policy.admins.includes(who.slackUserId)) return;
  if (audience === "people" && (!who.directory || who.personId !== undefined)) return;
  if (act === "maintenance")
    throw new PermissionDeniedError(
      "Only people in the on-call directory may schedule or cancel maintenance windows (they hold pages), and you are not in it: ask an admin to add you to the directory.",
    );
  if (act === "cover")
    throw new PermissionDeniedError(
      "Only people in the on-call directory may take, give away or cancel shifts, and you are not in it: ask an admin to add you to the directory.",
    );
  if (!incident) throw new PermissionDeniedError(`Only an admin may ${act}.`);
  if (holds(incident, who)) return;
  if (audience === "people") {
    const ic = incident.roles?.ic;
    throw new PermissionDeniedError(
      `Only people in the on-call directory may ${act === "ack" ? "acknowledge" : act === "page" ? "page people into" : act === "escalate" ? "escalate or re-page" : act === "postmortem" ? "answer the postmortem of" : act === "action" ? "add or close action items of" : act} INC-${incident.number}, and you are not in it: ask ${ic ? `its incident commander (${ic.personName ?? ic.personId})` : "the on-call"} or an admin, or ask an admin to add you to the directory.`,
    );
  }
  const selfClaim =
    assignment?.role === "ic" &&
    (assignment.personId === who.slackUserId || assignment.personId === who.personId) &&
    incident.roles?.ic === undefined;
  if (act === "assign" && selfClaim && policy.claimVacantIc) return;
  // The declarer may take command of their own incident, even after the on-call was made IC.
  const declarer = incident.declaredBy?.id;
  const ownIc =
    assignment?.role === "ic" &&
    (assignment.personId === who.slackUserId || assignment.personId === who.personId) &&
    declarer !== undefined &&
    (declarer === who.slackUserId || declarer === who.personId);
  if (act === "assign" && ownIc) return;
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
