/**
 * The test sender's side of a test page (test-pages.ts): on `page.test_requested`, every pending method
 * of every person is sent at once through the real channels (`sendIsolated`: SNS SMS, Slack DM,
 * a call when the voice channel is configured), rendered clearly marked "TEST PAGE — no incident"
 * with a signed one-click ack link (the AckKey of incident pages; the link's "incident" is the test
 * page's id and its "page" the send's), and each outcome is recorded on its send.
 *
 * Idempotent under redelivery: a send is taken with a conditional claim (`pending`, or `sending`
 * for longer than `staleAfterMs`: its sender died), and an outcome is never written over
 * `delivered`; so a method recorded as delivered is never sent again. A crash between the send and
 * its record may send it once more (when the event is delivered again after `staleAfterMs`):
 * accepted, as for incident pages. A send another invocation holds (claimed recently, not yet
 * recorded) makes `sendTestPage` report it in `inFlight`; the handler then fails so that Lambda
 * delivers the event again later, and the send is recorded or resent by then.
 */

import type { TestPageRepository } from "../ports";
import { ackUrl, signAckLink } from "./ack-link";
import {
  type ChannelName,
  type DeliveryResult,
  type OutgoingPage,
  type PageChannel,
  sendIsolated,
} from "./channels";
import { clockOf, configOf, DEFAULT_PAGING_CONFIG, type PagingDeps } from "./config";
import { ACTIONS, oneLine, truncate } from "./messages";
import { escapeMrkdwn, type SlackBlock } from "./slack-message";
import type { TestPagePerson, TestPageRecord, TestPageSend } from "./test-page-records";
import { escapeSsml } from "./voice-message";

export const TEST_PAGE_LABEL = "TEST PAGE — no incident";
const SMS_MAX = 140;

const CHANNEL: Record<TestPageSend["method"], ChannelName> = { slack: "slack", sms: "sns", voice: "voice" };

export type TestPageSendResult =
  | { outcome: "not_found" }
  | { outcome: "sent"; sent: number; recorded: number; inFlight: number };

export async function sendTestPage(
  deps: PagingDeps,
  testPages: Pick<TestPageRepository, "get" | "claimSend" | "recordSend">,
  id: string,
): Promise<TestPageSendResult> {
  const found = await testPages.get(id);
  if (!found) return { outcome: "not_found" };
  const { record, sends } = found;
  const now = clockOf(deps).now();
  const at = now.toISOString();
  const staleBefore = new Date(now.getTime() - configOf(deps).staleAfterMs).toISOString();
  const claimed: TestPageSend[] = [];
  let inFlight = 0;
  for (const send of sends) {
    const takeable =
      send.status === "pending" || (send.status === "sending" && (send.claimedAt ?? "") <= staleBefore);
    if (!takeable) {
      if (send.status === "sending") inFlight++;
      continue;
    }
    if (await testPages.claimSend(id, send.sendId, at, staleBefore)) claimed.push(send);
    else inFlight++;
  }
  const channels = [deps.channels.sns, deps.channels.slack, deps.channels.voice].filter(
    (c): c is PageChannel => c !== undefined,
  );
  const timeoutMs = configOf(deps).sendTimeoutMs;
  const outgoing: Array<{ send: TestPageSend; page: OutgoingPage }> = [];
  for (const send of claimed) {
    const person = record.people.find((p) => p.personId === send.personId);
    if (send.method === "voice" && !deps.channels.voice) {
      await testPages.recordSend(id, send.sendId, {
        status: "skipped",
        at,
        error: { code: "channel_not_configured", message: "no voice channel is configured here" },
      });
      continue;
    }
    if (!person) {
      await testPages.recordSend(id, send.sendId, {
        status: "failed",
        at,
        attempts: 0,
        error: { code: "no_address", message: `${send.personId} is not in the test page's record` },
      });
      continue;
    }
    outgoing.push({ send, page: renderTestPage(deps, record, person, send, now) });
  }
  const results = await sendIsolated(
    channels,
    outgoing.map(({ send, page }) => ({ channel: CHANNEL[send.method], page })),
    timeoutMs === undefined ? {} : { timeoutMs },
  );
  let recorded = 0;
  await Promise.all(
    results.map(async (sent, i) => {
      const { send } = outgoing[i]!;
      if (sent.thrown)
        deps.log?.error("paging channel threw", { testPageId: id, error: String(sent.thrown) });
      const done = clockOf(deps).now().toISOString();
      const ok = await testPages.recordSend(id, send.sendId, outcomeOf(sent.result, done));
      if (ok) recorded++;
    }),
  );
  deps.log?.info("test page sent", { testPageId: id, sent: outgoing.length, recorded, inFlight });
  return { outcome: "sent", sent: outgoing.length, recorded, inFlight };
}

function outcomeOf(result: DeliveryResult, at: string) {
  if (result.status === "delivered")
    return { status: "delivered" as const, at, attempts: result.attempts, providerId: result.providerId };
  const { code, message } = result.error;
  return { status: "failed" as const, at, attempts: result.attempts, error: { code, message } };
}

/** The signed one-click link of one send (the same AckKey and format as incident pages). */
export function testAckLink(
  deps: Pick<PagingDeps, "ackKey" | "ackBaseUrl" | "config">,
  testPageId: string,
  sendId: string,
  now: Date,
): string {
  const ttl = { ...DEFAULT_PAGING_CONFIG, ...deps.config }.ackLinkTtlMs;
  const token = signAckLink(
    { pageId: sendId, incidentId: testPageId, expiresAt: new Date(now.getTime() + ttl) },
    deps.ackKey,
  );
  return ackUrl(deps.ackBaseUrl, token);
}

/** One method's message: the SMS, the Slack DM or the call, each marked as a test. */
export function renderTestPage(
  deps: PagingDeps,
  record: TestPageRecord,
  person: TestPagePerson,
  send: TestPageSend,
  now: Date,
): OutgoingPage {
  const by = record.requestedBy.name ?? record.requestedBy.id;
  const link = testAckLink(deps, record.id, send.sendId, now);
  const base = {
    pageId: send.sendId,
    incidentId: `TESTPAGE#${record.id}`,
    incidentNumber: 0,
    severity: "SEV5" as const,
    title: TEST_PAGE_LABEL,
    email: { subject: "", body: "" },
  };
  if (send.method === "slack") {
    const slack = testSlackMessage(record, person, by, link);
    return {
      ...base,
      target: {
        kind: "person",
        personId: person.personId,
        ...(person.slackUserId ? { slackUserId: person.slackUserId } : {}),
      },
      sms: "",
      text: slack.text,
      slack,
    };
  }
  const target = {
    kind: "person" as const,
    personId: person.personId,
    ...(person.phone ? { phone: person.phone } : {}),
  };
  if (send.method === "voice")
    return {
      ...base,
      target,
      sms: "",
      text: "",
      slack: { text: "", blocks: [] },
      voice: { ssml: testVoiceSsml(by), ackCode: "" },
    };
  const sms = testSms(person, link);
  return {
    ...base,
    target,
    sms: sms.text,
    text: sms.text,
    slack: { text: "", blocks: [] },
    ...(sms.omitted ? { smsLinkOmitted: true } : {}),
  };
}

/** The SMS: marked, with the ack link; shorter forms when the link does not fit 140 characters. */
export function testSms(
  person: Pick<TestPagePerson, "name">,
  link: string,
): { text: string; omitted: boolean } {
  const first = oneLine(person.name).split(" ")[0] ?? "";
  const forms = [
    `Firebreak TEST PAGE, no incident. ${truncate(first, 20)}, paging reaches you. Ack: ${link}`,
    `Firebreak TEST PAGE, no incident. Ack: ${link}`,
    `TEST PAGE, no incident. Ack: ${link}`,
  ];
  const fits = forms.find((f) => f.length <= SMS_MAX);
  if (fits) return { text: fits, omitted: false };
  return {
    text: `Firebreak TEST PAGE, no incident. ${truncate(first, 20)}, paging reaches you by SMS. Reply 1 or ack it in Slack.`,
    omitted: true,
  };
}

/** The Slack DM: a marked header, who sent it and why, and an Acknowledge button (the ack link). */
export function testSlackMessage(
  record: Pick<TestPageRecord, "id">,
  person: Pick<TestPagePerson, "name">,
  by: string,
  link: string,
): { text: string; blocks: SlackBlock[] } {
  const who = escapeMrkdwn(truncate(oneLine(by), 200));
  return {
    text: `🧪 ${TEST_PAGE_LABEL} (sent by ${who})`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: `🧪 ${TEST_PAGE_LABEL}`, emoji: true } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `*This is a test page.* ${who} sent it to check that paging reaches ${escapeMrkdwn(truncate(oneLine(person.name), 200))}. Nothing is wrong: no incident was opened. Acknowledge it to complete the test.`,
        },
      },
      { type: "context", elements: [{ type: "mrkdwn", text: `Test page \`${record.id}\`` }] },
      {
        type: "actions",
        block_id: "test_page_actions",
        elements: [
          {
            type: "button",
            action_id: ACTIONS.testPageAck,
            text: { type: "plain_text", text: "Acknowledge test page", emoji: true },
            style: "primary",
            value: record.id,
            url: link,
          },
        ],
      },
    ],
  };
}

/** The call: said to be a test twice, who sent it, no action needed. */
export function testVoiceSsml(by: string): string {
  return [
    `<speak>This is Firebreak. <break time="300ms"/>`,
    `This is a test page. There is no incident. <break time="300ms"/>`,
    `${escapeSsml(truncate(oneLine(by), 200))} sent it to check that a call reaches you. <break time="300ms"/>`,
    `Nothing is wrong. To acknowledge, reply 1 by SMS, or use the link in the text message or in Slack. <break time="500ms"/>`,
    `Again: this is only a test page.</speak>`,
  ].join("");
}
