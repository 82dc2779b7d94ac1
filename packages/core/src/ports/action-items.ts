import type { ActionItem, ActionItemSyncStore, CreateOutcome } from "../action-items/model";
import type { TimelineEntry } from "../incident/timeline";

/** Action items, and their syncing with the trackers (ActionItemSyncStore). */
export interface ActionItemRepository extends ActionItemSyncStore {
  /** The next n of AI-<incident number>-<n> (a lost create leaves a gap, never a duplicate). */
  allocateNumber(incidentId: string): Promise<number>;
  /** Creates it once per idempotency key (a redelivery answers the item made first). */
  create(item: ActionItem, entry: TimelineEntry, idempotencyKey: string): Promise<CreateOutcome>;
  byIdempotencyKey(key: string): Promise<ActionItem | undefined>;
  get(id: string): Promise<ActionItem | undefined>;
  all(): Promise<ActionItem[]>;
  /** Replaces `before` with `after` (conditioned on `before`'s version), with its entry. */
  replace(before: ActionItem, after: ActionItem, entry?: TimelineEntry): Promise<ActionItem>;
}
