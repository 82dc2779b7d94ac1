import { ActionItemStore } from "@firebreak/core/adapters/dynamodb/action-items/store";
import { IgnoredAlarmStore } from "@firebreak/core/adapters/dynamodb/alarm/ignored-store";
import { TokenStore } from "@firebreak/core/adapters/dynamodb/auth/token-store";
import { ChangeStore } from "@firebreak/core/adapters/dynamodb/changes/store";
import { HeartbeatStore } from "@firebreak/core/adapters/dynamodb/heartbeats/store";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { IntegrationKeyStore } from "@firebreak/core/adapters/dynamodb/integrations/key-store";
import { MaintenanceStore } from "@firebreak/core/adapters/dynamodb/maintenance/store";
import { CalendarFeedStore } from "@firebreak/core/adapters/dynamodb/oncall/calendar-store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { PageStore } from "@firebreak/core/adapters/dynamodb/paging/page-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { parseAdmins } from "@firebreak/core/auth/roles";
import { cachedDirectory } from "@firebreak/core/oncall/stored-directory";
import type { AuthDeps } from "../api/auth";
import type { ApiDeps, BaseDeps } from "../api/base";
import { tableHealthCheck } from "../api/health";
import type { ActionItemRouteDeps } from "../api/routes/action-items";
import type { PagingReadDeps } from "../api/routes/paging-reads";
import type { StatusDeps } from "../api/routes/status";
import { actionItemSyncDeps } from "./action-items";
import { list, type Platform, requiredSecret } from "./platform";

/**
 * Authentication of the API functions: API tokens in the table, sessions verified (and, with
 * `signIn`, issued) with the SessionKey secret. Only the function serving the sign-in routes
 * (`signIn: true`) reads the Sign in with Slack secrets (SlackClientId, SlackClientSecret, the
 * first SlackTeamId), FIREBREAK_ADMINS (who signs in as admin) and FIREBREAK_DASHBOARD_URL (where
 * the browser goes after signing in). `local` adds what only the local runtime has (the dev
 * sign-in page, cookies without `Secure` over plain http).
 */
export function apiAuth(
  platform: Platform,
  options: { signIn: boolean; local?: Pick<AuthDeps, "devSignIn" | "secureCookies"> },
): AuthDeps {
  const { db, tableName } = platform.table();
  // Read through a 30-second cache: a token's person is named on every request it makes.
  const directory = cachedDirectory(
    new DirectoryStore(db, tableName, platform.clock),
    30_000,
    platform.clock,
  );
  const auth: AuthDeps = {
    sessionKey: requiredSecret(platform, "SessionKey"),
    tokens: new TokenStore(db, tableName, platform.clock),
    personName: async (personId) => (await directory())?.people.find((p) => p.id === personId)?.name,
    ...options.local,
  };
  if (!options.signIn) return auth;
  auth.admins = parseAdmins(platform.env.FIREBREAK_ADMINS);
  auth.afterSignInUrl = platform.env.FIREBREAK_DASHBOARD_URL?.trim() || "/";
  const clientId = platform.secret("SlackClientId");
  const clientSecret = platform.secret("SlackClientSecret");
  const teamId = list(platform.secret("SlackTeamId"))[0];
  if (clientId && clientSecret && teamId) auth.slack = { clientId, clientSecret, teamId };
  return auth;
}

/** The main API function ("ApiHandler"): reads, incident actions, tokens, sign-in. */
export function apiDeps(platform: Platform, local?: Pick<AuthDeps, "devSignIn" | "secureCookies">): ApiDeps {
  const { db, tableName } = platform.table();
  const incidents = new IncidentStore(db, tableName);
  return {
    store: incidents,
    postmortems: new PostmortemStore(db, tableName),
    auth: apiAuth(platform, { signIn: true, ...(local ? { local } : {}) }),
    directory: new DirectoryStore(db, tableName, platform.clock),
    pages: new PageStore(db, tableName),
    ignoredAlarms: new IgnoredAlarmStore(db, tableName),
    maintenance: new MaintenanceStore(db, tableName),
    integrations: new IntegrationKeyStore(db, tableName, platform.clock),
    heartbeats: new HeartbeatStore(db, tableName),
    calendars: new CalendarFeedStore(db, tableName, platform.clock),
    changes: new ChangeStore(db, tableName),
    health: { table: tableHealthCheck(db, tableName), ...platform.adapters?.health },
    ...(platform.clock ? { clock: platform.clock } : {}),
  };
}

/** "ApiPostmortem": human edits of postmortems (verifies sessions; signs nobody in). */
export function apiPostmortemDeps(
  platform: Platform,
  local?: Pick<AuthDeps, "devSignIn" | "secureCookies">,
): ApiDeps {
  const { db, tableName } = platform.table();
  return {
    store: new IncidentStore(db, tableName),
    postmortems: new PostmortemStore(db, tableName),
    auth: apiAuth(platform, { signIn: false, ...(local ? { local } : {}) }),
    ...(platform.clock ? { clock: platform.clock } : {}),
  };
}

/** "ApiPaging": the page trace and coverage; reads incidents, pages and the directory. */
export function apiPagingDeps(
  platform: Platform,
  local?: Pick<AuthDeps, "devSignIn" | "secureCookies">,
): PagingReadDeps {
  const { db, tableName } = platform.table();
  return {
    ...apiDirectoryDeps(platform, local),
    store: new IncidentStore(db, tableName),
    pages: new PageStore(db, tableName),
  };
}

/** "ApiActionItems": action items and the risk view; reads incidents, drafts and the directory. */
export function apiActionItemsDeps(
  platform: Platform,
  local?: Pick<AuthDeps, "devSignIn" | "secureCookies">,
): ActionItemRouteDeps {
  const { db, tableName } = platform.table();
  return {
    ...apiDirectoryDeps(platform, local),
    store: new IncidentStore(db, tableName),
    actionItems: new ActionItemStore(db, tableName),
    postmortems: new PostmortemStore(db, tableName),
    sync: actionItemSyncDeps(platform),
  };
}

/** "ApiStatus": the public status page; reads incidents, their timelines and the directory. */
export function apiStatusDeps(
  platform: Platform,
  local?: Pick<AuthDeps, "devSignIn" | "secureCookies">,
): StatusDeps {
  const { db, tableName } = platform.table();
  return { ...apiDirectoryDeps(platform, local), store: new IncidentStore(db, tableName) };
}

/** "ApiDocs": the OpenAPI document; checks sessions and tokens, as the directory writes do. */
export const apiDocsDeps = (...args: Parameters<typeof apiDirectoryDeps>) => apiDirectoryDeps(...args);

/** "ApiDirectory": directory writes; needs only the directory and the API tokens. */
export function apiDirectoryDeps(
  platform: Platform,
  local?: Pick<AuthDeps, "devSignIn" | "secureCookies">,
): BaseDeps {
  const { db, tableName } = platform.table();
  return {
    auth: apiAuth(platform, { signIn: false, ...(local ? { local } : {}) }),
    directory: new DirectoryStore(db, tableName, platform.clock),
    ...(platform.clock ? { clock: platform.clock } : {}),
  };
}
