/**
 * Request schemas of the action-item routes (api/routes/action-items.ts), apart from schemas.ts so
 * that only the ApiActionItems and ApiDocs bundles carry them.
 */
import * as z from "@firebreak/core/shared/zod";

/** GET /api/risk (api/routes/action-items.ts). */
export const riskQuery = z.object({
  service: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(128))),
});

/** `Idempotency-Key` of POST /api/incidents/{id}/action-items: printable ASCII, 1–200 characters. */
export const idempotencyKeySchema = z
  .string()
  .check(z.regex(/^[\x21-\x7e]{1,200}$/, "expected 1-200 printable ASCII characters without spaces"));
