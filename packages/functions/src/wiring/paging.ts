import type { DeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { SEVERITIES, type Severity } from "@firebreak/core/incident/model";
import { loadBudgetIncidents } from "@firebreak/core/metrics/budget-load";
import { DynamoBudgetState } from "@firebreak/core/metrics/budget-store";
import { DynamoCoverageState } from "@firebreak/core/oncall/coverage-store";
import { DirectoryStore } from "@firebreak/core/oncall/store";
import { parseAckKeyring } from "@firebreak/core/paging/ack-link";
import type { PagingDeps } from "@firebreak/core/paging/service";
import { SlackChannel } from "@firebreak/core/paging/slack-channel";
import { createSnsClient, regionalSnsClients, SnsChannel } from "@firebreak/core/paging/sns-channel";
import { PageStore } from "@firebreak/core/paging/store";
import { VoiceChannel } from "@firebreak/core/paging/voice-channel";
import { PostmortemStore } from "@firebreak/core/postmortem/store";
import { FirebreakError } from "@firebreak/core/shared/errors";
import { IncidentStore } from "@firebreak/core/storage/incident-store";
import type { SmsInboundDeps } from "../api/sms-inbound-routes";
import type { CoverageDeps } from "../coverage";
import { list, type Platform, requiredSecret } from "./platform";

/**
 * Paging (the Pager, the Escalation sweep and the Ack links): SNS through the function's region for
 * SMS and the ARN's region for topics, Slack with the SlackBotToken secret, ack links signed with
 * the AckKey keyring (`k2:<new>,k1:<old>`, or one key). The links' base is `FIREBREAK_ACK_BASE_URL`
 * (infra/paging.ts sets it to `<api url>/ack`); the dashboard's is `FIREBREAK_DASHBOARD_URL`.
 *
 * Voice is optional: only with `FIREBREAK_VOICE_ORIGINATION` (the End User Messaging phone number
 * or pool that calls, id or ARN) is there a voice channel; it calls a person's phone, besides the
 * SMS, on the pages of `FIREBREAK_VOICE_SEVERITIES` (default SEV1,SEV2). `FIREBREAK_VOICE_ID` picks
 * the Polly voice, `FIREBREAK_VOICE_CONFIGURATION_SET` a configuration set.
 */
export function pagingDeps(platform: Platform): PagingDeps {
  const ackBaseUrl = platform.env.FIREBREAK_ACK_BASE_URL?.trim();
  if (!ackBaseUrl || !/^https?:\/\/[^/\s]+/.test(ackBaseUrl))
    throw new FirebreakError(
      "config_missing",
      `FIREBREAK_ACK_BASE_URL must be the ack links' base URL, e.g. https://<api>/ack (got ${JSON.stringify(ackBaseUrl ?? "")})`,
    );
  const keyring = parseAckKeyring(requiredSecret(platform, "AckKey"));
  const { db, tableName } = platform.table();
  const incidents = new IncidentStore(db, tableName);
  const sns = platform.adapters?.sns ?? { client: createSnsClient(), clientForRegion: regionalSnsClients() };
  const slackApiUrl = platform.adapters?.slackApiUrl;
  const dashboardUrl = platform.env.FIREBREAK_DASHBOARD_URL?.trim();
  const voice = voiceChannel(platform);
  const voiceSeverities = voiceSeveritiesOf(platform);
  return {
    incidents,
    pages: new PageStore(incidents.db, incidents.tableName),
    directory: new DirectoryStore(db, tableName, platform.clock),
    channels: {
      sns: new SnsChannel(sns),
      slack: new SlackChannel({
        token: requiredSecret(platform, "SlackBotToken"),
        ...(slackApiUrl ? { slackApiUrl } : {}),
      }),
      ...(voice ? { voice } : {}),
    },
    ...(voiceSeverities ? { config: { voiceSeverities } } : {}),
    ackKey: keyring.current,
    previousAckKeys: keyring.previous,
    ackBaseUrl,
    ...(dashboardUrl ? { dashboardUrl } : {}),
    ...(platform.clock ? { clock: platform.clock } : {}),
    ...(platform.log ? { log: platform.log } : {}),
  };
}

/** The voice channel, when `FIREBREAK_VOICE_ORIGINATION` names who calls; else none. */
function voiceChannel(platform: Platform): VoiceChannel | undefined {
  const originationIdentity = platform.env.FIREBREAK_VOICE_ORIGINATION?.trim();
  if (!originationIdentity) return undefined;
  const voiceId = platform.env.FIREBREAK_VOICE_ID?.trim();
  const configurationSetName = platform.env.FIREBREAK_VOICE_CONFIGURATION_SET?.trim();
  const client = platform.adapters?.smsVoice;
  return new VoiceChannel({
    originationIdentity,
    ...(voiceId ? { voiceId } : {}),
    ...(configurationSetName ? { configurationSetName } : {}),
    ...(client ? { client } : {}),
  });
}

/** `FIREBREAK_VOICE_SEVERITIES` (e.g. `SEV1` or `SEV1,SEV2,SEV3`), or undefined for the default. */
function voiceSeveritiesOf(platform: Platform): Severity[] | undefined {
  const given = list(platform.env.FIREBREAK_VOICE_SEVERITIES);
  if (given.length === 0) return undefined;
  const unknown = given.filter((s) => !SEVERITIES.includes(s as Severity));
  if (unknown.length > 0)
    throw new FirebreakError(
      "config_invalid",
      `FIREBREAK_VOICE_SEVERITIES must list severities (${SEVERITIES.join(", ")}), not ${unknown.join(", ")}`,
    );
  return given as Severity[];
}

/**
 * `POST /sms/inbound` (the Ack function): paging, the two-way SMS topic
 * (`FIREBREAK_SMS_INBOUND_TOPIC_ARN`; unset, the route answers 404), SNS's hosts, the dead letters.
 */
export function smsInboundDeps(
  platform: Platform,
  paging: PagingDeps,
  deadLetters: DeadLetterSink,
): SmsInboundDeps {
  const topicArn = platform.env.FIREBREAK_SMS_INBOUND_TOPIC_ARN?.trim();
  const common = {
    paging,
    ...(platform.adapters?.snsHttp ? { sns: platform.adapters.snsHttp } : {}),
    ...(platform.log ? { log: platform.log } : {}),
  };
  return topicArn ? { ...common, topicArn, deadLetters } : common;
}

/**
 * The hourly checks: coverage (the directory with its live shift overrides, and what it
 * announced) and the error budgets (the incidents and drafts, and the crossings announced).
 */
export function coverageCheckDeps(platform: Platform): CoverageDeps {
  const { db, tableName } = platform.table();
  const directory = new DirectoryStore(db, tableName, platform.clock);
  const common = {
    ...(platform.clock ? { clock: platform.clock } : {}),
    ...(platform.log ? { log: platform.log } : {}),
  };
  const sources = {
    store: new IncidentStore(db, tableName),
    postmortems: new PostmortemStore(db, tableName),
  };
  return {
    directory,
    state: new DynamoCoverageState(db, tableName),
    ...common,
    budgets: {
      directory,
      state: new DynamoBudgetState(db, tableName),
      incidents: (services, days, now) => loadBudgetIncidents(sources, services, days, now),
      ...common,
    },
  };
}
