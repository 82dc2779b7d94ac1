/**
 * The settings and secrets the local runtime runs with: the settings by the names the Lambda
 * functions read (FIREBREAK_*), filled in from the runtime's options, and the secrets by their SST
 * names, each given by a setting or else kept in the data folder so it survives restarts.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newSessionSecret } from "@firebreak/core/auth/session";
import type { SecretName } from "@firebreak/functions/wiring/platform";
import { FAKE_TEAM_ID } from "../fake-slack";
import type { RuntimeOptions } from "../runtime";

/** The development signing secret the local /slack/events accepts when SLACK_SIGNING_SECRET is unset. */
export const LOCAL_SIGNING_SECRET = "firebreak-local-signing-secret";

/** Slack's signing secret, workspace(s) and bot token, as given or the local defaults. */
export type SlackConfig = NonNullable<RuntimeOptions["slack"]>;

/**
 * A secret given by a setting, else one kept in the data folder (0600) so it survives restarts
 * (made by `make` the first time; in memory without a data folder).
 */
function keptSecret(
  dataDir: string | null,
  given: string | undefined,
  fileName: string,
  make: () => string,
): string {
  if (given) return given;
  const file = dataDir ? join(dataDir, fileName) : undefined;
  if (file && existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = make();
  if (file) writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The settings, by the names the functions read; the runtime's own options fill them in. */
export function runtimeSettings(options: RuntimeOptions): Record<string, string | undefined> {
  return {
    ...options.settings,
    ...(options.timezone ? { FIREBREAK_TIMEZONE: options.timezone } : {}),
    ...(options.postmortemBucket ? { FIREBREAK_POSTMORTEM_BUCKET: options.postmortemBucket } : {}),
  };
}

/** Slack's configuration: the options' own, else the local signing secret and the fake's workspace. */
export function slackConfigOf(options: RuntimeOptions): SlackConfig {
  return options.slack ?? { signingSecret: LOCAL_SIGNING_SECRET, teamId: FAKE_TEAM_ID };
}

/** The secrets, by the names the functions read them (the SST secrets' names). */
export function runtimeSecrets(
  options: RuntimeOptions,
  settings: Readonly<Record<string, string | undefined>>,
  dataDir: string | null,
  slackConfig: SlackConfig,
): Partial<Record<SecretName, string>> {
  return {
    SlackSigningSecret: slackConfig.signingSecret,
    SlackBotToken: slackConfig.botToken ?? "xoxb-local-fake",
    SlackTeamId: slackConfig.teamId,
    SessionKey: keptSecret(dataDir, settings.FIREBREAK_SESSION_KEY, "session-key", newSessionSecret),
    // One key, or a keyring `k2:<new>,k1:<old>` as on AWS.
    AckKey: keptSecret(dataDir, settings.FIREBREAK_ACK_KEY, "ack-key", () =>
      randomBytes(32).toString("base64url"),
    ),
    ...(options.slackOidc
      ? { SlackClientId: options.slackOidc.clientId, SlackClientSecret: options.slackOidc.clientSecret }
      : {}),
    // The trackers of the action-item sync, when given (the same names as the SST secrets).
    ...(settings.FIREBREAK_GITHUB_TOKEN ? { GithubToken: settings.FIREBREAK_GITHUB_TOKEN } : {}),
    ...(settings.FIREBREAK_JIRA_API_TOKEN ? { JiraApiToken: settings.FIREBREAK_JIRA_API_TOKEN } : {}),
    ...(settings.FIREBREAK_LINEAR_API_KEY ? { LinearApiKey: settings.FIREBREAK_LINEAR_API_KEY } : {}),
  };
}

/** The local events token (`POST /events` needs it as a bearer token): a setting, else kept. */
export function eventsTokenOf(
  dataDir: string | null,
  settings: Readonly<Record<string, string | undefined>>,
): string {
  return keptSecret(dataDir, settings.FIREBREAK_EVENTS_TOKEN, "events-token", () =>
    randomBytes(24).toString("base64url"),
  );
}
