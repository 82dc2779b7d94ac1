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

import { mapUsers, reportNotificationRules } from "./grafana-oncall-people";
import { collectItems, nonEmpty, utcInstant } from "./grafana-oncall-read";
import { mapIntegrations, mapRoutes, readRoutes } from "./grafana-oncall-routes";
import { mapSchedules, placeRotations } from "./grafana-oncall-schedules";
import { mapChains, reportChains, reportGrafanaTeams } from "./grafana-oncall-teams";
import { isObj } from "./pagerduty-read";
import {
  ImportBuilder,
  type Importer,
  type ImportResult,
  type SourceFile,
  type SourceShift,
  type SourceShifts,
} from "./plan";

function importFiles(files: SourceFile[]): ImportResult {
  const b = new ImportBuilder("grafana-oncall");
  // Every item of every file by kind; what is unreadable is reported now.
  const list = collectItems(b, files);
  const people = mapUsers(b, list("user"));
  reportNotificationRules(b, list("personal notification rule"));
  // Schedules and their shifts → rotations, placed in teams once the teams are known.
  const schedules = mapSchedules(b, list, people);
  // Chains used by routes → teams with a policy; integrations → their services.
  const routes = readRoutes(list);
  const chains = mapChains(b, list, routes, schedules, people);
  mapIntegrations(b, routes, chains);
  mapRoutes(b, routes, chains);
  placeRotations(b, schedules, chains.teams);
  reportChains(b, chains);
  reportGrafanaTeams(b, list("team"), chains.teams);
  return b.result();
}

function readShifts(file: SourceFile): SourceShifts | undefined {
  if (!isObj(file)) return undefined;
  const json = file.json;
  const items = Array.isArray(json)
    ? json
    : isObj(json) && Array.isArray(json.results)
      ? json.results
      : undefined;
  if (!items || items.length === 0) return undefined;
  if (!items.some((i) => isObj(i) && "shift_start" in i && "shift_end" in i)) return undefined;
  const shifts: SourceShift[] = [];
  for (const i of items) {
    if (!isObj(i)) continue;
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
