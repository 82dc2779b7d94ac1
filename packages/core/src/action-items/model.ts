/**
 * Action items as records (issue 17, item 3): the shape shared by the store and use cases
 * (store.ts, actions.ts) and the tracker sync (sync.ts, trackers/). One DynamoDB item per action
 * item; its history is timeline entries in its incident's partition, so the outbox publishes
 * `action_item.*` domain events like any other.
 */

export const ACTION_ITEM_STATUSES = ["open", "done", "wont_do"] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

/** Every action item carries this tag, here and in the tracker (label). */
export const POSTMORTEM_TAG = "postmortem";

export const TRACKER_KINDS = ["github", "jira", "linear"] as const;
export type TrackerKind = (typeof TRACKER_KINDS)[number];

/** The issue an action item became in the team's tracker. */
export interface TrackerRef {
  kind: TrackerKind;
  /** GitHub: `owner/repo#123`; Jira: `OPS-42`; Linear: `ENG-7` (its identifier). */
  key: string;
  /** Linear's issue id (a UUID) or Jira's numeric id, when the API needs it to read the issue back. */
  id?: string;
  url: string;
  /** The tracker's own state, as last read: closed there means done here. */
  state: "open" | "closed";
}

/** Where the sync with the tracker stands; shown on the item, so a failure is never silent. */
export interface ActionItemSync {
  state: "pending" | "synced" | "failed";
  /** Failed attempts since the last success. */
  attempts: number;
  lastError?: string;
  /** ISO instant: the earliest next attempt (backoff after a failure). */
  nextAttemptAt?: string;
  /** ISO instant of the last successful create or status read. */
  syncedAt?: string;
}

export interface ActionItem {
  /** `AI-<incident number>-<n>`, e.g. `AI-42-1`: unique, stable, readable in Slack and trackers. */
  id: string;
  incidentId: string;
  /** INC-<n> of that incident. */
  incidentNumber: number;
  /** The incident's services and owning team, copied at creation so lists need no join. */
  services: string[];
  team?: string;
  title: string;
  /** Directory person id. */
  owner: string;
  /** YYYY-MM-DD. */
  due?: string;
  status: ActionItemStatus;
  /** Always contains `postmortem`. */
  tags: string[];
  /** Where it came from: the postmortem draft's row id (e.g. `AI-1`), or created by hand. */
  source: { kind: "draft"; draftItemId: string; postmortemVersion: number } | { kind: "manual" };
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Optimistic concurrency: +1 on every write. */
  version: number;
  tracker?: TrackerRef;
  sync?: ActionItemSync;
}

/**
 * What the tracker sync (sync.ts) needs from storage; the DynamoDB store (store.ts) implements it.
 * Every write is conditional, so a redelivered event or a concurrent pull never creates a second
 * issue or loses a status.
 */
export interface ActionItemSyncStore {
  get(id: string): Promise<ActionItem | undefined>;
  /**
   * Claim the tracker create until `until`: succeeds (returns the item) only when the item has no
   * tracker ref and no unexpired claim; otherwise undefined (someone else holds it, or it is done).
   */
  claimCreate(id: string, now: Date, until: Date): Promise<ActionItem | undefined>;
  /**
   * Record a sync attempt's outcome (clears any claim). With `status` (the tracker closed or
   * reopened the issue), the item's status changes too, with a timeline entry and its domain
   * event, acted by `actor` (e.g. `github`).
   */
  recordSync(
    id: string,
    patch: { tracker?: TrackerRef; sync: ActionItemSync; status?: ActionItemStatus; actor?: string },
    now: Date,
  ): Promise<ActionItem>;
  /** Items the schedule should look at: open with a tracker ref, or pending/failed and due by `now`. */
  listSyncable(now: Date): Promise<ActionItem[]>;
}

/** The outcome of a create: the item, and whether this request made it (false: a redelivery). */
export interface CreateOutcome {
  item: ActionItem;
  created: boolean;
}
