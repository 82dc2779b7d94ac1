/**
 * The on-call directory's field and entry schemas (zod), each failing with a message that names what
 * is expected (directory.ts runs them and names the path).
 */

import { normaliseTimestamp } from "@firebreak/core/shared/timestamp";
import { convertedString } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import { groupingSchema } from "../alarm/grouping";
import { ignoreRulesSchema } from "./alarm-rules";
import { notifyRulesSchema } from "./notify-rules";
import { isValidTimeZone, parseLocalDate, parseLocalTime } from "./tz";
import { urgencyPolicySchema, workingHoursSchema } from "./urgency";

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const ID_RULE = "letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64";

function required(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `required (${what})` : `expected ${what}, got ${describe(issue.input)}`;
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `"${value.slice(0, 64)}"`;
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return typeof value;
}

const text = (what: string) =>
  z.string({ error: required(what) }).check(z.trim(), z.minLength(1, `${what} must not be empty`));

export const idSchema = z
  .string({ error: required("an id") })
  .check(
    z.regex(ID_PATTERN, { error: (issue) => `expected an id (${ID_RULE}), got ${describe(issue.input)}` }),
  );

export const timeZoneSchema = z
  .string({ error: required('an IANA time zone such as "Europe/London"') })
  .check(
    z.refine(isValidTimeZone, {
      error: (issue) =>
        `unknown time zone ${describe(issue.input)} (expected an IANA name such as "Europe/London")`,
    }),
  );

const E164 = /^\+[1-9]\d{1,14}$/;

export const phoneSchema = z
  .string({
    error: (issue) =>
      typeof issue.input === "number"
        ? `expected a quoted E.164 phone number such as "+447700900123" (unquoted, YAML reads it as a number)`
        : required('an E.164 phone number such as "+447700900123"')(issue),
  })
  .check(
    z.regex(E164, {
      error: (issue) =>
        `expected an E.164 phone number such as "+447700900123", got ${describe(issue.input)}`,
    }),
  );

export const slackUserIdSchema = z.string({ error: required("a Slack user id") }).check(
  z.regex(/^[UW][A-Z0-9]{2,}$/, {
    error: (issue) => `expected a Slack user id such as "U0123ABCD" (U… or W…), got ${describe(issue.input)}`,
  }),
);

export const slackChannelIdSchema = z.string({ error: required("a Slack channel id") }).check(
  z.regex(/^[CG][A-Z0-9]{2,}$/, {
    error: (issue) => `expected a Slack channel id such as "C0123ABCD", got ${describe(issue.input)}`,
  }),
);

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]+(?:-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

export const topicArnSchema = z.string({ error: required("an SNS topic ARN") }).check(
  z.regex(TOPIC_ARN, {
    error: (issue) =>
      `expected an SNS topic ARN arn:aws:sns:<region>:<12-digit account>:<name>, got ${describe(issue.input)}`,
  }),
);

export const accountSchema = z
  .string({
    error: (issue) =>
      typeof issue.input === "number"
        ? "expected a quoted 12-digit AWS account id (unquoted, YAML reads it as a number and drops leading zeros)"
        : required("a 12-digit AWS account id")(issue),
  })
  .check(
    z.regex(/^\d{12}$/, {
      error: (issue) => `expected a 12-digit AWS account id, got ${describe(issue.input)}`,
    }),
  );

const instantSchema = convertedString(
  normaliseTimestamp,
  (value) =>
    `expected an ISO 8601 instant with an offset such as "2026-03-14T09:00:00Z", got ${describe(value)}`,
  z.string({ error: required("an ISO 8601 instant") }),
);

const handoffTimeSchema = z.string({ error: required('"HH:MM"') }).check(
  z.refine((v) => parseLocalTime(v) !== undefined, {
    error: (issue) => `expected a 24-hour time "HH:MM" such as "09:00", got ${describe(issue.input)}`,
  }),
);

const localDateSchema = z.string({ error: required('a date "YYYY-MM-DD"') }).check(
  z.refine((v) => parseLocalDate(v) !== undefined && v >= "1970-01-01", {
    error: (issue) => `expected a calendar date "YYYY-MM-DD" from 1970 on, got ${describe(issue.input)}`,
  }),
);

const positiveInt = (what: string, min: number, max: number) =>
  z
    .int({ error: required(`a whole number of ${what}`) })
    .check(z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`));

export const personSchema = z.strictObject({
  id: idSchema,
  name: text("a name"),
  slackUserId: z.optional(slackUserIdSchema),
  phone: z.optional(phoneSchema),
  email: z.optional(z.email({ error: (issue) => `expected an email address, got ${describe(issue.input)}` })),
  timezone: timeZoneSchema,
  notify: z.optional(notifyRulesSchema),
});

const SHIFT_TYPES = 'expected a shift {type: "daily"}, {type: "weekly"} or {type: "hours", hours: N}';

export const shiftSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("daily") }),
    z.strictObject({ type: z.literal("weekly") }),
    z.strictObject({ type: z.literal("hours"), hours: positiveInt("hours", 1, 24 * 366) }),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? SHIFT_TYPES : undefined) },
);

export const overrideSchema = z
  .strictObject({
    personId: idSchema,
    from: instantSchema,
    to: instantSchema,
    reason: z.optional(z.string()),
  })
  .check(z.refine((o) => o.to > o.from, { path: ["to"], message: "must be after from" }));

export const rotationSchema = z.strictObject({
  id: idSchema,
  name: z.optional(z.string()),
  members: z.array(idSchema, { error: required("a list of person ids (may be empty)") }),
  shift: shiftSchema,
  handoffTime: handoffTimeSchema,
  timezone: timeZoneSchema,
  start: localDateSchema,
  overrides: z._default(z.array(overrideSchema), []),
});

const TARGET_TYPES = 'expected a target {type: "person", id}, {type: "rotation", id} or {type: "topic", arn}';

export const targetSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("person"), id: idSchema }),
    z.strictObject({ type: z.literal("rotation"), id: idSchema }),
    z.strictObject({ type: z.literal("topic"), arn: topicArnSchema }),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? TARGET_TYPES : undefined) },
);

const levelSchema = z.strictObject({
  targets: z.array(targetSchema).check(z.minLength(1, "a level needs at least one target")),
  timeoutMinutes: positiveInt("minutes", 1, 1440),
});

const policyFields = {
  levels: z.array(levelSchema).check(z.minLength(1, "a policy needs at least one level")),
  repeat: z._default(positiveInt("repeats", 0, 20), 0),
  fallback: targetSchema,
  urgency: z.optional(urgencyPolicySchema),
};

export const namedPolicySchema = z.strictObject({
  id: idSchema,
  name: z.optional(z.string()),
  ...policyFields,
});

export const inlinePolicySchema = z.strictObject({ name: z.optional(z.string()), ...policyFields });

const serviceSchema = z.pipe(
  z.transform((v: unknown) => (typeof v === "string" ? { id: v } : v)),
  z.strictObject(
    {
      id: idSchema,
      accounts: z.optional(
        z.array(accountSchema).check(z.minLength(1, "list at least one account, or drop accounts")),
      ),
    },
    { error: required('a service id, or {id, accounts: ["<12-digit account>"]}') },
  ),
);

export const sloSchema = z.strictObject({
  target: z
    .number({ error: required("a fraction such as 0.999") })
    .check(
      z.gt(0, "must be between 0 and 1 (exclusive), e.g. 0.999"),
      z.lt(1, "must be between 0 and 1 (exclusive), e.g. 0.999"),
    ),
  windowDays: positiveInt("days", 1, 366),
});

/** The team's issue tracker: credentials are deployment secrets, never in the directory. */
export type TrackerConfig =
  | { kind: "github"; repo: string }
  | { kind: "jira"; site: string; project: string; issueType?: string }
  | { kind: "linear"; teamId: string };

const trackerSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("github"),
      repo: z
        .string()
        .check(z.regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, "expected owner/repo, e.g. acme/ops")),
    }),
    z.strictObject({
      kind: z.literal("jira"),
      site: z
        .string()
        .check(
          z.regex(
            /^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)+\/?$/i,
            "expected the site's https URL, e.g. https://acme.atlassian.net",
          ),
        ),
      project: z.string().check(z.regex(/^[A-Z][A-Z0-9_]{1,9}$/, "expected a project key such as OPS")),
      issueType: z.optional(text("an issue type such as Task")),
    }),
    z.strictObject({
      kind: z.literal("linear"),
      teamId: z.string().check(z.regex(/^[0-9a-f-]{36}$/i, "expected the Linear team's id (a UUID)")),
    }),
  ],
  {
    error: required("a tracker: {kind: github, repo}, {kind: jira, site, project} or {kind: linear, teamId}"),
  },
);

export const teamSchema = z.strictObject({
  id: idSchema,
  name: text("a name"),
  services: z._default(z.array(serviceSchema), []),
  alertChannel: z.optional(slackChannelIdSchema),
  snsTopicArn: z.optional(topicArnSchema),
  // The parts below are parsed one by one (so one bad rotation does not hide another's errors).
  rotations: z._default(z.array(z.unknown(), { error: required("a list of rotations") }), []),
  escalationPolicy: z.optional(z.unknown()),
  commsRotation: z.optional(idSchema),
  slo: z.optional(z.unknown()),
  ignoreAlarms: z.optional(ignoreRulesSchema),
  workingHours: z.optional(workingHoursSchema),
  grouping: z.optional(groupingSchema),
  tracker: z.optional(trackerSchema),
});

export const statusPageSchema = z.strictObject({
  title: z.optional(text("a title")),
  severities: z._default(
    z
      .array(z.enum(["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"], { error: required("a severity SEV1 to SEV5") }))
      .check(z.minLength(1, "list at least one severity, or drop severities")),
    ["SEV1", "SEV2", "SEV3"],
  ),
  services: z.array(
    z.strictObject(
      { service: idSchema, name: text("a public name") },
      { error: required("{service: <service id>, name: <public name>}") },
    ),
    { error: required("a list of services") },
  ),
});

export const rootSchema = z.strictObject({
  version: z.optional(z.literal(1, { error: "the only directory format version is 1" })),
  defaultTeam: z.optional(idSchema),
  people: z.array(z.unknown(), { error: required("a list of people") }),
  teams: z.array(z.unknown(), { error: required("a list of teams") }),
  escalationPolicies: z.optional(z.array(z.unknown(), { error: required("a list of escalation policies") })),
  ignoreAlarms: z.optional(ignoreRulesSchema),
  statusPage: z.optional(statusPageSchema),
});
