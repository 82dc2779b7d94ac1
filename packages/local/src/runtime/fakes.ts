/**
 * The local runtime's fakes of the cloud's adapters, on 127.0.0.1 (the real SDKs call them): Slack's
 * Web API, SNS and End User Messaging SMS and Voice, each page printed as it is recorded; and the
 * fake S3 of the postmortem export.
 */
import { S3Client } from "@aws-sdk/client-s3";
import type { Log } from "@firebreak/core/shared/log";
import { startFakeS3 } from "../fake-s3";
import { type FakeSlack, startFakeSlack } from "../fake-slack";
import { type FakeSmsVoice, startFakeSmsVoice } from "../fake-sms-voice";
import { type FakeSns, startFakeSns } from "../fake-sns";
import { formatSlackPage, formatSnsPage } from "../sinks";
import type { SlackConfig } from "./settings";
import type { Started } from "./stop";

/** The fakes pages go to. */
export interface PageFakes {
  /** Absent when a real bot token is configured with `realApi`. */
  fakeSlack?: FakeSlack;
  fakeSns: FakeSns;
  fakeSmsVoice: FakeSmsVoice;
}

/**
 * Paging: SNS and Slack go to recording fakes at the HTTP level, so the real SDK code runs.
 * Each recorded page is printed as one block (ack link included); see sinks.ts.
 */
export async function startPageFakes(
  slackConfig: SlackConfig,
  log: Log,
  started: Started,
): Promise<PageFakes> {
  if (!(slackConfig.realApi && slackConfig.botToken))
    started.fakeSlack = await startFakeSlack({
      onCall: (call, answer) => {
        const block = formatSlackPage(call, answer);
        if (block) log.info(block);
      },
    });
  const fakeSns = await startFakeSns({ onPublish: (message) => log.info(formatSnsPage(message)) });
  started.fakeSns = fakeSns;
  const fakeSmsVoice = await startFakeSmsVoice({
    onCall: (call) =>
      log.info(
        `voice call to ${call.destinationPhoneNumber} from ${call.originationIdentity}: ${call.messageBody}`,
      ),
  });
  started.fakeSmsVoice = fakeSmsVoice;
  return { fakeSlack: started.fakeSlack, fakeSns, fakeSmsVoice };
}

/** With FIREBREAK_POSTMORTEM_BUCKET: a fake S3 holding that bucket, and the real S3 client to it. */
export async function startPostmortemS3(
  settings: Readonly<Record<string, string | undefined>>,
  started: Started,
): Promise<S3Client | undefined> {
  if (!settings.FIREBREAK_POSTMORTEM_BUCKET) return undefined;
  const bucket = settings.FIREBREAK_POSTMORTEM_BUCKET;
  started.fakeS3 = await startFakeS3({ buckets: [bucket] });
  return new S3Client({
    endpoint: started.fakeS3.endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}
