import {
  parseAssign,
  parseDeclare,
  parseLink,
  parseMerge,
  parseOptionalRef,
  parsePage,
  parseResolve,
  parseSeverityCommand,
  parseUpdate,
  refThenText,
} from "./command-args";
import { parseAction, parseCover, parseMaintenance, parseMe, parseTestPage } from "./command-args-oncall";
import type { ParseResult, Subcommand } from "./command-types";
import { fail, incidentNumber, quote, tokens } from "./command-usage";

export * from "./command-types";
export { FULL_USAGE, incidentNumber, plainText, USAGE } from "./command-usage";

/**
 * The `/incident` command language (pure: no I/O, never throws).
 *
 * ```
 * /incident declare <title> [sev1..sev5] [service:<name>]   (no arguments: the declare modal)
 * /incident ack [INC-n]
 * /incident assign <ic|ops|comms> @user [INC-n] [--page|--no-page]
 * /incident update <text> [INC-n] [--temporary] [--public]
 * /incident status [INC-n]
 * /incident mitigate [INC-n]
 * /incident resolve [INC-n] [summary]
 * /incident severity <sev1..sev5> [INC-n] [reason]
 * /incident page @user|team:<id> [INC-n] [message]
 * /incident reopen [INC-n] <reason>
 * /incident merge [INC-n] into INC-m [reason]
 * /incident link INC-m [INC-n] [reason]
 * /incident unlink INC-m [INC-n]
 * /incident oncall [service|team:<id>]
 * /incident cover @user <from> – <to> [rotation:<id>] [reason]
 * /incident cover list
 * /incident cover cancel OV-n
 * /incident escalate [INC-n] [reason]
 * /incident repage [INC-n] [reason]
 * /incident list
 * /incident maintenance <service>[,<service>…]|team:<id> <duration> <reason>
 * /incident maintenance list [service]
 * /incident maintenance cancel MW-n
 * /incident postmortem [INC-n]
 * /incident action "<title>" @owner|me [due:YYYY-MM-DD] [INC-n]
 * /incident action done|wontdo|reopen AI-n-m
 * /incident actions [INC-n|mine|open]
 * /incident help
 * ```
 *
 * - `INC-n` is optional wherever it appears: inside an incident's channel it defaults to that
 *   incident. It is case-insensitive (`inc-7`).
 * - `declare`: `sevN` and `service:<name>` may stand anywhere among the words (`declare sev2
 *   checkout 5xx spike`); `service:` may repeat or list several (`service:a,b`); the other words
 *   are the title.
 * - `assign`: the person is a Slack mention. With "Escape channels, users, and links" on, Slack
 *   sends `<@U123|name>`; without it the id form `<@U123>` is accepted too. A bare `@name` cannot
 *   be resolved without a directory lookup and is refused with a hint.
 * - `update`: `INC-n` is read at the end of the text (or at its start); `--temporary` anywhere
 *   (also `—temporary`, as Slack's editor on macOS turns `--` into an em dash); `--public` likewise
 *   shows the update on the public status page.
 * - `severity`: the severity first (`sev2`, `SEV2` or `2`), then `INC-n`, then the reason (needed
 *   when lowering it).
 * - `page`: a mention or `team:<id>` first, then `INC-n`, then the message.
 * - `maintenance`: the services (comma-separated, or `team:<id>`), then how long (`30m`, `2h`,
 *   `1h30m`, `1d`), then the reason; `list` and `cancel MW-n` manage the windows.
 * - `merge`: the duplicate (optional: the channel's incident), the word `into`, then the incident that
 *   survives; `link` / `unlink`: the related incident first, then (optional) the incident itself.
 * - `cover`: who takes the shift (a mention; `@me` is your own), then from and to as
 *   `YYYY-MM-DD HH:MM` in your time zone (the directory's), or ISO instants with offsets, separated
 *   by `–`, `-` or `to`; then `rotation:<id>` when you are in several, then the reason.
 * - `action`: the title in quotes (straight or curly; unquoted, the words that are not the owner,
 *   `due:` or `INC-n`), the owner a mention or `me`; `done`, `wontdo` (or `won't`) and `reopen`
 *   change an item's status. `actions` lists the incident's items (`mine`: yours, `open`: all open).
 * - `resolve`: `INC-n` only as the first word, so a summary such as "duplicate of INC-3" never
 *   resolves INC-3.
 *
 * Errors are values (`{ ok: false, error }`) with the problem and the usage of the subcommand.
 */

/** A Map, not an object: `__proto__` or `constructor` typed as a subcommand must not match anything. */
const ALIASES = new Map<string, Subcommand>([
  ["declare", "declare"],
  ["ack", "ack"],
  ["acknowledge", "ack"],
  ["assign", "assign"],
  ["update", "update"],
  ["status", "status"],
  ["mitigate", "mitigate"],
  ["resolve", "resolve"],
  ["severity", "severity"],
  ["sev", "severity"],
  ["list", "list"],
  ["ls", "list"],
  ["page", "page"],
  ["escalate", "escalate"],
  ["oncall", "oncall"],
  ["reopen", "reopen"],
  ["merge", "merge"],
  ["link", "link"],
  ["unlink", "unlink"],
  ["on-call", "oncall"],
  ["who", "oncall"],
  ["cover", "cover"],
  ["override", "cover"],
  ["repage", "repage"],
  ["re-page", "repage"],
  ["maintenance", "maintenance"],
  ["mw", "maintenance"],
  ["postmortem", "postmortem"],
  ["pm", "postmortem"],
  ["trace", "trace"],
  ["why", "trace"],
  ["action", "action"],
  ["ai", "action"],
  ["actions", "actions"],
  ["me", "me"],
  ["test-page", "test-page"],
  ["testpage", "test-page"],
  ["help", "help"],
]);

export function parseCommand(text: string): ParseResult {
  const words = tokens(typeof text === "string" ? text : "");
  const [first, ...args] = words;
  if (first === undefined) return { ok: true, command: { kind: "help" } };
  const name = ALIASES.get(first.toLowerCase());
  if (!name) {
    const guess =
      incidentNumber(first) !== undefined ? ` (put the subcommand first, e.g. "status ${first}")` : "";
    return fail("unknown_subcommand", `unknown subcommand ${quote(first)}${guess}`);
  }
  switch (name) {
    case "declare":
      return parseDeclare(args);
    case "assign":
      return parseAssign(args);
    case "update":
      return parseUpdate(args);
    case "resolve":
      return parseResolve(args);
    case "severity":
      return parseSeverityCommand(args);
    case "maintenance":
      return parseMaintenance(args);
    case "page":
      return parsePage(args);
    case "reopen": {
      const parsed = refThenText(args, "reason", "reopen");
      if ("ok" in parsed) return parsed;
      const { number, text: reason } = parsed;
      if (reason === "") return fail("missing_argument", "say why it is reopened", "reopen");
      return { ok: true, command: { kind: "reopen", reason, ...(number !== undefined ? { number } : {}) } };
    }
    case "merge":
      return parseMerge(args);
    case "cover":
      return parseCover(args);
    case "link":
    case "unlink":
      return parseLink(name, args);
    case "oncall": {
      const [first, extra] = args;
      if (extra !== undefined)
        return fail(
          "unexpected_argument",
          `"oncall" takes at most a service or team:<id>, got ${quote(extra)}`,
          "oncall",
        );
      if (first === undefined) return { ok: true, command: { kind: "oncall" } };
      const team = /^team:(.+)$/i.exec(first);
      const value = (team ? team[1]! : first).toLowerCase();
      if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(value))
        return fail(
          "invalid_argument",
          `${quote(first)} is not a ${team ? "team id" : "service name"}`,
          "oncall",
        );
      return { ok: true, command: { kind: "oncall", ...(team ? { team: value } : { service: value }) } };
    }
    case "escalate":
    case "repage": {
      const parsed = refThenText(args, "reason", name);
      if ("ok" in parsed) return parsed;
      const { number, text: reason } = parsed;
      return {
        ok: true,
        command: {
          kind: "escalate",
          mode: name === "repage" ? "repage" : "next",
          ...(number !== undefined ? { number } : {}),
          ...(reason !== "" ? { reason } : {}),
        },
      };
    }
    case "list":
      return args.length > 0
        ? fail("unexpected_argument", `"list" takes no arguments, got ${quote(args[0]!)}`, "list")
        : { ok: true, command: { kind: "list" } };
    case "help":
      return { ok: true, command: { kind: "help" } };
    case "me":
      return parseMe(args);
    case "test-page":
      return parseTestPage(args);
    case "action":
      return parseAction(args);
    case "actions": {
      const [first, extra] = args;
      if (extra !== undefined)
        return fail(
          "unexpected_argument",
          `"actions" takes at most INC-n, mine or open, got ${quote(extra)}`,
          "actions",
        );
      if (first === undefined) return { ok: true, command: { kind: "actions", scope: "incident" } };
      const word = first.toLowerCase();
      if (word === "mine" || word === "open") return { ok: true, command: { kind: "actions", scope: word } };
      const number = incidentNumber(first);
      if (number === undefined)
        return fail("invalid_argument", `expected INC-n, mine or open, got ${quote(first)}`, "actions");
      return { ok: true, command: { kind: "actions", scope: "incident", number } };
    }
    case "postmortem": {
      // `postmortem [INC-n] [release yes|no|unknown]`: the answer to a suspected release.
      const at = args.findIndex((a) => a.toLowerCase() === "release");
      if (at === -1) return parseOptionalRef(name, args);
      const ref = parseOptionalRef(name, args.slice(0, at));
      if (!ref.ok) return ref;
      const [answer, extra] = args.slice(at + 1).map((a) => a.toLowerCase());
      if (answer !== "yes" && answer !== "no" && answer !== "unknown")
        return fail(
          answer === undefined ? "missing_argument" : "invalid_argument",
          `release takes yes, no or unknown${answer === undefined ? "" : `, got ${quote(args[at + 1]!)}`}`,
          name,
        );
      if (extra !== undefined) return fail("unexpected_argument", `unexpected ${quote(args[at + 2]!)}`, name);
      return {
        ok: true,
        command: { ...(ref.command as { kind: "postmortem"; number?: number }), release: answer },
      };
    }
    default:
      return parseOptionalRef(name, args);
  }
}
