/**
 * Voice pages and acknowledging by SMS reply, through the local runtime (issue 21 items 2 and 3):
 * a SEV1 pages the on-call person by SMS and by a voice call (the real End User Messaging client
 * against the fake, with the SSML), then their SMS reply "1", delivered as End User Messaging's
 * two-way topic delivers it (an SNS HTTP(S) notification, signed here as SNS signs, with a key
 * whose public half the fake SNS host serves), acknowledges the page as that person and stops the
 * escalation. Numbers that were not paged, or are not in the directory, acknowledge nothing; a
 * redelivered reply acts once; forged and off-topic messages are refused.
 */
import { readFileSync } from "node:fs";
import type { SnsHttpMessage } from "@firebreak/core/integrations/sns";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { whoIsOnCall } from "@firebreak/core/oncall/who";
import { voiceAckCode } from "@firebreak/core/paging/ack-link";
import { sweepEscalations } from "@firebreak/core/paging/service";
import { testInstant } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { ssmlProblem } from "../src/fake-sms-voice";
import type { LocalRuntime } from "../src/runtime";
import { inboundSmsSender } from "./support/inbound-sms";
import { sendAlarmEvent, startTestRuntime, whenDefined } from "./support/runtime";

const sms = inboundSmsSender();
const ORIGINATION = "arn:aws:sms-voice:ap-southeast-2:111122223333:phone-number/phone-0a1b2c3d4e5f";
const demo = parseDirectoryYaml(
  readFileSync(new URL("../../../examples/directory.yaml", import.meta.url), "utf8"),
);

let runtime: LocalRuntime;
// The test instant, moving with real time, plus the minutes the test skips (a call waits 5 minutes).
let skipped = 0;
const started = performance.now();
const clock = { now: () => new Date(testInstant().getTime() + (performance.now() - started) + skipped) };

/** Five minutes pass unacknowledged: the default rules' call is due (the sweep sends it). */
async function fiveMinutesLater() {
  skipped += 5 * 60_000 + 1_000;
  await sweepEscalations(runtime.paging);
}

beforeAll(async () => {
  runtime = await startTestRuntime("sms-reply", {
    clock,
    sweepIntervalMs: 3_600_000,
    settings: { FIREBREAK_VOICE_ORIGINATION: ORIGINATION, FIREBREAK_SMS_INBOUND_TOPIC_ARN: sms.topicArn },
    snsHttp: sms.snsHttp,
  });
});
afterAll(() => runtime.stop());

const reply = (from: string, body: string, change: Partial<SnsHttpMessage> = {}, id?: string) =>
  sms.reply(from, body, change, id);
const deliver = (m: unknown) => sms.deliver(runtime.url, m);

describe("a SEV1 calls the on-call person; their SMS reply 1 acknowledges", () => {
  let incidentId: string;
  let number: number;
  const first = whoIsOnCall(demo, "checkout", testInstant()).levels[0]?.targets[0];
  if (first?.type !== "person") throw new Error("checkout level 1 resolves to no one at the test instant");
  const phone = first.person.phone!;

  it("pages level 1 by a voice call with the SSML (severity, incident, service, title, ack code)", async () => {
    const opened = await sendAlarmEvent(
      runtime,
      alarmStateChangeEvent({
        name: "checkout-payments-down",
        state: "ALARM",
        service: "checkout",
        severity: "sev1",
        account: "111122223333",
        region: "ap-southeast-2",
        at: testInstant(),
      }),
    );
    incidentId = opened.incidentId!;
    // The SMS at once; by the default notification rules, the call when 5 minutes pass unacknowledged.
    await whenDefined(() => runtime.fakeSns.published.find((m) => m.phoneNumber === phone));
    expect(runtime.fakeSmsVoice.calls.some((c) => c.destinationPhoneNumber === phone)).toBe(false);
    await fiveMinutesLater();
    const call = await whenDefined(() =>
      runtime.fakeSmsVoice.calls.find((c) => c.destinationPhoneNumber === phone),
    );
    number = (await runtime.store.getIncident(incidentId))!.number;
    expect(call).toMatchObject({ originationIdentity: ORIGINATION, messageBodyTextType: "SSML" });
    expect(ssmlProblem(call.messageBody)).toBeUndefined();
    expect(call.messageBody).toContain(`Severity 1 incident, number ${number}, service checkout.`);
    // The call reached the fake; its outcome is recorded just after.
    const voicePage = await whenDefined(async () =>
      (await runtime.paging.pages.listPages(incidentId)).find(
        (p) =>
          p.channel === "voice" &&
          p.target.kind === "person" &&
          p.target.phone === phone &&
          p.delivery !== "requested",
      ),
    );
    expect(voicePage?.delivery).toBe("delivered");
    const code = voiceAckCode(runtime.paging.ackKey, voicePage!.pageId, phone);
    expect(call.messageBody).toContain(`<say-as interpret-as="digits">${code}</say-as>`);
  });

  it("does nothing for a number not in the directory, or one in it that was not paged", async () => {
    const stranger = await deliver(reply("+15555550199", "1"));
    expect(stranger).toMatchObject({ status: 200, json: { outcome: "ignored", reason: "unknown_number" } });
    const paged = new Set([
      ...runtime.fakeSns.published.map((m) => m.phoneNumber),
      ...runtime.fakeSmsVoice.calls.map((c) => c.destinationPhoneNumber),
    ]);
    const bystander = demo.people.find((p) => p.phone && !paged.has(p.phone))!;
    const other = await deliver(reply(bystander.phone!, "ack"));
    expect(other).toMatchObject({ status: 200, json: { outcome: "ignored", reason: "not_paged" } });
    const stop = await deliver(reply(phone, "STOP"));
    expect(stop).toMatchObject({ status: 200, json: { outcome: "ignored", reason: "keyword" } });
    expect((await runtime.store.getIncident(incidentId))!.status).toBe("declared");
  });

  it("refuses a forged signature and another topic's message (403), acknowledging nothing", async () => {
    const forged = reply(phone, "1");
    expect((await deliver({ ...forged, Signature: Buffer.alloc(256).toString("base64") })).status).toBe(403);
    const tampered = reply(phone, "ACK");
    expect((await deliver({ ...tampered, Message: tampered.Message.replace("ACK", "1") })).status).toBe(403);
    const elsewhere = reply(phone, "1", { TopicArn: "arn:aws:sns:ap-southeast-2:111122223333:someone-else" });
    expect((await deliver(elsewhere)).status).toBe(403);
    expect((await runtime.store.getIncident(incidentId))!.status).toBe("declared");
  });

  it("dead-letters a signed notification that is not an inbound SMS, with its reason", async () => {
    const before = runtime.deadLetters.letters.length;
    // Signed, from the topic, and not an inbound SMS.
    const answer = await deliver(reply(phone, "1", { Message: "deploy finished" }));
    expect(answer).toMatchObject({ status: 200, json: { status: "dead-lettered" } });
    expect(runtime.deadLetters.letters.slice(before)).toEqual([
      expect.objectContaining({ source: "sms-inbound", reason: expect.stringContaining("not JSON") }),
    ]);
  });

  it("acknowledges on '1' from the paged number, as that person; the escalation stops; a redelivery acts once", async () => {
    const message = reply(phone, "1", {}, "reply-one");
    const answer = await deliver(message);
    expect(answer).toMatchObject({
      status: 200,
      json: { outcome: "acknowledged", incidentId, incidentNumber: number, personId: first.person.id },
    });
    const incident = await runtime.store.getIncidentWithTimeline(incidentId);
    expect(incident!.incident.status).toBe("acknowledged");
    const ack = incident!.timeline.find((e) => e.kind === "page.acknowledged");
    expect(ack).toMatchObject({ actor: { type: "user", id: first.person.id, name: first.person.name } });
    expect(ack!.data).toMatchObject({ via: "sms", escalationStopped: true });
    const escalation = await runtime.paging.pages.getEscalation(incidentId);
    expect(escalation?.ladderDone?.reason).toBe("acknowledged");
    expect(escalation?.acknowledgedBy?.id).toBe(first.person.id);
    const confirmations = () =>
      runtime.fakeSns.published.filter(
        (m) => m.phoneNumber === phone && m.message.startsWith(`Acknowledged INC-${number}`),
      );
    expect(confirmations()).toHaveLength(1);

    // SNS delivers at least once: the same inbound message again changes nothing and says nothing.
    const again = await deliver(message);
    expect(again).toMatchObject({ status: 200, json: { outcome: "duplicate" } });
    expect(confirmations()).toHaveLength(1);
    const after = await runtime.store.getIncidentWithTimeline(incidentId);
    expect(after!.timeline.filter((e) => e.kind === "page.acknowledged")).toHaveLength(1);
  });
});

describe("with two open incidents paging one number, the reply names which", () => {
  const first = whoIsOnCall(demo, "cart", testInstant()).levels[0]?.targets[0];
  if (first?.type !== "person") throw new Error("cart level 1 resolves to no one at the test instant");
  const phone = first.person.phone!;

  it("acts on 'ack INC-n' for that incident only, and on a call's code for the call's page", async () => {
    const checkout = (await runtime.store.listOpen({ limit: 10 })).items.find((i) =>
      i.services.includes("checkout"),
    );
    if (!checkout) throw new Error("the first describe's checkout incident is not open");
    // A second SEV1 of the same team (its other service: not grouped), to the same person.
    const opened = await sendAlarmEvent(
      runtime,
      alarmStateChangeEvent({
        name: "cart-writes-failing",
        state: "ALARM",
        service: "cart",
        severity: "sev1",
        account: "111122223333",
        region: "ap-southeast-2",
        at: testInstant(),
      }),
    );
    const cartId = opened.incidentId!;
    expect(cartId).not.toBe(checkout.id);
    await whenDefined(async () =>
      (await runtime.paging.pages.listPages(cartId)).find(
        (p) => p.channel === "sns" && p.delivery !== "requested",
      ),
    );
    await fiveMinutesLater();
    const call = await whenDefined(async () =>
      (await runtime.paging.pages.listPages(cartId)).find(
        (p) => p.channel === "voice" && p.target.kind === "person" && p.target.phone === phone,
      ),
    );

    // Naming the checkout incident acknowledges its other page to this number ("1" took one), not
    // the newer cart page that a bare "1" would take.
    const named = await deliver(reply(phone, `ack INC-${checkout.number}`));
    expect(named).toMatchObject({ status: 200, json: { outcome: "acknowledged", incidentId: checkout.id } });
    expect((await runtime.store.getIncident(cartId))!.status).toBe("declared");

    // A code that is not the call's acknowledges nothing; the call's code acknowledges its page.
    const code = voiceAckCode(runtime.paging.ackKey, call.pageId, phone);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const missed = await deliver(reply(phone, wrong));
    expect(missed).toMatchObject({ status: 200, json: { outcome: "ignored", reason: "no_matching_page" } });
    const byCode = await deliver(reply(phone, `ack ${code}`));
    expect(byCode).toMatchObject({
      status: 200,
      json: { outcome: "acknowledged", incidentId: cartId, pageId: call.pageId, alreadyAcknowledged: false },
    });
    expect((await runtime.store.getIncident(cartId))!.status).toBe("acknowledged");
  });
});
