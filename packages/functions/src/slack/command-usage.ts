/**
 * Each subcommand's usage and description (the answer to `help`), the words and tokens the
 * parsers share, and how a parse fails: with the problem and the usage of the subcommand.
 */

import type { CommandError, ParseResult, Subcommand } from "./command-types";

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
  me: "/incident me  ·  /incident me high|low <method>[:<minutes>]…  (methods: slack, sms, voice)  ·  /incident me reset  ·  /incident me verify <method>|<code>",
  "test-page": "/incident test-page [@user|me|team:<id>|service:<id>|<person, team or service id>]",
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
  me: "show or set how you are paged: e.g. `me high slack sms:2 voice:5` (Slack at once, SMS at 2 minutes, a call at 5) until someone acknowledges; `reset` goes back to the directory's or the default; `me verify sms` sends a test message, `me verify 123456` confirms its code",
  "test-page":
    "send a clearly marked test page (no incident) to someone, a team's level-1 on-call or a service's, by every method of their high-urgency rules, and record what arrived and who acknowledged",
  help: "show this help",
};

/** Every subcommand with what it does: the answer to `help` and to an unknown subcommand. */
export const FULL_USAGE = (Object.keys(USAGE) as Subcommand[])
  .map((name) => `${USAGE[name]}  ${DESCRIPTIONS[name]}`)
  .join("\n");

const INCIDENT_REF = /^INC-(\d{1,9})$/i;

export const SEVERITY = /^sev([1-5])$/i;

export const NOT_A_SEVERITY = /^sev-?\d+$/i;

export const SERVICE = /^service:(.*)$/i;

export const MENTION = /^<@([UW][A-Z0-9]{1,30})(?:\|([^>]{0,200}))?>$/;

export const TEMPORARY = /^(?:--|—|–)temp(?:orary)?$/i;

export const PUBLIC = /^(?:--|—|–)public$/i;

export function fail(code: CommandError["code"], problem: string, subcommand?: Subcommand): ParseResult {
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
export function quote(token: string): string {
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

export function tokens(text: string): string[] {
  return text.split(/\s+/u).filter((t) => t !== "");
}
