import { issuesFromZod, type ValidationIssue } from "@firebreak/core/shared/errors";
import { JsonBoundsError, MAX_JSON_DEPTH, parseBoundedJson } from "@firebreak/core/shared/json";
import * as z from "zod";

/**
 * The body of `POST /events` (the default bus's PutEvents, locally): one EventBridge event as JSON,
 * nested at most `MAX_JSON_DEPTH` (64) levels (checked before parsing, so nothing downstream ever
 * recurses into a deeper value). Everything else is a 400 saying what is wrong; never a throw.
 */

export const envelopeSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().min(1, "must not be empty"),
  source: z.string().min(1, "must not be empty"),
  "detail-type": z.string().min(1, "must not be empty"),
  account: z.string().optional(),
  region: z.string().optional(),
  time: z.string().optional(),
  detail: z.record(z.string(), z.unknown(), { message: "expected an object" }),
});
export type EventEnvelope = z.infer<typeof envelopeSchema>;

export type EventBody =
  | { ok: true; event: unknown; envelope: EventEnvelope }
  | { ok: false; status: 400; title: string; detail: string; issues?: ValidationIssue[] };

export function readEventBody(body: Buffer | string): EventBody {
  let event: unknown;
  try {
    event = parseBoundedJson(typeof body === "string" ? body : body.toString("utf8"));
  } catch (error) {
    const tooDeep = error instanceof JsonBoundsError && error.reason === "too_deep";
    return {
      ok: false,
      status: 400,
      title: tooDeep ? "Body nested too deeply" : "Body is not JSON",
      detail: tooDeep
        ? `POST /events takes one EventBridge event, nested at most ${MAX_JSON_DEPTH} levels deep`
        : `POST /events takes one EventBridge event as JSON: ${(error as Error).message}`,
    };
  }
  const envelope = envelopeSchema.safeParse(event);
  if (!envelope.success) {
    const issues = issuesFromZod(envelope.error.issues);
    return {
      ok: false,
      status: 400,
      title: "Not an EventBridge event",
      detail: `POST /events takes one EventBridge event: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    };
  }
  return { ok: true, event, envelope: envelope.data };
}
