/**
 * Two-way SMS replies as End User Messaging delivers them: the real fixture's SNS envelope
 * (`fixtures/sms/two-way-sms-notification.body.json`), re-addressed and signed with a test key
 * whose certificate the runtime under test is given (`snsHttp`), posted to `/sms/inbound`.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { readSnsMessage, type SnsHttpMessage, stringToSign } from "@firebreak/core/integrations/sns";
import { fixture } from "@firebreak/testkit/fixtures";

const ENVELOPE = "sms/two-way-sms-notification.body.json";

export interface InboundSmsSender {
  /** The two-way topic's ARN (the fixture's): `FIREBREAK_SMS_INBOUND_TOPIC_ARN`. */
  topicArn: string;
  /** The runtime option that makes the signatures check out. */
  snsHttp: { fetchCertificate: () => Promise<string>; confirm: () => Promise<undefined> };
  /** The reply from `from` saying `body`, as a new inbound message (or `id`'s again), signed. */
  reply(
    from: string,
    body: string,
    change?: Partial<SnsHttpMessage>,
    id?: string,
  ): SnsHttpMessage & { Signature: string };
  /** Any envelope, signed with the test key. */
  signed<T extends SnsHttpMessage>(m: T): T & { Signature: string };
  /** Posts a signed envelope to `<url>/sms/inbound`: the status and the JSON answer. */
  // biome-ignore lint/suspicious/noExplicitAny: the outcomes have several shapes
  deliver(url: string, envelope: unknown): Promise<{ status: number; json: any }>;
}

export function inboundSmsSender(): InboundSmsSender {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  let sequence = 0;
  return {
    topicArn: readSnsMessage(fixture(ENVELOPE)).TopicArn,
    snsHttp: {
      fetchCertificate: async () => publicKey.export({ type: "spki", format: "pem" }).toString(),
      confirm: async () => undefined,
    },
    signed: (m) => ({
      ...m,
      Signature: sign("sha1", Buffer.from(stringToSign(m)), privateKey).toString("base64"),
    }),
    reply(from, body, change = {}, id = `in-${++sequence}`) {
      const envelope = readSnsMessage(fixture(ENVELOPE));
      const payload = {
        ...JSON.parse(envelope.Message),
        originationNumber: from,
        messageBody: body,
        inboundMessageId: id,
      };
      return this.signed({
        ...envelope,
        MessageId: `msg-${id}`,
        Message: JSON.stringify(payload),
        ...change,
      });
    },
    async deliver(url, envelope) {
      const res = await fetch(`${url}/sms/inbound`, {
        method: "POST",
        headers: {
          "content-type": "text/plain; charset=UTF-8",
          "x-amz-sns-message-type": "Notification",
          "user-agent": "Amazon Simple Notification Service Agent",
        },
        body: JSON.stringify(envelope),
      });
      return { status: res.status, json: await res.json() };
    },
  };
}
