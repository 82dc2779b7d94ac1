import { pullActionItems, type SyncDeps, syncActionItem } from "@firebreak/core/action-items/sync";
import { defineConsumer } from "../wiring/consumer";
import { defineScheduled } from "../wiring/scheduled";

/**
 * The action items' tracker sync (BUS_CONSUMERS.ActionItemSync): on `action_item.created` (at
 * least once), the item's issue is made in its team's tracker, once (core/action-items/sync.ts). A
 * failure is recorded on the item with its next attempt, which the pull below makes: it never
 * throws for a tracker's answer.
 */
export function createActionItemSyncHandler(getDeps: () => SyncDeps) {
  return defineConsumer("ActionItemSync", (logger) => ({
    "action_item.created": async ({ data: { actionItemId } }) => {
      const outcome = await syncActionItem(getDeps(), actionItemId);
      logger.info("action item synced", { actionItemId, outcome });
      return { status: outcome };
    },
  }));
}

/**
 * The pull (ACTION_ITEM_PULL, every 15 minutes): each open item with an issue is read back (closed
 * there → done here), and each failed or never-synced one is tried again once its backoff is over.
 */
export function createActionItemPullHandler(getDeps: () => SyncDeps) {
  return defineScheduled("action-item-pull", async (logger) => {
    const counts = await pullActionItems(getDeps());
    logger.info("action items pulled", { ...counts });
    return counts;
  });
}
