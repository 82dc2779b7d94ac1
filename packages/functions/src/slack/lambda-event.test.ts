import { App, AwsLambdaReceiver, LogLevel } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { lambdaContext } from "../../../local/src/apigw";
import { mediaType, normaliseSlackEvent } from "./lambda-event";
import { commandBody, signedEvent } from "./testing";

const quietLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/** A bare Bolt app (no signature check: these tests are about body decoding) recording what listeners see. */
function boltApp() {
  const receiver = new AwsLambdaReceiver({
    signingSecret: "unused",
    signatureVerification: false,
    logger: quietLogger,
  });
  const app = new App({ receiver, token: "xoxb-test", botId: "B1", botUserId: "U1", logger: quietLogger });
  const seen: { mention?: string; command?: string } = {};
  app.event("app_mention", async ({ event }) => {
    seen.mention = event.text;
  });
  app.command("/incident", async ({ command, ack }) => {
    seen.command = command.text;
    await ack();
  });
  return { handle: receiver.toHandler(), seen };
}

const mentionBody = JSON.stringify({
  type: "event_callback",
  team_id: "T05QX8ZK2AB",
  api_app_id: "A07INCIDENT",
  event_id: "Ev1",
  event_time: 1741945330,
  event: {
    type: "app_mention",
    user: "U04ONCALL01",
    text: "Checkout 5xx — ÄÖÜ ✅",
    ts: "1.000001",
    channel: "C1",
  },
});

describe("normaliseSlackEvent", () => {
  it("bug 1: decodes a base64 body as UTF-8 and marks it decoded (Bolt alone decodes it as ASCII)", async () => {
    const event = signedEvent(mentionBody, { secret: "s", contentType: "application/json", base64: true });
    const fixed = normaliseSlackEvent(event);
    expect(fixed.body).toBe(mentionBody);
    expect(fixed.isBase64Encoded).toBe(false);
    expect(event.isBase64Encoded).toBe(true); // the input is left alone

    // The bug, as shipped in Bolt: ASCII decoding turns "—ÄÖÜ✅" into control characters, JSON.parse
    // throws and API Gateway answers 500.
    const raw = boltApp();
    await expect(raw.handle(event, lambdaContext("slack"))).rejects.toThrow(SyntaxError);
    expect(raw.seen.mention).toBeUndefined();

    const wrapped = boltApp();
    const result = await wrapped.handle(fixed, lambdaContext("slack"));
    expect(result.statusCode).toBe(200);
    expect(wrapped.seen.mention).toBe("Checkout 5xx — ÄÖÜ ✅");
  });

  it("bug 2: strips `; charset=…` from the content type, whatever the header's case (Bolt alone throws)", async () => {
    const body = commandBody({ text: "list" });
    const event = signedEvent(body, { secret: "s" });
    delete event.headers["content-type"];
    event.headers["Content-Type"] = "Application/X-WWW-Form-URLencoded; charset=utf-8";
    const fixed = normaliseSlackEvent(event);
    expect(fixed.headers["Content-Type"]).toBe("application/x-www-form-urlencoded");
    expect(fixed.headers["x-slack-signature"]).toBe(event.headers["x-slack-signature"]);

    const raw = boltApp();
    await expect(raw.handle(event, lambdaContext("slack"))).rejects.toThrow(SyntaxError); // API Gateway: 500

    const wrapped = boltApp();
    const result = await wrapped.handle(fixed, lambdaContext("slack"));
    expect(result.statusCode).toBe(200);
    expect(wrapped.seen.command).toBe("list");
  });

  it("leaves text bodies, missing bodies and other headers as they are", () => {
    const plain = signedEvent("a=1", { secret: "s", base64: false });
    expect(normaliseSlackEvent(plain).body).toBe("a=1");
    const empty = { ...plain, body: undefined, isBase64Encoded: true };
    expect(normaliseSlackEvent(empty).body).toBeUndefined();
    expect(normaliseSlackEvent({ body: "x" })).toEqual({ body: "x" });
  });

  it("mediaType keeps the type alone", () => {
    expect(mediaType("application/json;charset=UTF-8")).toBe("application/json");
    expect(mediaType(" text/plain ")).toBe("text/plain");
    expect(mediaType(undefined)).toBeUndefined();
  });
});
