/**
 * Action items ↔ the team's tracker (trackers.ts). `syncActionItem` runs on every
 * `action_item.created` event (at least once, maybe twice at the same time), on the schedule and
 * on demand:
 * - no issue yet: claim the create (a lease on the item, so concurrent runs never both create),
 *   look for an issue carrying the item's marker (one created before a crash is adopted), else
 *   create it, then record it on the item;
 * - an issue: read it; closed there and open here → done here (acted by the tracker, with its
 *   timeline entry and event). An issue reopened there does not reopen a closed item: closing in
 *   Firebreak is a person's decision, the tracker is told, not asked.
 * - a failure is recorded on the item (attempts, the error, the next attempt after an exponential
 *   backoff) and never loses it: the schedule picks it up again. A team without a tracker: nothing.
 */
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { backoffDelay } from "@firebreak/core/shared/retry";
import type { ActionItem, ActionItemSync, ActionItemSyncStore } from "./model";
import { type Tracker, TrackerError } from "./trackers";

/** How long a claimed create may take before another run may try (a crash mid-create). */
export const CLAIM_MS = 2 * 60_000;
/** Retries after a failure: 1 minute doubling, at most 6 hours apart (with full jitter). */
export const SYNC_BACKOFF = { baseMs: 60_000, maxMs: 6 * 3_600_000 };

export interface SyncDeps {
  store: ActionItemSyncStore;
  /** The tracker of the item's team, or undefined when the team has none. */
  trackerOf(item: ActionItem): Promise<Tracker | undefined> | Tracker | undefined;
  /** The link back (the incident's postmortem in the dashboard). */
  linkOf?(item: ActionItem): string | undefined;
  clock?: Clock;
  random?: () => number;
}

export type SyncOutcome =
  | "created"
  | "adopted"
  | "closed"
  | "unchanged"
  | "claimed_elsewhere"
  | "no_tracker"
  | "failed"
  | "not_found";

function failure(item: ActionItem, error: unknown, now: Date, random: () => number): ActionItemSync {
  const attempts = (item.sync?.state === "failed" ? item.sync.attempts : 0) + 1;
  const retryable = !(error instanceof TrackerError) || error.retryable;
  const wait = Math.max(
    error instanceof TrackerError && error.retryAfterMs ? error.retryAfterMs : 0,
    // A refusal that retrying cannot fix (bad credentials, unknown project) waits the longest.
    retryable ? backoffDelay(attempts, SYNC_BACKOFF, random) : SYNC_BACKOFF.maxMs,
  );
  const message = error instanceof Error ? error.message : String(error);
  return {
    state: "failed",
    attempts,
    lastError: message.slice(0, 300),
    nextAttemptAt: new Date(now.getTime() + wait).toISOString(),
    ...(item.sync?.syncedAt ? { syncedAt: item.sync.syncedAt } : {}),
  };
}

export async function syncActionItem(deps: SyncDeps, id: string): Promise<SyncOutcome> {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const item = await deps.store.get(id);
  if (!item) return "not_found";
  const tracker = await deps.trackerOf(item);
  if (!tracker) return "no_tracker";
  const now = clock.now();
  if (!item.tracker) {
    const claimed = await deps.store.claimCreate(id, now, new Date(now.getTime() + CLAIM_MS));
    if (!claimed) return "claimed_elsewhere";
    try {
      const found = await tracker.find(claimed);
      const ref = found ?? (await tracker.create(claimed, deps.linkOf?.(claimed)));
      const at = clock.now();
      await deps.store.recordSync(
        id,
        { tracker: ref, sync: { state: "synced", attempts: 0, syncedAt: at.toISOString() } },
        at,
      );
      return found ? "adopted" : "created";
    } catch (error) {
      await deps.store.recordSync(id, { sync: failure(claimed, error, clock.now(), random) }, clock.now());
      return "failed";
    }
  }
  try {
    const ref = await tracker.read(item.tracker);
    const at = clock.now();
    const closedThere = ref.state === "closed" && item.status === "open";
    await deps.store.recordSync(
      id,
      {
        tracker: ref,
        sync: { state: "synced", attempts: 0, syncedAt: at.toISOString() },
        ...(closedThere ? { status: "done" as const, actor: tracker.kind } : {}),
      },
      at,
    );
    return closedThere ? "closed" : "unchanged";
  } catch (error) {
    await deps.store.recordSync(id, { sync: failure(item, error, clock.now(), random) }, clock.now());
    return "failed";
  }
}

/** The schedule: every item that is open with an issue, or whose failed sync is due; `concurrency` at a time. */
export async function pullActionItems(deps: SyncDeps, concurrency = 4): Promise<Record<SyncOutcome, number>> {
  const items = await deps.store.listSyncable((deps.clock ?? systemClock).now());
  const counts = {
    created: 0,
    adopted: 0,
    closed: 0,
    unchanged: 0,
    claimed_elsewhere: 0,
    no_tracker: 0,
    failed: 0,
    not_found: 0,
  } satisfies Record<SyncOutcome, number>;
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      counts[await syncActionItem(deps, item.id)]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return counts;
}
