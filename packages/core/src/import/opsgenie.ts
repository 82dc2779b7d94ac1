/**
 * The Opsgenie importer: reads saved Opsgenie REST API v2 responses (`{data, took, requestId}`)
 * and plans a Firebreak directory. Pure: no fs, no network, no clock. Never throws: anything it
 * cannot read is in the report, naming the file and the field.
 *
 * Files are recognised by their shape, in any order; a list may be one page of several:
 * - `GET /v2/users` (list) or `GET /v2/users/{id}` → people;
 * - `GET /v2/users/{id}/contacts` → the person's phone/email (the user id is taken from the file
 *   name, e.g. `users-<id>-contacts.json`, or from a `userId`/`user` field of the wrapper);
 * - `GET /v2/users/{id}/notification-rules` → reported, not imported;
 * - `GET /v2/teams`, `GET /v2/teams/{id}` → teams; `GET /v1/services` → services of a team;
 * - `GET /v2/schedules?expand=rotation`, `GET /v2/schedules/{id}` → one Firebreak rotation per
 *   Opsgenie rotation (all rotations of a schedule are on call at the same time:
 *   https://docs.opsgenie.com/docs/on-call-schedules-and-rotations "When a schedule is being used
 *   to determine who is notified, all on-call users from different rotations are notified");
 * - `GET /v2/schedules/{id}/overrides` → rotation overrides (schedule from the override's
 *   rotations, else from the file name);
 * - `GET /v2/escalations`, `GET /v2/escalations/{id}` → escalation policies; the escalation a team
 *   owns becomes its policy.
 * - `GET /v2/schedules/{id}/timeline` → `shifts()` (the final timeline), for `import verify`.
 *
 * Handoffs: Opsgenie's rotation start time "becomes the handover time" in the schedule's time
 * zone (same page), so daily and weekly rotations keep the handover on the local wall clock across
 * DST, like Firebreak's `daily`/`weekly`. A daily×N or weekly×N rotation (N > 1) has no wall-clock
 * equivalent in Firebreak: it becomes `hours` 24N/168N, which is ELAPSED time, so the handover
 * moves by an hour after each DST change (a note says so).
 */

import { mapPeople } from "./opsgenie-people";
import { mapEscalations, teamEscalations } from "./opsgenie-policies";
import { collectFiles, objs, short, str } from "./opsgenie-read";
import { mapOverrides, mapSchedules } from "./opsgenie-schedules";
import { mapServices, mapTeams, placeRotations, placeSchedules } from "./opsgenie-teams";
import { isObj } from "./pagerduty-read";
import {
  ImportBuilder,
  type Importer,
  type ReportEntry,
  type SourceFile,
  type SourceShift,
  type SourceShifts,
} from "./plan";

export { opsgenieToE164 } from "./opsgenie-people";

function run(files: SourceFile[]): ReturnType<ImportBuilder["result"]> {
  const b = new ImportBuilder("opsgenie");
  const read = collectFiles(b, files);
  const personOf = mapPeople(b, read);
  const schedules = mapSchedules(b, read, personOf);
  mapOverrides(b, read, schedules, personOf);
  // Escalations and teams: the escalation a team owns becomes its policy.
  const ownership = teamEscalations(read, schedules, personOf);
  const homes = placeSchedules(read, schedules, ownership);
  const placed = (sid: string) => homes.home.has(sid);
  const policies = mapEscalations(b, read, schedules, personOf, ownership, placed);
  const teams = mapTeams(b, read, ownership, policies);
  placeRotations(b, schedules, homes, teams);
  mapServices(b, read, teams);
  return b.result();
}

function importOpsgenie(files: SourceFile[]): ReturnType<ImportBuilder["result"]> {
  try {
    return run(files);
  } catch (error) {
    // A safety net: every known shape is handled above; an unforeseen one must not crash the CLI.
    const b = new ImportBuilder("opsgenie");
    const entry: Omit<ReportEntry, "outcome" | "becomes" | "notes"> = { kind: "import", id: "opsgenie" };
    b.notMapped(entry, `the import stopped on an unexpected input: ${short(String(error))}`);
    return b.result();
  }
}

/** `GET /v2/schedules/{id}/timeline`: the final timeline's periods, all rotations together. */
function shiftsOf(file: SourceFile): SourceShifts | undefined {
  try {
    const json = isObj(file) ? file.json : undefined;
    const data = isObj(json) ? json.data : undefined;
    if (!isObj(data) || !isObj(data.finalTimeline)) return undefined;
    const parent = isObj(data._parent) ? data._parent : {};
    const shifts: SourceShift[] = [];
    for (const r of objs(data.finalTimeline.rotations))
      for (const p of objs(r.periods)) {
        const start = str(p.startDate);
        const end = str(p.endDate);
        if (!start || !end) continue;
        // A user period names the user; a team/escalation period (historical) lists its users in
        // flattenedRecipients.
        const direct = isObj(p.recipient) && str(p.recipient.type) === "user" ? [p.recipient] : [];
        const recipients =
          direct.length > 0 ? direct : objs(p.flattenedRecipients).filter((r) => str(r.type) === "user");
        for (const rec of recipients) {
          const s = Date.parse(start);
          const e = Date.parse(end);
          if (
            !Number.isFinite(s) ||
            !Number.isFinite(e) ||
            e <= s ||
            Math.abs(s) > 8.64e15 ||
            Math.abs(e) > 8.64e15
          )
            continue;
          const person: SourceShift["person"] = {};
          const id = str(rec.id);
          const name = str(rec.name);
          if (id) person.id = id;
          if (name) {
            if (name.includes("@")) person.email = name;
            else person.name = name;
          }
          shifts.push({ start: new Date(s).toISOString(), end: new Date(e).toISOString(), person });
        }
      }
    shifts.sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end));
    const out: SourceShifts = { shifts };
    const sid = str(parent.id);
    const sname = str(parent.name);
    if (sid) out.scheduleId = sid;
    if (sname) out.scheduleName = sname;
    return out;
  } catch {
    return undefined;
  }
}

export const opsgenieImporter: Importer = {
  source: "opsgenie",
  import: importOpsgenie,
  shifts: shiftsOf,
};
