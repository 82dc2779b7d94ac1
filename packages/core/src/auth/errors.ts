import { FirebreakError } from "@firebreak/core/shared/errors";

/** No credentials, or credentials that are expired, forged or revoked (HTTP 401). */
export class UnauthenticatedError extends FirebreakError {
  constructor(message = "sign in, or send an API token as Authorization: Bearer fbk_…") {
    super("unauthenticated", message);
  }
}

/** Signed in, but not allowed to do this (HTTP 403): the wrong role, or a missing CSRF token. */
export class ForbiddenError extends FirebreakError {
  constructor(code: "forbidden" | "csrf_failed", message: string) {
    super(code, message);
  }
}
