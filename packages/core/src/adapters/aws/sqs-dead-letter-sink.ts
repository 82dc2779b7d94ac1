import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DeadLetter, DeadLetterSink } from "../../alarm/dead-letter";

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
