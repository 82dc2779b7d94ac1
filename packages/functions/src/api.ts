import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parseAdmins } from "@firebreak/core/auth/roles";
import { TokenStore } from "@firebreak/core/auth/tokens";
import { DirectoryStore } from "@firebreak/core/oncall/store";
import { PageStore } from "@firebreak/core/paging/store";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { Resource } from "sst";
import { type ApiDeps, createApiApp } from "./api/app";
import { createLogger } from "./lib/logger";
import { awsPostmortemDeps } from "./lib/resources";

type HonoEvent = Parameters<ReturnType<typeof handle>>[0];

/** The HTTP API handler (API Gateway HTTP API, payload v2). */
export function createApiHandler(getDeps: () => ApiDeps) {
  const logger = createLogger("api");
  const app = handle(createApiApp(() => ({ log: logger, ...getDeps() })));
  // Hono's event type is its own rendition of the same API Gateway v2 payload.
  return middy((event: APIGatewayProxyEventV2, context: Context) =>
    app(event as unknown as HonoEvent, context),
  ).use(injectLambdaContext(logger));
}

type Secret = { value: string };
type LinkedSecrets = {
  SessionKey: Secret;
  SlackClientId: Secret;
  SlackClientSecret: Secret;
  SlackTeamId: Secret;
};

let deps: ApiDeps | undefined;

/**
 * Production wiring. Sessions are signed with the SessionKey secret; Sign in with Slack uses the
 * SlackClientId / SlackClientSecret secrets and the first SlackTeamId. FIREBREAK_ADMINS lists
 * the admins; FIREBREAK_DASHBOARD_URL is where the browser goes after signing in.
 */
function awsApiDeps(): ApiDeps {
  if (deps) return deps;
  const linked = Resource as unknown as LinkedSecrets;
  const { incidents, postmortems } = awsPostmortemDeps();
  const teamId = linked.SlackTeamId.value.split(",")[0]!.trim();
  deps = {
    store: incidents,
    postmortems,
    directory: new DirectoryStore(incidents.db, incidents.tableName),
    pages: new PageStore(incidents.db, incidents.tableName),
    auth: {
      sessionKey: linked.SessionKey.value,
      tokens: new TokenStore(incidents.db, incidents.tableName),
      admins: parseAdmins(process.env.FIREBREAK_ADMINS),
      slack: { clientId: linked.SlackClientId.value, clientSecret: linked.SlackClientSecret.value, teamId },
      afterSignInUrl: process.env.FIREBREAK_DASHBOARD_URL ?? "/",
    },
  };
  return deps;
}

export const handler = createApiHandler(awsApiDeps);
