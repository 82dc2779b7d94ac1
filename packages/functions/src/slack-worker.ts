import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { BusEvent } from "@firebreak/core/events/dispatcher";
import { DirectoryStore } from "@firebreak/core/oncall/store";
import { createSlackClient } from "@firebreak/core/paging/slack-channel";
import { SlackStore } from "@firebreak/core/storage/slack-store";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { createLogger } from "./lib/logger";
import { awsPostmortemDeps } from "./lib/resources";
import { parseChannelSeverities } from "./slack/incident-channel";
import { linked } from "./slack/linked";
import { handleSlackWorkerEvent, type SlackWorkerDeps } from "./slack/worker";

/**
 * slack-worker: the app-bus consumer for incident channels and postmortem delivery (see
 * slack/worker.ts for the events). Thin: wiring and logging. A failure throws, so Lambda retries
 * the async invoke, then sends the event to the DLQ.
 */
export function createSlackWorkerHandler(getDeps: () => SlackWorkerDeps | Promise<SlackWorkerDeps>) {
  const logger = createLogger("slack-worker");
  let ready: Promise<SlackWorkerDeps> | undefined;
  return middy(async (event: BusEvent, _context: Context) => {
    ready ??= Promise.resolve(getDeps()).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    const deps = { ...(await ready), log: logger };
    const result = await handleSlackWorkerEvent(deps, event);
    logger.info("slack worker", {
      type: event["detail-type"],
      eventId: event.detail?.id,
      incidentId: event.detail?.incidentId,
      ...result,
    });
    return result;
  }).use(injectLambdaContext(logger));
}

/** Production wiring (secrets through `Resource.X`, settings from the environment). */
export const handler = createSlackWorkerHandler(async () => {
  const botToken = linked("SlackBotToken");
  if (!botToken) throw new Error("SlackBotToken must be linked");
  const { incidents, postmortems, timezone } = awsPostmortemDeps();
  const client = createSlackClient(botToken, { requestTimeoutMs: 5_000 });
  const botUserId = process.env.FIREBREAK_SLACK_BOT_USER_ID || (await client.auth.test()).user_id;
  const dashboard = process.env.FIREBREAK_DASHBOARD_URL?.replace(/\/+$/, "");
  return {
    incidents,
    slack: new SlackStore(incidents.db, incidents.tableName),
    postmortems,
    directory: new DirectoryStore(incidents.db, incidents.tableName),
    client,
    ...(botUserId ? { botUserId } : {}),
    channelSeverities: parseChannelSeverities(process.env.FIREBREAK_SLACK_CHANNEL_SEVERITIES),
    ...(timezone ? { timezone } : {}),
    ...(dashboard ? { incidentUrl: (incident) => `${dashboard}/incidents/${incident.id}` } : {}),
  };
});
