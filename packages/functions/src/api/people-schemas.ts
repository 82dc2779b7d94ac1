/** Request and response shapes of a person's notification rules (routes/people.ts, OpenAPI). */
import { notifyRulesEditSchema } from "@firebreak/core/oncall/notify-actions";
import { CONTACT_METHODS } from "@firebreak/core/oncall/notify-rules";
import * as z from "@firebreak/core/shared/zod";

export const personPath = z.object({
  id: z
    .string()
    .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "expected a directory person id such as alice")),
});

export const notifyRulesBody = notifyRulesEditSchema;

const step = z.object({ method: z.enum(CONTACT_METHODS), delayMinutes: z.number() });
export const notifyRulesResponse = z.object({
  personId: z.string(),
  name: z.string(),
  rules: z.object({ high: z.array(step), low: z.array(step) }),
  source: z.enum(["personal", "directory", "default"]),
  summary: z.object({ high: z.string(), low: z.string() }),
  reachable: z.object({ slack: z.boolean(), phone: z.boolean() }),
  updatedAt: z.optional(z.string()),
  updatedBy: z.optional(z.object({ type: z.string(), id: z.string(), name: z.optional(z.string()) })),
});
