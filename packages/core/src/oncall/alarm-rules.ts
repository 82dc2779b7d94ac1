/**
 * Ignore rules of the on-call directory: alarms that must never open an incident, for everyone
 * (top-level `ignoreAlarms`) or for one team (a team's `ignoreAlarms`, applied to the alarms that
 * team owns). A rule matches when every matcher it names matches:
 *
 *     ignoreAlarms:
 *       - name: "canary-*"               # the alarm name, a glob: * any run, ? one character
 *         reason: synthetic canaries page through their own tool
 *       - namespace: AWS/Usage           # any of the alarm's metrics in this namespace
 *       - tag: "env=dev"                 # a tag, `key=value` or just `key` (any value)
 *         account: "444455556666"        # the alarm's account
 *
 * Globs are matched in linear time (no regular expressions from the directory: nothing to blow up).
 */
import * as z from "@firebreak/core/shared/zod";
import type { AlarmTransition } from "../alarm/transition";

export const IGNORE_RULE_LIMITS = { pattern: 256, reason: 200 } as const;

const bounded = (what: string, max: number) =>
  z
    .string({ error: `expected ${what}` })
    .check(
      z.trim(),
      z.minLength(1, `${what} must not be empty`),
      z.maxLength(max, `at most ${max} characters`),
    );

export const ignoreRuleSchema = z
  .strictObject({
    name: z.optional(bounded("an alarm name glob such as canary-*", IGNORE_RULE_LIMITS.pattern)),
    namespace: z.optional(bounded("a metric namespace such as AWS/Usage", IGNORE_RULE_LIMITS.pattern)),
    tag: z.optional(bounded('a tag, "key=value" or "key"', IGNORE_RULE_LIMITS.pattern)),
    account: z.optional(
      z
        .string({ error: "expected a 12-digit AWS account id" })
        .check(z.regex(/^\d{12}$/, "expected a 12-digit AWS account id")),
    ),
    reason: z.optional(bounded("a reason", IGNORE_RULE_LIMITS.reason)),
  })
  .check(
    z.refine((rule) => Boolean(rule.name || rule.namespace || rule.tag || rule.account), {
      message: "a rule needs at least one of name, namespace, tag or account",
    }),
  );

export type IgnoreRule = z.output<typeof ignoreRuleSchema>;

export const ignoreRulesSchema = z.array(ignoreRuleSchema, { error: "expected a list of ignore rules" });

/**
 * `*` any run of characters, `?` one character, everything else literal; case-sensitive (alarm
 * names are). The classic two-pointer match: O(pattern × text) at worst, never exponential.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

function tagMatches(rule: string, tags: Record<string, string> | undefined): boolean {
  const at = rule.indexOf("=");
  const key = (at === -1 ? rule : rule.slice(0, at)).trim().toLowerCase();
  const value = at === -1 ? undefined : rule.slice(at + 1).trim();
  return Object.entries(tags ?? {}).some(
    ([k, v]) => k.toLowerCase() === key && (value === undefined || v === value),
  );
}

export function ruleMatches(rule: IgnoreRule, t: AlarmTransition): boolean {
  if (rule.name !== undefined && !globMatch(rule.name, t.alarmName)) return false;
  if (rule.namespace !== undefined && !t.metrics.some((m) => m.namespace === rule.namespace)) return false;
  if (rule.tag !== undefined && !tagMatches(rule.tag, t.tags)) return false;
  if (rule.account !== undefined && rule.account !== t.account) return false;
  return true;
}

/** "name canary-*, account 444455556666": what the rule matched on, for the ignored alarm's reason. */
export function describeRule(rule: IgnoreRule): string {
  const parts = [
    rule.name === undefined ? undefined : `name ${rule.name}`,
    rule.namespace === undefined ? undefined : `namespace ${rule.namespace}`,
    rule.tag === undefined ? undefined : `tag ${rule.tag}`,
    rule.account === undefined ? undefined : `account ${rule.account}`,
  ].filter(Boolean);
  return parts.join(", ");
}
