import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Command, FULL_USAGE, parseCommand, plainText, USAGE } from "./commands";

const KINDS = [
  "declare",
  "declare_modal",
  "ack",
  "assign",
  "update",
  "status",
  "mitigate",
  "resolve",
  "page",
  "escalate",
  "oncall",
  "cover",
  "cover_list",
  "cover_cancel",
  "reopen",
  "merge",
  "link",
  "unlink",
  "list",
  "maintenance",
  "maintenance_list",
  "maintenance_cancel",
  "postmortem",
  "help",
];
const ok = (text: string): Command => {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${result.error.problem}`);
  return result.command;
};
const err = (text: string) => {
  const result = parseCommand(text);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(result.command)}`);
  return result.error;
};

describe("parseCommand", () => {
  it("declare: title with severity and services anywhere; no arguments opens the modal", () => {
    expect(ok("declare")).toEqual({ kind: "declare_modal" });
    expect(ok("declare sev2 checkout 5xx spike")).toEqual({
      kind: "declare",
      title: "checkout 5xx spike",
      severity: "SEV2",
    });
    expect(ok("DECLARE Payments down SEV1 service:payments service:Checkout,ledger")).toEqual({
      kind: "declare",
      title: "Payments down",
      severity: "SEV1",
      services: ["payments", "checkout", "ledger"],
    });
    expect(ok("declare  db   slow ")).toEqual({ kind: "declare", title: "db slow" });
  });

  it("declare: errors name the problem and show the usage", () => {
    expect(err("declare sev2")).toMatchObject({ code: "missing_argument", usage: USAGE.declare });
    expect(err("declare x sev1 sev2").problem).toMatch(/two severities/);
    // Meant as a severity, never silently part of the title (it declared "DB down sev0" at SEV3).
    for (const bad of ["sev0", "SEV6", "sev-1", "sev10"])
      expect(err(`declare DB down ${bad} service:payments`), bad).toMatchObject({
        code: "invalid_argument",
        problem: `"${bad}" is not a severity: use sev1 (most severe) to sev5`,
      });
    expect(err("declare x service:").problem).toMatch(/names no service/);
    expect(err("declare x service:Bad!Name").problem).toMatch(/service "bad!name"/);
    expect(err(`declare ${"a".repeat(201)}`).problem).toMatch(/title: at most 200/);
  });

  it("declare: Slack's encoding of the text becomes what the person typed, mentions notify nobody", () => {
    expect(ok("declare &lt;!channel&gt; &amp; &lt;@U123&gt;")).toEqual({
      kind: "declare",
      title: "<!channel> & <@U123>",
    });
    expect(ok("declare <!channel> down for <@U123|bob> in <#C1|ops>")).toEqual({
      kind: "declare",
      title: "@channel down for @bob in #ops",
    });
  });

  it("severity: the severity first (sevN, SEVn or N), then INC-n, then the reason", () => {
    expect(ok("severity sev2")).toEqual({ kind: "severity", severity: "SEV2" });
    expect(ok("sev 1 INC-4")).toEqual({ kind: "severity", severity: "SEV1", number: 4 });
    expect(ok("severity SEV4 inc-7 only <@U1|bob>'s sandbox &amp; staging")).toEqual({
      kind: "severity",
      severity: "SEV4",
      number: 7,
      reason: "only @bob's sandbox & staging",
    });
    for (const bad of ["sev0", "SEV6", "high", "critical"])
      expect(err(`severity ${bad} INC-1`), bad).toMatchObject({
        code: "invalid_argument",
        problem: `"${bad}" is not a severity: use SEV1 (most severe) to SEV5, written SEV2, sev2 or 2`,
        usage: USAGE.severity,
      });
    expect(err("severity")).toMatchObject({ code: "missing_argument", usage: USAGE.severity });
    expect(err(`severity sev3 INC-1 ${"x".repeat(501)}`).problem).toMatch(/at most 500/);
  });

  it("ack, status, mitigate, postmortem, trace take an optional INC-n", () => {
    expect(ok("trace INC-4")).toEqual({ kind: "trace", number: 4 });
    expect(ok("why")).toEqual({ kind: "trace" });
    expect(err("trace checkout")).toMatchObject({ code: "invalid_argument", usage: USAGE.trace });
    expect(ok("ack")).toEqual({ kind: "ack" });
    expect(ok("acknowledge inc-12")).toEqual({ kind: "ack", number: 12 });
    expect(ok("status INC-3")).toEqual({ kind: "status", number: 3 });
    expect(ok("mitigate")).toEqual({ kind: "mitigate" });
    expect(ok("postmortem INC-9")).toEqual({ kind: "postmortem", number: 9 });
    expect(ok("postmortem INC-9 release yes")).toEqual({ kind: "postmortem", number: 9, release: "yes" });
    expect(ok("pm release NO")).toEqual({ kind: "postmortem", release: "no" });
    expect(err("postmortem INC-9 release maybe")).toMatchObject({
      code: "invalid_argument",
      problem: 'release takes yes, no or unknown, got "maybe"',
    });
    expect(err("postmortem release")).toMatchObject({ code: "missing_argument" });
    expect(err("postmortem INC-9 release yes now")).toMatchObject({ code: "unexpected_argument" });
    expect(err("postmortem nine release yes")).toMatchObject({ code: "invalid_argument" });
    expect(err("ack 12")).toMatchObject({ code: "invalid_argument", usage: USAGE.ack });
    expect(err("status INC-1 INC-2")).toMatchObject({ code: "unexpected_argument", usage: USAGE.status });
    expect(err("ack INC-0").problem).toMatch(/expected an incident like INC-12/);
  });

  it("assign: role, escaped or id-only mention, optional INC-n", () => {
    expect(ok("assign ic <@U04ONCALL01|priya.n>")).toEqual({
      kind: "assign",
      role: "ic",
      userId: "U04ONCALL01",
      userName: "priya.n",
    });
    expect(ok("assign OPS <@W123ABC> INC-4")).toEqual({
      kind: "assign",
      role: "ops",
      userId: "W123ABC",
      number: 4,
    });
    expect(err("assign ic @priya").problem).toMatch(/not a Slack mention/);
    expect(err("assign <@U1>")).toMatchObject({ code: "missing_argument", usage: USAGE.assign });
    expect(err("assign comms")).toMatchObject({ code: "missing_argument" });
    expect(err("assign boss <@U1>").problem).toMatch(/unexpected "boss"/);
  });

  it("update: text with INC-n at the end (or start) and --temporary anywhere", () => {
    expect(ok("update rolled back the deploy INC-4")).toEqual({
      kind: "update",
      text: "rolled back the deploy",
      temporary: false,
      public: false,
      number: 4,
    });
    expect(ok("update INC-4 feature flag off --temporary")).toEqual({
      kind: "update",
      text: "feature flag off",
      temporary: true,
      public: false,
      number: 4,
    });
    expect(ok("update —temporary scaled up x2")).toMatchObject({ text: "scaled up x2", temporary: true });
    expect(ok("update INC-4")).toEqual({ kind: "update", text: "INC-4", temporary: false, public: false });
    expect(ok("update --public Checkout is recovering INC-4")).toEqual({
      kind: "update",
      text: "Checkout is recovering",
      temporary: false,
      public: true,
      number: 4,
    });
    expect(ok("update —public all clear")).toMatchObject({ text: "all clear", public: true });
    expect(err("update --public")).toMatchObject({ code: "missing_argument", usage: USAGE.update });
    expect(err("update --temporary")).toMatchObject({ code: "missing_argument", usage: USAGE.update });
  });

  it("resolve: INC-n only first, the rest is the summary", () => {
    expect(ok("resolve")).toEqual({ kind: "resolve" });
    expect(ok("resolve INC-5 bad deploy, rolled back")).toEqual({
      kind: "resolve",
      number: 5,
      summary: "bad deploy, rolled back",
    });
    expect(ok("resolve duplicate of INC-3")).toEqual({ kind: "resolve", summary: "duplicate of INC-3" });
  });

  it("test-page: yourself, a mention, team: or service:, or a bare id; one target only", () => {
    expect(ok("test-page")).toEqual({ kind: "test_page", self: true });
    expect(ok("test-page @me")).toEqual({ kind: "test_page", self: true });
    expect(ok("test-page <@U0ALICE001|alice>")).toEqual({ kind: "test_page", userId: "U0ALICE001" });
    expect(ok("test-page team:checkout")).toEqual({ kind: "test_page", team: "checkout" });
    expect(ok("testpage SERVICE:cart")).toEqual({ kind: "test_page", service: "cart" });
    expect(ok("test-page @alice")).toEqual({ kind: "test_page", word: "alice" });
    expect(err("test-page alice bob")).toMatchObject({
      code: "unexpected_argument",
      usage: USAGE["test-page"],
    });
    expect(err("test-page <script>")).toMatchObject({
      code: "invalid_argument",
      problem: '"<script>" is not a person, team or service id',
    });
    expect(err("test-page team:")).toMatchObject({ code: "invalid_argument" });
  });

  it("list, help, empty, unknown", () => {
    expect(ok("list")).toEqual({ kind: "list" });
    expect(err("list all")).toMatchObject({ code: "unexpected_argument", usage: USAGE.list });
    expect(ok("help")).toEqual({ kind: "help" });
    expect(ok("   ")).toEqual({ kind: "help" });
    expect(err("frobnicate now")).toEqual({
      code: "unknown_subcommand",
      problem: 'unknown subcommand "frobnicate"',
      usage: FULL_USAGE,
    });
    expect(err("INC-4 status").problem).toMatch(/put the subcommand first/);
    expect(err("__proto__")).toMatchObject({ code: "unknown_subcommand" }); // found by the property below
    expect(err("constructor INC-1")).toMatchObject({ code: "unknown_subcommand" });
  });

  it("never throws on arbitrary text, and always returns a typed result", () => {
    const words = fc.constantFrom(
      "declare",
      "ack",
      "assign",
      "update",
      "status",
      "mitigate",
      "resolve",
      "list",
      "postmortem",
      "help",
      "ic",
      "ops",
      "comms",
      "sev1",
      "sev9",
      "service:",
      "service:a,b",
      "INC-1",
      "INC-99999999999",
      "inc-0",
      "<@U1|x>",
      "<@U1>",
      "<!channel>",
      "&lt;",
      "--temporary",
      "—temp",
      "maintenance",
      "mw",
      "cancel",
      "2h",
      "team:payments",
      "MW-3",
      "@bob",
      "__proto__",
      "constructor",
      "toString",
    );
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 400 }),
      fc.array(fc.oneof(words, fc.string({ maxLength: 12 })), { maxLength: 12 }).map((ws) => ws.join(" ")),
    );
    fc.assert(
      fc.property(text, (input) => {
        const result = parseCommand(input);
        if (result.ok) {
          expect(KINDS).toContain(result.command.kind);
        } else {
          expect(result.error.problem.length).toBeGreaterThan(0);
          expect(result.error.usage.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("a parsed declare always satisfies the core's input schema", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (title) => {
        const result = parseCommand(`declare ${title}`);
        if (result.ok && result.command.kind === "declare") {
          expect(result.command.title.length).toBeGreaterThan(0);
          expect(result.command.title.length).toBeLessThanOrEqual(200);
        }
      }),
    );
  });
});

describe("parseCommand: page", () => {
  it("takes a mention or team:<id>, then INC-n, then the message", () => {
    expect(ok("page <@U05MARIA13|maria> INC-4 need the DB owner")).toEqual({
      kind: "page",
      userId: "U05MARIA13",
      userName: "maria",
      number: 4,
      message: "need the DB owner",
    });
    expect(ok("page team:Payments")).toEqual({ kind: "page", team: "payments" });
    expect(err("page").problem).toBe("whom? a mention (@user) or team:<id>");
    expect(err("page maria").problem).toBe('expected a mention (@user) or team:<id>, got "maria"');
    expect(err(`page team:payments INC-1 ${"x".repeat(501)}`).problem).toBe(
      "the message is 501 characters: at most 500",
    );
  });
});

describe("parseCommand: reopen", () => {
  it("needs a reason; INC-n only as the first word", () => {
    expect(ok("reopen INC-2 the 5xx are back")).toEqual({
      kind: "reopen",
      number: 2,
      reason: "the 5xx are back",
    });
    expect(ok("reopen back, see INC-3")).toEqual({ kind: "reopen", reason: "back, see INC-3" });
    expect(err("reopen INC-2")).toMatchObject({ problem: "say why it is reopened", usage: USAGE.reopen });
  });
});

describe("parseCommand: merge, link, unlink", () => {
  it("merge: the duplicate (or the channel's), the word into, the survivor, then the reason", () => {
    expect(ok("merge INC-8 into INC-7 same outage")).toEqual({
      kind: "merge",
      number: 8,
      into: 7,
      reason: "same outage",
    });
    expect(ok("merge into inc-7")).toEqual({ kind: "merge", into: 7 });
    expect(err("merge INC-8 INC-7")).toMatchObject({
      problem: 'say which incident survives with "into", e.g. "merge INC-8 into INC-7"',
      usage: USAGE.merge,
    });
    expect(err("merge INC-8 into").problem).toBe('into which incident? e.g. "into INC-7"');
    expect(err("merge INC-8 into checkout").problem).toBe(
      'expected the incident that survives as INC-n, got "checkout"',
    );
    expect(err("merge INC-7 into INC-7").problem).toBe("INC-7 cannot be merged into itself");
    expect(err("merge the dup into INC-7").problem).toBe('unexpected "dup" before "into"');
    expect(err(`merge into INC-7 ${"x".repeat(501)}`).problem).toBe(
      "the reason is 501 characters: at most 500",
    );
  });

  it("link and unlink: the related incident first, then (optional) the incident itself", () => {
    expect(ok("link INC-3 INC-9 same resolver")).toEqual({
      kind: "link",
      other: 3,
      number: 9,
      reason: "same resolver",
    });
    expect(ok("link INC-3")).toEqual({ kind: "link", other: 3 });
    expect(ok("unlink INC-3 INC-9")).toEqual({ kind: "unlink", other: 3, number: 9 });
    expect(err("link").problem).toBe('which incident? e.g. "link INC-7"');
    expect(err("link yesterday").problem).toBe('expected an incident like INC-12, got "yesterday"');
    expect(err("link INC-3 INC-3").problem).toBe("INC-3 cannot be linked to itself");
    expect(err("unlink INC-3 INC-3").problem).toBe("INC-3 cannot be unlinked from itself");
    expect(err("unlink INC-3 because").problem).toBe('unexpected "because"');
  });
});

describe("parseCommand: cover", () => {
  it("who takes it, from – to (local or ISO), an optional rotation, then the reason", () => {
    expect(
      ok("cover <@U0BOB0001|bob> 2026-12-24 09:00 – 2026-12-25 09:00 rotation:checkout-primary xmas"),
    ).toEqual({
      kind: "cover",
      userId: "U0BOB0001",
      userName: "bob",
      from: "2026-12-24 09:00",
      to: "2026-12-25 09:00",
      rotation: "checkout-primary",
      reason: "xmas",
    });
    expect(ok("cover me 2026-12-24T09:00:00+01:00 to 2026-12-24T18:00:00+01:00")).toEqual({
      kind: "cover",
      self: true,
      from: "2026-12-24T09:00:00+01:00",
      to: "2026-12-24T18:00:00+01:00",
    });
    expect(ok("override @me 2026-12-24 9:00 2026-12-24 18:00")).toMatchObject({ kind: "cover", self: true });
    expect(ok("cover list")).toEqual({ kind: "cover_list" });
    expect(ok("cover cancel ov-3")).toEqual({ kind: "cover_cancel", id: "OV-3" });
    expect(err("cover").problem).toBe("who takes the shift? mention them, or write me");
    expect(err("cover @bob 2026-12-24 09:00 – 2026-12-25 09:00").problem).toMatch(
      /^expected who takes the shift as a mention/,
    );
    expect(err("cover me 2026-12-24 – 2026-12-25").problem).toBe(
      'expected when the cover starts, as YYYY-MM-DD HH:MM, got "2026-12-24"',
    );
    expect(err("cover me 2026-12-24 09:00 until").problem).toBe(
      'expected when the cover ends, as YYYY-MM-DD HH:MM after "–"',
    );
    expect(err("cover cancel MW-3").problem).toBe('which override? e.g. "cover cancel OV-3", got "MW-3"');
  });
});

describe("parseCommand: oncall", () => {
  it("takes nothing, a service, or team:<id>", () => {
    expect(ok("oncall")).toEqual({ kind: "oncall" });
    expect(ok("who Checkout")).toEqual({ kind: "oncall", service: "checkout" });
    expect(ok("on-call team:payments")).toEqual({ kind: "oncall", team: "payments" });
    expect(err("oncall a b").problem).toBe('"oncall" takes at most a service or team:<id>, got "b"');
    expect(err("oncall team:").problem).toBe('"team:" is not a service name');
  });
});

describe("parseCommand: escalate and repage", () => {
  it("take an optional INC-n, then a reason", () => {
    expect(ok("escalate")).toEqual({ kind: "escalate", mode: "next" });
    expect(ok("escalate INC-3 level 1 is on a plane")).toEqual({
      kind: "escalate",
      mode: "next",
      number: 3,
      reason: "level 1 is on a plane",
    });
    expect(ok("re-page inc-4")).toEqual({ kind: "escalate", mode: "repage", number: 4 });
    expect(err(`repage ${"x".repeat(501)}`)).toMatchObject({
      problem: "the reason is 501 characters: at most 500",
      usage: USAGE.repage,
    });
  });
});

describe("parseCommand: maintenance", () => {
  it("schedules: services (comma-separated) or team:<id>, a duration, then the reason", () => {
    expect(ok("maintenance checkout 2h database upgrade")).toEqual({
      kind: "maintenance",
      services: ["checkout"],
      duration: "2h",
      reason: "database upgrade",
    });
    expect(ok("mw Checkout,payments,team:Ledger 1h30m card drill <!here>")).toEqual({
      kind: "maintenance",
      services: ["checkout", "payments"],
      team: "ledger",
      duration: "1h30m",
      reason: "card drill @here",
    });
  });

  it("lists (optionally one service's) and cancels MW-n", () => {
    expect(ok("maintenance list")).toEqual({ kind: "maintenance_list" });
    expect(ok("maintenance LIST Checkout")).toEqual({ kind: "maintenance_list", service: "checkout" });
    expect(ok("maintenance cancel mw-3")).toEqual({ kind: "maintenance_cancel", ref: "mw-3" });
  });

  it("says what is missing or wrong, with the usage", () => {
    const cases: [string, string][] = [
      ["maintenance", "which services, for how long, and why?"],
      ["maintenance checkout", 'for how long? e.g. "2h", "30m" or "1h30m"'],
      ["maintenance checkout 2h", "say why (it is shown on every alarm the window holds)"],
      ["maintenance checkout soon deploy", '"soon" is not a duration: use e.g. 30m, 2h, 1h30m or 1d'],
      ["maintenance checkout 2 deploy", '"2" is not a duration: use e.g. 30m, 2h, 1h30m or 1d'],
      ["maintenance Check!out 2h deploy", '"Check!out" is not a service name'],
      ["maintenance team: 2h deploy", '"team:" is not a team id'],
      ["maintenance , 2h deploy", "which services (or team:<id>)?"],
      ["maintenance cancel", "which window? e.g. MW-3"],
      ["maintenance cancel INC-3", 'expected a maintenance window like MW-3, got "INC-3"'],
      ["maintenance cancel MW-3 now", '"maintenance cancel" takes one window, got "now"'],
      ["maintenance list a b", '"maintenance list" takes at most a service, got "b"'],
    ];
    for (const [text, problem] of cases) {
      const error = err(text);
      expect(error.problem, text).toBe(problem);
      expect(error.usage).toBe(USAGE.maintenance);
    }
  });
});

describe("plainText", () => {
  it("turns Slack markup into readable text that notifies nobody", () => {
    expect(
      plainText("<!here> <!subteam^S1|@oncall> <https://x.io|docs> <https://y.io> a &amp;&lt;b&gt;"),
    ).toBe("@here @oncall docs (https://x.io) https://y.io a &<b>");
    expect(plainText("&amp;lt;")).toBe("&lt;");
  });
});

describe("parseCommand: action and actions", () => {
  const ok = (text: string) => {
    const parsed = parseCommand(text);
    if (!parsed.ok) throw new Error(parsed.error.problem);
    return parsed.command;
  };
  const problem = (text: string) => {
    const parsed = parseCommand(text);
    if (parsed.ok) throw new Error(`parsed: ${JSON.stringify(parsed.command)}`);
    return parsed.error;
  };

  it("reads a quoted title (straight or curly quotes), the owner, the due date and the incident in any order", () => {
    expect(ok('action "Add a pre-deploy check" <@U01BOB0002|bob> due:2026-12-20')).toEqual({
      kind: "action",
      title: "Add a pre-deploy check",
      userId: "U01BOB0002",
      userName: "bob",
      due: "2026-12-20",
    });
    expect(ok("action “Alert on queue depth” due:2027-01-05 INC-42 me")).toEqual({
      kind: "action",
      title: "Alert on queue depth",
      self: true,
      due: "2027-01-05",
      number: 42,
    });
    expect(ok("ai Remove the feature flag <@U01CHEN003> inc-7")).toEqual({
      kind: "action",
      title: "Remove the feature flag",
      userId: "U01CHEN003",
      number: 7,
    });
  });

  it("changes an item's status", () => {
    expect(ok("action done ai-42-1")).toEqual({ kind: "action_status", id: "AI-42-1", status: "done" });
    expect(ok("action won't AI-42-2")).toEqual({ kind: "action_status", id: "AI-42-2", status: "wont_do" });
    expect(ok("action reopen AI-42-2")).toEqual({ kind: "action_status", id: "AI-42-2", status: "open" });
  });

  it("lists the incident's, mine or every open item", () => {
    expect(ok("actions")).toEqual({ kind: "actions", scope: "incident" });
    expect(ok("actions INC-9")).toEqual({ kind: "actions", scope: "incident", number: 9 });
    expect(ok("actions mine")).toEqual({ kind: "actions", scope: "mine" });
    expect(ok("actions open")).toEqual({ kind: "actions", scope: "open" });
    expect(problem("actions everything").problem).toContain('expected INC-n, mine or open, got "everything"');
  });

  it("says what is missing or wrong, with the usage", () => {
    expect(problem('action "Add a check"')).toMatchObject({
      code: "missing_argument",
      problem: "who owns it? mention them (@owner), or say me",
      usage: USAGE.action,
    });
    expect(problem("action <@U01BOB0002>").problem).toContain("give a title");
    expect(problem('action "x" <@U01BOB0002> due:20-12-2026').problem).toContain("expected due:YYYY-MM-DD");
    expect(problem('action "x" @bob').problem).toContain("after the quoted title");
    expect(problem("action fix it @bob").problem).toContain("is not a mention");
    expect(problem('action "x" <@U01BOB0002> <@U01CHEN003>').problem).toContain("one owner per action item");
    expect(problem("action done AI-42").problem).toContain('e.g. "action done AI-42-1"');
  });
});

describe("parseCommand: me (notification rules)", () => {
  it("shows, sets one urgency's steps (a method alone: at once), and resets", () => {
    expect(ok("me")).toEqual({ kind: "me" });
    expect(ok("me reset")).toEqual({ kind: "me", reset: true });
    expect(ok("me HIGH slack SMS:2 voice:5")).toEqual({
      kind: "me",
      urgency: "high",
      steps: [
        { method: "slack", delayMinutes: 0 },
        { method: "sms", delayMinutes: 2 },
        { method: "voice", delayMinutes: 5 },
      ],
    });
  });

  it("names what is wrong, with the usage", () => {
    expect(err("me soon")).toMatchObject({ code: "invalid_argument", usage: USAGE.me });
    expect(err("me high")).toMatchObject({ code: "missing_argument" });
    expect(err("me low fax:2").problem).toContain('"fax:2" is not a step');
    expect(err("me low sms:-1").problem).toContain('"sms:-1" is not a step');
    expect(err("me reset now")).toMatchObject({ code: "unexpected_argument" });
    expect(ok("me verify SMS")).toEqual({ kind: "me", verify: "sms" });
    expect(ok("me verify 123 456")).toEqual({ kind: "me", code: "123456" });
    expect(ok("me verify 123-456")).toEqual({ kind: "me", code: "123456" });
    expect(err("me verify")).toMatchObject({ code: "missing_argument", usage: USAGE.me });
    expect(err("me verify email").problem).toContain('"email" is not a method to verify');
    expect(err("me verify 12345").problem).toContain('"12345" is not a method to verify');
    expect(err("me verify sms now")).toMatchObject({ code: "unexpected_argument" });
  });
});
