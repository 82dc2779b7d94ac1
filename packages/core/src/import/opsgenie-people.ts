/**
 * Opsgenie users → directory people: the email from the username or an email contact, the phone
 * from the first sms/voice contact; contacts of users not exported and notification rules are
 * reported, not imported.
 */

import { personSchema } from "../oncall/directory-schemas";
import type { Person } from "../oncall/directory-types";
import { isValidTimeZone } from "../oncall/tz";
import { type Collected, type Contact, short, str } from "./opsgenie-read";
import { isObj, type Obj, uniqueId } from "./pagerduty-read";
import type { ImportBuilder } from "./plan";

/** Opsgenie's "1-5555555555" (country code, dash, number) → E.164 "+15555555555". */
export function opsgenieToE164(to: string): string | undefined {
  const m = /^\+?(\d{1,4})-(\d{4,14})$/.exec(to.replace(/[\s().]/g, ""));
  const e164 = m
    ? `+${m[1]}${m[2]}`
    : /^\+\d{8,15}$/.test(to.replace(/[\s-]/g, ""))
      ? to.replace(/[\s-]/g, "")
      : "";
  return /^\+[1-9]\d{7,14}$/.test(e164) ? e164 : undefined;
}

/** A participant/recipient `{type:"user", id, username}` → person id. */
export type PersonOf = (ref: Obj) => string | undefined;

/** Maps every exported user, then reports what was read for users that are not exported. */
export function mapPeople(b: ImportBuilder, read: Collected): PersonOf {
  const { users, contacts, rules, alsoIn } = read;
  const usernameToPerson = new Map<string, string>();
  for (const [id, { o, file }] of users) {
    const name = str(o.fullName) ?? str(o.username) ?? id;
    const notes: string[] = [...alsoIn(o)];
    const username = str(o.username);
    const person: Person = { id: "", name, timezone: "UTC" };
    if (username && personSchema.shape.email.safeParse(username).success) person.email = username;
    const tz = str(o.timeZone);
    if (tz && isValidTimeZone(tz)) person.timezone = tz;
    else notes.push(`${file}: timeZone ${short(o.timeZone)} is not an IANA name: UTC used`);
    const cs = contacts.get(id) ?? (username ? contacts.get(username) : undefined) ?? [];
    contacts.delete(id);
    if (username) contacts.delete(username);
    addContacts(person, cs, notes);
    const role = isObj(o.role) ? str(o.role.name) : str(o.role);
    if (role && role !== "User")
      notes.push(`role ${role} is not imported (Firebreak's access is by admin token, not per person)`);
    if (!person.email && !person.phone) {
      b.notMapped({ kind: "user", id, name, file }, [
        `${file}: no email username and no usable sms/voice/email contact: Firebreak could not reach this person`,
        ...notes,
      ]);
      continue;
    }
    person.id = uniqueId(b, "person", name);
    const p = personSchema.safeParse(person);
    if (!p.success) {
      b.notMapped({ kind: "user", id, name, file }, [
        `${file}: not a valid person (${short(person)})`,
        ...notes,
      ]);
      continue;
    }
    b.directory.people.push(person);
    if (username) usernameToPerson.set(username.toLowerCase(), person.id);
    b.ids.people[id] = person.id;
    b.mapped({ kind: "user", id, name, file, becomes: [`person ${person.id}`], notes });
  }
  for (const [userId, cs] of contacts)
    for (const c of cs)
      b.notMapped(
        { kind: "contact", id: `${userId}:${c.method}:${c.to}`, file: c.file },
        `${c.file}: the contact's user (${userId}) is not in the exported users (name the file after the user id, e.g. users-<id>-contacts.json)`,
      );
  for (const r of rules)
    b.notMapped(
      { kind: "notification rule", id: str(r.o.id) ?? r.file, name: str(r.o.name), file: r.file },
      "personal notification rules are not imported: Firebreak pages every contact method of each person at each level (personal rules are planned)",
    );
  return (ref) => {
    const id = str(ref.id);
    if (id && b.ids.people[id]) return b.ids.people[id];
    const un = str(ref.username) ?? str(ref.name);
    return un ? usernameToPerson.get(un.toLowerCase()) : undefined;
  };
}

/** A user's enabled contacts → the person's email (when the username is none) and phone. */
function addContacts(person: Person, cs: Contact[], notes: string[]): void {
  const phones: string[] = [];
  for (const c of cs) {
    if (!c.enabled) {
      notes.push(`${c.file}: disabled ${c.method} contact ${c.to} is not imported`);
      continue;
    }
    if (c.method === "email") {
      if (!person.email && personSchema.shape.email.safeParse(c.to).success) person.email = c.to;
      else if (c.to !== person.email)
        notes.push(`${c.file}: extra email ${c.to} is not imported (Firebreak keeps one email per person)`);
    } else if (c.method === "sms" || c.method === "voice") {
      const e164 = opsgenieToE164(c.to);
      if (!e164) notes.push(`${c.file}: ${c.method} number ${short(c.to)} is not a phone number`);
      else if (!phones.includes(e164)) phones.push(e164);
    } else if (c.method === "mobile") {
      notes.push(
        `${c.file}: Opsgenie mobile-app push is not imported (Firebreak pages by SMS, voice, email and Slack)`,
      );
    } else notes.push(`${c.file}: contact method ${short(c.method)} is not imported`);
  }
  if (phones[0]) person.phone = phones[0];
  if (phones.length > 1)
    notes.push(`other numbers ${phones.slice(1).join(", ")} are not imported (Firebreak keeps one phone)`);
}
