/**
 * The shape every timeline entry has, checked where entries are written (storage: `timelineItem`)
 * and where they are read back as domain events (the outbox). One schema for both, so an entry that
 * reaches the table can always be published: a request that would store a malformed entry fails at
 * its edge, and never stalls the outbox behind it.
 */

import { issuesFromZod, ValidationError } from "@firebreak/core/shared/errors";
import * as z from "@firebreak/core/shared/zod";
import type { Actor } from "./model";
import type { TimelineEntry } from "./timeline";

const actorSchema = z.custom<Actor>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    "type" in value &&
    typeof value.type === "string" &&
    (value.type as string) !== "" &&
    "id" in value &&
    typeof value.id === "string" &&
    value.id !== "",
  { message: "expected an actor { type, id } with a non-empty id" },
);

/** The TimelineEntry fields of a timeline item; storage attributes (pk, sk, type) are stripped. */
export const timelineEntrySchema = z.object({
  id: z.string().check(z.minLength(1)),
  incidentId: z.string().check(z.minLength(1)),
  kind: z.string().check(z.minLength(1)),
  actor: actorSchema,
  at: z.string().check(z.minLength(1)),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** The entry, or a ValidationError naming each bad field (`where` says which entry). */
export function validTimelineEntry(value: unknown, where: string): TimelineEntry {
  const parsed = timelineEntrySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(`timeline entry ${where} is not valid`, issuesFromZod(parsed.error.issues));
}
