import { describe, expect, it } from "vitest";
import type { FakeSlackCall } from "./fake-slack";
import type { PublishedMessage } from "./fake-sns";
import { formatSlackPage, formatSnsPage, pagingSinksFromEnv } from "./sinks";

describe("pagingSinksFromEnv: which sinks are real", () => {
  it("uses both fakes by default", () => {
    expect(pagingSinksFromEnv({})).toEqual({
      sinks: { slack: { kind: "fake" }, sns: { kind: "fake" } },
      issues: [],
    });
    expect(pagingSinksFromEnv({ FIREBREAK_SNS_REAL: "0", AWS_REGION: "eu-west-1" }).sinks.sns).toEqual({
      kind: "fake",
    });
  });

  it("switches Slack to the real Web API with SLACK_BOT_TOKEN, and refuses a non-bot token", () => {
    expect(pagingSinksFromEnv({ SLACK_BOT_TOKEN: "xoxb-1-2-abc" }).sinks.slack).toEqual({
      kind: "real",
      token: "xoxb-1-2-abc",
    });
    expect(pagingSinksFromEnv({ SLACK_BOT_TOKEN: "xoxp-user" }).issues).toEqual([
      { path: "SLACK_BOT_TOKEN", message: "a bot token starts with xoxb-" },
    ]);
  });

  it("switches SNS to real SNS with FIREBREAK_SNS_REAL=1 and a region (AWS_REGION first)", () => {
    expect(pagingSinksFromEnv({ FIREBREAK_SNS_REAL: "1", AWS_REGION: "eu-west-1" }).sinks.sns).toEqual({
      kind: "real",
      region: "eu-west-1",
    });
    expect(
      pagingSinksFromEnv({ FIREBREAK_SNS_REAL: "true", AWS_DEFAULT_REGION: "us-east-1" }).sinks.sns,
    ).toEqual({ kind: "real", region: "us-east-1" });
  });

  it("names the variable when real SNS lacks a region, has a bad one, or the flag is not 1/0", () => {
    expect(pagingSinksFromEnv({ FIREBREAK_SNS_REAL: "1" }).issues[0]?.path).toBe("FIREBREAK_SNS_REAL");
    expect(pagingSinksFromEnv({ FIREBREAK_SNS_REAL: "1", AWS_REGION: "Ireland" }).issues).toEqual([
      { path: "AWS_REGION", message: 'not a region: "Ireland"' },
    ]);
    const bad = pagingSinksFromEnv({ FIREBREAK_SNS_REAL: "maybe" });
    expect(bad.issues).toEqual([{ path: "FIREBREAK_SNS_REAL", message: 'expected 1 or 0, got "maybe"' }]);
    expect(bad.sinks.sns).toEqual({ kind: "fake" });
  });
});

describe("printing recorded pages", () => {
  const link = "http://127.0.0.1:3000/ack/l1.AbC_d-9";
  const attributes = {
    severity: { dataType: "String", stringValue: "SEV2" },
    incident_id: { dataType: "String", stringValue: "01INC" },
  };

  it("prints a topic page with subject, SMS, dashboard and the ack link on its own line", () => {
    const message: PublishedMessage = {
      messageId: "m1",
      topicArn: "arn:aws:sns:eu-west-1:210987654321:firebreak-checkout-pages",
      subject: "[SEV2] INC-7: Checkout 5xx",
      message: "{}",
      messageStructure: "json",
      structure: {
        default: "SEV2 INC-7",
        sms: `SEV2 INC-7 checkout: Checkout 5xx Ack ${link}`,
        email: `Checkout 5xx\n\nAcknowledge (one click): ${link}\nDashboard: http://127.0.0.1:3000/incidents/01INC`,
      },
      attributes,
      at: new Date(),
    };
    expect(formatSnsPage(message).split("\n")).toEqual([
      "── SNS page → topic arn:aws:sns:eu-west-1:210987654321:firebreak-checkout-pages ──",
      "  incident 01INC (SEV2)",
      "  subject  [SEV2] INC-7: Checkout 5xx",
      `  sms      SEV2 INC-7 checkout: Checkout 5xx Ack ${link}`,
      "  incident http://127.0.0.1:3000/incidents/01INC",
      `  ack      ${link}   (open in a browser)`,
    ]);
  });

  it("prints a direct SMS", () => {
    const block = formatSnsPage({
      messageId: "m2",
      phoneNumber: "+447700900101",
      message: `SEV2 INC-7: Checkout 5xx Ack ${link}`,
      attributes,
      at: new Date(),
    });
    expect(block).toContain("── SNS page → SMS +447700900101 ──");
    expect(block).toContain(`  ack      ${link}`);
  });

  it("prints a Slack page with its buttons and ignores other methods", () => {
    const call: FakeSlackCall = {
      method: "chat.postMessage",
      at: new Date(),
      body: {
        channel: "U01ALICE01",
        text: "SEV2 INC-7: Checkout 5xx",
        blocks: [
          {
            type: "actions",
            elements: [
              { type: "button", action_id: "incident_ack", text: { text: "Acknowledge" } },
              { type: "button", action_id: "incident_take_ic", text: { text: "Take IC" } },
            ],
          },
        ],
      },
    };
    expect(formatSlackPage(call, { ts: "1.000001" })?.split("\n")).toEqual([
      "── Slack message → DM U01ALICE01 (ts 1.000001) ──",
      "  text     SEV2 INC-7: Checkout 5xx",
      "  buttons  Acknowledge [incident_ack]  Take IC [incident_take_ic]",
    ]);
    expect(formatSlackPage({ ...call, body: { ...call.body, channel: "C07CHECKOUT" } })).toContain(
      "channel C07CHECKOUT",
    );
    expect(formatSlackPage({ ...call, method: "users.info" })).toBeUndefined();
  });
});
