import { gunzipSync, gzipSync } from "node:zlib";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConcurrentChangeError } from "../../../incident/errors";
import type { TimelineEntry } from "../../../incident/timeline";
import type { PostmortemRepository } from "../../../ports";
import type { Draft } from "../../../postmortem/drafts";
import type { Postmortem } from "../../../postmortem/types";
import { timelineItem } from "../incident/incident-store";
import { queryPartition } from "../items";
import { keys } from "../keys";

export const PM_PARTITION = "PM";

/**
 * Postmortem drafts in the incident's partition: `PM#<version>` items (Markdown gzip-compressed,
 * so a 10,000-entry timeline's ~1.3 MB draft fits DynamoDB's 400 KB item limit), and one
 * `PMMETA` item with the current draft's metadata, indexed by impact start for metrics.
 */
function draftOf(item: Record<string, unknown>): Draft {
  return {
    version: item.version as number,
    origin: item.origin as Draft["origin"],
    markdown: gunzipSync(item.markdownGz as Uint8Array).toString("utf8"),
    metadata: JSON.parse(item.metadata as string) as Postmortem,
    createdAt: item.createdAt as string,
    basedOnVersion: item.basedOnVersion as number | undefined,
    contentHash: item.contentHash as string | undefined,
  };
}

export class PostmortemStore implements PostmortemRepository {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async listDrafts(incidentId: string): Promise<Draft[]> {
    const items = await queryPartition(this.db, this.tableName, keys.incidentPartition(incidentId), {
      consistent: true,
      prefix: keys.postmortemPrefix(),
    });
    return items.map(draftOf);
  }

  /** One stored version, or undefined. */
  async getDraft(incidentId: string, version: number): Promise<Draft | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.postmortem(incidentId, version),
        ConsistentRead: true,
      }),
    );
    return out.Item ? draftOf(out.Item) : undefined;
  }

  /**
   * Saves a new draft version, the current metadata and its timeline entry in one transaction.
   * A version written concurrently by someone else throws ConcurrentChangeError (plan again).
   */
  async saveDraft(incidentId: string, draft: Draft, current: Draft, entry: TimelineEntry): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.postmortem(incidentId, draft.version),
                  type: "postmortem",
                  version: draft.version,
                  origin: draft.origin,
                  markdownGz: gzipSync(draft.markdown),
                  metadata: JSON.stringify(draft.metadata),
                  createdAt: draft.createdAt,
                  basedOnVersion: draft.basedOnVersion,
                  contentHash: draft.contentHash,
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.postmortemMeta(incidentId),
                  type: "postmortem_meta",
                  version: current.version,
                  metadata: JSON.stringify(current.metadata),
                  pmPk: PM_PARTITION,
                  pmSk: `${current.metadata.timestamps.impact_start}#${incidentId}`,
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: timelineItem(entry),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        throw new ConcurrentChangeError(`postmortem v${draft.version}`, { cause: error });
      }
      throw error;
    }
  }

  /** Current metadata of every postmortem whose impact started in [since, until): one Query. */
  async metadataBetween(since: Date, until: Date): Promise<Postmortem[]> {
    const docs: Postmortem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: "postmortemsByImpactStart",
          KeyConditionExpression: "pmPk = :pm AND pmSk BETWEEN :from AND :to",
          ExpressionAttributeValues: {
            ":pm": PM_PARTITION,
            ":from": since.toISOString(),
            ":to": `${until.toISOString()}~`,
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) docs.push(JSON.parse(item.metadata as string) as Postmortem);
      start = out.LastEvaluatedKey;
    } while (start);
    return docs;
  }
}
