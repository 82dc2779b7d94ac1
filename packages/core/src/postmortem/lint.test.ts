import { describe, expect, it } from "vitest";
import { createLinter, lintMarkdown, maskQuotedAndCode, nameVariants } from "./lint";
import type { LintRule } from "./types";

const NAMES = ["Bob Chen", "Alice Martin", "Will Ortiz"];
const linter = createLinter({ names: NAMES });
const rules = (text: string) => linter.lintMarkdown(text).map((f) => [f.rule, f.match]);

describe("blameless lint: true positives", () => {
  it.each<[string, LintRule, string]>([
    ["The outage was caused by human error.", "human-error", "human error"],
    ["Human-errors happen.", "human-error", "Human-errors"],
    ["It was Bob's fault.", "fault", "Bob's fault"],
    ["Honestly it was our fault", "fault", "our fault"],
    ["The deploy team is at fault.", "fault", "at fault"],
    ["Nobody is to blame here", "fault", "to blame"],
    ["We blamed the network.", "fault", "blamed"],
    ["The reviewer should have caught it.", "should-have", "should have"],
    ["We shouldn't have deployed on Friday.", "should-have", "shouldn't have"],
    ["The alarm should've fired.", "should-have", "should've"],
    ["A careless change to the config.", "judgement", "careless"],
    ["That was sloppy.", "judgement", "sloppy"],
    ["The on-call engineer failed to acknowledge the page.", "failed-to", "engineer failed to"],
    ["We failed to notice the disk filling up.", "failed-to", "We failed to"],
    ["At 09:40 they then failed to escalate.", "failed-to", "they then failed to"],
    ["Bob broke prod.", "person-failure", "Bob broke"],
    ["Alice forgot to renew the certificate.", "person-failure", "Alice forgot"],
    ["Alice Martin accidentally deleted the table.", "person-failure", "Alice Martin accidentally"],
    ["Bob's deploy broke checkout.", "person-failure", "Bob's deploy broke"],
    ["Bob quickly ignored the alert.", "person-failure", "Bob quickly ignored"],
    ["Then Alice then failed to page ops.", "person-failure", "Alice then failed to"],
    ["Alice and Bob missed the alert.", "person-failure", "Bob missed"],
  ])("%s → %s", (text, rule, match) => {
    expect(rules(text)).toEqual([[rule, match]]);
  });

  it("reports the line, column, section and a suggested rewording", () => {
    const findings = lintMarkdown("# Title\n\n## Contributing factors\n\nIn the end Bob broke prod.\n", {
      names: ["Bob"],
    });
    expect(findings).toEqual([
      {
        rule: "person-failure",
        match: "Bob broke",
        message: expect.stringContaining("(Bob)"),
        suggestion: expect.stringContaining("the deploy of v42 broke checkout"),
        line: 5,
        column: 12,
        section: "Contributing factors",
      },
    ]);
  });

  it("finds several problems on one line, once each", () => {
    expect(rules("Bob broke prod; human error, and he should have known. Careless.")).toEqual([
      ["person-failure", "Bob broke"],
      ["human-error", "human error"],
      ["should-have", "should have"],
      ["judgement", "Careless"],
    ]);
  });
});

describe("blameless lint: false positives it avoids", () => {
  it.each([
    // A system as the subject of "failed to" describes a failure, not blame (decision).
    "The health check failed to respond within 5 seconds.",
    "The deploy pipeline failed to roll back.",
    "It failed to start after the upgrade.",
    // Technical uses of "fault".
    "We are adding fault tolerance to the queue consumer.",
    "Our fault-tolerant design held.",
    "Run fault injection in staging; each fault domain is isolated.",
    "The service's fault isolation worked.",
    // Not blame words.
    "A blameless review.",
    "We should add a check; the check would have caught it.",
    // Quoted text and code spans are someone else's words or machine text.
    'The alarm reason said "latency should have stayed below 300 ms".',
    "Reason: `Threshold Crossed: datapoints should have been below 25`",
    "He wrote “human error” in the chat, which we discussed.",
    // A name that is not the subject of the failure.
    "Page to Bob Chen failed: carrier error.",
    "Paging Alice failed twice.",
    "The page to Bob failed to deliver.",
    // Names match case-sensitively: "will" is not the responder Will.
    "The cache will failed over... the job will never fail.",
    // A name next to a neutral verb.
    "Bob fixed the config and Alice acknowledged the page.",
  ])("%s", (text) => {
    expect(rules(text)).toEqual([]);
  });

  it("skips YAML front matter and fenced code blocks", () => {
    const md = [
      "---",
      "title: human error in prod",
      "---",
      "# Title",
      "```text",
      "Bob broke prod; should have known",
      "```",
      "~~~~",
      "careless",
      "~~~~",
      "Fine prose.",
    ].join("\n");
    expect(lintMarkdown(md, { names: ["Bob"] })).toEqual([]);
  });

  it("without names, a name is just a word", () => {
    expect(lintMarkdown("Bob broke prod.")).toEqual([]);
  });
});

describe("lint helpers", () => {
  it("masks code spans and double quotes, keeping positions", () => {
    const line = 'a `b` c ``d ` e`` "f" “g” `unclosed "h';
    const masked = maskQuotedAndCode(line);
    expect(masked).toHaveLength(line.length);
    expect(masked).toBe(
      `a ${" ".repeat(3)} c ${" ".repeat(9)} ${" ".repeat(3)} ${" ".repeat(3)} \`unclosed "h`,
    );
  });

  it("derives first names from full names, longest first", () => {
    expect(nameVariants(["Alice Martin", "bob", "X", "  Carol   Diaz ", "42"])).toEqual([
      "Alice Martin",
      "Carol Diaz",
      "Alice",
      "Carol",
      "bob",
    ]);
  });

  // Its speed is measured by `npm run bench` (postmortem generation, lint included), not asserted here.
  it("lints 20,000 lines (a long timeline) without a finding", () => {
    const text = Array.from(
      { length: 20_000 },
      (_, i) => `| ${i} | update from Bob Chen: the health check failed to respond |`,
    ).join("\n");
    expect(linter.lintMarkdown(text)).toEqual([]);
  });
});
