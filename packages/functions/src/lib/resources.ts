import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { DirectoryStore } from "@firebreak/core/oncall/store";
import { parseAckKeyring } from "@firebreak/core/paging/ack-link";
import type { PagingDeps } from "@firebreak/core/paging/service";
import { SlackChannel } from "@firebreak/core/paging/slack-channel";
import { createSnsClient, regionalSnsClients, SnsChannel } from "@firebreak/core/paging/sns-channel";
import { PageStore } from "@firebreak/core/paging/store";
import type { PostmortemDeps } from "@firebreak/core/postmortem/service";
import { PostmortemStore } from "@firebreak/core/postmortem/store";
import { createDocumentClient } from "@firebreak/core/storage/client";
import { IncidentStore } from "@firebreak/core/storage/incident-store";
import { Resource } from "sst";

/**
 * Production wiring: linked resources come through `Resource.X`, read once on first use (so
 * importing a handler never needs SST's environment, and the local runtime can wire its own).
 */
type Linked = {
  Table: { name: string };
  AlarmIngestDlq: { url: string };
  SlackBotToken: { value: string };
  AckKey: { value: string };
};
const linked = Resource as unknown as Linked;

let store: IncidentStore | undefined;
export function awsStore(): IncidentStore {
  store ??= new IncidentStore(createDocumentClient({ tableName: linked.Table.name }), linked.Table.name);
  return store;
}

let deadLetters: SqsDeadLetterSink | undefined;
export function awsDeadLetters(): SqsDeadLetterSink {
  deadLetters ??= new SqsDeadLetterSink(new SQSClient({}), linked.AlarmIngestDlq.url);
  return deadLetters;
}

let postmortems: PostmortemStore | undefined;
export function awsPostmortemDeps(): PostmortemDeps {
  const incidents = awsStore();
  postmortems ??= new PostmortemStore(incidents.db, incidents.tableName);
  return { incidents, postmortems, timezone: process.env.FIREBREAK_TIMEZONE };
}

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
