/**
 * Writing a test page request (paging/test-pages.ts): the record, its sends, its `page.test_requested`
 * entry and each person's rate-limit item, in one transaction. Apart from TestPageStore (whose
 * reads and sends/acknowledgements it inherits) so that the test sender's and the Ack function's bundles
 * do not carry it.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { FirebreakError } from "@firebreak/core/shared/errors";
import type { TestPageRequest, TestPageRequestRepository } from "../../../ports";
import { timelineItem } from "../incident/incident-store";
import { keys } from "../keys";
import { TEST_PAGE_RETENTION_SECONDS, TestPageStore } from "./test-page-store";

/** A person was sent a test page less than the rate limit ago. */
export class TestPageRateLimitedError extends FirebreakError {
  constructor(
    message: string,
    readonly personIds: readonly string[],
    readonly retryAfterSeconds: number,
  ) {
    super("rate_limited", message);
  }
}

export class TestPageRequestStore extends TestPageStore implements TestPageRequestRepository {
  /**
   * Writes the record, its sends (each `pending`, or already `failed` when the person has no
   * address for it), its entry and each person's rate-limit item in one transaction. A person
   * sent a test page after `rateCutoff` fails it: a TestPageRateLimitedError naming them.
   */
  async create(input: TestPageRequest): Promise<void> {
    const { record, sends, entry, rateCutoff } = input;
    const expiresAt = Math.floor(Date.parse(record.requestedAt) / 1000) + TEST_PAGE_RETENTION_SECONDS;
    const rates = record.people.map((p) => ({
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.testPageRate(p.personId),
          type: "test_page_rate",
          personId: p.personId,
          lastAt: record.requestedAt,
          testPageId: record.id,
          expiresAt,
        },
        ConditionExpression: "attribute_not_exists(pk) OR lastAt <= :cutoff",
        ExpressionAttributeValues: { ":cutoff": rateCutoff },
      },
    }));
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...rates,
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.testPage(record.id), type: "test_page", ...record, expiresAt },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            ...sends.map((send) => ({
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.testPageSend(record.id, send.sendId),
                  type: "test_page_send",
                  ...send,
                  expiresAt,
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            })),
            {
              Put: {
                TableName: this.tableName,
                Item: { ...timelineItem(entry), ...keys.testPageTimeline(record.id, entry.id), expiresAt },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const limited = record.people.filter(
          (_, i) => error.CancellationReasons?.[i]?.Code === "ConditionalCheckFailed",
        );
        if (limited.length > 0)
          throw new TestPageRateLimitedError(
            `${limited.map((p) => p.name).join(", ")} ${limited.length === 1 ? "was" : "were"} sent a test page less than a minute ago: try again in a minute`,
            limited.map((p) => p.personId),
            input.retryAfterSeconds,
          );
      }
      throw error;
    }
  }
}
