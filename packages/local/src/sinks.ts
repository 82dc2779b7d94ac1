/**
 * The local runtime's paging sinks: which of SNS and Slack go to the recording fakes (the default)
 * and which to the real service, decided from the environment once at start, and how a recorded
 * page is printed to the console.
 *
 * - `SLACK_BOT_TOKEN=xoxb-…`: Slack pages (and the Slack handler's Web API calls) go to
 *   https://slack.com/api/ with that token.
 * - `FIREBREAK_SNS_REAL=1` with `AWS_REGION` (or `AWS_DEFAULT_REGION`): SNS pages go to real SNS
 *   with the SDK's default credentials. SMS is sent from that region; a topic is published to in
 *   the region its ARN names (the topic ARNs come from the on-call directory).
 */
import type { ValidationIssue } from "@firebreak/core/shared/errors";
import type { FakeSlackCall } from "./fake-slack";
import type { PublishedMessage } from "./fake-sns";

export type SlackSink = { kind: "fake" } | { kind: "real"; token: string };
export type SnsSink = { kind: "fake" } | { kind: "real"; region: string };

export interface PagingSinks {
  slack: SlackSink;
  sns: SnsSink;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const TRUE = new Set(["1", "true", "yes"]);
const FALSE = new Set(["", "0", "false", "no"]);

/** Decides the sinks from `env`; `issues` name each bad variable (the runtime refuses to start). */
export function pagingSinksFromEnv(env: Record<string, string | undefined>): {
  sinks: PagingSinks;
  issues: ValidationIssue[];
} {
  const issues: ValidationIssue[] = [];
  let slack: SlackSink = { kind: "fake" };
  const token = env.SLACK_BOT_TOKEN?.trim();
  if (token) {
    if (token.startsWith("xoxb-")) slack = { kind: "real", token };
    else issues.push({ path: "SLACK_BOT_TOKEN", message: "a bot token starts with xoxb-" });
  }

  let sns: SnsSink = { kind: "fake" };
  const flag = (env.FIREBREAK_SNS_REAL ?? "").trim().toLowerCase();
  if (TRUE.has(flag)) {
    const region = (env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "").trim();
    if (!region)
      issues.push({
        path: "FIREBREAK_SNS_REAL",
        message: "real SNS needs AWS_REGION (the region SMS is sent from), e.g. AWS_REGION=eu-west-1",
      });
    else if (!REGION.test(region))
      issues.push({
        path: env.AWS_REGION ? "AWS_REGION" : "AWS_DEFAULT_REGION",
        message: `not a region: "${region}"`,
      });
    else sns = { kind: "real", region };
  } else if (!FALSE.has(flag)) {
    issues.push({ path: "FIREBREAK_SNS_REAL", message: `expected 1 or 0, got "${env.FIREBREAK_SNS_REAL}"` });
  }
  return { sinks: { slack, sns }, issues };
}

const ACK_LINK = /https?:\/\/\S+?\/ack\/[^\s"'<>]+/;

function indent(label: string, text: string): string {
  const [first, ...rest] = text.split("\n");
  return [`  ${label.padEnd(9)}${first}`, ...rest.map((l) => `  ${" ".repeat(9)}${l}`)].join("\n");
}

/** One readable block for a page published to the SNS fake (topic or direct SMS), ack link on its own line. */
export function formatSnsPage(message: PublishedMessage): string {
  const to = message.topicArn
    ? `topic ${message.topicArn}`
    : message.phoneNumber
      ? `SMS ${message.phoneNumber}`
      : `target ${message.targetArn}`;
  const attr = (name: string) => message.attributes[name]?.stringValue;
  const lines = [`── SNS page → ${to} ──`];
  if (attr("incident_id"))
    lines.push(indent("incident", `${attr("incident_id")} (${attr("severity") ?? "?"})`));
  if (message.subject) lines.push(indent("subject", message.subject));
  const sms = message.structure ? message.structure.sms : message.message;
  if (sms) lines.push(indent("sms", sms));
  if (message.structure?.email) {
    const dashboard = /https?:\/\/\S+\/incidents\/\S+/.exec(message.structure.email)?.[0];
    if (dashboard) lines.push(indent("incident", dashboard));
  }
  const link = ACK_LINK.exec(message.structure?.email ?? "")?.[0] ?? ACK_LINK.exec(sms ?? "")?.[0];
  if (link) lines.push(indent("ack", `${link}   (open in a browser)`));
  return lines.join("\n");
}

interface Block {
  type?: string;
  text?: { text?: string };
  elements?: { type?: string; action_id?: string; text?: { text?: string }; url?: string }[];
}

/** One block for a message posted to the Slack fake: where, the text, and the buttons with their action ids. */
export function formatSlackPage(
  call: FakeSlackCall,
  answer: Record<string, unknown> = {},
): string | undefined {
  if (call.method !== "chat.postMessage") return undefined;
  const channel = String(call.body.channel ?? "?");
  const where = /^[UW]/.test(channel) ? `DM ${channel}` : `channel ${channel}`;
  const lines = [`── Slack message → ${where}${answer.ts ? ` (ts ${String(answer.ts)})` : ""} ──`];
  if (typeof call.body.text === "string") lines.push(indent("text", call.body.text));
  const blocks = Array.isArray(call.body.blocks) ? (call.body.blocks as Block[]) : [];
  const buttons = blocks
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.type === "button")
    .map((e) => `${e.text?.text ?? "?"} [${e.url ?? e.action_id ?? "?"}]`);
  if (buttons.length > 0) lines.push(indent("buttons", buttons.join("  ")));
  return lines.join("\n");
}
