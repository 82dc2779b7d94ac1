import { FirebreakError } from "@firebreak/core/shared/errors";
import type { ErrorObject } from "ajv";
// Compiled ahead of time from schemas/postmortem.v1.json and .v2.json (schema-codegen.ts; schema.test.ts checks
// it is current), so that ajv's compiler is not bundled into the Lambda functions. The schema
// document itself is schema-document.ts.
import { validateV1, validateV2 } from "./schema-validator.generated.js";
import { type Postmortem, type PostmortemV1, type PostmortemV2, postmortemSchemaId } from "./types";

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
  constructor(errors: SchemaIssue[], schemaId: string) {
    super(
      "postmortem_invalid",
      `postmortem metadata does not validate against ${schemaId}: ${errors
        .slice(0, 10)
        .map((e) => `${e.instancePath || "(root)"} ${e.message}`)
        .join("; ")}${errors.length > 10 ? `; and ${errors.length - 10} more` : ""}`,
    );
    this.errors = errors;
  }
}

/**
 * ajv's validator (allErrors, strict, formats date-time and date) of the document's schema: v1 for
 * `schema_version: 1` (drafts stored before v2), else v2 (the version Firebreak writes), so an
 * unknown version is reported against v2's `schema_version`.
 */
function validator(doc: unknown) {
  const version =
    typeof doc === "object" && doc !== null
      ? (doc as { schema_version?: unknown }).schema_version
      : undefined;
  return version === 1
    ? {
        validate: validateV1 as (d: unknown) => d is Postmortem,
        errors: () => validateV1.errors,
        id: postmortemSchemaId({ schema_version: 1 }),
      }
    : {
        validate: validateV2 as (d: unknown) => d is Postmortem,
        errors: () => validateV2.errors,
        id: postmortemSchemaId({ schema_version: 2 }),
      };
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
  const v = validator(doc);
  if (v.validate(doc)) return { valid: true };
  return { valid: false, errors: issues(v.errors()) };
}

/**
 * Returns the document typed when it validates against its version's schema; throws
 * `PostmortemInvalidError` listing every issue when not.
 */
export function assertValidPostmortem(doc: PostmortemV2): PostmortemV2;
export function assertValidPostmortem(doc: PostmortemV1): PostmortemV1;
export function assertValidPostmortem(doc: unknown): Postmortem;
export function assertValidPostmortem(doc: unknown): Postmortem {
  const v = validator(doc);
  if (v.validate(doc)) return doc;
  throw new PostmortemInvalidError(issues(v.errors()), v.id);
}
