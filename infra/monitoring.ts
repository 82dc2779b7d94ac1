/**
 * Self-monitoring: CloudWatch alarms on Firebreak itself. Imported last by sst.config.ts, it alarms
 * on every function and queue in `registry` (infra/defaults.ts), whichever infra file created them:
 *
 * - every function: Errors (2 of the last 3 five-minute periods with an error) and Throttles;
 * - every dead-letter queue (a queue whose name ends in "Dlq"): a message is visible;
 * - every other queue: its oldest message is older than 15 minutes (a stuck consumer);
 * - the HTTP API: 5xx answers in 2 of the last 3 five-minute periods;
 * - the outbox: its stream's IteratorAge over a minute (stored incidents not yet paged), what the
 *   local runtime's GET /health reports as the stream poller's lag.
 *
 * Each alarm reaches people two ways. Its state changes go to the account's default bus like any
 * alarm's, so Firebreak opens an incident for its own owners: the description carries the
 * `severity:` and `service:` lines of the alarm naming convention (README), and the name follows
 * the `sevN/service/…` form too. And because a broken Firebreak cannot page about itself, every
 * alarm also notifies the plain SNS topic "OpsAlerts", with an email subscription per address in
 * FIREBREAK_OPS_EMAIL (each address must confirm the subscription email once).
 */
import { api } from "./api";
import { config } from "./config";
import { registry } from "./defaults";
import { outbox } from "./events";

export type Severity = "sev1" | "sev2" | "sev3" | "sev4" | "sev5";

/** A queue is a dead-letter queue when its component name ends in "Dlq" (e.g. "OutboxDlq"). */
export const DLQ_NAME = /Dlq$/;

/** Severity of a function's error alarm; the default is sev2. */
export const ERROR_SEVERITY: Record<string, Severity> = {
  // No alarm becomes an incident while ingestion fails.
  AlarmIngest: "sev1",
};

const FIVE_MINUTES = 300;

export const opsTopic = new sst.aws.SnsTopic("OpsAlerts");

export const opsEmailSubscriptions = config.opsEmails.map(
  (email, i) =>
    new aws.sns.TopicSubscription(`OpsAlertsEmail${i + 1}`, {
      topic: opsTopic.arn,
      protocol: "email",
      endpoint: email,
    }),
);

/** The description Firebreak's alarm classifier reads (README, "Alarm naming convention"). */
export function alarmDescription(severity: Severity, summary: string): string {
  return [`severity: ${severity}`, `service: ${config.selfService}`, summary].join("\n");
}

/** `sev2/firebreak/firebreak-production-AlarmIngest-errors`: unique per account, region and stage. */
export function alarmName(severity: Severity, subject: string, what: string): string {
  return `${severity}/${config.selfService}/${$app.name}-${$app.stage}-${subject}-${what}`;
}

interface AlarmSpec {
  subject: string;
  what: string;
  severity: Severity;
  summary: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, $util.Input<string>>;
  statistic: "Sum" | "Maximum";
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

function alarm(spec: AlarmSpec): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    `${spec.subject}${spec.what[0]?.toUpperCase()}${spec.what.slice(1)}Alarm`,
    {
      name: alarmName(spec.severity, spec.subject, spec.what),
      alarmDescription: alarmDescription(spec.severity, spec.summary),
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: spec.dimensions,
      statistic: spec.statistic,
      period: FIVE_MINUTES,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      threshold: spec.threshold,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [opsTopic.arn],
      okActions: [opsTopic.arn],
    },
  );
}

/** Errors and throttles of one function. */
function functionAlarms(name: string, fn: sst.aws.Function) {
  return [
    alarm({
      subject: name,
      what: "errors",
      severity: ERROR_SEVERITY[name] ?? "sev2",
      summary: `Firebreak function ${name} (stage ${$app.stage}) failed invocations in 2 of the last 3 five-minute periods. Its logs: /aws/lambda/<function name>; failed async events are in its dead-letter queue.`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: fn.name },
      statistic: "Sum",
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    }),
    alarm({
      subject: name,
      what: "throttles",
      severity: "sev3",
      summary: `Firebreak function ${name} (stage ${$app.stage}) was throttled: its reserved concurrency or the account's concurrency limit is exhausted. Async events wait and are retried; API requests fail.`,
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: { FunctionName: fn.name },
      statistic: "Sum",
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    }),
  ];
}

/** Depth of a dead-letter queue, or age of the oldest message of any other queue. */
function queueAlarm(name: string, queue: sst.aws.Queue) {
  return DLQ_NAME.test(name)
    ? alarm({
        subject: name,
        what: "depth",
        severity: "sev2",
        summary: `Dead-letter queue ${name} (stage ${$app.stage}) holds a message: an event Firebreak could not process after its retries. Inspect it, fix the cause, then redrive it (docs/deploy.md, Troubleshooting).`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.nodes.queue.name },
        statistic: "Maximum",
        threshold: 1,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      })
    : alarm({
        subject: name,
        what: "age",
        severity: "sev3",
        summary: `Queue ${name} (stage ${$app.stage}) has a message older than 15 minutes: its consumer is failing or stopped.`,
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: queue.nodes.queue.name },
        statistic: "Maximum",
        threshold: 15 * 60,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      });
}

// Every function and queue, including those created after this module runs (see Registry).
registry.functions.each(({ name, resource }) => functionAlarms(name, resource));
registry.queues.each(({ name, resource }) => queueAlarm(name, resource));

export const api5xxAlarm = alarm({
  subject: "Api",
  what: "5xx",
  severity: "sev2",
  summary: `Firebreak's HTTP API (stage ${$app.stage}) answered 5xx in 2 of the last 3 five-minute periods: the dashboard and Slack commands may be failing.`,
  namespace: "AWS/ApiGateway",
  metricName: "5xx",
  dimensions: { ApiId: api.nodes.api.id, Stage: "$default" },
  statistic: "Sum",
  threshold: 1,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
});

/** IteratorAge is in milliseconds: the age of the newest record the outbox has read. */
export const OUTBOX_LAG_THRESHOLD_MS = 60_000;

export const outboxLagAlarm = alarm({
  subject: "Outbox",
  what: "lag",
  severity: "sev1",
  summary: `Firebreak's outbox (stage ${$app.stage}) is more than a minute behind the table's stream (IteratorAge): incidents are stored, but their pages, Slack updates and postmortems wait. See the Outbox function's logs and OutboxDlq.`,
  namespace: "AWS/Lambda",
  metricName: "IteratorAge",
  dimensions: { FunctionName: outbox.nodes.function.name },
  statistic: "Maximum",
  threshold: OUTBOX_LAG_THRESHOLD_MS,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
});

export const outputs = {
  opsAlerts: opsTopic.arn,
};
