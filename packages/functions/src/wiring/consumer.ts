/**
 * `defineConsumer`: an app-bus consumer's Lambda handler, from one handler per kind its rule lets
 * through (BUS_CONSUMERS in topology.ts: the kinds are written there once, and the type checker
 * holds the handlers to exactly them). Before a handler runs, the event is parsed against the
 * event catalog (core/events/catalog.ts): the envelope (event id, incident id) and the kind's
 * `data`. An event that does not parse throws a ValidationError naming each bad field, so Lambda
 * retries it and then its function's DLQ keeps it with the reason; nothing is dropped silently.
 * An event of a kind the consumer does not take (only a hand-made invoke) is logged and ignored.
 */

import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { EVENT_DATA, type EventData, type EventKind } from "@firebreak/core/events/catalog";
import type { BusEvent } from "@firebreak/core/events/dispatcher";
import { issuesFromZod, ValidationError } from "@firebreak/core/shared/errors";
import * as z from "@firebreak/core/shared/zod";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { createLogger } from "../lib/logger";
import { BUS_CONSUMERS, type BusConsumerName, type ConsumedKind } from "./topology";

/** A consumed event, parsed: its kind, ids, and its kind's data. */
export interface ConsumedEvent<K extends EventKind> {
  kind: K;
  /** The domain event's id (the timeline entry's): what redeliveries share. */
  id: string;
  incidentId: string;
  data: EventData<K>;
  raw: BusEvent;
}

/**
 * A handler per consumed kind, or `otherwise` for the kinds without their own: every kind the
 * consumer's rule lets through is handled (checked when the consumer is defined).
 */
export type ConsumerRoutes<N extends BusConsumerName, R> = {
  [K in ConsumedKind<N>]?: (event: ConsumedEvent<K>) => Promise<R>;
} & { otherwise?: (event: ConsumedEvent<ConsumedKind<N>>) => Promise<R> };

const envelope = z.object({
  detail: z.object({
    incidentId: z.string().check(z.minLength(1)),
    detail: z.object({ id: z.string().check(z.minLength(1)), data: z.record(z.string(), z.unknown()) }),
  }),
});

type Route<R> = (event: ConsumedEvent<EventKind>) => Promise<R>;

/** Parses a bus event as kind K: its envelope, then its data against the catalog. */
export function parseConsumed<K extends EventKind>(kind: K, event: BusEvent): ConsumedEvent<K> {
  const outer = envelope.safeParse(event);
  if (!outer.success)
    throw new ValidationError(
      `${kind} event ${event?.id} is not a domain event`,
      issuesFromZod(outer.error.issues),
    );
  const { incidentId, detail } = outer.data.detail;
  const schema = (EVENT_DATA as Partial<Record<EventKind, z.ZodMiniType>>)[kind];
  const data = schema ? schema.safeParse(detail.data) : { success: true as const, data: detail.data };
  if (!data.success)
    throw new ValidationError(
      `${kind} event ${event.id} lacks what its kind carries`,
      issuesFromZod(data.error.issues, "detail.detail.data"),
    );
  return { kind, id: detail.id, incidentId, data: data.data as EventData<K>, raw: event };
}

/** The consumer's service name in its logs: `PostmortemExport` → `postmortem-export`. */
const serviceName = (name: string) => name.replace(/(?<=[a-z])(?=[A-Z])/g, "-").toLowerCase();

/** The Lambda handler of the consumer `name`: each event parsed, then routed by its kind. */
export function defineConsumer<N extends BusConsumerName, R>(
  name: N,
  routes: (logger: Logger) => ConsumerRoutes<N, R>,
  logger: Logger = createLogger(serviceName(name)),
) {
  const kinds: readonly string[] = BUS_CONSUMERS[name].pattern["detail-type"];
  const { otherwise, ...own } = routes(logger) as Record<string, Route<R> | undefined>;
  const byKind = new Map(kinds.map((kind) => [kind, own[kind] ?? otherwise]));
  const unhandled = kinds.filter((kind) => !byKind.get(kind));
  const strays = Object.keys(own).filter((kind) => !kinds.includes(kind));
  if (unhandled.length > 0 || strays.length > 0)
    throw new Error(
      `${name}: ${[...unhandled.map((k) => `${k} has no handler`), ...strays.map((k) => `${k} is not in its rule`)].join("; ")}`,
    );
  return middy(async (event: BusEvent, _context: Context): Promise<R | { status: "ignored" }> => {
    const kind = event?.["detail-type"];
    if (!kinds.includes(kind)) {
      logger.info(`event ignored: ${name} does not consume it`, { type: kind });
      return { status: "ignored" };
    }
    return byKind.get(kind)!(parseConsumed(kind as EventKind, event));
  }).use(injectLambdaContext(logger));
}
