import type { Clock } from "@firebreak/core/shared/clock";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import type { Actor } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { ChangeRepository, IncidentRepository, PostmortemRepository } from "../ports";
import { currentDraft, type Draft } from "./drafts";

export interface PostmortemDeps {
  incidents: IncidentRepository;
  postmortems: PostmortemRepository;
  clock?: Clock;
  /** The team's IANA time zone for local times in the draft. */
  timezone?: string;
  /** Changes (deploys): drafts list those before the impact start. Without it they are not looked up. */
  changes?: ChangeRepository;
}

/** The timeline entry recorded with every saved draft version. */
export function draftedEntry(incidentId: string, draft: Draft, actor: Actor, at: Date): TimelineEntry {
  return {
    id: newId(at.getTime()),
    incidentId,
    kind: "postmortem.drafted",
    actor,
    at: at.toISOString(),
    summary:
      draft.origin === "human"
        ? `postmortem v${draft.version} edited by ${actor.name ?? actor.id}`
        : `postmortem draft v${draft.version} written`,
    data: {
      version: draft.version,
      origin: draft.origin,
      lintFindings: draft.metadata.lint.length,
      ttrSeconds: draft.metadata.durations.ttr.seconds,
    },
  };
}

/** The draft to show, with the list of versions. */
export async function getPostmortem(deps: PostmortemDeps, incidentId: string) {
  const drafts = await deps.postmortems.listDrafts(incidentId);
  const current = currentDraft(drafts);
  if (!current) throw new NotFoundError("postmortem of incident", incidentId);
  return {
    current,
    versions: drafts.map(({ version, origin, createdAt, basedOnVersion }) => ({
      version,
      origin,
      createdAt,
      basedOnVersion,
    })),
  };
}

/** One stored version (generated or edited) of an incident's postmortem. */
export async function getPostmortemVersion(deps: PostmortemDeps, incidentId: string, version: number) {
  const draft = await deps.postmortems.getDraft(incidentId, version);
  if (!draft) throw new NotFoundError(`postmortem version ${version} of incident`, incidentId);
  return draft;
}
