export {
  contentHash,
  currentDraft,
  type Draft,
  type DraftOrigin,
  latestDraft,
  planHumanEdit,
  planRegeneration,
  type RegenerationPlan,
} from "./drafts";
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
  postmortemSchemaV1,
  type SchemaIssue,
  validatePostmortem,
} from "./schema";
export * from "./types";
