import { createOutboxHandler, type OutboxHandlerDeps } from "./events/outbox";
import { awsOutboxDeps } from "./lib/outbox-resources";

export { busName } from "./lib/outbox-resources";
export { createOutboxHandler, type OutboxHandlerDeps };

/** Outbox (infra/events.ts, on the table's stream): events/outbox.ts on Lambda's app bus and OutboxDlq. */
export const handler = createOutboxHandler(awsOutboxDeps);
