/**
 * PagerDuty users → directory people: names, e-mail, Slack ids and phones from contact methods.
 */

import { parseWithIssues } from "../oncall/directory";
import type { Person } from "../oncall/directory-types";
import { isValidTimeZone } from "../oncall/tz";
import { arr, type Collected, isObj, num, type Obj, short, show, str, uniqueId } from "./pagerduty-read";
import type { ImportBuilder } from "./plan";

const E164 = /^\+[1-9]\d{1,14}$/;

function phoneOf(cm: Obj): string | undefined {
  const code = num(cm.country_code) ?? (str(cm.country_code) ? Number(cm.country_code) : undefined);
  const address = typeof cm.address === "string" ? cm.address.replace(/[^\d+]/g, "") : undefined;
  if (!address) return undefined;
  const phone = address.startsWith("+")
    ? address
    : code !== undefined && Number.isInteger(code)
      ? `+${code}${address.replace(/^0+/, "")}`
      : undefined;
  return phone && E164.test(phone) ? phone : undefined;
}

/** Whether a draft person passes the directory's own validation. */
function validPerson(p: Person): boolean {
  return parseWithIssues({ version: 1, people: [p], teams: [] }).issues.length === 0;
}

export function mapUsers(b: ImportBuilder, c: Collected): Map<string, string> {
  const people = new Map<string, string>();
  for (const r of [...c.users.values()].sort((x, y) => x.seq - y.seq)) {
    if (!r.user) {
      const files = [...new Set(r.contactMethods.map((m) => m.file).concat(r.notificationRuleFiles))];
      b.notMapped(
        { kind: "user", id: r.id, file: files.join(", ") },
        `${files.join(", ")} name user ${r.id}, but no users file has that user (export GET /users)`,
      );
      continue;
    }
    const { value: u, file, at } = r.user;
    const name = str(u.name) ?? str(u.summary) ?? str(u.email);
    const notes: string[] = [];
    const entry = { kind: "user", id: r.id, file, ...(name ? { name } : {}) };
    if (!name) {
      b.notMapped(entry, `${file}: ${at}.name is ${show(u.name)}: a person needs a name`);
      continue;
    }
    let timezone = str(u.time_zone);
    if (!timezone || !isValidTimeZone(timezone)) {
      notes.push(`${file}: ${at}.time_zone is ${show(u.time_zone)}, not an IANA time zone: UTC was used`);
      timezone = "UTC";
    }
    const email = str(u.email)?.trim();
    const methods = [
      ...(arr(u.contact_methods) ?? []).map((m, i) => ({ m, where: `${file}: ${at}.contact_methods[${i}]` })),
      ...r.contactMethods.map((m) => ({ m: m.value, where: `${m.file}: ${m.at}` })),
    ];
    let phone: string | undefined;
    const seenMethods = new Set<string>();
    for (const { m, where } of methods) {
      if (!isObj(m)) {
        notes.push(`${where} is ${show(m)}, not a contact method: skipped`);
        continue;
      }
      const id = str(m.id);
      if (id) {
        if (seenMethods.has(id)) continue;
        seenMethods.add(id);
      }
      const type = str(m.type) ?? "";
      const label = str(m.label) ? ` "${short(str(m.label)!, 40)}"` : "";
      if (type.endsWith("_reference")) {
        notes.push(
          `${where} is only a reference (${type}): export GET /users?include[]=contact_methods to import its address`,
        );
      } else if (type === "phone_contact_method" || type === "sms_contact_method") {
        const p = phoneOf(m);
        if (!p)
          notes.push(
            `${where} (${type}${label}): ${show(m.address)} is not a phone number Firebreak can dial (E.164): not imported`,
          );
        else if (!phone) phone = p;
        else if (p !== phone)
          notes.push(
            `${where} (${type}${label}) ${p}: Firebreak keeps one phone number per person (${phone} was kept)`,
          );
      } else if (type === "email_contact_method") {
        const a = str(m.address);
        if (a && a !== email)
          notes.push(
            `${where}: the extra email ${short(a, 60)}${label} is not imported: Firebreak keeps one email per person (the login email)`,
          );
      } else if (type === "push_notification_contact_method") {
        notes.push(
          `${where}: the push notification device${label} is not imported: Firebreak has no mobile app (it pages by Slack, SMS, voice and email)`,
        );
      } else {
        notes.push(`${where}: contact method of type ${show(m.type)} is not imported`);
      }
    }
    const ruleCount = (arr(u.notification_rules)?.length ?? 0) + r.notificationRules;
    if (ruleCount > 0)
      notes.push(
        `${ruleCount} personal notification rule${ruleCount === 1 ? " is" : "s are"} not imported: Firebreak pages every contact method of each person at each level (personal rules are planned)`,
      );
    const id = uniqueId(b, "person", name);
    const person: Person = { id, name: name.trim(), timezone };
    if (email) person.email = email;
    if (phone) person.phone = phone;
    if (email && !validPerson(person)) {
      notes.push(`${file}: ${at}.email ${show(email)} is not an email address: not imported`);
      delete person.email;
    }
    if (!person.email && !person.phone) {
      b.notMapped(entry, [
        `${file}: ${at} has no usable email and no phone contact method: a Firebreak person needs a way to be reached`,
        ...notes,
      ]);
      continue;
    }
    if (!validPerson(person)) {
      b.notMapped(entry, [`${file}: ${at} could not be made a valid person`, ...notes]);
      continue;
    }
    b.directory.people.push(person);
    people.set(r.id, id);
    b.ids.people[r.id] = id;
    const role = str(u.role);
    if (role && role !== "user" && role !== "limited_user")
      notes.push(
        `the PagerDuty role "${role}" is not imported: Firebreak has no per-person roles in the directory`,
      );
    b.mapped({ ...entry, becomes: [`person ${id}`], notes });
  }
  return people;
}
