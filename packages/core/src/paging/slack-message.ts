/**
 * A page as a Slack message (slack-channel.ts): mrkdwn escaped, the alarm context as mrkdwn, the
 * block kit types it uses, and its acknowledge button and links.
 */

import { type AlarmContext, crossingLine, sourceLinkOf } from "../alarm/context";
import {
  ACTIONS,
  type ActionId,
  oneLine,
  PAGE_ACTIONS_BLOCK_ID,
  type PageContent,
  segmenter,
  truncate,
} from "./messages";

/**
 * The alarm's context as Slack mrkdwn lines: the crossing, up to two metrics, the composite's
 * children, and last the links (runbooks and the like, then the CloudWatch console).
 */
export function alarmContextMrkdwn(context: AlarmContext): string[] {
  const lines: string[] = [];
  const crossing = crossingLine(context);
  if (crossing) lines.push(`*Crossing:* ${escapeMrkdwn(crossing)}`);
  for (const metric of context.metrics.slice(0, 2))
    lines.push(`*Metric:* ${escapeMrkdwnWithin(oneLine(metric), 300)}`);
  if (context.composite?.children.length)
    lines.push(
      `*Triggered by:* ${escapeMrkdwnWithin(
        context.composite.children
          .map((c) => `${oneLine(c.name)}${c.state ? ` (${c.state})` : ""}`)
          .join(", "),
        600,
      )}`,
    );
  // Links are data checked to be http(s) with no space, <, > or | (alarm/context.ts): safe in <url|label>.
  const source = sourceLinkOf(context);
  const links = [
    ...context.links.map((l) => `<${l.url}|${escapeMrkdwnWithin(oneLine(l.label), 40)}>`),
    ...(source ? [`<${source.url}|${escapeMrkdwnWithin(source.label, 40)}>`] : []),
  ];
  if (links.length > 0) lines.push(links.join(" · "));
  return lines;
}

/** Escapes Slack mrkdwn control characters (`&`, `<`, `>`), so mentions and links render literally. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** `escapeMrkdwn(text)` cut to at most `max` code units with "…", never inside an entity or a grapheme. */
export function escapeMrkdwnWithin(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = "";
  for (const { segment } of segmenter.segment(text)) {
    const piece = escapeMrkdwn(segment);
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out.trimEnd()}…`;
}

export interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

export interface Mrkdwn {
  type: "mrkdwn";
  text: string;
}

export interface ButtonElement {
  type: "button";
  action_id: ActionId;
  text: PlainText;
  value: string;
  style?: "primary" | "danger";
  url?: string;
  confirm?: { title: PlainText; text: Mrkdwn; confirm: PlainText; deny: PlainText };
}

export type SlackBlock =
  | { type: "header"; text: PlainText }
  | { type: "section"; text: Mrkdwn; fields?: Mrkdwn[] }
  | { type: "context"; elements: Mrkdwn[] }
  | { type: "actions"; block_id: string; elements: ButtonElement[] };

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

const plain = (text: string): PlainText => ({ type: "plain_text", text, emoji: true });

const md = (text: string): Mrkdwn => ({ type: "mrkdwn", text });

/** The page as a Slack message: `text` (the notification line) and Block Kit `blocks`. */
export function slackPageMessage(page: PageContent): { text: string; blocks: SlackBlock[] } {
  const { incident } = page;
  const title = oneLine(incident.title);
  const label = `${incident.severity} INC-${incident.number}`;
  const mentions = (page.mention ?? [])
    .filter((id) => SLACK_USER_ID.test(id) && id.length <= 20)
    .slice(0, 20)
    .map((id) => `<@${id}>`);
  const mentionLine = mentions.length > 0 ? `${mentions.join(" ")} ` : "";

  const fields = [
    md(`*Severity*\n${incident.severity}`),
    md(
      `*Services*\n${incident.services.length > 0 ? escapeMrkdwnWithin(incident.services.join(", "), 1000) : "none"}`,
    ),
  ];
  if (incident.status) fields.push(md(`*Status*\n${incident.status}`));
  if (incident.alarm) fields.push(md(`*Alarm*\n${escapeMrkdwnWithin(incident.alarm.name, 1000)}`));

  const blocks: SlackBlock[] = [
    { type: "header", text: plain(truncate(`🚨 ${label}: ${title}`, 150)) },
    {
      type: "section",
      text: md(
        `${mentionLine}*${escapeMrkdwnWithin(title, 1000)}*\nPaged: ${escapeMrkdwnWithin(oneLine(page.reason), 1000)}`,
      ),
      fields,
    },
  ];
  const details: string[] = [];
  const context = incident.alarm?.context;
  const contextLines = context ? alarmContextMrkdwn(context) : [];
  details.push(...contextLines.slice(0, -1));
  if (page.alarmReason)
    details.push(`*Alarm reason:* ${escapeMrkdwnWithin(oneLine(page.alarmReason), 1000)}`);
  details.push(...contextLines.slice(-1));
  if (incident.description?.trim()) details.push(escapeMrkdwnWithin(incident.description.trim(), 1500));
  if (details.length > 0) blocks.push({ type: "section", text: md(details.join("\n")) });
  blocks.push({ type: "context", elements: [md(`Incident id \`${incident.id}\``)] });

  const buttons: ButtonElement[] = [
    {
      type: "button",
      action_id: ACTIONS.ack,
      text: plain("Acknowledge"),
      style: "primary",
      value: incident.id,
    },
    { type: "button", action_id: ACTIONS.takeIc, text: plain("Take IC"), value: incident.id },
    {
      type: "button",
      action_id: ACTIONS.resolve,
      text: plain("Resolve"),
      style: "danger",
      value: incident.id,
      confirm: {
        title: plain("Resolve this incident?"),
        text: md(`Resolve *${escapeMrkdwn(label)}*? Paging stops.`),
        confirm: plain("Resolve"),
        deny: plain("Cancel"),
      },
    },
  ];
  if (page.dashboardUrl)
    buttons.push({
      type: "button",
      action_id: ACTIONS.view,
      text: plain("View in dashboard"),
      value: incident.id,
      url: page.dashboardUrl,
    });
  blocks.push({ type: "actions", block_id: PAGE_ACTIONS_BLOCK_ID, elements: buttons });

  return { text: `${mentionLine}${label}: ${escapeMrkdwnWithin(title, 1000)}`, blocks };
}
