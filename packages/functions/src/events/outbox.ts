import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { publishStreamRecords } from "@firebreak/core/adapters/dynamodb/events/outbox";
import type { DeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { EventPublisher } from "@firebreak/core/events/publisher";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { createLogger } from "../lib/logger";

/** What the outbox needs: the app bus, and where records that can never be published go. */
export interface OutboxHandlerDeps {
  publisher: EventPublisher;
  deadLetters?: DeadLetterSink;
}

/**
 * The outbox: the table's stream (INSERTs of timeline items) → domain events on the app bus.
 * Answers with ReportBatchItemFailures: the first record whose event was not published, so
 * Lambda retries from there, in stream order. A record that can never be published goes to the
 * dead letters (OutboxDlq) with its reason, and the stream moves on.
 */
export function createOutboxHandler(
  getDeps: () => OutboxHandlerDeps,
  logger: Logger = createLogger("outbox"),
) {
  return middy(async (event: DynamoDBStreamEvent, _context: Context): Promise<DynamoDBBatchResponse> => {
    const { publisher, deadLetters } = getDeps();
    return publishStreamRecords(event.Records, publisher, {
      log: logger,
      ...(deadLetters ? { deadLetters } : {}),
    });
  }).use(injectLambdaContext(logger));
}
