/**
 * `/incident action …` and `/incident actions …` (core/action-items): add an action item with an
 * owner and a due date, mark one done / won't do / open again, list them. It gets what it needs
 * from listeners/incident-command.ts (the incident finder, the actor, the permission check).
 */
import {
  type ActionItemDeps,
  createActionItem,
  getActionItem,
  listActionItems,
  updateActionItem,
} from "@firebreak/core/action-items/actions";
import type { ActionItem } from "@firebreak/core/action-items/model";
import type { Actor, Incident } from "@firebreak/core/incident/model";
import { oneLine } from "@firebreak/core/paging/messages";
import { escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import { type Command, USAGE } from "./commands";
import { SlackUserError } from "./errors";
import { postmortemUrl } from "./messages";
import type { Act, Who } from "./permissions";

export type ActionItemCommand = Extract<Command, { kind: "action" | "action_status" | "actions" }>;

export interface ActionItemCommandContext {
  deps: ActionItemDeps;
  /** INC-n, else the channel's incident (listeners/context.ts `target`). */
  find(number: number | undefined, usage: string): Promise<Incident>;
  getIncident(id: string): Promise<Incident | undefined>;
  actor: Actor;
  me: Who;
  check(act: Act, incident?: Incident): void;
  /** Slack's trigger id of this command: a replayed request makes no second item. */
  triggerId: string;
  incidentUrl?(incident: Incident): string | undefined;
}

const STATUS_TEXT: Record<ActionItem["status"], string> = { open: "open", done: "done", wont_do: "won't do" };

function itemLine(item: ActionItem, names: Map<string, string>): string {
  const owner = escapeMrkdwnWithin(oneLine(names.get(item.owner) ?? item.owner), 100);
  return `• *${item.id}* ${escapeMrkdwnWithin(oneLine(item.title), 200)} · ${owner}${item.due ? ` · due ${item.due}` : ""} · ${STATUS_TEXT[item.status]}${item.tracker ? ` · <${item.tracker.url}|${escapeMrkdwnWithin(item.tracker.key, 80)}>` : ""}`;
}

/** Runs the command; `inChannel` says whether everyone in the channel should see the answer. */
export async function runActionItemCommand(
  command: ActionItemCommand,
  ctx: ActionItemCommandContext,
): Promise<{ text: string; inChannel: boolean }> {
  const directory = await ctx.deps.directory();
  const names = new Map((directory?.people ?? []).map((p) => [p.id, p.name]));
  const by = escapeMrkdwnWithin(oneLine(ctx.actor.name ?? ctx.actor.id), 100);
  if (command.kind === "action") {
    const incident = await ctx.find(command.number, USAGE.action);
    ctx.check("action", incident);
    const owner = command.self ? (ctx.me.personId ?? ctx.me.slackUserId) : (command.userId ?? "");
    const { item, created } = await createActionItem(
      ctx.deps,
      incident.id,
      { title: command.title, owner, ...(command.due ? { due: command.due } : {}) },
      ctx.actor,
      `slack:${ctx.triggerId}`,
    );
    const link = ctx.incidentUrl?.(incident);
    return {
      text: `🗒️ ${created ? "Action item added" : "Action item already added"} to INC-${incident.number} by ${by}:\n${itemLine(item, names)}${link ? `\n<${postmortemUrl(link)}|Postmortem>` : ""}`,
      inChannel: true,
    };
  }
  if (command.kind === "action_status") {
    const before = await getActionItem(ctx.deps, command.id);
    const incident = await ctx.getIncident(before.incidentId);
    ctx.check("action", incident);
    const { item, changed } = await updateActionItem(
      ctx.deps,
      command.id,
      { status: command.status },
      ctx.actor,
    );
    return {
      text: changed
        ? `🗒️ *${item.id}* is ${STATUS_TEXT[item.status]} (by ${by}):\n${itemLine(item, names)}`
        : `*${item.id}* was already ${STATUS_TEXT[item.status]}.`,
      inChannel: changed,
    };
  }
  let items: ActionItem[];
  let heading: string;
  if (command.scope === "incident") {
    const incident = await ctx.find(command.number, USAGE.actions);
    items = await listActionItems(ctx.deps, { incident: incident.id });
    heading = `Action items of INC-${incident.number}`;
  } else if (command.scope === "mine") {
    const owner = ctx.me.personId;
    if (!owner)
      throw new SlackUserError(
        "not_in_directory",
        "You are not in the on-call directory, so no action item is yours.",
      );
    items = await listActionItems(ctx.deps, { owner, status: "open" });
    heading = "Your open action items";
  } else {
    items = await listActionItems(ctx.deps, { status: "open" });
    heading = "Open action items";
  }
  const shown = items.slice(0, 30);
  return {
    text:
      items.length === 0
        ? `${heading}: none.`
        : `*${heading}* (${items.length}):\n${shown.map((i) => itemLine(i, names)).join("\n")}${items.length > shown.length ? `\n…and ${items.length - shown.length} more in the dashboard.` : ""}`,
    inChannel: false,
  };
}
