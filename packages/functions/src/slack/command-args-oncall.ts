/**
 * The arguments of the on-call and follow-up subcommands: cover (shift times), maintenance,
 * action items and `me` (notification rules).
 */

import { CONTACT_METHODS, type ContactMethod } from "@firebreak/core/oncall/notify-rules";
import type { ParseResult } from "./command-types";
import { fail, incidentNumber, MENTION, plainText, quote, tokens } from "./command-usage";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const CLOCK = /^\d{1,2}:\d{2}$/;

const STAMP = /^\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?$/i;

/** One time at `words[i]`: `YYYY-MM-DD HH:MM` (two words) or one `…T…` word; its text and length. */
function timeAt(words: string[], i: number): { text: string; used: number } | undefined {
  const word = words[i];
  if (word === undefined) return undefined;
  if (STAMP.test(word)) return { text: word, used: 1 };
  if (DAY.test(word) && CLOCK.test(words[i + 1] ?? "")) return { text: `${word} ${words[i + 1]}`, used: 2 };
  return undefined;
}

/** `cover @user <from> – <to> [rotation:<id>] [reason]`, `cover list`, `cover cancel OV-n`. */
export function parseCover(args: string[]): ParseResult {
  const [first, ...rest] = args;
  if (first?.toLowerCase() === "list")
    return rest.length === 0
      ? { ok: true, command: { kind: "cover_list" } }
      : fail("unexpected_argument", `"cover list" takes no arguments, got ${quote(rest[0]!)}`, "cover");
  if (first?.toLowerCase() === "cancel") {
    const id = rest[0];
    if (id === undefined || !/^OV-\d{1,9}$/i.test(id) || rest.length > 1)
      return fail(
        "invalid_argument",
        `which override? e.g. "cover cancel OV-3"${id ? `, got ${quote(id)}` : ""}`,
        "cover",
      );
    return { ok: true, command: { kind: "cover_cancel", id: id.toUpperCase() } };
  }
  if (first === undefined)
    return fail("missing_argument", "who takes the shift? mention them, or write me", "cover");
  const self = /^@?me$/i.test(first);
  const mention = MENTION.exec(first);
  if (!mention && !self)
    return fail(
      "invalid_argument",
      `expected who takes the shift as a mention (@user), got ${quote(first)}${first.startsWith("@") ? " (pick the name from the list so Slack sends their id)" : ""}`,
      "cover",
    );
  const from = timeAt(rest, 0);
  if (!from)
    return fail(
      "invalid_argument",
      `expected when the cover starts, as YYYY-MM-DD HH:MM${rest[0] ? `, got ${quote(rest[0])}` : ""}`,
      "cover",
    );
  let i = from.used;
  if (/^(?:–|—|-|to|until)$/i.test(rest[i] ?? "")) i += 1;
  const to = timeAt(rest, i);
  if (!to)
    return fail(
      "invalid_argument",
      `expected when the cover ends, as YYYY-MM-DD HH:MM after "–"${rest[i] ? `, got ${quote(rest[i]!)}` : ""}`,
      "cover",
    );
  i += to.used;
  let rotation: string | undefined;
  const named = /^rotation:([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/i.exec(rest[i] ?? "");
  if (named) {
    rotation = named[1]!;
    i += 1;
  }
  const reason = plainText(rest.slice(i).join(" "));
  if (reason.length > 200)
    return fail("invalid_argument", `the reason is ${reason.length} characters: at most 200`, "cover");
  return {
    ok: true,
    command: {
      kind: "cover",
      ...(mention
        ? { userId: mention[1]!, ...(mention[2] ? { userName: mention[2] } : {}) }
        : { self: true }),
      from: from.text,
      to: to.text,
      ...(rotation ? { rotation } : {}),
      ...(reason ? { reason } : {}),
    },
  };
}

const ACTION_ID = /^AI-(\d{1,9})-(\d{1,6})$/i;

const DUE = /^due:(.*)$/i;

const ACTION_STATUS = new Map<string, "done" | "wont_do" | "open">([
  ["done", "done"],
  ["close", "done"],
  ["wontdo", "wont_do"],
  ["won't", "wont_do"],
  ["wont", "wont_do"],
  ["won’t", "wont_do"],
  ["reopen", "open"],
]);

/** `action "<title>" @owner|me [due:YYYY-MM-DD] [INC-n]`, or `action done|wontdo|reopen AI-n-m`. */
export function parseAction(args: string[]): ParseResult {
  const [first, second, extra] = args;
  const status = first === undefined ? undefined : ACTION_STATUS.get(first.toLowerCase());
  if (status !== undefined) {
    const id = second === undefined ? undefined : ACTION_ID.exec(second);
    if (!id) return fail("invalid_argument", `which action item? e.g. "action ${first} AI-42-1"`, "action");
    if (extra !== undefined)
      return fail("unexpected_argument", `"action ${first}" takes one item, got ${quote(extra)}`, "action");
    return {
      ok: true,
      command: { kind: "action_status", id: `AI-${Number(id[1])}-${Number(id[2])}`, status },
    };
  }
  // The title: quoted (straight or curly quotes), else the words that are nothing else.
  const text = args.join(" ");
  const quoted = /^\s*["“”](.*?)["“”](.*)$/su.exec(text);
  const rest = tokens(quoted ? (quoted[2] ?? "") : text);
  const titleWords: string[] = [];
  let owner: { userId?: string; userName?: string; self?: true } | undefined;
  let due: string | undefined;
  let number: number | undefined;
  for (const word of rest) {
    const mention = MENTION.exec(word);
    const dueMatch = DUE.exec(word);
    const ref = incidentNumber(word);
    if (mention || word.toLowerCase() === "me" || word.toLowerCase() === "@me") {
      if (owner)
        return fail(
          "unexpected_argument",
          `one owner per action item, got another: ${quote(word)}`,
          "action",
        );
      owner = mention
        ? { userId: mention[1]!, ...(mention[2] ? { userName: mention[2] } : {}) }
        : { self: true };
    } else if (dueMatch) {
      const value = dueMatch[1] ?? "";
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value))
        return fail(
          "invalid_argument",
          `expected due:YYYY-MM-DD (e.g. due:2026-12-20), got ${quote(word)}`,
          "action",
        );
      due = value;
    } else if (ref !== undefined) {
      number = ref;
    } else if (quoted) {
      return fail(
        "unexpected_argument",
        `after the quoted title, expected @owner, due: or INC-n, got ${quote(word)}`,
        "action",
      );
    } else if (word.startsWith("@")) {
      return fail(
        "invalid_argument",
        `${quote(word)} is not a mention: pick the owner from Slack's list so it sends their id`,
        "action",
      );
    } else titleWords.push(word);
  }
  const title = (quoted ? (quoted[1] ?? "") : titleWords.join(" ")).trim();
  if (title === "")
    return fail(
      "missing_argument",
      'what is to be done? give a title, e.g. "Add a pre-deploy check"',
      "action",
    );
  if (!owner) return fail("missing_argument", "who owns it? mention them (@owner), or say me", "action");
  return {
    ok: true,
    command: {
      kind: "action",
      title,
      ...owner,
      ...(due ? { due } : {}),
      ...(number !== undefined ? { number } : {}),
    },
  };
}

const WINDOW_REF = /^MW-?\d{1,9}$/i;

const WINDOW_DURATION = /^(?:\d+d)?(?:\d+h)?(?:\d+m(?:in)?)?$/i;

const SERVICE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function parseMaintenance(args: string[]): ParseResult {
  const [first, ...rest] = args;
  if (first === undefined)
    return fail("missing_argument", "which services, for how long, and why?", "maintenance");
  if (first.toLowerCase() === "list") {
    if (rest.length > 1)
      return fail(
        "unexpected_argument",
        `"maintenance list" takes at most a service, got ${quote(rest[1]!)}`,
        "maintenance",
      );
    const service = rest[0]?.toLowerCase();
    if (service !== undefined && !SERVICE_NAME.test(service))
      return fail("invalid_argument", `${quote(rest[0]!)} is not a service name`, "maintenance");
    return { ok: true, command: { kind: "maintenance_list", ...(service ? { service } : {}) } };
  }
  if (first.toLowerCase() === "cancel") {
    const [ref, extra] = rest;
    if (ref === undefined) return fail("missing_argument", "which window? e.g. MW-3", "maintenance");
    if (!WINDOW_REF.test(ref))
      return fail(
        "invalid_argument",
        `expected a maintenance window like MW-3, got ${quote(ref)}`,
        "maintenance",
      );
    if (extra !== undefined)
      return fail(
        "unexpected_argument",
        `"maintenance cancel" takes one window, got ${quote(extra)}`,
        "maintenance",
      );
    return { ok: true, command: { kind: "maintenance_cancel", ref } };
  }
  const [duration, ...reasonWords] = rest;
  const services: string[] = [];
  let team: string | undefined;
  for (const part of first.split(",").filter((p) => p !== "")) {
    const teamMatch = /^team:(.*)$/i.exec(part);
    const name = (teamMatch ? teamMatch[1]! : part).toLowerCase();
    if (!SERVICE_NAME.test(name))
      return fail(
        "invalid_argument",
        `${quote(part)} is not a ${teamMatch ? "team id" : "service name"}`,
        "maintenance",
      );
    if (teamMatch) team = name;
    else services.push(name);
  }
  if (services.length === 0 && team === undefined)
    return fail("missing_argument", "which services (or team:<id>)?", "maintenance");
  if (duration === undefined)
    return fail("missing_argument", 'for how long? e.g. "2h", "30m" or "1h30m"', "maintenance");
  if (!WINDOW_DURATION.test(duration) || !/\d/.test(duration))
    return fail(
      "invalid_argument",
      `${quote(duration)} is not a duration: use e.g. 30m, 2h, 1h30m or 1d`,
      "maintenance",
    );
  const reason = plainText(reasonWords.join(" "));
  if (reason === "")
    return fail("missing_argument", "say why (it is shown on every alarm the window holds)", "maintenance");
  if (reason.length > 500)
    return fail("invalid_argument", `the reason is ${reason.length} characters: at most 500`, "maintenance");
  return {
    ok: true,
    command: { kind: "maintenance", services, ...(team ? { team } : {}), duration, reason },
  };
}

const STEP = /^([a-z]+)(?::(\d{1,4}))?$/i;

/**
 * `me`, `me reset`, `me high|low slack sms:2 voice:5` (a method without minutes: at once),
 * `me verify slack|sms|voice` (send a test message), `me verify 123456` (confirm its code).
 */
export function parseMe(args: string[]): ParseResult {
  const [first, ...rest] = args;
  if (first === undefined) return { ok: true, command: { kind: "me" } };
  const word = first.toLowerCase();
  if (word === "verify") return parseVerify(rest);
  if (word === "reset")
    return rest.length > 0
      ? fail("unexpected_argument", `"me reset" takes nothing more, got ${quote(rest[0]!)}`, "me")
      : { ok: true, command: { kind: "me", reset: true } };
  if (word !== "high" && word !== "low")
    return fail("invalid_argument", `expected high, low or reset, got ${quote(first)}`, "me");
  if (rest.length === 0)
    return fail("missing_argument", `give the steps for ${word} urgency, e.g. "slack sms:2 voice:5"`, "me");
  const steps: { method: ContactMethod; delayMinutes: number }[] = [];
  for (const token of rest) {
    const m = STEP.exec(token);
    const method = m?.[1]?.toLowerCase();
    if (!m || !(CONTACT_METHODS as readonly string[]).includes(method ?? ""))
      return fail(
        "invalid_argument",
        `${quote(token)} is not a step: write a method (${CONTACT_METHODS.join(", ")}) and its minutes, e.g. sms:2`,
        "me",
      );
    steps.push({ method: method as ContactMethod, delayMinutes: Number(m[2] ?? 0) });
  }
  return { ok: true, command: { kind: "me", urgency: word, steps } };
}

function parseVerify(rest: string[]): ParseResult {
  const joined = rest.join("");
  if (/^\d{3}-?\d{3}$/.test(joined))
    return { ok: true, command: { kind: "me", code: joined.replace("-", "") } };
  const [method, ...more] = rest;
  if (method === undefined)
    return fail(
      "missing_argument",
      'say which method to verify (slack, sms or voice), or give the code: "me verify 123456"',
      "me",
    );
  if (more.length > 0)
    return fail(
      "unexpected_argument",
      `"me verify" takes one method or a code, got ${quote(more[0]!)}`,
      "me",
    );
  const m = method.toLowerCase();
  if (!(CONTACT_METHODS as readonly string[]).includes(m))
    return fail(
      "invalid_argument",
      `${quote(method)} is not a method to verify: slack, sms or voice (or the six-digit code of a test message)`,
      "me",
    );
  return { ok: true, command: { kind: "me", verify: m as ContactMethod } };
}

/** `test-page [@user|me|team:<id>|service:<id>|<id>]` (slack/test-page.ts runs it). */
const WORD = /^@?([A-Za-z0-9][A-Za-z0-9_.:-]{0,127})$/;

export function parseTestPage(args: string[]): ParseResult {
  const [first, extra] = args;
  if (extra !== undefined)
    return fail("unexpected_argument", `"test-page" takes one target, got also ${quote(extra)}`, "test-page");
  if (first === undefined || /^@?me$/i.test(first))
    return { ok: true, command: { kind: "test_page", self: true } };
  const mention = MENTION.exec(first);
  if (mention) return { ok: true, command: { kind: "test_page", userId: mention[1]! } };
  const scoped = /^(team|service):(.*)$/i.exec(first);
  const word = WORD.exec(scoped ? scoped[2]! : first);
  if (!word)
    return fail("invalid_argument", `${quote(first)} is not a person, team or service id`, "test-page");
  const id = word[1]!;
  if (scoped)
    return {
      ok: true,
      command: {
        kind: "test_page",
        ...(scoped[1]!.toLowerCase() === "team" ? { team: id } : { service: id }),
      },
    };
  return { ok: true, command: { kind: "test_page", word: id } };
}
