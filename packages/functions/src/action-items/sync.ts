import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { pullActionItems, type SyncDeps, syncActionItem } from "@firebreak/core/action-items/sync";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { createLogger } from "../lib/logger";
import { defineConsumer } from "../wiring/consumer";

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
  const logger = createLogger("action-item-pull");
  return middy(async (_event: ScheduledEvent, _context: Context) => {
    const counts = await pullActionItems(getDeps());
    logger.info("action items pulled", { ...counts });
    return counts;
  }).use(injectLambdaContext(logger));
}
