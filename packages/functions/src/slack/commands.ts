import { declareInputSchema } from "@firebreak/core/incident/actions";
import { parseSeverity, SEVERITY_VALUES, type Severity } from "@firebreak/core/incident/model";
import { CONTACT_METHODS, type ContactMethod } from "@firebreak/core/oncall/notify-rules";

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

export const ASSIGNABLE_ROLES = ["ic", "ops", "comms"] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export type Command =
  | { kind: "declare"; title: string; severity?: Severity; services?: string[] }
  | { kind: "declare_modal" }
  | { kind: "ack"; number?: number }
  | {
      kind: "assign";
      role: AssignableRole;
      userId: string;
      userName?: string;
      number?: number;
      /** Page the assignee; absent: the default (the IC is paged, unless they took it themselves). */
      page?: boolean;
    }
  | { kind: "update"; text: string; temporary: boolean; public: boolean; number?: number }
  | { kind: "status"; number?: number }
  | { kind: "mitigate"; number?: number }
  | { kind: "resolve"; number?: number; summary?: string }
  | { kind: "severity"; severity: Severity; number?: number; reason?: string }
  | { kind: "escalate"; mode: "next" | "repage"; number?: number; reason?: string }
  | { kind: "oncall"; service?: string; team?: string }
  | {
      kind: "cover";
      /** Who takes the shift; absent with `self`: the person typing. */
      userId?: string;
      userName?: string;
      self?: true;
      from: string;
      to: string;
      rotation?: string;
      reason?: string;
    }
  | { kind: "cover_list" }
  | { kind: "cover_cancel"; id: string }
  | { kind: "reopen"; number?: number; reason: string }
  | { kind: "merge"; number?: number; into: number; reason?: string }
  | { kind: "link"; other: number; number?: number; reason?: string }
  | { kind: "unlink"; other: number; number?: number }
  | { kind: "page"; userId?: string; userName?: string; team?: string; number?: number; message?: string }
  | { kind: "list" }
  | { kind: "maintenance"; services: string[]; team?: string; duration: string; reason: string }
  | { kind: "maintenance_list"; service?: string }
  | { kind: "maintenance_cancel"; ref: string }
  | { kind: "postmortem"; number?: number; release?: "yes" | "no" | "unknown" }
  | { kind: "trace"; number?: number }
  | {
      kind: "action";
      title: string;
      /** The owner's Slack id; absent with `self`: the person typing. */
      userId?: string;
      userName?: string;
      self?: true;
      due?: string;
      number?: number;
    }
  | { kind: "action_status"; id: string; status: "done" | "wont_do" | "open" }
  | { kind: "actions"; number?: number; scope: "incident" | "mine" | "open" }
  | {
      kind: "me";
      urgency?: "high" | "low";
      steps?: { method: ContactMethod; delayMinutes: number }[];
      reset?: true;
    }
  | { kind: "help" };

export type Subcommand =
  | "declare"
  | "ack"
  | "assign"
  | "update"
  | "status"
  | "mitigate"
  | "resolve"
  | "severity"
  | "page"
  | "escalate"
  | "repage"
  | "oncall"
  | "cover"
  | "reopen"
  | "merge"
  | "link"
  | "unlink"
  | "list"
  | "maintenance"
  | "postmortem"
  | "trace"
  | "action"
  | "actions"
  | "me"
  | "help";

export interface CommandError {
  code: "unknown_subcommand" | "missing_argument" | "unexpected_argument" | "invalid_argument";
  /** What is wrong, in one sentence. May quote the user's words: escape before showing as mrkdwn. */
  problem: string;
  /** The correct usage of the subcommand (or of every subcommand). */
  usage: string;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; error: CommandError };

export const USAGE: Record<Subcommand, string> = {
  declare: "/incident declare <title> [sev1..sev5] [service:<name>]",
  ack: "/incident ack [INC-n]",
  assign: "/incident assign <ic|ops|comms> @user [INC-n] [--page|--no-page]",
  update: "/incident update <text> [INC-n] [--temporary] [--public]",
  status: "/incident status [INC-n]",
  mitigate: "/incident mitigate [INC-n]",
  resolve: "/incident resolve [INC-n] [summary]",
  severity: "/incident severity <sev1..sev5> [INC-n] [reason]",
  page: "/incident page @user|team:<id> [INC-n] [message]",
  escalate: "/incident escalate [INC-n] [reason]",
  oncall: "/incident oncall [service|team:<id>]",
  cover:
    "/incident cover @user|me <YYYY-MM-DD HH:MM> – <YYYY-MM-DD HH:MM> [rotation:<id>] [reason]  ·  /incident cover list  ·  /incident cover cancel OV-n",
  reopen: "/incident reopen [INC-n] <reason>",
  merge: "/incident merge [INC-n] into INC-m [reason]",
  link: "/incident link INC-m [INC-n] [reason]",
  unlink: "/incident unlink INC-m [INC-n]",
  repage: "/incident repage [INC-n] [reason]",
  list: "/incident list",
  maintenance:
    "/incident maintenance <service>[,<service>…]|team:<id> <duration> <reason>  ·  /incident maintenance list [service]  ·  /incident maintenance cancel MW-n",
  postmortem: "/incident postmortem [INC-n] [release yes|no|unknown]",
  trace: "/incident trace [INC-n]",
  action:
    '/incident action "<title>" @owner|me [due:YYYY-MM-DD] [INC-n]  ·  /incident action done|wontdo|reopen AI-n-m',
  actions: "/incident actions [INC-n|mine|open]",
  me: "/incident me  ·  /incident me high|low <method>[:<minutes>]…  (methods: slack, sms, voice)  ·  /incident me reset",
  help: "/incident help",
};

const DESCRIPTIONS: Record<Subcommand, string> = {
  declare: "declare an incident (no arguments: open the form)",
  ack: "acknowledge: you are on it",
  assign: "give a role to someone (incident commander, operations lead, communications lead)",
  update:
    "post a status update; --temporary marks a temporary mitigation to roll back later, --public shows it on the status page",
  status: "show the incident's state, roles and latest timeline entries",
  mitigate: "mark the impact as mitigated",
  resolve: "resolve the incident, with an optional summary (a postmortem draft follows)",
  severity: "change the severity (raising it to SEV1/SEV2 pages at once; lowering it needs a reason)",
  page: "page someone (or a team's current on-call) into the incident, at once, on their own channels",
  escalate: "page the next level of the escalation policy now (even after an acknowledgement)",
  oncall: "who is on call now, and who is next, for every team (or one service's or team's)",
  cover:
    "put someone (or yourself) on call in your rotation for a while: give away, take or swap a shift; times in your time zone",
  reopen: "reopen a resolved incident (within 7 days), saying why; paging starts again",
  merge:
    "merge a duplicate into the incident that survives: the duplicate is resolved, its pages stop, its alarms follow",
  link: "link a related incident (either may be resolved)",
  unlink: "remove the link between two incidents",
  repage: "page the level paged last again, now",
  list: "list the open incidents",
  maintenance:
    "hold the alarms of services (or a team) for a while, e.g. during a deploy: nobody is paged; what still fires when it ends opens its incident",
  postmortem:
    "show the postmortem draft of an incident; `release yes|no|unknown` answers whether a release was involved",
  trace: "why the incident paged whom it paged, and why nobody else",
  action:
    "add a postmortem action item with an owner and a due date (tagged postmortem, synced to the team's tracker), or mark one done / won't do",
  actions: "list the incident's action items (mine: yours; open: every open one)",
  me: "show or set how you are paged: e.g. `me high slack sms:2 voice:5` (Slack at once, SMS at 2 minutes, a call at 5) until someone acknowledges; `reset` goes back to the directory's or the default",
  help: "show this help",
};

/** Every subcommand with what it does: the answer to `help` and to an unknown subcommand. */
export const FULL_USAGE = (Object.keys(USAGE) as Subcommand[])
  .map((name) => `${USAGE[name]}  ${DESCRIPTIONS[name]}`)
  .join("\n");

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
  ["help", "help"],
]);

const INCIDENT_REF = /^INC-(\d{1,9})$/i;
const SEVERITY = /^sev([1-5])$/i;
const NOT_A_SEVERITY = /^sev-?\d+$/i;
const SERVICE = /^service:(.*)$/i;
const MENTION = /^<@([UW][A-Z0-9]{1,30})(?:\|([^>]{0,200}))?>$/;
const TEMPORARY = /^(?:--|—|–)temp(?:orary)?$/i;
const PUBLIC = /^(?:--|—|–)public$/i;

function fail(code: CommandError["code"], problem: string, subcommand?: Subcommand): ParseResult {
  return { ok: false, error: { code, problem, usage: subcommand ? USAGE[subcommand] : FULL_USAGE } };
}

/** `INC-42` → 42; anything else → undefined. */
export function incidentNumber(token: string): number | undefined {
  const match = INCIDENT_REF.exec(token);
  if (!match) return undefined;
  const n = Number(match[1]);
  return n > 0 ? n : undefined;
}

/** Quotes a user's word for a message, cut short so an error stays one line. */
function quote(token: string): string {
  const short = Array.from(token).length > 40 ? `${Array.from(token).slice(0, 39).join("")}…` : token;
  return `"${short}"`;
}

/**
 * Slack's encoding of command text, back to what the person typed: `&lt;` `&gt;` `&amp;` are
 * decoded, and Slack's markup becomes readable words that notify nobody (`<@U1|bob>` → `@bob`,
 * `<#C1|ops>` → `#ops`, `<!here>` → `@here`, `<https://x|docs>` → `docs (https://x)`). Titles,
 * updates and summaries are stored this way, and escaped again whenever they are shown.
 */
export function plainText(text: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_whole, inner: string) => {
      const [target = "", label] = inner.split("|", 2) as [string, string | undefined];
      if (target.startsWith("@")) return label ? `@${label.replace(/^@/, "")}` : target;
      if (target.startsWith("#")) return label ? `#${label.replace(/^#/, "")}` : target;
      if (target.startsWith("!")) {
        const special = target.slice(1).split("^")[0]!;
        if (label) return label.startsWith("@") || special === "date" ? label : `@${label}`;
        return `@${special}`;
      }
      return label && label !== target ? `${label} (${target})` : target;
    })
    .replace(/&(lt|gt|amp);/g, (_whole, name: string) => (name === "lt" ? "<" : name === "gt" ? ">" : "&"));
}

function tokens(text: string): string[] {
  return text.split(/\s+/u).filter((t) => t !== "");
}

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

/** `ack`, `status`, `mitigate`, `postmortem`, `trace`: at most one argument, an `INC-n`. */
function parseOptionalRef(
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

function parseDeclare(args: string[]): ParseResult {
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

function parseAssign(args: string[]): ParseResult {
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

function parseUpdate(args: string[]): ParseResult {
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

function parseSeverityCommand(args: string[]): ParseResult {
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
function refThenText(
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
function parseCover(args: string[]): ParseResult {
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

/** `merge [INC-n] into INC-m [reason]`: the word "into" says which incident survives. */
function parseMerge(args: string[]): ParseResult {
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
function parseLink(name: "link" | "unlink", args: string[]): ParseResult {
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

function parsePage(args: string[]): ParseResult {
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
function parseAction(args: string[]): ParseResult {
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

function parseMaintenance(args: string[]): ParseResult {
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

function parseResolve(args: string[]): ParseResult {
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

const STEP = /^([a-z]+)(?::(\d{1,4}))?$/i;

/** `me`, `me reset`, `me high|low slack sms:2 voice:5` (a method without minutes: at once). */
function parseMe(args: string[]): ParseResult {
  const [first, ...rest] = args;
  if (first === undefined) return { ok: true, command: { kind: "me" } };
  const word = first.toLowerCase();
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
