/** The person path of `/api/people/{id}/…` (routes/people.ts; the OpenAPI document's too). */
import * as z from "@firebreak/core/shared/zod";

export const personPath = z.object({
  id: z
    .string()
    .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "expected a directory person id such as alice")),
});

/** `/api/people/{id}/contact-methods/{method}/…`: the person and one of their contact methods. */
export const contactMethodPath = z.object({
  id: personPath.shape.id,
  method: z.enum(["slack", "sms", "voice"], {
    error: "expected a contact method: slack, sms, voice (e-mail is not a paging method)",
  }),
});

/** The code of a test message, six digits (spaces and dashes between them are fine). */
export const verificationCodeBody = z.strictObject({
  code: z
    .string({ error: "expected the six-digit code of the test message" })
    .check(z.regex(/^\s*\d{3}[\s-]?\d{3}\s*$/, "expected the six-digit code of the test message")),
});
