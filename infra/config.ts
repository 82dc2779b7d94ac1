/**
 * Deploy-time configuration of the SST app, read once from the environment of `sst deploy` (SST
 * also loads `.env` / `.env.<stage>` from the project root). Every value is validated here, with an
 * error that names the variable, so a bad value fails the deploy before anything is created.
 *
 * | Variable | Default | Meaning |
 * |---|---|---|
 * | FIREBREAK_PRODUCTION_STAGES | `production` | comma-separated stages deployed as production |
 * | FIREBREAK_OPS_EMAIL | required on production stages | comma-separated addresses subscribed to the OpsAlerts topic |
 * | FIREBREAK_ORG_ID | unset (single account) | AWS Organization id (`o-…`) allowed to forward alarms to the default bus |
 * | FIREBREAK_SELF_SERVICE | `firebreak` | service name on Firebreak's own alarms (map it to the platform team in the directory) |
 * | FIREBREAK_POSTMORTEM_BUCKET | unset (no export) | an existing S3 bucket: every postmortem version is exported to `postmortems/` in it |
 * | FIREBREAK_TIMEZONE | `UTC` | the team's IANA time zone (local times in postmortem drafts and Slack); forwarded to Postmortem, SlackHandler and SlackWorker |
 * | FIREBREAK_ACK_BASE_URL | `<dashboard url>/ack` | base of the one-click ack links in pages: a short custom domain routed to the API's `/ack/{token}` (docs/deploy.md) |
 * | FIREBREAK_VOICE_ORIGINATION | unset (no voice pages) | the ARN of the End User Messaging phone number or pool that calls (`arn:aws:sms-voice:<region>:<account>:phone-number/<id>` or `…:pool/<id>`): voice pages on, `sms-voice:SendVoiceMessage` on it only |
 * | FIREBREAK_SMS_INBOUND_TOPIC_ARN | unset (no SMS replies) | the SNS topic End User Messaging publishes two-way SMS to: subscribed to `POST /sms/inbound`, where a reply "1" acknowledges |
 */

import { timezoneFromEnv } from "../packages/core/src/oncall/tz";
import { exportBucketFromEnv } from "../packages/core/src/postmortem/export-config";
import { productionStages } from "./stages";

export { isProductionStage, productionStages } from "./stages";

const stage = $app.stage;

/** True when this deploy is a production stage: data retained, protected, point-in-time recovery. */
export const production = productionStages(process.env.FIREBREAK_PRODUCTION_STAGES).includes(stage);

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const SERVICE = /^[a-z0-9._-]+$/;

function fail(variable: string, message: string): never {
  throw new Error(`${variable}: ${message}`);
}

function opsEmails(raw: string | undefined): string[] {
  const emails = (raw ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  for (const email of emails) {
    if (!EMAIL.test(email)) fail("FIREBREAK_OPS_EMAIL", `"${email}" is not an email address`);
  }
  if (production && emails.length === 0) {
    fail(
      "FIREBREAK_OPS_EMAIL",
      `stage "${stage}" is a production stage: set at least one address that receives Firebreak's own alarms when Firebreak itself is down`,
    );
  }
  return emails;
}

function orgId(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!ORG_ID.test(value)) fail("FIREBREAK_ORG_ID", `"${value}" is not an AWS Organization id (o-…)`);
  return value;
}

function selfService(raw: string | undefined): string {
  const value = raw?.trim() || "firebreak";
  if (!SERVICE.test(value))
    fail("FIREBREAK_SELF_SERVICE", `"${value}" is not a service name (a-z 0-9 . _ -)`);
  return value;
}

/** FIREBREAK_TIMEZONE, checked at deploy: a typo fails here, not in the functions' init. */
function timezone(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return timezoneFromEnv(env);
  } catch {
    return fail(
      "FIREBREAK_TIMEZONE",
      `"${env.FIREBREAK_TIMEZONE?.trim()}" is not an IANA time zone (e.g. Europe/London, UTC)`,
    );
  }
}

function postmortemBucket(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return exportBucketFromEnv(env);
  } catch (error) {
    const issue = (error as { issues?: { message: string }[] }).issues?.[0]?.message;
    return fail(
      "FIREBREAK_POSTMORTEM_BUCKET",
      `"${env.FIREBREAK_POSTMORTEM_BUCKET?.trim()}" is not valid: ${issue}`,
    );
  }
}

/** An https URL without query or fragment, e.g. `https://ack.example.com/ack`. */
function ackBaseUrl(raw: string | undefined): string | undefined {
  const value = raw?.trim().replace(/\/+$/, "");
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("FIREBREAK_ACK_BASE_URL", `"${value}" is not a URL`);
  }
  if (url.protocol !== "https:" || url.search || url.hash || url.username)
    fail(
      "FIREBREAK_ACK_BASE_URL",
      `"${value}" must be an https URL without query or fragment, e.g. https://ack.example.com/ack`,
    );
  return value;
}

const VOICE_ORIGINATION =
  /^arn:aws[-a-z]*:sms-voice:[a-z]+(?:-[a-z]+)+-\d+:\d{12}:(?:phone-number|pool)\/[A-Za-z0-9_-]+$/;
const TOPIC_ARN = /^arn:aws[-a-z]*:sns:[a-z]+(?:-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** The voice pages' origination identity, as an ARN (IAM grants SendVoiceMessage on it alone). */
function voiceOrigination(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!VOICE_ORIGINATION.test(value))
    fail(
      "FIREBREAK_VOICE_ORIGINATION",
      `"${value}" must be the ARN of an End User Messaging phone number or pool (arn:aws:sms-voice:<region>:<account>:phone-number/<id> or …:pool/<id>), which IAM can name`,
    );
  return value;
}

/** The two-way SMS topic's ARN. */
function smsInboundTopicArn(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!TOPIC_ARN.test(value))
    fail(
      "FIREBREAK_SMS_INBOUND_TOPIC_ARN",
      `"${value}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)`,
    );
  return value;
}

export const config = {
  stage,
  production,
  opsEmails: opsEmails(process.env.FIREBREAK_OPS_EMAIL),
  orgId: orgId(process.env.FIREBREAK_ORG_ID),
  selfService: selfService(process.env.FIREBREAK_SELF_SERVICE),
  postmortemBucket: postmortemBucket(process.env),
  ackBaseUrl: ackBaseUrl(process.env.FIREBREAK_ACK_BASE_URL),
  timezone: timezone(process.env),
  voiceOrigination: voiceOrigination(process.env.FIREBREAK_VOICE_ORIGINATION),
  smsInboundTopicArn: smsInboundTopicArn(process.env.FIREBREAK_SMS_INBOUND_TOPIC_ARN),
};

/**
 * Run-time settings a function reads from its environment, copied from the deploy's environment
 * when set (unset ones keep the function's default): `FIREBREAK_ADMINS` (ApiHandler: who signs in as
 * admin), `FIREBREAK_DASHBOARD_URL` (links in pages and Slack messages, where sign-in returns to),
 * and the Slack worker's settings (infra/slack.ts).
 */
export function functionSettings(names: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name] as string]] : [])));
}
