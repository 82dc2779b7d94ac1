/** The person path of `/api/people/{id}/…` (routes/people.ts; the OpenAPI document's too). */
import * as z from "@firebreak/core/shared/zod";

export const personPath = z.object({
  id: z
    .string()
    .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "expected a directory person id such as alice")),
});
