/**
 * The outbox on the local runtime: the table's stream, filtered as the cloud's event source mapping
 * (OUTBOX.filter), polled into the same Outbox handler as on Lambda, which publishes to the
 * in-process bus; and what a restart of DynamoDB Local must redo for it.
 */
import { join } from "node:path";
import type { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { LocalDispatcher } from "@firebreak/core/events/dispatcher";
import type { Log } from "@firebreak/core/shared/log";
import { createOutboxHandler } from "@firebreak/functions/outbox";
import { OUTBOX } from "@firebreak/functions/wiring/topology";
import { lambdaContext } from "../apigw";
import { startStreamPoller } from "../stream-poller";
import type { RuntimeDynamo, Started } from "./stop";
import { ensureTable } from "./table";

/**
 * Starts the outbox's poller (recorded in `started`) and returns what a restart of DynamoDB Local
 * must redo. With a data folder, from a durable checkpoint (and from the oldest record without
 * one, as the cloud's mapping starts at TRIM_HORIZON), so a restart after a crash dispatches what
 * was committed but not yet dispatched. The in-process bus is not durable as EventBridge is: a
 * batch counts as published (and is checkpointed) only once its consumers have handled it, or a
 * kill -9 in between would lose its pages for good.
 */
export async function startOutbox(wiring: {
  dynamo: RuntimeDynamo;
  tableName: string;
  dataDir: string | null;
  bus: LocalDispatcher;
  deadLetters: MemoryDeadLetterSink;
  log: Log;
  started: Started;
}): Promise<() => Promise<void>> {
  const { dynamo, tableName, dataDir, bus, deadLetters, log, started } = wiring;
  const outbox = createOutboxHandler(() => ({
    publisher: { publish: (events) => bus.publishAndWait(events) },
    deadLetters,
  }));
  const startOutboxPoller = () =>
    startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      log,
      filter: OUTBOX.filter,
      ...(dataDir
        ? {
            checkpointFile: join(dataDir, `stream-checkpoint.${tableName}.json`),
            startingPosition: "TRIM_HORIZON" as const,
          }
        : {}),
      onRecords: (event) => outbox(event, lambdaContext("Outbox")),
    });
  started.poller = await startOutboxPoller();
  return async () => {
    // On disk, the table, its stream and the checkpoint survive: the poller reconnects by itself.
    // In memory, they are gone: a new table, and a poller on its new stream.
    await ensureTable(dynamo.endpoint, tableName, log);
    if (dataDir) return;
    await started.poller?.stop();
    started.poller = await startOutboxPoller();
  };
}
