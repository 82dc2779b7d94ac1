/**
 * Verified contact methods through the whole local runtime (issue 21 item 4), on a pinned clock
 * and with the values a deploy has (an End User Messaging origination ARN, the two-way SMS topic of
 * the real fixture, signed SNS envelopes):
 *
 * - before anything is verified, the coverage check (API) reports every shift of the rotation as
 *   an `unverified_method` gap;
 * - Ann asks for an SMS test message (API, as herself): the pager sends the code to her phone
 *   through the SNS fake; she replies with the code by SMS; her SMS is verified and she gets a
 *   confirmation; the redelivered reply changes nothing;
 * - Pat asks from Slack (`/incident me verify slack`), gets the DM, and confirms the code from
 *   Slack after a wrong one;
 * - Ann's call: the voice fake reads the code out, digit by digit; `VERIFY 123 456` by SMS confirms;
 * - then no gap is left;
 * - and the refusals: someone else's method (403), a second request within a minute (429), e-mail
 *   (400 naming the method), a malformed code (400 naming the code), a wrong code (422, tries left).
 */
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../src/runtime";
import { inboundSmsSender } from "./support/inbound-sms";
import { slashCommand, startTestRuntime, whenDefined } from "./support/runtime";

const sms = inboundSmsSender();
const ORIGINATION = "arn:aws:sms-voice:ap-southeast-2:111122223333:phone-number/phone-0a1b2c3d4e5f";
const ANN = "+12025550101";

const DIRECTORY = `
version: 1
people:
  - { id: ann, name: Ann Lee, slackUserId: U01ANN0001, phone: "${ANN}", timezone: America/New_York }
  - { id: pat, name: Pat Doe, slackUserId: U01PAT0002, timezone: America/New_York }
teams:
  - id: checkout
    name: Checkout
    services: [checkout]
    alertChannel: C0CHECKOUT1
    rotations:
      - id: us-primary
        members: [ann, pat]
        shift: { type: daily }
        handoffTime: "09:00"
        timezone: America/New_York
        start: "2026-03-01"
    escalationPolicy:
      levels:
        - targets: [{ type: rotation, id: us-primary }]
          timeoutMinutes: 5
      fallback: { type: person, id: ann }
`;

let now = Date.parse("2026-03-06T15:00:00Z");
const clock = { now: () => new Date(now) };
let runtime: LocalRuntime;
let sequence = 0;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  runtime = await startTestRuntime("verify", {
    clock,
    demoDirectory: null,
    sweepIntervalMs: 3_600_000,
    settings: { FIREBREAK_VOICE_ORIGINATION: ORIGINATION, FIREBREAK_SMS_INBOUND_TOPIC_ARN: sms.topicArn },
    snsHttp: sms.snsHttp,
  });
  await runtime.paging.directory.apply(parseDirectoryYaml(DIRECTORY), 0, {
    actor: { type: "user", id: "test", name: "verify test" },
  });
  tokens.ann = await runtime.apiToken("viewer", "ann");
  tokens.pat = await runtime.apiToken("viewer", "pat");
}, 60_000);
afterAll(() => runtime.stop());

async function api(who: "ann" | "pat", path: string, body?: unknown) {
  const res = await fetch(`${runtime.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${tokens[who]}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the answers have several shapes
  return { status: res.status, json: (await res.json()) as any };
}

/** An inbound SMS from `from` saying `body` (or `id`'s again), delivered; with its id. */
async function reply(from: string, body: string, id = `in-${++sequence}`) {
  return { ...(await sms.deliver(runtime.url, sms.reply(from, body, {}, id))), id };
}

const gaps = async () =>
  (await api("ann", "/api/oncall/coverage?days=4")).json.gaps as {
    reason: string;
    person?: string;
    from: string;
  }[];

const methodOf = async (who: "ann" | "pat", method: string) =>
  (
    (await api(who, `/api/people/${who}/contact-methods`)).json.methods as {
      method: string;
      status: string;
    }[]
  ).find((m) => m.method === method);

describe("verifying contact methods, through the local runtime", () => {
  it("reports every shift as an unverified gap before anyone verifies", async () => {
    const found = await gaps();
    expect(found.length).toBeGreaterThan(3);
    expect(found.every((g) => g.reason === "unverified_method")).toBe(true);
    expect(new Set(found.map((g) => g.person))).toEqual(new Set(["ann", "pat"]));
    expect(await methodOf("ann", "sms")).toMatchObject({ status: "unverified", address: ANN });
    expect(await methodOf("pat", "sms")).toEqual({ method: "sms", status: "no_address" });
  });

  it("Ann: an SMS test message, the code replied by SMS verifies it; the redelivered reply changes nothing", async () => {
    const asked = await api("ann", "/api/people/ann/contact-methods/sms/verification", {});
    expect(asked.status).toBe(202);
    expect(asked.json.methods.find((m: { method: string }) => m.method === "sms")).toMatchObject({
      status: "pending",
    });
    const sms = await whenDefined(() =>
      runtime.fakeSns.published.find((m) => m.phoneNumber === ANN && /your code is \d{6}/.test(m.message)),
    );
    const code = /your code is (\d{6})/.exec(sms.message)![1]!;
    await whenDefined(async () => ((await methodOf("ann", "sms")) as { sentAt?: string }).sentAt);

    const first = await reply(ANN, ` ${code} `);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ outcome: "verified", personId: "ann", method: "sms" });
    expect(await methodOf("ann", "sms")).toMatchObject({ status: "verified", verifiedVia: "sms" });
    await whenDefined(() =>
      runtime.fakeSns.published.find((m) => m.phoneNumber === ANN && m.message.startsWith("Verified")),
    );
    const again = await reply(ANN, ` ${code} `, first.id);
    // Nothing waits for a code any more: read as an ack, of nothing (no open incident paged Ann).
    expect(again.json).toMatchObject({ outcome: "ignored", reason: "not_paged" });
    expect(runtime.fakeSns.published.filter((m) => m.message.startsWith("Verified"))).toHaveLength(1);
  });

  it("Pat: from Slack, a DM with the code; a wrong code first, then the right one", async () => {
    const asked = await slashCommand(runtime, "me verify slack", "U01PAT0002", clock.now());
    expect(asked.text).toContain(
      "A test message with a six-digit code is on its way as a DM from me to U01PAT0002",
    );
    const dm = await whenDefined(() =>
      runtime.fakeSlack!.calls.find(
        (c) => c.method === "chat.postMessage" && c.body.channel === "U01PAT0002",
      ),
    );
    const code = /code (\d{6})/.exec(String(dm.body.text))![1]!;
    await whenDefined(async () => ((await methodOf("pat", "slack")) as { sentAt?: string }).sentAt);
    const wrong = await slashCommand(
      runtime,
      `me verify ${code === "000000" ? "111111" : "000000"}`,
      "U01PAT0002",
      clock.now(),
    );
    expect(wrong.text).toContain("wrong code for Pat Doe's test message: 4 tries left");
    const right = await slashCommand(runtime, `me verify ${code}`, "U01PAT0002", clock.now());
    expect(right.text).toContain("Verified: your Slack DM.");
    const shown = await slashCommand(runtime, "me", "U01PAT0002", clock.now());
    expect(shown.text).toContain("*Contact methods*: Slack DM verified");
  });

  it("Ann's call reads the code out; VERIFY and the code by SMS confirms it; then no gap is left", async () => {
    now += 61_000;
    const asked = await api("ann", "/api/people/ann/contact-methods/voice/verification", {});
    expect(asked.status).toBe(202);
    const call = await whenDefined(() =>
      runtime.fakeSmsVoice.calls.find(
        (c) => c.destinationPhoneNumber === ANN && c.messageBody.includes("verifying"),
      ),
    );
    expect(call).toMatchObject({ originationIdentity: ORIGINATION, messageBodyTextType: "SSML" });
    const code = /<say-as interpret-as="digits">(\d{6})<\/say-as>/.exec(call.messageBody)![1]!;
    await whenDefined(async () => ((await methodOf("ann", "voice")) as { sentAt?: string }).sentAt);
    const confirmed = await reply(ANN, `verify ${code.slice(0, 3)} ${code.slice(3)}`);
    expect(confirmed.json).toMatchObject({ outcome: "verified", method: "voice" });
    expect(await gaps()).toEqual([]);
  });

  it("refuses another person's method, a second request within a minute, e-mail, a malformed or wrong code", async () => {
    expect((await api("pat", "/api/people/ann/contact-methods/sms/verification", {})).status).toBe(403);
    now += 61_000;
    const before = runtime.fakeSns.published.length;
    expect((await api("ann", "/api/people/ann/contact-methods/sms/verification", {})).status).toBe(202);
    const soon = await api("ann", "/api/people/ann/contact-methods/sms/verification", {});
    expect(soon.status).toBe(429);
    expect(soon.json.detail).toMatch(/wait \d+ s before asking for another/);
    const email = await api("ann", "/api/people/ann/contact-methods/email/verification", {});
    expect(email.status).toBe(400);
    expect(email.json.issues[0].path).toBe("method");
    const malformed = await api("ann", "/api/people/ann/contact-methods/sms/verification/confirm", {
      code: "12ab56",
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.issues[0].path).toBe("code");
    await whenDefined(async () => ((await methodOf("ann", "sms")) as { sentAt?: string }).sentAt);
    const wrong = await api("ann", "/api/people/ann/contact-methods/sms/verification/confirm", {
      code: "000000",
    });
    // (One in a million: the real code is 000000.)
    if (wrong.status !== 200) {
      expect(wrong.status).toBe(422);
      expect(wrong.json.detail).toContain("4 tries left");
    }
    // Her SMS stays verified while the new test message is out: no gap opened by asking.
    expect(await methodOf("ann", "sms")).toMatchObject({ status: "verified", verifiedVia: "sms" });
    expect(await gaps()).toEqual([]);
    // The new code, replied by SMS, confirms the new test message.
    const sms = runtime.fakeSns.published.slice(before).find((m) => /your code is \d{6}/.test(m.message))!;
    const code = /your code is (\d{6})/.exec(sms.message)![1]!;
    expect((await reply(ANN, code)).json).toMatchObject({ outcome: "verified", method: "sms" });
  });
});
