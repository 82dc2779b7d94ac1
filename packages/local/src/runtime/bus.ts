/**
 * The app bus's consumers: the same handlers as the cloud's, subscribed to the in-process bus with
 * the same patterns as the cloud's rules (BUS_CONSUMERS; an optional one only with its setting, as
 * infra does), and every event printed as it passes.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { BusEvent, LocalDispatcher } from "@firebreak/core/events/dispatcher";
import type { PagingReplyDeps } from "@firebreak/core/paging/service";
import type { Log } from "@firebreak/core/shared/log";
import { createActionItemSyncHandler } from "@firebreak/functions/action-item-sync";
import { createPagerHandler } from "@firebreak/functions/pager";
import { createPostmortemHandler } from "@firebreak/functions/postmortem";
import { createPostmortemExportHandler } from "@firebreak/functions/postmortem-export";
import { createSlackWorkerHandler } from "@firebreak/functions/slack-worker";
import { createTestSenderHandler } from "@firebreak/functions/test-sender";
import { actionItemSyncDeps } from "@firebreak/functions/wiring/action-items";
import type { Platform } from "@firebreak/functions/wiring/platform";
import { postmortemDeps } from "@firebreak/functions/wiring/postmortem";
import { exportDeps } from "@firebreak/functions/wiring/postmortem-export";
import { slackWorkerDeps } from "@firebreak/functions/wiring/slack";
import { activeBusConsumers, type BusConsumerName } from "@firebreak/functions/wiring/topology";
import { lambdaContext } from "../apigw";

/** Subscribes each active consumer's handler to the bus, and taps the bus to print its events. */
export function subscribeBusConsumers(wiring: {
  bus: LocalDispatcher;
  platform: Platform;
  settings: Readonly<Record<string, string | undefined>>;
  pagingOf: () => PagingReplyDeps;
  /** The postmortem export's S3 client (only with FIREBREAK_POSTMORTEM_BUCKET). */
  s3: S3Client | undefined;
  log: Log;
}): void {
  const { bus, platform, settings, pagingOf, s3, log } = wiring;
  const pager = createPagerHandler(pagingOf);
  const testSender = createTestSenderHandler(pagingOf);
  const slackWorker = createSlackWorkerHandler(() => slackWorkerDeps(platform));
  const postmortem = createPostmortemHandler(() => postmortemDeps(platform));
  const exporter = createPostmortemExportHandler(() => {
    if (!s3) throw new Error("FIREBREAK_POSTMORTEM_BUCKET is not set");
    return exportDeps(platform, s3);
  });
  const actionItemSync = createActionItemSyncHandler(() => actionItemSyncDeps(platform));
  const consumers: Record<BusConsumerName, (event: BusEvent) => Promise<unknown>> = {
    Pager: (event) => pager(event, lambdaContext("Pager")),
    TestSender: (event) => testSender(event, lambdaContext("TestSender")),
    ActionItemSync: (event) => actionItemSync(event, lambdaContext("ActionItemSync")),
    SlackWorker: (event) => slackWorker(event, lambdaContext("SlackWorker")),
    Postmortem: (event) => postmortem(event, lambdaContext("Postmortem")),
    PostmortemExport: async (event) => {
      const result = await exporter(event, lambdaContext("PostmortemExport"));
      if (result.status === "exported")
        log.info(
          `postmortem exported to the local fake S3: ${result.keys
            .map((k) => `s3://${settings.FIREBREAK_POSTMORTEM_BUCKET}/${k}`)
            .join(", ")}`,
        );
      return result;
    },
  };
  for (const [name, consumer] of activeBusConsumers(settings)) {
    const handle = consumers[name];
    bus.subscribe(name, consumer.pattern, async (event) => {
      await handle(event);
    });
  }
  bus.tap((event) => log.info(`event ${event["detail-type"]}: ${event.detail.detail.summary}`));
}
