/**
 * The Slack worker: Function "SlackWorker" (packages/functions/src/slack-worker.handler, linked to
 * Table and the SlackBotToken secret) creates incident channels, invites responders, keeps the
 * pinned summary up to date, and posts stakeholder updates and postmortem drafts there. It is invoked asynchronously by a rule on
 * the app bus matching exactly the detail-types of `BUS_CONSUMERS.SlackWorker` (source
 * `firebreak`); 2 async retries, then Queue "SlackWorkerDlq" (14 days).
 *
 * Settings (read at deploy time from the environment, passed to the function when set):
 * FIREBREAK_SLACK_CHANNEL_SEVERITIES (`SEV1,SEV2` by default, `all`, `none`),
 * FIREBREAK_SLACK_BOT_USER_ID (spares one auth.test per cold start), FIREBREAK_DASHBOARD_URL,
 * FIREBREAK_TIMEZONE (validated by infra/config.ts).
 */

import { BUS_CONSUMERS, sstBusPattern } from "../packages/functions/src/wiring/topology";
import { functionSettings } from "./config";
import { bus, DLQ_RETENTION_SECONDS } from "./events";
import { slackBotToken } from "./secrets";
import { table } from "./storage";

export const SLACK_WORKER_HANDLER = BUS_CONSUMERS.SlackWorker.handler;

export const SLACK_WORKER_PATTERN = sstBusPattern(BUS_CONSUMERS.SlackWorker.pattern);

const SETTINGS = [
  "FIREBREAK_SLACK_CHANNEL_SEVERITIES",
  "FIREBREAK_SLACK_BOT_USER_ID",
  "FIREBREAK_DASHBOARD_URL",
  "FIREBREAK_TIMEZONE",
];
const environment = functionSettings(SETTINGS);

export const slackWorkerDlq = new sst.aws.Queue("SlackWorkerDlq", {
  transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS } },
});

export const slackWorker = new sst.aws.Function("SlackWorker", {
  handler: SLACK_WORKER_HANDLER,
  link: [table, slackBotToken],
  // Lambda's async invoke delivers a failed event to the DLQ with the function's own role.
  permissions: [{ actions: ["sqs:SendMessage"], resources: [slackWorkerDlq.arn] }],
  retries: 2,
  timeout: "60 seconds",
  memory: "512 MB",
  ...(Object.keys(environment).length > 0 ? { environment } : {}),
  transform: {
    eventInvokeConfig: {
      destinationConfig: { onFailure: { destination: slackWorkerDlq.arn } },
    },
  },
});

export const slackWorkerRule = bus.subscribe("SlackWorker", slackWorker, { pattern: SLACK_WORKER_PATTERN });

export const outputs = {
  slackWorkerDlq: slackWorkerDlq.url,
};
