import { issuesFromZod, ValidationError } from "@firebreak/core/shared/errors";
import type * as z from "zod";

/** Validates `input` with `schema`; a failure is a 400 naming each field path. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, where: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error.issues);
  throw new ValidationError(
    `invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues,
  );
}
