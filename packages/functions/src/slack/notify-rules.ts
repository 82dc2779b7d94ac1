/**
 * `/incident me`: how the person typing is paged (their notification rules, core/oncall/
 * notify-rules.ts), and setting them: `me high slack sms:2 voice:5`, `me low slack`, `me reset`.
 * Only directory people have rules; each person edits their own here (admins edit anyone's from
 * the API or the dashboard).
 */
import type { Actor } from "@firebreak/core/incident/model";
import {
  type NotifyRulesDeps,
  type NotifyRulesView,
  notifyRulesView,
  setNotifyRules,
} from "@firebreak/core/oncall/notify-actions";
import { escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import type { Clock } from "@firebreak/core/shared/clock";
import { FirebreakError } from "@firebreak/core/shared/errors";
import type { Command } from "./commands";
import { USAGE } from "./commands";
import { SlackUserError } from "./errors";
import type { Who } from "./permissions";

type MeCommand = Extract<Command, { kind: "me" }>;

const SOURCE: Record<NotifyRulesView["source"], string> = {
  personal: "your own",
  directory: "from the on-call directory",
  default: "Firebreak's default",
};

/** The reply: the rules in force for each urgency, and where they come from. */
export function rulesText(view: NotifyRulesView, changed?: "set" | "reset"): string {
  const head =
    changed === "set"
      ? "Your notification rules are saved."
      : changed === "reset"
        ? "Your own notification rules are gone: these apply now."
        : "How you are paged:";
  return [
    `${head} (${SOURCE[view.source]}${view.updatedAt ? `, set ${view.updatedAt}` : ""})`,
    `• *High urgency*: ${escapeMrkdwnWithin(view.summary.high, 300)}`,
    `• *Low urgency*: ${escapeMrkdwnWithin(view.summary.low, 300)}`,
    "Each step waits for its minutes after a page starts, and is not sent once anyone acknowledges.",
    `Change them: \`${USAGE.me}\``,
  ].join("\n");
}

export async function runMe(
  deps: { notifyRules?: NotifyRulesDeps["rules"]; clock?: Clock },
  command: MeCommand,
  actor: Actor,
  me: Who,
): Promise<string> {
  const store = deps.notifyRules;
  if (!store)
    throw new SlackUserError(
      "not_configured",
      "There is no on-call directory yet: apply one (firebreak directory apply).",
    );
  if (!me.personId)
    throw new SlackUserError(
      "not_in_directory",
      "You are not in the on-call directory: only its people are paged, so only they have notification rules.",
      USAGE.me,
    );
  const stored = await store.get();
  const current = notifyRulesView(stored.applied, stored.items, me.personId);
  if (!command.reset && !command.urgency) return rulesText(current);
  const rules = command.reset
    ? null
    : { ...current.rules, [command.urgency as "high" | "low"]: command.steps ?? [] };
  const od = { rules: store, ...(deps.clock ? { clock: deps.clock } : {}) };
  const view = await setNotifyRules(od, me.personId, rules, {
    actor,
    personId: me.personId,
    admin: false,
  }).catch((error: unknown) => {
    if (error instanceof FirebreakError && error.code === "paging_not_configured")
      throw new SlackUserError("not_configured", `${error.message}.`);
    throw error;
  });
  return rulesText(view, command.reset ? "reset" : "set");
}
