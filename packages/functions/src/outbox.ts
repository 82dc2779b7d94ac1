import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { EventBridgePublisher } from "@firebreak/core/events/eventbridge";
import { publishStreamRecords } from "@firebreak/core/events/outbox";
import type { EventPublisher } from "@firebreak/core/events/publisher";
import { FirebreakError } from "@firebreak/core/shared/errors";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { Resource } from "sst";
import { createLogger } from "./lib/logger";

/**
 * outbox: the table's stream (INSERTs of timeline items) → domain events on the app bus.
 * Answers with ReportBatchItemFailures: the first record whose event was not published, so
 * Lambda retries from there, in stream order.
 */
export function createOutboxHandler(
  getPublisher: () => EventPublisher,
  logger: Logger = createLogger("outbox"),
) {
  return middy(
    async (event: DynamoDBStreamEvent, _context: Context): Promise<DynamoDBBatchResponse> =>
      publishStreamRecords(event.Records, getPublisher(), logger),
  ).use(injectLambdaContext(logger));
}

/** The linked bus (`Resource.Bus.name`), else env FIREBREAK_BUS_NAME; read on first use, not at import. */
export function busName(env: Record<string, string | undefined> = process.env): string {
  const name = linkedBusName() ?? env.FIREBREAK_BUS_NAME;
  if (!name) {
    throw new FirebreakError(
      "config_missing",
      "no event bus: link the Bus resource (Resource.Bus) or set FIREBREAK_BUS_NAME",
    );
  }
  return name;
}

function linkedBusName(): string | undefined {
  const resources: object = Resource;
  if (!("Bus" in resources)) return undefined;
  const bus = resources.Bus;
  return typeof bus === "object" && bus !== null && "name" in bus && typeof bus.name === "string"
    ? bus.name
    : undefined;
}

let publisher: EventPublisher | undefined;
function defaultPublisher(): EventPublisher {
  publisher ??= new EventBridgePublisher({ busName: busName() });
  return publisher;
}

export const handler = createOutboxHandler(defaultPublisher);
