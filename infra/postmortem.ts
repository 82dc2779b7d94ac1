/**
 * Postmortems: Function "Postmortem" (packages/functions/src/postmortem.handler, linked to Table)
 * drafts the postmortem when an incident resolves. It is invoked asynchronously by a rule on the
 * app bus matching `incident.status_changed` events whose entry moved the incident to resolved;
 * 2 async retries, then Queue "PostmortemDlq" (14 days).
 */
import { bus, DLQ_RETENTION_SECONDS } from "./events";
import { table } from "./storage";

export const POSTMORTEM_HANDLER = "packages/functions/src/postmortem.handler";

/** The app-bus pattern: a timeline entry (the event's detail) that resolved an incident. */
export const RESOLVED_PATTERN = {
  source: ["firebreak"],
  detailType: ["incident.status_changed"],
  detail: { detail: { data: { to: ["resolved"] } } },
};

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
  transform: {
    eventInvokeConfig: {
      destinationConfig: { onFailure: { destination: postmortemDlq.arn } },
    },
  },
});

export const postmortemRule = bus.subscribe("Postmortem", postmortem, { pattern: RESOLVED_PATTERN });

export const outputs = {
  postmortemDlq: postmortemDlq.url,
};
