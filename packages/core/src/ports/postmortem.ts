import type { TimelineEntry } from "../incident/timeline";
import type { Draft } from "../postmortem/drafts";
import type { Postmortem } from "../postmortem/types";

/** Postmortem drafts, by version, and the current draft's metadata. */
export interface PostmortemRepository {
  listDrafts(incidentId: string): Promise<Draft[]>;
  getDraft(incidentId: string, version: number): Promise<Draft | undefined>;
  /** A new draft version with the current metadata and its entry; ConcurrentChangeError when one was written meanwhile. */
  saveDraft(incidentId: string, draft: Draft, current: Draft, entry: TimelineEntry): Promise<void>;
  /** The current metadata of every postmortem whose impact started in [since, until). */
  metadataBetween(since: Date, until: Date): Promise<Postmortem[]>;
}
