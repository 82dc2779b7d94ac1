/**
 * Drafting a postmortem from the incident timeline (the postmortem function). Apart from
 * service.ts (reading and human edits) so that the handlers which only read drafts (API, Slack) do
 * not bundle the generator.
 */

import { systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import type { Change } from "../changes/change";
import { ConcurrentChangeError } from "../incident/errors";
import type { Actor, Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { currentDraft, type Draft, planRegeneration } from "./drafts";
import {
  CHANGES_BEFORE_IMPACT_LIMIT,
  CHANGES_BEFORE_IMPACT_WINDOW_SECONDS,
  generatePostmortem,
  impactStartOf,
} from "./generate";
import { draftedEntry, type PostmortemDeps } from "./service";

/** The incident was reopened after the resolution being handled: nothing to draft until it resolves again. */
export class IncidentReopenedError extends FirebreakError {
  constructor(number: number) {
    super(
      "incident_reopened",
      `INC-${number} was reopened: its postmortem is drafted when it resolves again`,
    );
  }
}

/** The incident was merged into another: that one's postmortem covers it, it has none of its own. */
export class IncidentMergedError extends FirebreakError {
  constructor(number: number, into: number) {
    super("incident_merged", `INC-${number} was merged into INC-${into}: INC-${into}'s postmortem covers it`);
  }
}

const SYSTEM: Actor = { type: "system", id: "firebreak", name: "Firebreak" };

/** The changes of at most this many of an incident's services are read for its draft. */
export const CHANGES_MAX_SERVICES = 10;

/**
 * The changes to the incident's services in the window before its impact start (bounded: one
 * query of at most CHANGES_BEFORE_IMPACT_LIMIT items, newest first, per service, for at most
 * CHANGES_MAX_SERVICES services); undefined without a change store.
 */
async function changesForDraft(
  deps: PostmortemDeps,
  incident: Incident,
  timeline: readonly TimelineEntry[],
): Promise<Change[] | undefined> {
  if (!deps.changes) return undefined;
  const impactStart = impactStartOf(incident, timeline);
  const from = new Date(Date.parse(impactStart) - CHANGES_BEFORE_IMPACT_WINDOW_SECONDS * 1000).toISOString();
  return deps.changes.forServices(incident.services, from, impactStart, {
    perService: CHANGES_BEFORE_IMPACT_LIMIT,
    maxServices: CHANGES_MAX_SERVICES,
  });
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
  return retryOnConflict(
    async () => {
      const found = await deps.incidents.getIncidentWithTimeline(incidentId);
      if (!found) throw new NotFoundError("incident", incidentId);
      if (found.incident.mergedInto)
        throw new IncidentMergedError(found.incident.number, found.incident.mergedInto.number);
      // A resolution that arrives after the incident was reopened: its next one drafts it.
      if (found.incident.status !== "resolved" && found.incident.reopens)
        throw new IncidentReopenedError(found.incident.number);
      if (found.incident.status !== "resolved") {
        throw new ValidationError(
          `INC-${found.incident.number} is not resolved yet: postmortems are drafted on resolve`,
          [{ path: "status", message: `is "${found.incident.status}", expected "resolved"` }],
        );
      }
      const now = (deps.clock ?? systemClock).now();
      const changes = await changesForDraft(deps, found.incident, found.timeline);
      const generated = generatePostmortem({
        incident: found.incident,
        timeline: found.timeline,
        timezone: deps.timezone,
        ...(changes ? { changes } : {}),
        now,
      });
      const existing = await deps.postmortems.listDrafts(incidentId);
      const plan = planRegeneration(existing, generated);
      if (plan.action === "none") {
        const draft = existing.find((d) => d.version === plan.version) ?? currentDraft(existing)!;
        return { action: "unchanged", draft };
      }
      const current = currentDraft([...existing, plan.draft])!;
      await deps.postmortems.saveDraft(
        incidentId,
        plan.draft,
        current,
        draftedEntry(incidentId, plan.draft, SYSTEM, now),
      );
      return { action: "created" as const, draft: plan.draft };
    },
    5,
    (error) => error instanceof ConcurrentChangeError,
  );
}
