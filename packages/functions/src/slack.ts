import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { EventBridgePublisher } from "@firebreak/core/events/eventbridge";
import { DirectoryStore } from "@firebreak/core/oncall/store";
import { SlackStore } from "@firebreak/core/storage/slack-store";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { createLogger } from "./lib/logger";
import { awsPostmortemDeps } from "./lib/resources";
import { directoryPersonLookup } from "./slack/directory-lookup";
import { createSlackRequestHandler, type SlackHandlerDeps } from "./slack/handler";
import { linked, list } from "./slack/linked";
import { publisherEnqueue } from "./slack/work";

/**
 * The Slack endpoint (`POST /slack/events`: slash command, interactivity), API Gateway HTTP API
 * payload v2. middy carries the logger only: no body parser, Bolt reads the raw body.
 */
export function createSlackHandler(getDeps: () => SlackHandlerDeps | Promise<SlackHandlerDeps>) {
  const logger = createLogger("slack");
  const handle = createSlackRequestHandler(getDeps, logger);
  return middy((event: APIGatewayProxyEventV2, context: Context) => handle(event, context)).use(
    injectLambdaContext(logger),
  );
}

/** Production wiring, read on the first request (secrets through `Resource.X`). */
export const handler = createSlackHandler(() => {
  const signingSecret = linked("SlackSigningSecret");
  const botToken = linked("SlackBotToken");
  const busName = linked("Bus");
  if (!signingSecret || !botToken) throw new Error("SlackSigningSecret and SlackBotToken must be linked");
  if (!busName) throw new Error("Bus must be linked");
  const { incidents, postmortems, timezone } = awsPostmortemDeps();
  const dashboard = process.env.FIREBREAK_DASHBOARD_URL?.replace(/\/+$/, "");
  // Inside Slack's 3 seconds: two rounds at most, short backoff.
  const bus = new EventBridgePublisher({ busName, maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 });
  const slack = new SlackStore(incidents.db, incidents.tableName);
  return {
    signingSecret,
    botToken,
    teamIds: list(linked("SlackTeamId") ?? process.env.FIREBREAK_SLACK_TEAM_ID),
    botId: process.env.FIREBREAK_SLACK_BOT_ID,
    botUserId: process.env.FIREBREAK_SLACK_BOT_USER_ID,
    store: incidents,
    postmortems,
    timezone,
    enqueue: publisherEnqueue(bus),
    channelIncident: (channelId) => slack.incidentForChannel(channelId),
    personIdFor: directoryPersonLookup(new DirectoryStore(incidents.db, incidents.tableName)),
    permissions: { admins: list(process.env.FIREBREAK_SLACK_ADMINS) },
    ...(dashboard ? { incidentUrl: (incident) => `${dashboard}/incidents/${incident.id}` } : {}),
  };
});
