/**
 * Secrets, all in one place (`npx sst secret set <Name> <value> --stage <stage>`):
 * - SlackSigningSecret: the Slack app's signing secret (Basic Information → App Credentials).
 * - SlackBotToken: the bot token (OAuth & Permissions → Bot User OAuth Token, `xoxb-…`).
 * - SlackTeamId: the workspace id(s) allowed to call /slack/events (`T…`, comma-separated); the
 *   first one is also the only workspace allowed to sign in to the dashboard.
 * - SessionKey: signs dashboard session JWTs (HS256), at least 32 random characters
 *   (`openssl rand -base64 48`). Changing it signs everybody out.
 * - SlackClientId / SlackClientSecret: Sign in with Slack (OpenID Connect), from the Slack app's
 *   Basic Information → App Credentials; add `<api url>/auth/slack/callback` as a redirect URL.
 * - AckKey: signs the one-click ack links of pages: `k1:$(openssl rand -base64 32)`; to rotate, put
 *   the new key first and keep the old one until its links expire (`k2:<new>,k1:<old>`).
 * - GithubToken, JiraApiToken, LinearApiKey: the action-item sync's trackers (optional: each
 *   defaults to "unset", which the sync reads as no credential; set the one your teams use). GitHub:
 *   a fine-grained token with Issues read and write on the repositories; Jira Cloud: an API token of
 *   the account named by FIREBREAK_JIRA_EMAIL; Linear: a personal API key.
 */
export const slackSigningSecret = new sst.Secret("SlackSigningSecret");
export const slackBotToken = new sst.Secret("SlackBotToken");
export const slackTeamId = new sst.Secret("SlackTeamId");
export const sessionKey = new sst.Secret("SessionKey");
export const slackClientId = new sst.Secret("SlackClientId");
export const slackClientSecret = new sst.Secret("SlackClientSecret");
export const ackKey = new sst.Secret("AckKey");
export const githubToken = new sst.Secret("GithubToken", "unset");
export const jiraApiToken = new sst.Secret("JiraApiToken", "unset");
export const linearApiKey = new sst.Secret("LinearApiKey", "unset");
