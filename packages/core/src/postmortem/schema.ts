import { FirebreakError } from "@firebreak/core/shared/errors";
import type { ErrorObject } from "ajv";
// Compiled ahead of time from schemas/postmortem.v2.json (schema-codegen.ts; schema.test.ts checks
// it is current), so that ajv's compiler is not bundled into the Lambda functions. One validator:
// a v1 document is checked as its migration to v2 plus what v1 alone forbids (below), which
// schema.test.ts proves equal to ajv's own v1 verdicts. The schema documents are schema-document.ts.
import { validateV2 } from "./schema-validator.generated.js";
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
 * A v1 document as v2 holds it: the same fields, `schema_version: 2`, and `changes_before_impact:
 * null` (the changes were not looked up). What v2 adds to v1 is only that field, the `suspected`
 * value and its `references`; so this is the whole migration.
 */
export function migrateV1(doc: PostmortemV1): PostmortemV2 {
  return { ...doc, schema_version: 2, changes_before_impact: null };
}

/** v1's `release_involved.value`s (v2 adds `suspected`). */
const V1_RELEASE_VALUES = ["unknown", "yes", "no"] as const;

const issue = (instancePath: string, keyword: string, message: string, params: Record<string, unknown>) => ({
  instancePath,
  schemaPath: "",
  keyword,
  message,
  params,
});

/** What v1 forbids that its migration to v2 would accept: v2's additions, present in a v1 document. */
function v1Only(doc: Record<string, unknown>): ErrorObject[] {
  const out: ErrorObject[] = [];
  if ("changes_before_impact" in doc)
    out.push(
      issue("", "additionalProperties", "must NOT have additional properties", {
        additionalProperty: "changes_before_impact",
      }),
    );
  const release = doc.release_involved;
  if (release && typeof release === "object" && !Array.isArray(release)) {
    const { value } = release as Record<string, unknown>;
    if (value === "suspected")
      out.push(
        issue("/release_involved/value", "enum", "must be equal to one of the allowed values", {
          allowedValues: [...V1_RELEASE_VALUES],
        }),
      );
    if ("references" in release)
      out.push(
        issue("/release_involved", "additionalProperties", "must NOT have additional properties", {
          additionalProperty: "references",
        }),
      );
  }
  return out;
}

/**
 * The issues of a document against its own version's schema (allErrors, strict, formats date-time
 * and date): v1 for `schema_version: 1` (drafts stored before v2), else v2 (the version Firebreak
 * writes), so an unknown version is reported against v2's `schema_version`.
 */
function check(doc: unknown): { errors: ErrorObject[]; id: string } {
  const isV1 =
    typeof doc === "object" &&
    doc !== null &&
    !Array.isArray(doc) &&
    (doc as { schema_version?: unknown }).schema_version === 1;
  if (!isV1) {
    return {
      errors: validateV2(doc) ? [] : [...(validateV2.errors ?? [])],
      id: postmortemSchemaId({ schema_version: 2 }),
    };
  }
  const { changes_before_impact: _v2Only, ...rest } = doc as Record<string, unknown>;
  const migrated = migrateV1(rest as unknown as PostmortemV1);
  // v2's verdicts, in v1's words: release_involved's allowed values are v1's.
  const errors = (validateV2(migrated) ? [] : [...(validateV2.errors ?? [])]).map((e) =>
    e.instancePath === "/release_involved/value" && e.keyword === "enum"
      ? { ...e, params: { allowedValues: [...V1_RELEASE_VALUES] } }
      : e,
  );
  return {
    errors: [...v1Only(doc as Record<string, unknown>), ...errors],
    id: postmortemSchemaId({ schema_version: 1 }),
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
  const { errors } = check(doc);
  return errors.length === 0 ? { valid: true } : { valid: false, errors: issues(errors) };
}

/**
 * Returns the document typed when it validates against its version's schema; throws
 * `PostmortemInvalidError` listing every issue when not.
 */
export function assertValidPostmortem(doc: PostmortemV2): PostmortemV2;
export function assertValidPostmortem(doc: PostmortemV1): PostmortemV1;
export function assertValidPostmortem(doc: unknown): Postmortem;
export function assertValidPostmortem(doc: unknown): Postmortem {
  const { errors, id } = check(doc);
  if (errors.length === 0) return doc as Postmortem;
  throw new PostmortemInvalidError(issues(errors), id);
}
