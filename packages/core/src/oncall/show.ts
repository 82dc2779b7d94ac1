/**
 * "Who is on call right now, per service?" — the summary behind `firebreak directory show`. One
 * row per service ownership (a service owned everywhere, or a service in one account), each
 * resolved with the same `whoIsOnCall` / `assignInitialRoles` the pager uses, so what it prints is
 * exactly who an incident on that service would page and which roles it would assign. Pure.
 */

import { SEVERITIES } from "../incident/model";
import { indexDirectory } from "./directory-index";
import type { Directory, Person } from "./directory-types";
import { onCallAt } from "./rotation";
import { type UrgencyRules, urgencyRulesOf } from "./urgency";
import { assignInitialRoles, type ResolvedLevel, type RoleFlag, whoIsOnCall } from "./who";

export interface OnCallPerson {
  id: string;
  name: string;
  /** When their shift or override ends (absent for a person named directly in the policy). */
  until?: string;
  /** `override` when someone covers a shift. */
  source?: "rotation" | "override";
}

export interface OnCallRow {
  service: string;
  /** Set when the row is an account-scoped ownership. */
  account?: string;
  team: string;
  /** Incident commander: the level-1 person. */
  ic?: OnCallPerson;
  /** Level 2 (the ops lead when it is someone other than the IC). */
  level2?: OnCallPerson;
  comms?: OnCallPerson;
  /** Topics paged at level 1 alongside (or instead of) people. */
  level1Topics: string[];
  flags: RoleFlag[];
  /** One human line per flag. */
  notes: string[];
}

export interface TeamUrgency {
  team: string;
  /** What the team's escalation policy pages as high and low urgency, and its working hours. */
  urgency: UrgencyRules;
}

export interface OnCallSummary {
  at: string;
  directoryDefaultTeam?: string;
  rows: OnCallRow[];
  /** One per team, in directory order. */
  urgency: TeamUrgency[];
}

function personAt(level: ResolvedLevel | undefined, person: Person | undefined): OnCallPerson | undefined {
  if (!person) return undefined;
  const out: OnCallPerson = { id: person.id, name: person.name };
  const target = level?.targets.find((t) => t.type === "person" && t.person.id === person.id);
  if (target?.type === "person") {
    if (target.until) out.until = target.until.toISOString();
    if (target.source) out.source = target.source;
  }
  return out;
}

/** Who is on call for every service the directory names, at `at`. Rows sorted by service, then account. */
export function onCallSummary(directory: Directory, at: Date): OnCallSummary {
  const rows: OnCallRow[] = [];
  const scopes: { service: string; account?: string }[] = [];
  for (const team of directory.teams)
    for (const owned of team.services) {
      if (owned.accounts) for (const account of owned.accounts) scopes.push({ service: owned.id, account });
      else scopes.push({ service: owned.id });
    }
  for (const { service, account } of scopes) {
    const who = whoIsOnCall(directory, service, at, account);
    const roles = assignInitialRoles(directory, service, at, account);
    if (!who.owned) continue; // cannot happen for a service a team lists; kept for the type
    const [level1, level2] = who.levels;
    const row: OnCallRow = {
      service,
      team: who.team.id,
      level1Topics: (level1?.targets ?? []).flatMap((t) => (t.type === "topic" ? [t.arn] : [])),
      flags: roles.flags,
      notes: roles.notes,
    };
    if (account !== undefined) row.account = account;
    const ic = personAt(level1, roles.ic);
    if (ic) row.ic = ic;
    const second = roles.ops && roles.ops.id !== roles.ic?.id ? personAt(level2, roles.ops) : undefined;
    if (second) row.level2 = second;
    if (roles.comms && who.team.commsRotation !== undefined)
      row.comms = commsAt(directory, who.team.commsRotation, roles.comms, at);
    rows.push(row);
  }
  rows.sort((a, b) => a.service.localeCompare(b.service) || (a.account ?? "").localeCompare(b.account ?? ""));
  const urgency = directory.teams.map((team) => ({
    team: team.id,
    urgency: urgencyRulesOf(team.escalationPolicy, team),
  }));
  const summary: OnCallSummary = { at: at.toISOString(), rows, urgency };
  if (directory.defaultTeam !== undefined) summary.directoryDefaultTeam = directory.defaultTeam;
  return summary;
}

/** The comms lead's shift end and source, from the team's comms rotation. */
function commsAt(directory: Directory, rotationId: string, person: Person, at: Date): OnCallPerson {
  const out: OnCallPerson = { id: person.id, name: person.name };
  const index = indexDirectory(directory);
  const entry = index.rotations.get(rotationId);
  if (!entry) return out;
  const result = onCallAt(entry.rotation, index.people, at);
  if (result.personId === person.id) {
    if (result.shiftEnd) out.until = result.shiftEnd.toISOString();
    out.source = result.source;
  }
  return out;
}

/** "checkout: high SEV1, SEV2 (every channel, escalates); low SEV3, SEV4, SEV5 (Slack at once, SMS 15 min later within Mon–Fri 09:00–17:00 Europe/London)" */
export function urgencyLine({ team, urgency }: TeamUrgency): string {
  const low = SEVERITIES.filter((s) => !urgency.high.includes(s));
  const hours = urgency.workingHours;
  const days = hours.days.join(",");
  const high = urgency.high.length > 0 ? urgency.high.join(", ") : "none";
  const lowText =
    low.length > 0
      ? `low ${low.join(", ")} (Slack at once, SMS ${urgency.lowSmsDelayMinutes} min later within ${days} ${hours.from}–${hours.to} ${hours.timezone}; no escalation)`
      : "low none";
  return `  ${team}: high ${high} (every channel at once, escalates); ${lowText}`;
}

function cell(person: OnCallPerson | undefined, fallback: string): string {
  if (!person) return fallback;
  const until = person.until ? ` until ${person.until.slice(0, 16).replace("T", " ")}Z` : "";
  const covering = person.source === "override" ? " (override)" : "";
  return `${person.name} (${person.id})${covering}${until}`;
}

/** A fixed-width table, then the notes (comms unassigned, ops is the IC…) per service. */
export function formatOnCallSummary(summary: OnCallSummary): string {
  const header = ["SERVICE", "ACCOUNT", "TEAM", "IC / LEVEL 1", "LEVEL 2", "COMMS"];
  const body = summary.rows.map((r) => [
    r.service,
    r.account ?? "all",
    r.team,
    cell(r.ic, r.level1Topics.length > 0 ? `topic only: ${r.level1Topics.join(", ")}` : "nobody"),
    cell(r.level2, r.ic && r.flags.includes("ops_is_ic") ? "nobody (the IC leads ops)" : "nobody"),
    cell(r.comms, "unassigned"),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [`On call at ${summary.at}`, "", line(header), ...body.map(line)];
  const notes = summary.rows.flatMap((r) =>
    r.notes.map((n) => `  ${r.service}${r.account ? ` (${r.account})` : ""}: ${n}`),
  );
  if (notes.length > 0) out.push("", "Notes:", ...notes);
  if (summary.urgency.length > 0) out.push("", "Urgency:", ...summary.urgency.map(urgencyLine));
  if (summary.directoryDefaultTeam)
    out.push("", `Services not listed here are owned by the default team "${summary.directoryDefaultTeam}".`);
  return `${out.join("\n")}\n`;
}
