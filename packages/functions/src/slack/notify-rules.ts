/**
 * `/incident me`: how the person typing is paged (their notification rules, core/oncall/
 * notify-rules.ts, and whether each contact method is verified, core/oncall/contact-methods.ts),
 * setting them: `me high slack sms:2 voice:5`, `me low slack`, `me reset`, and verifying a method:
 * `me verify sms` (a test message with a code), `me verify 123456` (the code back).
 * Only directory people have rules; each person edits their own here (admins edit anyone's from
 * the API or the dashboard).
 */
import type { Actor } from "@firebreak/core/incident/model";
import { describeMethods, METHOD_LABEL, type MethodView } from "@firebreak/core/oncall/contact-methods";
import {
  type NotifyRulesDeps,
  type NotifyRulesView,
  notifyRulesView,
  setNotifyRules,
} from "@firebreak/core/oncall/notify-actions";
import {
  confirmVerification,
  contactMethodsView,
  maskAddress,
  requestVerification,
  type VerifyDeps,
} from "@firebreak/core/oncall/verify-actions";
import { escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
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
export function rulesText(view: NotifyRulesView, changed?: "set" | "reset", methods?: MethodView[]): string {
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
    ...(methods ? [methodsLine(methods)] : []),
    `Change them: \`${USAGE.me}\``,
  ].join("\n");
}

function methodsLine(methods: readonly MethodView[]): string {
  const text = describeMethods(methods);
  const unverified = methods.filter((m) => m.status === "unverified").map((m) => m.method);
  return `• *Contact methods*: ${text || "none"}${unverified.length > 0 ? ` (a page by an unverified method may not land: \`/incident me verify ${unverified[0]}\`)` : ""}`;
}

export async function runMe(
  deps: { notifyRules?: NotifyRulesDeps["rules"]; contacts?: VerifyDeps["contacts"]; clock?: Clock },
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
  if (command.verify || command.code) return runVerify(deps, command, actor, me.personId);
  const stored = await store.get();
  const current = notifyRulesView(stored.applied, stored.items, me.personId);
  if (!command.reset && !command.urgency) {
    const contacts = await deps.contacts?.get();
    const now = (deps.clock ?? systemClock).now();
    return rulesText(
      current,
      undefined,
      contacts ? contactMethodsView(contacts.applied, contacts.items, me.personId, now).methods : undefined,
    );
  }
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

/** `me verify <method>`: a test message; `me verify <code>`: the code back (verified by Slack). */
async function runVerify(
  deps: { contacts?: VerifyDeps["contacts"]; clock?: Clock },
  command: MeCommand,
  actor: Actor,
  personId: string,
): Promise<string> {
  if (!deps.contacts)
    throw new SlackUserError("not_configured", "Contact methods cannot be verified from this Slack app.");
  const verifyDeps = { contacts: deps.contacts, ...(deps.clock ? { clock: deps.clock } : {}) };
  const who = { actor, personId, admin: false };
  try {
    if (command.code) {
      const view = await confirmVerification(verifyDeps, personId, undefined, command.code, who, "slack");
      return `Verified: your ${METHOD_LABEL[view.verified]}. ${describeMethods(view.methods)}.`;
    }
    const method = command.verify!;
    const view = await requestVerification(verifyDeps, personId, method, who);
    const address = view.methods.find((m) => m.method === method)?.address ?? "";
    const how = method === "slack" ? "as a DM from me" : method === "sms" ? "by SMS" : "by a phone call";
    return `A test message with a six-digit code is on its way ${how} to ${escapeMrkdwnWithin(maskAddress(method, address), 40)}. Send the code back with \`/incident me verify <code>\` within 15 minutes${method === "slack" ? "" : " (or reply to the SMS with it)"}.`;
  } catch (error) {
    if (
      error instanceof FirebreakError &&
      !(error instanceof SlackUserError) &&
      VERIFY_REFUSALS.has(error.code)
    )
      throw new SlackUserError(error.code, `${error.message}.`, USAGE.me);
    throw error;
  }
}

const VERIFY_REFUSALS = new Set([
  "too_soon",
  "wrong_code",
  "no_verification_pending",
  "validation_failed",
  "paging_not_configured",
]);
