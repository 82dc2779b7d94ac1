import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { PostmortemDeps } from "@firebreak/core/postmortem/service";
import { PostmortemStore } from "@firebreak/core/postmortem/store";
import { createDocumentClient } from "@firebreak/core/storage/client";
import { IncidentStore } from "@firebreak/core/storage/incident-store";
import { Resource } from "sst";

/**
 * Production wiring: linked resources come through `Resource.X`, read once on first use (so
 * importing a handler never needs SST's environment, and the local runtime can wire its own).
 */
type Linked = { Table: { name: string }; AlarmIngestDlq: { url: string } };
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
