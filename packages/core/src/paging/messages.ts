/**
 * Page messages: SMS, email and default text, the SNS publish input (one `MessageStructure: "json"`
 * message for every protocol), and what every rendering shares. Pure. The Slack message is
 * slack-message.ts, the voice SSML voice-message.ts, and all of them by channel page-renderers.ts.
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
  /** A test page's Acknowledge button (a link: the click itself needs only Slack's ack). */
  testPageAck: "test_page_ack",
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

export const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

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
