import { randomBytes, timingSafeEqual } from "node:crypto";
import * as z from "@firebreak/core/shared/zod";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { UnauthenticatedError } from "./errors";
import { authRoleSchema } from "./roles";

/** The signed-in user, as carried by the session JWT (cookie `fb_session`). */
export const sessionClaimsSchema = z.object({
  sub: z.string().check(z.minLength(1), z.maxLength(256)),
  name: z.string().check(z.maxLength(200)),
  role: authRoleSchema,
  slackUserId: z.optional(z.string().check(z.maxLength(64))),
  csrf: z.string().check(z.minLength(16), z.maxLength(128)),
  /** When the person signed in (seconds): a refreshed session keeps it, and ends MAX_SESSION_SECONDS after it. */
  auth_time: z.optional(z.number()),
  /** Issued and expires (seconds), as in the JWT. */
  iat: z.optional(z.number()),
  exp: z.optional(z.number()),
});
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;

export const SESSION_COOKIE = "fb_session";
export const CSRF_COOKIE = "fb_csrf";
export const CSRF_HEADER = "x-csrf-token";
export const DEFAULT_SESSION_TTL_SECONDS = 12 * 3600;
/** However often it is refreshed, a session ends this long after the sign-in (then sign in again). */
export const MAX_SESSION_SECONDS = 7 * 24 * 3600;
const ISSUER = "firebreak";
const AUDIENCE = "firebreak-dashboard";

/** The HS256 key: at least 32 characters of secret (SessionKey secret, or the local data dir's key). */
export function sessionKeyBytes(secret: string): Uint8Array {
  if (secret.length < 32) throw new Error("the session key must be at least 32 characters");
  return new TextEncoder().encode(secret);
}

export function newSessionSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function newCsrfToken(): string {
  return randomBytes(24).toString("base64url");
}

export async function issueSession(
  secret: string,
  claims: Omit<SessionClaims, "csrf" | "iat" | "exp"> & { csrf?: string },
  options: { ttlSeconds?: number; now?: Date } = {},
): Promise<{ token: string; claims: SessionClaims; expiresAt: Date }> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const authTime = claims.auth_time ?? now;
  // Never past the sign-in's own end: a refresh near it gets only the time that is left.
  const exp = Math.min(
    now + (options.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS),
    authTime + MAX_SESSION_SECONDS,
  );
  const full: SessionClaims = sessionClaimsSchema.parse({
    ...claims,
    csrf: claims.csrf ?? newCsrfToken(),
    auth_time: authTime,
    iat: now,
    exp,
  });
  const { sub, iat: _iat, exp: _exp, ...rest } = full;
  const token = await new SignJWT(rest)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(sessionKeyBytes(secret));
  return { token, claims: full, expiresAt: new Date(exp * 1000) };
}

/** Verifies signature, issuer, audience and expiry. Any failure is a 401, never a 500. */
export async function verifySession(secret: string, token: string, now?: Date): Promise<SessionClaims> {
  try {
    const { payload } = await jwtVerify(token, sessionKeyBytes(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
      ...(now ? { currentDate: now } : {}),
    });
    const parsed = sessionClaimsSchema.safeParse(payload);
    if (!parsed.success) throw new UnauthenticatedError("the session is not valid: sign in again");
    return parsed.data;
  } catch (error) {
    if (error instanceof UnauthenticatedError) throw error;
    if (error instanceof joseErrors.JWTExpired)
      throw new UnauthenticatedError("the session has expired: sign in again");
    throw new UnauthenticatedError("the session is not valid: sign in again");
  }
}

/** Constant-time comparison of the CSRF header with the session's `csrf` claim. */
export function csrfMatches(expected: string, received: string | undefined): boolean {
  if (!received) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}
