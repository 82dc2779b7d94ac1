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

export function toProblem(error: unknown): Problem {
  if (error instanceof ValidationError) {
    return {
      type: "https://firebreak.dev/problems/validation",
      title: "Invalid request",
      status: 400,
      detail: error.message,
      issues: error.issues,
      errors: error.issues,
      code: error.code,
    };
  }
  if (error instanceof UnauthenticatedError) {
    return {
      type: "https://firebreak.dev/problems/unauthenticated",
      title: "Sign in required",
      status: 401,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof ForbiddenError) {
    return {
      type: `https://firebreak.dev/problems/${error.code === "csrf_failed" ? "csrf" : "forbidden"}`,
      title: error.code === "csrf_failed" ? "CSRF check failed" : "Forbidden",
      status: 403,
      detail: error.message,
      code: error.code,
    };
  }
  if (
    error instanceof FirebreakError &&
    (error.code === "override_refused" || error.code === "override_forbidden")
  ) {
    const forbidden = error.code === "override_forbidden";
    return {
      type: `https://firebreak.dev/problems/${forbidden ? "forbidden" : "override-refused"}`,
      title: forbidden ? "Forbidden" : "Override refused",
      status: forbidden ? 403 : 409,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof FirebreakError && error.code === "rate_limited") {
    return {
      type: "https://firebreak.dev/problems/rate-limited",
      title: "Too many requests",
      status: 429,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof PayloadTooLargeError) {
    return {
      type: "https://firebreak.dev/problems/payload-too-large",
      title: "Body too large",
      status: 413,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof NotFoundError) {
    return {
      type: "https://firebreak.dev/problems/not-found",
      title: "Not found",
      status: 404,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof VersionConflictError) {
    return {
      type: "https://firebreak.dev/problems/version-conflict",
      title: "Version conflict",
      status: 409,
      detail: error.message,
      currentVersion: error.currentVersion,
      ...(error instanceof ConflictWithCurrentError ? { current: error.current } : {}),
      code: error.code,
    };
  }
  if (error instanceof FirebreakError && error.code === "concurrent_change") {
    return {
      type: "https://firebreak.dev/problems/version-conflict",
      title: "Version conflict",
      status: 409,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof IllegalTransitionError) {
    return {
      type: "https://firebreak.dev/problems/illegal-transition",
      title: "Illegal transition",
      status: 409,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof FirebreakError && error.code === "incident_resolved") {
    return {
      type: "https://firebreak.dev/problems/incident-resolved",
      title: "Incident resolved",
      status: 409,
      detail: error.message,
      code: error.code,
    };
  }
  if (
    error instanceof FirebreakError &&
    (error.code === "not_resolved" || error.code === "reopen_window_passed" || error.code === "reopen_merged")
  ) {
    return {
      type: "https://firebreak.dev/problems/cannot-reopen",
      title: "Cannot reopen",
      status: 409,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof FirebreakError && (error.code === "cannot_merge" || error.code === "cannot_link")) {
    return {
      type: `https://firebreak.dev/problems/${error.code === "cannot_merge" ? "cannot-merge" : "cannot-link"}`,
      title: error.code === "cannot_merge" ? "Cannot merge" : "Cannot link",
      status: 409,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof FirebreakError && error.code === "heartbeat_exists") {
    return {
      type: "https://firebreak.dev/problems/heartbeat-exists",
      title: "Heartbeat exists",
      status: 409,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof FirebreakError && error.code === "window_ended") {
    return {
      type: "https://firebreak.dev/problems/window-ended",
      title: "Maintenance window ended",
      status: 409,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof FirebreakError && error.code === "too_soon") {
    return {
      type: "https://firebreak.dev/problems/too-soon",
      title: "Too soon",
      status: 429,
      detail: error.message,
      code: error.code,
    };
  }
  if (
    error instanceof FirebreakError &&
    (error.code === "paging_not_configured" || error.code === "not_configured")
  ) {
    return {
      type: "https://firebreak.dev/problems/unavailable",
      title: "Not available",
      status: 503,
      detail: error.message,
      code: error.code,
    };
  }
  if (error instanceof FirebreakError) {
    return {
      type: "https://firebreak.dev/problems/error",
      title: "Request failed",
      status: 422,
      detail: error.message,
      code: error.code,
    };
  }
  return {
    type: "https://firebreak.dev/problems/internal",
    title: "Internal error",
    status: 500,
    detail: "Something went wrong on our side. It has been logged.",
  };
}
