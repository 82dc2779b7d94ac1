import { VoiceChannel } from "@firebreak/core/adapters/aws/voice-channel";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { DynamoBudgetState } from "@firebreak/core/adapters/dynamodb/metrics/budget-store";
import { DynamoCoverageState } from "@firebreak/core/adapters/dynamodb/oncall/coverage-store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { SEVERITIES, type Severity } from "@firebreak/core/incident/model";
import { loadBudgetIncidents } from "@firebreak/core/metrics/budget-load";
import { SlackChannel } from "@firebreak/core/paging/slack-channel";
import { FirebreakError } from "@firebreak/core/shared/errors";
import type { CoverageDeps } from "../paging/coverage";
import { pagingCore, type WiredPaging } from "./paging-core";
import { list, type Platform, requiredSecret } from "./platform";

export { smsInboundDeps, type WiredPaging, withReplies } from "./paging-core";

/**
 * Paging (the Pager, the Escalation sweep, and the local runtime's Ack): the core of
 * paging-core.ts (stores, ack keys, SNS), Slack with the SlackBotToken secret, and voice.
 *
 * Voice is optional: only with `FIREBREAK_VOICE_ORIGINATION` (the End User Messaging phone number
 * or pool that calls, id or ARN) is there a voice channel; it calls a person's phone, besides the
 * SMS, on the pages of `FIREBREAK_VOICE_SEVERITIES` (default SEV1,SEV2). `FIREBREAK_VOICE_ID` picks
 * the Polly voice, `FIREBREAK_VOICE_CONFIGURATION_SET` a configuration set.
 */
export function pagingDeps(platform: Platform): WiredPaging {
  const core = pagingCore(platform);
  const slackApiUrl = platform.adapters?.slackApiUrl;
  const voice = voiceChannel(platform);
  const voiceSeverities = voiceSeveritiesOf(platform);
  return {
    ...core,
    channels: {
      ...core.channels,
      slack: new SlackChannel({
        token: requiredSecret(platform, "SlackBotToken"),
        ...(slackApiUrl ? { slackApiUrl } : {}),
      }),
      ...(voice ? { voice } : {}),
    },
    ...(voiceSeverities ? { config: { voiceSeverities } } : {}),
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
