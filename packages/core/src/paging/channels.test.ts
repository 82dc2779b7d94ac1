import { type FakeSlack, startFakeSlack } from "@firebreak/local/fake-slack";
import { type FakeSns, startFakeSns } from "@firebreak/local/fake-sns";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSnsClient, SnsChannel } from "../adapters/aws/sns-channel";
import {
  type DeliveryResult,
  type OutgoingPage,
  type PageChannel,
  type PageTarget,
  type SendOptions,
  sendIsolated,
} from "./channels";
import { SlackChannel } from "./slack-channel";

const TOKEN = "xoxb-test";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:firebreak-sev1";
let sns: FakeSns;
let slack: FakeSlack;

beforeAll(async () => {
  [sns, slack] = await Promise.all([startFakeSns(), startFakeSlack({ token: TOKEN })]);
});
afterAll(async () => {
  await Promise.all([sns.stop(), slack.stop()]);
});
afterEach(() => {
  sns.reset();
  slack.reset();
});

function page(pageId: string, target: PageTarget): OutgoingPage {
  return {
    pageId,
    incidentId: "01INCIDENT",
    incidentNumber: 42,
    severity: "SEV1",
    title: "Checkout is down",
    target,
    sms: "SEV1 INC-42 Checkout is down",
    email: { subject: "[SEV1] INC-42", body: "Checkout is down" },
    text: "SEV1 INC-42: Checkout is down",
    slack: {
      text: "SEV1 INC-42: Checkout is down",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "x" } }],
    },
  };
}

const snsChannel = () =>
  new SnsChannel({
    client: createSnsClient(
      {
        endpoint: sns.endpoint,
        region: "eu-west-1",
        credentials: { accessKeyId: "l", secretAccessKey: "l" },
      },
      { requestTimeoutMs: 2_000 },
    ),
    retry: { baseMs: 1, maxMs: 5 },
  });

/** Records when each send settled, to show that nothing waited for another channel. */
function timed(channel: PageChannel, settledAt: Map<string, number>): PageChannel {
  return {
    name: channel.name,
    async send(p: OutgoingPage, options?: SendOptions) {
      const result = await channel.send(p, options);
      settledAt.set(p.pageId, performance.now());
      return result;
    },
  };
}

/** A hand-written channel for the edge cases. */
function stub(
  name: "sns" | "slack",
  send: (p: OutgoingPage, options?: SendOptions) => Promise<DeliveryResult>,
) {
  return { name, send } satisfies PageChannel;
}

describe("sendIsolated", () => {
  it("a hanging Slack does not delay SNS: SNS is delivered long before Slack's time budget runs out", async () => {
    const settledAt = new Map<string, number>();
    // Slack's own request timeout (5 s) is longer than its budget: only the budget can end it.
    const slackChannel = new SlackChannel({ token: TOKEN, slackApiUrl: slack.url, requestTimeoutMs: 5_000 });
    const sns1 = snsChannel();
    // Warm up: the first SDK call in a process loads and transforms modules (hundreds of ms under vitest).
    expect((await sns1.send(page("warm-up", { kind: "topic", arn: TOPIC }))).status).toBe("delivered");
    sns.reset();
    slack.failNext("chat.postMessage", 10, "hang");
    const SLACK_BUDGET = 500;
    const results = await sendIsolated(
      [timed(sns1, settledAt), timed(slackChannel, settledAt)],
      [
        { channel: "slack", page: page("p-slack", { kind: "channel", slackChannelId: "C0INCIDENTS" }) },
        { channel: "sns", page: page("p-sns", { kind: "topic", arn: TOPIC }) },
      ],
      { timeoutMs: { sns: 5_000, slack: SLACK_BUDGET } },
    );
    const [slackResult, snsResult] = results;
    expect(snsResult).toMatchObject({
      channel: "sns",
      pageId: "p-sns",
      result: { status: "delivered", attempts: 1 },
    });
    // SNS settled while Slack still hung: it did not wait for Slack's budget.
    expect(snsResult!.elapsedMs).toBeLessThan(slackResult!.elapsedMs);
    expect(sns.published).toHaveLength(1);

    expect(slackResult).toMatchObject({
      channel: "slack",
      pageId: "p-slack",
      result: { status: "failed", attempts: 1, error: { code: "channel_timeout", retryable: true } },
    });
    // channel_timeout: cut at its budget, not by Slack's own 5 s request timeout ("timeout").
    expect(slack.calls).toHaveLength(1);
  });

  it("sends every page concurrently and reports results in input order", async () => {
    const slackChannel = new SlackChannel({ token: TOKEN, slackApiUrl: slack.url });
    const pages = [
      { channel: "sns" as const, page: page("1", { kind: "person", personId: "a", phone: "+447700900001" }) },
      { channel: "slack" as const, page: page("2", { kind: "person", personId: "a", slackUserId: "U0A" }) },
      { channel: "sns" as const, page: page("3", { kind: "topic", arn: TOPIC }) },
      { channel: "slack" as const, page: page("4", { kind: "channel", slackChannelId: "C0INC" }) },
    ];
    const results = await sendIsolated([snsChannel(), slackChannel], pages);
    expect(results.map((r) => [r.pageId, r.channel, r.result.status])).toEqual([
      ["1", "sns", "delivered"],
      ["2", "slack", "delivered"],
      ["3", "sns", "delivered"],
      ["4", "slack", "delivered"],
    ]);
    expect(sns.published).toHaveLength(2);
    expect(slack.calls).toHaveLength(2);
  });

  it("reports an adapter that throws as channel_error without affecting the others", async () => {
    const bug = new TypeError("cannot read properties of undefined");
    const throwsSync = stub("slack", () => {
      throw bug;
    });
    const results = await sendIsolated(
      [snsChannel(), throwsSync],
      [
        { channel: "slack", page: page("s", { kind: "channel", slackChannelId: "C1" }) },
        { channel: "sns", page: page("n", { kind: "topic", arn: TOPIC }) },
      ],
    );
    expect(results[0]).toMatchObject({
      result: { status: "failed", error: { code: "channel_error", retryable: false } },
      thrown: bug,
    });
    expect(results[1]?.result.status).toBe("delivered");
  });

  it("reports a page for a channel it was not given as channel_not_configured", async () => {
    const results = await sendIsolated(
      [snsChannel()],
      [{ channel: "slack", page: page("s", { kind: "channel", slackChannelId: "C1" }) }],
    );
    expect(results[0]?.result).toEqual({
      status: "failed",
      attempts: 0,
      error: { code: "channel_not_configured", message: "no slack channel is configured", retryable: false },
    });
  });

  it("ends a send that ignores its signal at the budget, with the attempts it reported", async () => {
    const deaf = stub("slack", (_p, options) => {
      options?.onAttempt?.(1);
      options?.onAttempt?.(2);
      return new Promise<DeliveryResult>(() => {});
    });
    const [result] = await sendIsolated(
      [deaf],
      [{ channel: "slack", page: page("s", { kind: "channel", slackChannelId: "C1" }) }],
      { timeoutMs: 50 },
    );
    expect(result?.result).toMatchObject({
      status: "failed",
      attempts: 2,
      error: { code: "channel_timeout", message: "slack did not finish within 50 ms", retryable: true },
    });
  });

  it("a hanging SNS is cut at its budget while Slack delivers", async () => {
    sns.failNext(10, "timeout");
    const slackChannel = new SlackChannel({ token: TOKEN, slackApiUrl: slack.url });
    const results = await sendIsolated(
      [snsChannel(), slackChannel],
      [
        { channel: "sns", page: page("n", { kind: "person", personId: "a", phone: "+447700900001" }) },
        { channel: "slack", page: page("s", { kind: "person", personId: "a", slackUserId: "U0A" }) },
      ],
      { timeoutMs: { sns: 300 } },
    );
    expect(results[0]?.result).toMatchObject({ status: "failed", error: { code: "channel_timeout" } });
    expect(results[1]?.result).toMatchObject({ status: "delivered", attempts: 1 });
    // Slack did not wait for SNS: it finished before SNS was cut at its budget.
    expect(results[1]!.elapsedMs).toBeLessThan(results[0]!.elapsedMs);
  });
});
