/**
 * Human edits of a postmortem draft: the new version's Markdown is linted and its metadata
 * validated against the schema. Apart from drafts.ts and service.ts (reading) so that readers do
 * not bundle the linter and the schema validator (≈ 100 KB with ajv-formats and the schema).
 */

import { systemClock } from "@firebreak/core/shared/clock";
import { NotFoundError, ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import type { Actor } from "../incident/model";
import { currentDraft, type Draft, humanVersion } from "./drafts";
import { createLinter } from "./lint";
import { answerRelease, type ReleaseAnswer } from "./release-answer";
import { assertValidPostmortem } from "./schema";
import { draftedEntry, type PostmortemDeps } from "./service";
import type { Postmortem } from "./types";

/**
 * Plans a human edit of the current draft. Returns the new version, or a `VersionConflictError`
 * (returned, not thrown) when `expectedVersion` is not the current version. Throws
 * `ValidationError` for bad input and `PostmortemInvalidError` if the metadata no longer validates.
 */
export function planHumanEdit(
  existing: readonly Draft[],
  edit: { markdown: string; expectedVersion: number; now: Date; releaseInvolved?: ReleaseAnswer },
): Draft | VersionConflictError {
  if (typeof edit.markdown !== "string" || edit.markdown.trim() === "") {
    throw new ValidationError("invalid postmortem edit: markdown is empty", [
      { path: "markdown", message: "expected non-empty Markdown" },
    ]);
  }
  if (!Number.isSafeInteger(edit.expectedVersion) || edit.expectedVersion < 1) {
    throw new ValidationError("invalid postmortem edit: expectedVersion must be a positive integer", [
      { path: "expectedVersion", message: "expected a positive integer" },
    ]);
  }
  if (!(edit.now instanceof Date) || Number.isNaN(edit.now.getTime())) {
    throw new ValidationError("invalid postmortem edit: now must be a valid Date", [
      { path: "now", message: "expected a valid Date" },
    ]);
  }
  const current = currentDraft(existing);
  if (!current) {
    return new VersionConflictError(
      `there is no postmortem draft to edit yet (expected version ${edit.expectedVersion})`,
      undefined,
    );
  }
  if (current.version !== edit.expectedVersion) {
    return new VersionConflictError(
      `the current postmortem draft is version ${current.version}, not ${edit.expectedVersion}: reload and edit again`,
      current.version,
    );
  }
  const names = current.metadata.responders.flatMap((r) => (r.person_name ? [r.person_name] : []));
  const lint = createLinter({ names }).lintMarkdown(edit.markdown);
  const release =
    edit.releaseInvolved === undefined
      ? current.metadata.release_involved
      : answerRelease(current.metadata.release_involved, edit.releaseInvolved);
  const metadata = assertValidPostmortem({
    ...current.metadata,
    release_involved: release,
    lint,
  } as Postmortem);
  return humanVersion(existing, current, { markdown: edit.markdown, metadata }, edit.now);
}

/** A human edit: a new version, checked against the version the editor saw. */
export async function editPostmortem(
  deps: PostmortemDeps,
  incidentId: string,
  edit: { markdown: string; expectedVersion: number; releaseInvolved?: ReleaseAnswer },
  actor: Actor,
): Promise<Draft> {
  const existing = await deps.postmortems.listDrafts(incidentId);
  if (existing.length === 0) throw new NotFoundError("postmortem of incident", incidentId);
  const now = (deps.clock ?? systemClock).now();
  const draft = planHumanEdit(existing, { ...edit, now });
  if (draft instanceof Error) throw draft;
  await deps.postmortems.saveDraft(incidentId, draft, draft, draftedEntry(incidentId, draft, actor, now));
  return draft;
}
