import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsDeadLetterSink } from "@firebreak/core/adapters/aws/sqs-dead-letter-sink";
import { linked } from "./resources";

/** The alarm-ingest dead-letter queue on Lambda (linked `AlarmIngestDlq`), created on first use. */
let deadLetters: SqsDeadLetterSink | undefined;
export function awsDeadLetters(): SqsDeadLetterSink {
  deadLetters ??= new SqsDeadLetterSink(new SQSClient({}), linked.AlarmIngestDlq.url);
  return deadLetters;
}
