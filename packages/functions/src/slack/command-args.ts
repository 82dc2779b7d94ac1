/**
 * The arguments of the incident subcommands: declare, assign, update, severity, resolve, merge,
 * link, page, escalate (commands.ts dispatches to them).
 */

import { declareInputSchema } from "@firebreak/core/incident/inputs";
import { parseSeverity, SEVERITY_VALUES, type Severity } from "@firebreak/core/incident/model";
import { ASSIGNABLE_ROLES, type AssignableRole, type ParseResult, type Subcommand } from "./command-types";
import {
  fail,
  incidentNumber,
  MENTION,
  NOT_A_SEVERITY,
  PUBLIC,
  plainText,
  quote,
  SERVICE,
  SEVERITY,
  TEMPORARY,
} from "./command-usage";

/** `ack`, `status`, `mitigate`, `postmortem`, `trace`: at most one argument, an `INC-n`. */
export function parseOptionalRef(
  name: "ack" | "status" | "mitigate" | "postmortem" | "trace",
  args: string[],
): ParseResult {
  if (args.length === 0) return { ok: true, command: { kind: name } };
  const [only, extra] = args;
  const number = incidentNumber(only!);
  if (number === undefined)
    return fail("invalid_argument", `expected an incident like INC-12, got ${quote(only!)}`, name);
  if (extra !== undefined) return fail("unexpected_argument", `unexpected ${quote(extra)}`, name);
  return { ok: true, command: { kind: name, number } };
}

export function parseDeclare(args: string[]): ParseResult {
  if (args.length === 0) return { ok: true, command: { kind: "declare_modal" } };
  let severity: Severity | undefined;
  const services: string[] = [];
  const title: string[] = [];
  for (const word of args) {
    const sev = SEVERITY.exec(word);
    // `sev0`, `sev6`, `sev-1`: meant as a severity, never a word of the title.
    if (!sev && NOT_A_SEVERITY.test(word))
      return fail(
        "invalid_argument",
        `${quote(word)} is not a severity: use sev1 (most severe) to sev5`,
        "declare",
      );
    if (sev) {
      const next = `SEV${sev[1]}` as Severity;
      if (severity !== undefined && severity !== next)
        return fail(
          "invalid_argument",
          `two severities given (${severity} and ${next}): pick one`,
          "declare",
        );
      severity = next;
      continue;
    }
    const service = SERVICE.exec(word);
    if (service) {
      const names = service[1]!.split(",").filter((s) => s !== "");
      if (names.length === 0)
        return fail("missing_argument", `${quote(word)} names no service: write service:<name>`, "declare");
      services.push(...names.map((s) => s.toLowerCase()));
      continue;
    }
    title.push(word);
  }
  if (title.length === 0) return fail("missing_argument", "an incident needs a title", "declare");
  const input = {
    title: plainText(title.join(" ")),
    ...(severity ? { severity } : {}),
    ...(services.length > 0 ? { services: [...new Set(services)] } : {}),
  };
  const checked = declareInputSchema.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const field = String(issue.path[0] ?? "input");
    const what =
      field === "services" ? `service ${quote(String(services[Number(issue.path[1])] ?? ""))}` : field;
    return fail("invalid_argument", `${what}: ${issue.message}`, "declare");
  }
  return { ok: true, command: { kind: "declare", ...input } };
}

export function parseAssign(args: string[]): ParseResult {
  let role: AssignableRole | undefined;
  let person: { userId: string; userName?: string } | undefined;
  let number: number | undefined;
  let page: boolean | undefined;
  for (const word of args) {
    const lower = word.toLowerCase();
    const mention = MENTION.exec(word);
    const flag = /^(?:--|—|–)(no-)?page$/i.exec(word);
    if (flag) {
      page = flag[1] === undefined;
      continue;
    }
    const ref = incidentNumber(word);
    if ((ASSIGNABLE_ROLES as readonly string[]).includes(lower) && role === undefined) {
      role = lower as AssignableRole;
    } else if (mention && person === undefined) {
      person = { userId: mention[1]!, ...(mention[2] ? { userName: mention[2] } : {}) };
    } else if (ref !== undefined && number === undefined) {
      number = ref;
    } else if (word.startsWith("@")) {
      return fail(
        "invalid_argument",
        `${quote(word)} is not a Slack mention: pick the person from the @ menu so Slack links them`,
        "assign",
      );
    } else {
      return fail("unexpected_argument", `unexpected ${quote(word)}`, "assign");
    }
  }
  if (role === undefined) return fail("missing_argument", "which role? ic, ops or comms", "assign");
  if (person === undefined) return fail("missing_argument", "who? mention the person with @", "assign");
  return {
    ok: true,
    command: {
      kind: "assign",
      role,
      ...person,
      ...(number !== undefined ? { number } : {}),
      ...(page !== undefined ? { page } : {}),
    },
  };
}

export function parseUpdate(args: string[]): ParseResult {
  const temporary = args.some((w) => TEMPORARY.test(w));
  const isPublic = args.some((w) => PUBLIC.test(w));
  const words = args.filter((w) => !TEMPORARY.test(w) && !PUBLIC.test(w));
  let number: number | undefined;
  const last = words.at(-1);
  if (last !== undefined && words.length > 1 && incidentNumber(last) !== undefined) {
    number = incidentNumber(last);
    words.pop();
  } else if (words[0] !== undefined && words.length > 1 && incidentNumber(words[0]) !== undefined) {
    number = incidentNumber(words[0]);
    words.shift();
  }
  if (words.length === 0) return fail("missing_argument", "an update needs some text", "update");
  const text = plainText(words.join(" "));
  if (text.length > 4000)
    return fail("invalid_argument", `the update is ${text.length} characters: at most 4000`, "update");
  return {
    ok: true,
    command: {
      kind: "update",
      text,
      temporary,
      public: isPublic,
      ...(number !== undefined ? { number } : {}),
    },
  };
}

export function parseSeverityCommand(args: string[]): ParseResult {
  const [first, ...rest] = args;
  if (first === undefined) return fail("missing_argument", `which severity? ${SEVERITY_VALUES}`, "severity");
  const severity = parseSeverity(first);
  if (!severity)
    return fail("invalid_argument", `${quote(first)} is not a severity: use ${SEVERITY_VALUES}`, "severity");
  const parsed = refThenText(rest, "reason", "severity");
  if ("ok" in parsed) return parsed;
  const { number, text: reason } = parsed;
  return {
    ok: true,
    command: {
      kind: "severity",
      severity,
      ...(number !== undefined ? { number } : {}),
      ...(reason !== "" ? { reason } : {}),
    },
  };
}

/** An optional INC-n first, then free text (Slack markup made plain) of at most 500 characters. */
export function refThenText(
  words: string[],
  what: string,
  subcommand: Subcommand,
): { number?: number; text: string } | ParseResult {
  const number = words[0] !== undefined ? incidentNumber(words[0]) : undefined;
  const text = plainText((number !== undefined ? words.slice(1) : words).join(" "));
  if (text.length > 500)
    return fail("invalid_argument", `the ${what} is ${text.length} characters: at most 500`, subcommand);
  return number !== undefined ? { number, text } : { text };
}

/** `merge [INC-n] into INC-m [reason]`: the word "into" says which incident survives. */
export function parseMerge(args: string[]): ParseResult {
  const at = args.findIndex((w) => w.toLowerCase() === "into");
  if (at === -1) {
    const refs = args.filter((w) => incidentNumber(w) !== undefined);
    const example = refs.length >= 2 ? `"merge ${refs[0]} into ${refs[1]}"` : `"merge INC-8 into INC-7"`;
    return fail("missing_argument", `say which incident survives with "into", e.g. ${example}`, "merge");
  }
  if (at > 1) return fail("unexpected_argument", `unexpected ${quote(args[1]!)} before "into"`, "merge");
  const number = at === 1 ? incidentNumber(args[0]!) : undefined;
  if (at === 1 && number === undefined)
    return fail("invalid_argument", `expected the duplicate as INC-n, got ${quote(args[0]!)}`, "merge");
  const target = args[at + 1];
  const into = target !== undefined ? incidentNumber(target) : undefined;
  if (into === undefined)
    return fail(
      target === undefined ? "missing_argument" : "invalid_argument",
      target === undefined
        ? 'into which incident? e.g. "into INC-7"'
        : `expected the incident that survives as INC-n, got ${quote(target)}`,
      "merge",
    );
  if (number === into) return fail("invalid_argument", `INC-${into} cannot be merged into itself`, "merge");
  const reason = plainText(args.slice(at + 2).join(" "));
  if (reason.length > 500)
    return fail("invalid_argument", `the reason is ${reason.length} characters: at most 500`, "merge");
  return {
    ok: true,
    command: {
      kind: "merge",
      into,
      ...(number !== undefined ? { number } : {}),
      ...(reason !== "" ? { reason } : {}),
    },
  };
}

/** `link INC-m [INC-n] [reason]` and `unlink INC-m [INC-n]`. */
export function parseLink(name: "link" | "unlink", args: string[]): ParseResult {
  const [first, ...rest] = args;
  const other = first !== undefined ? incidentNumber(first) : undefined;
  if (other === undefined)
    return fail(
      first === undefined ? "missing_argument" : "invalid_argument",
      first === undefined
        ? `which incident? e.g. "${name} INC-7"`
        : `expected an incident like INC-12, got ${quote(first)}`,
      name,
    );
  const parsed = refThenText(rest, "reason", name);
  if ("ok" in parsed) return parsed;
  const { number, text } = parsed;
  if (number === other)
    return fail(
      "invalid_argument",
      `INC-${other} cannot be ${name === "link" ? "linked to" : "unlinked from"} itself`,
      name,
    );
  if (name === "unlink") {
    if (text !== "") return fail("unexpected_argument", `unexpected ${quote(text.split(" ")[0]!)}`, "unlink");
    return { ok: true, command: { kind: "unlink", other, ...(number !== undefined ? { number } : {}) } };
  }
  return {
    ok: true,
    command: {
      kind: "link",
      other,
      ...(number !== undefined ? { number } : {}),
      ...(text !== "" ? { reason: text } : {}),
    },
  };
}

export function parsePage(args: string[]): ParseResult {
  const [first, ...rest] = args;
  if (first === undefined) return fail("missing_argument", "whom? a mention (@user) or team:<id>", "page");
  const mention = MENTION.exec(first);
  const team = /^team:([a-z0-9][a-z0-9._-]{0,62})$/i.exec(first);
  if (!mention && !team) {
    const hint = first.startsWith("@")
      ? " (mention them so Slack sends their id: pick the name from the list)"
      : "";
    return fail(
      "invalid_argument",
      `expected a mention (@user) or team:<id>, got ${quote(first)}${hint}`,
      "page",
    );
  }
  const parsed = refThenText(rest, "message", "page");
  if ("ok" in parsed) return parsed;
  const { number, text: message } = parsed;
  return {
    ok: true,
    command: {
      kind: "page",
      ...(mention ? { userId: mention[1]!, ...(mention[2] ? { userName: mention[2] } : {}) } : {}),
      ...(team ? { team: team[1]!.toLowerCase() } : {}),
      ...(number !== undefined ? { number } : {}),
      ...(message !== "" ? { message } : {}),
    },
  };
}

export function parseResolve(args: string[]): ParseResult {
  const [first, ...rest] = args;
  const number = first !== undefined ? incidentNumber(first) : undefined;
  const words = number !== undefined ? rest : args;
  const summary = plainText(words.join(" "));
  if (summary.length > 4000)
    return fail("invalid_argument", `the summary is ${summary.length} characters: at most 4000`, "resolve");
  return {
    ok: true,
    command: {
      kind: "resolve",
      ...(number !== undefined ? { number } : {}),
      ...(summary !== "" ? { summary } : {}),
    },
  };
}
