/**
 * Secrets, all in one place (`npx sst secret set <Name> <value> --stage <stage>`):
 * - SlackSigningSecret: the Slack app's signing secret (Basic Information → App Credentials).
 * - SlackBotToken: the bot token (OAuth & Permissions → Bot User OAuth Token, `xoxb-…`).
 * - SlackTeamId: the workspace id(s) allowed to call /slack/events (`T…`, comma-separated).
 * - AckKey: signs the one-click ack links of pages: `k1:$(openssl rand -base64 32)`; to rotate, put
 *   the new key first and keep the old one until its links expire (`k2:<new>,k1:<old>`).
 */
export const slackSigningSecret = new sst.Secret("SlackSigningSecret");
export const slackBotToken = new sst.Secret("SlackBotToken");
export const slackTeamId = new sst.Secret("SlackTeamId");
export const ackKey = new sst.Secret("AckKey");
