import { issuesFromZod, ValidationError } from "./errors";
import * as z from "./zod";

/**
 * Parses `input` with a zod schema (zod/mini or classic), or throws a ValidationError whose message
 * and issues name each bad field: `invalid <what>: <path>: <message>; …`.
 */
export function validate<T extends z.core.$ZodType>(schema: T, input: unknown, what = "input"): z.output<T> {
  const parsed = z.safeParse(schema, input);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error.issues);
  throw new ValidationError(
    `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues,
  );
}

/**
 * A string schema whose value is `convert(value)`; when that is undefined, the input is refused with
 * `message(value)` (for values checked and normalised by one function, such as timestamps or ARNs).
 */
export function convertedString<T>(
  convert: (value: string) => T | undefined,
  message: (value: string) => string,
  base: z.ZodMiniString<string> = z.string(),
) {
  return z.pipe(
    base,
    z.transform((value: string, ctx) => {
      const converted = convert(value);
      if (converted !== undefined) return converted;
      ctx.issues.push({ code: "custom", input: value, message: message(value) });
      return z.NEVER;
    }),
  );
}
