import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { MaintenanceStore } from "@firebreak/core/adapters/dynamodb/maintenance/store";
import { ContactStore } from "@firebreak/core/adapters/dynamodb/oncall/contact-store";
import { PersonalRulesStore } from "@firebreak/core/adapters/dynamodb/oncall/notify-store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { TestPageRequestStore } from "@firebreak/core/adapters/dynamodb/paging/test-page-request-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { SlackStore } from "@firebreak/core/adapters/dynamodb/slack/slack-store";
import { cachedDirectory } from "@firebreak/core/oncall/stored-directory";
import { timezoneFromEnv } from "@firebreak/core/oncall/tz";
import { createSlackClient } from "@firebreak/core/paging/slack-channel";
import { FirebreakError } from "@firebreak/core/shared/errors";
import { parseChannelSeverities } from "../slack/channel-severities";
import { directoryPersonLookup } from "../slack/directory-lookup";
import type { SlackHandlerDeps } from "../slack/handler";
import { publisherEnqueue } from "../slack/work";
import type { SlackWorkerDeps } from "../slack/worker";
import { dashboardLinks, list, type Platform, requiredSecret } from "./platform";

/**
 * The Slack endpoint (`POST /slack/events`): the signing secret, the bot token, the workspace(s)
 * (`SlackTeamId`, comma-separated), and the app bus it hands slow work to. Settings:
 * FIREBREAK_SLACK_ADMINS, FIREBREAK_SLACK_BOT_ID, FIREBREAK_SLACK_BOT_USER_ID,
 * FIREBREAK_DASHBOARD_URL, FIREBREAK_TIMEZONE.
 */
export function slackHandlerDeps(platform: Platform): SlackHandlerDeps {
  const { env } = platform;
  const { db, tableName } = platform.table();
  const incidents = new IncidentStore(db, tableName);
  const bus = platform.bus?.();
  if (!bus) throw new FirebreakError("config_missing", "the Slack handler needs the app bus (link Bus)");
  const teamIds = list(platform.secret("SlackTeamId") ?? env.FIREBREAK_SLACK_TEAM_ID);
  if (teamIds.length === 0)
    throw new FirebreakError("config_missing", "the SlackTeamId secret names no workspace (T…)");
  const slack = new SlackStore(incidents.db, incidents.tableName);
  const directoryStore = new DirectoryStore(db, tableName, platform.clock);
  const directory = cachedDirectory(directoryStore, 30_000, platform.clock);
  const bot = platform.adapters?.slackBot;
  const botId = env.FIREBREAK_SLACK_BOT_ID || bot?.botId;
  const botUserId = env.FIREBREAK_SLACK_BOT_USER_ID || bot?.botUserId;
  const slackApiUrl = platform.adapters?.slackApiUrl;
  return {
    signingSecret: requiredSecret(platform, "SlackSigningSecret"),
    botToken: requiredSecret(platform, "SlackBotToken"),
    teamIds,
    ...(botId ? { botId } : {}),
    ...(botUserId ? { botUserId } : {}),
    ...(slackApiUrl ? { slackApiUrl } : {}),
    store: incidents,
    postmortems: new PostmortemStore(incidents.db, incidents.tableName),
    maintenance: new MaintenanceStore(incidents.db, incidents.tableName),
    timezone: timezoneFromEnv(env),
    enqueue: publisherEnqueue(bus, platform.clock),
    channelIncident: (channelId) => slack.incidentForChannel(channelId),
    // One directory read at most every 30 s serves the lookups, the pickers and the permissions.
    directory,
    personFor: directoryPersonLookup(directory),
    overrides: directoryStore,
    notifyRules: new PersonalRulesStore(directoryStore),
    contacts: new ContactStore(directoryStore),
    testPages: { store: new TestPageRequestStore(db, tableName), directory: directoryStore },
    permissions: { admins: list(env.FIREBREAK_SLACK_ADMINS) },
    ...(platform.clock ? { clock: platform.clock } : {}),
    ...dashboardLinks(platform),
  };
}

/**
 * The Slack worker (incident channels, summaries, updates, postmortem links): the bot token, and
 * FIREBREAK_SLACK_CHANNEL_SEVERITIES, FIREBREAK_SLACK_BOT_USER_ID (else one `auth.test` at cold
 * start), FIREBREAK_DASHBOARD_URL, FIREBREAK_TIMEZONE.
 */
export async function slackWorkerDeps(platform: Platform): Promise<SlackWorkerDeps> {
  const { env } = platform;
  const { db, tableName } = platform.table();
  const incidents = new IncidentStore(db, tableName);
  const slackApiUrl = platform.adapters?.slackApiUrl;
  const client = createSlackClient(requiredSecret(platform, "SlackBotToken"), {
    requestTimeoutMs: 5_000,
    ...(slackApiUrl ? { slackApiUrl } : {}),
  });
  const botUserId =
    env.FIREBREAK_SLACK_BOT_USER_ID ||
    platform.adapters?.slackBot?.botUserId ||
    (await client.auth.test()).user_id;
  const timezone = timezoneFromEnv(env);
  return {
    incidents,
    slack: new SlackStore(incidents.db, incidents.tableName),
    postmortems: new PostmortemStore(incidents.db, incidents.tableName),
    directory: new DirectoryStore(db, tableName, platform.clock),
    client,
    ...(botUserId ? { botUserId } : {}),
    channelSeverities: parseChannelSeverities(env.FIREBREAK_SLACK_CHANNEL_SEVERITIES),
    ...(timezone ? { timezone } : {}),
    ...(platform.clock ? { clock: platform.clock } : {}),
    ...dashboardLinks(platform),
  };
}
