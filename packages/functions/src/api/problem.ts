import { ForbiddenError, UnauthenticatedError } from "@firebreak/core/auth/errors";
import { IllegalTransitionError } from "@firebreak/core/incident/model";
import {
  FirebreakError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from "@firebreak/core/shared/errors";

/** RFC 9457 problem details. Every API error leaves through `toProblem`, and only there. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Validation issues, each naming the field path (`issues`; `errors` is the same list, kept for older clients). */
  issues?: { path: string; message: string }[];
  errors?: { path: string; message: string }[];
  currentVersion?: number;
  /** On a 409: the incident (IncidentView) or action item as it is now. */
  current?: unknown;
  code?: string;
}

/** The request body is larger than the API accepts (HTTP 413). */
export class PayloadTooLargeError extends FirebreakError {
  constructor(limit: number) {
    super("payload_too_large", `the request body is larger than ${limit} bytes`);
  }
}

/** A version conflict carrying the resource as it is now (the 409's `current`): an action item. */
export class ConflictWithCurrentError extends VersionConflictError {
  readonly current: unknown;
  constructor(message: string, currentVersion: number | undefined, current: unknown) {
    super(message, currentVersion);
    this.current = current;
  }
}

/** A version conflict on an incident, carrying the incident as it is now. */
export class IncidentConflictError extends ConflictWithCurrentError {}

/** What each stable error code means over HTTP: its status, problem type (slug) and title. */
const BY_CODE: Record<string, readonly [status: number, slug: string, title: string]> = {
  unauthenticated: [401, "unauthenticated", "Sign in required"],
  forbidden: [403, "forbidden", "Forbidden"],
  csrf_failed: [403, "csrf", "CSRF check failed"],
  override_forbidden: [403, "forbidden", "Forbidden"],
  override_refused: [409, "override-refused", "Override refused"],
  rate_limited: [429, "rate-limited", "Too many requests"],
  too_soon: [429, "too-soon", "Too soon"],
  payload_too_large: [413, "payload-too-large", "Body too large"],
  not_found: [404, "not-found", "Not found"],
  version_conflict: [409, "version-conflict", "Version conflict"],
  concurrent_change: [409, "version-conflict", "Version conflict"],
  illegal_transition: [409, "illegal-transition", "Illegal transition"],
  incident_resolved: [409, "incident-resolved", "Incident resolved"],
  not_resolved: [409, "cannot-reopen", "Cannot reopen"],
  reopen_window_passed: [409, "cannot-reopen", "Cannot reopen"],
  reopen_merged: [409, "cannot-reopen", "Cannot reopen"],
  cannot_merge: [409, "cannot-merge", "Cannot merge"],
  cannot_link: [409, "cannot-link", "Cannot link"],
  heartbeat_exists: [409, "heartbeat-exists", "Heartbeat exists"],
  window_ended: [409, "window-ended", "Maintenance window ended"],
  paging_not_configured: [503, "unavailable", "Not available"],
  not_configured: [503, "unavailable", "Not available"],
};

/**
 * The code an error is known by over HTTP: its own, except that every validation, not-found and
 * version-conflict error (whatever its code) means what its class says, and any other refusal of
 * access is Forbidden.
 */
function codeOf(error: FirebreakError): string {
  if (error instanceof NotFoundError) return "not_found";
  if (error instanceof VersionConflictError) return "version_conflict";
  if (error instanceof IllegalTransitionError) return "illegal_transition";
  if (error instanceof ForbiddenError && error.code !== "csrf_failed") return "forbidden";
  if (error instanceof UnauthenticatedError) return "unauthenticated";
  return error.code;
}

export function toProblem(error: unknown): Problem {
  if (error instanceof ValidationError)
    return {
      type: "https://firebreak.dev/problems/validation",
      title: "Invalid request",
      status: 400,
      detail: error.message,
      issues: error.issues,
      errors: error.issues,
      code: error.code,
    };
  if (!(error instanceof FirebreakError))
    return {
      type: "https://firebreak.dev/problems/internal",
      title: "Internal error",
      status: 500,
      detail: "Something went wrong on our side. It has been logged.",
    };
  const [status, slug, title] = BY_CODE[codeOf(error)] ?? [422, "error", "Request failed"];
  return {
    type: `https://firebreak.dev/problems/${slug}`,
    title,
    status,
    detail: error.message,
    ...(error instanceof VersionConflictError ? { currentVersion: error.currentVersion } : {}),
    ...(error instanceof ConflictWithCurrentError ? { current: error.current } : {}),
    code: error.code,
  };
}
