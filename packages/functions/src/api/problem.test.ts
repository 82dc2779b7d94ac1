import { ForbiddenError, UnauthenticatedError } from "@firebreak/core/auth/errors";
import {
  FirebreakError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from "@firebreak/core/shared/errors";
import { describe, expect, it } from "vitest";
import { ConflictWithCurrentError, toProblem } from "./problem";

describe("toProblem: every API error by its stable code", () => {
  it.each([
    [new UnauthenticatedError("sign in"), 401, "unauthenticated"],
    [new ForbiddenError("forbidden", "not yours"), 403, "forbidden"],
    [new ForbiddenError("csrf_failed", "no token"), 403, "csrf"],
    [new FirebreakError("override_refused", "no"), 409, "override-refused"],
    [new FirebreakError("too_soon", "wait"), 429, "too-soon"],
    [new NotFoundError("Incident", "INC-9"), 404, "not-found"],
    [new FirebreakError("reopen_window_passed", "too late"), 409, "cannot-reopen"],
    [new FirebreakError("paging_not_configured", "no paging"), 503, "unavailable"],
    [new FirebreakError("something_new", "refused"), 422, "error"],
  ])("%s → %i %s", (error, status, slug) => {
    const problem = toProblem(error);
    expect(problem).toMatchObject({
      status,
      type: `https://firebreak.dev/problems/${slug}`,
      code: error.code,
    });
    expect(problem.detail).toBe(error.message);
  });

  it("names each bad field of a validation error, and returns the current state on a conflict", () => {
    expect(toProblem(new ValidationError("bad", [{ path: "severity", message: "unknown" }]))).toMatchObject({
      status: 400,
      issues: [{ path: "severity", message: "unknown" }],
    });
    expect(toProblem(new VersionConflictError("changed", 3))).toMatchObject({
      status: 409,
      currentVersion: 3,
    });
    expect(toProblem(new ConflictWithCurrentError("changed", 4, { id: "AI-1" }))).toMatchObject({
      status: 409,
      currentVersion: 4,
      current: { id: "AI-1" },
    });
  });

  it("says nothing of an unexpected error but that it was logged", () => {
    const problem = toProblem(new Error("ECONNREFUSED 10.0.0.7:8000"));
    expect(problem).toEqual({
      type: "https://firebreak.dev/problems/internal",
      title: "Internal error",
      status: 500,
      detail: "Something went wrong on our side. It has been logged.",
    });
  });
});
