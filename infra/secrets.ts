/**
 * Secrets, all in one place (`npx sst secret set <Name> <value> --stage <stage>`):
 * - SlackSigningSecret: the Slack app's signing secret (Basic Information → App Credentials).
 * - SlackBotToken: the bot token (OAuth & Permissions → Bot User OAuth Token, `xoxb-…`).
 * - SlackTeamId: the workspace id(s) allowed to call /slack/events (`T…`, comma-separated).
 */
export const slackSigningSecret = new sst.Secret("SlackSigningSecret");
export const slackBotToken = new sst.Secret("SlackBotToken");
export const slackTeamId = new sst.Secret("SlackTeamId");
