/**
 * The request schemas that every API function's shared code needs (the incident path, sign-in)
 * and the directory writes' own: apart from schemas.ts so that a small function does not bundle
 * every schema of the API (zod schemas are built at load, so nothing of an imported module is
 * dropped). schemas.ts re-exports them.
 */
import { AUTH_ROLES } from "@firebreak/core/auth/roles";
import { overrideRequestSchema } from "@firebreak/core/oncall/override-requests";
import * as z from "@firebreak/core/shared/zod";

export const INCIDENT_ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** INC-<n>, as every message people see names an incident (case-insensitive). */
export const INCIDENT_KEY = /^INC-([1-9]\d{0,8})$/i;

/** An incident's id (a ULID), or its key INC-<n>: both address the same incident. */
export const incidentPath = z.object({
  id: z.string().check(
    z.refine((v) => INCIDENT_ULID.test(v) || INCIDENT_KEY.test(v), {
      message: "expected an incident id (26 characters, a ULID) or its key INC-<n>",
    }),
  ),
});

export const devSignInBody = z.object({
  person: z.string().check(z.trim(), z.minLength(1, "pick a person"), z.maxLength(128)),
  role: z.enum(AUTH_ROLES, { message: "expected viewer, responder or admin" }),
});

export const slackCallbackQuery = z.object({
  code: z.string().check(z.minLength(1), z.maxLength(2048)),
  state: z.string().check(z.minLength(1), z.maxLength(256)),
});

export const overrideBody = overrideRequestSchema;
export const overridePath = z.object({
  id: z.string().check(z.regex(/^OV-\d{1,9}$/i, "expected an override id: OV-<n>")),
});

export const directoryDocument = z.record(z.string(), z.unknown(), {
  message: "expected a directory document",
});
