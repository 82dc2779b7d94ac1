import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { parseAdmins } from "@firebreak/core/auth/roles";
import { TokenStore } from "@firebreak/core/auth/tokens";
import { Resource } from "sst";
import type { AuthDeps } from "../api/auth";

type Secret = { value: string };
type LinkedSecrets = {
  SessionKey: Secret;
  SlackClientId: Secret;
  SlackClientSecret: Secret;
  SlackTeamId: Secret;
};

/**
 * Production authentication of the API functions: API tokens in the table, sessions verified (and,
 * with `signIn`, issued) with the SessionKey secret. Only the function serving the sign-in routes
 * (`signIn: true`, linked to them) reads the Sign in with Slack secrets (SlackClientId,
 * SlackClientSecret, the first SlackTeamId), FIREBREAK_ADMINS (who signs in as admin) and
 * FIREBREAK_DASHBOARD_URL (where the browser goes after signing in).
 */
export function awsApiAuth(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { signIn: boolean },
): AuthDeps {
  const linked = Resource as unknown as LinkedSecrets;
  const auth: AuthDeps = { sessionKey: linked.SessionKey.value, tokens: new TokenStore(db, tableName) };
  if (options.signIn) {
    const teamId = linked.SlackTeamId.value.split(",")[0]!.trim();
    auth.admins = parseAdmins(process.env.FIREBREAK_ADMINS);
    auth.slack = {
      clientId: linked.SlackClientId.value,
      clientSecret: linked.SlackClientSecret.value,
      teamId,
    };
    auth.afterSignInUrl = process.env.FIREBREAK_DASHBOARD_URL ?? "/";
  }
  return auth;
}
