/**
 * Action items as records (issue 17): create (by hand or from the postmortem draft's rows), change
 * status, edit, read and list them. The API, Slack and the dashboard call these; each create and
 * change records its actor by directory name and emits its domain event (the store writes the
 * timeline entry in the same transaction).
 */
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { NotFoundError, ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import { validate } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import { oneLineText, titleSchema } from "../incident/inputs";
import type { Actor, Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { resolveOwner } from "../oncall/directory-index";
import type { Directory, Person } from "../oncall/directory-types";
import type { ActionItemRepository, IncidentRepository } from "../ports";
import type { CreateOutcome } from "./model";
import { ACTION_ITEM_STATUSES, type ActionItem, type ActionItemStatus, POSTMORTEM_TAG } from "./model";

export interface ActionItemDeps {
  actionItems: ActionItemRepository;
  incidents: Pick<IncidentRepository, "getIncident">;
  /** The on-call directory: owners are its people. */
  directory: () => Promise<Directory | undefined>;
  clock?: Clock;
}

const MAX_DUE_DAYS = 5 * 366;
const DAY_MS = 86_400_000;

const ownerSchema = z
  .string()
  .check(oneLineText(), z.trim(), z.minLength(1, "must name a person of the directory"), z.maxLength(128));
const dueSchema = z.string().check(
  z.trim(),
  z.regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD, e.g. 2026-12-20"),
  z.refine((v) => isCalendarDate(v), "is not a calendar date"),
);

export const actionItemCreateSchema = z.strictObject({
  title: titleSchema,
  owner: ownerSchema,
  due: z.optional(dueSchema),
});
export type ActionItemCreateInput = z.input<typeof actionItemCreateSchema>;

export const actionItemUpdateSchema = z
  .strictObject({
    title: z.optional(titleSchema),
    owner: z.optional(ownerSchema),
    due: z.optional(z.nullable(dueSchema)),
    status: z.optional(
      z.enum(ACTION_ITEM_STATUSES, { error: () => `expected one of ${ACTION_ITEM_STATUSES.join(", ")}` }),
    ),
    expectedVersion: z.optional(z.number().check(z.int(), z.gte(1))),
  })
  .check(
    z.refine(
      (u) => u.title !== undefined || u.owner !== undefined || u.due !== undefined || u.status !== undefined,
      "give at least one of title, owner, due and status",
    ),
  );
export type ActionItemUpdateInput = z.input<typeof actionItemUpdateSchema>;

export const actionItemFilterSchema = z.strictObject({
  service: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(128))),
  owner: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(128))),
  status: z.optional(
    z.enum(ACTION_ITEM_STATUSES, { error: () => `expected one of ${ACTION_ITEM_STATUSES.join(", ")}` }),
  ),
  incident: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
});
export type ActionItemFilter = z.input<typeof actionItemFilterSchema>;

function isCalendarDate(value: string): boolean {
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(`invalid action item: ${path}: ${message}`, [{ path, message }]);
}

/** A due date must not be in the past (UTC) nor absurdly far away. */
function checkDue(due: string, now: Date, path = "due"): void {
  const today = now.toISOString().slice(0, 10);
  if (due < today) throw invalid(path, `${due} is in the past (today is ${today})`);
  if (Date.parse(`${due}T00:00:00Z`) - now.getTime() > MAX_DUE_DAYS * DAY_MS)
    throw invalid(path, `${due} is more than 5 years away`);
}

/** The directory person an owner names: id, Slack id (`U…` or `<@U…>`) or e-mail. */
export function findOwner(directory: Directory | undefined, owner: string, path = "owner"): Person {
  const ref = owner
    .trim()
    .replace(/^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/, "$1")
    .replace(/^@/, "");
  const person = directory?.people.find((p) => p.id === ref || p.slackUserId === ref || p.email === ref);
  if (!person)
    throw invalid(
      path,
      directory
        ? `unknown person "${ref.slice(0, 64)}" (an id, Slack id or e-mail of the on-call directory)`
        : "there is no on-call directory to find the owner in",
    );
  return person;
}

function actorName(actor: Actor): string {
  return actor.name ?? actor.id;
}

function entry(
  item: ActionItem,
  kind: "action_item.created" | "action_item.updated",
  actor: Actor,
  now: Date,
  summary: string,
  data: Record<string, unknown>,
): TimelineEntry {
  return {
    id: newId(now.getTime()),
    incidentId: item.incidentId,
    kind,
    actor,
    at: now.toISOString(),
    summary,
    data: { actionItemId: item.id, ...data, item },
  };
}

async function incidentOf(deps: ActionItemDeps, incidentId: string): Promise<Incident> {
  const incident = await deps.incidents.getIncident(incidentId);
  if (!incident) throw new NotFoundError("incident", incidentId);
  return incident;
}

function owningTeam(directory: Directory | undefined, incident: Incident): string | undefined {
  if (incident.team) return incident.team;
  if (!directory) return undefined;
  for (const service of incident.services) {
    const team = resolveOwner(directory, service, incident.locations[0]?.account).team?.id;
    if (team) return team;
  }
  return undefined;
}

async function createRecord(
  deps: ActionItemDeps,
  incident: Incident,
  fields: { title: string; owner: Person; due?: string; source: ActionItem["source"]; tags?: string[] },
  actor: Actor,
  idempotencyKey: string,
  directory: Directory | undefined,
): Promise<CreateOutcome> {
  const key = `${incident.id}:${idempotencyKey}`;
  // A redelivery (the usual duplicate) takes no number; concurrent duplicates may leave a gap.
  const earlier = await deps.actionItems.byIdempotencyKey(key);
  if (earlier) return { item: earlier, created: false };
  const now = (deps.clock ?? systemClock).now();
  const n = await deps.actionItems.allocateNumber(incident.id);
  const at = now.toISOString();
  const team = owningTeam(directory, incident);
  const item: ActionItem = {
    id: `AI-${incident.number}-${n}`,
    incidentId: incident.id,
    incidentNumber: incident.number,
    services: incident.services,
    ...(team ? { team } : {}),
    title: fields.title,
    owner: fields.owner.id,
    ...(fields.due ? { due: fields.due } : {}),
    status: "open",
    tags: [...new Set([POSTMORTEM_TAG, ...(fields.tags ?? [])])],
    source: fields.source,
    createdBy: actorName(actor),
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  return deps.actionItems.create(
    item,
    entry(
      item,
      "action_item.created",
      actor,
      now,
      `${item.id} "${item.title}" for ${fields.owner.name}${item.due ? `, due ${item.due}` : ""} (by ${actorName(actor)})`,
      { title: item.title, owner: item.owner, ownerName: fields.owner.name, due: item.due ?? null },
    ),
    key,
  );
}

/**
 * Creates an action item of an incident. `idempotencyKey` (Slack's trigger, the API's
 * Idempotency-Key) makes a redelivered request return the item it made (`created: false`).
 */
export async function createActionItem(
  deps: ActionItemDeps,
  incidentId: string,
  input: unknown,
  actor: Actor,
  idempotencyKey?: string,
): Promise<CreateOutcome> {
  const data = validate(actionItemCreateSchema, input, "action item");
  const now = (deps.clock ?? systemClock).now();
  if (data.due) checkDue(data.due, now);
  const [incident, directory] = await Promise.all([incidentOf(deps, incidentId), deps.directory()]);
  const owner = findOwner(directory, data.owner);
  return createRecord(
    deps,
    incident,
    { title: data.title, owner, ...(data.due ? { due: data.due } : {}), source: { kind: "manual" } },
    actor,
    idempotencyKey ?? newId(now.getTime()),
    directory,
  );
}

/** A row of the postmortem draft's action items (postmortem metadata `action_items`). */
export interface DraftActionRow {
  id: string;
  title: string;
  owner: string | null;
  due: string;
  tags: string[];
}

/**
 * Makes records of the draft's action item rows (once each: a row's id is its idempotency key, so
 * pressing the button twice makes nothing new). A row without an owner, or whose owner is not in
 * the directory, goes to `fallbackOwner` (the caller: the person pressing the button); a due date
 * already past moves to today.
 */
export async function createFromDraft(
  deps: ActionItemDeps,
  incidentId: string,
  rows: readonly DraftActionRow[],
  postmortemVersion: number,
  actor: Actor,
  fallbackOwner: string,
): Promise<CreateOutcome[]> {
  const now = (deps.clock ?? systemClock).now();
  const [incident, directory] = await Promise.all([incidentOf(deps, incidentId), deps.directory()]);
  const fallback = findOwner(directory, fallbackOwner, "owner");
  const today = now.toISOString().slice(0, 10);
  const outcomes: CreateOutcome[] = [];
  for (const row of rows) {
    let owner = fallback;
    if (row.owner) {
      const named = directory?.people.find(
        (p) => p.id === row.owner || p.name === row.owner || p.slackUserId === row.owner,
      );
      if (named) owner = named;
    }
    const title = validate(titleSchema, row.title.slice(0, 200), "action item title");
    outcomes.push(
      await createRecord(
        deps,
        incident,
        {
          title,
          owner,
          due: isCalendarDate(row.due) && row.due >= today ? row.due : today,
          source: { kind: "draft", draftItemId: row.id, postmortemVersion },
          tags: row.tags,
        },
        actor,
        `draft:${row.id}`,
        directory,
      ),
    );
  }
  return outcomes;
}

/** `AI-42-1` (any case) → `AI-42-1`; a ValidationError naming `field` otherwise. */
export function parseActionItemId(ref: string, field = "id"): string {
  const match = /^ai-(\d{1,9})-(\d{1,6})$/i.exec(ref.trim());
  if (!match) {
    const message = `expected an action item such as AI-42-1, got ${JSON.stringify(ref.slice(0, 40))}`;
    throw new ValidationError(`invalid ${field}: ${message}`, [{ path: field, message }]);
  }
  return `AI-${Number(match[1])}-${Number(match[2])}`;
}

export async function getActionItem(
  deps: Pick<ActionItemDeps, "actionItems">,
  ref: string,
): Promise<ActionItem> {
  const id = parseActionItemId(ref);
  const item = await deps.actionItems.get(id);
  if (!item) throw new NotFoundError("action item", id);
  return item;
}

const STATUS_WORDS: Record<ActionItemStatus, string> = {
  open: "reopened",
  done: "done",
  wont_do: "won't do",
};

/**
 * Changes an item's status, title, owner or due date. With `expectedVersion`, a change made
 * meanwhile is a VersionConflictError (a 409 carrying the current version); without, the change
 * applies to the latest version. Setting what is already there changes nothing (no entry).
 */
export async function updateActionItem(
  deps: ActionItemDeps,
  ref: string,
  input: unknown,
  actor: Actor,
): Promise<{ item: ActionItem; changed: boolean }> {
  const data = validate(actionItemUpdateSchema, input, "action item");
  const now = (deps.clock ?? systemClock).now();
  const owner = data.owner === undefined ? undefined : findOwner(await deps.directory(), data.owner);
  return retryOnConflict(
    async () => {
      const before = await getActionItem(deps, ref);
      if (data.expectedVersion !== undefined && before.version !== data.expectedVersion)
        throw new VersionConflictError(
          `${before.id} is at version ${before.version}, not ${data.expectedVersion}: reload and try again`,
          before.version,
        );
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const after: ActionItem = { ...before };
      if (data.title !== undefined && data.title !== before.title) {
        changes.title = { from: before.title, to: data.title };
        after.title = data.title;
      }
      if (owner && owner.id !== before.owner) {
        changes.owner = { from: before.owner, to: owner.id };
        after.owner = owner.id;
      }
      if (data.due !== undefined && data.due !== (before.due ?? null)) {
        if (data.due !== null) checkDue(data.due, now);
        changes.due = { from: before.due ?? null, to: data.due };
        if (data.due === null) delete after.due;
        else after.due = data.due;
      }
      if (data.status !== undefined && data.status !== before.status) {
        changes.status = { from: before.status, to: data.status };
        after.status = data.status;
      }
      if (Object.keys(changes).length === 0) return { item: before, changed: false };
      after.updatedAt = now.toISOString();
      after.version = before.version + 1;
      const what = Object.entries(changes)
        .map(([field, { to }]) =>
          field === "status"
            ? STATUS_WORDS[to as ActionItemStatus]
            : `${field} ${to === null ? "cleared" : String(to)}`,
        )
        .join(", ");
      const saved = await deps.actionItems.replace(
        before,
        after,
        entry(after, "action_item.updated", actor, now, `${after.id} ${what} (by ${actorName(actor)})`, {
          changes,
        }),
      );
      return { item: saved, changed: true };
    },
    10,
    // A change asked against a version the caller saw is not retried: the caller is told.
    (error) => error instanceof VersionConflictError && data.expectedVersion === undefined,
  );
}

/** Items matching every given filter, newest incident first, then by number. */
export async function listActionItems(
  deps: Pick<ActionItemDeps, "actionItems">,
  filter: unknown = {},
): Promise<ActionItem[]> {
  const f = validate(actionItemFilterSchema, filter, "filter");
  const incidentNumber = f.incident?.match(/^inc-?(\d+)$/i)?.[1];
  const items = await deps.actionItems.all();
  return items
    .filter(
      (i) =>
        (!f.service || i.services.includes(f.service)) &&
        (!f.owner || i.owner === f.owner) &&
        (!f.status || i.status === f.status) &&
        (!f.incident || i.incidentId === f.incident || String(i.incidentNumber) === incidentNumber),
    )
    .sort((a, b) => b.incidentNumber - a.incidentNumber || itemNumber(a) - itemNumber(b));
}

function itemNumber(item: ActionItem): number {
  return Number(item.id.split("-")[2]);
}

/** Per service: the open action items, how old they are (days), and the oldest. */
export interface ServiceRisk {
  service: string;
  open: number;
  overdue: number;
  oldestOpenDays: number | null;
  medianOpenDays: number | null;
  items: { id: string; title: string; owner: string; due?: string; ageDays: number }[];
}

/** Open action items by service, with their ages on `now` (the risk view adds each budget left). */
export function openItemsByService(items: readonly ActionItem[], now: Date): ServiceRisk[] {
  const today = now.toISOString().slice(0, 10);
  const byService = new Map<string, ServiceRisk["items"]>();
  let overdue = new Map<string, number>();
  for (const item of items) {
    if (item.status !== "open") continue;
    const ageDays = Math.max(0, Math.floor((now.getTime() - Date.parse(item.createdAt)) / DAY_MS));
    for (const service of item.services.length ? item.services : ["(no service)"]) {
      const list = byService.get(service) ?? [];
      list.push({
        id: item.id,
        title: item.title,
        owner: item.owner,
        ...(item.due ? { due: item.due } : {}),
        ageDays,
      });
      byService.set(service, list);
      if (item.due && item.due < today) overdue = overdue.set(service, (overdue.get(service) ?? 0) + 1);
    }
  }
  return [...byService.entries()]
    .map(([service, list]) => {
      const ages = list.map((i) => i.ageDays).sort((a, b) => a - b);
      return {
        service,
        open: list.length,
        overdue: overdue.get(service) ?? 0,
        oldestOpenDays: ages.at(-1) ?? null,
        medianOpenDays: ages.length ? (ages[Math.floor((ages.length - 1) / 2)] ?? null) : null,
        items: list.sort((a, b) => b.ageDays - a.ageDays),
      };
    })
    .sort((a, b) => b.open - a.open || a.service.localeCompare(b.service));
}
