import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fixture, fixtureNames, fixtureText } from "./fixtures";

/**
 * The fixtures agree with each other and with the documented formats: derived files (decoded
 * messages, raw bodies, the API Gateway event, the signing vector) say the same as their sources.
 */

type Json = Record<string, unknown>;

describe("fixtures/eventbridge", () => {
  it.each(fixtureNames("eventbridge"))("%s has the documented shape", (name) => {
    const event = fixture<{
      "detail-type": string;
      source: string;
      account: string;
      region: string;
      resources: string[];
      detail: { alarmName: string; state: Json; previousState?: Json; configuration: Json };
    }>(`eventbridge/${name}`);
    expect(event).toMatchObject({ "detail-type": "CloudWatch Alarm State Change", source: "aws.cloudwatch" });
    expect(event.resources).toEqual([
      `arn:aws:cloudwatch:${event.region}:${event.account}:alarm:${event.detail.alarmName}`,
    ]);
    for (const state of [event.detail.state, event.detail.previousState].filter(Boolean) as Json[]) {
      expect(state.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      if ("reasonData" in state) expect(typeof JSON.parse(String(state.reasonData))).toBe("object");
    }
    const { configuration } = event.detail;
    if ("alarmRule" in configuration) expect(configuration).not.toHaveProperty("metrics");
    else expect(Array.isArray(configuration.metrics)).toBe(true);
  });
});

describe("fixtures/sns", () => {
  const lambda = fixture<{ Records: { Sns: Json }[] }>("sns/sns-lambda-event-single-metric-alarm.json");
  const record = lambda.Records[0]!.Sns;
  const body = fixture<Json>("sns/sns-http-notification.body.json");
  const headers = fixture<Record<string, string>>("sns/sns-http-notification.headers.json");
  const decoded = fixture<Json>("sns/sns-alarm-message-single-metric.decoded.json");

  it("the Lambda record and the HTTP body carry the decoded message as a JSON string", () => {
    expect(JSON.parse(String(record.Message))).toEqual(decoded);
    expect(JSON.parse(String(body.Message))).toEqual(decoded);
    expect(record.MessageId).toBe(body.MessageId);
  });

  it("spells the certificate URL as each delivery does (SigningCertUrl vs SigningCertURL)", () => {
    expect(record).toHaveProperty("SigningCertUrl");
    expect(record).toHaveProperty("UnsubscribeUrl");
    expect(record).not.toHaveProperty("SigningCertURL");
    expect(body).toHaveProperty("SigningCertURL");
    expect(body).toHaveProperty("UnsubscribeURL");
    expect(body).not.toHaveProperty("SigningCertUrl");
  });

  it("HTTP headers match their bodies", () => {
    expect(headers["x-amz-sns-message-type"]).toBe(body.Type);
    expect(headers["x-amz-sns-message-id"]).toBe(body.MessageId);
    expect(headers["x-amz-sns-topic-arn"]).toBe(body.TopicArn);
    const confirmation = fixture<Json>("sns/sns-http-subscription-confirmation.body.json");
    const confirmationHeaders = fixture<Record<string, string>>(
      "sns/sns-http-subscription-confirmation.headers.json",
    );
    expect(confirmation.Type).toBe("SubscriptionConfirmation");
    expect(confirmationHeaders["x-amz-sns-message-type"]).toBe("SubscriptionConfirmation");
    expect(confirmationHeaders["x-amz-sns-message-id"]).toBe(confirmation.MessageId);
    expect(String(confirmation.SubscribeURL)).toContain(`Token=${confirmation.Token}`);
  });

  it.each(fixtureNames("sns").filter((n) => n.startsWith("sns-alarm-message-")))(
    "%s names the region for people and the ARN for machines",
    (name) => {
      const message = fixture<{ Region: string; AlarmArn: string; Trigger?: unknown; AlarmRule?: string }>(
        `sns/${name}`,
      );
      expect(message.Region).toMatch(/^(Asia Pacific|US West) \(/);
      expect(message.AlarmArn).toMatch(/^arn:aws:cloudwatch:[a-z]+-[a-z]+-\d:\d{12}:alarm:/);
      expect(message.AlarmRule === undefined).toBe(message.Trigger !== undefined);
    },
  );
});

describe("fixtures/slack", () => {
  const vector = fixture<{
    signing_secret: string;
    headers: Record<string, string>;
    body: string;
    basestring: string;
  }>("slack/signing-test-vector.json");

  it("the signing vector is HMAC-SHA256 of v0:{timestamp}:{raw body}", () => {
    const ts = vector.headers["X-Slack-Request-Timestamp"];
    expect(vector.basestring).toBe(`v0:${ts}:${vector.body}`);
    const expected = `v0=${createHmac("sha256", vector.signing_secret).update(vector.basestring).digest("hex")}`;
    expect(vector.headers["X-Slack-Signature"]).toBe(expected);
  });

  it("the slash command's raw body, decoded fields and API Gateway event are one request", () => {
    const raw = fixtureText("slack/slash-command.body.txt");
    expect(raw).toBe(vector.body);
    expect(Object.fromEntries(new URLSearchParams(raw))).toEqual(fixture("slack/slash-command.decoded.json"));
    const event = fixture<{ body: string; isBase64Encoded: boolean; headers: Record<string, string> }>(
      "slack/apigw-v2-slash-command-event.json",
    );
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body, "base64").toString("utf8")).toBe(raw);
    expect(event.headers["content-length"]).toBe(String(Buffer.byteLength(raw)));
    expect(event.headers["x-slack-request-timestamp"]).toBe(vector.headers["X-Slack-Request-Timestamp"]);
    expect(event.headers["x-slack-signature"]).toBe(vector.headers["X-Slack-Signature"]);
    for (const name of Object.keys(event.headers)) expect(name).toBe(name.toLowerCase());
  });

  it.each(["block-actions-button", "view-submission"])(
    "%s.body.txt is payload=<the payload JSON>",
    (name) => {
      const params = new URLSearchParams(fixtureText(`slack/${name}.body.txt`));
      expect([...params.keys()]).toEqual(["payload"]);
      expect(JSON.parse(params.get("payload")!)).toEqual(fixture(`slack/${name}.payload.json`));
    },
  );

  it("ssl_check and url_verification carry no team", () => {
    const sslCheck = Object.fromEntries(new URLSearchParams(fixtureText("slack/ssl-check.body.txt")));
    expect(sslCheck).toMatchObject({ ssl_check: "1" });
    expect(sslCheck).not.toHaveProperty("team_id");
    const challenge = fixture<Json>("slack/events-url-verification.json");
    expect(challenge).toMatchObject({ type: "url_verification", challenge: expect.any(String) });
    expect(challenge).not.toHaveProperty("team_id");
  });
});

describe("fixtures/alertmanager and fixtures/pagerduty", () => {
  it.each(fixtureNames("alertmanager"))("%s is a version 4 webhook whose alerts share its status", (name) => {
    const hook = fixture<{ version: string; status: string; alerts: { status: string; endsAt: string }[] }>(
      `alertmanager/${name}`,
    );
    expect(hook.version).toBe("4");
    expect(hook.alerts.length).toBeGreaterThan(0);
    for (const alert of hook.alerts) {
      expect(alert.status).toBe(hook.status);
      if (alert.status === "firing") expect(alert.endsAt).toBe("0001-01-01T00:00:00Z");
      else expect(Date.parse(alert.endsAt)).toBeGreaterThan(0);
    }
  });

  it("PagerDuty events share one dedup_key and routing key; only trigger has a payload", () => {
    const events = ["pd-trigger-full", "pd-acknowledge", "pd-resolve"].map((n) =>
      fixture<{ routing_key: string; dedup_key: string; event_action: string; payload?: Json }>(
        `pagerduty/${n}.json`,
      ),
    );
    expect(events.map((e) => e.event_action)).toEqual(["trigger", "acknowledge", "resolve"]);
    expect(new Set(events.map((e) => e.dedup_key)).size).toBe(1);
    expect(new Set(events.map((e) => e.routing_key)).size).toBe(1);
    expect(events[0]!.routing_key).toMatch(/^[0-9a-f]{32}$/);
    expect(events[0]!.payload).toMatchObject({
      summary: expect.any(String),
      source: expect.any(String),
      severity: "critical",
    });
    expect(events.slice(1).every((e) => e.payload === undefined)).toBe(true);
    expect(fixture("pagerduty/pd-response-accepted.json")).toEqual({
      status: "success",
      message: "Event processed",
      dedup_key: events[0]!.dedup_key,
    });
  });
});
