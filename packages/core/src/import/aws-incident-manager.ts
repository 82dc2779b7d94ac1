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

import { personSchema, phoneSchema } from "../oncall/directory-schemas";
import type { Rotation, TargetRef } from "../oncall/directory-types";
import { addDays, isValidTimeZone, type LocalDate, wallTimeAt } from "../oncall/tz";
import {
  ImportBuilder,
  type Importer,
  type ImportResult,
  type PolicyDraft,
  type SourceFile,
  type SourceShift,
  type SourceShifts,
  type TeamDraft,
} from "./plan";

// ---------------------------------------------------------------------------------------------
// Reading untrusted JSON
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const int = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v) ? v : undefined;
const short = (v: string, n = 80) => (v.length > n ? `${v.slice(0, n)}…` : v);

/** Years 1970–9999: what the directory's instants accept. */
const MIN_MS = 0;
const MAX_MS = Date.UTC(9999, 11, 31);

/** An AWS timestamp: an ISO string (CLI) or epoch seconds (API). */
function instantMs(v: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof v === "number" && Number.isFinite(v)) ms = Math.round(v * 1000);
  else if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v)) ms = Date.parse(v);
  if (ms === undefined || !Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return undefined;
  return ms;
}
const iso = (ms: number) => new Date(ms).toISOString();
const describeValue = (v: unknown) =>
  v === undefined
    ? "missing"
    : short(typeof v === "string" ? `"${v}"` : (JSON.stringify(v) ?? String(v)), 60);

/** The resource name at the end of an ARN (`…:contact/akua` → `akua`). */
function arnTail(arn: string): string {
  const slash = arn.lastIndexOf("/");
  return slash >= 0 ? arn.slice(slash + 1) : (arn.split(":").pop() ?? arn);
}

const isPhone = (v: string) => phoneSchema.safeParse(v).success;
const isEmail = (v: string) =>
  personSchema.safeParse({ id: "x", name: "x", email: v, timezone: "UTC" }).success;

// ---------------------------------------------------------------------------------------------
// Source objects gathered from every file
// ---------------------------------------------------------------------------------------------

interface Found<T> {
  value: T;
  file: string;
}

interface Collected {
  contacts: Map<string, Found<Obj>>;
  channels: Map<string, Found<Obj>>;
  rotations: Map<string, Found<Obj>>;
  overrides: { value: Obj; file: string; rotationKey: string | undefined }[];
  plans: Map<string, Found<Obj>>;
}

const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

/** Merges a later response for the same object into an earlier one (a Get adds to a List). */
function merge(map: Map<string, Found<Obj>>, key: string, value: Obj, file: string): void {
  const old = map.get(key);
  if (!old) map.set(key, { value, file });
  else map.set(key, { value: { ...old.value, ...value }, file: old.file === file ? file : old.file });
}

const EXPECTED =
  "the JSON of ssm-contacts ListContacts, GetContact, ListContactChannels, ListRotations, GetRotation, ListRotationOverrides or ListRotationShifts, or ssm-incidents ListResponsePlans or GetResponsePlan";

function collect(files: SourceFile[], b: ImportBuilder): Collected {
  const c: Collected = {
    contacts: new Map(),
    channels: new Map(),
    rotations: new Map(),
    overrides: [],
    plans: new Map(),
  };
  const list = (
    file: string,
    kind: string,
    field: string,
    items: unknown,
    idField: string,
    each: (id: string, item: Obj) => void,
  ) => {
    const all = arr(items);
    for (let i = 0; i < all.length; i++) {
      const item = all[i];
      const id = isObj(item) ? str(item[idField]) : undefined;
      if (!isObj(item) || id === undefined)
        b.notMapped(
          { kind, id: `${file}#${field}[${i}]`, file },
          `${file}: ${field}[${i}] has no ${idField} (got ${describeValue(isObj(item) ? item[idField] : item)})`,
        );
      else each(id, item);
    }
  };

  // Files in any order give the same result: read them sorted by name (then content).
  const sorted = arr(files)
    .filter(isObj)
    .map((f) => ({ f, key: `${typeof f.name === "string" ? f.name : ""}\u0000${safeStringify(f.json)}` }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    .map((x) => x.f);
  for (const f of sorted) {
    const name = typeof f.name === "string" && f.name !== "" ? f.name : "(unnamed file)";
    const json = f.json;
    if (!isObj(json)) {
      b.unrecognisedFile({ name, json }, EXPECTED);
      continue;
    }
    if (Array.isArray(json.Contacts)) {
      list(name, "contact", "Contacts", json.Contacts, "ContactArn", (id, v) =>
        merge(c.contacts, id, v, name),
      );
    } else if (str(json.ContactArn) && (str(json.Type) || isObj(json.Plan)) && !("DeliveryAddress" in json)) {
      merge(c.contacts, json.ContactArn as string, json, name);
    } else if (Array.isArray(json.ContactChannels)) {
      list(name, "contact channel", "ContactChannels", json.ContactChannels, "ContactChannelArn", (id, v) =>
        merge(c.channels, id, v, name),
      );
    } else if (str(json.ContactChannelArn) && "DeliveryAddress" in json) {
      merge(c.channels, json.ContactChannelArn as string, json, name);
    } else if (Array.isArray(json.Rotations)) {
      list(name, "rotation", "Rotations", json.Rotations, "RotationArn", (id, v) =>
        merge(c.rotations, id, v, name),
      );
    } else if (str(json.RotationArn) && (isObj(json.Recurrence) || Array.isArray(json.ContactIds))) {
      merge(c.rotations, json.RotationArn as string, json, name);
    } else if (Array.isArray(json.RotationOverrides)) {
      const fromName = /rotation-overrides-(.+?)(\.json)?$/i.exec(name)?.[1];
      const rotationKey = str(json.RotationArn) ?? str(json.RotationId) ?? fromName;
      const all = json.RotationOverrides;
      for (let i = 0; i < all.length; i++) {
        const item = all[i];
        if (!isObj(item)) {
          b.notMapped(
            { kind: "rotation override", id: `${name}#RotationOverrides[${i}]`, file: name },
            `${name}: RotationOverrides[${i}] is not an object (got ${describeValue(item)})`,
          );
        } else c.overrides.push({ value: item, file: name, rotationKey });
      }
    } else if (Array.isArray(json.RotationShifts)) {
      b.notMapped(
        { kind: "file", id: name, file: name },
        "rotation shifts (ListRotationShifts) are the source's rendered on-call for a period: `firebreak import verify` compares them, `import` does not read them",
      );
    } else if (Array.isArray(json.responsePlanSummaries)) {
      list(name, "response plan", "responsePlanSummaries", json.responsePlanSummaries, "arn", (id, v) =>
        merge(c.plans, id, v, name),
      );
    } else if (str(json.arn) && (str(json.name) || "engagements" in json || "incidentTemplate" in json)) {
      merge(c.plans, json.arn as string, json, name);
    } else {
      b.unrecognisedFile({ name, json }, EXPECTED);
    }
  }
  const byKey = <T>(m: Map<string, T>) => new Map([...m].sort(([a], [z]) => (a < z ? -1 : a > z ? 1 : 0)));
  c.contacts = byKey(c.contacts);
  c.channels = byKey(c.channels);
  c.rotations = byKey(c.rotations);
  c.plans = byKey(c.plans);
  return c;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "";
  } catch {
    return "";
  }
}

// ---------------------------------------------------------------------------------------------
// Rotations
// ---------------------------------------------------------------------------------------------

interface RotationPlan {
  arn: string;
  file: string;
  name: string;
  /** The draft without members (filled once people are known). */
  rotation: Rotation;
  contactArns: string[];
  notes: string[];
}

const pad = (n: number) => String(n).padStart(2, "0");
const dateText = (d: LocalDate) => `${d.year}-${pad(d.month)}-${pad(d.day)}`;
const weekday = (d: LocalDate) => new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();

function handoff(v: unknown): { hour: number; minute: number } | undefined {
  if (!isObj(v)) return undefined;
  const hour = int(v.HourOfDay);
  const minute = int(v.MinuteOfHour);
  if (hour === undefined || minute === undefined || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    return undefined;
  return { hour, minute };
}

/** A rotation's shape, or why Firebreak cannot express it. */
function planRotation(
  arn: string,
  found: Found<Obj>,
  b: ImportBuilder,
): RotationPlan | { name: string; why: string[] } {
  const r = found.value;
  const f = found.file;
  const name = str(r.Name) ?? arnTail(arn);
  const notes: string[] = [];
  const why: string[] = [];
  const zone = str(r.TimeZoneId);
  if (!zone || !isValidTimeZone(zone))
    why.push(`${f}: TimeZoneId ${describeValue(r.TimeZoneId)} is not an IANA time zone`);
  const startMs = instantMs(r.StartTime);
  if (startMs === undefined)
    why.push(`${f}: StartTime ${describeValue(r.StartTime)} is not a timestamp from 1970 on`);
  const rec = isObj(r.Recurrence) ? r.Recurrence : undefined;
  if (!rec) why.push(`${f}: Recurrence is missing`);
  const daily = arr(rec?.DailySettings);
  const weekly = arr(rec?.WeeklySettings);
  const monthly = arr(rec?.MonthlySettings);
  const multiplier = rec?.RecurrenceMultiplier === undefined ? 1 : int(rec.RecurrenceMultiplier);
  const onCalls = rec?.NumberOfOnCalls === undefined ? 1 : int(rec.NumberOfOnCalls);
  if (rec) {
    if (monthly.length > 0)
      why.push(
        `${f}: MonthlySettings (monthly handoffs) have no Firebreak equivalent: rotations hand off daily, weekly or every N hours`,
      );
    if (daily.length > 0 && weekly.length > 0)
      why.push(`${f}: both DailySettings and WeeklySettings are set; Firebreak has one handoff rule`);
    if (daily.length > 1 || weekly.length > 1)
      why.push(
        `${f}: ${daily.length > 1 ? `${daily.length} daily` : `${weekly.length} weekly`} handoff times: a Firebreak rotation hands off once a day or once a week (recreate as separate rotations by hand)`,
      );
    if (daily.length === 0 && weekly.length === 0 && monthly.length === 0)
      why.push(`${f}: Recurrence has no DailySettings, WeeklySettings or MonthlySettings`);
    if (multiplier === undefined || multiplier < 1 || multiplier > 100)
      why.push(
        `${f}: Recurrence.RecurrenceMultiplier ${describeValue(rec.RecurrenceMultiplier)} is not 1–100 (AWS's range)`,
      );
    if (onCalls === undefined || onCalls < 1)
      why.push(
        `${f}: Recurrence.NumberOfOnCalls ${describeValue(rec.NumberOfOnCalls)} is not a positive whole number`,
      );
    else if (onCalls > 1)
      why.push(
        `${f}: NumberOfOnCalls ${onCalls} puts ${onCalls} contacts on call at once; a Firebreak rotation has one person on call, and how AWS groups the members into concurrent shifts is not documented, so it is not guessed (recreate as ${onCalls} rotations by hand)`,
      );
  }
  let hand: { hour: number; minute: number } | undefined;
  let day: number | undefined;
  if (why.length === 0) {
    if (daily.length === 1) {
      hand = handoff(daily[0]);
      if (!hand)
        why.push(`${f}: DailySettings[0] ${describeValue(daily[0])} is not an HourOfDay/MinuteOfHour`);
    } else {
      const w = weekly[0];
      hand = isObj(w) ? handoff(w.HandOffTime) : undefined;
      day = isObj(w) && typeof w.DayOfWeek === "string" ? DAYS.indexOf(w.DayOfWeek as never) : -1;
      if (!hand || day < 0)
        why.push(`${f}: WeeklySettings[0] ${describeValue(w)} is not a DayOfWeek and HandOffTime`);
    }
  }
  if (why.length > 0 || !hand || startMs === undefined || !zone) return { name, why };

  // The first handoff at or after StartTime, on the zone's wall clock.
  const w = wallTimeAt(zone, startMs);
  let date: LocalDate = { year: w.year, month: w.month, day: w.day };
  const atOrBefore = w.hour * 3600 + w.minute * 60 + w.second <= hand.hour * 3600 + hand.minute * 60;
  const exactly =
    w.hour === hand.hour &&
    w.minute === hand.minute &&
    w.second === 0 &&
    (day === undefined || day === weekday(date));
  if (day === undefined) {
    if (!atOrBefore) date = addDays(date, 1);
  } else {
    let ahead = (day - weekday(date) + 7) % 7;
    if (ahead === 0 && !atOrBefore) ahead = 7;
    date = addDays(date, ahead);
  }
  if (!exactly)
    notes.push(
      `StartTime ${iso(startMs)} is not at a handoff: the rotation starts at the first handoff after it (${dateText(date)} ${pad(hand.hour)}:${pad(hand.minute)} ${zone}) with the first contact; any partial shift AWS gives before it is not reproduced (check with \`firebreak import verify\`)`,
    );
  if (date.year < 1970) return { name, why: [`${f}: StartTime is before 1970`] };

  const n = multiplier ?? 1;
  if ((day === undefined ? 24 : 168) * n > 24 * 366)
    return {
      name,
      why: [
        `${f}: RecurrenceMultiplier ${n} ${day === undefined ? "days" : "weeks"} is longer than Firebreak's longest shift (${24 * 366} hours)`,
      ],
    };
  let shift: Rotation["shift"];
  if (n === 1) shift = day === undefined ? { type: "daily" } : { type: "weekly" };
  else {
    shift = { type: "hours", hours: (day === undefined ? 24 : 168) * n };
    notes.push(
      `RecurrenceMultiplier ${n}: AWS hands off every ${n} ${day === undefined ? "days" : "weeks"} at ${pad(hand.hour)}:${pad(hand.minute)} local time; Firebreak's nearest is a shift of ${shift.hours} hours of ELAPSED time, which drifts by an hour from the local handoff after each DST change in ${zone} (Firebreak has no N-day wall-clock shift)`,
    );
  }
  const cov = rec?.ShiftCoverages;
  if (isObj(cov) ? Object.keys(cov).length > 0 : arr(cov).length > 0)
    notes.push(
      `ShiftCoverages (on call only during ${describeCoverage(cov)}) have no Firebreak equivalent: Firebreak rotations cover every hour`,
    );

  const id = b.uniqueId("rotation", name);
  return {
    arn,
    file: f,
    name,
    contactArns: arr(r.ContactIds).filter((x): x is string => typeof x === "string"),
    notes,
    rotation: {
      id,
      name,
      members: [],
      shift,
      handoffTime: `${pad(hand.hour)}:${pad(hand.minute)}`,
      timezone: zone,
      start: dateText(date),
      overrides: [],
    },
  };
}

function describeCoverage(cov: unknown): string {
  if (!isObj(cov)) return "coverage times";
  const parts: string[] = [];
  for (const [d, times] of Object.entries(cov).slice(0, 7)) {
    const t = arr(times)
      .slice(0, 3)
      .map((x) => {
        const s = isObj(x) ? handoff(x.Start) : undefined;
        const e = isObj(x) ? handoff(x.End) : undefined;
        return s && e ? `${pad(s.hour)}:${pad(s.minute)}–${pad(e.hour)}:${pad(e.minute)}` : "?";
      });
    parts.push(`${short(d, 10)} ${t.join(", ")}`);
  }
  return parts.length > 0 ? parts.join("; ") : "coverage times";
}

// ---------------------------------------------------------------------------------------------
// The importer
// ---------------------------------------------------------------------------------------------

function run(files: SourceFile[]): ImportResult {
  const b = new ImportBuilder("aws-incident-manager");
  const c = collect(files, b);

  // Contacts by type.
  const personal: [string, Found<Obj>][] = [];
  const escalation: [string, Found<Obj>][] = [];
  const schedules: [string, Found<Obj>][] = [];
  for (const [arn, found] of c.contacts) {
    const type = found.value.Type;
    if (type === "PERSONAL") personal.push([arn, found]);
    else if (type === "ESCALATION") escalation.push([arn, found]);
    else if (type === "ONCALL_SCHEDULE") schedules.push([arn, found]);
    else
      b.notMapped(
        { kind: "contact", id: arn, name: str(found.value.Alias), file: found.file },
        `${found.file}: Type ${describeValue(type)} is not PERSONAL, ESCALATION or ONCALL_SCHEDULE`,
      );
  }
  const contactKind = new Map<string, string>();
  for (const [arn] of personal) contactKind.set(arn, "PERSONAL");
  for (const [arn] of escalation) contactKind.set(arn, "ESCALATION");
  for (const [arn] of schedules) contactKind.set(arn, "ONCALL_SCHEDULE");
  const contactLabel = (arn: string) => {
    const v = c.contacts.get(arn)?.value;
    return `${str(v?.Alias) ?? arnTail(arn)}`;
  };

  // Rotations (their shape first: people take their zone from them).
  const rotationPlans = new Map<string, RotationPlan>();
  const rotationNotMapped = new Map<string, { name: string; why: string[]; file: string }>();
  for (const [arn, found] of c.rotations) {
    const p = planRotation(arn, found, b);
    if ("why" in p) rotationNotMapped.set(arn, { ...p, file: found.file });
    else rotationPlans.set(arn, p);
  }
  const zoneOf = new Map<string, { zone: string; rotation: string }>();
  for (const p of rotationPlans.values())
    for (const m of p.contactArns)
      if (!zoneOf.has(m)) zoneOf.set(m, { zone: p.rotation.timezone, rotation: p.name });

  // Channels by contact.
  const channelsOf = new Map<string, [string, Found<Obj>][]>();
  for (const [arn, found] of c.channels) {
    const contact = str(found.value.ContactArn) ?? "";
    const list = channelsOf.get(contact) ?? [];
    list.push([arn, found]);
    channelsOf.set(contact, list);
  }

  // People.
  const personOf = new Map<string, string>();
  const channelReported = new Set<string>();
  for (const [arn, found] of personal) {
    const v = found.value;
    const alias = str(v.Alias) ?? arnTail(arn);
    const name = (str(v.DisplayName) ?? alias).trim() || alias.trim() || "Unnamed contact";
    const notes: string[] = [];
    let phone: string | undefined;
    let email: string | undefined;
    const channelEntries: {
      arn: string;
      found: Found<Obj>;
      becomes?: string;
      why?: string;
      notes: string[];
    }[] = [];
    for (const [chArn, ch] of channelsOf.get(arn) ?? []) {
      channelReported.add(chArn);
      const cv = ch.value;
      const type = cv.Type;
      const address = isObj(cv.DeliveryAddress) ? str(cv.DeliveryAddress.SimpleAddress)?.trim() : undefined;
      const chNotes: string[] = [];
      if (cv.ActivationStatus === "NOT_ACTIVATED")
        chNotes.push(
          "NOT_ACTIVATED in Incident Manager (the contact never confirmed it): imported anyway; check the address works before relying on it",
        );
      const entry: (typeof channelEntries)[number] = { arn: chArn, found: ch, notes: chNotes };
      if (type === "SMS" || type === "VOICE") {
        if (!address || !isPhone(address))
          entry.why = `${ch.file}: DeliveryAddress.SimpleAddress ${describeValue(address)} is not an E.164 phone number`;
        else if (phone === undefined || phone === address) {
          phone = address;
          entry.becomes = "phone";
          if (type === "SMS" || type === "VOICE")
            chNotes.push(
              `Firebreak chooses SMS or a voice call to ${address} by urgency, not by the channel's type (${type})`,
            );
        } else entry.why = `a Firebreak person has one phone number; ${phone} (an earlier channel) was kept`;
      } else if (type === "EMAIL") {
        if (!address || !isEmail(address))
          entry.why = `${ch.file}: DeliveryAddress.SimpleAddress ${describeValue(address)} is not an email address`;
        else if (email === undefined || email === address) {
          email = address;
          entry.becomes = "email";
        } else entry.why = `a Firebreak person has one email address; ${email} (an earlier channel) was kept`;
      } else entry.why = `${ch.file}: Type ${describeValue(type)} is not SMS, VOICE or EMAIL`;
      channelEntries.push(entry);
      if (cv.ActivationStatus === "NOT_ACTIVATED" && entry.becomes)
        notes.push(
          `channel ${str(cv.Name) ?? arnTail(chArn)} (${type}) is NOT_ACTIVATED in AWS but was imported`,
        );
    }
    const stages = isObj(v.Plan) ? arr(v.Plan.Stages) : [];
    if (stages.length > 0)
      notes.push(
        `the contact's engagement plan (${stages.length} stage${stages.length === 1 ? "" : "s"} of its own channels, with their delays and retry intervals) is a personal notification rule and is not imported: Firebreak pages every contact method of each person at each level (personal rules are planned)`,
      );
    if (phone === undefined && email === undefined) {
      b.notMapped(
        { kind: "contact (PERSONAL)", id: arn, name, file: found.file },
        `no usable SMS, VOICE or EMAIL contact channel was exported for it (ListContactChannels --contact-id ${arn}); a Firebreak person needs a phone number or an email address`,
      );
    } else {
      const id = b.uniqueId("person", alias);
      const zone = zoneOf.get(arn);
      notes.push(
        zone
          ? `Incident Manager contacts have no time zone: ${zone.zone} was taken from rotation ${zone.rotation}`
          : "Incident Manager contacts have no time zone and it is in no imported rotation: UTC was used",
      );
      b.directory.people.push({
        id,
        name,
        ...(phone ? { phone } : {}),
        ...(email ? { email } : {}),
        timezone: zone?.zone ?? "UTC",
      });
      personOf.set(arn, id);
      b.ids.people[arn] = id;
      b.mapped({
        kind: "contact (PERSONAL)",
        id: arn,
        name,
        file: found.file,
        becomes: [`person ${id}`],
        notes,
      });
    }
    for (const e of channelEntries) {
      const entry = {
        kind: "contact channel",
        id: e.arn,
        name: str(e.found.value.Name),
        file: e.found.file,
      };
      if (e.why || !personOf.has(arn))
        b.notMapped(entry, e.why ?? `its contact ${alias} was not mapped (see that entry)`);
      else b.mapped({ ...entry, becomes: [`${e.becomes} of person ${personOf.get(arn)}`], notes: e.notes });
    }
  }
  for (const [chArn, ch] of c.channels)
    if (!channelReported.has(chArn))
      b.notMapped(
        { kind: "contact channel", id: chArn, name: str(ch.value.Name), file: ch.file },
        `its contact ${describeValue(ch.value.ContactArn)} is not a PERSONAL contact in the exported files (export ListContacts or GetContact)`,
      );

  // Rotation members and overrides.
  for (const p of rotationPlans.values()) {
    for (const m of p.contactArns) {
      const id = personOf.get(m);
      if (id) p.rotation.members.push(id);
      else
        p.notes.push(
          `member ${contactLabel(m)} was dropped: ${c.contacts.has(m) ? "that contact was not mapped (see its entry)" : "that contact was not exported"}`,
        );
    }
    if (p.contactArns.length === 0) p.notes.push("ContactIds is empty: nobody is on call outside overrides");
  }
  const rotationByKey = (key: string | undefined): RotationPlan | undefined => {
    if (!key) return undefined;
    for (const p of rotationPlans.values())
      if (p.arn === key || p.name === key || arnTail(p.arn) === key || p.rotation.id === key) return p;
    return undefined;
  };
  const sortedOverrides = [...c.overrides].sort(
    (a, z) => (instantMs(a.value.CreateTime) ?? 0) - (instantMs(z.value.CreateTime) ?? 0),
  );
  // The same override saved twice (two overlapping ListRotationOverrides windows) is one object.
  const seenOverrides = new Set<string>();
  for (const o of sortedOverrides) {
    const v = o.value;
    const id = str(v.RotationOverrideId) ?? `${o.file}#${c.overrides.indexOf(o)}`;
    const key = `${rotationByKey(o.rotationKey)?.arn ?? o.rotationKey ?? ""}\u0000${id}`;
    if (str(v.RotationOverrideId) && seenOverrides.has(key)) continue;
    seenOverrides.add(key);
    const entry = { kind: "rotation override", id, file: o.file };
    const p = rotationByKey(o.rotationKey);
    const from = instantMs(v.StartTime);
    const to = instantMs(v.EndTime);
    const newIds = arr(v.NewContactIds).filter((x): x is string => typeof x === "string");
    const person = newIds.length > 0 ? personOf.get(newIds[0]!) : undefined;
    const why = !p
      ? o.rotationKey && rotationNotMapped.has(o.rotationKey)
        ? `its rotation ${o.rotationKey} was not mapped`
        : `${o.file}: its rotation is unknown (ListRotationOverrides does not name it: name the file rotation-overrides-<rotation name>.json or add "RotationArn"; got ${describeValue(o.rotationKey)})`
      : from === undefined || to === undefined
        ? `${o.file}: StartTime/EndTime ${describeValue(v.StartTime)}/${describeValue(v.EndTime)} are not timestamps`
        : to <= from
          ? `${o.file}: EndTime is not after StartTime`
          : newIds.length === 0
            ? "NewContactIds is empty (nobody on call): a Firebreak override names the person on call"
            : !person
              ? `the new contact ${contactLabel(newIds[0]!)} was not mapped or not exported`
              : undefined;
    if (why || !p || !person || from === undefined || to === undefined) {
      b.notMapped(entry, why ?? "unreadable");
      continue;
    }
    const notes: string[] = [];
    if (newIds.length > 1)
      notes.push(
        `${newIds.length} contacts were on call together; a Firebreak override names one person: ${person} (the first) was kept`,
      );
    p.rotation.overrides.push({ personId: person, from: iso(from), to: iso(to) });
    b.mapped({ ...entry, becomes: [`override in rotation ${p.rotation.id}`], notes });
  }

  // On-call schedules → their rotations.
  const rotationsOfSchedule = new Map<string, string[]>();
  const scheduleEntries: (() => void)[] = [];
  for (const [arn, found] of schedules) {
    const v = found.value;
    const name = str(v.DisplayName) ?? str(v.Alias) ?? arnTail(arn);
    const notes: string[] = [];
    const ids: string[] = [];
    const rotIds = isObj(v.Plan) ? arr(v.Plan.RotationIds) : [];
    for (const r of rotIds) {
      const p = typeof r === "string" ? rotationPlans.get(r) : undefined;
      if (p) ids.push(p.rotation.id);
      else
        notes.push(
          `rotation ${describeValue(r)} was dropped: ${typeof r === "string" && rotationNotMapped.has(r) ? "it was not mapped (see its entry)" : "it was not exported (ListRotations)"}`,
        );
    }
    rotationsOfSchedule.set(arn, ids);
    const entry = { kind: "contact (ONCALL_SCHEDULE)", id: arn, name, file: found.file };
    if (!isObj(v.Plan))
      scheduleEntries.push(() =>
        b.notMapped(
          entry,
          `${found.file}: no Plan.RotationIds (ListContacts omits the plan: export GetContact)`,
        ),
      );
    else if (ids.length === 0)
      scheduleEntries.push(() => b.notMapped(entry, notes.length > 0 ? notes : "Plan.RotationIds is empty"));
    else {
      b.ids.schedules[arn] = ids;
      scheduleEntries.push(() => b.mapped({ ...entry, becomes: ids.map((id) => `rotation ${id}`), notes }));
    }
  }
  for (const p of rotationPlans.values()) b.ids.schedules[p.arn] = [p.rotation.id];

  // Targets.
  const targetsOf = (arn: string, notes: string[], where: string): TargetRef[] => {
    const kind = contactKind.get(arn);
    if (kind === "PERSONAL") {
      const id = personOf.get(arn);
      if (id) return [{ type: "person", id }];
      notes.push(`${where}: contact ${contactLabel(arn)} was dropped: it was not mapped (see its entry)`);
    } else if (kind === "ONCALL_SCHEDULE") {
      const ids = rotationsOfSchedule.get(arn) ?? [];
      if (ids.length > 0) return ids.map((id) => ({ type: "rotation", id }));
      notes.push(
        `${where}: on-call schedule ${contactLabel(arn)} was dropped: none of its rotations was mapped`,
      );
    } else if (kind === "ESCALATION")
      notes.push(
        `${where}: escalation plan ${contactLabel(arn)} was dropped: a Firebreak level targets people and rotations, not another policy`,
      );
    else
      notes.push(`${where}: contact ${describeValue(arn)} was dropped: it was not exported (ListContacts)`);
    return [];
  };

  // Escalation plans → policies.
  const policyOf = new Map<string, string>();
  for (const [arn, found] of escalation) {
    const v = found.value;
    const alias = str(v.Alias) ?? arnTail(arn);
    const name = str(v.DisplayName) ?? alias;
    const entry = { kind: "contact (ESCALATION)", id: arn, name, file: found.file };
    if (!isObj(v.Plan)) {
      b.notMapped(entry, `${found.file}: no Plan.Stages (ListContacts omits the plan: export GetContact)`);
      continue;
    }
    const notes: string[] = [];
    const levels: PolicyDraft["levels"] = [];
    const stages = arr(v.Plan.Stages);
    for (let i = 0; i < stages.length; i++) {
      const s = stages[i];
      const where = `stage ${i + 1}`;
      if (!isObj(s)) {
        notes.push(`${where} is not an object and was dropped`);
        continue;
      }
      const targets: TargetRef[] = [];
      for (const t of arr(s.Targets)) {
        if (!isObj(t)) continue;
        if (isObj(t.ContactTargetInfo)) {
          const ct = t.ContactTargetInfo;
          const id = str(ct.ContactId);
          if (!id) {
            notes.push(`${where}: a ContactTargetInfo without ContactId was dropped`);
            continue;
          }
          if (ct.IsEssential === true)
            notes.push(
              `${where}: ${contactLabel(id)} IsEssential (the engagement is not complete until they acknowledge): Firebreak stops at the first acknowledgement from anyone`,
            );
          for (const x of targetsOf(id, notes, where))
            if (!targets.some((y) => y.type === x.type && "id" in y && "id" in x && y.id === x.id))
              targets.push(x);
        } else if (isObj(t.ChannelTargetInfo)) {
          notes.push(
            `${where}: a single contact channel (${short(arnTail(String(t.ChannelTargetInfo.ContactChannelId ?? "?")), 40)}) was targeted; Firebreak targets people and rotations and pages every contact method, so it was dropped`,
          );
        } else
          notes.push(
            `${where}: a target that is neither ContactTargetInfo nor ChannelTargetInfo was dropped`,
          );
      }
      if (targets.length === 0) {
        notes.push(`${where} has no target Firebreak can page and was dropped`);
        continue;
      }
      const raw = s.DurationInMinutes;
      let minutes = typeof raw === "number" && Number.isFinite(raw) ? Math.round(raw) : 1;
      if (typeof raw !== "number" || !Number.isFinite(raw))
        notes.push(`${where}: DurationInMinutes ${describeValue(raw)} is not a number: 1 minute was used`);
      else if (minutes < 1) {
        notes.push(
          `${where}: DurationInMinutes ${raw} (engage the next stage at once) became 1 minute, Firebreak's shortest level timeout`,
        );
        minutes = 1;
      } else if (minutes > 1440) {
        notes.push(`${where}: DurationInMinutes ${raw} became 1440, Firebreak's longest level timeout`);
        minutes = 1440;
      } else if (minutes !== raw) notes.push(`${where}: DurationInMinutes ${raw} was rounded to ${minutes}`);
      levels.push({ targets, timeoutMinutes: minutes });
    }
    const last = levels[levels.length - 1];
    if (!last) {
      b.notMapped(entry, notes.length > 0 ? notes : "Plan.Stages is empty");
      continue;
    }
    notes.push(
      "Incident Manager has no fallback after the last stage: the fallback is the last level's first target",
      "Incident Manager engages the stages once (no repeat): repeat is 0",
    );
    const id = b.uniqueId("policy", alias);
    b.directory.escalationPolicies.push({ id, name, levels, repeat: 0, fallback: last.targets[0]! });
    policyOf.set(arn, id);
    b.mapped({ ...entry, becomes: [`escalation policy ${id}`], notes });
  }

  // Response plans → teams.
  const homeOf = new Map<string, { team: TeamDraft; rank: number }>();
  const services = new Set<string>();
  const teamEntries: {
    team: TeamDraft;
    entry: { kind: string; id: string; name?: string; file: string };
    notes: string[];
  }[] = [];
  for (const [arn, found] of c.plans) {
    const v = found.value;
    const planName = str(v.name) ?? arnTail(arn);
    const name = (str(v.displayName) ?? planName).trim() || planName.trim() || "Unnamed response plan";
    const entry = { kind: "response plan", id: arn, name, file: found.file };
    if (!Array.isArray(v.engagements)) {
      b.notMapped(
        entry,
        `${found.file}: no engagements (ListResponsePlans lists only names: export GetResponsePlan --arn ${arn})`,
      );
      continue;
    }
    const notes: string[] = [];
    const engaged = v.engagements.filter((x): x is string => typeof x === "string");
    const escalations = engaged.filter((e) => policyOf.has(e));
    let policyId: string | undefined;
    if (escalations.length > 0) {
      policyId = policyOf.get(escalations[0]!);
      const others = engaged.filter((e) => e !== escalations[0]);
      if (others.length > 0)
        notes.push(
          `engagements ${others.map(contactLabel).join(", ")} are engaged in parallel with ${contactLabel(escalations[0]!)} in AWS; a Firebreak team has one escalation policy (${policyId}), so they were not carried over`,
        );
    } else {
      const targets: TargetRef[] = [];
      for (const e of engaged) {
        if (contactKind.get(e) === "ESCALATION") {
          notes.push(`engaged escalation plan ${contactLabel(e)} was not mapped (see its entry)`);
          continue;
        }
        for (const t of targetsOf(e, notes, "engagements"))
          if (!targets.some((y) => "id" in y && "id" in t && y.type === t.type && y.id === t.id))
            targets.push(t);
      }
      if (targets.length > 0) {
        policyId = b.uniqueId("policy", `${planName}-engagements`);
        b.directory.escalationPolicies.push({
          id: policyId,
          name: `${name} engagements`,
          levels: [{ targets, timeoutMinutes: 15 }],
          repeat: 0,
          fallback: targets[0]!,
        });
        notes.push(
          `its engaged contacts and schedules became a one-level policy ${policyId}; AWS engages them once with no timeout, Firebreak needs one: 15 minutes, then the fallback (the first target)`,
        );
      }
    }
    if (!policyId) {
      b.notMapped(entry, [
        "no usable escalation policy: none of its engagements could be mapped (a Firebreak team needs a policy)",
        ...notes,
      ]);
      continue;
    }
    const tpl = isObj(v.incidentTemplate) ? v.incidentTemplate : {};
    if (tpl.impact !== undefined)
      notes.push(
        `incidentTemplate.impact ${describeValue(tpl.impact)} is not carried over: a Firebreak incident's severity comes from the alarm`,
      );
    if (str(tpl.title) || str(tpl.summary))
      notes.push(
        "incidentTemplate title/summary are not carried over: Firebreak titles incidents from the alarm",
      );
    if (arr(tpl.notificationTargets).length > 0)
      notes.push(
        "incidentTemplate.notificationTargets (SNS topics told of incident updates) are not carried over: Firebreak announces incidents in the team's Slack channel",
      );
    if (isObj(tpl.incidentTags) && Object.keys(tpl.incidentTags).length > 0)
      notes.push("incidentTemplate.incidentTags are not carried over: Firebreak incidents have no tags");
    if (str(tpl.dedupeString))
      notes.push(
        "incidentTemplate.dedupeString is not carried over: Firebreak groups alarms by the team's grouping",
      );
    if (isObj(v.chatChannel) && arr(v.chatChannel.chatbotSns).length > 0)
      notes.push(
        "chatChannel (AWS Chatbot SNS topics) is not carried over: set the team's alertChannel (a Slack channel id) by hand",
      );
    if (arr(v.actions).length > 0)
      notes.push(
        "actions (SSM Automation runbooks started with the incident) are not carried over: Firebreak does not run runbooks",
      );
    if (arr(v.integrations).length > 0)
      notes.push("integrations (e.g. PagerDuty) are not carried over: Firebreak is the paging tool");
    const teamId = b.uniqueId("team", planName);
    let service = teamId;
    for (let k = 2; services.has(service); k++) service = `${teamId.slice(0, 56)}-${k}`;
    services.add(service);
    const team: TeamDraft = {
      id: teamId,
      name,
      services: [service],
      rotations: [],
      escalationPolicy: policyId,
    };
    b.directory.teams.push(team);
    // The rotations the team pages live in it: the team that pages it through an escalation plan
    // (rather than a policy made of its direct engagements), at the earliest level, owns it.
    const policy = b.directory.escalationPolicies.find((p) => p.id === policyId);
    const levels = policy?.levels ?? [];
    for (let i = 0; i < levels.length; i++)
      for (const t of levels[i]!.targets) {
        if (t.type !== "rotation") continue;
        const rank = (escalations.length > 0 ? 0 : 1000) + i;
        const old = homeOf.get(t.id);
        if (!old || rank < old.rank) homeOf.set(t.id, { team, rank });
      }
    teamEntries.push({ team, entry, notes });
  }

  // Rotations live in a team.
  const firstTeam = b.directory.teams[0];
  for (const p of rotationPlans.values()) {
    const entry = { kind: "rotation", id: p.arn, name: p.name, file: p.file };
    const home = homeOf.get(p.rotation.id)?.team ?? firstTeam;
    if (!home) {
      b.notMapped(entry, [
        "no response plan was mapped to a team, and every Firebreak rotation lives in a team",
        ...p.notes,
      ]);
      delete b.ids.schedules[p.arn];
      for (const [s, ids] of Object.entries(b.ids.schedules)) {
        const left = ids.filter((id) => id !== p.rotation.id);
        if (left.length > 0) b.ids.schedules[s] = left;
        else delete b.ids.schedules[s];
      }
      continue;
    }
    if (!homeOf.has(p.rotation.id))
      p.notes.push(
        `no imported escalation policy pages it: it was placed in team ${home.id} (the first team); nobody is paged from it until a policy targets it`,
      );
    home.rotations.push(p.rotation);
    b.mapped({ ...entry, becomes: [`rotation ${p.rotation.id} (team ${home.id})`], notes: p.notes });
  }
  for (const [arn, r] of rotationNotMapped)
    b.notMapped({ kind: "rotation", id: arn, name: r.name, file: r.file }, r.why);
  // An override of an unmapped rotation may reference it; the overrides were reported above.
  if (!firstTeam) {
    // No team: rotations were not mapped, so policies may not target them. Drop such targets.
    for (const pol of b.directory.escalationPolicies) {
      for (const level of pol.levels) level.targets = level.targets.filter((t) => t.type !== "rotation");
      pol.levels = pol.levels.filter((l) => l.targets.length > 0);
    }
    const gone = b.directory.escalationPolicies.filter((p) => p.levels.length === 0).map((p) => p.id);
    b.directory.escalationPolicies = b.directory.escalationPolicies.filter((p) => p.levels.length > 0);
    for (const pol of b.directory.escalationPolicies)
      if (pol.fallback.type === "rotation") pol.fallback = pol.levels[pol.levels.length - 1]!.targets[0]!;
    for (const e of b.report)
      if (e.becomes.some((x) => x.startsWith("escalation policy ")))
        e.notes.push(
          gone.some((g) => e.becomes.includes(`escalation policy ${g}`))
            ? "REMOVED: all its targets were rotations, and no rotation could be placed in a team"
            : "its rotation targets were dropped: no rotation could be placed in a team",
        );
    for (const e of b.report)
      if (e.becomes.some((x) => x.startsWith("override in rotation "))) {
        e.outcome = "not mapped";
        e.becomes = [];
        e.notes.push("its rotation could not be placed in a team (no response plan was mapped)");
      } else if (gone.some((g) => e.becomes.includes(`escalation policy ${g}`))) {
        e.outcome = "not mapped";
        e.becomes = [];
      } else if (e.becomes.some((x) => x.startsWith("escalation policy ")) && e.outcome === "mapped")
        e.outcome = "partly mapped";
  }
  for (const run of scheduleEntries) run();
  for (const t of teamEntries)
    b.mapped({
      ...t.entry,
      becomes: [`team ${t.team.id}`, `service ${String(t.team.services[0])}`],
      notes: t.notes,
    });
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
