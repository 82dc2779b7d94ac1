import type { SyncDeps } from "@firebreak/core/action-items/sync";
import { createActionItemPullHandler, createActionItemSyncHandler } from "./action-items/sync";
import { lambdaPlatform } from "./lib/resources";
import { actionItemSyncDeps } from "./wiring/action-items";

export { createActionItemPullHandler, createActionItemSyncHandler };

let deps: SyncDeps | undefined;
const production = () => {
  deps ??= actionItemSyncDeps(lambdaPlatform());
  return deps;
};
/** ActionItemSync and ActionItemPull (infra/action-items.ts): action-items/sync.ts on Lambda. */
export const handler = createActionItemSyncHandler(production);
export const pull = createActionItemPullHandler(production);
