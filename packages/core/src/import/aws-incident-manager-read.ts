/**
 * Reading what `aws ssm-contacts …` and `aws ssm-incidents …` print: JSON read safely (every field
 * may be missing or of another type; timestamps ISO strings or epoch seconds), each file's kind told
 * from its shape, every object collected by ARN (a Get merged into a List), and contacts by type.
 */

import { isObj, type Obj, short, str } from "./pagerduty-read";
import type { ImportBuilder, SourceFile } from "./plan";

export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const int = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v) ? v : undefined;

/** Years 1970–9999: what the directory's instants accept. */
const MIN_MS = 0;
const MAX_MS = Date.UTC(9999, 11, 31);

/** An AWS timestamp: an ISO string (CLI) or epoch seconds (API). */
export function instantMs(v: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof v === "number" && Number.isFinite(v)) ms = Math.round(v * 1000);
  else if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v)) ms = Date.parse(v);
  if (ms === undefined || !Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return undefined;
  return ms;
}
export const iso = (ms: number) => new Date(ms).toISOString();
export const describeValue = (v: unknown) =>
  v === undefined
    ? "missing"
    : short(typeof v === "string" ? `"${v}"` : (JSON.stringify(v) ?? String(v)), 60);

/** The resource name at the end of an ARN (`…:contact/akua` → `akua`). */
export function arnTail(arn: string): string {
  const slash = arn.lastIndexOf("/");
  return slash >= 0 ? arn.slice(slash + 1) : (arn.split(":").pop() ?? arn);
}

// ---------------------------------------------------------------------------------------------
// Source objects gathered from every file
// ---------------------------------------------------------------------------------------------

export interface Found<T> {
  value: T;
  file: string;
}

export interface Collected {
  contacts: Map<string, Found<Obj>>;
  channels: Map<string, Found<Obj>>;
  rotations: Map<string, Found<Obj>>;
  overrides: { value: Obj; file: string; rotationKey: string | undefined }[];
  plans: Map<string, Found<Obj>>;
}

/** Merges a later response for the same object into an earlier one (a Get adds to a List). */
function merge(map: Map<string, Found<Obj>>, key: string, value: Obj, file: string): void {
  const old = map.get(key);
  if (!old) map.set(key, { value, file });
  else map.set(key, { value: { ...old.value, ...value }, file: old.file === file ? file : old.file });
}

const EXPECTED =
  "the JSON of ssm-contacts ListContacts, GetContact, ListContactChannels, ListRotations, GetRotation, ListRotationOverrides or ListRotationShifts, or ssm-incidents ListResponsePlans or GetResponsePlan";

export function collect(files: SourceFile[], b: ImportBuilder): Collected {
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

/** The contacts by type, and how reports name a contact. */
export interface Contacts {
  personal: [string, Found<Obj>][];
  escalation: [string, Found<Obj>][];
  schedules: [string, Found<Obj>][];
  /** Contact ARN → its type (PERSONAL, ESCALATION or ONCALL_SCHEDULE). */
  kind: Map<string, string>;
  /** A contact's alias, else the end of its ARN. */
  label: (arn: string) => string;
}

/** Contacts by type; one of another type is reported as not mapped. */
export function contactsByType(b: ImportBuilder, c: Collected): Contacts {
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
  return { personal, escalation, schedules, kind: contactKind, label: contactLabel };
}
