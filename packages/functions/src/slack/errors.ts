import { IncidentResolvedError } from "@firebreak/core/incident/actions";
import { IllegalTransitionError, type Incident } from "@firebreak/core/incident/model";
import { escapeMrkdwn } from "@firebreak/core/paging/slack-message";
import {
  FirebreakError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from "@firebreak/core/shared/errors";
import type { CommandError } from "./commands";

/**
 * The one place where errors become what a Slack user reads (an ephemeral message, or the error
 * under a modal field). Never a stack trace, never an internal message for an unexpected error:
 * those are logged by the caller with a reference the user can quote.
 */

/** Something the user can fix; `message` is plain text (escaped when shown), `usage` optional. */
export class SlackUserError extends FirebreakError {
  readonly usage: string | undefined;
  constructor(code: string, message: string, usage?: string) {
    super(code, message);
    this.usage = usage;
  }
}

/** The `/incident` text did not parse. */
export class CommandSyntaxError extends SlackUserError {
  constructor(error: CommandError) {
    super(`command_${error.code}`, error.problem, error.usage);
  }
}

/** The user may not do this to this incident. */
export class PermissionDeniedError extends SlackUserError {
  constructor(message: string) {
    super("permission_denied", message);
  }
}

/**
 * Core refusals with a message written for people (the state forbids it, or the deployment lacks
 * it): shown as they are, as the API answers them with a 409 or 503, never as our fault.
 */
const STATED_REFUSALS = new Set([
  "not_resolved",
  "reopen_window_passed",
  "reopen_merged",
  "window_ended",
  "cannot_merge",
  "override_refused",
  "override_forbidden",
  "cannot_link",
  "paging_not_configured",
]);

const isStatedRefusal = (error: unknown): error is FirebreakError =>
  error instanceof FirebreakError && STATED_REFUSALS.has(error.code);

/** Is this an error we expected (the user's input, the incident's state), not a fault of ours? */
export function isExpected(error: unknown): boolean {
  return (
    isStatedRefusal(error) ||
    error instanceof SlackUserError ||
    error instanceof ValidationError ||
    error instanceof NotFoundError ||
    error instanceof IllegalTransitionError ||
    error instanceof VersionConflictError ||
    error instanceof IncidentResolvedError
  );
}

const label = (incident: Pick<Incident, "number"> | undefined) =>
  incident ? `INC-${incident.number}` : "The incident";

/**
 * The text for an error: mrkdwn (escaped) by default, or `plain` for a modal field's error.
 * `incident` is the incident the user acted on (when known), for messages such as "INC-7 is
 * already acknowledged". `reference` is quoted for unexpected errors.
 */
export function errorText(
  error: unknown,
  incident?: Pick<Incident, "number">,
  reference?: string,
  format: "mrkdwn" | "plain" = "mrkdwn",
): string {
  const esc = format === "plain" ? (s: string) => s : escapeMrkdwn;
  const code = (s: string) => (format === "plain" ? s : `\`${s}\``);
  if (error instanceof SlackUserError) {
    const usage = error.usage ? `\nUsage: ${code(esc(error.usage))}` : "";
    return `${esc(error.message)}${usage}`;
  }
  if (error instanceof IllegalTransitionError) {
    if (error.from === error.to) return `${label(incident)} is already ${error.to}.`;
    return `${label(incident)} is already ${error.from}: it cannot go back to ${error.to}.`;
  }
  if (error instanceof ValidationError) {
    const issues = error.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    return `That did not work: ${esc(issues || error.message)}`;
  }
  if (error instanceof NotFoundError) return `${label(incident)} was not found.`;
  if (error instanceof IncidentResolvedError || isStatedRefusal(error)) return `${esc(error.message)}.`;
  if (error instanceof VersionConflictError)
    return `${label(incident)} was changed by someone else at the same moment: please try again.`;
  const ref = reference ? ` (reference ${code(esc(reference))})` : "";
  return `Sorry, something went wrong on our side${ref}. It has been logged; please try again.`;
}
