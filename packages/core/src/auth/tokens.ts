import { createHash } from "node:crypto";
import * as z from "@firebreak/core/shared/zod";
import type { Actor } from "../incident/model";
import { type AuthRole, authRoleSchema } from "./roles";

/**
 * API tokens for automation: `fbk_<id>_<secret>`. Only the SHA-256 of the whole token is stored
 * (item `APITOKEN` / `TOKEN#<id>`); the token itself is shown once, at creation. A token carries
 * one role, may be revoked (kept, marked `revokedAt`, for the audit trail) and records when it
 * was last used (at most once a minute, so reads stay cheap).
 */
export const TOKEN_PREFIX = "fbk_";
export const TOKEN_PATTERN = /^fbk_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;

export const createTokenInputSchema = z.object({
  name: z
    .string()
    .check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(100, "at most 100 characters")),
  role: authRoleSchema,
});
export type CreateTokenInput = z.input<typeof createTokenInputSchema>;

export interface ApiToken {
  id: string;
  name: string;
  role: AuthRole;
  /** Who the token acts as (timeline entries name it). */
  userId: string;
  createdAt: string;
  createdBy?: Actor;
  lastUsedAt?: string;
  revokedAt?: string;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
