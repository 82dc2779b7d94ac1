import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { transition } from "@firebreak/testkit/factories";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { IgnoredAlarmStore } from "../adapters/dynamodb/alarm/ignored-store";
import { createDocumentClient } from "../adapters/dynamodb/client";
import { ingestAlarmTransition } from "../alarm/ingest";
import { globMatch, ruleMatches } from "./alarm-rules";
import { parseDirectory } from "./directory";
import type { Directory } from "./directory-types";
import { parseDirectoryYaml } from "./directory-yaml";
import { cachedDirectory } from "./stored-directory";

const PEOPLE = [{ id: "alice", name: "Alice", email: "alice@example.com", timezone: "UTC" }];
const POLICY = {
  levels: [{ targets: [{ type: "person", id: "alice" }], timeoutMinutes: 5 }],
  fallback: { type: "person", id: "alice" },
};

function directory(extra: { global?: unknown; checkout?: unknown } = {}) {
  return {
    people: PEOPLE,
    ...(extra.global === undefined ? {} : { ignoreAlarms: extra.global }),
    teams: [
      {
        id: "checkout",
        name: "Checkout",
        services: ["checkout"],
        escalationPolicy: POLICY,
        ...(extra.checkout === undefined ? {} : { ignoreAlarms: extra.checkout }),
      },
      { id: "payments", name: "Payments", services: ["payments"], escalationPolicy: POLICY },
    ],
  };
}

describe("globMatch", () => {
  it("* is any run, ? one character, the rest literal (regex characters included)", () => {
    expect(globMatch("canary-*", "canary-checkout")).toBe(true);
    expect(globMatch("canary-*", "my-canary-checkout")).toBe(false);
    expect(globMatch("*-5xx-?", "checkout-5xx-a")).toBe(true);
    expect(globMatch("a.b(c)+", "a.b(c)+")).toBe(true);
    expect(globMatch("a.b", "aXb")).toBe(false);
    expect(globMatch("*", "")).toBe(true);
    expect(globMatch("", "x")).toBe(false);
  });

  it("agrees with a reference matcher on random patterns, and stays fast on a hostile one", () => {
    const reference = (p: string, t: string) =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, "[\\s\\S]*")
          .replace(/\?/g, "[\\s\\S]")}$`,
      ).test(t);
    const alphabet = fc.constantFrom("a", "b", "*", "?");
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom("a", "b"), maxLength: 10 }),
        (p, t) => {
          expect(globMatch(p, t)).toBe(reference(p, t));
        },
      ),
      { numRuns: 2000 },
    );
    // What makes a backtracking regex explode is a plain loop here (pattern × text steps at most).
    expect(globMatch(`${"*a".repeat(120)}b`, "a".repeat(5000))).toBe(false);
  });
});

describe("ignoreAlarms in the on-call directory", () => {
  it("parses global and team rules", () => {
    const parsed = parseDirectory(
      directory({
        global: [{ name: "canary-*", reason: "synthetic canaries" }, { namespace: "AWS/Usage" }],
        checkout: [{ tag: "env=dev", account: "444455556666" }],
      }),
    );
    expect(parsed.ignoreAlarms).toEqual([
      { name: "canary-*", reason: "synthetic canaries" },
      { namespace: "AWS/Usage" },
    ]);
    expect(parsed.teams[0]?.ignoreAlarms).toEqual([{ tag: "env=dev", account: "444455556666" }]);
  });

  it("refuses a rule with no matcher, a bad account, an unknown key or a huge pattern, naming the field and line", () => {
    const yaml = [
      "people:",
      "  - {id: alice, name: Alice, email: alice@example.com, timezone: UTC}",
      "ignoreAlarms:",
      "  - reason: nothing to match",
      "  - account: '12345'",
      "  - {name: x, regex: 'a+'}",
      `  - name: ${"a".repeat(300)}`,
      "teams: []",
    ].join("\n");
    let error: unknown;
    try {
      parseDirectoryYaml(yaml);
    } catch (e) {
      error = e;
    }
    const issues = (error as { issues: { path: string; message: string; line?: number }[] }).issues;
    expect(issues).toEqual([
      expect.objectContaining({
        path: "ignoreAlarms[0]",
        message: "a rule needs at least one of name, namespace, tag or account",
        line: 4,
      }),
      expect.objectContaining({
        path: "ignoreAlarms[1].account",
        message: "expected a 12-digit AWS account id",
        line: 5,
      }),
      expect.objectContaining({ path: "ignoreAlarms[2].regex", message: "unknown key (misspelt?)", line: 6 }),
      expect.objectContaining({ path: "ignoreAlarms[3].name", message: "at most 256 characters", line: 7 }),
    ]);
  });

  it("a rule matches when every matcher it names matches", () => {
    const t = transition("canary-checkout", "ALARM", 0, {
      account: "444455556666",
      tags: { Env: "dev" },
      metrics: [{ namespace: "AWS/Usage", dimensions: {}, text: "AWS/Usage CallCount" }],
    });
    expect(ruleMatches({ name: "canary-*" }, t)).toBe(true);
    expect(ruleMatches({ name: "canary-*", account: "111122223333" }, t)).toBe(false);
    expect(ruleMatches({ namespace: "AWS/Usage" }, t)).toBe(true);
    expect(ruleMatches({ tag: "env=dev" }, t)).toBe(true);
    expect(ruleMatches({ tag: "env=prod" }, t)).toBe(false);
    expect(ruleMatches({ tag: "env" }, t)).toBe(true);
  });
});

describe("ingest with the directory's rules", () => {
  let table: { tableName: string; endpoint: string };
  beforeEach(async () => {
    table = await createTestTable("rules");
  });

  it("a global rule ignores any alarm; a team's rule only that team's alarms", async () => {
    const dir = parseDirectory(
      directory({ global: [{ name: "canary-*", reason: "synthetic" }], checkout: [{ name: "*-staging" }] }),
    );
    const deps = { store: storeFor(table), directory: async () => dir };
    const service = (name: string, svc: string) =>
      transition(name, "ALARM", 0, { description: `severity: sev3\nservice: ${svc}` });
    expect(await ingestAlarmTransition(deps, service("canary-login", "payments"))).toMatchObject({
      outcome: "ignored",
      reason: "ignoreAlarms[0] (name canary-*): synthetic",
    });
    expect(await ingestAlarmTransition(deps, service("cart-staging", "checkout"))).toMatchObject({
      outcome: "ignored",
      reason: "team checkout's ignoreAlarms[0] (name *-staging)",
    });
    // Payments owns this one: checkout's rule does not apply.
    expect((await ingestAlarmTransition(deps, service("ledger-staging", "payments"))).outcome).toBe("opened");
    const listed = await new IgnoredAlarmStore(createDocumentClient(table), table.tableName).list();
    expect(listed.map((a) => [a.name, a.kind]).sort()).toEqual([
      ["canary-login", "rule"],
      ["cart-staging", "rule"],
    ]);
  });
});

describe("cachedDirectory", () => {
  it("reads once per TTL, and does not keep a failed read", async () => {
    let reads = 0;
    let fail = true;
    const dir = { version: 1, people: [], teams: [], escalationPolicies: [] } as Directory;
    const load = cachedDirectory(
      {
        get: async () => {
          reads++;
          if (fail) throw new Error("throttled");
          return { directory: dir, version: 1, updatedAt: "2026-03-02T00:00:00Z" };
        },
      },
      60_000,
    );
    await expect(load()).rejects.toThrow("throttled");
    fail = false;
    expect(await load()).toBe(dir);
    expect(await load()).toBe(dir);
    expect(reads).toBe(2);
  });

  it("reads again once the TTL has passed on its clock", async () => {
    let now = Date.parse("2026-03-02T12:00:00Z");
    let reads = 0;
    const dir = { version: 1, people: [], teams: [], escalationPolicies: [] } as Directory;
    const load = cachedDirectory(
      {
        get: async () => {
          reads++;
          return { directory: dir, version: 1, updatedAt: "2026-03-02T00:00:00Z" };
        },
      },
      30_000,
      { now: () => new Date(now) },
    );
    await load();
    now += 29_999;
    await load();
    expect(reads).toBe(1);
    now += 1;
    await load();
    expect(reads).toBe(2);
  });
});
