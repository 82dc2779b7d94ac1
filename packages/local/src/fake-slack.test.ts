import { type WebAPIPlatformError, type WebAPIRateLimitedError, WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAKE_BOT_USER_ID, type FakeSlack, startFakeSlack } from "./fake-slack";

const TOKEN = "xoxb-fake";
let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack({
    token: TOKEN,
    users: { U0ALICE: { name: "alice", email: "alice@example.com" } },
  });
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => fake.reset());

function client(options: { timeout?: number; token?: string } = {}) {
  return new WebClient(options.token ?? TOKEN, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    ...(options.timeout ? { timeout: options.timeout } : {}),
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

/** The `error` of a `{ ok: false }` answer, as the WebClient reports it. */
async function slackError(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).toMatchObject({ code: "slack_webapi_platform_error" });
  return (error as unknown as WebAPIPlatformError).data.error;
}

const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*SEV1* checkout down" } }];

describe("fake Slack Web API", () => {
  it("serves at a url ending with /api/ and answers auth.test", async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const out = await client().auth.test();
    expect(out).toMatchObject({ ok: true, user_id: FAKE_BOT_USER_ID });
    expect(fake.calls[0]).toMatchObject({ method: "auth.test", token: TOKEN });
    expect(fake.calls[0]?.at).toBeInstanceOf(Date);
  });

  it("records chat.postMessage with its blocks decoded, and answers channel and ts", async () => {
    const out = await client().chat.postMessage({ channel: "C0INCIDENT", text: "fallback", blocks });
    expect(out).toMatchObject({ ok: true, channel: "C0INCIDENT" });
    expect(out.ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.calls[0]).toMatchObject({
      method: "chat.postMessage",
      body: { channel: "C0INCIDENT", text: "fallback", blocks },
    });
    expect(fake.messages.get(`C0INCIDENT:${out.ts}`)).toMatchObject({ text: "fallback", blocks });
  });

  it("posts to a user id in the bot's DM channel, the same one conversations.open returns", async () => {
    const dm = await client().chat.postMessage({ channel: "U0ALICE", text: "paged" });
    expect(dm.channel).toMatch(/^D/);
    const opened = await client().conversations.open({ users: "U0ALICE" });
    expect(opened.channel?.id).toBe(dm.channel);
    expect(opened).toMatchObject({ already_open: true });
  });

  it("accepts JSON bodies too", async () => {
    const out = await client().apiCall("chat.postMessage", { channel: "C1", text: "x" });
    expect(out.ok).toBe(true);
    const response = await fetch(`${fake.url}chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ channel: "C2", text: "json", blocks }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: "C2" });
    expect(fake.calls[1]?.body).toEqual({ channel: "C2", text: "json", blocks });
  });

  it("updates, pins, and refuses unknown messages", async () => {
    const slack = client();
    const posted = await slack.chat.postMessage({ channel: "C1", text: "before" });
    const updated = await slack.chat.update({ channel: "C1", ts: posted.ts!, text: "after", blocks });
    expect(updated).toMatchObject({ ok: true, channel: "C1", ts: posted.ts, text: "after" });
    expect(fake.messages.get(`C1:${posted.ts}`)?.text).toBe("after");
    await slack.pins.add({ channel: "C1", timestamp: posted.ts! });

    const missing = slack.chat.update({ channel: "C1", ts: "1.000001", text: "x" });
    expect(await slackError(missing)).toBe("message_not_found");
  });

  it("creates channels with Slack's name rules and name_taken on a collision", async () => {
    const slack = client();
    const created = await slack.conversations.create({ name: "inc-7-checkout" });
    expect(created.channel).toMatchObject({ name: "inc-7-checkout", is_channel: true });
    expect(created.channel?.id).toMatch(/^C/);

    const error = (name: string) => slackError(slack.conversations.create({ name }));
    expect(await error("inc-7-checkout")).toBe("name_taken");
    expect(await error("Inc 7")).toBe("invalid_name_specials");
    expect(await error("x".repeat(81))).toBe("invalid_name_maxlength");
    expect(await error("---")).toBe("invalid_name_punctuation");

    const invited = await slack.conversations.invite({
      channel: created.channel!.id!,
      users: "U0ALICE,U0BOB",
    });
    expect(invited.ok).toBe(true);
    expect(fake.channels.get(created.channel!.id!)?.members).toContain("U0BOB");
    const again = slack.conversations.invite({ channel: created.channel!.id!, users: "U0ALICE" });
    expect(await slackError(again)).toBe("already_in_channel");
  });

  it("answers chat.postEphemeral, views.open and users.info", async () => {
    const slack = client();
    expect(
      await slack.chat.postEphemeral({ channel: "C1", user: "U0ALICE", text: "only you" }),
    ).toMatchObject({
      ok: true,
    });
    const view = {
      type: "modal" as const,
      title: { type: "plain_text" as const, text: "Declare" },
      blocks: [],
    };
    const opened = await slack.views.open({ trigger_id: "123.456.abc", view });
    expect(opened.view).toMatchObject({ type: "modal", title: { text: "Declare" } });
    expect(fake.calls.at(-1)?.body.view).toEqual(view);
    const user = await slack.users.info({ user: "U0ALICE" });
    expect(user.user).toMatchObject({
      id: "U0ALICE",
      name: "alice",
      profile: { email: "alice@example.com" },
    });
  });

  it("refuses a wrong token with invalid_auth", async () => {
    expect(await slackError(client({ token: "xoxb-wrong" }).auth.test())).toBe("invalid_auth");
  });

  it("injects a 429 with Retry-After", async () => {
    fake.failNext("chat.postMessage", 1, { status: 429, retryAfter: 7 });
    const error = await rejection(client().chat.postMessage({ channel: "C1", text: "x" }));
    expect((error as unknown as WebAPIRateLimitedError).retryAfter).toBe(7);
    await client().chat.postMessage({ channel: "C1", text: "x" });
    expect(fake.calls.map((c) => c.fault)).toEqual([{ status: 429, retryAfter: 7 }, undefined]);
  });

  it("injects HTTP errors and Slack errors, method-specific before '*'", async () => {
    fake.failNext("*", 1, { status: 500 });
    fake.failNext("chat.postMessage", 1, { slackError: "channel_not_found" });
    const slack = client();
    expect(await slackError(slack.chat.postMessage({ channel: "C1", text: "x" }))).toBe("channel_not_found");
    const second = await rejection(slack.chat.postMessage({ channel: "C1", text: "x" }));
    expect(second).toMatchObject({ statusCode: 500 });
    await slack.chat.postMessage({ channel: "C1", text: "x" });
  });

  it("injects a hang: the request is never answered", async () => {
    fake.failNext("chat.postMessage", 1, "hang");
    const error = await rejection(client({ timeout: 100 }).chat.postMessage({ channel: "C1", text: "x" }));
    expect((error.original as Error).name).toBe("TimeoutError");
    expect(fake.calls).toHaveLength(1);
  });
});
