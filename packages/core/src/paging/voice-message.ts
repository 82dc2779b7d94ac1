/**
 * A voice page as SSML for End User Messaging `SendVoiceMessage` (voice-channel.ts): severity,
 * incident, service, title and reason, every value escaped, and the ack code read out twice.
 */

import { oneLine, type PageContent, truncate } from "./messages";

/** End User Messaging's limit for an SSML `MessageBody`, tags included (TEXT allows 3,000). */
export const VOICE_SSML_MAX_LENGTH = 6000;

const VOICE_TITLE_MAX = 300;

const VOICE_REASON_MAX = 300;

const VOICE_SERVICE_MAX = 100;

/**
 * Text made safe inside SSML: one line, then `&`, `<`, `>`, `"` and `'` as entities, so a title
 * such as `</speak><audio src=…>` is read out as text and never becomes a tag. Characters XML 1.0
 * does not allow at all are dropped (`oneLine` already turned control characters into spaces).
 */
export function escapeSsml(text: string): string {
  return (
    oneLine(text)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  );
}

/**
 * The voice page, spoken by Amazon Polly through End User Messaging: who is calling, the severity,
 * the incident number, the service and the title, why you are paged, and how to acknowledge (the
 * call takes no keypad input: reply `1` by SMS, or the six-digit code, read digit by digit, twice).
 * Every outside text is escaped (`escapeSsml`) and bounded, so the SSML is always well-formed and
 * under `VOICE_SSML_MAX_LENGTH`.
 */
export function voicePage(page: PageContent): string {
  const { incident } = page;
  const severity = incident.severity.replace(/^SEV/i, "");
  const [first, ...others] = incident.services;
  const service =
    first === undefined
      ? ""
      : `${truncate(oneLine(first), VOICE_SERVICE_MAX)}${others.length > 0 ? ` and ${others.length} more` : ""}`;
  const title = escapeSsml(truncate(oneLine(incident.title), VOICE_TITLE_MAX));
  const reason = escapeSsml(truncate(oneLine(page.reason), VOICE_REASON_MAX));
  const code = page.voiceAckCode && /^\d{6}$/.test(page.voiceAckCode) ? page.voiceAckCode : undefined;
  const digits = code ? `<say-as interpret-as="digits">${code}</say-as>` : "";
  const ack = code
    ? `To acknowledge, reply 1 by SMS to the number that called you, or reply with the code ${digits}. Again, the code is ${digits}.`
    : "To acknowledge, reply 1 by SMS to the number that called you.";
  const body = [
    `<speak>This is Firebreak. <break time="300ms"/>`,
    `Severity ${escapeSsml(severity)} incident, number ${incident.number}`,
    service ? `, service ${escapeSsml(service)}.` : ".",
    ` <break time="300ms"/>${title}. <break time="300ms"/>`,
    `You are paged because: ${reason}. <break time="500ms"/>`,
    `${ack}</speak>`,
  ];
  return body.join("");
}
