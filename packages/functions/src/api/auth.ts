import type { TokenStore } from "@firebreak/core/adapters/dynamodb/auth/token-store";
import type { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { ForbiddenError, UnauthenticatedError } from "@firebreak/core/auth/errors";
import { type AuthRole, hasRole, roleFor } from "@firebreak/core/auth/roles";
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  csrfMatches,
  DEFAULT_SESSION_TTL_SECONDS,
  issueSession,
  MAX_SESSION_SECONDS,
  newCsrfToken,
  SESSION_COOKIE,
  type SessionClaims,
  sessionKeyBytes,
  verifySession,
} from "@firebreak/core/auth/session";
import {
  completeSlackSignIn,
  type SlackOidcConfig,
  slackAuthorizeUrl,
} from "@firebreak/core/auth/slack-oidc";
import type { Actor } from "@firebreak/core/incident/model";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import { jwtVerify, SignJWT } from "jose";
import { devSignInBody, slackCallbackQuery } from "./schemas-base";
import { parse } from "./validate";

export interface AuthDeps {
  /** HS256 key of session JWTs (sst.Secret SessionKey; locally a key kept in the data dir). */
  sessionKey: string;
  tokens: TokenStore;
  /**
   * A person's name in the on-call directory: an API token acts as the person it was created for,
   * and its actions are recorded under that name (one identity per person), not "id (token x)".
   */
  personName?: (personId: string) => Promise<string | undefined>;
  /** FIREBREAK_ADMINS: directory person ids or Slack user ids that sign in as admin. */
  admins?: readonly string[];
  /** The local dev sign-in page (/auth/dev). Never on in the cloud. */
  devSignIn?: boolean;
  /** Sign in with Slack; absent → /auth/slack/* answer 404. */
  slack?: Omit<SlackOidcConfig, "redirectUri"> & { redirectUri?: string };
  /** Cookies carry `Secure` (default true; the local runtime over plain http turns it off). */
  secureCookies?: boolean;
  sessionTtlSeconds?: number;
  /** "Now" for issuing, verifying and refreshing sessions (tests pin it); the system clock by default. */
  clock?: Clock;
  /** Where the browser goes after signing in (default "/"). */
  afterSignInUrl?: string;
}

/** Who is calling: from the session cookie or an API token. */
export interface Principal {
  id: string;
  name: string;
  role: AuthRole;
  slackUserId?: string;
  via: "session" | "token";
  /** The session's CSRF token (sessions only). */
  csrf?: string;
  /** A session's times, ISO 8601: issued, expires, and when its person signed in. */
  session?: { issuedAt: string; expiresAt: string; signedInAt: string };
  tokenId?: string;
}

export type AuthEnv = { Variables: { principal: Principal } };

export function actorOf(principal: Principal): Actor {
  return principal.via === "token"
    ? { type: "api", id: principal.id, name: principal.name }
    : { type: "user", id: principal.id, name: principal.name };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Authenticates every request it guards: `Authorization: Bearer fbk_…` (an API token, exempt from
 * CSRF) or the `fb_session` cookie (a jose-verified JWT; a write must echo the `fb_csrf` cookie in
 * `X-CSRF-Token`). Anything else is 401; a failed CSRF check is 403.
 */
export function authenticate(getAuth: () => AuthDeps): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const auth = getAuth();
    const header = c.req.header("authorization");
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
      if (!match) throw new UnauthenticatedError("the Authorization header must be `Bearer fbk_…`");
      const record = await auth.tokens.verify(match[1]!);
      if (!record) throw new UnauthenticatedError("the API token is not valid, or it was revoked");
      c.set("principal", {
        id: record.userId,
        name: (await auth.personName?.(record.userId)) ?? record.userId,
        role: record.role,
        via: "token",
        tokenId: record.id,
      });
      return next();
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    if (!cookie) throw new UnauthenticatedError();
    const claims = await verifySession(auth.sessionKey, cookie, auth.clock?.now());
    if (!SAFE_METHODS.has(c.req.method) && !csrfMatches(claims.csrf, c.req.header(CSRF_HEADER))) {
      throw new ForbiddenError(
        "csrf_failed",
        "this write needs the X-CSRF-Token header, equal to the fb_csrf cookie",
      );
    }
    c.set("principal", {
      id: claims.sub,
      name: claims.name,
      role: claims.role,
      ...(claims.slackUserId ? { slackUserId: claims.slackUserId } : {}),
      via: "session",
      csrf: claims.csrf,
      ...sessionTimes(claims),
    });
    return next();
  };
}

/** Refuses (403) callers whose role is below `role`. */
export function requireRole(role: AuthRole): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (!principal) throw new UnauthenticatedError();
    if (!hasRole(principal.role, role)) {
      throw new ForbiddenError(
        "forbidden",
        `this needs the ${role} role; you are signed in as ${principal.role}`,
      );
    }
    return next();
  };
}

function sessionTimes(claims: SessionClaims): Pick<Principal, "session"> {
  if (claims.iat === undefined || claims.exp === undefined) return {};
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
  return {
    session: {
      issuedAt: iso(claims.iat),
      expiresAt: iso(claims.exp),
      signedInAt: iso(claims.auth_time ?? claims.iat),
    },
  };
}

function cookieOptions(auth: AuthDeps, maxAge: number, path = "/") {
  return { path, secure: auth.secureCookies !== false, sameSite: "Lax" as const, maxAge };
}

/** Sets `fb_session` (HttpOnly) and `fb_csrf` (readable by the page, for the double submit). */
async function startSession(
  c: Context,
  auth: AuthDeps,
  user: { id: string; name: string; role: AuthRole; slackUserId?: string },
  /** A refresh keeps the session's CSRF token (open tabs hold it) and its sign-in time. */
  carried: { csrf?: string; authTime?: number } = {},
) {
  const ttl = auth.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  const now = (auth.clock ?? systemClock).now();
  const csrf = carried.csrf ?? newCsrfToken();
  const { token, expiresAt } = await issueSession(
    auth.sessionKey,
    {
      sub: user.id,
      name: user.name,
      role: user.role,
      ...(user.slackUserId ? { slackUserId: user.slackUserId } : {}),
      csrf,
      ...(carried.authTime !== undefined ? { auth_time: carried.authTime } : {}),
    },
    { ttlSeconds: ttl, now },
  );
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  setCookie(c, SESSION_COOKIE, token, { ...cookieOptions(auth, maxAge), httpOnly: true });
  setCookie(c, CSRF_COOKIE, csrf, cookieOptions(auth, maxAge));
  return expiresAt;
}

const OIDC_COOKIE = "fb_oidc";

/**
 * The origin the browser sees. Deployed, the dashboard's CloudFront Router forwards /auth to the
 * HTTP API and names its own host in `x-forwarded-host`; the callback must be on that origin so the
 * session cookie is first-party. (A forged header gains nothing: Slack only redirects to the
 * redirect URLs registered on the app.)
 */
export function publicOrigin(c: Context): string {
  const forwarded = c.req.header("x-forwarded-host")?.split(",")[0]?.trim();
  if (forwarded && /^[a-z0-9.-]+(:\d{1,5})?$/i.test(forwarded)) return `https://${forwarded}`;
  return new URL(c.req.url).origin;
}

/** The sign-in routes: /auth/dev (local only), /auth/slack/login + callback, /auth/logout. */
export function mountAuthRoutes(
  app: Hono<AuthEnv>,
  getAuth: () => AuthDeps,
  getDirectory: () => DirectoryStore | undefined,
) {
  const devOnly = () => {
    if (!getAuth().devSignIn) throw new NotFoundError("route", "/auth/dev (dev sign-in is only on locally)");
  };

  app.get("/auth/dev", async (c) => {
    devOnly();
    const people = (await getDirectory()?.get())?.directory.people ?? [];
    return c.html(devSignInPage(people.map((p) => ({ id: p.id, name: p.name }))));
  });

  app.post("/auth/dev", async (c) => {
    devOnly();
    const form = await c.req.parseBody().catch(() => ({}));
    const input = parse(devSignInBody, form, "form");
    const people = (await getDirectory()?.get())?.directory.people;
    const person = people?.find((p) => p.id === input.person);
    if (people && !person) {
      throw new ValidationError(`invalid form: person: unknown person "${input.person}"`, [
        { path: "person", message: `unknown person "${input.person}"` },
      ]);
    }
    await startSession(c, getAuth(), {
      id: input.person,
      name: person?.name ?? input.person,
      role: input.role,
      ...(person?.slackUserId ? { slackUserId: person.slackUserId } : {}),
    });
    return c.redirect(getAuth().afterSignInUrl ?? "/", 303);
  });

  const slackConfig = (c: Context): SlackOidcConfig => {
    const slack = getAuth().slack;
    if (!slack) throw new NotFoundError("route", `${c.req.path} (Sign in with Slack is not configured)`);
    return {
      ...slack,
      redirectUri: slack.redirectUri ?? new URL("/auth/slack/callback", publicOrigin(c)).toString(),
    };
  };

  app.get("/auth/slack/login", async (c) => {
    const config = slackConfig(c);
    const auth = getAuth();
    const state = newCsrfToken();
    const nonce = newCsrfToken();
    // state and nonce ride in a short-lived signed cookie, checked on the callback.
    const cookie = await new SignJWT({ state, nonce })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt()
      .setExpirationTime("10m")
      .setAudience("firebreak-oidc")
      .sign(sessionKeyBytes(auth.sessionKey));
    setCookie(c, OIDC_COOKIE, cookie, { ...cookieOptions(auth, 600, "/auth/slack"), httpOnly: true });
    return c.redirect(slackAuthorizeUrl(config, state, nonce), 302);
  });

  app.get("/auth/slack/callback", async (c) => {
    const config = slackConfig(c);
    const auth = getAuth();
    const denied = c.req.query("error");
    if (denied) throw new UnauthenticatedError(`Slack did not sign you in: ${denied}`);
    const query = parse(slackCallbackQuery, c.req.query(), "query");
    const cookie = getCookie(c, OIDC_COOKIE);
    if (!cookie) throw new UnauthenticatedError("the sign-in took too long or started elsewhere: try again");
    let expected: { state?: unknown; nonce?: unknown };
    try {
      ({ payload: expected } = await jwtVerify(cookie, sessionKeyBytes(auth.sessionKey), {
        audience: "firebreak-oidc",
        algorithms: ["HS256"],
      }));
    } catch {
      throw new UnauthenticatedError("the sign-in state is not valid: try again");
    }
    if (expected.state !== query.state || typeof expected.nonce !== "string")
      throw new UnauthenticatedError("the sign-in state does not match: try again");
    deleteCookie(c, OIDC_COOKIE, { path: "/auth/slack", secure: auth.secureCookies !== false });
    const identity = await completeSlackSignIn(config, query.code, expected.nonce);
    const directory = (await getDirectory()?.get())?.directory;
    const { role, personId, name } = roleFor(
      { slackUserId: identity.slackUserId },
      directory,
      auth.admins ?? [],
    );
    await startSession(c, auth, {
      id: personId ?? identity.slackUserId,
      name: name ?? identity.name,
      role,
      slackUserId: identity.slackUserId,
    });
    return c.redirect(auth.afterSignInUrl ?? "/", 303);
  });

  /**
   * A silent refresh while the tab is in use: the same person, role and CSRF token, a new expiry
   * (never past MAX_SESSION_SECONDS after the sign-in: then they sign in again). Needs a valid
   * session and the CSRF header; an API token does not refresh.
   */
  app.post("/auth/refresh", async (c) => {
    const auth = getAuth();
    const cookie = getCookie(c, SESSION_COOKIE);
    if (!cookie) throw new UnauthenticatedError("no session to refresh: sign in");
    const now = (auth.clock ?? systemClock).now();
    const claims = await verifySession(auth.sessionKey, cookie, now);
    if (!csrfMatches(claims.csrf, c.req.header(CSRF_HEADER)))
      throw new ForbiddenError(
        "csrf_failed",
        "this write needs the X-CSRF-Token header, equal to the fb_csrf cookie",
      );
    const signedIn = claims.auth_time ?? claims.iat ?? 0;
    if (now.getTime() / 1000 >= signedIn + MAX_SESSION_SECONDS - 60)
      throw new UnauthenticatedError("the session has reached its longest life (7 days): sign in again");
    // Signed in with Slack: the role is what the directory and FIREBREAK_ADMINS say now, as at a
    // sign-in (someone removed from the admins is not one for days more). The local dev sign-in
    // keeps the role its user picked.
    let role = claims.role;
    if (!auth.devSignIn) {
      const directory = (await getDirectory()?.get())?.directory;
      role = roleFor(
        { id: claims.sub, ...(claims.slackUserId ? { slackUserId: claims.slackUserId } : {}) },
        directory,
        auth.admins ?? [],
      ).role;
    }
    const expiresAt = await startSession(
      c,
      auth,
      {
        id: claims.sub,
        name: claims.name,
        role,
        ...(claims.slackUserId ? { slackUserId: claims.slackUserId } : {}),
      },
      { csrf: claims.csrf, authTime: signedIn },
    );
    return c.json({
      expiresAt: expiresAt.toISOString(),
      signedInAt: new Date(signedIn * 1000).toISOString(),
      role,
    });
  });

  app.post("/auth/logout", (c) => {
    const secure = getAuth().secureCookies !== false;
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure });
    deleteCookie(c, CSRF_COOKIE, { path: "/", secure });
    return c.body(null, 204);
  });
}

function devSignInPage(people: { id: string; name: string }[]) {
  const options = people.map((p) => html`<option value="${p.id}">${p.name} (${p.id})</option>`);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Firebreak: dev sign-in</title>
        <style>
          body { font: 18px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
          label { display: block; margin-top: 1rem; }
          select, button { font-size: 1rem; padding: 0.4rem; }
          button { margin-top: 1.2rem; }
        </style>
      </head>
      <body>
        <h1>Sign in (local development)</h1>
        <p>Pick a person from the on-call directory and a role. This page exists only in the local runtime.</p>
        <form method="post" action="/auth/dev">
          <label for="person">Person</label>
          ${
            people.length
              ? html`<select id="person" name="person" required>${options}</select>`
              : html`<input id="person" name="person" required placeholder="person id" />`
          }
          <label for="role">Role</label>
          <select id="role" name="role">
            <option value="viewer">viewer (read)</option>
            <option value="responder" selected>responder (incident actions)</option>
            <option value="admin">admin (directory and tokens)</option>
          </select>
          <div><button type="submit">Sign in</button></div>
        </form>
      </body>
    </html>`;
}
