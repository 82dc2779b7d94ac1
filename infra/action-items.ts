/**
 * Action items' tracker sync (core/action-items/sync.ts):
 * - Function "ActionItemSync" (packages/functions/src/action-item-sync.handler), invoked
 *   asynchronously by a rule on the app bus for `action_item.created`: the item's issue in its
 *   team's tracker, once; 2 async retries, then Queue "ActionItemSyncDlq" (14 days).
 * - Function "ActionItemPull" (…action-item-sync.pull), run by Cron "ActionItemPullCron" every 15
 *   minutes: statuses pulled back (closed there → done here), failed syncs retried after their backoff.
 * Both are linked to Table and the trackers' secrets (GithubToken, JiraApiToken, LinearApiKey:
 * optional, "unset" until set). Settings: FIREBREAK_JIRA_EMAIL (Jira's Basic auth),
 * FIREBREAK_DASHBOARD_URL (the link back in each issue).
 */
import { ACTION_ITEM_PULL, BUS_CONSUMERS, sstBusPattern } from "../packages/functions/src/wiring/topology";
import { functionSettings } from "./config";
import { bus, DLQ_RETENTION_SECONDS } from "./events";
import { githubToken, jiraApiToken, linearApiKey } from "./secrets";
import { table } from "./storage";

const environment = functionSettings(["FIREBREAK_JIRA_EMAIL", "FIREBREAK_DASHBOARD_URL"]);

export const actionItemSyncDlq = new sst.aws.Queue("ActionItemSyncDlq", {
  transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS } },
});

export const actionItemSync = new sst.aws.Function("ActionItemSync", {
  handler: BUS_CONSUMERS.ActionItemSync.handler,
  link: [table, githubToken, jiraApiToken, linearApiKey],
  permissions: [{ actions: ["sqs:SendMessage"], resources: [actionItemSyncDlq.arn] }],
  retries: 2,
  timeout: "60 seconds",
  ...(Object.keys(environment).length > 0 ? { environment } : {}),
  transform: {
    eventInvokeConfig: { destinationConfig: { onFailure: { destination: actionItemSyncDlq.arn } } },
  },
});

export const actionItemSyncRule = bus.subscribe("ActionItemSync", actionItemSync, {
  pattern: sstBusPattern(BUS_CONSUMERS.ActionItemSync.pattern),
});

export const actionItemPull = new sst.aws.Function("ActionItemPull", {
  handler: ACTION_ITEM_PULL.handler,
  link: [table, githubToken, jiraApiToken, linearApiKey],
  permissions: [{ actions: ["sqs:SendMessage"], resources: [actionItemSyncDlq.arn] }],
  retries: 0,
  timeout: "60 seconds",
  ...(Object.keys(environment).length > 0 ? { environment } : {}),
  transform: {
    eventInvokeConfig: { destinationConfig: { onFailure: { destination: actionItemSyncDlq.arn } } },
  },
});

export const actionItemPullCron = new sst.aws.Cron("ActionItemPullCron", {
  function: actionItemPull.arn,
  schedule: ACTION_ITEM_PULL.schedule,
});

export const outputs = {
  actionItemSyncDlq: actionItemSyncDlq.url,
};
