/**
 * The AWS Systems Manager Incident Manager importer: reads the JSON that `aws ssm-contacts …` and
 * `aws ssm-incidents …` print (PascalCase for ssm-contacts, camelCase for ssm-incidents), saved to
 * files, one API response a file, in any order. Timestamps may be ISO strings (CLI output) or
 * epoch seconds (the raw API).
 *
 * Each file's kind is told from its shape:
 * - `ListContacts` `{Contacts: [...]}` and `GetContact` `{ContactArn, Type, Plan?}`;
 * - `ListContactChannels` `{ContactChannels: [...]}` (one file per contact);
 * - `ListRotations` `{Rotations: [...]}` and `GetRotation` `{RotationArn, Recurrence, …}`;
 * - `ListRotationOverrides` `{RotationOverrides: [...]}`: the response does not name its rotation,
 *   so it comes from a `RotationArn`/`RotationId` key the user adds to the file, else from the file
 *   name `rotation-overrides-<rotation name, id or ARN suffix>.json`;
 * - ssm-incidents `ListResponsePlans` `{responsePlanSummaries: [...]}` and `GetResponsePlan`
 *   `{arn, name, engagements, …}`;
 * - `ListRotationShifts` `{RotationShifts: [...]}`: the final shifts `shifts()` reads (for
 *   `import verify`); `import` reports it as not imported.
 *
 * Mapping:
 * - PERSONAL contact → person (id from its alias, SMS/VOICE channel → phone, EMAIL → email; its
 *   own engagement plan, the personal notification rule, is not imported). Contacts carry no time
 *   zone: a person takes the zone of the first rotation they are in, else UTC (noted).
 * - Rotation → rotation (one daily handoff → daily, one weekly handoff → weekly; a recurrence
 *   multiplier N > 1 → `hours` 24N / 168N, noted: AWS counts N local days, Firebreak elapsed hours).
 *   Incident Manager hands off at `HandOffTime` on the wall clock of the rotation's IANA
 *   `TimeZoneId`, so daily/weekly map exactly across DST.
 * - ONCALL_SCHEDULE contact → the rotations it lists (`ids.schedules[contact ARN]`).
 * - ESCALATION contact → escalation policy (stages → levels).
 * - Response plan → team (id from its name) owning one service (the plan's name), paging the
 *   engaged escalation plan, or a one-level policy of the engaged contacts and schedules.
 *
 * Pure: no fs, no network, no clock. Never throws: what cannot be read is in the report.
 */

import { mapPeople } from "./aws-incident-manager-people";
import { mapEscalationPlans } from "./aws-incident-manager-policies";
import { arnTail, arr, collect, contactsByType, instantMs, iso } from "./aws-incident-manager-read";
import { addMembers, mapOverrides, mapSchedules, planRotations } from "./aws-incident-manager-rotations";
import { mapResponsePlans, placeRotations, reportTeams } from "./aws-incident-manager-teams";
import { isObj, short, str } from "./pagerduty-read";
import {
  ImportBuilder,
  type Importer,
  type ImportResult,
  type SourceFile,
  type SourceShift,
  type SourceShifts,
} from "./plan";

function run(files: SourceFile[]): ImportResult {
  const b = new ImportBuilder("aws-incident-manager");
  const c = collect(files, b);
  const contacts = contactsByType(b, c);
  // Rotations first: people take their zone from them.
  const rotations = planRotations(b, c);
  const personOf = mapPeople(b, c, contacts, rotations);
  addMembers(c, rotations, personOf, contacts.label);
  mapOverrides(b, c, rotations, personOf, contacts.label);
  const schedules = mapSchedules(b, contacts, rotations);
  const engaged = { contacts, personOf, rotationsOf: schedules.rotationsOf };
  const policyOf = mapEscalationPlans(b, engaged);
  const teams = mapResponsePlans(b, c, engaged, policyOf);
  placeRotations(b, rotations, teams);
  for (const report of schedules.reports) report();
  reportTeams(b, teams);
  return b.result();
}

/** Reads every file; never throws (an unexpected failure is itself reported). */
function importFiles(files: SourceFile[]): ImportResult {
  try {
    return run(Array.isArray(files) ? files : []);
  } catch (error) {
    const b = new ImportBuilder("aws-incident-manager");
    b.notMapped(
      { kind: "import", id: "aws-incident-manager" },
      `the importer failed on these files (${short(String(error), 200)}); nothing was mapped. Please report this as a bug`,
    );
    return b.result();
  }
}

/** `ListRotationShifts`: one SourceShift per contact per shift. */
function shifts(file: SourceFile): SourceShifts | undefined {
  try {
    const json = isObj(file) ? file.json : undefined;
    if (!isObj(json) || !Array.isArray(json.RotationShifts)) return undefined;
    const name = isObj(file) && typeof file.name === "string" ? file.name : "";
    const out: SourceShift[] = [];
    for (const s of json.RotationShifts) {
      if (!isObj(s)) continue;
      const from = instantMs(s.StartTime);
      const to = instantMs(s.EndTime);
      if (from === undefined || to === undefined || to <= from) continue;
      for (const id of arr(s.ContactIds))
        if (typeof id === "string" && id !== "")
          out.push({ start: iso(from), end: iso(to), person: { id, name: arnTail(id) } });
    }
    const scheduleId = str(json.RotationArn) ?? str(json.RotationId);
    const scheduleName = /rotation-shifts-(.+?)(\.json)?$/i.exec(name)?.[1];
    return {
      ...(scheduleId ? { scheduleId } : {}),
      ...(scheduleName ? { scheduleName } : {}),
      shifts: out,
    };
  } catch {
    return undefined;
  }
}

export const awsIncidentManagerImporter: Importer = {
  source: "aws-incident-manager",
  import: importFiles,
  shifts,
};
