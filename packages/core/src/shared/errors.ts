/**
 * Typed errors. Every error that leaves core carries a stable `code`, so each edge (HTTP, Slack,
 * Lambda) maps it to an answer in exactly one place.
 */
export class FirebreakError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export interface ValidationIssue {
  /** Dotted path of the bad field, e.g. `detail.state.timestamp`. */
  path: string;
  message: string;
}

/** Input from outside did not have the expected shape. Never retried: retrying cannot fix it. */
export class ValidationError extends FirebreakError {
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[], options?: { cause?: unknown }) {
    super("validation_failed", message, options);
    this.issues = issues;
  }
}

export class NotFoundError extends FirebreakError {
  constructor(what: string, id: string) {
    super("not_found", `${what} ${id} was not found`);
  }
}

/** An optimistic-locking write lost a race. Carries the version that is current now. */
export class VersionConflictError extends FirebreakError {
  readonly currentVersion: number | undefined;
  constructor(message: string, currentVersion?: number, options?: { cause?: unknown }) {
    super("version_conflict", message, options);
    this.currentVersion = currentVersion;
  }
}

/** Turns zod issues into our `{ path, message }` form. */
export function issuesFromZod(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix = "",
): ValidationIssue[] {
  return issues.map((issue) => ({
    path: formatPath([...(prefix ? [prefix] : []), ...issue.path]),
    message: issue.message,
  }));
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}
