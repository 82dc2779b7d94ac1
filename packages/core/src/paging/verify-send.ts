/**
 * Sending a contact method's test message (the test sender, on `oncall.verification_requested`; see
 * oncall/verify-actions.ts): the code by SMS, by Slack DM, or read out by a call, through the same
 * channels as pages.
 *
 * - Idempotent: the code derives from the request (`verificationCode`), so a redelivered request
 *   sends the same code; one already sent (or failed) is not sent again. A crash between the send
 *   and its record sends the same code once more, which is harmless.
 * - The code's hash is stored before the send, so the owner can confirm as soon as it arrives.
 * - A request that is stale (another request replaced it, the address changed, it expired) sends
 *   nothing, and says why.
 * - A channel that fails (or is not configured) is recorded on the method (`sendError`) with an
 *   `oncall.verification_sent` entry saying so: the person sees it in the dashboard and the CLI.
 */
import { systemClock } from "@firebreak/core/shared/clock";
import { newId } from "@firebreak/core/shared/ids";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import {
  addressOf,
  codeHash,
  contactTimelineId,
  METHOD_LABEL,
  type MethodVerification,
  maskAddress,
  verificationCode,
} from "../oncall/contact-methods";
import type { Person } from "../oncall/directory-types";
import type { ContactMethod } from "../oncall/notify-rules";
import type { ContactRepository } from "../ports";
import type { OutgoingPage, PageChannel } from "./channels";
import { FIREBREAK_ACTOR, type PagingDeps, type PagingReplyDeps } from "./config";
import { escapeSsml } from "./voice-message";

export type VerifySendOutcome =
  | { outcome: "sent"; method: ContactMethod }
  | { outcome: "failed"; method: ContactMethod; error: string }
  | { outcome: "skipped"; reason: string };

const CHANNEL: Record<ContactMethod, "sns" | "slack" | "voice"> = {
  sms: "sns",
  slack: "slack",
  voice: "voice",
};

/** The test message, in every rendering the channels read. */
export function verificationMessage(
  person: Pick<Person, "id" | "name" | "slackUserId" | "phone">,
  method: ContactMethod,
  requestId: string,
  code: string,
  dashboardUrl?: string,
): OutgoingPage {
  const where = dashboardUrl ? ` or on ${dashboardUrl}/oncall` : "";
  const sms = `Firebreak: your code is ${code}. Reply with it to verify this number for SMS pages.`;
  const text = `Firebreak verification code ${code}: confirm it with /incident me verify ${code}${where}. Valid 15 minutes.`;
  const digits = `<say-as interpret-as="digits">${code}</say-as>`;
  return {
    pageId: `verify-${requestId}`,
    incidentId: `verify-${requestId}`,
    incidentNumber: 0,
    severity: "SEV5",
    title: "Firebreak verification",
    target: {
      kind: "person",
      personId: person.id,
      ...(method === "slack" ? { slackUserId: person.slackUserId } : { phone: person.phone }),
    },
    sms,
    email: { subject: "Firebreak verification", body: text },
    text,
    slack: {
      text,
      blocks: [
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: `*Firebreak: verify your Slack DMs for pages*\nYour code is *${code}*. Confirm it with \`/incident me verify ${code}\`${where}. It works for 15 minutes. Not you? Ignore this message.`,
          },
        },
      ],
    },
    voice: {
      ssml: `<speak>This is Firebreak, verifying this number for calls. <break time="300ms"/>Your code is ${digits}. <break time="500ms"/>Again, your code is ${digits}. Reply with it by SMS, or type it with slash incident me verify, ${escapeSsml(person.name)}.</speak>`,
      ackCode: code,
    },
  };
}

/** Sends the test message of request `requestId` for `personId`'s `method`, once. */
export async function sendVerification(
  deps: Pick<PagingReplyDeps, "contacts" | "channels" | "ackKey" | "clock" | "log" | "dashboardUrl">,
  personId: string,
  method: ContactMethod,
  requestId: string,
): Promise<VerifySendOutcome> {
  const { contacts } = deps;
  type Ready = { skip: string } | { person: Person; record: MethodVerification; code: string };
  const ready = await retryOnConflict<Ready>(async () => {
    const stored = await contacts.get();
    const person = stored.applied?.people.find((p) => p.id === personId);
    const record = stored.items[personId]?.[method];
    const stale = staleReason(person, method, record, requestId, (deps.clock ?? systemClock).now().getTime());
    if (stale || !person || !record) return { skip: stale ?? "no such request" };
    const code = verificationCode(deps.ackKey.secret, requestId, record.address);
    const hash = codeHash(requestId, code);
    if (record.codeHash !== hash) {
      const items = {
        ...stored.items,
        [personId]: { ...stored.items[personId], [method]: { ...record, codeHash: hash } },
      };
      await contacts.save(items, stored.version);
    }
    return { person, record, code };
  }, 20);
  if ("skip" in ready) {
    deps.log?.info("verification not sent", { personId, method, requestId, reason: ready.skip });
    return { outcome: "skipped", reason: ready.skip };
  }
  const { person, record, code } = ready;
  const channel: PageChannel | undefined = deps.channels[CHANNEL[method]];
  const message = verificationMessage(person, method, requestId, code, deps.dashboardUrl);
  const result = channel
    ? await channel.send(message).catch((error: unknown) => ({
        status: "failed" as const,
        error: { code: "channel_error", message: String(error), retryable: false },
        attempts: 1,
      }))
    : {
        status: "failed" as const,
        error: {
          code: "channel_not_configured",
          message: `the ${method === "sms" ? "SMS (SNS)" : method === "voice" ? "voice (FIREBREAK_VOICE_ORIGINATION)" : "Slack"} channel is not configured`,
          retryable: false,
        },
        attempts: 0,
      };
  const error = result.status === "failed" ? `${result.error.code}: ${result.error.message}` : undefined;
  await recordSent(deps, contacts, person, method, record, requestId, error);
  return error ? { outcome: "failed", method, error } : { outcome: "sent", method };
}

function staleReason(
  person: Person | undefined,
  method: ContactMethod,
  record: MethodVerification | undefined,
  requestId: string,
  now: number,
): string | undefined {
  if (!person) return "the person is no longer in the directory";
  if (!record || record.requestId !== requestId) return "a newer request replaced this one";
  if (record.status !== "pending") return "already verified";
  if (record.sentAt || record.sendError) return "already sent";
  if (record.address !== addressOf(person, method)) return "the address changed since the request";
  if (Date.parse(record.expiresAt) <= now) return "the request expired before it could be sent";
  return undefined;
}

async function recordSent(
  deps: Pick<PagingDeps, "clock">,
  contacts: ContactRepository,
  person: Person,
  method: ContactMethod,
  record: MethodVerification,
  requestId: string,
  error: string | undefined,
): Promise<void> {
  await retryOnConflict(async () => {
    const stored = await contacts.get();
    const current = stored.items[person.id]?.[method];
    if (!current || current.requestId !== requestId || current.status !== "pending") return;
    const now = (deps.clock ?? systemClock).now().toISOString();
    const updated: MethodVerification = { ...current, ...(error ? { sendError: error } : { sentAt: now }) };
    const label = `${person.name}'s ${METHOD_LABEL[method]} (${maskAddress(method, record.address)})`;
    await contacts.save(
      { ...stored.items, [person.id]: { ...stored.items[person.id], [method]: updated } },
      stored.version,
      {
        id: newId(Date.parse(now)),
        incidentId: contactTimelineId(person.id),
        kind: "oncall.verification_sent",
        actor: FIREBREAK_ACTOR,
        at: now,
        summary: error
          ? `test message to ${label} not sent: ${error}`
          : `test message sent to ${label}: waiting for its code`,
        data: { personId: person.id, method, requestId, ...(error ? { error } : {}) },
      },
    );
  }, 20);
}
