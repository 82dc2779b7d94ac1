/**
 * One identity per person, for incidents recorded before it (issue 15 item 4): role holders and
 * timeline actors stored as a Slack user id (`U01DANA004`), where the on-call directory knows that
 * Slack user, become the directory person (`dana`, "Dana Fischer"). A one-off, idempotent pass
 * (`firebreak migrate slack-ids`): run it again and it changes nothing.
 *
 * - Role holders are rewritten on the incident item, conditioned on its version (a concurrent
 *   change makes it read the incident again).
 * - Timeline entries are rewritten in place (actor; `personId` and `previous.personId` of role
 *   assignments; the Slack id in the summary becomes the person's name). The outbox publishes new
 *   entries only (stream INSERTs), so nothing is published twice.
 *
 * Slack users outside the directory are left as they are: nothing says who they are.
 */

import { retryOnConflict } from "@firebreak/core/shared/retry";
import type { Directory } from "../oncall/directory-types";
import type { IncidentRepository } from "../ports";
import type { Incident, RoleHolder } from "./model";
import type { TimelineEntry } from "./timeline";

export interface MigrationReport {
  incidents: number;
  incidentsChanged: number;
  rolesChanged: number;
  entriesChanged: number;
}

type Known = Map<string, { id: string; name: string }>;

/** Slack user id (any case) → directory person. */
function bySlackId(directory: Directory): Known {
  const known: Known = new Map();
  for (const p of directory.people)
    if (p.slackUserId) known.set(p.slackUserId.toUpperCase(), { id: p.id, name: p.name });
  return known;
}

const personOf = (known: Known, id: unknown) =>
  typeof id === "string" ? known.get(id.toUpperCase()) : undefined;

/** The incident's roles with Slack ids replaced (pure); undefined when none was. */
export function migratedRoles(
  incident: Incident,
  known: Known,
): { roles: Incident["roles"]; changed: number } | undefined {
  let changed = 0;
  const roles: Record<string, RoleHolder> = {};
  for (const [role, holder] of Object.entries(incident.roles ?? {})) {
    if (!holder) continue;
    const person = personOf(known, holder.personId);
    if (person && holder.personId !== person.id) {
      roles[role] = { ...holder, personId: person.id, personName: person.name };
      changed += 1;
    } else roles[role] = holder;
  }
  return changed ? { roles, changed } : undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The entry with Slack ids of directory people replaced (pure); undefined when it has none. */
export function migratedEntry(entry: TimelineEntry, known: Known): TimelineEntry | undefined {
  let changed = false;
  let actor = entry.actor;
  const me = entry.actor.type === "slack" ? personOf(known, entry.actor.id) : undefined;
  if (me && entry.actor.id !== me.id) {
    actor = { type: "slack", id: me.id, name: me.name };
    changed = true;
  }
  let data = entry.data;
  if (entry.kind === "incident.role_assigned") {
    const assignee = personOf(known, data.personId);
    const previous = data.previous as { personId?: unknown; personName?: unknown } | undefined;
    const before = personOf(known, previous?.personId);
    if (assignee && data.personId !== assignee.id) {
      data = { ...data, personId: assignee.id, personName: assignee.name };
      changed = true;
    }
    if (before && previous && previous.personId !== before.id) {
      data = { ...data, previous: { ...previous, personId: before.id, personName: before.name } };
      changed = true;
    }
  }
  let summary = entry.summary;
  for (const [slackId, person] of known) {
    const pattern = new RegExp(`\\b${escapeRegExp(slackId)}\\b`, "gi");
    if (pattern.test(summary)) {
      summary = summary.replace(pattern, person.name);
      changed = true;
    }
  }
  return changed ? { ...entry, actor, data, summary } : undefined;
}

/** Runs the migration over every incident (newest first). With `dryRun`, only counts. */
export async function migrateSlackIdentities(
  store: IncidentRepository,
  directory: Directory,
  options: { dryRun?: boolean; progress?: (report: MigrationReport) => void } = {},
): Promise<MigrationReport> {
  const known = bySlackId(directory);
  const report: MigrationReport = { incidents: 0, incidentsChanged: 0, rolesChanged: 0, entriesChanged: 0 };
  if (known.size === 0) return report;
  let cursor: string | undefined;
  do {
    const page = await store.listIncidents({ status: "all", limit: 100, ...(cursor ? { cursor } : {}) });
    for (const listed of page.items) {
      report.incidents += 1;
      const changed = await migrateIncident(store, listed.id, known, options.dryRun ?? false, report);
      if (changed) report.incidentsChanged += 1;
    }
    options.progress?.(report);
    cursor = page.cursor;
  } while (cursor);
  return report;
}

async function migrateIncident(
  store: IncidentRepository,
  id: string,
  known: Known,
  dryRun: boolean,
  report: MigrationReport,
): Promise<boolean> {
  // Entries already rewritten are not rewritten again, so a run after a lost race repeats nothing.
  return retryOnConflict(async () => {
    const found = await store.getIncidentWithTimeline(id);
    if (!found) return false;
    const roles = migratedRoles(found.incident, known);
    const entries = found.timeline.flatMap((e) => migratedEntry(e, known) ?? []);
    if (!roles && entries.length === 0) return false;
    if (dryRun) {
      report.rolesChanged += roles?.changed ?? 0;
      report.entriesChanged += entries.length;
      return true;
    }
    for (const entry of entries) await store.rewriteTimelineEntry(entry);
    report.entriesChanged += entries.length;
    if (!roles) return true;
    await store.commitIncidentChange({
      before: found.incident,
      after: { ...found.incident, roles: roles.roles, version: found.incident.version + 1 },
      entries: [],
    });
    report.rolesChanged += roles.changed;
    return true;
  }, 10);
}
