/**
 * Amazon SNS HTTP(S) subscriptions through the local runtime (issue 16, item 1): a topic subscribed
 * to `/integrations/sns/<key>` is confirmed, and its alarm notifications open incidents through the
 * same ingest as the SNS Lambda path. Every message is signed here as SNS signs (SignatureVersion 1
 * and 2) with a key whose public half the fake SNS host serves as the signing certificate: SNS's
 * hosts have no local form. Unsigned, tampered and off-host messages are refused with 403.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { readSnsMessage, type SnsHttpMessage, stringToSign } from "@firebreak/core/integrations/sns";
import { fixture } from "@firebreak/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildCli } from "../src/cli";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, startTestRuntime } from "./support/runtime";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const certificates: string[] = [];
const confirmed: string[] = [];

let runtime: LocalRuntime;
let admin: string;
let key: string;
const call = apiCaller(
  () => runtime,
  () => admin,
);

beforeAll(async () => {
  runtime = await startTestRuntime("sns-http", {
    snsHttp: {
      fetchCertificate: async (url) => {
        certificates.push(url);
        return publicKey.export({ type: "spki", format: "pem" }).toString();
      },
      confirm: async (url) => {
        confirmed.push(url);
      },
    },
  });
  admin = await runtime.apiToken("admin", "kate");
  const err: string[] = [];
  const out: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
  try {
    await buildCli().parseAsync([
      "node",
      "firebreak",
      "integration",
      "create",
      "sns",
      "--name",
      "alarm-topic",
      "--url",
      runtime.url,
      "--token",
      admin,
    ]);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  key = out[0]!;
  expect(err.join("\n")).toContain(`--notification-endpoint ${runtime.url}/integrations/sns/${key}`);
});
afterAll(() => runtime.stop());

function signed(name: string, version: "1" | "2", change: Partial<SnsHttpMessage> = {}): SnsHttpMessage {
  const m = { ...readSnsMessage(fixture(`sns/${name}`)), SignatureVersion: version, ...change };
  const signature = sign(version === "1" ? "sha1" : "sha256", Buffer.from(stringToSign(m)), privateKey);
  return { ...m, Signature: signature.toString("base64") };
}

/** As SNS delivers: text/plain, the message type in a header. */
const deliver = (m: unknown, to = key) =>
  fetch(`${runtime.url}/integrations/sns/${to}`, {
    method: "POST",
    headers: {
      "content-type": "text/plain; charset=UTF-8",
      "x-amz-sns-message-type": String((m as { Type?: string }).Type),
      "user-agent": "Amazon Simple Notification Service Agent",
    },
    body: JSON.stringify(m),
  });

describe("SNS HTTP(S) subscriptions, through the local runtime", () => {
  it("confirms the subscription, then ingests its alarm notifications once each", async () => {
    const confirmation = signed("sns-http-subscription-confirmation.body.json", "1");
    const res = await deliver(confirmation);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "confirmed", topic: confirmation.TopicArn });
    expect(confirmed).toEqual([confirmation.SubscribeURL]);

    const notification = signed("sns-http-notification.body.json", "2");
    const first = await deliver(notification);
    expect(first.status).toBe(200);
    const opened = (await first.json()) as { results: { outcome: string; incidentId: string }[] };
    expect(opened.results[0]?.outcome).toBe("opened");
    const detail = (await call(`/api/incidents/${opened.results[0]!.incidentId}`)).json;
    expect(detail).toMatchObject({ title: "ledger-api-5xx-high", alarm: { region: "ap-southeast-2" } });
    // SNS retries: the same MessageId is the same delivery.
    const again = (await (await deliver(notification)).json()) as { results: { outcome: string }[] };
    expect(again.results[0]?.outcome).toBe("duplicate");
    expect(certificates.every((u) => u.startsWith("https://sns.ap-southeast-2.amazonaws.com/"))).toBe(true);
  });

  it("refuses unsigned, tampered and off-host messages (403), and any without the key (401)", async () => {
    const notification = signed("sns-http-notification.body.json", "1");
    const { Signature: _s, ...unsigned } = notification;
    expect((await deliver(unsigned)).status).toBe(400);
    expect((await deliver({ ...notification, Signature: Buffer.alloc(256).toString("base64") })).status).toBe(
      403,
    );
    expect(
      (await deliver({ ...notification, Message: notification.Message.replace("ALARM", "OK") })).status,
    ).toBe(403);
    const offHost = signed("sns-http-notification.body.json", "1", {
      SigningCertURL: "https://attacker.example/SimpleNotificationService.pem",
    });
    const refused = await deliver(offHost);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toContain(
      "SigningCertURL must be an https .pem on sns.ap-southeast-2.amazonaws.com",
    );
    const confirmation = signed("sns-http-subscription-confirmation.body.json", "2", {
      SubscribeURL: "https://attacker.example/?Action=ConfirmSubscription",
    });
    expect((await deliver(confirmation)).status).toBe(403);
    expect(confirmed.some((u) => u.includes("attacker"))).toBe(false);
    expect((await deliver(notification, "0".repeat(32))).status).toBe(401);
  });

  it("dead-letters a signed notification that is not an alarm, with its reason, and answers 200 (a retry cannot fix it)", async () => {
    const before = runtime.deadLetters.letters.length;
    const other = signed("sns-http-notification.body.json", "1", {
      MessageId: "b7d1e2f3-0000-4a5b-8c9d-0e1f2a3b4c5d",
      Message: "deploy finished",
    });
    const res = await deliver(other);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("dead-lettered");
    expect(runtime.deadLetters.letters.length).toBe(before + 1);
  });
});
