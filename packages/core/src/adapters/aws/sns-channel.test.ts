import { type FakeSns, startFakeSns } from "@firebreak/local/fake-sns";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryResult, OutgoingPage, PageTarget } from "../../paging/channels";
import {
  classifySnsError,
  createSnsClient,
  MAX_SUBJECT_LENGTH,
  regionalSnsClients,
  SnsChannel,
  sanitiseSubject,
  smsText,
  topicRegion,
} from "./sns-channel";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:firebreak-sev1";
const PHONE = "+447700900123";
let fake: FakeSns;

beforeAll(async () => {
  fake = await startFakeSns();
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => fake.reset());

function page(target: PageTarget, overrides: Partial<OutgoingPage> = {}): OutgoingPage {
  return {
    pageId: "01PAGE",
    incidentId: "01INCIDENT",
    incidentNumber: 42,
    severity: "SEV1",
    title: "Checkout is down",
    target,
    sms: "SEV1 INC-42 Checkout is down. Ack: https://fb.example/a/x",
    email: {
      subject: "[SEV1] INC-42: Checkout is down",
      body: "Checkout is down.\n\nAck: https://fb.example/a/x",
    },
    text: "SEV1 INC-42: Checkout is down",
    slack: { text: "SEV1 INC-42: Checkout is down", blocks: [] },
    ...overrides,
  };
}

function channel(options: { requestTimeoutMs?: number; attempts?: number } = {}) {
  const delays: number[] = [];
  const sns = new SnsChannel({
    client: createSnsClient(
      {
        endpoint: fake.endpoint,
        region: "eu-west-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      },
      { requestTimeoutMs: options.requestTimeoutMs ?? 2_000 },
    ),
    retry: { attempts: options.attempts ?? 3, baseMs: 1, maxMs: 5 },
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  return { sns, delays };
}

function expectFailed(result: DeliveryResult) {
  expect(result.status).toBe("failed");
  if (result.status !== "failed") throw new Error("unreachable");
  return result;
}

describe("SnsChannel, topic target", () => {
  it("publishes one JSON-structured message with subject and filter-policy attributes", async () => {
    const { sns } = channel();
    const p = page({ kind: "topic", arn: TOPIC });

    const result = await sns.send(p);

    expect(fake.published).toHaveLength(1);
    const [published] = fake.published;
    expect(result).toEqual({ status: "delivered", providerId: published?.messageId, attempts: 1 });
    expect(published).toMatchObject({
      topicArn: TOPIC,
      messageStructure: "json",
      subject: "[SEV1] INC-42: Checkout is down",
      attributes: {
        severity: { dataType: "String", stringValue: "SEV1" },
        incident_id: { dataType: "String", stringValue: "01INCIDENT" },
      },
    });
    expect(published?.structure).toEqual({ default: p.text, sms: p.sms, email: p.email.body });
    expect(Array.from(published?.structure?.sms ?? "").length).toBeLessThanOrEqual(140);
    expect(published?.phoneNumber).toBeUndefined();
  });

  it("makes any subject acceptable to SNS and cuts an over-long SMS", async () => {
    const { sns } = channel();
    const subject = `  [SEV1]\r\nline\tbreak ${"é".repeat(200)}`;
    const result = await sns.send(
      page({ kind: "topic", arn: TOPIC }, { email: { subject, body: "b" }, sms: "x".repeat(300) }),
    );
    expect(result.status).toBe("delivered");
    const [published] = fake.published;
    expect(published?.subject).toMatch(/^\[SEV1\] line break é+…$/);
    expect(Array.from(published?.subject ?? "")).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(Array.from(published?.structure?.sms ?? "")).toHaveLength(140);
  });
});

describe("SnsChannel, topics in several regions", () => {
  it("publishes to each topic through its own region's client; SMS through the default client", async () => {
    const other = await startFakeSns();
    try {
      const regions: string[] = [];
      const byRegion = regionalSnsClients({
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      });
      const sns = new SnsChannel({
        client: createSnsClient({
          endpoint: fake.endpoint,
          region: "eu-west-1",
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }),
        clientForRegion: (region) => {
          regions.push(region);
          // Stand-in for the regional endpoint: us-east-1's topics live on the other fake.
          const endpoint = region === "us-east-1" ? other.endpoint : fake.endpoint;
          return createSnsClient({
            endpoint,
            region,
            credentials: { accessKeyId: "local", secretAccessKey: "local" },
          });
        },
      });
      const east = "arn:aws:sns:us-east-1:123456789012:firebreak-platform-pages";
      expect((await sns.send(page({ kind: "topic", arn: east }))).status).toBe("delivered");
      expect((await sns.send(page({ kind: "topic", arn: TOPIC }))).status).toBe("delivered");
      expect((await sns.send(page({ kind: "person", personId: "p", phone: PHONE }))).status).toBe(
        "delivered",
      );
      expect(regions).toEqual(["us-east-1", "eu-west-1"]);
      expect(other.published.map((m) => m.topicArn)).toEqual([east]);
      expect(fake.published.map((m) => m.topicArn ?? m.phoneNumber)).toEqual([TOPIC, PHONE]);
      // The cache makes one client per region, configured for that region.
      expect(byRegion("ap-southeast-2")).toBe(byRegion("ap-southeast-2"));
      expect(await byRegion("ap-southeast-2").config.region()).toBe("ap-southeast-2");
    } finally {
      await other.stop();
    }
  });

  it("reads the region from a topic ARN", () => {
    expect(topicRegion(TOPIC)).toBe("eu-west-1");
    expect(topicRegion("arn:aws-us-gov:sns:us-gov-west-1:123456789012:t")).toBe("us-gov-west-1");
    expect(topicRegion("not-an-arn")).toBeUndefined();
  });
});

describe("SnsChannel, person target", () => {
  it("sends a direct transactional SMS to the phone number", async () => {
    const { sns } = channel();
    const p = page({ kind: "person", personId: "alice", phone: PHONE });

    const result = await sns.send(p);

    expect(result).toMatchObject({ status: "delivered", attempts: 1 });
    expect(fake.published).toHaveLength(1);
    expect(fake.published[0]).toMatchObject({
      phoneNumber: PHONE,
      message: p.sms,
      attributes: {
        "AWS.SNS.SMS.SMSType": { dataType: "String", stringValue: "Transactional" },
        severity: { dataType: "String", stringValue: "SEV1" },
        incident_id: { dataType: "String", stringValue: "01INCIDENT" },
      },
    });
    expect(fake.published[0]?.topicArn).toBeUndefined();
    expect(fake.published[0]?.messageStructure).toBeUndefined();
  });

  it("delivers text with lone surrogates (as U+FFFD): SMS and topic pages alike, never 'URI malformed'", async () => {
    const { sns } = channel({ attempts: 1 });
    const broken = "db \ud800 down \udfff";
    const sms = await sns.send(
      page(
        { kind: "person", personId: "alice", phone: PHONE },
        { sms: `SEV1 INC-42 ${broken}`, title: broken },
      ),
    );
    expect(sms).toMatchObject({ status: "delivered" });
    expect(fake.published[0]?.message).toBe("SEV1 INC-42 db \ufffd down \ufffd");
    const topic = await sns.send(
      page(
        { kind: "topic", arn: TOPIC },
        { sms: broken, text: broken, email: { subject: `[SEV1] ${broken}`, body: broken } },
      ),
    );
    expect(topic).toMatchObject({ status: "delivered" });
    expect(fake.published[1]?.subject).toBe("[SEV1] db \ufffd down \ufffd");
    expect(JSON.parse(fake.published[1]!.message)).toEqual({
      default: "db \ufffd down \ufffd",
      sms: "db \ufffd down \ufffd",
      email: "db \ufffd down \ufffd",
    });
  });

  it("fails without a request for a person with no phone, a bad phone, or a Slack channel", async () => {
    const { sns } = channel();
    const noPhone = expectFailed(await sns.send(page({ kind: "person", personId: "bob" })));
    expect(noPhone).toMatchObject({ attempts: 0, error: { code: "no_address", retryable: false } });
    const badPhone = expectFailed(
      await sns.send(page({ kind: "person", personId: "bob", phone: "07700 900123" })),
    );
    expect(badPhone.error).toMatchObject({ code: "InvalidPhoneNumber", retryable: false });
    const slack = expectFailed(await sns.send(page({ kind: "channel", slackChannelId: "C1" })));
    expect(slack.error).toMatchObject({ code: "unsupported_target", retryable: false });
    expect(fake.requests).toHaveLength(0);
  });
});

describe("SnsChannel retries (SDK retries off, retry.ts on)", () => {
  it("retries a 500 and reports delivery on the second attempt", async () => {
    fake.failNext(1, "500");
    const { sns, delays } = channel();
    const result = await sns.send(page({ kind: "topic", arn: TOPIC }));
    expect(result).toMatchObject({ status: "delivered", attempts: 2 });
    expect(fake.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
  });

  it("retries throttling", async () => {
    fake.failNext(2, "throttle");
    const { sns } = channel();
    const result = await sns.send(page({ kind: "person", personId: "alice", phone: PHONE }));
    expect(result).toMatchObject({ status: "delivered", attempts: 3 });
    expect(fake.published).toHaveLength(1);
  });

  it("gives up after the bounded attempts with a retryable failure", async () => {
    fake.failNext(10, "500");
    const { sns, delays } = channel({ attempts: 3 });
    const result = expectFailed(await sns.send(page({ kind: "topic", arn: TOPIC })));
    expect(result).toMatchObject({ attempts: 3, error: { code: "InternalError", retryable: true } });
    expect(fake.requests).toHaveLength(3); // one HTTP request per attempt: the SDK did not retry
    expect(delays).toHaveLength(2);
    expect(delays.every((ms) => ms >= 0 && ms <= 5)).toBe(true);
  });

  it("retries timeouts (the fake never answers), then fails with a retryable Timeout", async () => {
    fake.failNext(3, "timeout");
    const { sns } = channel({ requestTimeoutMs: 100, attempts: 3 });
    const result = expectFailed(await sns.send(page({ kind: "topic", arn: TOPIC })));
    expect(result).toMatchObject({ attempts: 3, error: { code: "Timeout", retryable: true } });
    expect(fake.requests).toHaveLength(3);
  });

  it("does not retry a permanent error (403 AuthorizationError)", async () => {
    fake.failNext(1, { status: 403, code: "AuthorizationError", message: "not authorized to publish" });
    const { sns, delays } = channel();
    const result = expectFailed(await sns.send(page({ kind: "topic", arn: TOPIC })));
    expect(result).toMatchObject({ attempts: 1, error: { code: "AuthorizationError", retryable: false } });
    expect(delays).toEqual([]);
  });

  it("stops when the caller's signal aborts, cancelling the request in flight", async () => {
    fake.failNext(1, "timeout");
    const { sns } = channel({ requestTimeoutMs: 10_000 });
    const result = expectFailed(
      await sns.send(page({ kind: "topic", arn: TOPIC }), { signal: AbortSignal.timeout(100) }),
    );
    expect(result).toMatchObject({ attempts: 1, error: { code: "aborted", retryable: true } });
  });
});

describe("SNS helpers", () => {
  it("sanitises subjects", () => {
    expect(sanitiseSubject("a\nb\u0007c  d ")).toBe("a b c d");
    expect(sanitiseSubject(" \n ")).toBe("Firebreak page");
    expect(Array.from(sanitiseSubject("😀".repeat(150)))).toHaveLength(99);
  });
  it("leaves SMS within budget alone", () => {
    expect(smsText("short")).toBe("short");
  });
  it("cuts an SMS over budget to 140 UTF-16 code units, never inside an emoji", () => {
    const sms = smsText(`SEV1 INC-1 ${"🔥".repeat(100)}`);
    expect(sms).toHaveLength(140);
    expect(sms).toBe(`SEV1 INC-1 ${"🔥".repeat(64)}…`);
  });
  it("classifies network errors as retryable and rethrows programming errors", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(classifySnsError(reset)).toMatchObject({ code: "ECONNRESET", retryable: true });
    const bug = new TypeError("cannot read properties of undefined");
    expect(() => classifySnsError(bug)).toThrow(bug);
  });
  it("a connection refused is a retryable failure, not a throw", async () => {
    const sns = new SnsChannel({
      clientConfig: {
        endpoint: "http://127.0.0.1:1",
        region: "eu-west-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      },
      retry: { attempts: 2, baseMs: 1, maxMs: 1 },
      sleep: async () => {},
    });
    const result = expectFailed(await sns.send(page({ kind: "topic", arn: TOPIC })));
    expect(result).toMatchObject({ attempts: 2, error: { code: "ECONNREFUSED", retryable: true } });
  });
});
