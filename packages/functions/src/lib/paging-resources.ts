import { DirectoryStore } from "@firebreak/core/oncall/store";
import { parseAckKeyring } from "@firebreak/core/paging/ack-link";
import type { PagingDeps } from "@firebreak/core/paging/service";
import { SlackChannel } from "@firebreak/core/paging/slack-channel";
import { createSnsClient, regionalSnsClients, SnsChannel } from "@firebreak/core/paging/sns-channel";
import { PageStore } from "@firebreak/core/paging/store";
import type { IncidentStore } from "@firebreak/core/storage/incident-store";
import { awsStore, linked } from "./resources";

/**
 * Paging on Lambda: SNS through the function's region for SMS and the ARN's region for topics,
 * Slack with the linked bot token, ack links signed with the linked AckKey keyring. The links'
 * base is `FIREBREAK_ACK_BASE_URL` (infra/paging.ts sets it to `<api url>/ack`); the dashboard's
 * is `FIREBREAK_DASHBOARD_URL` (optional).
 */
export function pagingDepsFrom(
  env: Record<string, string | undefined>,
  secrets: { slackBotToken: string; ackKey: string },
  incidents: IncidentStore,
): PagingDeps {
  const ackBaseUrl = env.FIREBREAK_ACK_BASE_URL;
  if (!ackBaseUrl || !/^https?:\/\//.test(ackBaseUrl))
    throw new Error("FIREBREAK_ACK_BASE_URL must be the ack links' base URL, e.g. https://<api>/ack");
  const keyring = parseAckKeyring(secrets.ackKey);
  return {
    incidents,
    pages: new PageStore(incidents.db, incidents.tableName),
    directory: new DirectoryStore(incidents.db, incidents.tableName),
    channels: {
      sns: new SnsChannel({ client: createSnsClient(), clientForRegion: regionalSnsClients() }),
      slack: new SlackChannel({ token: secrets.slackBotToken }),
    },
    ackKey: keyring.current,
    previousAckKeys: keyring.previous,
    ackBaseUrl,
    ...(env.FIREBREAK_DASHBOARD_URL ? { dashboardUrl: env.FIREBREAK_DASHBOARD_URL } : {}),
  };
}

let paging: PagingDeps | undefined;
export function awsPagingDeps(): PagingDeps {
  paging ??= pagingDepsFrom(
    process.env,
    { slackBotToken: linked.SlackBotToken.value, ackKey: linked.AckKey.value },
    awsStore(),
  );
  return paging;
}
