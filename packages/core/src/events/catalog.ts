/**
 * The event catalog: every detail-type Firebreak puts on its app bus (source `firebreak`), and,
 * for each kind a consumer reads fields from, the schema of its `data`. Consumers are defined by
 * it (functions/src/wiring/consumer.ts `defineConsumer`): an event is parsed against its kind's
 * schema before its handler runs, so a handler gets typed data or never runs.
 *
 * The kinds are the timeline's (each timeline entry becomes one event, incident/timeline.ts) and
 * the events published without an entry: the Slack work of the slash commands
 * (functions/slack/work.ts), and the hourly coverage and error-budget news.
 */

import * as z from "@firebreak/core/shared/zod";
import { TIMELINE_KINDS } from "../incident/timeline";

export const EVENT_KINDS = [
  ...TIMELINE_KINDS,
  "slack.incident_declared",
  "slack.role_assigned",
  "oncall.coverage_gaps_found",
  "slo.budget_thresholds_crossed",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

const id = z.string().check(z.minLength(1));

/** The `data` each consumed kind must carry (other fields may be present, and pass through). */
export const EVENT_DATA = {
  "incident.status_changed": z.object({ to: id }),
  "oncall.verification_requested": z.object({
    personId: id,
    method: z.enum(["slack", "sms", "voice"]),
    requestId: id,
  }),
  "page.test_requested": z.object({ testPageId: id }),
  "postmortem.drafted": z.object({ version: z.number().check(z.int(), z.positive()) }),
  "action_item.created": z.object({ actionItemId: id }),
} as const satisfies { [K in EventKind]?: z.ZodMiniType };

/** The data of an event of kind K: its schema's output, or an open record for a kind without one. */
export type EventData<K extends EventKind> = K extends keyof typeof EVENT_DATA
  ? z.infer<(typeof EVENT_DATA)[K]>
  : Record<string, unknown>;
