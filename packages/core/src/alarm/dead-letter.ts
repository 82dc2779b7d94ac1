import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { ValidationIssue } from "@firebreak/core/shared/errors";

/** An event that can never be processed (malformed): kept whole, with the reason, for a human. */
export interface DeadLetter {
  source: string;
  reason: string;
  issues: ValidationIssue[];
  event: unknown;
  at: string;
}

export interface DeadLetterSink {
  send(letter: DeadLetter): Promise<void>;
}

/** SQS adapter: the function's DLQ. Malformed events go there once and are never retried. */
export class SqsDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(letter: DeadLetter): Promise<void> {
    let body = JSON.stringify(letter);
    // SQS takes at most 256 KiB; keep the reason and a truncated copy rather than lose the letter.
    if (Buffer.byteLength(body) > 250_000) {
      body = JSON.stringify({
        ...letter,
        event: JSON.stringify(letter.event).slice(0, 200_000),
        truncated: true,
      });
    }
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageAttributes: { reason: { DataType: "String", StringValue: letter.reason.slice(0, 256) } },
      }),
    );
  }
}

/** Local adapter: keeps dead letters in memory (and hands them to an optional listener). */
export class MemoryDeadLetterSink implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  constructor(private readonly onLetter?: (letter: DeadLetter) => void) {}
  async send(letter: DeadLetter): Promise<void> {
    this.letters.push(letter);
    this.onLetter?.(letter);
  }
}
