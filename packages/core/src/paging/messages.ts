/**
 * Page messages: SMS, email and default text, the SNS publish input (one `MessageStructure: "json"`
 * message for every protocol), and the Slack Block Kit message with its action buttons. Pure.
 *
 * SMS length. An SMS page is at most `SMS_MAX_LENGTH` (140) UTF-16 code units, ack link included.
 * The link is never cut: the title is truncated (with "…", never splitting a character or an emoji)
 * and, when even that leaves too little room, the service and the "Ack" label are dropped; the
 * least an SMS with its link says is `SEVn INC-n <link>`. A link so long that even that does not
 * fit (a very long ack base URL) is left out: the SMS still goes, saying where to acknowledge, and
 * `smsPage` reports `link: "omitted"` so the page's timeline entry says so. Rendering never throws
 * on length.
 *
 * Why 140 code units and not "160 characters": an SMS carries 140 bytes. In the GSM-7 alphabet
 * that is 160 characters (153 per part when split; the extension characters `^{}\[~]|€` take two
 * septets each); any character outside GSM-7 (an emoji, "ł", "–", the "…" we add) switches the whole
 * message to UCS-2: 70 UTF-16 code units (67 per part). So a 140-unit page is one part in GSM-7 and
 * two or three in UCS-2: carriers join them, the ack link stays whole. `smsEncoding` tells which.
 *
 * Slack. Everything that comes from outside (titles, descriptions, alarm reasons, service names)
 * goes through `escapeMrkdwn`, so `<!channel>`, `<!here>` and `<@U123>` in an alarm description are
 * shown literally instead of notifying anyone. The only mentions in a page are the ones built from
 * the directory's validated Slack user ids.
 */

import { wellFormed } from "@firebreak/core/shared/text";
import { type AlarmContext, crossingLine, sourceLinkOf } from "../alarm/context";
import type { AlarmRef, Incident } from "../incident/model";

export const SMS_MAX_LENGTH = 140;

/** Stable Slack action ids: the interaction handler routes on these. Each button's `value` is the incident id. */
export const ACTIONS = {
  ack: "incident_ack",
  takeIc: "incident_take_ic",
  resolve: "incident_resolve",
  view: "incident_view",
} as const;
export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

/** The block id of the page's actions block. */
export const PAGE_ACTIONS_BLOCK_ID = "incident_page_actions";

/** What a page says. `incident` may be the full `Incident`. */
export interface PageContent {
  incident: Pick<Incident, "id" | "number" | "title" | "severity" | "services"> &
    Partial<Pick<Incident, "status" | "description" | "locations" | "createdAt" | "source">> & {
      alarm?: AlarmRef;
    };
  /** Why this recipient is paged, e.g. `level 1 of checkout's escalation policy`. */
  reason: string;
  /** The signed one-click acknowledgement link (see `ack-link.ts`). */
  ackUrl: string;
  /** The incident in the dashboard. */
  dashboardUrl?: string;
  /** The alarm's state reason (CloudWatch `StateReason`). */
  alarmReason?: string;
  /** Slack user ids to mention in the Slack page (validated: anything not `U…`/`W…` is dropped). */
  mention?: readonly string[];
  /** The six-digit code a voice page reads out (`voiceAckCode`); voice pages only. */
  voiceAckCode?: string;
}

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Collapses whitespace and control characters to single spaces. */
export function oneLine(text: string): string {
  const flat = wellFormed(text);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return flat.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ").trim();
}

/**
 * Cuts `text` to at most `max` UTF-16 code units, ending with `ellipsis` when cut, never inside a
 * grapheme (a surrogate pair, an emoji sequence, a letter with combining marks).
 */
export function truncate(text: string, max: number, ellipsis = "…"): string {
  if (text.length <= max) return text;
  const room = max - ellipsis.length;
  if (room < 0) return "";
  let out = "";
  for (const { segment } of segmenter.segment(text)) {
    if (out.length + segment.length > room) break;
    out += segment;
  }
  return `${out.trimEnd()}${ellipsis}`;
}

const GSM7_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION = "^{}\\[~]|€\f";

/** The SMS encoding a carrier will use for `text`: GSM-7 if every character is in its alphabet, else UCS-2. */
export function smsEncoding(text: string): "GSM-7" | "UCS-2" {
  for (const ch of text) if (!GSM7_BASIC.includes(ch) && !GSM7_EXTENSION.includes(ch)) return "UCS-2";
  return "GSM-7";
}

function servicesLabel(services: readonly string[]): string {
  const [first, ...rest] = services;
  if (first === undefined) return "";
  return rest.length > 0 ? `${first}+${rest.length}` : first;
}

// ---------------------------------------------------------------------------------------------
// SMS, email, default text
// ---------------------------------------------------------------------------------------------

/** An SMS page and whether its one-click ack link fitted. */
export interface SmsRendering {
  text: string;
  link: "included" | "omitted";
}

/** What an SMS without its link says instead (GSM-7 only, so it costs no UCS-2 switch). */
export const SMS_NO_LINK_HINT = " - ack in Slack or email";

/** The SMS page: `SEV1 INC-42 checkout: <title…> Ack <link>`, at most 140 UTF-16 code units. */
export function smsText(page: PageContent): string {
  return smsPage(page).text;
}

/**
 * The SMS page, the richest layout that fits 140 UTF-16 code units: with the service, the title and
 * "Ack <link>"; then without the service; then without "Ack"; at least `SEVn INC-n <link>`. When
 * even that does not fit, the SMS goes without the link (`link: "omitted"`).
 */
export function smsPage(page: PageContent): SmsRendering {
  const { incident, ackUrl } = page;
  const head = `${incident.severity} INC-${incident.number}`;
  const service = oneLine(servicesLabel(incident.services));
  const title = oneLine(incident.title);
  const link = ackUrl.trim();
  if (`${head} ${link}`.length > SMS_MAX_LENGTH) {
    return { text: smsWithoutLink(head, service, title), link: "omitted" };
  }
  // The alarm's crossing ("(88>=40)") when the richest layout still fits whole with it.
  const crossing = smsCrossing(incident.alarm?.context);
  if (crossing) {
    const rich = `${service ? `${head} ${service}: ` : `${head}: `}${title} ${crossing} Ack ${link}`;
    if (rich.length <= SMS_MAX_LENGTH) return { text: rich, link: "included" };
  }
  return { text: smsWithLink(head, service, title, link), link: "included" };
}

/** `(88>=40)`: the value that crossed the threshold, for an SMS; only plain comparisons, GSM-7 only. */
function smsCrossing(context: AlarmContext | undefined): string | undefined {
  if (!context || context.value === undefined || context.threshold === undefined) return undefined;
  if (!context.comparison || !/^[<>]=?$/.test(context.comparison)) return undefined;
  const n = (x: number) => String(Number(x.toPrecision(6)));
  return `(${n(context.value)}${context.comparison}${n(context.threshold)})`;
}

/** What a service name may take of an SMS without its link when the title needs the rest. */
const NO_LINK_SERVICE_MAX = 32;

/**
 * `SEV1 INC-42 checkout: <title…> - ack in Slack or email`: the service (cut to leave the title
 * room), then as much of the title as fits; each is left out when empty.
 */
function smsWithoutLink(head: string, service: string, title: string): string {
  const budget = SMS_MAX_LENGTH - head.length - SMS_NO_LINK_HINT.length;
  const serviceMax = title ? Math.max(NO_LINK_SERVICE_MAX, budget - 3 - title.length) : budget - 1;
  const servicePart = service && serviceMax >= 2 ? ` ${truncate(service, serviceMax)}` : "";
  const room = budget - servicePart.length - 2;
  const titlePart = title && (room >= 2 || title.length <= room) ? `: ${truncate(title, room)}` : "";
  // Only an absurdly long head (severity and number) could pass the budget; never more than 140.
  return truncate(`${head}${servicePart}${titlePart}${SMS_NO_LINK_HINT}`, SMS_MAX_LENGTH);
}

function smsWithLink(head: string, service: string, title: string, link: string): string {
  // Richest first; each later layout leaves the title more room.
  const layouts = [
    { prefix: service ? `${head} ${service}: ` : `${head}: `, suffix: ` Ack ${link}` },
    { prefix: `${head}: `, suffix: ` Ack ${link}` },
    { prefix: `${head} `, suffix: ` ${link}` },
  ];
  const MIN_TITLE = 12;
  for (const [i, { prefix, suffix }] of layouts.entries()) {
    const room = SMS_MAX_LENGTH - prefix.length - suffix.length;
    const last = i === layouts.length - 1;
    if (title.length <= room || room >= MIN_TITLE || last) {
      const cut = room >= 2 || title.length <= room ? truncate(title, room) : "";
      return cut ? `${prefix}${cut}${suffix}` : `${head} ${link}`;
    }
  }
  return `${head} ${link}`;
}

/** The email page: a subject (ASCII, under 100 characters, as SNS requires) and a plain-text body. */
export function emailPage(page: PageContent): { subject: string; body: string } {
  const { incident } = page;
  const lines = [
    `${incident.severity} incident INC-${incident.number}: ${oneLine(incident.title)}`,
    "",
    `You are paged because: ${page.reason}`,
    "",
    `Acknowledge (one click): ${page.ackUrl}`,
  ];
  if (page.dashboardUrl) lines.push(`Dashboard: ${page.dashboardUrl}`);
  lines.push(
    "",
    "Details",
    `  Incident:   INC-${incident.number} (${incident.id})`,
    `  Severity:   ${incident.severity}`,
  );
  if (incident.status) lines.push(`  Status:     ${incident.status}`);
  lines.push(`  Services:   ${incident.services.length > 0 ? incident.services.join(", ") : "(none)"}`);
  if (incident.locations && incident.locations.length > 0)
    lines.push(`  Locations:  ${incident.locations.map((l) => `${l.account}/${l.region}`).join(", ")}`);
  if (incident.createdAt) lines.push(`  Declared:   ${incident.createdAt}`);
  if (incident.source) lines.push(`  Source:     ${incident.source}`);
  if (incident.alarm || page.alarmReason) {
    lines.push("", "Alarm");
    if (incident.alarm) {
      lines.push(`  Name:       ${oneLine(incident.alarm.name)}`, `  ARN:        ${incident.alarm.arn}`);
      if (incident.alarm.account)
        lines.push(`  Account:    ${incident.alarm.account} (${incident.alarm.region})`);
    }
    const context = incident.alarm?.context;
    const crossing = context ? crossingLine(context) : undefined;
    if (crossing) lines.push(`  Crossing:   ${crossing}`);
    for (const metric of context?.metrics ?? []) lines.push(`  Metric:     ${oneLine(metric)}`);
    if (context?.band) lines.push(`  Band:       ${oneLine(context.band)}`);
    if (context?.composite) {
      lines.push(`  Rule:       ${oneLine(context.composite.rule)}`);
      for (const child of context.composite.children)
        lines.push(`  Child:      ${oneLine(child.name)}${child.state ? ` (${child.state})` : ""}`);
    }
    if (page.alarmReason) lines.push(`  Reason:     ${oneLine(page.alarmReason)}`);
    for (const link of context?.links ?? [])
      lines.push(`  ${`${oneLine(link.label)}:`.padEnd(11)} ${link.url}`);
    const source = context ? sourceLinkOf(context) : undefined;
    if (source)
      lines.push(
        `  ${`${source.label === "CloudWatch alarm" ? "Console" : "Source"}:`.padEnd(11)} ${source.url}`,
      );
  }
  if (incident.description?.trim()) lines.push("", "Description", incident.description.trim());
  lines.push("", "-- ", "Firebreak incident response. Reply to this email is not monitored.");
  return { subject: emailSubject(page), body: lines.join("\n") };
}

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

/** SNS email subject: printable ASCII, starts with a letter/number/punctuation, under 100 characters. */
function emailSubject(page: PageContent): string {
  const { incident } = page;
  const ascii = oneLine(`[${incident.severity}] INC-${incident.number}: ${incident.title}`)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e]/gu, "?");
  return truncate(ascii, 99, "...");
}

/** The text for every other protocol (and SNS's required `default`). */
export function defaultText(page: PageContent): string {
  const { incident } = page;
  const services = incident.services.length > 0 ? ` [${incident.services.join(", ")}]` : "";
  const parts = [
    `${incident.severity} INC-${incident.number}${services}: ${oneLine(incident.title)}`,
    `Paged: ${oneLine(page.reason)}`,
    `Ack: ${page.ackUrl}`,
  ];
  if (page.dashboardUrl) parts.push(`Dashboard: ${page.dashboardUrl}`);
  return parts.join("\n");
}

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

// ---------------------------------------------------------------------------------------------
// Voice (SSML)
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// SNS
// ---------------------------------------------------------------------------------------------

export interface SnsMessageAttribute {
  DataType: "String";
  StringValue: string;
}

/** The per-protocol bodies for `MessageStructure: "json"` (`default` is required by SNS). */
export function snsMessage(page: PageContent): { default: string; sms: string; email: string } {
  return { default: defaultText(page), sms: smsText(page), email: emailPage(page).body };
}

/** Message attributes for subscription filter policies. */
export function snsMessageAttributes(page: PageContent): {
  severity: SnsMessageAttribute;
  incident_id: SnsMessageAttribute;
} {
  return {
    severity: { DataType: "String", StringValue: page.incident.severity },
    incident_id: { DataType: "String", StringValue: page.incident.id },
  };
}

/** A complete SNS `Publish` input (structurally the SDK's `PublishCommandInput`). */
export function snsPublishInput(page: PageContent, topicArn: string) {
  return {
    TopicArn: topicArn,
    MessageStructure: "json" as const,
    Message: JSON.stringify(snsMessage(page)),
    Subject: emailPage(page).subject,
    MessageAttributes: snsMessageAttributes(page),
  };
}

// ---------------------------------------------------------------------------------------------
// Slack
// ---------------------------------------------------------------------------------------------

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
