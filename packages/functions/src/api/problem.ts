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
  errors?: { path: string; message: string }[];
  currentVersion?: number;
  code?: string;
}

export function toProblem(error: unknown): Problem {
  if (error instanceof ValidationError) {
    return {
      type: "https://firebreak.dev/problems/validation",
      title: "Invalid request",
      status: 400,
      detail: error.message,
      errors: error.issues,
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
  if (error instanceof FirebreakError && error.code === "paging_not_configured") {
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
