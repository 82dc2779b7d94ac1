/**
 * What a handler's dependencies are built from, on Lambda and in the local runtime alike. The
 * wiring functions beside this file (paging.ts, slack.ts, api.ts, …) turn a `Platform` into each
 * handler's dependencies; the Lambda entry points give them `lambdaPlatform()` (lib/resources.ts:
 * `Resource.X`, process.env), the local runtime gives them its own (DynamoDB Local, the HTTP
 * fakes, the in-process bus). Only the adapters differ; the setting and secret names are the same.
 */
import type { PinpointSMSVoiceV2Client } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { EventPublisher } from "@firebreak/core/events/publisher";
import type { Clock } from "@firebreak/core/shared/clock";
import { FirebreakError } from "@firebreak/core/shared/errors";
import type { Log } from "@firebreak/core/shared/log";
import type { HealthChecks } from "../api/health";
import type { SnsHttp } from "../integrations/sns-http";

/** The secrets (sst.Secret on AWS, infra/secrets.ts), by their SST names. */
export type SecretName =
  | "SlackSigningSecret"
  | "SlackBotToken"
  | "SlackTeamId"
  | "SessionKey"
  | "SlackClientId"
  | "SlackClientSecret"
  | "AckKey"
  /** Issue trackers of the action-item sync (optional: "unset" when not used). */
  | "GithubToken"
  | "JiraApiToken"
  | "LinearApiKey";

export interface Platform {
  /** The settings (`FIREBREAK_*`): the function's environment on Lambda, the runtime's locally. */
  env: Readonly<Record<string, string | undefined>>;
  /** A secret's value, or undefined when this function is not linked to it. */
  secret(name: SecretName): string | undefined;
  /** The table: its document client and name (every store is built on them). */
  table(): { db: DynamoDBDocumentClient; tableName: string };
  /** The app bus. */
  bus?(): EventPublisher;
  clock?: Clock;
  /** Where use cases log (Lambda handlers log through Powertools instead). */
  log?: Log;
  /** Local adapters; unset on Lambda, where the SDKs' defaults apply. */
  adapters?: {
    /** SNS for direct SMS; `clientForRegion` for topics in other regions. */
    sns?: { client: SNSClient; clientForRegion?: (region: string) => SNSClient };
    /** End User Messaging SMS and Voice for voice pages (a recording fake locally). */
    smsVoice?: PinpointSMSVoiceV2Client;
    /** SNS's hosts for HTTP(S) subscriptions (certificates, confirmations); the real ones by default. */
    snsHttp?: SnsHttp;
    /** The Slack Web API's base URL (a recording fake locally). */
    slackApiUrl?: string;
    /** The bot's ids, when known without an `auth.test` call. */
    slackBot?: { botId?: string; botUserId?: string };
    /** GET /health's checks besides the table's (locally: the stream poller's lag). */
    health?: HealthChecks;
  };
}

/** A secret the function cannot work without: its absence is a configuration error naming it. */
export function requiredSecret(platform: Platform, name: SecretName): string {
  const value = platform.secret(name);
  if (!value)
    throw new FirebreakError(
      "config_missing",
      `the ${name} secret is not linked to this function (or is empty)`,
    );
  return value;
}

/** A comma-separated setting or secret as a list (blanks dropped). */
export const list = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** `FIREBREAK_DASHBOARD_URL` without trailing slashes, and an incident's page there. */
export function dashboardLinks(platform: Platform): { incidentUrl?: (incident: { id: string }) => string } {
  const dashboard = platform.env.FIREBREAK_DASHBOARD_URL?.trim().replace(/\/+$/, "");
  return dashboard
    ? { incidentUrl: (incident) => `${dashboard}/incidents/${encodeURIComponent(incident.id)}` }
    : {};
}
