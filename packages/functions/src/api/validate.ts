import { issuesFromZod, ValidationError } from "@firebreak/core/shared/errors";
import * as z from "zod/mini";
import "@firebreak/core/shared/zod-locale";

/** Validates `input` with `schema`; a failure is a 400 naming each field path. */
export function parse<T extends z.core.$ZodType>(schema: T, input: unknown, where: string): z.output<T> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error.issues);
  throw new ValidationError(
    `invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues,
  );
}
