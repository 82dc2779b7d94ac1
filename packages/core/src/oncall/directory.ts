/**
 * The on-call directory: who the people are, which team owns which service, the teams' rotations
 * and escalation policies. It is configuration a human edits (usually as YAML), so parsing is
 * strict and tells everything that is wrong at once:
 *
 * - the SHAPE of every entry (unknown keys are errors: a misspelt `rotation:` must not be ignored);
 * - the REFERENCES between entries (rotation members, override people, escalation targets, the comms
 *   rotation, the default team, named policies);
 * - the RULES: unique ids (rotation and policy ids are unique across the whole directory, so a
 *   policy may page another team's rotation), a service belongs to exactly one team (per account
 *   when `accounts` splits it), overrides end after they start, time zones are IANA names ICU knows.
 *
 * `parseDirectory` throws one `ValidationError` carrying every issue, each with a path such as
 * `teams[2].rotations[0].members[1]` and a message such as `unknown person "bob"`; it never returns
 * a partial directory. `parseDirectoryYaml` (directory-yaml.ts, kept apart so that code which only
 * handles the validated JSON does not bundle the `yaml` library) adds YAML syntax errors (with line
 * and column) and the line and column of each issue.
 *
 * Service ownership: a team lists a service either as a plain id (it owns the service everywhere)
 * or as `{ id, accounts: ["210987654321"] }` (it owns it in those accounts only). For any service
 * at most one team owns it everywhere and each account is claimed by at most one team; an account
 * claim wins over the everywhere-owner for that account (see `resolveOwner`).
 */

import { formatPath, ValidationError, type ValidationIssue } from "@firebreak/core/shared/errors";
import { normaliseTimestamp } from "@firebreak/core/shared/timestamp";
import { convertedString } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import { type Grouping, groupingSchema } from "../alarm/grouping";
import { type IgnoreRule, ignoreRulesSchema } from "./alarm-rules";
import { type NotifyRules, normaliseNotifyRules, notifyRulesSchema, unreachableSteps } from "./notify-rules";
import { isValidTimeZone, parseLocalDate, parseLocalTime } from "./tz";
import { type UrgencyPolicy, urgencyPolicySchema, type WorkingHours, workingHoursSchema } from "./urgency";

// ---------------------------------------------------------------------------------------------
// Types (the parsed, normalised directory: plain JSON, safe to store and to send)
// ---------------------------------------------------------------------------------------------

export interface Person {
  id: string;
  name: string;
  /** Slack member id, `U…` or `W…` (Enterprise Grid). */
  slackUserId?: string;
  /** E.164, e.g. `+447700900123`. */
  phone?: string;
  email?: string;
  /** IANA time zone, e.g. `Europe/London`. */
  timezone: string;
  /** Personal notification rules (notify-rules.ts); absent: the default. */
  notify?: NotifyRules;
}

export type Shift = { type: "daily" } | { type: "weekly" } | { type: "hours"; hours: number };

export interface RotationOverride {
  personId: string;
  /** ISO 8601 instant, normalised to UTC with milliseconds (inclusive). */
  from: string;
  /** ISO 8601 instant, normalised to UTC with milliseconds (exclusive); after `from`. */
  to: string;
  reason?: string;
}

export interface Rotation {
  /** Unique across the whole directory. */
  id: string;
  name?: string;
  /** Person ids in rotation order; may be empty (nobody is on call) and may repeat a person. */
  members: string[];
  shift: Shift;
  /** `HH:MM`, local wall-clock time in `timezone`. */
  handoffTime: string;
  timezone: string;
  /** `YYYY-MM-DD`: the first shift (members[0]) begins on this date at `handoffTime` in `timezone`. */
  start: string;
  /** In the order they were written: later entries were created later. */
  overrides: RotationOverride[];
}

export type TargetRef =
  | { type: "person"; id: string }
  | { type: "rotation"; id: string }
  | { type: "topic"; arn: string };

export interface EscalationLevel {
  targets: TargetRef[];
  timeoutMinutes: number;
}

export interface EscalationPolicy {
  /** A named policy's id, or `team:<team id>` for a policy written inside its team. */
  id: string;
  name?: string;
  levels: EscalationLevel[];
  /** How many times the whole ladder is paged again after the first pass (0 = once). */
  repeat: number;
  /** Paged once when the ladder and its repeats are exhausted without an acknowledgement. */
  fallback: TargetRef;
  /** Which severities are high urgency (urgency.ts); absent: SEV1–SEV2 high, a 15-minute SMS delay. */
  urgency?: UrgencyPolicy;
}

export interface ServiceOwnership {
  id: string;
  /** When present, the team owns the service in these AWS accounts only. */
  accounts?: string[];
}

export interface Slo {
  /** Fraction of good events, 0 < target < 1 (e.g. 0.999). */
  target: number;
  windowDays: number;
}

export interface Team {
  id: string;
  name: string;
  services: ServiceOwnership[];
  /** Slack channel id where the team's incidents are announced. */
  alertChannel?: string;
  snsTopicArn?: string;
  rotations: Rotation[];
  /** Resolved: a named policy reference is replaced by the policy itself. */
  escalationPolicy: EscalationPolicy;
  /** Rotation id (any team's) that supplies the comms lead. */
  commsRotation?: string;
  /** Keyed by the id of a service the team owns. */
  slo?: Record<string, Slo>;
  /** Alarms of this team's that never open an incident (alarm-rules.ts). */
  ignoreAlarms?: IgnoreRule[];
  /** When low-urgency SMS may be sent (urgency.ts); absent: Mon–Fri 09:00–17:00, first rotation's zone. */
  workingHours?: WorkingHours;
  /** Where the team's postmortem action items are synced (core/action-items/trackers.ts). */
  tracker?: TrackerConfig;
  /** How the team's alarms group into incidents (alarm/grouping.ts); absent: `by-service`. */
  grouping?: Grouping;
}

export interface Directory {
  version: 1;
  /** The team that owns services nobody else owns. */
  defaultTeam?: string;
  people: Person[];
  teams: Team[];
  /** Named policies (teams may refer to them by id). */
  escalationPolicies: EscalationPolicy[];
  /** Alarms that never open an incident, whoever owns them (alarm-rules.ts). */
  ignoreAlarms?: IgnoreRule[];
  /** The public status page (status/summary.ts); absent: the page lists no services. */
  statusPage?: StatusPageConfig;
}

/** Which services the public status page shows, under which public names, and which severities count. */
export interface StatusPageConfig {
  /** The page's heading. */
  title?: string;
  /** Open incidents of these severities set a service's state; SEV1–SEV3 unless given. */
  severities: ("SEV1" | "SEV2" | "SEV3" | "SEV4" | "SEV5")[];
  /** `service` is the directory's service id (never shown); `name` is shown. */
  services: { service: string; name: string }[];
}

/** A `ValidationIssue`; from `parseDirectoryYaml`, with the 1-based position in the YAML text. */
export interface DirectoryIssue extends ValidationIssue {
  line?: number;
  column?: number;
}

// ---------------------------------------------------------------------------------------------
// Field schemas
// ---------------------------------------------------------------------------------------------

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ID_RULE = "letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64";

function required(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `required (${what})` : `expected ${what}, got ${describe(issue.input)}`;
}

function describe(value: unknown): string {
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

// ---------------------------------------------------------------------------------------------
// Entry schemas
// ---------------------------------------------------------------------------------------------

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

const teamSchema = z.strictObject({
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

const rootSchema = z.strictObject({
  version: z.optional(z.literal(1, { error: "the only directory format version is 1" })),
  defaultTeam: z.optional(idSchema),
  people: z.array(z.unknown(), { error: required("a list of people") }),
  teams: z.array(z.unknown(), { error: required("a list of teams") }),
  escalationPolicies: z.optional(z.array(z.unknown(), { error: required("a list of escalation policies") })),
  ignoreAlarms: z.optional(ignoreRulesSchema),
  statusPage: z.optional(statusPageSchema),
});

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

export type Path = PropertyKey[];
export interface RawIssue {
  path: Path;
  message: string;
}

class Collector {
  readonly issues: RawIssue[] = [];
  add(path: Path, message: string): void {
    this.issues.push({ path, message });
  }
  /** Parses `value` with `schema`, recording its issues under `path`. */
  parse<T>(schema: z.core.$ZodType<T>, value: unknown, path: Path): T | undefined {
    const result = z.safeParse(schema, value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) this.add([...path, ...issue.path, key], "unknown key (misspelt?)");
      } else this.add([...path, ...issue.path], issue.message);
    }
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The `id` of a raw entry when it is a string, so references to an otherwise broken entry don't cascade. */
function rawId(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const id = value.id;
  return typeof id === "string" ? id : undefined;
}

/** Records each id's first path; reports later duplicates. */
function uniqueIds(c: Collector, what: string, entries: Array<{ id: string | undefined; path: Path }>) {
  const first = new Map<string, Path>();
  for (const { id, path } of entries) {
    if (id === undefined) continue;
    const seen = first.get(id);
    if (seen) c.add([...path, "id"], `duplicate ${what} id "${id}" (first at ${formatPath(seen)})`);
    else first.set(id, path);
  }
  return first;
}

interface KnownIds {
  people: ReadonlyMap<string, Path>;
  rotations: ReadonlyMap<string, Path>;
  policies: ReadonlyMap<string, Path>;
  teams: ReadonlyMap<string, Path>;
}

/**
 * Reference checks run on the raw data, so they are reported even when the entry's shape is wrong
 * (a malformed id is reported by the shape check alone).
 */
function checkTargetRefs(c: Collector, known: KnownIds, raw: unknown, path: Path): boolean {
  if (!isRecord(raw) || typeof raw.id !== "string" || !ID_PATTERN.test(raw.id)) return true;
  if (raw.type === "person" && !known.people.has(raw.id)) {
    c.add([...path, "id"], `unknown person "${raw.id}"`);
    return false;
  }
  if (raw.type === "rotation" && !known.rotations.has(raw.id)) {
    c.add([...path, "id"], `unknown rotation "${raw.id}"`);
    return false;
  }
  return true;
}

function checkPolicyRefs(c: Collector, known: KnownIds, raw: unknown, path: Path): boolean {
  if (!isRecord(raw)) return true;
  let ok = true;
  asArray(raw.levels).forEach((level, l) => {
    asArray(isRecord(level) ? level.targets : undefined).forEach((target, t) => {
      if (!checkTargetRefs(c, known, target, [...path, "levels", l, "targets", t])) ok = false;
    });
  });
  if (!checkTargetRefs(c, known, raw.fallback, [...path, "fallback"])) ok = false;
  return ok;
}

function checkRotationRefs(c: Collector, known: KnownIds, raw: unknown, path: Path): boolean {
  if (!isRecord(raw)) return true;
  let ok = true;
  asArray(raw.members).forEach((member, m) => {
    if (typeof member === "string" && ID_PATTERN.test(member) && !known.people.has(member)) {
      c.add([...path, "members", m], `unknown person "${member}"`);
      ok = false;
    }
  });
  asArray(raw.overrides).forEach((override, o) => {
    const personId = isRecord(override) ? override.personId : undefined;
    if (typeof personId === "string" && ID_PATTERN.test(personId) && !known.people.has(personId)) {
      c.add([...path, "overrides", o, "personId"], `unknown person "${personId}"`);
      ok = false;
    }
  });
  return ok;
}

function parseRotation(c: Collector, known: KnownIds, raw: unknown, path: Path): Rotation | undefined {
  const rotation = c.parse(rotationSchema, raw, path);
  const refsOk = checkRotationRefs(c, known, raw, path);
  return rotation && refsOk ? stripUndefined(rotation) : undefined;
}

function parseSlo(c: Collector, raw: unknown, path: Path, owned: ReadonlySet<string>, teamId: string) {
  if (!isRecord(raw)) {
    c.add(path, `expected a mapping of service id to {target, windowDays}, got ${describe(raw)}`);
    return undefined;
  }
  const entries: Array<[string, Slo]> = [];
  let ok = true;
  for (const service of Object.keys(raw)) {
    const slo = c.parse(sloSchema, raw[service], [...path, service]);
    if (!owned.has(service)) {
      c.add([...path, service], `service "${service}" is not owned by team "${teamId}"`);
      ok = false;
    } else if (slo) entries.push([service, slo]);
    else ok = false;
  }
  return ok ? Object.fromEntries(entries) : undefined;
}

interface Claim {
  teamId: string;
  path: Path;
}

/** A service belongs to exactly one team: one everywhere-owner and one owner per account. */
class ServiceClaims {
  private readonly everywhere = new Map<string, Claim>();
  private readonly perAccount = new Map<string, Claim>();
  constructor(private readonly c: Collector) {}

  claim(teamId: string, service: ServiceOwnership, path: Path): boolean {
    if (!service.accounts) {
      const prior = this.everywhere.get(service.id);
      if (prior) {
        this.c.add(path, this.conflict(`service "${service.id}"`, prior, teamId));
        return false;
      }
      this.everywhere.set(service.id, { teamId, path });
      return true;
    }
    let ok = true;
    service.accounts.forEach((account, a) => {
      const key = `${service.id}\u0000${account}`;
      const prior = this.perAccount.get(key);
      if (prior) {
        this.c.add(
          [...path, "accounts", a],
          this.conflict(`service "${service.id}" in account ${account}`, prior, teamId),
        );
        ok = false;
      } else this.perAccount.set(key, { teamId, path: [...path, "accounts", a] });
    });
    return ok;
  }

  private conflict(what: string, prior: Claim, teamId: string): string {
    const owner = prior.teamId === teamId ? "this team already lists it" : `team "${prior.teamId}" owns it`;
    return `${what} belongs to one team, but ${owner} (${formatPath(prior.path)})`;
  }
}

function parseTeam(
  c: Collector,
  known: KnownIds,
  claims: ServiceClaims,
  policies: ReadonlyMap<string, EscalationPolicy>,
  raw: unknown,
  path: Path,
): Team | undefined {
  const team = c.parse(teamSchema, raw, path);
  // Rotations and the policy are parsed even when the rest of the team is broken.
  const rawTeam = isRecord(raw) ? raw : {};
  const rotations = asArray(rawTeam.rotations).map((r, i) =>
    parseRotation(c, known, r, [...path, "rotations", i]),
  );

  let policy: EscalationPolicy | undefined;
  const rawPolicy = rawTeam.escalationPolicy;
  const policyPath = [...path, "escalationPolicy"];
  if (rawPolicy === undefined) {
    c.add(policyPath, "required (a named policy id, or a policy {levels, repeat, fallback})");
  } else if (typeof rawPolicy === "string") {
    policy = policies.get(rawPolicy);
    if (!policy && !known.policies.has(rawPolicy))
      c.add(policyPath, `unknown escalation policy "${rawPolicy}"`);
  } else {
    const inline = c.parse(inlinePolicySchema, rawPolicy, policyPath);
    const refsOk = checkPolicyRefs(c, known, rawPolicy, policyPath);
    if (inline && refsOk && typeof rawTeam.id === "string")
      policy = stripUndefined({ id: `team:${rawTeam.id}`, ...inline });
  }
  if (!team) return undefined;

  let ok = true;
  const owned = new Set<string>();
  team.services.forEach((service, s) => {
    if (!claims.claim(team.id, service, [...path, "services", s])) ok = false;
    owned.add(service.id);
  });
  if (team.commsRotation !== undefined && !known.rotations.has(team.commsRotation)) {
    c.add([...path, "commsRotation"], `unknown rotation "${team.commsRotation}"`);
    ok = false;
  }
  const slo = team.slo === undefined ? undefined : parseSlo(c, team.slo, [...path, "slo"], owned, team.id);
  if (team.slo !== undefined && !slo) ok = false;

  const parsedRotations = rotations.filter((r): r is Rotation => r !== undefined);
  if (!ok || !policy || parsedRotations.length !== rotations.length) return undefined;
  return stripUndefined({
    id: team.id,
    name: team.name,
    services: team.services.map(stripUndefined),
    alertChannel: team.alertChannel,
    snsTopicArn: team.snsTopicArn,
    rotations: parsedRotations,
    escalationPolicy: policy,
    commsRotation: team.commsRotation,
    slo,
    ignoreAlarms: team.ignoreAlarms?.map(stripUndefined),
    workingHours: team.workingHours,
    grouping: team.grouping,
    tracker: team.tracker && stripUndefined(team.tracker),
  });
}

/** Drops keys whose value is undefined, so the parsed directory is plain JSON. */
function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The whole parse, issues kept with raw paths (`parseDirectoryYaml` maps them to lines). */
export function parseWithIssues(input: unknown): { directory?: Directory; issues: RawIssue[] } {
  const c = new Collector();
  if (!isRecord(input)) {
    c.add([], `expected a mapping with people and teams, got ${describe(input)}`);
    return { issues: c.issues };
  }
  const root = c.parse(rootSchema, input, []);
  const rawPeople = asArray(input.people);
  const rawTeams = asArray(input.teams);
  const rawPolicies = asArray(input.escalationPolicies);

  // Ids first (from the raw entries, so that a broken entry's id still resolves references).
  const known: KnownIds = {
    people: uniqueIds(
      c,
      "person",
      rawPeople.map((p, i) => ({ id: rawId(p), path: ["people", i] })),
    ),
    teams: uniqueIds(
      c,
      "team",
      rawTeams.map((t, i) => ({ id: rawId(t), path: ["teams", i] })),
    ),
    rotations: uniqueIds(
      c,
      "rotation",
      rawTeams.flatMap((t, i) =>
        asArray(isRecord(t) ? t.rotations : undefined).map((r, j) => ({
          id: rawId(r),
          path: ["teams", i, "rotations", j],
        })),
      ),
    ),
    policies: uniqueIds(
      c,
      "escalation policy",
      rawPolicies.map((p, i) => ({ id: rawId(p), path: ["escalationPolicies", i] })),
    ),
  };

  const people: Person[] = [];
  rawPeople.forEach((raw, i) => {
    const person = c.parse(personSchema, raw, ["people", i]);
    if (!person) return;
    if (!person.slackUserId && !person.phone && !person.email) {
      c.add(["people", i], "has no way to be reached: give at least one of slackUserId, phone or email");
      return;
    }
    if (person.notify)
      for (const issue of unreachableSteps(person.notify, person))
        c.add(["people", i, "notify", ...issue.path], issue.message);
    people.push(
      stripUndefined(person.notify ? { ...person, notify: normaliseNotifyRules(person.notify) } : person),
    );
  });

  const policies = new Map<string, EscalationPolicy>();
  rawPolicies.forEach((raw, i) => {
    const path = ["escalationPolicies", i];
    const policy = c.parse(namedPolicySchema, raw, path);
    const refsOk = checkPolicyRefs(c, known, raw, path);
    if (policy && refsOk && !policies.has(policy.id)) policies.set(policy.id, stripUndefined(policy));
  });

  const claims = new ServiceClaims(c);
  const teams = rawTeams.map((raw, i) => parseTeam(c, known, claims, policies, raw, ["teams", i]));

  if (root?.defaultTeam !== undefined && !known.teams.has(root.defaultTeam))
    c.add(["defaultTeam"], `unknown team "${root.defaultTeam}"`);
  if (root?.statusPage) checkStatusPage(c, root.statusPage, teams);

  if (c.issues.length > 0 || !root) return { issues: c.issues };
  return {
    issues: [],
    directory: stripUndefined({
      version: 1 as const,
      defaultTeam: root.defaultTeam,
      people,
      teams: teams.filter((t): t is Team => t !== undefined),
      escalationPolicies: [...policies.values()],
      ignoreAlarms: root.ignoreAlarms?.map(stripUndefined),
      statusPage: root.statusPage && stripUndefined(root.statusPage),
    }),
  };
}

/** Each status-page service is a service some team owns, listed once, under a unique public name. */
function checkStatusPage(c: Collector, page: StatusPageConfig, teams: (Team | undefined)[]): void {
  const owned = new Set(teams.flatMap((t) => t?.services.map((s) => s.id) ?? []));
  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  page.services.forEach((entry, i) => {
    const path = ["statusPage", "services", i];
    if (!owned.has(entry.service)) c.add([...path, "service"], `unknown service "${entry.service}"`);
    const sameId = ids.get(entry.service);
    if (sameId !== undefined)
      c.add(
        [...path, "service"],
        `service "${entry.service}" is listed twice (statusPage.services[${sameId}])`,
      );
    else ids.set(entry.service, i);
    const sameName = names.get(entry.name.toLowerCase());
    if (sameName !== undefined)
      c.add([...path, "name"], `name "${entry.name}" is used twice (statusPage.services[${sameName}])`);
    else names.set(entry.name.toLowerCase(), i);
  });
  if (new Set(page.severities).size !== page.severities.length)
    c.add(["statusPage", "severities"], "lists a severity twice");
}

/** The `ValidationError` listing every issue. */
export function invalid(issues: DirectoryIssue[], cause?: unknown): ValidationError {
  const lines = issues.map(
    (i) =>
      `  ${i.path}: ${i.message}${i.line === undefined || i.path.startsWith("line ") ? "" : ` (line ${i.line}, column ${i.column})`}`,
  );
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return new ValidationError(`invalid on-call directory (${count}):\n${lines.join("\n")}`, issues, { cause });
}

/**
 * Validates and normalises an on-call directory (already-parsed JSON or YAML data). Throws a
 * `ValidationError` listing every problem; never returns a partial directory.
 */
export function parseDirectory(input: unknown): Directory {
  const { directory, issues } = parseWithIssues(input);
  if (!directory) throw invalid(issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  return directory;
}

// ---------------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------------

export interface DirectoryIndex {
  people: ReadonlyMap<string, Person>;
  teams: ReadonlyMap<string, Team>;
  rotations: ReadonlyMap<string, { rotation: Rotation; team: Team }>;
}

const indexes = new WeakMap<Directory, DirectoryIndex>();

/** Maps from id to entry (memoised per directory object; a directory is never mutated). */
export function indexDirectory(directory: Directory): DirectoryIndex {
  let index = indexes.get(directory);
  if (!index) {
    const rotations = new Map<string, { rotation: Rotation; team: Team }>();
    for (const team of directory.teams)
      for (const rotation of team.rotations) rotations.set(rotation.id, { rotation, team });
    index = {
      people: new Map(directory.people.map((p) => [p.id, p])),
      teams: new Map(directory.teams.map((t) => [t.id, t])),
      rotations,
    };
    indexes.set(directory, index);
  }
  return index;
}

export type Ownership =
  | {
      team: Team;
      /** tag: the alarm named the team (a `team` tag); account: an account-scoped claim matched; service: the team owns it everywhere (or is its only owner); default_team: nobody owns it. */
      via: "tag" | "account" | "service" | "default_team";
    }
  | { team: null; reason: string };

/**
 * Which team owns `service` (in `account`, when given): the team the alarm named (`team`, from a
 * `team` tag) when the directory has it, else the team claiming that account, else the team owning
 * the service everywhere, else — without an account — the single team claiming it in some
 * accounts, else the directory's `defaultTeam`, else nobody (with the reason).
 */
export function resolveOwner(
  directory: Directory,
  service: string,
  account?: string,
  team?: string,
): Ownership {
  const { teams } = indexDirectory(directory);
  const named = team === undefined ? undefined : teams.get(team);
  if (named) return { team: named, via: "tag" };
  let everywhere: Team | undefined;
  let byAccount: Team | undefined;
  const scopedOwners = new Set<Team>();
  for (const team of directory.teams) {
    for (const owned of team.services) {
      if (owned.id !== service) continue;
      if (!owned.accounts) everywhere = team;
      else {
        scopedOwners.add(team);
        if (account !== undefined && owned.accounts.includes(account)) byAccount = team;
      }
    }
  }
  if (byAccount) return { team: byAccount, via: "account" };
  if (everywhere) return { team: everywhere, via: "service" };
  const only = scopedOwners.size === 1 ? [...scopedOwners][0] : undefined;
  if (only && account === undefined) return { team: only, via: "service" };
  const fallback = directory.defaultTeam === undefined ? undefined : teams.get(directory.defaultTeam);
  if (fallback) return { team: fallback, via: "default_team" };
  const owners = [...scopedOwners].map((t) => `"${t.id}"`).join(", ");
  const reason =
    scopedOwners.size === 0
      ? `no team owns service "${service}" and the directory has no defaultTeam`
      : account === undefined
        ? `service "${service}" is owned per account (teams ${owners}) and no account was given; the directory has no defaultTeam`
        : `no team owns service "${service}" in account ${account} and the directory has no defaultTeam`;
  return { team: null, reason };
}
