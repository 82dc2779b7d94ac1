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

import { formatPath, ValidationError } from "@firebreak/core/shared/errors";
import * as z from "@firebreak/core/shared/zod";
import {
  describe,
  ID_PATTERN,
  inlinePolicySchema,
  namedPolicySchema,
  personSchema,
  rootSchema,
  rotationSchema,
  sloSchema,
  teamSchema,
} from "./directory-schemas";
import type {
  Directory,
  DirectoryIssue,
  EscalationPolicy,
  Person,
  Rotation,
  ServiceOwnership,
  Slo,
  StatusPageConfig,
  Team,
} from "./directory-types";
import { normaliseNotifyRules, unreachableSteps } from "./notify-rules";

export * from "./directory-index";
export * from "./directory-schemas";
export * from "./directory-types";

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
