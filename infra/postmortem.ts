/**
 * Postmortems: Function "Postmortem" (packages/functions/src/postmortem.handler, linked to Table)
 * drafts the postmortem when an incident resolves. It is invoked asynchronously by a rule on the
 * app bus matching `incident.status_changed` events whose entry moved the incident to resolved;
 * 2 async retries, then Queue "PostmortemDlq" (14 days).
 *
 * With FIREBREAK_POSTMORTEM_BUCKET set (an existing bucket), Function "PostmortemExport"
 * (packages/functions/src/postmortem-export.handler) writes every stored version to
 * `postmortems/INC-<n>/v<version>.{md,json}` in it, on each `postmortem.drafted` event; it may only
 * PutObject under `postmortems/` of that bucket; 2 async retries, then "PostmortemExportDlq" (14 days).
 */
import { BUS_CONSUMERS, sstBusPattern } from "../packages/functions/src/wiring/topology";
import { config } from "./config";
import { bus, DLQ_RETENTION_SECONDS } from "./events";
import { table } from "./storage";

export const POSTMORTEM_HANDLER = BUS_CONSUMERS.Postmortem.handler;

/** The app-bus pattern: a timeline entry (the event's detail) that resolved an incident. */
export const RESOLVED_PATTERN = sstBusPattern(BUS_CONSUMERS.Postmortem.pattern);

export const postmortemDlq = new sst.aws.Queue("PostmortemDlq", {
  transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS } },
});

export const postmortem = new sst.aws.Function("Postmortem", {
  handler: POSTMORTEM_HANDLER,
  link: [table],
  // Lambda delivers a failed async event to its on-failure destination with the function's role.
  permissions: [{ actions: ["sqs:SendMessage"], resources: [postmortemDlq.arn] }],
  retries: 2,
  timeout: "60 seconds",
  memory: "1024 MB",
  // Local times in drafts (validated at deploy by infra/config.ts).
  ...(config.timezone ? { environment: { FIREBREAK_TIMEZONE: config.timezone } } : {}),
  transform: {
    eventInvokeConfig: {
      destinationConfig: { onFailure: { destination: postmortemDlq.arn } },
    },
  },
});

export const postmortemRule = bus.subscribe("Postmortem", postmortem, { pattern: RESOLVED_PATTERN });

export const POSTMORTEM_EXPORT_HANDLER = BUS_CONSUMERS.PostmortemExport.handler;

/** Every stored postmortem version (generated, regenerated or edited) records this entry. */
export const DRAFTED_PATTERN = sstBusPattern(BUS_CONSUMERS.PostmortemExport.pattern);

function exportTo(bucket: string) {
  const dlq = new sst.aws.Queue("PostmortemExportDlq", {
    transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS } },
  });
  const fn = new sst.aws.Function("PostmortemExport", {
    handler: POSTMORTEM_EXPORT_HANDLER,
    link: [table],
    environment: { FIREBREAK_POSTMORTEM_BUCKET: bucket },
    permissions: [
      { actions: ["s3:PutObject"], resources: [`arn:aws:s3:::${bucket}/postmortems/*`] },
      { actions: ["sqs:SendMessage"], resources: [dlq.arn] },
    ],
    retries: 2,
    timeout: "30 seconds",
    transform: {
      eventInvokeConfig: { destinationConfig: { onFailure: { destination: dlq.arn } } },
    },
  });
  const rule = bus.subscribe("PostmortemExport", fn, { pattern: DRAFTED_PATTERN });
  return { dlq, fn, rule };
}

export const postmortemExport = config.postmortemBucket ? exportTo(config.postmortemBucket) : undefined;

export const outputs = {
  postmortemDlq: postmortemDlq.url,
  ...(postmortemExport ? { postmortemExportDlq: postmortemExport.dlq.url } : {}),
};
