import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import type { PostmortemDeps } from "@firebreak/core/postmortem/service";
import { Resource } from "sst";
import { linked as linkedValue } from "../slack/linked";
import type { Platform } from "../wiring/platform";
import { postmortemDeps } from "../wiring/postmortem";

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

let table: { db: DynamoDBDocumentClient; tableName: string } | undefined;
/** The linked table's document client, made on first use. */
export function awsTable(): { db: DynamoDBDocumentClient; tableName: string } {
  table ??= { db: createDocumentClient({ tableName: linked.Table.name }), tableName: linked.Table.name };
  return table;
}

let store: IncidentStore | undefined;
export function awsStore(): IncidentStore {
  const { db, tableName } = awsTable();
  store ??= new IncidentStore(db, tableName);
  return store;
}

let postmortems: PostmortemDeps | undefined;
/** The Postmortem consumer's dependencies (wiring/postmortem.ts) on Lambda. */
export function awsPostmortemDeps(): PostmortemDeps {
  postmortems ??= postmortemDeps(lambdaPlatform());
  return postmortems;
}

/** The Lambda platform: settings from the environment, secrets and the table through `Resource.X`. */
export function lambdaPlatform(): Platform {
  return { env: process.env, secret: linkedValue, table: awsTable };
}
