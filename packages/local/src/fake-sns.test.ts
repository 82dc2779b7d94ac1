import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PublishCommand, SNSClient, SNSServiceException } from "@aws-sdk/client-sns";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeSns, startFakeSns } from "./fake-sns";

let fake: FakeSns;
beforeAll(async () => {
  fake = await startFakeSns();
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => fake.reset());

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:firebreak-pages";

function client(options: { requestTimeoutMs?: number } = {}) {
  return new SNSClient({
    endpoint: fake.endpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
    ...(options.requestTimeoutMs
      ? {
          requestHandler: new NodeHttpHandler({
            requestTimeout: options.requestTimeoutMs,
            throwOnRequestTimeout: true,
          }),
        }
      : {}),
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error & Record<string, unknown>;
}

describe("fake SNS", () => {
  it("is what the real SDK client speaks: AWS Query (form body, XML answer), not JSON", async () => {
    // Record what the SDK sends, byte for byte, with a bare server in front of the fake's answer.
    const seen: { headers: Record<string, unknown>; body: string }[] = [];
    const spy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { "content-type": "text/xml" });
      res.end("<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>");
    });
    await new Promise<void>((resolve) => spy.listen(0, "127.0.0.1", resolve));
    try {
      const sdk = new SNSClient({
        endpoint: `http://127.0.0.1:${(spy.address() as AddressInfo).port}`,
        region: "eu-west-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
        maxAttempts: 1,
      });
      const out = await sdk.send(
        new PublishCommand({
          TopicArn: TOPIC,
          Message: "hi",
          MessageAttributes: { severity: { DataType: "String", StringValue: "SEV1" } },
        }),
      );
      expect(out.MessageId).toBe("m-1");
    } finally {
      spy.close();
    }
    const [request] = seen;
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request?.headers["x-amz-target"]).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      Action: "Publish",
      Version: "2010-03-31",
      TopicArn: TOPIC,
      Message: "hi",
      "MessageAttributes.entry.1.Name": "severity",
      "MessageAttributes.entry.1.Value.DataType": "String",
      "MessageAttributes.entry.1.Value.StringValue": "SEV1",
    });
  });

  it("records a topic publish, decoded, and answers with its MessageId and request id", async () => {
    const message = JSON.stringify({ default: "Incident #7 <SEV1> & more", sms: "SEV1 #7", email: "body é" });
    const out = await client().send(
      new PublishCommand({
        TopicArn: TOPIC,
        MessageStructure: "json",
        Message: message,
        Subject: "SEV1: checkout down",
        MessageAttributes: {
          severity: { DataType: "String", StringValue: "SEV1" },
          incident_id: { DataType: "String", StringValue: "01INC" },
        },
      }),
    );

    expect(fake.published).toHaveLength(1);
    const [published] = fake.published;
    expect(out.MessageId).toBe(published?.messageId);
    expect(out.$metadata.requestId).toMatch(/[0-9a-f-]{36}/);
    expect(published).toMatchObject({
      topicArn: TOPIC,
      subject: "SEV1: checkout down",
      message,
      messageStructure: "json",
      structure: { default: "Incident #7 <SEV1> & more", sms: "SEV1 #7", email: "body é" },
      attributes: {
        severity: { dataType: "String", stringValue: "SEV1" },
        incident_id: { dataType: "String", stringValue: "01INC" },
      },
    });
  });

  it("records a direct SMS", async () => {
    await client().send(
      new PublishCommand({
        PhoneNumber: "+447700900123",
        Message: "SEV1 #7 checkout down",
        MessageAttributes: { "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" } },
      }),
    );
    expect(fake.published[0]).toMatchObject({
      phoneNumber: "+447700900123",
      message: "SEV1 #7 checkout down",
      attributes: { "AWS.SNS.SMS.SMSType": { dataType: "String", stringValue: "Transactional" } },
    });
    expect(fake.published[0]?.topicArn).toBeUndefined();
  });

  it.each([
    ["no default entry", { TopicArn: TOPIC, MessageStructure: "json", Message: '{"sms":"x"}' }],
    ["a message that is not JSON", { TopicArn: TOPIC, MessageStructure: "json", Message: "plain" }],
    ["a subject with a line break", { TopicArn: TOPIC, Message: "m", Subject: "a\nb" }],
    ["a 100-character subject", { TopicArn: TOPIC, Message: "m", Subject: "x".repeat(100) }],
    ["a phone number that is not E.164", { PhoneNumber: "07700 900123", Message: "m" }],
    ["two destinations", { TopicArn: TOPIC, PhoneNumber: "+447700900123", Message: "m" }],
  ])("rejects %s with InvalidParameter, like SNS", async (_, input) => {
    const error = await rejection(client().send(new PublishCommand(input)));
    expect(error).toBeInstanceOf(SNSServiceException);
    // The SDK names modeled errors after their shape; the wire code is kept in `Code`.
    expect(error.name).toBe("InvalidParameterException");
    expect(error.Code).toBe("InvalidParameter");
    expect(error.$fault).toBe("client");
    expect(fake.published).toHaveLength(0);
  });

  it("injects throttling (400 Throttling) and 500 InternalError, then recovers", async () => {
    fake.failNext(1, "throttle");
    fake.failNext(1, "500");
    const sns = client();
    const publish = () => sns.send(new PublishCommand({ TopicArn: TOPIC, Message: "m" }));

    const throttled = await rejection(publish());
    expect(throttled.name).toBe("Throttling");
    expect(throttled.message).toBe("Rate exceeded");
    expect(throttled.$metadata).toMatchObject({ httpStatusCode: 400 });

    const internal = await rejection(publish());
    expect(internal.name).toBe("InternalErrorException");
    expect(internal.Code).toBe("InternalError");
    expect(internal.$fault).toBe("server");
    expect(internal.$metadata).toMatchObject({ httpStatusCode: 500 });

    await publish();
    expect(fake.published).toHaveLength(1);
    expect(fake.requests.map((r) => r.fault)).toEqual(["throttle", "500", undefined]);
  });

  it("injects any other error answer", async () => {
    fake.failNext(1, { status: 403, code: "AuthorizationError", message: "not allowed" });
    const error = await rejection(client().send(new PublishCommand({ TopicArn: TOPIC, Message: "m" })));
    expect(error.name).toBe("AuthorizationErrorException");
    expect(error.Code).toBe("AuthorizationError");
    expect(error.$metadata).toMatchObject({ httpStatusCode: 403 });
  });

  it("injects a timeout: the request is never answered", async () => {
    fake.failNext(1, "timeout");
    const error = await rejection(
      client({ requestTimeoutMs: 100 }).send(new PublishCommand({ TopicArn: TOPIC, Message: "m" })),
    );
    expect(error.name).toBe("TimeoutError");
    expect(fake.requests).toHaveLength(1);
    expect(fake.published).toHaveLength(0);
  });
});
