import { type FakeSmsVoice, ssmlProblem, startFakeSmsVoice } from "@firebreak/local/fake-sms-voice";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { matchesVoiceAckCode, voiceAckCode } from "../../paging/ack-link";
import type { OutgoingPage, PageTarget } from "../../paging/channels";
import type { PageContent } from "../../paging/messages";
import { escapeSsml, VOICE_SSML_MAX_LENGTH, voicePage } from "../../paging/voice-message";
import { createSmsVoiceClient, VoiceChannel } from "./voice-channel";

const ORIGINATION = "arn:aws:sms-voice:eu-west-2:123456789012:phone-number/phone-0123";
const PHONE = "+447700900123";
const KEY = { id: "k1", secret: "a-test-ack-key-of-at-least-32-bytes!!" };
let fake: FakeSmsVoice;

beforeAll(async () => {
  fake = await startFakeSmsVoice();
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => fake.reset());

function content(overrides: Partial<PageContent["incident"]> = {}, reason = "level 1 of checkout's policy") {
  return {
    incident: {
      id: "01INCIDENT",
      number: 42,
      title: "Checkout is down",
      severity: "SEV1" as const,
      services: ["checkout"],
      ...overrides,
    },
    reason,
    ackUrl: "https://fb.example/ack/x",
    voiceAckCode: "048213",
  };
}

function page(target: PageTarget, ssml = voicePage(content())): OutgoingPage {
  return {
    pageId: "01PAGE",
    incidentId: "01INCIDENT",
    incidentNumber: 42,
    severity: "SEV1",
    title: "Checkout is down",
    target,
    sms: "",
    email: { subject: "", body: "" },
    text: "",
    slack: { text: "", blocks: [] },
    voice: { ssml, ackCode: "048213" },
  };
}

function channel(attempts = 3) {
  return new VoiceChannel({
    originationIdentity: ORIGINATION,
    voiceId: "JOANNA",
    client: createSmsVoiceClient(
      {
        endpoint: fake.endpoint,
        region: "eu-west-2",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      },
      { requestTimeoutMs: 2_000 },
    ),
    retry: { attempts, baseMs: 1, maxMs: 5 },
    sleep: async () => undefined,
  });
}

const person: PageTarget = { kind: "person", personId: "bob", phone: PHONE };

describe("voicePage (SSML)", () => {
  it("says the severity, incident number, service, title, reason and the code digit by digit", () => {
    const ssml = voicePage(content());
    expect(ssmlProblem(ssml)).toBeUndefined();
    expect(ssml).toContain("Severity 1 incident, number 42, service checkout.");
    expect(ssml).toContain("Checkout is down.");
    expect(ssml).toContain("level 1 of checkout&#39;s policy");
    expect(ssml).toContain('<say-as interpret-as="digits">048213</say-as>');
    expect(ssml).toContain("reply 1 by SMS");
  });

  it("reads a hostile title as text: no tag of its own, always well-formed and within the limit (property, fixed seed)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 5000, unit: "binary" }),
        fc.array(fc.string({ maxLength: 300 }), { minLength: 1, maxLength: 3 }),
        fc.string({ maxLength: 2000 }),
        (title, services, reason) => {
          const ssml = voicePage(content({ title, services }, reason));
          expect(ssmlProblem(ssml)).toBeUndefined();
          expect(ssml.length).toBeLessThanOrEqual(VOICE_SSML_MAX_LENGTH);
          // The only tags are ours.
          const tags = [...ssml.matchAll(/<\/?([a-z-]+)/g)].map((m) => m[1]);
          expect(new Set(tags)).toEqual(new Set(["speak", "break", "say-as"]));
        },
      ),
      { seed: 2121, numRuns: 300 },
    );
  });

  it("escapes the characters that could open a tag or an entity", () => {
    expect(escapeSsml(`</speak><audio src="x"/>&amp; 'a'`)).toBe(
      "&#60;/speak&#62;&#60;audio src=&#34;x&#34;/&#62;&#38;amp; &#39;a&#39;",
    );
    const injected = voicePage(content({ title: '</speak><speak><audio src="https://evil"/>' }));
    expect(injected).not.toContain("<audio");
    expect(ssmlProblem(injected)).toBeUndefined();
  });
});

describe("voice ack codes", () => {
  it("are six digits, bound to the page and to the number, and matched back with any key of the ring", () => {
    const code = voiceAckCode(KEY, "01PAGE", PHONE);
    expect(code).toMatch(/^\d{6}$/);
    expect(voiceAckCode(KEY, "01PAGE", PHONE)).toBe(code);
    const old = { id: "k0", secret: "an-older-ack-key-of-at-least-32-bytes" };
    expect(matchesVoiceAckCode([KEY], "01PAGE", PHONE, code)).toBe(true);
    expect(matchesVoiceAckCode([old, KEY], "01PAGE", PHONE, code)).toBe(true);
    expect(matchesVoiceAckCode([old], "01PAGE", PHONE, code)).toBe(false);
    expect(matchesVoiceAckCode([KEY], "01PAGE", "+447700900999", code)).toBe(false);
    expect(matchesVoiceAckCode([KEY], "01OTHER", PHONE, code)).toBe(false);
    expect(matchesVoiceAckCode([KEY], "01PAGE", PHONE, code.slice(0, 5))).toBe(false);
  });
});

describe("VoiceChannel against the fake End User Messaging (real SDK over HTTP)", () => {
  it("calls the person's phone from the origination identity with the SSML", async () => {
    const result = await channel().send(page(person));
    expect(result).toMatchObject({ status: "delivered", attempts: 1 });
    expect(fake.requests[0]?.target).toBe("PinpointSMSVoiceV2.SendVoiceMessage");
    expect(fake.calls).toHaveLength(1);
    const call = fake.calls[0]!;
    expect(result.status === "delivered" && result.providerId).toBe(call.messageId);
    expect(call).toMatchObject({
      destinationPhoneNumber: PHONE,
      originationIdentity: ORIGINATION,
      messageBodyTextType: "SSML",
      voiceId: "JOANNA",
      context: { firebreakPageId: "01PAGE", firebreakIncidentId: "01INCIDENT" },
    });
    expect(call.messageBody).toBe(voicePage(content()));
  });

  it("retries throttling and server faults, then delivers", async () => {
    fake.failNext(1, "throttle");
    fake.failNext(1, "500");
    const result = await channel().send(page(person));
    expect(result).toMatchObject({ status: "delivered", attempts: 3 });
  });

  it("does not retry a ValidationException, an AccessDenied or a spend limit", async () => {
    for (const type of ["ValidationException", "AccessDeniedException", "ServiceQuotaExceededException"]) {
      fake.reset();
      fake.failNext(1, { status: 400, type });
      const result = await channel().send(page(person));
      expect(result, type).toMatchObject({
        status: "failed",
        attempts: 1,
        error: { code: type, retryable: false },
      });
    }
  });

  it("gives up after its attempts with a retryable failure", async () => {
    fake.failNext(5, "throttle");
    const result = await channel(2).send(page(person));
    expect(result).toMatchObject({
      status: "failed",
      attempts: 2,
      error: { code: "ThrottlingException", retryable: true },
    });
  });

  it("refuses what it cannot call without a request: a topic, no phone, a non-E.164 phone, no SSML", async () => {
    const voice = channel();
    expect(
      await voice.send(page({ kind: "topic", arn: "arn:aws:sns:eu-west-2:123456789012:t" })),
    ).toMatchObject({
      error: { code: "unsupported_target" },
    });
    expect(await voice.send(page({ kind: "person", personId: "bob" }))).toMatchObject({
      error: { code: "no_address" },
    });
    expect(await voice.send(page({ kind: "person", personId: "bob", phone: "07700 900123" }))).toMatchObject({
      error: { code: "InvalidPhoneNumber" },
    });
    expect(await voice.send({ ...page(person), voice: undefined } as OutgoingPage)).toMatchObject({
      error: { code: "render_failed" },
    });
    expect(fake.requests).toHaveLength(0);
  });

  it("the fake refuses SSML with an injected tag, as the service would", async () => {
    const result = await channel().send(page(person, "<speak>x</speak><audio/>"));
    expect(result).toMatchObject({
      status: "failed",
      error: { code: "ValidationException", retryable: false },
    });
  });
});
