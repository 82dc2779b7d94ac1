/**
 * What the local runtime has started, recorded as each part starts, and stopping it all in reverse
 * order: a failure during start stops what was started by the same path as `stop()`.
 */
import type { Server } from "node:http";
import type { LocalDispatcher } from "@firebreak/core/events/dispatcher";
import type { DynamoLocal } from "../dynamo-local";
import type { FakeS3 } from "../fake-s3";
import type { FakeSlack } from "../fake-slack";
import type { FakeSmsVoice } from "../fake-sms-voice";
import type { FakeSns } from "../fake-sns";
import type { StreamPoller } from "../stream-poller";

/** DynamoDB Local as the runtime holds it: only an endpoint when a test shares one. */
export type RuntimeDynamo = Pick<DynamoLocal, "endpoint"> & Partial<DynamoLocal>;

/** The parts started so far (each set as soon as it runs, so a failed start can stop it). */
export interface Started {
  server?: Server;
  /** The outbox's stream poller (replaced when an in-memory DynamoDB Local is restarted). */
  poller?: StreamPoller;
  fakeSlack?: FakeSlack;
  fakeSns?: FakeSns;
  fakeSmsVoice?: FakeSmsVoice;
  fakeS3?: FakeS3;
  /** The schedule's timers, in the order they were started. */
  timers: NodeJS.Timeout[];
}

/**
 * The runtime's `stop`: safe to call twice (the second call waits for the first). The supervisor
 * first, then the server, the poller, the bus, the timers, the fakes and DynamoDB Local.
 */
export function stopper(dynamo: RuntimeDynamo, bus: LocalDispatcher, started: Started): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => {
    // The supervisor first: a JVM that exits while everything stops is not restarted.
    dynamo.standDown?.();
    stopped ??= (async () => {
      const { server } = started;
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server?.closeAllConnections();
      await started.poller?.stop();
      await bus.drain();
      for (const timer of started.timers) clearInterval(timer);
      await started.fakeSlack?.stop();
      await started.fakeSns?.stop();
      await started.fakeSmsVoice?.stop();
      await started.fakeS3?.stop();
      await dynamo.stop?.();
    })();
    return stopped;
  };
}
