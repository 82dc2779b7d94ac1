/**
 * Events: alarm ingestion, the app bus and the outbox.
 * - Bus "Bus": the app's own EventBridge bus; domain events are published there.
 * - Queue "AlarmIngestDlq" (14 days): on-failure destination of AlarmIngest's async invocations;
 *   the handler also sends malformed events there itself (it is linked, `Resource.AlarmIngestDlq.url`).
 * - Function "AlarmIngest" (packages/functions/src/alarm-ingest.handler): linked to Table and the
 *   DLQ, 2 async retries. Invoked by:
 *   - a rule on the account's *default* bus, matching exactly `ALARM_RULE_PATTERN` (shared with
 *     the local runtime through packages/core/src/alarm/rule.ts);
 *   - SnsTopic "AlarmTopic", for classic alarm notifications (point alarm actions at it).
 * - Function "MaintenanceRelease" (packages/functions/src/maintenance.handler), run by Cron
 *   "MaintenanceCron" every minute: releases the alarms held by maintenance windows that ended.
 * - Outbox: the Table's stream, filtered to `OUTBOX_FILTER` (INSERTs of timeline items `TL#…`),
 *   drives packages/functions/src/outbox.handler (linked to Bus), which reports partial batch
 *   failures, and sends a record that can never be published (not a valid timeline entry) to
 *   OutboxDlq itself, with its reason, so the stream moves on (FIREBREAK_OUTBOX_DLQ_URL). A batch that still fails after the retries is recorded in Queue "OutboxDlq" (14 days),
 *   the mapping's on-failure destination: the message names the shard and sequence-number range
 *   (not the items; those stay in the table, the source of truth, for a replay).
 */
import { INGEST_SETTING_NAMES } from "../packages/core/src/shared/config";
import {
  ALARM_INGEST,
  MAINTENANCE,
  OUTBOX,
  TIMELINE_SK_PREFIX,
} from "../packages/functions/src/wiring/topology";
import { functionSettings } from "./config";
import { table } from "./storage";

export const ALARM_RULE_PATTERN = ALARM_INGEST.pattern;
export { TIMELINE_SK_PREFIX };

/** 14 days, the SQS maximum: the retention of both dead-letter queues. */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/** Lambda event filter on the table stream: only new timeline entries reach the outbox. */
export const OUTBOX_FILTER = OUTBOX.filter;

export const HANDLERS = {
  alarmIngest: ALARM_INGEST.handler,
  maintenance: MAINTENANCE.handler,
  outbox: OUTBOX.handler,
};

export const bus = new sst.aws.Bus("Bus");

export const alarmIngestDlq = new sst.aws.Queue("AlarmIngestDlq", {
  transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS } },
});

export const alarmIngest = new sst.aws.Function("AlarmIngest", {
  handler: HANDLERS.alarmIngest,
  link: [table, alarmIngestDlq],
  // FIREBREAK_AUTO_RESOLVE_ON_OK, FIREBREAK_IGNORE_AUTOSCALING, FIREBREAK_TAG_*, …: as set for the deploy.
  environment: functionSettings(INGEST_SETTING_NAMES),
  retries: 2,
  transform: {
    eventInvokeConfig: {
      destinationConfig: { onFailure: { destination: alarmIngestDlq.arn } },
    },
  },
});

/**
 * The maintenance release: every minute, the held alarms of maintenance windows that ended go
 * through the ingest (core/maintenance/release.ts). The same links and settings as AlarmIngest;
 * a failed sweep goes to AlarmIngestDlq (the next minute's sweep tries the window again).
 */
export const maintenanceRelease = new sst.aws.Function("MaintenanceRelease", {
  handler: HANDLERS.maintenance,
  link: [table, alarmIngestDlq],
  environment: functionSettings(INGEST_SETTING_NAMES),
  retries: 0,
  timeout: "55 seconds",
  transform: {
    eventInvokeConfig: {
      destinationConfig: { onFailure: { destination: alarmIngestDlq.arn } },
    },
  },
});

export const maintenanceCron = new sst.aws.Cron("MaintenanceCron", {
  function: maintenanceRelease.arn,
  schedule: MAINTENANCE.schedule,
});

export const defaultBus = sst.aws.Bus.get("DefaultBus", "default");

export const alarmRule = defaultBus.subscribe("AlarmIngest", alarmIngest, {
  pattern: {
    source: [...ALARM_RULE_PATTERN.source],
    detailType: [...ALARM_RULE_PATTERN["detail-type"]],
  },
});

export const alarmTopic = new sst.aws.SnsTopic("AlarmTopic");

export const alarmTopicSubscription = alarmTopic.subscribe("AlarmIngest", alarmIngest.arn);

export const outboxDlq = new sst.aws.Queue("OutboxDlq", {
  transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS } },
});

export const outbox = table.subscribe(
  "Outbox",
  {
    handler: HANDLERS.outbox,
    link: [bus],
    // The event source mapping writes to its on-failure destination with the function's role, and
    // the handler itself sends there each record that can never be published (poison), with why.
    permissions: [{ actions: ["sqs:SendMessage"], resources: [outboxDlq.arn] }],
    environment: { FIREBREAK_OUTBOX_DLQ_URL: outboxDlq.url },
  },
  {
    filters: [OUTBOX_FILTER],
    transform: {
      eventSourceMapping: {
        destinationConfig: { onFailure: { destinationArn: outboxDlq.arn } },
        maximumRetryAttempts: 5,
        bisectBatchOnFunctionError: true,
        // From the oldest record: a mapping (re)created after a commit still publishes its event.
        startingPosition: "TRIM_HORIZON",
        functionResponseTypes: ["ReportBatchItemFailures"],
      },
    },
  },
);

export const outputs = {
  bus: bus.name,
  alarmTopic: alarmTopic.arn,
  alarmIngestDlq: alarmIngestDlq.url,
  outboxDlq: outboxDlq.url,
};
