export {
  contentHash,
  currentDraft,
  type Draft,
  type DraftOrigin,
  latestDraft,
  planRegeneration,
  type RegenerationPlan,
} from "./drafts";
export { editPostmortem, planHumanEdit } from "./edit";
export {
  FAST_ACK_SECONDS,
  type GeneratedPostmortem,
  type GenerateInput,
  generatePostmortem,
  type ReleaseInput,
  type SloInput,
  TEMPORARY_FIX_POLICY,
} from "./generate";
export { createLinter, type Linter, type LintOptions, lintMarkdown } from "./lint";
export {
  assertValidPostmortem,
  PostmortemInvalidError,
  type SchemaIssue,
  validatePostmortem,
} from "./schema";
export { postmortemSchemaV1, postmortemSchemaV2 } from "./schema-document";
export * from "./types";
