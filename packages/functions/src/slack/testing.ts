import { randomBytes } from "node:crypto";
import { fixtureText } from "@firebreak/testkit/fixtures";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { slackSignature } from "./verify";

/**
 * Test support: requests signed exactly as Slack signs them, in API Gateway HTTP API (payload v2)
 * events as Lambda receives them (lower-case headers, form bodies base64-encoded).
 */

/** The workspace of the Slack fixtures (`fixtures/slack/`). */
export const FIXTURE_TEAM_ID = "T08FBRK9Q2L";

/** A file of `fixtures/slack/` as stored (raw bodies exactly as Slack sends them). */
export function slackFixtureText(name: string): string {
  return fixtureText(`slack/${name}`);
}

export function slackFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(slackFixtureText(name)) as T;
}

export interface SignedEventOptions {
  secret: string;
  /** Seconds since the epoch; now by default. */
  timestamp?: number | string;
  contentType?: string;
  /** Base64-encode the body (what an HTTP API does with forms); default true. */
  base64?: boolean;
  /** Replace the computed signature (tests of bad signatures). */
  signature?: string;
  headers?: Record<string, string>;
}

export function signedEvent(rawBody: string, options: SignedEventOptions): APIGatewayProxyEventV2 {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const base64 = options.base64 ?? true;
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "POST /slack/events",
    rawPath: "/slack/events",
    rawQueryString: "",
    headers: {
      accept: "application/json,*/*",
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      "content-length": String(Buffer.byteLength(rawBody)),
      host: "k7q2m9x4ha.execute-api.ap-southeast-2.amazonaws.com",
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": options.signature ?? slackSignature(options.secret, timestamp, rawBody),
      ...options.headers,
    },
    requestContext: {
      accountId: "111122223333",
      apiId: "k7q2m9x4ha",
      domainName: "k7q2m9x4ha.execute-api.ap-southeast-2.amazonaws.com",
      domainPrefix: "k7q2m9x4ha",
      http: {
        method: "POST",
        path: "/slack/events",
        protocol: "HTTP/1.1",
        sourceIp: "54.206.18.93",
        userAgent: "Slackbot 1.0 (+https://api.slack.com/robots)",
      },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: "POST /slack/events",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: base64 ? Buffer.from(rawBody, "utf8").toString("base64") : rawBody,
    isBase64Encoded: base64,
  };
}

let triggers = 0;
/**
 * A new `trigger_id`, as Slack gives every command and interaction: two requests are never the same
 * bytes, so none is taken for a replay of another (see replay.ts).
 */
export function freshTriggerId(): string {
  triggers += 1;
  return `8412093571204.8123456701.${randomBytes(12).toString("hex")}${String(triggers).padStart(8, "0")}`;
}

/** A slash command body (form-encoded) from the fixture's fields (a fresh `trigger_id`), with `overrides`. */
export function commandBody(overrides: Record<string, string>): string {
  const fields = {
    ...slackFixture<Record<string, string>>("slash-command.decoded.json"),
    trigger_id: freshTriggerId(),
    ...overrides,
  };
  return new URLSearchParams(fields).toString();
}

/** An interactive body: `payload=<JSON>`, form-encoded as Slack sends it (a fresh `trigger_id` if it has one). */
export function interactiveBody(payload: unknown): string {
  const fresh =
    typeof payload === "object" && payload !== null && "trigger_id" in payload
      ? { ...payload, trigger_id: freshTriggerId() }
      : payload;
  return new URLSearchParams({ payload: JSON.stringify(fresh) }).toString();
}
