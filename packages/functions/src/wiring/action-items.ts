import type { SyncDeps } from "@firebreak/core/action-items/sync";
import { type TrackerCredentials, trackerFor } from "@firebreak/core/action-items/trackers";
import { ActionItemStore } from "@firebreak/core/adapters/dynamodb/action-items/store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { cachedDirectory } from "@firebreak/core/oncall/stored-directory";
import type { Platform, SecretName } from "./platform";

/** An optional secret: SST's placeholder "unset" (infra/secrets.ts) and an empty value mean none. */
function optionalSecret(platform: Platform, name: SecretName): string | undefined {
  const value = platform.secret(name)?.trim();
  return value && value !== "unset" ? value : undefined;
}

/** The trackers' credentials: secrets (GithubToken, JiraApiToken, LinearApiKey) and settings. */
export function trackerCredentials(platform: Platform): TrackerCredentials {
  const { env } = platform;
  const github = optionalSecret(platform, "GithubToken");
  const jira = optionalSecret(platform, "JiraApiToken");
  const linear = optionalSecret(platform, "LinearApiKey");
  return {
    ...(github ? { githubToken: github } : {}),
    ...(env.FIREBREAK_JIRA_EMAIL ? { jiraEmail: env.FIREBREAK_JIRA_EMAIL } : {}),
    ...(jira ? { jiraApiToken: jira } : {}),
    ...(linear ? { linearApiKey: linear } : {}),
    ...(env.FIREBREAK_GITHUB_API_URL ? { githubApiUrl: env.FIREBREAK_GITHUB_API_URL } : {}),
    ...(env.FIREBREAK_LINEAR_API_URL ? { linearApiUrl: env.FIREBREAK_LINEAR_API_URL } : {}),
    ...(env.FIREBREAK_JIRA_API_URL ? { jiraApiUrl: env.FIREBREAK_JIRA_API_URL } : {}),
  };
}

/**
 * The action-item sync (functions/action-item-sync.ts; the on-demand route too): the items, and
 * each item's tracker from its team's `tracker` in the directory (read at most every 30 s).
 */
export function actionItemSyncDeps(platform: Platform): SyncDeps {
  const { db, tableName } = platform.table();
  const directory = cachedDirectory(
    new DirectoryStore(db, tableName, platform.clock),
    30_000,
    platform.clock,
  );
  const creds = trackerCredentials(platform);
  const dashboard = platform.env.FIREBREAK_DASHBOARD_URL?.replace(/\/+$/, "");
  return {
    store: new ActionItemStore(db, tableName),
    trackerOf: async (item) => {
      const team = (await directory())?.teams.find((t) => t.id === item.team);
      return team?.tracker ? trackerFor(team.tracker, creds) : undefined;
    },
    ...(dashboard
      ? { linkOf: (item) => `${dashboard}/incidents/INC-${item.incidentNumber}/postmortem` }
      : {}),
    ...(platform.clock ? { clock: platform.clock } : {}),
  };
}
