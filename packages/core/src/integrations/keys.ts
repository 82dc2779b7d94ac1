import { createHash } from "node:crypto";
import * as z from "@firebreak/core/shared/zod";
import type { Actor } from "../incident/model";

/**
 * Integration keys: what authenticates a sender at an alert endpoint (core/integrations), and what
 * it maps to: the service and the team its alerts belong to, unless an alert names its own.
 *
 * A key is 32 lowercase hex characters (128 random bits), the shape of a PagerDuty routing key, so
 * a sender's existing configuration takes it unchanged. Only its SHA-256 is stored (item
 * `INTEGRATION` / `KEY#<sha256>`), and the key is shown once, at creation. A key works at its own
 * format's endpoint only. Revoked keys are kept (with `revokedAt`) for the audit trail and stop
 * working at once.
 */
export const INTEGRATION_FORMATS = ["alertmanager", "pagerduty", "opsgenie", "sns"] as const;
export type IntegrationFormat = (typeof INTEGRATION_FORMATS)[number];

/** Where each format's sender posts (the path on the API's URL). */
export const INTEGRATION_PATHS: Record<IntegrationFormat, string> = {
  alertmanager: "/integrations/alertmanager",
  pagerduty: "/v2/enqueue",
  opsgenie: "/v2/alerts",
  // An SNS subscription cannot send headers: the key is the last path segment.
  sns: "/integrations/sns",
};

export const KEY_PATTERN = /^[0-9a-f]{32}$/;
const NAME_PATTERN = /^[a-z0-9._-]+$/;

const slug = (what: string) =>
  z
    .string()
    .check(
      z.trim(),
      z.toLowerCase(),
      z.minLength(1, "must not be empty"),
      z.maxLength(64, "at most 64 characters"),
      z.regex(NAME_PATTERN, `a ${what} is made of a-z, 0-9, ".", "_" and "-"`),
    );

export const createIntegrationInputSchema = z.object({
  name: z
    .string()
    .check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(100, "at most 100 characters")),
  format: z.enum(INTEGRATION_FORMATS, {
    error: () => `expected one of ${INTEGRATION_FORMATS.join(", ")}`,
  }),
  /** The service of its alerts when an alert names none (a label, tag or field of its own wins). */
  service: z.optional(slug("service")),
  /** The owning team (a directory team id) when an alert names none. */
  team: z.optional(slug("team id")),
});
export type CreateIntegrationInput = z.input<typeof createIntegrationInputSchema>;

export interface IntegrationKey {
  id: string;
  name: string;
  format: IntegrationFormat;
  service?: string;
  team?: string;
  createdAt: string;
  createdBy?: Actor;
  lastUsedAt?: string;
  revokedAt?: string;
}

export function hashIntegrationKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** What the alert endpoints need of the keys (IntegrationKeyStore; a fake in unit tests). */
export interface IntegrationKeys {
  verify(key: string, format: IntegrationFormat): Promise<IntegrationKey | undefined>;
}
