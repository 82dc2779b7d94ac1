import { type FakeSlack, startFakeSlack } from "@firebreak/local/fake-slack";
import { ErrorCode } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryResult, OutgoingPage, PageTarget } from "./channels";
import {
  classifySlackError,
  createSlackClient,
  parseSlackProviderId,
  SlackChannel,
  slackMessageFor,
} from "./slack-channel";

const TOKEN = "xoxb-test";
let fake: FakeSlack;

beforeAll(async () => {
  fake = await startFakeSlack({ token: TOKEN });
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => fake.reset());

const blocks = [
  { type: "section", text: { type: "mrkdwn", text: "*SEV1* INC-42: Checkout is down" } },
  {
    type: "actions",
    block_id: "incident_page_actions",
    elements: [{ type: "button", action_id: "ack", text: { type: "plain_text", text: "Acknowledge" } }],
  },
];

function page(target: PageTarget, overrides: Partial<OutgoingPage> = {}): OutgoingPage {
  return {
    pageId: "01PAGE",
    incidentId: "01INCIDENT",
    incidentNumber: 42,
    severity: "SEV1",
    title: "Checkout is down",
    target,
    sms: "SEV1 INC-42 Checkout is down",
    email: { subject: "[SEV1] INC-42", body: "Checkout is down" },
    text: "SEV1 INC-42: Checkout is down (default)",
    slack: { text: "SEV1 INC-42: Checkout is down", blocks },
    ...overrides,
  };
}

const alice: PageTarget = { kind: "person", personId: "alice", slackUserId: "U0ALICE" };
const incidents: PageTarget = { kind: "channel", slackChannelId: "C0INCIDENTS" };

function channel(options: { attempts?: number; requestTimeoutMs?: number } = {}) {
  const delays: number[] = [];
  const slack = new SlackChannel({
    token: TOKEN,
    slackApiUrl: fake.url,
    requestTimeoutMs: options.requestTimeoutMs ?? 2_000,
    retry: { attempts: options.attempts ?? 3, baseMs: 1, maxMs: 5, maxRetryAfterMs: 5_000 },
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  return { slack, delays };
}

function expectFailed(result: DeliveryResult) {
  expect(result.status).toBe("failed");
  if (result.status !== "failed") throw new Error("unreachable");
  return result;
}

describe("SlackChannel", () => {
  it("DMs a person: chat.postMessage to the user id, blocks passed through, text fallback set", async () => {
    const { slack } = channel();
    const result = await slack.send(page(alice));

    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call).toMatchObject({
      method: "chat.postMessage",
      token: TOKEN,
      body: { channel: "U0ALICE", text: "SEV1 INC-42: Checkout is down", blocks },
    });
    expect(result).toMatchObject({ status: "delivered", attempts: 1 });
    const posted = parseSlackProviderId(result.status === "delivered" ? result.providerId : "");
    expect(posted?.channel).toMatch(/^D/); // the bot's DM with alice
    expect(fake.messages.get(`${posted?.channel}:${posted?.ts}`)?.blocks).toEqual(blocks);
  });

  it("posts to a channel", async () => {
    const { slack } = channel();
    const result = await slack.send(page(incidents));
    expect(fake.calls[0]).toMatchObject({
      method: "chat.postMessage",
      body: { channel: "C0INCIDENTS", text: "SEV1 INC-42: Checkout is down", blocks },
    });
    expect(result).toMatchObject({ status: "delivered", attempts: 1 });
    expect(result.status === "delivered" && result.providerId).toMatch(/^C0INCIDENTS:\d+\.\d{6}$/);
  });

  it("falls back to the default text, and leaves out an empty block list", async () => {
    const { slack } = channel();
    await slack.send(page(incidents, { slack: { text: "", blocks: [] } }));
    expect(fake.calls[0]?.body).toEqual({
      channel: "C0INCIDENTS",
      text: "SEV1 INC-42: Checkout is down (default)",
      unfurl_links: "false",
      unfurl_media: "false",
    });
  });

  it("fails without a call for a person with no Slack id or an SNS topic", async () => {
    const { slack } = channel();
    const person = expectFailed(
      await slack.send(page({ kind: "person", personId: "bob", phone: "+15550100" })),
    );
    expect(person).toMatchObject({ attempts: 0, error: { code: "no_address", retryable: false } });
    const topic = expectFailed(await slack.send(page({ kind: "topic", arn: "arn:aws:sns:x:1:t" })));
    expect(topic.error).toMatchObject({ code: "unsupported_target", retryable: false });
    expect(fake.calls).toHaveLength(0);
  });

  it("on 429 waits Retry-After (seconds → ms), then delivers", async () => {
    fake.failNext("chat.postMessage", 1, { status: 429, retryAfter: 1 });
    const { slack, delays } = channel();
    const result = await slack.send(page(alice));
    expect(result).toMatchObject({ status: "delivered", attempts: 2 });
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(1_000);
    expect(fake.calls).toHaveLength(2); // the WebClient itself did not retry or wait
  });

  it("caps a long Retry-After and reports it when rate limiting persists", async () => {
    fake.failNext("chat.postMessage", 5, { status: 429, retryAfter: 120 });
    const { slack, delays } = channel({ attempts: 2 });
    const result = expectFailed(await slack.send(page(alice)));
    expect(delays).toEqual([5_000]);
    expect(result).toMatchObject({
      attempts: 2,
      error: { code: "rate_limited", retryable: true, retryAfterMs: 120_000 },
    });
  });

  it("retries HTTP 5xx", async () => {
    fake.failNext("chat.postMessage", 2, { status: 503 });
    const { slack, delays } = channel();
    const result = await slack.send(page(incidents));
    expect(result).toMatchObject({ status: "delivered", attempts: 3 });
    expect(delays).toHaveLength(2);
    expect(delays.every((ms) => ms <= 5)).toBe(true);
  });

  it("retries Slack's own transient errors", async () => {
    fake.failNext("chat.postMessage", 1, { slackError: "internal_error" });
    const { slack } = channel();
    expect(await slack.send(page(incidents))).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it.each(["channel_not_found", "not_in_channel", "invalid_auth", "is_archived"])(
    "fails at once on the permanent error %s",
    async (slackError) => {
      fake.failNext("chat.postMessage", 1, { slackError });
      const { slack, delays } = channel();
      const result = expectFailed(await slack.send(page(incidents)));
      expect(result).toMatchObject({ attempts: 1, error: { code: slackError, retryable: false } });
      expect(delays).toEqual([]);
      expect(fake.calls).toHaveLength(1);
    },
  );

  it("a wrong token is invalid_auth, permanent", async () => {
    const slack = new SlackChannel({ token: "xoxb-wrong", slackApiUrl: fake.url, sleep: async () => {} });
    const result = expectFailed(await slack.send(page(incidents)));
    expect(result).toMatchObject({ attempts: 1, error: { code: "invalid_auth", retryable: false } });
  });

  it("retries request timeouts (the fake hangs), then fails with a retryable timeout", async () => {
    fake.failNext("chat.postMessage", 3, "hang");
    const { slack } = channel({ requestTimeoutMs: 100 });
    const result = expectFailed(await slack.send(page(incidents)));
    expect(result).toMatchObject({ attempts: 3, error: { code: "timeout", retryable: true } });
  });

  it("accepts a ready client", async () => {
    const slack = new SlackChannel({ client: createSlackClient(TOKEN, { slackApiUrl: fake.url }) });
    expect(await slack.send(page(incidents))).toMatchObject({ status: "delivered" });
    expect(() => new SlackChannel({})).toThrow(TypeError);
  });
});

describe("Slack helpers", () => {
  it("builds chat.postMessage arguments", () => {
    expect(slackMessageFor(page(alice))).toEqual({
      message: {
        channel: "U0ALICE",
        text: "SEV1 INC-42: Checkout is down",
        blocks,
        unfurl_links: false,
        unfurl_media: false,
      },
    });
  });

  it("parses provider ids", () => {
    expect(parseSlackProviderId("D123:1700000000.000100")).toEqual({
      channel: "D123",
      ts: "1700000000.000100",
    });
    expect(parseSlackProviderId("nonsense")).toBeUndefined();
  });

  it("classifies a 429 without Retry-After as rate limited, and rethrows programming errors", () => {
    const noHeader = new Error(
      "Retry header did not contain a valid timeout (url: x, retry-after header: null)",
    );
    expect(classifySlackError(noHeader)).toMatchObject({ code: "rate_limited", retryable: true });
    expect(classifySlackError(noHeader).retryAfterMs).toBeUndefined();
    const refused = Object.assign(new Error("fetch failed"), {
      code: ErrorCode.RequestError,
      original: new TypeError("fetch failed", {
        cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
      }),
    });
    expect(classifySlackError(refused)).toMatchObject({ code: "network_error", retryable: true });
    const bug = new RangeError("bad");
    expect(() => classifySlackError(bug)).toThrow(bug);
  });
});
