import { type Incident, type IncidentStatus, SEVERITIES } from "@firebreak/core/incident/model";
import type { TimelineEntry } from "@firebreak/core/incident/timeline";
import { oneLine } from "@firebreak/core/paging/messages";
import { alarmContextMrkdwn, escapeMrkdwn, escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import type { Draft } from "@firebreak/core/postmortem/drafts";
import { formatDuration } from "@firebreak/core/shared/duration";
import type { types } from "@slack/bolt";
import { FULL_USAGE } from "./commands";
import { ACTIONS, DECLARE_MODAL, INCIDENT_MESSAGE } from "./ids";

/**
 * Everything the Slack app shows (pure). Every string that comes from outside (titles, services,
 * alarm names, descriptions, updates, summaries, timeline text, user names) goes through
 * `escapeMrkdwn`, in mrkdwn and plain_text alike: `<!channel>`, `<!here>`, `<@U…>`, `&`, `<`, `>`
 * render literally and notify nobody. The only mentions are built here from validated Slack user
 * ids (`U…`/`W…`).
 */

export type Block = types.KnownBlock;

export interface SlackMessage {
  text: string;
  blocks?: Block[];
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;

const md = (text: string): types.MrkdwnElement => ({ type: "mrkdwn", text });

const plain = (text: string): types.PlainTextElement => ({ type: "plain_text", text, emoji: true });

/** A person: a mention for a Slack user id, else their escaped name. */
export function person(id: string, name?: string): string {
  if (SLACK_USER_ID.test(id)) return `<@${id}>`;
  return escapeMrkdwnWithin(oneLine(name ?? id), 100);
}

/** `SEV2 INC-7` (both parts are ours: no escaping needed). */
export function incidentLabel(incident: Pick<Incident, "severity" | "number">): string {
  return `${incident.severity} INC-${incident.number}`;
}

/** Slack renders the date in each reader's time zone; the ISO text is the fallback. */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
}

const STATUS_ICON: Record<IncidentStatus, string> = {
  declared: "🔴",
  acknowledged: "🟠",
  mitigated: "🟡",
  resolved: "🟢",
};

export function statusLabel(status: IncidentStatus): string {
  return `${STATUS_ICON[status]} ${status}`;
}

const ROLE_LABELS = [
  ["ic", "IC"],
  ["ops", "Ops"],
  ["comms", "Comms"],
] as const;

function rolesLine(incident: Incident): string {
  return ROLE_LABELS.map(([role, label]) => {
    const holder = incident.roles?.[role];
    return `${label}: ${holder ? person(holder.personId, holder.personName) : "—"}`;
  }).join(" · ");
}

function servicesText(incident: Incident): string {
  return incident.services.length > 0 ? escapeMrkdwnWithin(incident.services.join(", "), 500) : "none";
}

/** What someone just did to an incident, shown on its message. */
export interface LastAction {
  /** Past tense, e.g. `Acknowledged`, `Resolved`, `Took IC`. */
  verb: string;
  userId: string;
  userName?: string;
  at: string;
}

function lastActionText(action: LastAction): string {
  return `${action.verb} by ${person(action.userId, action.userName)} · ${slackDate(action.at)}`;
}

/** The incident message with the buttons that still make sense for its state. */
export function incidentMessage(
  incident: Incident,
  options: { lastAction?: LastAction; incidentUrl?: string } = {},
): Required<SlackMessage> {
  const label = incidentLabel(incident);
  const title = escapeMrkdwnWithin(oneLine(incident.title), 1000);
  const fields = [
    md(`*Status*\n${statusLabel(incident.status)}`),
    md(`*Severity*\n${incident.severity}`),
    md(`*Services*\n${servicesText(incident)}`),
    md(`*Roles*\n${rolesLine(incident)}`),
  ];
  if (incident.alarm) fields.push(md(`*Alarm*\n${escapeMrkdwnWithin(oneLine(incident.alarm.name), 500)}`));
  const blocks: Block[] = [
    { type: "header", text: plain(escapeMrkdwnWithin(`🚨 ${label}: ${oneLine(incident.title)}`, 150)) },
    { type: "section", block_id: INCIDENT_MESSAGE.summaryBlock, text: md(`*${title}*`), fields },
  ];
  if (incident.alarm?.context)
    blocks.push({ type: "section", text: md(alarmContextMrkdwn(incident.alarm.context).join("\n")) });
  if (incident.summary?.trim())
    blocks.push({ type: "section", text: md(`*Summary:* ${escapeMrkdwnWithin(incident.summary, 2000)}`) });
  const relations = relationLines(incident);
  if (relations.length > 0) blocks.push({ type: "context", elements: [md(relations.join("\n"))] });
  if (options.lastAction)
    blocks.push({
      type: "context",
      block_id: INCIDENT_MESSAGE.lastActionBlock,
      elements: [md(lastActionText(options.lastAction))],
    });
  const buttons = incidentButtons(incident, options.incidentUrl);
  if (buttons.length > 0)
    blocks.push({ type: "actions", block_id: INCIDENT_MESSAGE.actionsBlock, elements: buttons });
  const acted = options.lastAction ? ` (${lastActionText(options.lastAction)})` : "";
  return { text: `${label}: ${title} is ${incident.status}${acted}`, blocks };
}

function incidentButtons(incident: Incident, incidentUrl: string | undefined): types.Button[] {
  const buttons: types.Button[] = [];
  if (incident.status === "declared")
    buttons.push({
      type: "button",
      action_id: ACTIONS.ack,
      text: plain("Acknowledge"),
      style: "primary",
      value: incident.id,
    });
  if (incident.status !== "resolved") {
    buttons.push({ type: "button", action_id: ACTIONS.takeIc, text: plain("Take IC"), value: incident.id });
    buttons.push({
      type: "button",
      action_id: ACTIONS.resolve,
      text: plain("Resolve"),
      style: "danger",
      value: incident.id,
      confirm: {
        title: plain("Resolve this incident?"),
        text: md(`Resolve *${incidentLabel(incident)}*? Paging stops.`),
        confirm: plain("Resolve"),
        deny: plain("Cancel"),
      },
    });
  }
  if (incidentUrl)
    buttons.push({
      type: "button",
      action_id: ACTIONS.view,
      text: plain("View in dashboard"),
      value: incident.id,
      url: incidentUrl,
    });
  return buttons;
}

const refList = (refs: readonly { number: number; title: string }[], max: number) => {
  const shown = refs
    .slice(0, max)
    .map((r) => `INC-${r.number} (${escapeMrkdwnWithin(oneLine(r.title), 80)})`)
    .join(", ");
  return refs.length > max ? `${shown} and ${refs.length - max} more` : shown;
};

/** What the incident was merged into, what was merged into it, and what it is linked to. */
export function relationLines(incident: Incident): string[] {
  const lines: string[] = [];
  if (incident.mergedInto) lines.push(`↪ Merged into ${refList([incident.mergedInto], 1)}: follow it there.`);
  if (incident.merged?.length) lines.push(`⤵ Merged into this: ${refList(incident.merged, 5)}`);
  if (incident.links?.length) lines.push(`🔗 Related: ${refList(incident.links, 5)}`);
  return lines;
}

/** A one-line confirmation posted in the channel after a command changed an incident. */
export function changeNotice(incident: Incident, what: string, actor: { id: string; name?: string }): string {
  return `${incidentLabel(incident)} *${escapeMrkdwnWithin(oneLine(incident.title), 300)}* ${what} by ${person(actor.id, actor.name)}`;
}

/** A stakeholder update as posted in a channel (the command's echo and the incident channel's post). */
export function updateText(
  incident: Incident,
  update: { text: string; temporary: boolean },
  by: { id: string; name?: string },
): string {
  const kind = update.temporary ? "Temporary mitigation (to roll back later)" : "Update";
  return `*${kind} on ${incidentLabel(incident)}* (${escapeMrkdwnWithin(oneLine(incident.title), 200)}) from ${person(by.id, by.name)}:\n>${escapeMrkdwnWithin(update.text, 2900).replace(/\n/g, "\n>")}`;
}

/** `/incident status`: state, roles, times and the latest timeline entries. */
export function statusReport(
  incident: Incident,
  timeline: readonly TimelineEntry[],
  incidentUrl?: string,
): SlackMessage {
  const lines = [
    `*${incidentLabel(incident)}: ${escapeMrkdwnWithin(oneLine(incident.title), 1000)}*`,
    `${statusLabel(incident.status)} · services: ${servicesText(incident)}`,
    rolesLine(incident),
  ];
  const times: string[] = [`declared ${slackDate(incident.createdAt)}`];
  if (incident.acknowledgedAt) times.push(`acknowledged ${slackDate(incident.acknowledgedAt)}`);
  if (incident.mitigatedAt) times.push(`mitigated ${slackDate(incident.mitigatedAt)}`);
  if (incident.resolvedAt) times.push(`resolved ${slackDate(incident.resolvedAt)}`);
  lines.push(times.join(" · "));
  if (incident.alarm) lines.push(`Alarm: ${escapeMrkdwnWithin(oneLine(incident.alarm.name), 500)}`);
  if (incident.alarm?.context) lines.push(...alarmContextMrkdwn(incident.alarm.context));
  if (incident.summary) lines.push(`Summary: ${escapeMrkdwnWithin(incident.summary, 1000)}`);
  lines.push(...relationLines(incident));
  const latest = [...timeline].sort((a, b) => a.id.localeCompare(b.id)).slice(-5);
  if (latest.length > 0) {
    lines.push("*Latest*");
    for (const entry of latest)
      lines.push(`• ${slackDate(entry.at)} ${escapeMrkdwnWithin(oneLine(entry.summary), 300)}`);
  }
  if (incidentUrl) lines.push(`<${safeUrl(incidentUrl)}|Open in the dashboard>`);
  return { text: lines.join("\n") };
}

/** `/incident list`. */
export function openIncidentsList(incidents: readonly Incident[], more: boolean): SlackMessage {
  if (incidents.length === 0) return { text: "No open incidents. 🎉" };
  const lines = [`*Open incidents (${incidents.length}${more ? "+" : ""})*`];
  for (const incident of incidents) {
    const ic = incident.roles?.ic;
    lines.push(
      `• ${incidentLabel(incident)} *${escapeMrkdwnWithin(oneLine(incident.title), 200)}* · ${statusLabel(incident.status)}` +
        ` · IC: ${ic ? person(ic.personId, ic.personName) : "—"}`,
    );
  }
  if (more) lines.push("…and more: see the dashboard.");
  return { text: lines.join("\n") };
}

/** The dashboard's postmortem page of an incident, from its incident page (`…/incidents/<id>`). */
export function postmortemUrl(incidentUrl: string): string {
  return `${incidentUrl.replace(/\/+$/, "")}/postmortem`;
}

/**
 * `/incident postmortem` when a draft exists (and the post in the incident channel): its version,
 * time to resolve, wording suggestions, and a link to the dashboard's postmortem page, where
 * responders edit it (viewers read it).
 */
export function postmortemSummary(incident: Incident, draft: Draft, incidentUrl?: string): SlackMessage {
  const ttr = draft.metadata.durations.ttr.seconds;
  const lines = [
    `*Postmortem of ${incidentLabel(incident)}: ${escapeMrkdwnWithin(oneLine(incident.title), 500)}*`,
    `Version ${draft.version} (${draft.origin === "human" ? "edited" : "generated draft"}), ${slackDate(draft.createdAt)}`,
  ];
  if (ttr !== null) lines.push(`Time to resolve: ${formatDuration(ttr)}`);
  const release = draft.metadata.release_involved.value;
  lines.push(
    release === "suspected"
      ? "Release involved: suspected (changes before the impact), to confirm with `/incident postmortem release yes|no`"
      : `Release involved: ${release}`,
  );
  const findings = draft.metadata.lint.length;
  if (findings > 0) lines.push(`${findings} wording suggestion${findings === 1 ? "" : "s"} to review`);
  if (incidentUrl)
    lines.push(`<${safeUrl(postmortemUrl(incidentUrl))}|Read and edit the postmortem in the dashboard>`);
  return { text: lines.join("\n") };
}

/** `/incident help`. */
export function helpMessage(): SlackMessage {
  return { text: `*Firebreak incident commands*\n\`\`\`${escapeMrkdwn(FULL_USAGE)}\`\`\`` };
}

/** A URL inside `<url|label>`: `|` and `>` would end it early. */
export function safeUrl(url: string): string {
  return url.replace(/[|>]/g, encodeURIComponent).replace(/&/g, "&amp;").replace(/</g, "%3C");
}

/** What the declare modal carries from the command to its submission. */
export interface DeclareModalMetadata {
  channel_id?: string;
}

/** The declare modal (`/incident declare` with no arguments). */
export function declareModal(metadata: DeclareModalMetadata): types.ModalView {
  const m = DECLARE_MODAL;
  return {
    type: "modal",
    callback_id: m.callbackId,
    private_metadata: JSON.stringify(metadata),
    title: plain("Declare incident"),
    submit: plain("Declare"),
    close: plain("Cancel"),
    blocks: [
      {
        type: "input",
        block_id: m.title.block,
        label: plain("Title"),
        element: { type: "plain_text_input", action_id: m.title.action, max_length: 200 },
      },
      {
        type: "input",
        block_id: m.severity.block,
        label: plain("Severity"),
        element: {
          type: "static_select",
          action_id: m.severity.action,
          initial_option: { text: plain("SEV3"), value: "sev3" },
          options: SEVERITIES.map((s) => ({ text: plain(s), value: s.toLowerCase() })),
        },
      },
      {
        type: "input",
        block_id: m.services.block,
        optional: true,
        label: plain("Services"),
        hint: plain("Comma-separated, e.g. checkout, payments"),
        element: { type: "plain_text_input", action_id: m.services.action },
      },
      {
        type: "input",
        block_id: m.description.block,
        optional: true,
        label: plain("What is happening?"),
        element: {
          type: "plain_text_input",
          action_id: m.description.action,
          multiline: true,
          max_length: 3000,
        },
      },
      {
        type: "input",
        block_id: m.commander.block,
        optional: true,
        label: plain("Incident commander"),
        element: { type: "users_select", action_id: m.commander.action },
      },
    ],
  };
}
