/**
 * A person's answer on release involvement (`yes`, `no`, `unknown`), alone: a new version with the
 * same Markdown and lint, only `release_involved` changed. Apart from edit.ts because it needs
 * neither the linter nor the schema validator (the Slack function answers it and must stay small):
 * the current version was valid, the text and its lint are unchanged, and the new value is one of
 * three checked here, which both schema versions allow (v2's `references` are kept only for `yes`,
 * and a v1 document never has them).
 */

import { systemClock } from "@firebreak/core/shared/clock";
import { NotFoundError, ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import { ConcurrentChangeError } from "../incident/errors";
import type { Actor } from "../incident/model";
import { currentDraft, type Draft, humanVersion } from "./drafts";
import { draftedEntry, type PostmortemDeps } from "./service";
import type { Postmortem } from "./types";

/** What a person answers about a release's part in the incident (a `suspected` one is confirmed or not). */
export const RELEASE_ANSWERS = ["yes", "no", "unknown"] as const;
export type ReleaseAnswer = (typeof RELEASE_ANSWERS)[number];

/**
 * `release_involved` as a person answered it. `yes` keeps the suspected changes as the references
 * (they were the release); `no` and `unknown` drop them (`reference`, a person's own note, stays).
 */
export function answerRelease(
  before: Postmortem["release_involved"],
  answer: ReleaseAnswer,
): Postmortem["release_involved"] {
  if (!(RELEASE_ANSWERS as readonly string[]).includes(answer)) {
    throw new ValidationError(
      `invalid postmortem edit: releaseInvolved must be one of ${RELEASE_ANSWERS.join(", ")}`,
      [{ path: "releaseInvolved", message: `expected one of ${RELEASE_ANSWERS.join(", ")}` }],
    );
  }
  const {
    value: _before,
    references,
    ...rest
  } = before as { value: string; reference?: string; references?: string[] };
  return { ...rest, value: answer, ...(answer === "yes" && references ? { references } : {}) };
}

/** Plans the answer as a new version of the current draft (a conflict when it is not `expectedVersion`). */
export function planReleaseAnswer(
  existing: readonly Draft[],
  answer: { value: ReleaseAnswer; expectedVersion: number; now: Date },
): Draft | VersionConflictError {
  const current = currentDraft(existing);
  if (!current || current.version !== answer.expectedVersion) {
    return new VersionConflictError(
      current
        ? `the current postmortem draft is version ${current.version}, not ${answer.expectedVersion}`
        : "there is no postmortem draft to answer yet",
      current?.version,
    );
  }
  const metadata = {
    ...current.metadata,
    release_involved: answerRelease(current.metadata.release_involved, answer.value),
  } as Postmortem;
  return humanVersion(existing, current, { markdown: current.markdown, metadata }, answer.now);
}

/**
 * Answers the release question on the current draft. Someone saving meanwhile only moves the
 * version: the answer changes no text, so it is made again on top of theirs (three tries).
 */
export async function answerReleaseInvolved(
  deps: PostmortemDeps,
  incidentId: string,
  value: ReleaseAnswer,
  actor: Actor,
): Promise<Draft> {
  return retryOnConflict(
    async () => {
      const existing = await deps.postmortems.listDrafts(incidentId);
      const current = currentDraft(existing);
      if (!current) throw new NotFoundError("postmortem of incident", incidentId);
      const now = (deps.clock ?? systemClock).now();
      const draft = planReleaseAnswer(existing, { value, expectedVersion: current.version, now });
      if (draft instanceof Error) throw draft;
      await deps.postmortems.saveDraft(incidentId, draft, draft, draftedEntry(incidentId, draft, actor, now));
      return draft;
    },
    3,
    // The version key was taken by a save meanwhile (the store's transaction was cancelled).
    (error) => error instanceof ConcurrentChangeError,
  );
}
