import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { pullActionItems, type SyncDeps, syncActionItem } from "@firebreak/core/action-items/sync";
import type { BusEvent } from "@firebreak/core/events/dispatcher";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { createLogger } from "./lib/logger";
import { lambdaPlatform } from "./lib/resources";
import { actionItemSyncDeps } from "./wiring/action-items";

/**
 * action-item-sync: on `action_item.created` (the app bus; at least once), the item's issue is
 * made in its team's tracker, once (core/action-items/sync.ts). A failure is recorded on the item
 * with its next attempt, which the schedule below makes: it never throws for a tracker's answer.
 */
export function createActionItemSyncHandler(getDeps: () => SyncDeps) {
  const logger = createLogger("action-item-sync");
  return middy(async (event: BusEvent, _context: Context) => {
    const id = event.detail?.detail?.data?.actionItemId;
    if (event["detail-type"] !== "action_item.created" || typeof id !== "string") {
      logger.info("event ignored: not a new action item", { type: event["detail-type"] });
      return { status: "ignored" as const };
    }
    const outcome = await syncActionItem(getDeps(), id);
    logger.info("action item synced", { actionItemId: id, outcome });
    return { status: outcome };
  }).use(injectLambdaContext(logger));
}

/**
 * action-item-pull: every 15 minutes (infra/action-items.ts "ActionItemPullCron"), each open item
 * with an issue is read back (closed there → done here), and each failed or never-synced one is
 * tried again once its backoff is over.
 */
export function createActionItemPullHandler(getDeps: () => SyncDeps) {
  const logger = createLogger("action-item-pull");
  return middy(async (_event: ScheduledEvent, _context: Context) => {
    const counts = await pullActionItems(getDeps());
    logger.info("action items pulled", { ...counts });
    return counts;
  }).use(injectLambdaContext(logger));
}

let deps: SyncDeps | undefined;
const production = () => {
  deps ??= actionItemSyncDeps(lambdaPlatform());
  return deps;
};
export const handler = createActionItemSyncHandler(production);
export const pull = createActionItemPullHandler(production);
