/**
 * Acknowledging by SMS reply (issue 21 item 3). End User Messaging's two-way SMS publishes each
 * message a paged person sends to the origination number on an SNS topic, as JSON:
 *
 *     { "originationNumber": "+14255550182",   the sender (the paged person's phone)
 *       "destinationNumber": "+12125550101",   our number
 *       "messageKeyword": "KEYWORD_…",         the registered keyword it matched, if any
 *       "messageBody": "1",                    what they wrote
 *       "inboundMessageId": "cae173d2-…",      unique per inbound message
 *       "previousPublishedMessageId": "…" }    the message they answer, when known
 *
 * The SNS envelope (its signature, the topic) is checked at the edge (functions/sms-inbound.ts);
 * this module reads the payload and acts on it:
 *
 * - `1`, `ack`, `acknowledge` acknowledge the sender's most recent open page; `ack INC-42` (or
 *   `INC-42`, `ack 42`) names the incident; a six-digit code read out by a voice call (`123456` or
 *   `ack 123456`) names that page. Case and spacing do not matter.
 * - STOP, HELP and the other opt-out/help keywords are End User Messaging's to answer: ignored.
 * - Only a number that is a person's phone in the directory, and that was paged (an SMS or a call
 *   to that very number) for an open incident, acknowledges, and only as that person. Anything
 *   else is a no-op with its reason (not an error: anyone can text the number).
 * - Each inbound message acts once (a conditional put on its `inboundMessageId`): SNS redelivering
 *   it changes nothing, and does not send the confirmation again.
 * - The confirmation ("Acknowledged INC-42 …") goes back through the SMS channel, best effort.
 * - A reply with the code of the sender's contact-method test message (oncall/verify-actions.ts),
 *   bare or as `VERIFY 123456`, verifies their SMS or call instead; a bare code that is not one is
 *   read as a call's ack code.
 * - A bare `1` / `ack` acknowledges the sender's newest test page instead (test-page-ack.ts) when
 *   it is newer than their newest open incident page: no incident is touched.
 */

import { systemClock } from "@firebreak/core/shared/clock";
import { ValidationError } from "@firebreak/core/shared/errors";
import * as z from "@firebreak/core/shared/zod";
import type { Actor, Incident } from "../incident/model";
import { awaitingCode, codeMatches } from "../oncall/contact-methods";
import type { ContactMethod } from "../oncall/notify-rules";
import { confirmBySms } from "../oncall/verify-actions";
import { matchesVoiceAckCode } from "./ack-link";
import type { OutgoingPage } from "./channels";
import { oneLine, truncate } from "./messages";
import type { StoredPage } from "./records";
import { acknowledge, type PagingDeps, type PagingReplyDeps } from "./service";
import { acknowledgeTestSend, testAckDepsOf, testPageForSms } from "./test-page-ack";

const text = (max: number) => z.string().check(z.maxLength(max));

export const inboundSmsSchema = z.object({
  originationNumber: text(32).check(z.minLength(1)),
  destinationNumber: text(32).check(z.minLength(1)),
  messageKeyword: z.optional(z.nullable(text(256))),
  messageBody: text(2000),
  inboundMessageId: text(256).check(z.regex(/^[A-Za-z0-9_.:/+=-]{1,256}$/, "expected a message id")),
  previousPublishedMessageId: z.optional(z.nullable(text(512))),
});
export type InboundSms = z.infer<typeof inboundSmsSchema>;

export const INBOUND_SMS_FORMAT =
  'End User Messaging two-way SMS JSON: { "originationNumber", "destinationNumber", "messageKeyword", "messageBody", "inboundMessageId", "previousPublishedMessageId" }';

/** Reads the SNS notification's `Message` as an inbound SMS, or a ValidationError saying what is wrong. */
export function readInboundSms(message: string): InboundSms {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new ValidationError(`the message is not JSON: expected ${INBOUND_SMS_FORMAT}`, [
      { path: "Message", message: "not JSON" },
    ]);
  }
  const result = inboundSmsSchema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({
      path: i.path.join(".") || "Message",
      message: i.message,
    }));
    throw new ValidationError(
      `not an inbound SMS (${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}): expected ${INBOUND_SMS_FORMAT}`,
      issues,
    );
  }
  return result.data;
}

/** A phone number as E.164 (spaces, dots, dashes and brackets dropped; `00` read as `+`), or undefined. */
export function normalisePhone(raw: string): string | undefined {
  const compact = raw.trim().replace(/[\s().-]/g, "");
  const plus = compact.startsWith("00") ? `+${compact.slice(2)}` : compact;
  return /^\+[1-9]\d{1,14}$/.test(plus) ? plus : undefined;
}

/** What a reply asks for. */
export type SmsReply =
  | { kind: "ack"; latest: true }
  | { kind: "ack"; incidentNumber: number }
  | { kind: "ack"; code: string }
  /** `VERIFY 123456`: the code of a contact-method test message (a bare code is tried as one too). */
  | { kind: "verify"; code: string }
  | { kind: "ignored"; reason: "keyword" | "not_an_ack" };

/** End User Messaging answers these itself (opt-out, opt-in, help). */
const KEYWORDS = new Set([
  "STOP",
  "STOPALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "OPTOUT",
  "ARRET",
  "START",
  "UNSTOP",
  "YES",
  "HELP",
  "INFO",
]);

/** Reads a reply's body: `1`, `ack`, `ack INC-42`, `INC-42`, a six-digit code; the keywords are ignored. */
export function interpretReply(body: string): SmsReply {
  const words = oneLine(body)
    .toUpperCase()
    .replace(/[.!]+$/, "")
    .trim();
  if (KEYWORDS.has(words)) return { kind: "ignored", reason: "keyword" };
  const ack = "(?:ACK|ACKNOWLEDGE|ACKNOWLEDGED)";
  if (words === "1" || new RegExp(`^${ack}$`).test(words)) return { kind: "ack", latest: true };
  const verify = /^VERIFY\s*(\d{3})[\s-]?(\d{3})$/.exec(words);
  if (verify?.[1] && verify[2]) return { kind: "verify", code: `${verify[1]}${verify[2]}` };
  const code = new RegExp(`^(?:${ack}\\s*)?(\\d{6})$`).exec(words);
  if (code?.[1]) return { kind: "ack", code: code[1] };
  const incident =
    new RegExp(`^(?:${ack}\\s*)?INC\\s*-?\\s*(\\d{1,9})$`).exec(words) ??
    new RegExp(`^${ack}\\s+#?(\\d{1,5})$`).exec(words);
  if (incident?.[1]) return { kind: "ack", incidentNumber: Number(incident[1]) };
  return { kind: "ignored", reason: "not_an_ack" };
}

export type SmsReplyOutcome =
  | {
      outcome: "acknowledged";
      incidentId: string;
      incidentNumber: number;
      pageId: string;
      personId: string;
      alreadyAcknowledged: boolean;
    }
  | { outcome: "test_page_acknowledged"; testPageId: string; personId: string; alreadyAcknowledged: boolean }
  | { outcome: "duplicate"; inboundMessageId: string }
  /** The code of a contact-method test message: the method is verified. */
  | { outcome: "verified"; personId: string; method: ContactMethod }
  | {
      outcome: "ignored";
      reason: "keyword" | "not_an_ack" | "unknown_number" | "not_paged" | "no_matching_page" | "wrong_code";
      detail: string;
    };

/** How many open incidents a reply looks through for the sender's pages (SEV1 first, then newest). */
const MAX_OPEN_INCIDENTS = 500;
/** How long a taken reply's item is kept (SNS stops redelivering long before). */
const CLAIM_TTL_SECONDS = 7 * 24 * 3600;

/** Acts on one inbound SMS: acknowledges the sender's page, or says why not. */
export async function acknowledgeBySms(deps: PagingReplyDeps, sms: InboundSms): Promise<SmsReplyOutcome> {
  const ignored = (reason: Extract<SmsReplyOutcome, { outcome: "ignored" }>["reason"], detail: string) => {
    deps.log?.info("SMS reply not acted on", { reason, detail, inboundMessageId: sms.inboundMessageId });
    return { outcome: "ignored" as const, reason, detail };
  };
  const reply = interpretReply(sms.messageBody);
  if (reply.kind === "ignored")
    return ignored(
      reply.reason,
      reply.reason === "keyword"
        ? "an opt-out or help keyword: End User Messaging answers it"
        : "not an acknowledgement (reply 1, ack, ack INC-<n> or the code read out by a call)",
    );
  const phone = normalisePhone(sms.originationNumber);
  if (phone && "code" in reply) {
    const verified = await verifyBySms(deps, sms, phone, reply);
    if (verified) return verified;
    if (reply.kind === "verify")
      return ignored("wrong_code", "no test message to this number waits for that code");
  }
  if (reply.kind === "verify") return ignored("unknown_number", "the sender's number is not readable");
  const directory = (await deps.directory.get())?.directory;
  const people = (directory?.people ?? []).filter((p) => p.phone && normalisePhone(p.phone) === phone);
  if (!phone || people.length === 0)
    return ignored("unknown_number", "the sender's number is not a phone of anyone in the directory");

  const pages = await openPagesTo(deps, phone, new Set(people.map((p) => p.id)));
  if ("latest" in reply) {
    const test = await testPageReply(deps, sms, phone, people, pages);
    if (test) return test;
  }
  if (pages.length === 0) return ignored("not_paged", "no open incident paged this number");
  const chosen = choosePage(deps, reply, pages, phone);
  if (!chosen)
    return ignored(
      "no_matching_page",
      "code" in reply
        ? "the code is not one read out to this number for an open page"
        : `this number was not paged for INC-${"incidentNumber" in reply ? reply.incidentNumber : "?"} (or it is resolved)`,
    );

  const now = (deps.clock ?? systemClock).now().toISOString();
  const keepUntil = Math.floor(Date.parse(now) / 1000) + CLAIM_TTL_SECONDS;
  if (!(await deps.pages.claimInboundSms(sms.inboundMessageId, now, keepUntil)))
    return { outcome: "duplicate", inboundMessageId: sms.inboundMessageId };
  const { page, incident } = chosen;
  const target = page.target.kind === "person" ? page.target : undefined;
  const person = people.find((p) => p.id === target?.personId) ?? people[0];
  const actor: Actor = { type: "user", id: person?.id ?? "", name: person?.name ?? "" };
  let result: Awaited<ReturnType<typeof acknowledge>>;
  try {
    result = await acknowledge(deps, { incidentId: incident.id, pageId: page.pageId, actor }, "sms");
  } catch (error) {
    await deps.pages.releaseInboundSms(sms.inboundMessageId, now).catch((release: unknown) => {
      deps.log?.error("could not release an inbound SMS", { error: String(release) });
    });
    throw error;
  }
  await confirm(deps, incident, phone, actor, result.alreadyAcknowledged, sms.inboundMessageId);
  return {
    outcome: "acknowledged",
    incidentId: incident.id,
    incidentNumber: incident.number,
    pageId: page.pageId,
    personId: actor.id,
    alreadyAcknowledged: result.alreadyAcknowledged,
  };
}

/**
 * A code replied by SMS against the sender's pending contact-method verification: the inbound
 * message is taken once first (a redelivery is a duplicate, and counts no second try).
 * `undefined`: no test message to this number waits for that code.
 */
async function verifyBySms(
  deps: PagingReplyDeps,
  sms: InboundSms,
  phone: string,
  reply: Extract<SmsReply, { code: string }>,
): Promise<SmsReplyOutcome | undefined> {
  const { contacts } = deps;
  const clock = deps.clock ?? systemClock;
  const stored = await contacts.get();
  const person = stored.applied?.people.find((p) => p.phone && normalisePhone(p.phone) === phone);
  if (!person) return undefined;
  const pending = (["sms", "voice"] as const).flatMap((m) => {
    const record = awaitingCode(stored.items, person, m, clock.now());
    return record ? [record] : [];
  });
  if (pending.length === 0) return undefined;
  // A bare six-digit code that is no test message's may be a call's ack code: read it as one.
  const matches = pending.some((record) => codeMatches(record, reply.code));
  if (!matches && reply.kind !== "verify") return undefined;
  const now = clock.now().toISOString();
  const keepUntil = Math.floor(Date.parse(now) / 1000) + CLAIM_TTL_SECONDS;
  if (!(await deps.pages.claimInboundSms(sms.inboundMessageId, now, keepUntil)))
    return { outcome: "duplicate", inboundMessageId: sms.inboundMessageId };
  let result: Awaited<ReturnType<typeof confirmBySms>>;
  try {
    result = await confirmBySms({ contacts, clock }, person.id, reply.code);
  } catch (error) {
    await deps.pages.releaseInboundSms(sms.inboundMessageId, now).catch(() => undefined);
    throw error;
  }
  if (!result?.verified)
    return { outcome: "ignored", reason: "wrong_code", detail: "not the code of this number's test message" };
  const how = result.method === "sms" ? "SMS" : "phone call";
  await sendText(
    deps,
    phone,
    person.id,
    `Verified: Firebreak will page you by ${how} on this number.`,
    sms.inboundMessageId,
  );
  return { outcome: "verified", personId: person.id, method: result.method };
}

/**
 * A bare `1` answering a test page: the sender's newest test page by SMS or call, when it is newer
 * than every open incident page to their number; taken once per inbound message like any reply.
 */
async function testPageReply(
  deps: PagingReplyDeps,
  sms: InboundSms,
  phone: string,
  people: ReadonlyArray<{ id: string }>,
  pages: readonly OpenPage[],
): Promise<SmsReplyOutcome | undefined> {
  const newest = pages
    .map((p) => p.page.requestedAt)
    .sort()
    .at(-1);
  const testDeps = testAckDepsOf(deps);
  const send = await testPageForSms(testDeps, people, newest);
  if (!send) return undefined;
  const now = (deps.clock ?? systemClock).now().toISOString();
  const keepUntil = Math.floor(Date.parse(now) / 1000) + CLAIM_TTL_SECONDS;
  if (!(await deps.pages.claimInboundSms(sms.inboundMessageId, now, keepUntil)))
    return { outcome: "duplicate", inboundMessageId: sms.inboundMessageId };
  const fresh = await acknowledgeTestSend(testDeps, send, "sms_reply");
  const text = `${fresh ? "Acknowledged" : "Already acknowledged"}: Firebreak TEST PAGE (no incident). Paging reaches you by SMS.`;
  await sendText(deps, phone, send.personId, text, sms.inboundMessageId);
  return {
    outcome: "test_page_acknowledged",
    testPageId: send.testPageId,
    personId: send.personId,
    alreadyAcknowledged: !fresh,
  };
}

interface OpenPage {
  page: StoredPage;
  incident: Incident;
}

/** The pages of open incidents that went to `phone` (an SMS or a call to that number) for one of `personIds`. */
async function openPagesTo(deps: PagingDeps, phone: string, personIds: Set<string>): Promise<OpenPage[]> {
  const found: OpenPage[] = [];
  let cursor: string | undefined;
  let seen = 0;
  do {
    const batch = await deps.incidents.listOpen({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const incident of batch.items) {
      for (const page of await deps.pages.listPages(incident.id)) {
        const { target } = page;
        if (target.kind !== "person" || !personIds.has(target.personId) || !target.phone) continue;
        if (normalisePhone(target.phone) === phone) found.push({ page, incident });
      }
    }
    seen += batch.items.length;
    cursor = batch.cursor;
  } while (cursor && seen < MAX_OPEN_INCIDENTS);
  return found;
}

/** The page a reply means: by its code, by the incident named, or the most recent (unacknowledged first). */
function choosePage(
  deps: PagingDeps,
  reply: SmsReply,
  pages: OpenPage[],
  phone: string,
): OpenPage | undefined {
  const newestFirst = [...pages].sort((a, b) => b.page.requestedAt.localeCompare(a.page.requestedAt));
  if ("code" in reply) {
    const keys = [deps.ackKey, ...(deps.previousAckKeys ?? [])];
    return newestFirst.find(
      (p) => p.page.channel === "voice" && matchesVoiceAckCode(keys, p.page.pageId, phone, reply.code),
    );
  }
  const candidates =
    "incidentNumber" in reply
      ? newestFirst.filter((p) => p.incident.number === reply.incidentNumber)
      : newestFirst;
  return candidates.find((p) => !p.page.acknowledgedAt) ?? candidates[0];
}

/** "Acknowledged INC-42 …" by SMS to the sender; a failure is logged, never thrown (the ack stands). */
async function confirm(
  deps: PagingDeps,
  incident: Incident,
  phone: string,
  actor: Actor,
  already: boolean,
  inboundMessageId: string,
): Promise<void> {
  const head = `${already ? "Already acknowledged" : "Acknowledged"} INC-${incident.number} (${incident.severity})`;
  await sendText(
    deps,
    phone,
    actor.id,
    truncate(`${head}: ${oneLine(incident.title)}`, 140),
    inboundMessageId,
    incident,
  );
}

/** A text back to the sender of a reply, through the SMS channel; a failure is logged, never thrown. */
async function sendText(
  deps: PagingDeps,
  phone: string,
  personId: string,
  sms: string,
  inboundMessageId: string,
  incident?: Incident,
): Promise<void> {
  const sns = deps.channels.sns;
  if (!sns) return;
  const page: OutgoingPage = {
    pageId: `sms-reply-${inboundMessageId}`.slice(0, 64),
    incidentId: incident?.id ?? `sms-reply-${inboundMessageId}`.slice(0, 64),
    incidentNumber: incident?.number ?? 0,
    severity: incident?.severity ?? "SEV5",
    title: incident?.title ?? "Firebreak",
    target: { kind: "person", personId, phone },
    sms,
    email: { subject: "", body: "" },
    text: sms,
    slack: { text: "", blocks: [] },
  };
  try {
    const sent = await sns.send(page);
    if (sent.status === "failed")
      deps.log?.warn("SMS reply confirmation not sent", {
        incidentId: page.incidentId,
        code: sent.error.code,
      });
  } catch (error) {
    deps.log?.warn("SMS reply confirmation not sent", { incidentId: page.incidentId, error: String(error) });
  }
}
