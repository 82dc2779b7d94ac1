import { generateKeyPairSync, sign } from "node:crypto";
import { ValidationError } from "@firebreak/core/shared/errors";
import { fixture } from "@firebreak/testkit/fixtures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normaliseSnsRecord } from "../alarm/normalise";
import {
  asLambdaRecord,
  isSnsUrl,
  readSnsMessage,
  type SnsHttpMessage,
  SnsSignatureError,
  stringToSign,
  verifySnsMessage,
} from "./sns";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PEM = publicKey.export({ type: "spki", format: "pem" }).toString();
const fetched: string[] = [];
const certificates = async (url: string) => {
  fetched.push(url);
  return PEM;
};

/** The fixture, signed here as SNS signs (the fixture's own signature is random bytes). */
function signed(
  name: string,
  version: "1" | "2" = "1",
  change: Partial<SnsHttpMessage> = {},
): SnsHttpMessage {
  const m = { ...readSnsMessage(fixture(`sns/${name}`)), SignatureVersion: version, ...change };
  const signature = sign(version === "1" ? "sha1" : "sha256", Buffer.from(stringToSign(m)), privateKey);
  return { ...m, Signature: signature.toString("base64") };
}

describe("SNS HTTP(S) messages", () => {
  it("verify with SignatureVersion 1 and 2, notifications and subscription confirmations alike", async () => {
    for (const name of ["sns-http-notification.body.json", "sns-http-subscription-confirmation.body.json"])
      for (const version of ["1", "2"] as const) await verifySnsMessage(signed(name, version), certificates);
    expect(fetched.every((u) => u.startsWith("https://sns.ap-southeast-2.amazonaws.com/"))).toBe(true);
  });

  it("refuse a message changed after signing, another version, and a certificate off SNS's host", async () => {
    const m = signed("sns-http-notification.body.json", "2");
    await expect(verifySnsMessage({ ...m, Message: `${m.Message} ` }, certificates)).rejects.toThrow(
      "the signature does not match the message",
    );
    await expect(verifySnsMessage({ ...m, SignatureVersion: "3" }, certificates)).rejects.toThrow(
      SnsSignatureError,
    );
    for (const url of [
      "https://sns.ap-southeast-2.amazonaws.com.evil.example/cert.pem",
      "http://sns.ap-southeast-2.amazonaws.com/cert.pem",
      "https://sns.us-east-1.amazonaws.com/cert.pem",
      "https://sns.ap-southeast-2.amazonaws.com:8443/cert.pem",
      "https://evil.example/sns.ap-southeast-2.amazonaws.com/cert.pem",
    ]) {
      const forged = signed("sns-http-notification.body.json", "1", { SigningCertURL: url });
      await expect(verifySnsMessage(forged, certificates), url).rejects.toThrow(/SigningCertURL must be/);
    }
    const unreadable = async () => {
      throw new Error("connect ETIMEDOUT");
    };
    await expect(verifySnsMessage(m, unreadable)).rejects.toThrow(/could not be read: connect ETIMEDOUT/);
  });

  it("name each missing field of a body that is not an SNS message", () => {
    try {
      readSnsMessage({ Type: "Notification", Message: "x" });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
        "TopicArn",
        "MessageId",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
      ]);
    }
    expect(() => readSnsMessage(fixture("pagerduty/pd-trigger-full.json"))).toThrow(
      /Not an SNS message: Type: required/,
    );
  });

  it("check subscribe URLs as certificate URLs are checked", () => {
    const confirmation = readSnsMessage(fixture("sns/sns-http-subscription-confirmation.body.json"));
    expect(isSnsUrl(confirmation.SubscribeURL!, "ap-southeast-2", "subscribe")).toBe(true);
    expect(
      isSnsUrl(
        "https://sns.ap-southeast-2.amazonaws.com.cn/?Action=ConfirmSubscription",
        "ap-southeast-2",
        "subscribe",
      ),
    ).toBe(true);
    expect(
      isSnsUrl("https://attacker.example/?Action=ConfirmSubscription", "ap-southeast-2", "subscribe"),
    ).toBe(false);
  });

  it("a notification is the alarm's SNS record, as the Lambda path reads it", () => {
    const m = readSnsMessage(fixture("sns/sns-http-notification.body.json"));
    const t = normaliseSnsRecord(asLambdaRecord(m), 0);
    expect(t).toMatchObject({
      format: "sns",
      deliveryId: m.MessageId,
      alarmName: "ledger-api-5xx-high",
      state: "ALARM",
      region: "ap-southeast-2",
    });
  });
});

describe("the SNS reader under fuzz", () => {
  it("reads or refuses 10,000 bodies (anything, and the fixture with a field replaced), never throwing otherwise", () => {
    const base = fixture<Record<string, unknown>>("sns/sns-http-notification.body.json");
    const fields = Object.keys(base);
    const anyValue = fc.anything({ maxDepth: 3 });
    const mutated = fc
      .tuple(fc.constantFrom(...fields), anyValue)
      .map(([field, value]) => ({ ...base, [field]: value }));
    fc.assert(
      fc.property(fc.oneof(anyValue, mutated), (body) => {
        try {
          const m = readSnsMessage(body);
          stringToSign(m);
          if (m.Type === "Notification") {
            try {
              normaliseSnsRecord(asLambdaRecord(m), 0);
            } catch (error) {
              if (!(error instanceof ValidationError)) throw error;
            }
          }
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
