import * as z from "@firebreak/core/shared/zod";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { UnauthenticatedError } from "./errors";

/**
 * Sign in with Slack (OpenID Connect, authorization code flow). The endpoints default to Slack's;
 * tests point them at a local fake that serves real signed id_tokens and a real JWKS.
 */
export interface SlackOidcConfig {
  clientId: string;
  clientSecret: string;
  /** The only workspace allowed to sign in (`T…`). */
  teamId: string;
  /** Where Slack sends the browser back: `<public url>/auth/slack/callback`. */
  redirectUri: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  jwksUrl?: string;
  issuer?: string;
}

export const SLACK_OIDC = {
  authorizeUrl: "https://slack.com/openid/connect/authorize",
  tokenUrl: "https://slack.com/api/openid.connect.token",
  jwksUrl: "https://slack.com/openid/connect/keys",
  issuer: "https://slack.com",
} as const;

export function slackAuthorizeUrl(config: SlackOidcConfig, state: string, nonce: string): string {
  const url = new URL(config.authorizeUrl ?? SLACK_OIDC.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    scope: "openid profile",
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    state,
    nonce,
    team: config.teamId,
  }).toString();
  return url.toString();
}

const tokenResponseSchema = z.union([
  z.object({ ok: z.literal(true), id_token: z.string().check(z.minLength(1)) }),
  z.object({ ok: z.literal(false), error: z._default(z.string(), "unknown_error") }),
]);

const idTokenClaimsSchema = z.object({
  sub: z.string().check(z.minLength(1)),
  "https://slack.com/user_id": z.string().check(z.minLength(1)),
  "https://slack.com/team_id": z.string().check(z.minLength(1)),
  name: z.optional(z.string()),
  given_name: z.optional(z.string()),
  nonce: z.optional(z.string()),
});

export interface SlackIdentity {
  slackUserId: string;
  teamId: string;
  name: string;
}

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** Exchanges the code, verifies the id_token (signature by the JWKS, iss, aud, exp, nonce, team). */
export async function completeSlackSignIn(
  config: SlackOidcConfig,
  code: string,
  nonce: string,
): Promise<SlackIdentity> {
  let response: Response;
  try {
    response = await fetch(config.tokenUrl ?? SLACK_OIDC.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: config.clientId,
        client_secret: config.clientSecret,
        code,
        grant_type: "authorization_code",
        redirect_uri: config.redirectUri,
      }).toString(),
    });
  } catch (error) {
    throw new UnauthenticatedError(`could not reach Slack to finish signing in: ${(error as Error).message}`);
  }
  const parsed = tokenResponseSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new UnauthenticatedError("Slack's token answer was not understood");
  if (!parsed.data.ok) throw new UnauthenticatedError(`Slack refused the sign-in: ${parsed.data.error}`);
  const jwksUrl = config.jwksUrl ?? SLACK_OIDC.jwksUrl;
  let jwks = jwksCache.get(jwksUrl);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(jwksUrl));
    jwksCache.set(jwksUrl, jwks);
  }
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(parsed.data.id_token, jwks, {
      issuer: config.issuer ?? SLACK_OIDC.issuer,
      audience: config.clientId,
    }));
  } catch (error) {
    throw new UnauthenticatedError(`Slack's id_token did not verify: ${(error as Error).message}`);
  }
  const claims = idTokenClaimsSchema.safeParse(payload);
  if (!claims.success) throw new UnauthenticatedError("Slack's id_token lacks the user or team claims");
  if (claims.data.nonce !== nonce)
    throw new UnauthenticatedError("the sign-in nonce does not match: try again");
  const teamId = claims.data["https://slack.com/team_id"];
  if (teamId !== config.teamId)
    throw new UnauthenticatedError(`workspace ${teamId} is not allowed to sign in here`);
  const slackUserId = claims.data["https://slack.com/user_id"];
  return { slackUserId, teamId, name: claims.data.name ?? claims.data.given_name ?? slackUserId };
}
