/**
 * Paging (issue 3): who gets paged, and the escalation until someone acknowledges.
 * - SnsTopic "PagesTopic": a ready-made team/all-hands topic. Subscribe phones and e-mails to it
 *   and name its ARN (output `pagesTopic`) in the on-call directory (`snsTopicArn`, or a
 *   `{type: topic, arn}` target). The directory may name other topics too (any region: a topic
 *   page is published in the region its ARN names).
 * - Function "Pager" (packages/functions/src/pager.handler): invoked asynchronously by a rule on
 *   the app bus for its kinds (BUS_CONSUMERS.Pager: declared → roles and first pages; status
 *   changes and acks → the escalation catches up). 2 async retries, then Queue "PagerDlq" (14 days).
 * - Function "TestSender" (packages/functions/src/test-sender.handler): the same channels, links,
 *   permissions and retries as the Pager, on its own rule (BUS_CONSUMERS.TestSender): a contact
 *   method's verification message and test pages. A function of its own keeps the Pager's bundle to
 *   what an incident's pages need; its failures go to PagerDlq too.
 * - Function "Escalation" (packages/functions/src/escalation.handler), run by Cron
 *   "EscalationCron" every minute: one sweep of the due escalations. No retries (the next minute
 *   sweeps again); a failed sweep goes to Queue "EscalationDlq" (14 days), so its depth shows it.
 * - Function "Ack" (packages/functions/src/ack.handler) on `GET|POST /ack/{token}` of the HTTP API:
 *   the one-click ack links.
 * - Function "CoverageCheck" (packages/functions/src/coverage.handler), run by Cron "CoverageCron"
 *   every hour: new coverage gaps of the next 14 days become one event (the Slack worker posts it
 *   to the teams' alert channels). Linked to Table only; no retries (the next hour checks again);
 *   a failed check goes to EscalationDlq, beside the escalation sweep's.
 * Links: Table, SlackBotToken, AckKey (Pager, TestSender, Escalation, Ack). `FIREBREAK_ACK_BASE_URL` is the
 * dashboard Router's `/ack` (routed to the API), or the deploy's FIREBREAK_ACK_BASE_URL.
 *
 * - Voice pages (optional, FIREBREAK_VOICE_ORIGINATION: the ARN of an End User Messaging phone
 *   number or pool): Pager, TestSender and Escalation get `sms-voice:SendVoiceMessage` on that ARN alone (and on
 *   the configuration set, when FIREBREAK_VOICE_CONFIGURATION_SET names one), and the voice settings.
 * - SMS replies (optional, FIREBREAK_SMS_INBOUND_TOPIC_ARN: the two-way SMS topic End User Messaging
 *   publishes to): TopicSubscription "SmsInboundSubscription" (https) of that topic to the API's
 *   `POST /sms/inbound` (the Ack function, which confirms it and verifies every signature); Ack gets
 *   the topic's ARN, AlarmIngestDlq (malformed payloads) and `sns:Publish` (the "Acknowledged" reply).
 *
 * IAM: `sns:Publish` on `*` for Pager, TestSender and Escalation (and Ack with SMS replies). Direct SMS
 * (`PhoneNumber`) has no resource ARN, so AWS only accepts `*` for it (SNS_PUBLISH_REASON); topics
 * in the directory are the team's own and may live in any region or account.
 */

import {
  BUS_CONSUMERS,
  COVERAGE,
  ESCALATION,
  HTTP_FUNCTIONS,
  sstBusPattern,
} from "../packages/functions/src/wiring/topology";
import { api } from "./api";
import { config, functionSettings } from "./config";
import { alarmIngestDlq, bus, DLQ_RETENTION_SECONDS } from "./events";
import { ackKey, slackBotToken } from "./secrets";
import { table } from "./storage";
import { router } from "./web";

export const PAGING_HANDLERS = {
  pager: BUS_CONSUMERS.Pager.handler,
  testSender: BUS_CONSUMERS.TestSender.handler,
  escalation: ESCALATION.handler,
  ack: HTTP_FUNCTIONS.Ack.handler,
};

/** Every minute: the escalation's resolution (levels time out in whole minutes). */
export const ESCALATION_SCHEDULE = ESCALATION.schedule;

export const ACK_ROUTES = HTTP_FUNCTIONS.Ack.routes;

/** Why `sns:Publish` is granted on `*` (an exception to least privilege, listed for the IAM audit). */
export const SNS_PUBLISH_REASON =
  'direct SMS (Publish with PhoneNumber) has no resource ARN: AWS requires Resource "*"; directory topics are user-managed ARNs';

export const PAGER_PATTERN = sstBusPattern(BUS_CONSUMERS.Pager.pattern);
export const TEST_SENDER_PATTERN = sstBusPattern(BUS_CONSUMERS.TestSender.pattern);

const snsPublish = { actions: ["sns:Publish"], resources: ["*"] };
/**
 * The ack links' base: FIREBREAK_ACK_BASE_URL when set at deploy (a short custom domain), else the
 * dashboard Router's `/ack`, which routes to the API. The CloudFront host is short enough that the
 * whole link fits a 140-character SMS; the API Gateway host is not (the SMS would go without it).
 */
const environment = {
  FIREBREAK_ACK_BASE_URL: config.ackBaseUrl ?? $interpolate`${router.url}/ack`,
  ...functionSettings(["FIREBREAK_DASHBOARD_URL"]),
};

/** The voice settings the Pager and Escalation read (the origination as validated by config.ts). */
const voiceEnvironment = config.voiceOrigination
  ? {
      FIREBREAK_VOICE_ORIGINATION: config.voiceOrigination,
      ...functionSettings([
        "FIREBREAK_VOICE_ID",
        "FIREBREAK_VOICE_SEVERITIES",
        "FIREBREAK_VOICE_CONFIGURATION_SET",
      ]),
    }
  : {};

/** The one origination identity (and configuration set) voice pages may call from; none without voice. */
export function voicePermissions(origination: string | undefined, configurationSet?: string) {
  if (!origination) return [];
  const resources = [origination];
  if (configurationSet) {
    const [arn, partition, , region, account] = origination.split(":");
    resources.push(
      `${arn}:${partition}:sms-voice:${region}:${account}:configuration-set/${configurationSet}`,
    );
  }
  return [{ actions: ["sms-voice:SendVoiceMessage"], resources }];
}

const voice = voicePermissions(
  config.voiceOrigination,
  process.env.FIREBREAK_VOICE_CONFIGURATION_SET?.trim(),
);

export const pagesTopic = new sst.aws.SnsTopic("PagesTopic");

export const pagerDlq = new sst.aws.Queue("PagerDlq", {
  transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS } },
});

/** A sender on the app bus: the pager's channels, links and permissions; 2 retries, then PagerDlq. */
function sender(name: string, handler: string) {
  return new sst.aws.Function(name, {
    handler,
    link: [table, slackBotToken, ackKey],
    // Lambda sends a failed async invocation to its on-failure destination with the function's role.
    permissions: [snsPublish, ...voice, { actions: ["sqs:SendMessage"], resources: [pagerDlq.arn] }],
    environment: { ...environment, ...voiceEnvironment },
    retries: 2,
    timeout: "60 seconds",
    transform: {
      eventInvokeConfig: {
        destinationConfig: { onFailure: { destination: pagerDlq.arn } },
      },
    },
  });
}

export const pager = sender("Pager", PAGING_HANDLERS.pager);
export const pagerRule = bus.subscribe("Pager", pager, { pattern: PAGER_PATTERN });

export const testSender = sender("TestSender", PAGING_HANDLERS.testSender);
export const testSenderRule = bus.subscribe("TestSender", testSender, { pattern: TEST_SENDER_PATTERN });

export const escalationDlq = new sst.aws.Queue("EscalationDlq", {
  transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS } },
});

export const escalation = new sst.aws.Function("Escalation", {
  handler: PAGING_HANDLERS.escalation,
  link: [table, slackBotToken, ackKey],
  permissions: [snsPublish, ...voice, { actions: ["sqs:SendMessage"], resources: [escalationDlq.arn] }],
  environment: { ...environment, ...voiceEnvironment },
  retries: 0,
  timeout: "55 seconds",
  transform: {
    eventInvokeConfig: {
      destinationConfig: { onFailure: { destination: escalationDlq.arn } },
    },
  },
});

export const escalationCron = new sst.aws.Cron("EscalationCron", {
  function: escalation.arn,
  schedule: ESCALATION_SCHEDULE,
});

export const coverageCheck = new sst.aws.Function("CoverageCheck", {
  handler: COVERAGE.handler,
  link: [table],
  permissions: [{ actions: ["sqs:SendMessage"], resources: [escalationDlq.arn] }],
  retries: 0,
  timeout: "55 seconds",
  transform: {
    eventInvokeConfig: {
      destinationConfig: { onFailure: { destination: escalationDlq.arn } },
    },
  },
});

export const coverageCron = new sst.aws.Cron("CoverageCron", {
  function: coverageCheck.arn,
  schedule: COVERAGE.schedule,
});

const smsInbound = config.smsInboundTopicArn;

export const ackHandler = new sst.aws.Function("Ack", {
  handler: PAGING_HANDLERS.ack,
  link: smsInbound ? [table, slackBotToken, ackKey, alarmIngestDlq] : [table, slackBotToken, ackKey],
  ...(smsInbound ? { permissions: [snsPublish] } : {}),
  environment: { ...environment, ...(smsInbound ? { FIREBREAK_SMS_INBOUND_TOPIC_ARN: smsInbound } : {}) },
  timeout: "10 seconds",
});

for (const route of ACK_ROUTES) api.route(route, ackHandler.arn);

/** The two-way SMS topic, subscribed over https to `POST /sms/inbound` (which confirms it). */
export const smsInboundSubscription = smsInbound
  ? new aws.sns.TopicSubscription("SmsInboundSubscription", {
      topic: smsInbound,
      protocol: "https",
      endpoint: $interpolate`${api.url}/sms/inbound`,
    })
  : undefined;

export const outputs = {
  pagesTopic: pagesTopic.arn,
  pagerDlq: pagerDlq.url,
  escalationDlq: escalationDlq.url,
  ackLinks: environment.FIREBREAK_ACK_BASE_URL,
};
