/**
 * Every rendering of a page, by channel and protocol: the SMS, the e-mail, the default text, the
 * Slack message and the voice SSML (the pager renders each page with only the one it uses).
 */

import { defaultText, emailPage, type PageContent, type SmsRendering, smsPage, smsText } from "./messages";
import { type SlackBlock, slackPageMessage } from "./slack-message";
import { voicePage } from "./voice-message";

/** Every rendering of a page at once (the fields of an outgoing page: sms, email, text, slack). */
export function renderPage(page: PageContent): {
  sms: string;
  email: { subject: string; body: string };
  text: string;
  slack: { text: string; blocks: SlackBlock[] };
} {
  return {
    sms: smsText(page),
    email: emailPage(page),
    text: defaultText(page),
    slack: slackPageMessage(page),
  };
}

/** The renderers of a page, one per rendering; paging takes them from its deps (tests inject faults). */
export interface PageRenderers {
  sms(page: PageContent): SmsRendering;
  email(page: PageContent): { subject: string; body: string };
  text(page: PageContent): string;
  slack(page: PageContent): { text: string; blocks: unknown[] };
  voice(page: PageContent): string;
}

export const PAGE_RENDERERS: PageRenderers = {
  sms: smsPage,
  email: emailPage,
  text: defaultText,
  slack: slackPageMessage,
  voice: voicePage,
};
