import type { Actor } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { type Clock, systemClock } from "../shared/clock";
import { NotFoundError, ValidationError } from "../shared/errors";
import { newId } from "../shared/ids";
import { ConcurrentChangeError, type IncidentStore } from "../storage/incident-store";
import { currentDraft, type Draft, planHumanEdit, planRegeneration } from "./drafts";
import { generatePostmortem } from "./generate";
import type { PostmortemStore } from "./store";

export interface PostmortemDeps {
  incidents: IncidentStore;
  postmortems: PostmortemStore;
  clock?: Clock;
  /** The team's IANA time zone for local times in the draft. */
  timezone?: string;
}

const SYSTEM: Actor = { type: "system", id: "firebreak", name: "Firebreak" };

function draftedEntry(incidentId: string, draft: Draft, actor: Actor, at: Date): TimelineEntry {
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

/**
 * Writes (or rewrites) the postmortem draft of a resolved incident. Idempotent: the same
 * timeline yields the same content, so a redelivered `incident.resolved` writes nothing. A human
 * edit is never overwritten: a changed regeneration becomes a new version beside it.
 */
export async function draftPostmortem(
  deps: PostmortemDeps,
  incidentId: string,
): Promise<{ action: "created" | "unchanged"; draft: Draft }> {
  for (let attempt = 1; ; attempt++) {
    const found = await deps.incidents.getIncidentWithTimeline(incidentId);
    if (!found) throw new NotFoundError("incident", incidentId);
    if (found.incident.status !== "resolved") {
      throw new ValidationError(
        `INC-${found.incident.number} is not resolved yet: postmortems are drafted on resolve`,
        [{ path: "status", message: `is "${found.incident.status}", expected "resolved"` }],
      );
    }
    const now = (deps.clock ?? systemClock).now();
    const generated = generatePostmortem({
      incident: found.incident,
      timeline: found.timeline,
      timezone: deps.timezone,
      now,
    });
    const existing = await deps.postmortems.listDrafts(incidentId);
    const plan = planRegeneration(existing, generated);
    if (plan.action === "none") {
      const draft = existing.find((d) => d.version === plan.version) ?? currentDraft(existing)!;
      return { action: "unchanged", draft };
    }
    const current = currentDraft([...existing, plan.draft])!;
    try {
      await deps.postmortems.saveDraft(
        incidentId,
        plan.draft,
        current,
        draftedEntry(incidentId, plan.draft, SYSTEM, now),
      );
      return { action: "created", draft: plan.draft };
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || attempt >= 5) throw error;
    }
  }
}

/** A human edit: a new version, checked against the version the editor saw. */
export async function editPostmortem(
  deps: PostmortemDeps,
  incidentId: string,
  edit: { markdown: string; expectedVersion: number },
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
