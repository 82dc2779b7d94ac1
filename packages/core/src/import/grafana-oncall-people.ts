/**
 * Grafana OnCall users → directory people (name, email, Slack user id; phone numbers are not in the
 * public API); personal notification rules are reported, not imported.
 */

import type { Person } from "../oncall/directory-types";
import { isValidTimeZone } from "../oncall/tz";
import { arr, type Item, isEmail, isSlackUser, nonEmpty, short } from "./grafana-oncall-read";
import { isObj } from "./pagerduty-read";
import type { ImportBuilder } from "./plan";

/** Who the users became: which user ids were exported, and a user id → person id. */
export interface People {
  knownUsers: Set<string>;
  personOf: (userId: string) => string | undefined;
}

/** Users → people. */
export function mapUsers(b: ImportBuilder, users: Item[]): People {
  const knownUsers = new Set(users.map((u) => u.id));
  const personOf = (userId: string) => b.ids.people[userId];
  for (const u of users) mapUser(b, u);
  return { knownUsers, personOf };
}

/** Personal notification rules: reported, not imported. */
export function reportNotificationRules(b: ImportBuilder, rules: Item[]): void {
  for (const r of rules) {
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
}

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
  const slacks = arr(j.slack).concat(isObj(j.slack) ? [j.slack] : []);
  for (const s of slacks) {
    const sid = isObj(s) ? nonEmpty(s.user_id) : undefined;
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
