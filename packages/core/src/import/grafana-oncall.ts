/**
 * Grafana OnCall importer: reads the JSON that Grafana OnCall's public HTTP API v1 returns (users,
 * personal notification rules, teams, schedules, on-call shifts, escalation chains, escalation
 * policies, integrations, routes), saved to files, one response per file, and maps it to a
 * Firebreak directory draft with a report of everything mapped and not mapped.
 *
 * Mapping:
 * - user → person (name: `name` when the API gives it, else `username`; Slack user id from
 *   `slack[].user_id`; email). Phone numbers are not in the public API.
 * - schedule (calendar/web) → one rotation per mappable layer (on-call shift of type
 *   `rolling_users` or `recurrent_event` whose duration covers its whole recurrence period and
 *   whose groups have one user each). `override` shifts, and `single_event` shifts naming one user,
 *   become overrides on the schedule's rotations. `ical` schedules are not mapped.
 * - escalation chain used by a route → a team with a named escalation policy: notify steps form
 *   levels (consecutive notify steps with no wait between them are one level), a `wait` step's
 *   duration is the timeout of the level before it, `repeat_escalation` → repeat 5 (Grafana repeats
 *   a chain up to 5 times).
 * - integration → a service (its name, slugged) of the team of the chain its first route uses.
 *
 * Semantics relied on (Grafana OnCall API reference, on_call_shifts and schedules pages; the shift
 * serializer in grafana/oncall engine/apps/public_api/serializers/on_call_shifts.py): `start`,
 * `rotation_start` and `until` are written without an offset and are UTC; the recurrence is
 * expanded in the shift's `time_zone` (default: the schedule's), so a daily or weekly handoff
 * stays on the local wall clock across DST, like Firebreak's `daily`/`weekly`. The rolling-users
 * recurrence is anchored at `start`: the event at `start` belongs to group
 * `start_rotation_from_user_index`. A daily or weekly recurrence with `interval` > 1 also keeps the
 * wall clock in Grafana, but Firebreak can only express it as an `hours` shift (elapsed time): that
 * difference is noted on the shift.
 *
 * Pure: no file system, no network, no clock. Never throws: whatever cannot be read is in the report.
 */

import * as z from "@firebreak/core/shared/zod";
import { ID_PATTERN, slackUserIdSchema } from "../oncall/directory-schemas";
import type {
  EscalationLevel,
  Person,
  Rotation,
  RotationOverride,
  Shift,
  TargetRef,
} from "../oncall/directory-types";
import { isValidTimeZone } from "../oncall/tz";
import {
  ImportBuilder,
  type Importer,
  type ImportResult,
  localStart,
  override,
  type PolicyDraft,
  type SourceFile,
  type SourceShift,
  type SourceShifts,
  slugId,
  type TeamDraft,
} from "./plan";

// ---------------------------------------------------------------------------------------------
// Reading JSON safely
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;
const nonEmpty = (v: unknown): string | undefined => {
  const s = str(v)?.trim();
  return s ? s : undefined;
};
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] =>
  arr(v)
    .map(str)
    .filter((s): s is string => s !== undefined);
const short = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);

const emailSchema = z.email();
const isEmail = (v: string) => z.safeParse(emailSchema, v).success;
const isSlackUser = (v: string) => z.safeParse(slackUserIdSchema, v).success;

/** Grafana writes datetimes without an offset; they are UTC. An explicit offset is kept. */
function utcInstant(v: unknown): string | undefined {
  const s = str(v);
  if (s === undefined || s.length > 40) return undefined;
  const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(withZone)) return undefined;
  const ms = Date.parse(withZone);
  if (!Number.isFinite(ms) || ms < 0 || ms > 8_640_000_000_000_000 / 2) return undefined;
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Which API response a file is
// ---------------------------------------------------------------------------------------------

type Kind =
  | "user"
  | "personal notification rule"
  | "team"
  | "schedule"
  | "on-call shift"
  | "escalation chain"
  | "escalation policy"
  | "integration"
  | "route"
  | "final shift";

const SHIFT_TYPES = new Set(["single_event", "recurrent_event", "rolling_users", "override"]);
const SCHEDULE_TYPES = new Set(["calendar", "ical", "web"]);

/** The kind of one item by its shape, or undefined. */
function kindOf(item: unknown): Kind | undefined {
  if (!isRecord(item)) return undefined;
  const has = (k: string) => k in item;
  if (has("shift_start") && has("shift_end")) return "final shift";
  if (has("escalation_chain_id") && has("integration_id")) return "route";
  if (has("integration_id") && (has("routing_regex") || has("is_the_last_route"))) return "route";
  if (has("escalation_chain_id") && has("type")) return "escalation policy";
  if (has("user_id") && has("type") && (has("position") || has("important") || has("duration")))
    return "personal notification rule";
  if (
    typeof item.type === "string" &&
    SHIFT_TYPES.has(item.type) &&
    (has("duration") || has("rolling_users") || has("frequency"))
  )
    return "on-call shift";
  if (
    has("ical_url_primary") ||
    has("on_call_now") ||
    (typeof item.type === "string" && SCHEDULE_TYPES.has(item.type) && has("name"))
  )
    return "schedule";
  if (has("username") || (has("email") && (has("slack") || has("role") || has("timezone")))) return "user";
  if (has("default_route") || has("inbound_email") || has("link") || has("templates")) return "integration";
  if (has("avatar_url") || (has("email") && has("name") && !has("team_id"))) return "team";
  if (has("id") && has("name") && has("team_id")) return "escalation chain";
  return undefined;
}

interface Item {
  kind: Kind;
  id: string;
  json: Json;
  file: string;
}

const EXPECTED =
  "a Grafana OnCall API v1 list response {results: [...]} or object from /users, /personal_notification_rules, /teams, /schedules, /on_call_shifts, /escalation_chains, /escalation_policies, /integrations or /routes";

/** The items of a list response (one page) or of a single get response. */
function itemsOf(json: unknown): unknown[] | undefined {
  if (Array.isArray(json)) return json;
  if (isRecord(json)) {
    if (Array.isArray(json.results)) return json.results;
    if (kindOf(json) !== undefined) return [json];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Importing
// ---------------------------------------------------------------------------------------------

const DEFAULT_TIMEOUT_MINUTES = 30;
const GRAFANA_MAX_REPEATS = 5;

function importFiles(files: SourceFile[]): ImportResult {
  const b = new ImportBuilder("grafana-oncall");
  const items = new Map<Kind, Map<string, Item>>();
  const list = (k: Kind) => [...(items.get(k)?.values() ?? [])];

  // 1. Sort every item of every file by kind; what is unreadable is reported now.
  for (const [fileIndex, file] of arr(files).entries()) {
    const name = isRecord(file) ? (str(file.name) ?? `file ${fileIndex + 1}`) : `file ${fileIndex + 1}`;
    const json = isRecord(file) ? file.json : undefined;
    const found = itemsOf(json);
    if (found === undefined) {
      b.unrecognisedFile({ name, json }, EXPECTED);
      continue;
    }
    const kinds = found.map(kindOf);
    const fileKind = kinds.find((k) => k !== undefined);
    if (found.length === 0) {
      b.notMapped(
        { kind: "file", id: name, file: name },
        "an empty list response (no results): nothing to import",
      );
      continue;
    }
    if (fileKind === undefined) {
      b.unrecognisedFile({ name, json }, EXPECTED);
      continue;
    }
    if (fileKind === "final shift") {
      b.notMapped(
        { kind: "file", id: name, file: name },
        "a schedule's final shifts (GET /api/v1/schedules/{id}/final_shifts): not part of the setup; compare it with `firebreak import verify`",
      );
      continue;
    }
    const byId = items.get(fileKind) ?? new Map<string, Item>();
    items.set(fileKind, byId);
    for (const [i, raw] of found.entries()) {
      const where = `${name} results[${i}]`;
      const kind = kinds[i];
      if (kind !== fileKind || !isRecord(raw)) {
        b.notMapped(
          { kind: fileKind, id: where, file: name },
          `results[${i}] is not a ${fileKind} (${kind ?? (isRecord(raw) ? "unknown shape" : raw === null ? "null" : Array.isArray(raw) ? "a list" : typeof raw)}): skipped`,
        );
        continue;
      }
      const id = nonEmpty(raw.id);
      if (id === undefined) {
        b.notMapped(
          { kind, id: where, file: name, ...nameOf(raw) },
          `${kind} in ${where} has no id (field "id"): skipped`,
        );
        continue;
      }
      const prior = byId.get(id);
      if (prior) {
        b.notMapped(
          { kind, id, file: name, ...nameOf(raw) },
          `duplicate of the ${kind} ${id} in ${prior.file}: the first one is used`,
        );
        continue;
      }
      byId.set(id, { kind, id, json: raw, file: name });
    }
  }

  const knownUsers = new Set(list("user").map((u) => u.id));
  const personOf = (userId: string) => b.ids.people[userId];

  // 2. Users → people.
  for (const u of list("user")) mapUser(b, u);

  // 3. Personal notification rules: not imported.
  for (const r of list("personal notification rule")) {
    const type = nonEmpty(r.json.type) ?? "unknown";
    const user = nonEmpty(r.json.user_id);
    b.notMapped(
      {
        kind: "personal notification rule",
        id: r.id,
        name: `${type}${user ? ` for ${user}` : ""}`,
        file: r.file,
      },
      "personal notification rules are not imported: Firebreak pages every contact method of each person at each level (personal rules are planned)",
    );
  }

  // 4. Schedules and their shifts → rotations (placed in teams once the teams are known).
  const shifts = new Map(list("on-call shift").map((s) => [s.id, s]));
  const shiftSchedule = new Map<string, string>(); // shift id → schedule id
  for (const s of list("schedule"))
    for (const shiftId of strings(s.json.shifts))
      if (!shiftSchedule.has(shiftId)) shiftSchedule.set(shiftId, s.id);
  for (const s of shifts.values()) {
    const sched = nonEmpty(s.json.schedule);
    if (sched && !shiftSchedule.has(s.id)) shiftSchedule.set(s.id, sched);
  }
  const schedules = new Map<string, ScheduleMapping>();
  const shiftDone = new Set<string>();
  for (const s of list("schedule")) {
    const m = mapSchedule(b, s, shifts, shiftSchedule, knownUsers, personOf);
    schedules.set(s.id, m);
    for (const id of m.shiftIds) shiftDone.add(id);
    if (m.rotations.length > 0) b.ids.schedules[s.id] = m.rotations.map((r) => r.rotation.id);
  }
  // Shifts no exported schedule claims.
  for (const s of shifts.values()) {
    if (shiftDone.has(s.id)) continue;
    const sched = shiftSchedule.get(s.id);
    b.notMapped(
      { kind: "on-call shift", id: s.id, file: s.file, ...nameOf(s.json) },
      sched
        ? `its schedule ${sched} was not exported (no schedule with that id in the files): export GET /api/v1/schedules/`
        : "no exported schedule lists it (schedule.shifts) and it names no schedule: a shift outside a schedule pages nobody",
    );
  }

  // 5. Chains used by routes → teams with a policy.
  const routes = list("route");
  const integrations = new Map(list("integration").map((i) => [i.id, i]));
  // Routes may also come only as integrations' default_route.
  const routeList: { id: string; json: Json; file: string; fromIntegration?: string }[] = routes.map((r) => ({
    id: r.id,
    json: r.json,
    file: r.file,
  }));
  const routeIds = new Set(routes.map((r) => r.id));
  for (const i of integrations.values()) {
    const dr = i.json.default_route;
    if (isRecord(dr)) {
      const drId = nonEmpty(dr.id);
      if (drId && !routeIds.has(drId)) {
        routeIds.add(drId);
        routeList.push({
          id: drId,
          json: { ...dr, integration_id: i.id, is_the_last_route: true },
          file: i.file,
          fromIntegration: i.id,
        });
      }
    }
  }
  const noRoutes = routeList.length === 0;
  const chains = list("escalation chain");
  const chainById = new Map(chains.map((c) => [c.id, c]));
  const steps = list("escalation policy");
  const stepsByChain = new Map<string, Item[]>();
  for (const p of steps) {
    const chainId = nonEmpty(p.json.escalation_chain_id) ?? "";
    const l = stepsByChain.get(chainId) ?? [];
    l.push(p);
    stepsByChain.set(chainId, l);
  }
  const chainUsedBy = new Map<string, string[]>(); // chain id → route ids
  for (const r of routeList) {
    const chainId = nonEmpty(r.json.escalation_chain_id);
    if (chainId) chainUsedBy.set(chainId, [...(chainUsedBy.get(chainId) ?? []), r.id]);
  }

  interface TeamBuild {
    chain: Item;
    team: TeamDraft;
    policy: PolicyDraft;
    notes: string[];
    scheduleIds: string[];
  }
  const teams: TeamBuild[] = [];
  const teamByChain = new Map<string, TeamBuild>();
  const stepReports: { item: Item; becomes: string[]; notes: string[]; mapped: boolean }[] = [];
  for (const chain of chains) {
    const name = nonEmpty(chain.json.name) ?? chain.id;
    const chainSteps = (stepsByChain.get(chain.id) ?? []).slice();
    if (!noRoutes && !chainUsedBy.has(chain.id)) {
      b.notMapped(
        { kind: "escalation chain", id: chain.id, name, file: chain.file },
        "no route sends alerts to this chain: Firebreak makes one team per escalation chain that a route uses",
      );
      for (const s of chainSteps)
        stepReports.push({
          item: s,
          becomes: [],
          notes: [`its chain ${chain.id} is not mapped (no route uses it)`],
          mapped: false,
        });
      continue;
    }
    const policyId = b.uniqueId("policy", name);
    const built = buildPolicy(chainSteps, b, schedules, personOf, knownUsers, policyId);
    stepReports.push(...built.steps);
    if (built.levels.length === 0 || built.fallback === undefined) {
      b.notMapped({ kind: "escalation chain", id: chain.id, name, file: chain.file }, [
        `no step of this chain pages anyone Firebreak can page (${chainSteps.length} steps exported), so its team has no usable escalation policy`,
        ...built.notes,
      ]);
      continue;
    }
    const teamId = b.uniqueId("team", name);
    const notes = [...built.notes];
    if (noRoutes) notes.push("no routes were exported: a team was made for every escalation chain");
    const grafanaTeam = nonEmpty(chain.json.team_id);
    const policy: PolicyDraft = {
      id: policyId,
      name,
      levels: built.levels,
      repeat: built.repeat,
      fallback: built.fallback,
    };
    const team: TeamDraft = { id: teamId, name, services: [], rotations: [], escalationPolicy: policyId };
    const t: TeamBuild = { chain, team, policy, notes, scheduleIds: built.scheduleIds };
    if (grafanaTeam) (t as TeamBuild & { grafanaTeam?: string }).grafanaTeam = grafanaTeam;
    teams.push(t);
    teamByChain.set(chain.id, t);
  }
  // Steps whose chain was not exported.
  for (const [chainId, chainSteps] of stepsByChain)
    if (!chainById.has(chainId))
      for (const s of chainSteps)
        stepReports.push({
          item: s,
          becomes: [],
          notes: [
            chainId
              ? `its escalation chain ${chainId} was not exported: export GET /api/v1/escalation_chains/`
              : 'it names no escalation chain (field "escalation_chain_id")',
          ],
          mapped: false,
        });

  // 6. Integrations and routes → services.
  const serviceIds = new Set<string>();
  const routeReports: {
    item: { id: string; json: Json; file: string };
    becomes: string[];
    notes: string[];
    mapped: boolean;
  }[] = [];
  const routesByIntegration = new Map<string, typeof routeList>();
  for (const r of routeList) {
    const integ = nonEmpty(r.json.integration_id) ?? "";
    routesByIntegration.set(integ, [...(routesByIntegration.get(integ) ?? []), r]);
  }
  for (const integ of integrations.values()) {
    const name = nonEmpty(integ.json.name) ?? integ.id;
    const its = (routesByIntegration.get(integ.id) ?? []).slice().sort(routeOrder);
    const owners = its
      .map((r) => ({ r, team: teamByChain.get(nonEmpty(r.json.escalation_chain_id) ?? "") }))
      .filter((x) => x.team !== undefined);
    const notes: string[] = [];
    if (owners.length === 0) {
      b.notMapped(
        { kind: "integration", id: integ.id, name, file: integ.file },
        its.length === 0
          ? "no route of this integration was exported: export GET /api/v1/routes/ (a service belongs to the team whose chain its alerts go to)"
          : "none of its routes sends alerts to a mapped escalation chain",
      );
    } else {
      const owner = owners[0]!.team!;
      let id = slugId(name, "service");
      for (let n = 2; serviceIds.has(id) || !ID_PATTERN.test(id); n++)
        id = `${slugId(name, "service").slice(0, 56)}-${n}`;
      serviceIds.add(id);
      owner.team.services.push(id);
      const others = [...new Set(owners.slice(1).map((o) => o.team!.team.id))].filter(
        (t) => t !== owner.team.id,
      );
      if (others.length > 0)
        notes.push(
          `its routes send alerts to several chains; the service belongs to team ${owner.team.id} (the first route's chain); alerts its other routes send to ${others.join(", ")} are not routed there: Firebreak routes an alert by the service that raised it`,
        );
      const type = nonEmpty(integ.json.type);
      if (type)
        notes.push(
          `integration type "${type}": connect the source to Firebreak's alert endpoint for this service (the integration URL is not carried over)`,
        );
      b.mapped({
        kind: "integration",
        id: integ.id,
        name,
        file: integ.file,
        becomes: [`service ${id} (team ${owner.team.id})`],
        notes,
      });
    }
  }
  for (const r of routeList) {
    const chainId = nonEmpty(r.json.escalation_chain_id);
    const integ = nonEmpty(r.json.integration_id);
    const t = chainId ? teamByChain.get(chainId) : undefined;
    const notes: string[] = [];
    if (r.fromIntegration) notes.push(`read from integration ${r.fromIntegration}'s default_route`);
    const regex = nonEmpty(r.json.routing_regex);
    if (regex && r.json.is_the_last_route !== true)
      notes.push(
        `routing template "${short(regex)}" (${nonEmpty(r.json.routing_type) ?? "regex"}) is not carried over: Firebreak classifies alerts by their labels/tags and routes them by service`,
      );
    if (isRecord(r.json.slack) && nonEmpty(r.json.slack.channel_id))
      notes.push("its Slack channel is not carried over: set the team's alertChannel");
    if (!chainId)
      routeReports.push({
        item: r,
        becomes: [],
        notes: [...notes, "it sends alerts to no escalation chain"],
        mapped: false,
      });
    else if (!t)
      routeReports.push({
        item: r,
        becomes: [],
        notes: [
          ...notes,
          chainById.has(chainId)
            ? `its escalation chain ${chainId} is not mapped (see that chain)`
            : `its escalation chain ${chainId} was not exported: export GET /api/v1/escalation_chains/`,
        ],
        mapped: false,
      });
    else if (!integ || !integrations.has(integ))
      routeReports.push({
        item: r,
        becomes: [`team ${t.team.id}`],
        notes: [
          ...notes,
          `its integration ${integ ?? "(none)"} was not exported, so no service was made for it`,
        ],
        mapped: true,
      });
    else routeReports.push({ item: r, becomes: [`route to team ${t.team.id}`], notes, mapped: true });
  }
  for (const r of routeReports) {
    const entry = { kind: "route", id: r.item.id, file: r.item.file };
    if (r.mapped) b.mapped({ ...entry, becomes: r.becomes, notes: r.notes });
    else b.notMapped(entry, r.notes);
  }

  // 7. Rotations into teams: the first team whose policy pages the schedule, else the team of the
  // same Grafana team, else the first team.
  for (const [scheduleId, m] of schedules) {
    if (m.rotations.length === 0) continue;
    const placed =
      teams.find((t) => t.scheduleIds.includes(scheduleId)) ??
      teams.find(
        (t) => m.grafanaTeam !== undefined && (t as { grafanaTeam?: string }).grafanaTeam === m.grafanaTeam,
      ) ??
      teams[0];
    if (!placed) {
      m.notes.push(
        "no team was made (no escalation chain could be mapped), and a Firebreak rotation lives inside a team",
      );
      delete b.ids.schedules[scheduleId];
      m.failed = true;
      continue;
    }
    if (!placed.scheduleIds.includes(scheduleId))
      m.notes.push(
        `no mapped escalation chain pages this schedule: its rotations were put in team ${placed.team.id}`,
      );
    for (const r of m.rotations) placed.team.rotations.push(r.rotation);
    m.team = placed.team.id;
  }
  for (const m of schedules.values()) m.report();

  // 8. Steps, chains and teams into the report and directory.
  for (const s of stepReports) {
    const entry = {
      kind: "escalation policy",
      id: s.item.id,
      file: s.item.file,
      name: nonEmpty(s.item.json.type),
    };
    if (s.mapped) b.mapped({ ...entry, becomes: s.becomes, notes: s.notes });
    else b.notMapped(entry, s.notes);
  }
  for (const t of teams) {
    b.directory.escalationPolicies.push(t.policy);
    b.directory.teams.push(t.team);
    b.mapped({
      kind: "escalation chain",
      id: t.chain.id,
      name: t.team.name,
      file: t.chain.file,
      becomes: [`team ${t.team.id}`, `escalation policy ${t.policy.id}`],
      notes: t.notes,
    });
  }

  // 9. Grafana teams.
  for (const gt of list("team")) {
    const name = nonEmpty(gt.json.name) ?? gt.id;
    const made = teams
      .filter((t) => (t as { grafanaTeam?: string }).grafanaTeam === gt.id)
      .map((t) => `team ${t.team.id}`);
    const why =
      "a Grafana team groups resources and permissions; Firebreak makes one team per escalation chain that a route uses";
    if (made.length > 0) {
      const notes = [`${why}: its chains became ${made.join(", ")}`];
      if (nonEmpty(gt.json.email)) notes.push("its email address is not carried over");
      b.mapped({ kind: "team", id: gt.id, name, file: gt.file, becomes: made, notes });
    } else
      b.notMapped(
        { kind: "team", id: gt.id, name, file: gt.file },
        `${why}, and none of its chains became a team`,
      );
  }

  return b.result();
}

function nameOf(json: Json): { name?: string } {
  const n = nonEmpty(json.name) ?? nonEmpty(json.username);
  return n ? { name: short(n, 120) } : {};
}

function routeOrder(a: { json: Json }, b: { json: Json }): number {
  const last = (r: { json: Json }) => (r.json.is_the_last_route === true ? 1 : 0);
  return last(a) - last(b) || (num(a.json.position) ?? 0) - (num(b.json.position) ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

function mapUser(b: ImportBuilder, u: Item): void {
  const j = u.json;
  const notes: string[] = [];
  const username = nonEmpty(j.username);
  const email = nonEmpty(j.email);
  let name = nonEmpty(j.name);
  if (!name) {
    name = username ?? email;
    if (name) notes.push(`no name in the API response: the username "${short(name)}" is the name`);
  }
  const entry = { kind: "user", id: u.id, file: u.file, ...(name ? { name: short(name, 120) } : {}) };
  let timezone = nonEmpty(j.timezone);
  if (!timezone || !isValidTimeZone(timezone)) {
    notes.push(
      timezone
        ? `timezone "${short(timezone)}" is not an IANA name: UTC was used`
        : "no timezone (field timezone): UTC was used",
    );
    timezone = "UTC";
  }
  const person: Person = { id: "", name: name ? short(name, 120) : u.id, timezone };
  const slacks = arr(j.slack).concat(isRecord(j.slack) ? [j.slack] : []);
  for (const s of slacks) {
    const sid = isRecord(s) ? nonEmpty(s.user_id) : undefined;
    if (sid && isSlackUser(sid) && !person.slackUserId) person.slackUserId = sid;
    else if (sid && !isSlackUser(sid))
      notes.push(`Slack user id "${short(sid)}" is not a U…/W… member id: dropped`);
  }
  if (email && isEmail(email)) person.email = email;
  else if (email) notes.push(`email "${short(email)}" is not an email address: dropped`);
  if (!person.slackUserId && !person.email) {
    b.notMapped(entry, [
      ...notes,
      "no usable contact (email or Slack user id): Firebreak needs one to page a person (phone numbers are not in Grafana OnCall's public API)",
    ]);
    return;
  }
  person.id = b.uniqueId("person", name ?? email ?? u.id);
  const role = nonEmpty(j.role);
  if (role) notes.push(`role "${short(role)}" is not imported: Firebreak's directory has no access roles`);
  b.directory.people.push(person);
  b.ids.people[u.id] = person.id;
  b.mapped({ ...entry, becomes: [`person ${person.id}`], notes });
}

// ---------------------------------------------------------------------------------------------
// Schedules and shifts
// ---------------------------------------------------------------------------------------------

interface ScheduleMapping {
  shiftIds: string[];
  rotations: { rotation: Rotation; shiftId: string }[];
  notes: string[];
  grafanaTeam?: string;
  team?: string;
  failed?: boolean;
  /** Writes the report entries of the schedule and its shifts (once placement is known). */
  report: () => void;
}

const FREQ_SECONDS: Record<string, number> = { hourly: 3600, daily: 86_400, weekly: 604_800 };
const ALL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

function mapSchedule(
  b: ImportBuilder,
  s: Item,
  shifts: Map<string, Item>,
  shiftSchedule: Map<string, string>,
  knownUsers: Set<string>,
  personOf: (id: string) => string | undefined,
): ScheduleMapping {
  const j = s.json;
  const name = nonEmpty(j.name) ?? s.id;
  const type = nonEmpty(j.type);
  const scheduleZone = nonEmpty(j.time_zone);
  const notes: string[] = [];
  const grafanaTeam = nonEmpty(j.team_id);
  const shiftIds = [...new Set([...shiftSchedule].filter(([, sid]) => sid === s.id).map(([id]) => id))];
  const listed = strings(j.shifts);
  const missing = listed.filter((id) => !shifts.has(id));
  const own = shiftIds.filter((id) => shifts.has(id)).map((id) => shifts.get(id)!);
  const m: ScheduleMapping = { shiftIds: own.map((x) => x.id), rotations: [], notes, report: () => {} };
  if (grafanaTeam) m.grafanaTeam = grafanaTeam;
  const entry = { kind: "schedule", id: s.id, name: short(name, 120), file: s.file };
  const shiftReports: (() => void)[] = [];

  if (type === "ical") {
    m.report = () => {
      b.notMapped(entry, [
        "an iCal schedule: its shifts live in an external calendar (ical_url_primary) that the API does not return; recreate it as a rotation, or export its final shifts and compare with `firebreak import verify`",
      ]);
      for (const sh of own)
        b.notMapped(
          { kind: "on-call shift", id: sh.id, file: sh.file, ...nameOf(sh.json) },
          `its schedule ${s.id} is an iCal schedule, which is not mapped`,
        );
    };
    return m;
  }
  if (missing.length > 0)
    notes.push(
      `shifts ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ` and ${missing.length - 10} more` : ""} are listed but were not exported (GET /api/v1/on_call_shifts/): not imported`,
    );
  if (nonEmpty(j.ical_url_overrides))
    notes.push(
      "overrides from the external calendar ical_url_overrides are not imported (the API does not return them)",
    );
  if (isRecord(j.slack) && (nonEmpty(j.slack.channel_id) || nonEmpty(j.slack.user_group_id)))
    notes.push("its Slack channel and user group updates are not carried over");

  // Layers first, in level order; overrides after.
  const layers = own
    .filter((x) => x.json.type === "rolling_users" || x.json.type === "recurrent_event")
    .sort((a, c) => (num(a.json.level) ?? 0) - (num(c.json.level) ?? 0));
  const mappedLayers: { item: Item; notes: string[] }[] = [];
  for (const layer of layers) {
    const r = mapLayer(b, layer, name, scheduleZone, layers.length, knownUsers, personOf);
    if ("why" in r) {
      shiftReports.push(() =>
        b.notMapped({ kind: "on-call shift", id: layer.id, file: layer.file, ...nameOf(layer.json) }, r.why),
      );
      continue;
    }
    m.rotations.push({ rotation: r.rotation, shiftId: layer.id });
    mappedLayers.push({ item: layer, notes: r.notes });
  }
  if (m.rotations.length > 1)
    notes.push(
      `its ${m.rotations.length} layers became ${m.rotations.length} rotations: where layers overlap Grafana puts only the highest level on call, Firebreak pages every rotation a policy names`,
    );
  for (const { item, notes: n } of mappedLayers) {
    const rot = m.rotations.find((r) => r.shiftId === item.id)!.rotation;
    shiftReports.push(() =>
      m.failed
        ? b.notMapped(
            { kind: "on-call shift", id: item.id, file: item.file, ...nameOf(item.json) },
            `its schedule ${s.id} could not be placed in a team`,
          )
        : b.mapped({
            kind: "on-call shift",
            id: item.id,
            file: item.file,
            ...nameOf(item.json),
            becomes: [`rotation ${rot.id}`],
            notes: n,
          }),
    );
  }

  // Overrides and single events.
  const others = own
    .filter((x) => x.json.type !== "rolling_users" && x.json.type !== "recurrent_event")
    .sort((a, c) => (utcInstant(a.json.start) ?? "").localeCompare(utcInstant(c.json.start) ?? ""));
  for (const o of others) {
    const e = { kind: "on-call shift", id: o.id, file: o.file, ...nameOf(o.json) };
    const r = mapOverride(o, knownUsers, personOf);
    if ("why" in r) {
      shiftReports.push(() => b.notMapped(e, r.why));
      continue;
    }
    if (m.rotations.length === 0) {
      shiftReports.push(() =>
        b.notMapped(e, `its schedule ${s.id} has no mapped rotation to put the override on`),
      );
      continue;
    }
    for (const { rotation } of m.rotations) rotation.overrides.push(r.override);
    shiftReports.push(() =>
      m.failed
        ? b.notMapped(e, `its schedule ${s.id} could not be placed in a team`)
        : b.mapped({
            ...e,
            becomes: m.rotations.map((x) => `override on rotation ${x.rotation.id}`),
            notes: r.notes,
          }),
    );
  }

  m.report = () => {
    if (m.rotations.length === 0 || m.failed)
      b.notMapped(entry, [
        ...notes,
        ...(m.failed
          ? []
          : [
              own.length === 0
                ? "it has no exported shifts"
                : "none of its layers could be mapped (see its on-call shifts)",
            ]),
      ]);
    else
      b.mapped({
        ...entry,
        becomes: m.rotations.map((r) => `rotation ${r.rotation.id}${m.team ? ` (team ${m.team})` : ""}`),
        notes,
      });
    for (const f of shiftReports) f();
  };
  return m;
}

function mapLayer(
  b: ImportBuilder,
  layer: Item,
  scheduleName: string,
  scheduleZone: string | undefined,
  layerCount: number,
  knownUsers: Set<string>,
  personOf: (id: string) => string | undefined,
): { rotation: Rotation; notes: string[] } | { why: string[] } {
  const j = layer.json;
  const notes: string[] = [];
  const why: string[] = [];
  const type = j.type;
  // Groups: rolling_users for rolling_users, one group of `users` for recurrent_event.
  const groups: unknown[] = type === "rolling_users" ? arr(j.rolling_users) : [arr(j.users)];
  if (groups.length === 0)
    why.push(
      type === "rolling_users"
        ? "rolling_users is empty: nobody is on call in this layer"
        : "users is empty: nobody is on call in this layer",
    );
  const multi = groups.filter((g) => strings(g).length > 1).length;
  if (multi > 0)
    why.push(
      `${multi} of its user groups name several users on call at once: a Firebreak rotation puts one person on call per shift (split it into one rotation per person and list them all on one escalation level)`,
    );
  const frequency = nonEmpty(j.frequency);
  const interval = num(j.interval) ?? 1;
  const period = frequency ? FREQ_SECONDS[frequency] : undefined;
  if (frequency === "monthly")
    why.push("a monthly recurrence has no Firebreak shift (daily, weekly or N hours)");
  else if (period === undefined)
    why.push(`frequency "${frequency ?? "(none)"}" is not hourly, daily or weekly`);
  if (!Number.isInteger(interval) || interval < 1 || interval > 1000)
    why.push(`interval ${String(j.interval)} is not a whole number ≥ 1`);
  const byDay = strings(j.by_day);
  const restrictedDays = byDay.length > 0 && !ALL_DAYS.every((d) => byDay.includes(d));
  const duration = num(j.duration);
  const turn = period !== undefined ? period * interval : undefined;
  if (restrictedDays || (duration !== undefined && turn !== undefined && duration < turn))
    why.push(
      `time restrictions (${restrictedDays ? `only ${byDay.join(", ")}` : "every day"}${duration !== undefined && turn !== undefined && duration < turn ? `, ${Math.round(duration / 360) / 10} h of every ${Math.round(turn / 360) / 10} h` : ""}) have no Firebreak equivalent: Firebreak rotations cover every hour`,
    );
  if (strings(j.by_month).length > 0 || strings(j.by_monthday).length > 0)
    why.push(
      "by_month/by_monthday restrictions have no Firebreak equivalent: Firebreak rotations cover every day",
    );
  if (duration === undefined || duration <= 0)
    why.push(`duration ${String(j.duration)} is not a number of seconds`);
  let zone = nonEmpty(j.time_zone) ?? scheduleZone ?? "UTC";
  if (!isValidTimeZone(zone)) {
    why.push(`time_zone "${short(zone)}" is not an IANA name`);
    zone = "UTC";
  }
  const startInstant = utcInstant(j.start);
  if (!startInstant)
    why.push(`start ${JSON.stringify(j.start)?.slice(0, 40)} is not a datetime "YYYY-MM-DDTHH:MM:SS"`);
  if (why.length > 0) return { why };

  let shift: Shift;
  if (frequency === "daily" && interval === 1) shift = { type: "daily" };
  else if (frequency === "weekly" && interval === 1) shift = { type: "weekly" };
  else {
    const hours = turn! / 3600;
    if (hours > 24 * 366)
      return { why: [`a turn of ${hours} h is longer than Firebreak's longest shift (${24 * 366} h)`] };
    shift = { type: "hours", hours };
    if (frequency !== "hourly")
      notes.push(
        `every ${interval} ${frequency === "daily" ? "days" : "weeks"} became a ${hours}-hour shift: Grafana keeps the handoff on the local wall clock across DST, Firebreak's hours shifts are elapsed time, so after a DST change the handoff moves by an hour`,
      );
  }
  if (duration !== undefined && turn !== undefined && duration > turn)
    notes.push(
      `each turn lasts ${duration / 3600} h but a new one starts every ${turn / 3600} h: the overlap is dropped (the next person takes over at the handoff)`,
    );
  const start = localStart(startInstant!, zone);
  if ("why" in start) return { why: [start.why] };
  if (start.note) notes.push(start.note);
  const rotationStart = utcInstant(j.rotation_start);
  if (rotationStart && rotationStart > startInstant!)
    notes.push(
      `rotation_start ${rotationStart} is after start: in Grafana nobody from this layer is on call before it; the Firebreak rotation starts at start ${startInstant}`,
    );
  const until = utcInstant(j.until);
  if (until) notes.push(`until ${until} is not carried over: Firebreak rotations do not end`);
  if (byDay.length > 0 && !restrictedDays) notes.push("by_day lists every day: no restriction");
  const week = nonEmpty(j.week_start);
  if (week && week !== "MO" && frequency === "weekly")
    notes.push(`week_start ${week} only affects by_day expansion, which is not used`);

  // Members: groups in order from start_rotation_from_user_index.
  const members: string[] = [];
  const dropped: string[] = [];
  const rawIndex = num(j.start_rotation_from_user_index) ?? 0;
  const index = Number.isInteger(rawIndex) && rawIndex >= 0 ? rawIndex % groups.length : 0;
  if (rawIndex !== index && type === "rolling_users")
    notes.push(`start_rotation_from_user_index ${rawIndex} was read as ${index}`);
  for (let i = 0; i < groups.length; i++) {
    const g = strings(groups[(index + i) % groups.length]);
    const userId = g[0];
    if (userId === undefined) continue;
    const pid = personOf(userId);
    if (pid) members.push(pid);
    else dropped.push(userId);
  }
  if (dropped.length > 0)
    notes.push(
      `members ${[...new Set(dropped)].slice(0, 10).join(", ")} were dropped: ${dropped.every((d) => knownUsers.has(d)) ? "their users could not be mapped" : "not in the exported users (GET /api/v1/users/)"}`,
    );
  if (members.length === 0)
    notes.push("no member could be mapped: the rotation is empty (nobody on call outside overrides)");
  const level = num(j.level);
  if (layerCount > 1 && level !== undefined) notes.push(`priority level ${level} is not carried over`);
  const layerName = nonEmpty(j.name);
  const rotName = layerCount > 1 && layerName ? `${scheduleName} ${layerName}` : scheduleName;
  const rotation: Rotation = {
    id: b.uniqueId("rotation", rotName),
    name: short(rotName, 120),
    members,
    shift,
    handoffTime: start.handoffTime,
    timezone: zone,
    start: start.start,
    overrides: [],
  };
  return { rotation, notes };
}

function mapOverride(
  o: Item,
  knownUsers: Set<string>,
  personOf: (id: string) => string | undefined,
): { override: RotationOverride; notes: string[] } | { why: string[] } {
  const j = o.json;
  const type = j.type;
  const notes: string[] = [];
  const users = [...new Set([...strings(j.users), ...arr(j.rolling_users).flatMap(strings)])];
  if (type !== "override" && type !== "single_event")
    return { why: [`shift type "${String(type)}" is not known`] };
  if (users.length !== 1)
    return {
      why: [
        users.length === 0
          ? "it names no user"
          : `it puts ${users.length} users on call at once: a Firebreak override names one person`,
      ],
    };
  const from = utcInstant(j.start);
  const duration = num(j.duration);
  if (!from) return { why: [`start ${JSON.stringify(j.start)?.slice(0, 40)} is not a datetime`] };
  if (duration === undefined || duration <= 0 || duration > 366 * 86_400)
    return { why: [`duration ${String(j.duration)} is not a positive number of seconds`] };
  const pid = personOf(users[0]!);
  if (!pid)
    return {
      why: [
        `its user ${users[0]} ${knownUsers.has(users[0]!) ? "could not be mapped" : "was not exported (GET /api/v1/users/)"}`,
      ],
    };
  const to = new Date(Date.parse(from) + duration * 1000).toISOString();
  if (type === "single_event") {
    notes.push(
      "a single event became an override: in Grafana it is a layer event that wins only over lower levels; in Firebreak it wins over the whole rotation",
    );
    if (nonEmpty(j.frequency) || num(j.interval))
      notes.push("its recurrence fields are ignored (a single event happens once)");
  }
  return {
    override: override(
      pid,
      from,
      to,
      `${type === "override" ? "Grafana OnCall override" : "Grafana OnCall single event"} ${o.id}`,
    ),
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// Escalation chains
// ---------------------------------------------------------------------------------------------

const STEP_NOT_MAPPED: Record<string, string> = {
  notify_user_group:
    "notifying a Slack user group is not mapped: Firebreak pages people and rotations; list the group's members or its rotation on the level",
  notify_team_members:
    "notifying a Grafana team's members is not mapped: list the people or their rotation on the level",
  trigger_webhook:
    "triggering an outgoing webhook from the chain is not mapped: Firebreak's escalation pages people only",
  trigger_action:
    "triggering an outgoing webhook from the chain is not mapped: Firebreak's escalation pages people only",
  resolve:
    "resolving the alert group from the chain is not mapped: Firebreak never resolves an incident by itself",
  notify_whole_channel:
    "notifying the whole Slack channel is not mapped: Firebreak announces every incident in the team's alertChannel",
  notify_if_time_from_to:
    "a time-of-day condition is not mapped: Firebreak runs every level at any hour (urgency rules decide SMS by working hours)",
  notify_if_num_alerts_in_window:
    "an alert-count condition is not mapped: Firebreak escalates every incident",
  declare_incident: "declaring a Grafana Incident is not mapped: every Firebreak page is already an incident",
};

function buildPolicy(
  steps: Item[],
  b: ImportBuilder,
  schedules: Map<string, ScheduleMapping>,
  personOf: (id: string) => string | undefined,
  knownUsers: Set<string>,
  policyId: string,
): {
  levels: EscalationLevel[];
  repeat: number;
  fallback?: TargetRef;
  notes: string[];
  scheduleIds: string[];
  steps: { item: Item; becomes: string[]; notes: string[]; mapped: boolean }[];
} {
  void b;
  const notes: string[] = [];
  const out: { item: Item; becomes: string[]; notes: string[]; mapped: boolean }[] = [];
  const levels: { targets: TargetRef[]; seconds?: number; steps: number[] }[] = [];
  const scheduleIds: string[] = [];
  let repeat = 0;
  let open: (typeof levels)[number] | undefined;
  let repeatSeen = false;
  const sorted = steps
    .map((s, i) => ({ s, i }))
    .sort((a, c) => (num(a.s.json.position) ?? a.i) - (num(c.s.json.position) ?? c.i) || a.i - c.i);
  for (const { s } of sorted) {
    const j = s.json;
    const type = nonEmpty(j.type) ?? "(none)";
    const r = { item: s, becomes: [] as string[], notes: [] as string[], mapped: false };
    out.push(r);
    if (repeatSeen) {
      r.notes.push("it comes after repeat_escalation, so Grafana never runs it");
      continue;
    }
    if (type === "wait") {
      const d = num(j.duration);
      if (d === undefined || d <= 0) {
        r.notes.push(`duration ${String(j.duration)} is not a number of seconds`);
        continue;
      }
      const last = levels[levels.length - 1];
      if (!last) {
        r.notes.push(
          "a wait before the first notification is not carried over: Firebreak pages its first level at once",
        );
        continue;
      }
      last.seconds = (last.seconds ?? 0) + d;
      open = undefined;
      r.mapped = true;
      r.becomes.push(`timeout of level ${levels.length} of policy ${policyId}`);
      continue;
    }
    if (type === "repeat_escalation") {
      repeat = GRAFANA_MAX_REPEATS;
      repeatSeen = true;
      r.mapped = true;
      r.becomes.push(`repeat ${GRAFANA_MAX_REPEATS} of policy ${policyId}`);
      r.notes.push(`Grafana repeats the chain from the start up to ${GRAFANA_MAX_REPEATS} times`);
      continue;
    }
    const targets: TargetRef[] = [];
    if (type === "notify_persons" || type === "notify_person_next_each_time") {
      const users = strings(
        type === "notify_persons" ? j.persons_to_notify : j.persons_to_notify_next_each_time,
      );
      for (const u of users) {
        const pid = personOf(u);
        if (pid) targets.push({ type: "person", id: pid });
        else
          r.notes.push(
            `user ${u} ${knownUsers.has(u) ? "could not be mapped" : "was not exported (GET /api/v1/users/)"}: dropped`,
          );
      }
      if (users.length === 0) r.notes.push("it names no user");
      if (type === "notify_person_next_each_time" && targets.length > 1)
        r.notes.push(
          "Grafana notifies the next of these users each time (round robin); Firebreak pages them all",
        );
    } else if (type === "notify_on_call_from_schedule") {
      const sid = nonEmpty(j.notify_on_call_from_schedule);
      const m = sid ? schedules.get(sid) : undefined;
      if (!sid) r.notes.push("it names no schedule");
      else if (!m) r.notes.push(`schedule ${sid} was not exported (GET /api/v1/schedules/): dropped`);
      else if (m.rotations.length === 0)
        r.notes.push(`schedule ${sid} is not mapped (see that schedule): dropped`);
      else {
        for (const x of m.rotations) targets.push({ type: "rotation", id: x.rotation.id });
        if (!scheduleIds.includes(sid)) scheduleIds.push(sid);
      }
    } else {
      r.notes.push(
        STEP_NOT_MAPPED[type] ?? `step type "${short(type)}" is not known to this importer: not mapped`,
      );
      continue;
    }
    if (j.important === true)
      r.notes.push(
        '"important" (use the users\' important notification rules) is not carried over: Firebreak has one set of contact methods',
      );
    if (targets.length === 0) {
      r.notes.push("nobody left to page: no level was made for it");
      continue;
    }
    if (!open) {
      open = { targets: [], steps: [] };
      levels.push(open);
    } else
      r.notes.push(
        `no wait before it: it joins level ${levels.length} (Grafana runs it right after the previous step)`,
      );
    for (const t of targets)
      if (!open.targets.some((x) => x.type === t.type && "id" in x && "id" in t && x.id === t.id))
        open.targets.push(t);
    r.mapped = true;
    r.becomes.push(`level ${levels.length} of policy ${policyId}`);
  }
  const final: EscalationLevel[] = levels.map((l, i) => {
    let minutes: number;
    if (l.seconds === undefined) {
      minutes = DEFAULT_TIMEOUT_MINUTES;
      notes.push(
        `level ${i + 1} has no wait after it: its timeout is ${DEFAULT_TIMEOUT_MINUTES} minutes (Grafana ${i + 1 === levels.length ? (repeat > 0 ? "repeats at once" : "stops there") : "moves on at once"})`,
      );
    } else {
      minutes = Math.min(1440, Math.max(1, Math.round(l.seconds / 60)));
      if (minutes * 60 !== l.seconds)
        notes.push(
          `level ${i + 1}'s wait of ${l.seconds} s became ${minutes} minutes (Firebreak's timeouts are 1–1440 whole minutes)`,
        );
    }
    return { targets: l.targets, timeoutMinutes: minutes };
  });
  const lastLevel = final[final.length - 1];
  const fallback = lastLevel?.targets[0];
  if (fallback)
    notes.push(
      `Grafana has no fallback: Firebreak's fallback (paged once after the last repeat) is the last level's first target, ${fallback.type} ${"id" in fallback ? fallback.id : ""}`,
    );
  if (final.length > 0 && sorted.every(({ s }) => s.json.type !== "repeat_escalation"))
    notes.push("no repeat_escalation step: the policy runs once (repeat 0)");
  return { levels: final, repeat, ...(fallback ? { fallback } : {}), notes, scheduleIds, steps: out };
}

// ---------------------------------------------------------------------------------------------
// Final shifts
// ---------------------------------------------------------------------------------------------

function readShifts(file: SourceFile): SourceShifts | undefined {
  if (!isRecord(file)) return undefined;
  const json = file.json;
  const items = Array.isArray(json)
    ? json
    : isRecord(json) && Array.isArray(json.results)
      ? json.results
      : undefined;
  if (!items || items.length === 0) return undefined;
  if (!items.some((i) => isRecord(i) && "shift_start" in i && "shift_end" in i)) return undefined;
  const shifts: SourceShift[] = [];
  for (const i of items) {
    if (!isRecord(i)) continue;
    const start = utcInstant(i.shift_start);
    const end = utcInstant(i.shift_end);
    if (!start || !end || end <= start) continue;
    const person: SourceShift["person"] = {};
    const id = nonEmpty(i.user_pk);
    const email = nonEmpty(i.user_email);
    const name = nonEmpty(i.user_username);
    if (id) person.id = id;
    if (email) person.email = email;
    if (name) person.name = name;
    shifts.push({ start, end, person });
  }
  return { shifts };
}

export const grafanaOnCallImporter: Importer = {
  source: "grafana-oncall",
  import(files: SourceFile[]): ImportResult {
    try {
      return importFiles(files);
    } catch (error) {
      // Defence in depth: nothing above should throw; if it does, say so instead of crashing.
      const b = new ImportBuilder("grafana-oncall");
      b.notMapped(
        { kind: "file", id: "(all files)" },
        `the importer failed on this input (${error instanceof Error ? error.message : String(error)}): nothing was mapped; please report it`,
      );
      return b.result();
    }
  },
  shifts(file: SourceFile): SourceShifts | undefined {
    try {
      return readShifts(file);
    } catch {
      return undefined;
    }
  },
};
