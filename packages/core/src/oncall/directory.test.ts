import { readFileSync } from "node:fs";
import { ValidationError } from "@firebreak/core/shared/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseDirectory } from "./directory";
import { resolveOwner } from "./directory-index";
import type { DirectoryIssue } from "./directory-types";
import { parseDirectoryYaml } from "./directory-yaml";

const EXAMPLE = new URL("../../../../examples/directory.yaml", import.meta.url);

const TOPIC = "arn:aws:sns:eu-west-1:210987654321:firebreak-pages";

// biome-ignore lint/suspicious/noExplicitAny: fixtures are plain data that each test edits freely
type Data = any;

/** A small valid directory, as plain data (what YAML or JSON parse to). */
function base(): Data {
  return {
    people: [
      {
        id: "alice",
        name: "Alice",
        slackUserId: "U01ALICE",
        phone: "+447700900101",
        timezone: "Europe/London",
      },
      { id: "bob", name: "Bob", email: "bob@example.com", timezone: "America/New_York" },
      { id: "carol", name: "Carol", slackUserId: "W01CAROL", timezone: "Asia/Tokyo" },
    ],
    teams: [
      {
        id: "checkout",
        name: "Checkout",
        services: ["checkout", "cart"],
        alertChannel: "C01CHECKOUT",
        rotations: [
          {
            id: "checkout-primary",
            members: ["alice", "bob"],
            shift: { type: "weekly" },
            handoffTime: "09:00",
            timezone: "Europe/London",
            start: "2026-01-05",
          },
        ],
        escalationPolicy: {
          levels: [{ targets: [{ type: "rotation", id: "checkout-primary" }], timeoutMinutes: 5 }],
          repeat: 1,
          fallback: { type: "topic", arn: TOPIC },
        },
        slo: { checkout: { target: 0.999, windowDays: 28 } },
      },
      {
        id: "payments",
        name: "Payments",
        services: ["payments", { id: "ledger", accounts: ["210987654321"] }],
        rotations: [
          {
            id: "payments-primary",
            members: ["carol"],
            shift: { type: "hours", hours: 12 },
            handoffTime: "08:00",
            timezone: "Asia/Tokyo",
            start: "2026-01-05",
            overrides: [
              { personId: "bob", from: "2026-02-01T00:00:00+09:00", to: "2026-02-02T00:00:00+09:00" },
            ],
          },
        ],
        escalationPolicy: "standard",
      },
      {
        id: "platform",
        name: "Platform",
        services: ["ledger"],
        rotations: [],
        escalationPolicy: "standard",
      },
    ],
    escalationPolicies: [
      {
        id: "standard",
        levels: [
          { targets: [{ type: "rotation", id: "payments-primary" }], timeoutMinutes: 5 },
          { targets: [{ type: "person", id: "alice" }], timeoutMinutes: 10 },
        ],
        fallback: { type: "topic", arn: TOPIC },
      },
    ],
  };
}

function issuesOf(fn: () => unknown): DirectoryIssue[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error("expected a ValidationError");
}

/** "path: message" lines, the form the CLI prints. */
function problems(mutate: (d: Data) => void): string[] {
  const data = base();
  mutate(data);
  return issuesOf(() => parseDirectory(data)).map((i) => `${i.path}: ${i.message}`);
}

describe("parseDirectory", () => {
  it("accepts a valid directory and normalises it", () => {
    const directory = parseDirectory(base());
    expect(directory.version).toBe(1);
    expect(directory.teams.map((t) => t.id)).toEqual(["checkout", "payments", "platform"]);
    const [checkout, payments] = directory.teams;
    expect(checkout?.services).toEqual([{ id: "checkout" }, { id: "cart" }]);
    expect(checkout?.escalationPolicy).toMatchObject({ id: "team:checkout", repeat: 1 });
    expect(checkout?.slo).toEqual({ checkout: { target: 0.999, windowDays: 28 } });
    expect(checkout?.rotations[0]?.overrides).toEqual([]);
    // Named policies are resolved into the team; `repeat` defaults to 0.
    expect(payments?.escalationPolicy).toMatchObject({ id: "standard", repeat: 0 });
    // Override instants are normalised to UTC.
    expect(payments?.rotations[0]?.overrides[0]).toEqual({
      personId: "bob",
      from: "2026-01-31T15:00:00.000Z",
      to: "2026-02-01T15:00:00.000Z",
    });
    // Plain JSON: no undefined keys survive.
    expect(JSON.parse(JSON.stringify(directory))).toEqual(directory);
  });

  it("reports an unknown rotation member with its exact path", () => {
    expect(
      problems((d) => {
        d.teams[1]!.rotations[0]!.members = ["carol", "bob", "zed"];
      }),
    ).toEqual(['teams[1].rotations[0].members[2]: unknown person "zed"']);
  });

  it("collects every problem at once, shape and references alike", () => {
    const found = problems((d) => {
      d.people[0]!.phone = "07700 900101";
      d.people[1]!.timezone = "Mars/Olympus_Mons";
      d.teams[0]!.rotations[0]!.members = ["alice", "bobby"];
      d.teams[0]!.escalationPolicy.levels[0]!.targets.push({ type: "person", id: "nobody" });
      d.teams[1]!.rotations[0]!.overrides = [
        { personId: "carol", from: "2026-02-02T00:00:00Z", to: "2026-02-01T00:00:00Z" },
        { personId: "ghost", from: "2026-02-01T00:00:00Z", to: "2026-02-02T00:00:00Z" },
      ];
      d.teams[2]!.escalationPolicy = "premium";
    });
    expect(found).toEqual([
      'people[0].phone: expected an E.164 phone number such as "+447700900123", got "07700 900101"',
      'people[1].timezone: unknown time zone "Mars/Olympus_Mons" (expected an IANA name such as "Europe/London")',
      'teams[0].rotations[0].members[1]: unknown person "bobby"',
      'teams[0].escalationPolicy.levels[0].targets[1].id: unknown person "nobody"',
      "teams[1].rotations[0].overrides[0].to: must be after from",
      'teams[1].rotations[0].overrides[1].personId: unknown person "ghost"',
      'teams[2].escalationPolicy: unknown escalation policy "premium"',
    ]);
  });

  it("checks override references when the overrides are well formed", () => {
    expect(
      problems((d) => {
        d.teams[1]!.rotations[0]!.overrides = [
          { personId: "ghost", from: "2026-02-01T00:00:00Z", to: "2026-02-02T00:00:00Z" },
        ];
      }),
    ).toEqual(['teams[1].rotations[0].overrides[0].personId: unknown person "ghost"']);
  });

  it("checks escalation targets in named and inline policies, even when the policy's shape is also wrong", () => {
    expect(
      problems((d) => {
        d.escalationPolicies[0].levels[1].targets = [{ type: "rotation", id: "nightly" }];
        d.escalationPolicies[0].fallback = { type: "person", id: "ghost" };
        d.teams[0].escalationPolicy.levels.push({
          targets: [{ type: "person", id: "zed" }],
          timeoutMinutes: -1,
        });
      }),
    ).toEqual([
      'escalationPolicies[0].levels[1].targets[0].id: unknown rotation "nightly"',
      'escalationPolicies[0].fallback.id: unknown person "ghost"',
      "teams[0].escalationPolicy.levels[1].timeoutMinutes: must be at least 1",
      'teams[0].escalationPolicy.levels[1].targets[0].id: unknown person "zed"',
    ]);
    expect(
      problems((d) => {
        d.teams[0].escalationPolicy.fallback = { type: "pager", id: "x" };
        delete d.teams[2].escalationPolicy;
      }),
    ).toEqual([
      'teams[0].escalationPolicy.fallback.type: expected a target {type: "person", id}, {type: "rotation", id} or {type: "topic", arn}',
      "teams[2].escalationPolicy: required (a named policy id, or a policy {levels, repeat, fallback})",
    ]);
  });

  it("reports a malformed id once, not also as an unknown reference", () => {
    expect(
      problems((d) => {
        d.teams[0].rotations[0].members = ["alice", "Bob Smith"];
      }),
    ).toEqual([
      "teams[0].rotations[0].members[1]: expected an id (letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64), got \"Bob Smith\"",
    ]);
  });

  it("rejects duplicate ids, with where the first one is", () => {
    expect(
      problems((d) => {
        d.people.push({ ...d.people[0]!, name: "Alice Two" });
        d.teams[2]!.rotations = [{ ...d.teams[0]!.rotations[0]!, members: [] }];
        d.teams.push({ ...d.teams[2]!, services: [], rotations: [] });
      }),
    ).toEqual([
      'people[3].id: duplicate person id "alice" (first at people[0])',
      'teams[3].id: duplicate team id "platform" (first at teams[2])',
      'teams[2].rotations[0].id: duplicate rotation id "checkout-primary" (first at teams[0].rotations[0])',
    ]);
  });

  it("reads a status page section (SEV1–SEV3 by default) and names each bad entry's path", () => {
    const data = base();
    (data as Record<string, unknown>).statusPage = { services: [{ service: "checkout", name: "Checkout" }] };
    expect(parseDirectory(data).statusPage).toEqual({
      severities: ["SEV1", "SEV2", "SEV3"],
      services: [{ service: "checkout", name: "Checkout" }],
    });
    expect(
      problems((d) => {
        (d as Record<string, unknown>).statusPage = {
          severities: ["SEV1", "SEV9"],
          services: [
            { service: "checkout", name: "Shop" },
            { service: "nowhere", name: "Nowhere" },
            { service: "checkout", name: "shop" },
            { service: "cart" },
          ],
          colour: "red",
        };
      }),
    ).toEqual([
      'statusPage.severities[1]: expected a severity SEV1 to SEV5, got "SEV9"',
      "statusPage.services[3].name: required (a public name)",
      "statusPage.colour: unknown key (misspelt?)",
    ]);
    expect(
      problems((d) => {
        (d as Record<string, unknown>).statusPage = {
          services: [
            { service: "checkout", name: "Shop" },
            { service: "nowhere", name: "Nowhere" },
            { service: "checkout", name: "shop" },
          ],
        };
      }),
    ).toEqual([
      'statusPage.services[1].service: unknown service "nowhere"',
      'statusPage.services[2].service: service "checkout" is listed twice (statusPage.services[0])',
      'statusPage.services[2].name: name "shop" is used twice (statusPage.services[0])',
    ]);
  });

  it("rejects a service owned by two teams, and explains how to split it by account", () => {
    expect(
      problems((d) => {
        d.teams[2]!.services = ["ledger", "checkout"];
      }),
    ).toEqual([
      'teams[2].services[1]: service "checkout" belongs to one team, but team "checkout" owns it (teams[0].services[0])',
    ]);
    expect(
      problems((d) => {
        d.teams[2]!.services = ["ledger", { id: "ledger", accounts: ["123456789012", "210987654321"] }];
      }),
    ).toEqual([
      'teams[2].services[1].accounts[1]: service "ledger" in account 210987654321 belongs to one team, but team "payments" owns it (teams[1].services[1].accounts[0])',
    ]);
    expect(
      problems((d) => {
        d.teams[0]!.services = ["checkout", "checkout"];
      }),
    ).toEqual([
      'teams[0].services[1]: service "checkout" belongs to one team, but this team already lists it (teams[0].services[0])',
    ]);
  });

  it("rejects unknown keys, missing fields and bad values with helpful messages", () => {
    expect(
      problems((d) => {
        const rotation = d.teams[0]!.rotations[0]! as Record<string, unknown>;
        rotation.rotation = "typo";
        delete rotation.handoffTime;
        rotation.shift = { type: "fortnightly" };
        rotation.start = "2026-02-30";
        (d.teams[0]!.escalationPolicy.levels[0]! as { timeoutMinutes: number }).timeoutMinutes = 0;
        (d.teams[0] as Record<string, unknown>).alertChannel = "#checkout";
        (d.people[2] as Record<string, unknown>).slackUserId = "alice";
        (d.people[1] as Record<string, unknown>).email = "not-an-email";
      }),
    ).toEqual([
      'people[1].email: expected an email address, got "not-an-email"',
      'people[2].slackUserId: expected a Slack user id such as "U0123ABCD" (U… or W…), got "alice"',
      'teams[0].alertChannel: expected a Slack channel id such as "C0123ABCD", got "#checkout"',
      'teams[0].rotations[0].shift.type: expected a shift {type: "daily"}, {type: "weekly"} or {type: "hours", hours: N}',
      'teams[0].rotations[0].handoffTime: required ("HH:MM")',
      'teams[0].rotations[0].start: expected a calendar date "YYYY-MM-DD" from 1970 on, got "2026-02-30"',
      "teams[0].rotations[0].rotation: unknown key (misspelt?)",
      "teams[0].escalationPolicy.levels[0].timeoutMinutes: must be at least 1",
    ]);
  });

  it("requires a way to reach each person, a known comms rotation, a known default team and SLOs for owned services", () => {
    expect(
      problems((d) => {
        d.people[2] = { id: "carol", name: "Carol", timezone: "Asia/Tokyo" } as (typeof d.people)[number];
        Object.assign(d.teams[0]!, { commsRotation: "comms" });
        Object.assign(d.teams[0]!.slo, { search: { target: 1, windowDays: 28 } });
        Object.assign(d, { defaultTeam: "ops" });
      }),
    ).toEqual([
      "people[2]: has no way to be reached: give at least one of slackUserId, phone or email",
      'teams[0].commsRotation: unknown rotation "comms"',
      "teams[0].slo.search.target: must be between 0 and 1 (exclusive), e.g. 0.999",
      'teams[0].slo.search: service "search" is not owned by team "checkout"',
      'defaultTeam: unknown team "ops"',
    ]);
  });

  it("takes a team's working hours and a policy's urgency, and says exactly what is wrong with them", () => {
    const parsed = parseDirectory({
      ...base(),
      teams: base().teams.map((t: Data, i: number) =>
        i === 0
          ? {
              ...t,
              workingHours: { timezone: "Europe/London", from: "08:00", to: "18:00" },
              escalationPolicy: { ...t.escalationPolicy, urgency: { high: ["SEV1"] } },
            }
          : t,
      ),
    });
    expect(parsed.teams[0]!.workingHours).toEqual({
      timezone: "Europe/London",
      days: ["mon", "tue", "wed", "thu", "fri"],
      from: "08:00",
      to: "18:00",
    });
    expect(parsed.teams[0]!.escalationPolicy.urgency).toEqual({ high: ["SEV1"], lowSmsDelayMinutes: 15 });
    expect(parsed.teams[1]!.escalationPolicy.urgency).toBeUndefined(); // the defaults apply

    expect(
      problems((d) => {
        d.teams[0].workingHours = {
          timezone: "Europe/Londres",
          days: ["weekdays"],
          from: "9:00",
          to: "17:00",
        };
        d.escalationPolicies[0].urgency = { high: ["sev0"], lowSmsDelayMinutes: 2000, sms: true };
      }),
    ).toEqual(
      expect.arrayContaining([
        'teams[0].workingHours.timezone: unknown time zone "Europe/Londres" (expected an IANA name such as "Europe/London")',
        "teams[0].workingHours.days[0]: expected a day: sun, mon, tue, wed, thu, fri, sat",
        'teams[0].workingHours.from: expected a 24-hour time "HH:MM" such as "09:00"',
        "escalationPolicies[0].urgency.high[0]: expected a severity: SEV1, SEV2, SEV3, SEV4, SEV5",
        "escalationPolicies[0].urgency.lowSmsDelayMinutes: must be at most 1440",
        "escalationPolicies[0].urgency.sms: unknown key (misspelt?)",
      ]),
    );
  });

  it("points unquoted YAML numbers out (phone numbers, account ids)", () => {
    expect(
      problems((d) => {
        (d.people[0] as Record<string, unknown>).phone = 447700900101;
        (d.teams[1]!.services[1] as { accounts: unknown[] }).accounts = [210987654321];
      }),
    ).toEqual([
      'people[0].phone: expected a quoted E.164 phone number such as "+447700900123" (unquoted, YAML reads it as a number)',
      "teams[1].services[1].accounts[0]: expected a quoted 12-digit AWS account id (unquoted, YAML reads it as a number and drops leading zeros)",
    ]);
  });

  it("refuses non-objects at the root", () => {
    for (const input of [null, undefined, 42, "people", []]) {
      expect(issuesOf(() => parseDirectory(input))).toHaveLength(1);
    }
    expect(issuesOf(() => parseDirectory({})).map((i) => i.path)).toEqual(["people", "teams"]);
  });

  it("throws a message listing every problem", () => {
    const data = base();
    data.teams[0]!.rotations[0]!.members = ["alice", "bobby"];
    data.people[1]!.timezone = "Nowhere";
    expect(() => parseDirectory(data)).toThrow(
      'invalid on-call directory (2 problems):\n  people[1].timezone: unknown time zone "Nowhere" (expected an IANA name such as "Europe/London")\n  teams[0].rotations[0].members[1]: unknown person "bobby"',
    );
  });

  it("never throws anything but a ValidationError, whatever the input (property)", () => {
    const valid = base();
    // Arbitrary values, and the valid directory with any one subtree replaced by one.
    const paths: Array<Array<string | number>> = [];
    const walk = (value: unknown, path: Array<string | number>) => {
      paths.push(path);
      if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) walk(v, [...path, i]);
      } else if (value && typeof value === "object")
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    };
    walk(valid, []);
    const mutated = fc
      .tuple(fc.constantFrom(...paths), fc.anything({ withObjectString: true, withNullPrototype: true }))
      .map(([path, replacement]) => {
        const copy = structuredClone(valid) as unknown;
        if (path.length === 0) return replacement;
        let node = copy as Record<string | number, unknown>;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
        node[path.at(-1)!] = replacement;
        return copy;
      });
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), mutated), (input) => {
        try {
          parseDirectory(input);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          const issues = (error as ValidationError).issues;
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) {
            expect(typeof issue.path).toBe("string");
            expect(typeof issue.message).toBe("string");
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("parseDirectoryYaml", () => {
  it("accepts the example directory", () => {
    const directory = parseDirectoryYaml(readFileSync(EXAMPLE, "utf8"));
    expect(directory.teams.map((t) => t.id)).toEqual(["checkout", "payments", "platform", "search"]);
    expect(directory.defaultTeam).toBe("platform");
    const checkout = directory.teams[0]!;
    expect(checkout.commsRotation).toBe("checkout-comms");
    expect(checkout.slo).toEqual({ checkout: { target: 0.999, windowDays: 28 } });
    expect(checkout.escalationPolicy.levels).toHaveLength(3);
    expect(directory.teams.filter((t) => t.commsRotation)).toHaveLength(1);
    expect(new Set(directory.people.map((p) => p.timezone)).size).toBeGreaterThan(5);
  });

  it("round-trips: the parsed directory, written back as YAML, parses to itself", () => {
    const directory = parseDirectoryYaml(readFileSync(EXAMPLE, "utf8"));
    const back = {
      ...directory,
      teams: directory.teams.map((t) => ({
        ...t,
        escalationPolicy: t.escalationPolicy.id.startsWith("team:")
          ? { ...t.escalationPolicy, id: undefined }
          : t.escalationPolicy.id,
      })),
    };
    expect(parseDirectoryYaml(stringify(JSON.parse(JSON.stringify(back))))).toEqual(directory);
  });

  it("reports YAML syntax errors with line and column", () => {
    const issues = issuesOf(() =>
      parseDirectoryYaml("people:\n  - id: alice\n    name: [unclosed\nteams: []\n"),
    );
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    expect(issues[0]?.path).toMatch(/^line \d+, column \d+$/);
    const dup = issuesOf(() => parseDirectoryYaml("people: []\nteams: []\npeople: []\n"));
    expect(dup[0]).toMatchObject({ path: "line 3, column 1", line: 3, column: 1 });
    expect(dup[0]?.message).toMatch(/unique/);
  });

  it("gives each validation issue the line and column of the node it names", () => {
    const text = readFileSync(EXAMPLE, "utf8").replace(
      "members: [alice, bob, chen, dana]",
      "members: [alice, bobby, chen, dana]",
    );
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes("bobby")) + 1;
    const issues = issuesOf(() => parseDirectoryYaml(text));
    expect(issues).toEqual([
      {
        path: "teams[0].rotations[0].members[1]",
        message: 'unknown person "bobby"',
        line,
        column: (lines[line - 1]?.indexOf("bobby") ?? 0) + 1,
      },
    ]);
  });

  it("reads an empty document as an empty directory, and refuses it", () => {
    expect(issuesOf(() => parseDirectoryYaml(""))).toEqual([
      { path: "(root)", message: "expected a mapping with people and teams, got null" },
    ]);
  });
});

describe("resolveOwner", () => {
  const directory = parseDirectory(base());

  it("finds the team owning a service, per account when ownership is split", () => {
    expect(resolveOwner(directory, "checkout")).toMatchObject({ team: { id: "checkout" }, via: "service" });
    expect(resolveOwner(directory, "ledger", "210987654321")).toMatchObject({
      team: { id: "payments" },
      via: "account",
    });
    expect(resolveOwner(directory, "ledger", "999999999999")).toMatchObject({
      team: { id: "platform" },
      via: "service",
    });
    expect(resolveOwner(directory, "ledger")).toMatchObject({ team: { id: "platform" }, via: "service" });
  });

  it("the team an alarm names (its team tag) owns the incident when the directory has it; an unknown one is ignored", () => {
    expect(resolveOwner(directory, "checkout", undefined, "platform")).toMatchObject({
      team: { id: "platform" },
      via: "tag",
    });
    expect(resolveOwner(directory, "ledger", "210987654321", "platform")).toMatchObject({
      team: { id: "platform" },
      via: "tag",
    });
    expect(resolveOwner(directory, "checkout", undefined, "no-such-team")).toMatchObject({
      team: { id: "checkout" },
      via: "service",
    });
  });

  it("falls back to the default team, or says nobody owns it", () => {
    expect(resolveOwner(directory, "search")).toEqual({
      team: null,
      reason: 'no team owns service "search" and the directory has no defaultTeam',
    });
    const withDefault = parseDirectory({ ...base(), defaultTeam: "platform" });
    expect(resolveOwner(withDefault, "search")).toMatchObject({
      team: { id: "platform" },
      via: "default_team",
    });
  });

  it("uses the only account-scoped owner when no account is given, and refuses to guess between several", () => {
    const data = base();
    data.teams[2]!.services = [{ id: "ledger", accounts: ["123456789012"] }] as never;
    const directory = parseDirectory(data);
    expect(resolveOwner(directory, "ledger", "123456789012")).toMatchObject({
      team: { id: "platform" },
      via: "account",
    });
    expect(resolveOwner(directory, "ledger")).toEqual({
      team: null,
      reason:
        'service "ledger" is owned per account (teams "payments", "platform") and no account was given; the directory has no defaultTeam',
    });
    expect(resolveOwner(directory, "payments", "123456789012")).toMatchObject({ team: { id: "payments" } });
  });
});

describe("a team's tracker", () => {
  const withTracker = (tracker: unknown) => {
    const data = base();
    (data.teams[0] as unknown as Record<string, unknown>).tracker = tracker;
    return data;
  };
  const messages = (data: Data) => issuesOf(() => parseDirectory(data)).map((i) => `${i.path}: ${i.message}`);
  it("takes GitHub, Jira Cloud or Linear, and keeps it on the team", () => {
    for (const tracker of [
      { kind: "github", repo: "acme/ops" },
      { kind: "jira", site: "https://acme.atlassian.net", project: "OPS", issueType: "Task" },
      { kind: "linear", teamId: "9cfb482a-81e3-4154-b5b9-2c805e70a02d" },
    ])
      expect(parseDirectory(withTracker(tracker)).teams[0]?.tracker).toEqual(tracker);
  });
  it("names what is wrong: an unknown kind, a repo that is not owner/repo, an http site, a credential in the directory", () => {
    expect(messages(withTracker({ kind: "gitlab", repo: "acme/ops" }))[0]).toMatch(/^teams\[0\]\.tracker/);
    expect(messages(withTracker({ kind: "github", repo: "acme" }))).toEqual([
      "teams[0].tracker.repo: expected owner/repo, e.g. acme/ops",
    ]);
    expect(
      messages(withTracker({ kind: "jira", site: "http://acme.atlassian.net", project: "OPS" })),
    ).toEqual(["teams[0].tracker.site: expected the site's https URL, e.g. https://acme.atlassian.net"]);
    expect(messages(withTracker({ kind: "github", repo: "acme/ops", token: "ghp_x" }))[0]).toMatch(
      /^teams\[0\]\.tracker/,
    );
  });
});
