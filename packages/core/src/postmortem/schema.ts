import { FirebreakError } from "@firebreak/core/shared/errors";
import type { ErrorObject } from "ajv";
// Compiled ahead of time from schemas/postmortem.v1.json (schema-codegen.ts; schema.test.ts checks
// it is current), so that ajv's compiler is not bundled into the Lambda functions. The schema
// document itself is schema-document.ts.
import { validate as compiledValidator } from "./schema-validator.generated.js";
import { POSTMORTEM_SCHEMA_ID, type PostmortemV1 } from "./types";

export interface SchemaIssue {
  /** JSON Pointer into the document, "" for the root. */
  instancePath: string;
  message: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** A generated (or edited) postmortem document does not validate against its schema. A bug, never retried. */
export class PostmortemInvalidError extends FirebreakError {
  readonly errors: SchemaIssue[];
  constructor(errors: SchemaIssue[]) {
    super(
      "postmortem_invalid",
      `postmortem metadata does not validate against ${POSTMORTEM_SCHEMA_ID}: ${errors
        .slice(0, 10)
        .map((e) => `${e.instancePath || "(root)"} ${e.message}`)
        .join("; ")}${errors.length > 10 ? `; and ${errors.length - 10} more` : ""}`,
    );
    this.errors = errors;
  }
}

/** ajv's validator of the schema (allErrors, strict, formats date-time and date). */
function validator() {
  return compiledValidator;
}

function issues(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).map((e) => ({
    instancePath: e.instancePath,
    message: e.message ?? e.keyword,
    keyword: e.keyword,
    params: { ...e.params },
  }));
}

/** Validates a document; returns the issues (empty when valid). */
export function validatePostmortem(doc: unknown): { valid: true } | { valid: false; errors: SchemaIssue[] } {
  const validate = validator();
  if (validate(doc)) return { valid: true };
  return { valid: false, errors: issues(validate.errors) };
}

/** Returns the document typed when it validates; throws `PostmortemInvalidError` listing every issue when not. */
export function assertValidPostmortem(doc: unknown): PostmortemV1 {
  const validate = validator();
  if (validate(doc)) return doc;
  throw new PostmortemInvalidError(issues(validate.errors));
}
