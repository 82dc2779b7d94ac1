/**
 * One person of the directory from the command line: `firebreak directory show --person <id>`
 * (contact methods with their verification, rotations, notification rules) and
 * `firebreak directory verify --person <id> --method sms|slack|voice [--code 123456]` (send a test
 * message; confirm its code). Like the other directory commands it writes to the table directly;
 * the running runtime's pager (or the deployed one) sends the message.
 */

import { ContactStore } from "@firebreak/core/adapters/dynamodb/oncall/contact-store";
import { describeMethods, METHOD_LABEL, methodViews } from "@firebreak/core/oncall/contact-methods";
import { notifyRulesView } from "@firebreak/core/oncall/notify-actions";
import type { StoredDirectory } from "@firebreak/core/oncall/stored-directory";
import {
  confirmVerification,
  contactMethodsView,
  maskAddress,
  readMethod,
  requestVerification,
} from "@firebreak/core/oncall/verify-actions";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError } from "@firebreak/core/shared/errors";
import type { Command } from "commander";
import { CliError } from "./cli-error";
import {
  resolveTableTarget,
  type ShowOptions,
  storeFor,
  type TargetOptions,
  unreachable,
} from "./directory-cli";

/** `directory show --person <id>`: how the directory reaches one person. */
export function showPerson(
  stored: StoredDirectory,
  personId: string,
  format: ShowOptions["format"],
  print: (line: string) => void,
  now: Date = systemClock.now(),
): void {
  const applied = stored.applied ?? stored.directory;
  const person = applied.people.find((p) => p.id === personId);
  if (!person) {
    const known = applied.people.map((p) => p.id).join(", ");
    throw new CliError(`there is no person "${personId}" in the directory (its people: ${known || "none"})`);
  }
  const rules = notifyRulesView(applied, stored.personalRules, personId);
  const methods = methodViews(stored.contacts, person, now);
  const rotations = applied.teams.flatMap((t) =>
    t.rotations.filter((r) => r.members.includes(personId)).map((r) => ({ team: t.id, rotation: r.id })),
  );
  if (format === "json") {
    print(JSON.stringify({ person, rotations, notificationRules: rules, contactMethods: methods }, null, 2));
    return;
  }
  const status = (method: "slack" | "sms" | "voice") => {
    const view = methods.find((m) => m.method === method)!;
    if (view.status === "verified") return `verified ${view.verifiedAt ?? ""}`.trim();
    if (view.status === "pending")
      return view.sendError ? `not sent: ${view.sendError}` : `pending (code works until ${view.expiresAt})`;
    return view.status === "unverified" ? "UNVERIFIED" : "";
  };
  print(`${person.name} (${person.id}), time zone ${person.timezone}`);
  print(`  Slack:  ${person.slackUserId ? `${person.slackUserId}  ${status("slack")}` : "none"}`);
  print(
    `  Phone:  ${person.phone ? `${person.phone}  SMS ${status("sms")}; call ${status("voice")}` : "none"}`,
  );
  print(`  E-mail: ${person.email ?? "none"} (not a paging method)`);
  print(`  Rotations: ${rotations.map((r) => `${r.rotation} (team ${r.team})`).join(", ") || "none"}`);
  const source = { personal: "their own", directory: "the directory's", default: "the default" }[
    rules.source
  ];
  const by = rules.updatedBy
    ? `, set ${rules.updatedAt} by ${rules.updatedBy.name ?? rules.updatedBy.id}`
    : "";
  print(`  Notification rules (${source}${by}):`);
  print(`    high urgency: ${rules.summary.high}`);
  print(`    low urgency:  ${rules.summary.low}`);
  if (methods.some((m) => m.status === "unverified"))
    print(`  Verify: npm run firebreak -- directory verify --person ${person.id} --method sms|slack|voice`);
}

/** One line for `directory show`: who has methods still unverified. */
export function unverifiedSummary(stored: StoredDirectory, now: Date): string {
  const applied = stored.applied ?? stored.directory;
  const open = applied.people
    .map((p) => ({ p, views: methodViews(stored.contacts, p, now) }))
    .filter(({ views }) => views.some((v) => v.status === "unverified" || v.status === "pending"));
  if (open.length === 0) return "\nContact methods: every person's Slack DM, SMS and call are verified.";
  const shown = open.slice(0, 10).map(({ p, views }) => `${p.id} (${describeMethods(views)})`);
  const more = open.length > 10 ? `, and ${open.length - 10} more` : "";
  return `\nContact methods not verified yet (${open.length} of ${applied.people.length} people): ${shown.join("; ")}${more}.\n  See one: npm run firebreak -- directory show --person <id>`;
}

export interface VerifyOptions extends TargetOptions {
  person: string;
  method: string;
  code?: string;
  clock?: Clock;
  /** How long to wait for the pager to send the message (default 30 s). */
  waitMs?: number;
  pollMs?: number;
}

const CLI_ACTOR = () => ({
  type: "user" as const,
  id: process.env.USER ?? "cli",
  name: "firebreak directory verify",
});

/** `directory verify`: sends a test message (then waits for it to go), or confirms its code. */
export async function verifyContactMethod(
  options: VerifyOptions,
  print: (line: string) => void = console.log,
): Promise<void> {
  const method = asCli(() => readMethod(options.method));
  const target = resolveTableTarget(options);
  const store = storeFor(target, options.clock);
  const deps = { contacts: new ContactStore(store), clock: options.clock ?? systemClock };
  // Whoever can write the table is an admin of it.
  const who = { actor: CLI_ACTOR(), admin: true };
  try {
    if (options.code !== undefined) {
      const view = await guarded(target, () =>
        confirmVerification(deps, options.person, method, options.code!, who, "cli"),
      );
      print(`Verified: ${view.name}'s ${METHOD_LABEL[method]}. ${describeMethods(view.methods)}.`);
      return;
    }
    const asked = await guarded(target, () => requestVerification(deps, options.person, method, who));
    const address = asked.methods.find((m) => m.method === method)?.address ?? "";
    print(
      `Asked for a test message to ${asked.name}'s ${METHOD_LABEL[method]} (${maskAddress(method, address)}); waiting for the pager to send it…`,
    );
    const deadline = Date.now() + (options.waitMs ?? 30_000);
    for (;;) {
      const stored = await guarded(target, () => deps.contacts.get());
      const view = contactMethodsView(
        stored.applied,
        stored.items,
        options.person,
        deps.clock.now(),
      ).methods.find((m) => m.method === method);
      if (view?.sendError) throw new CliError(`Not sent: ${view.sendError}.`);
      if (view?.sentAt) {
        print(`  sent ${view.sentAt}; its code works until ${view.expiresAt}.`);
        print(
          `Confirm it: npm run firebreak -- directory verify --person ${options.person} --method ${method} --code <code>${method === "slack" ? ", or /incident me verify <code> in Slack" : ", or reply to the SMS with the code"}.`,
        );
        return;
      }
      if (Date.now() >= deadline) {
        print(
          "  not sent yet: the request is stored and the pager sends it as soon as it runs (is `npm start` running?). `directory show --person` shows when it goes.",
        );
        return;
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    }
  } finally {
    store.db.destroy();
  }
}

function asCli<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof FirebreakError) throw new CliError(error.message);
    throw error;
  }
}

async function guarded<T>(target: ReturnType<typeof resolveTableTarget>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof FirebreakError) throw new CliError(error.message);
    throw unreachable(target, error);
  }
}

export function registerVerifyCommand(directory: Command, withTarget: (cmd: Command) => Command): void {
  withTarget(
    directory
      .command("verify")
      .description(
        "send a test message with a code to a person's contact method, or confirm the code (--code): a method counts for coverage once verified",
      )
      .requiredOption("--person <id>", "the person, e.g. alice")
      .requiredOption("--method <method>", "slack, sms or voice")
      .option("--code <code>", "the six-digit code of the test message: confirms it"),
  ).action(async (options: VerifyOptions) => {
    await verifyContactMethod(options);
  });
}
