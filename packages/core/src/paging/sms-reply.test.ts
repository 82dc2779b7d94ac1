import { ValidationError } from "@firebreak/core/shared/errors";
import { fixture, fixtureText } from "@firebreak/testkit/fixtures";
import { describe, expect, it } from "vitest";
import { interpretReply, normalisePhone, readInboundSms } from "./sms-reply";

describe("readInboundSms (End User Messaging two-way SMS)", () => {
  it("reads the payload as published to the two-way topic, and as the SNS envelope carries it", () => {
    const sms = readInboundSms(fixtureText("sms/two-way-sms-reply.decoded.json"));
    expect(sms).toEqual({
      originationNumber: "+61491570156",
      destinationNumber: "+61491570006",
      messageKeyword: "KEYWORD_111122223333",
      messageBody: "1",
      inboundMessageId: "3f6c2a91-8d4e-5b07-9c1a-e2f4b6d8a0c3",
      previousPublishedMessageId: "c8d2e4f6-a1b3-4c5d-9e7f-0a1b2c3d4e5f",
    });
    const envelope = fixture<{ Message: string }>("sms/two-way-sms-notification.body.json");
    expect(readInboundSms(envelope.Message)).toEqual(sms);
  });

  it("says what is wrong with anything else", () => {
    expect(() => readInboundSms("deploy finished")).toThrow(/not JSON/);
    const missing = () =>
      readInboundSms(JSON.stringify({ originationNumber: "+61491570156", messageBody: "1" }));
    expect(missing).toThrow(ValidationError);
    expect(missing).toThrow(/destinationNumber/);
    expect(missing).toThrow(/inboundMessageId/);
  });
});

describe("interpretReply", () => {
  it.each([
    ["1", { kind: "ack", latest: true }],
    [" ack ", { kind: "ack", latest: true }],
    ["Ack.", { kind: "ack", latest: true }],
    ["ACKNOWLEDGE", { kind: "ack", latest: true }],
    ["ack INC-42", { kind: "ack", incidentNumber: 42 }],
    ["ACK inc-42", { kind: "ack", incidentNumber: 42 }],
    ["inc 7", { kind: "ack", incidentNumber: 7 }],
    ["ack 42", { kind: "ack", incidentNumber: 42 }],
    ["048213", { kind: "ack", code: "048213" }],
    ["ack 048213", { kind: "ack", code: "048213" }],
    ["VERIFY 048213", { kind: "verify", code: "048213" }],
    ["verify 048 213", { kind: "verify", code: "048213" }],
    ["Verify 048-213.", { kind: "verify", code: "048213" }],
    ["verify 04821", { kind: "ignored", reason: "not_an_ack" }],
    ["STOP", { kind: "ignored", reason: "keyword" }],
    ["help", { kind: "ignored", reason: "keyword" }],
    ["2", { kind: "ignored", reason: "not_an_ack" }],
    ["on my way", { kind: "ignored", reason: "not_an_ack" }],
    ["", { kind: "ignored", reason: "not_an_ack" }],
  ])("%j", (body, expected) => {
    expect(interpretReply(body)).toEqual(expected);
  });
});

describe("normalisePhone", () => {
  it("reads E.164 with spacing, brackets and a 00 prefix; nothing else", () => {
    expect(normalisePhone("+61 491 570 156")).toBe("+61491570156");
    expect(normalisePhone("0061-(491)-570.156")).toBe("+61491570156");
    expect(normalisePhone("0491 570 156")).toBeUndefined();
    expect(normalisePhone("Firebreak")).toBeUndefined();
  });
});
