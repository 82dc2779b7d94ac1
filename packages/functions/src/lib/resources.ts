import type { PostmortemDeps } from "@firebreak/core/postmortem/service";
import { PostmortemStore } from "@firebreak/core/postmortem/store";
import { createDocumentClient } from "@firebreak/core/storage/client";
import { IncidentStore } from "@firebreak/core/storage/incident-store";
import { Resource } from "sst";

/**
 * Production wiring: linked resources come through `Resource.X`, read once on first use (so
 * importing a handler never needs SST's environment, and the local runtime can wire its own).
 *
 * Split by what a handler needs, so that each bundle only carries its own clients: this module
 * (the table, postmortems), dead-letters.ts (SQS), paging-resources.ts (SNS, Slack, pages).
 */
export type Linked = {
  Table: { name: string };
  AlarmIngestDlq: { url: string };
  SlackBotToken: { value: string };
  AckKey: { value: string };
};
export const linked = Resource as unknown as Linked;

let store: IncidentStore | undefined;
export function awsStore(): IncidentStore {
  store ??= new IncidentStore(createDocumentClient({ tableName: linked.Table.name }), linked.Table.name);
  return store;
}

let postmortems: PostmortemStore | undefined;
export function awsPostmortemDeps(): PostmortemDeps {
  const incidents = awsStore();
  postmortems ??= new PostmortemStore(incidents.db, incidents.tableName);
  return { incidents, postmortems, timezone: process.env.FIREBREAK_TIMEZONE };
}
