/**
 * Scheduling and cancelling maintenance windows (the API, the CLI and Slack call these), and
 * reading them with their held alarms and timeline.
 */

import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import type { Actor } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { MaintenanceRepository } from "../ports";
import {
  latestPerAlarm,
  type MaintenanceWindow,
  planWindow,
  type ReleaseRecord,
  WindowEndedError,
  type WindowState,
  windowEnd,
  windowKey,
  windowScope,
  windowState,
} from "./window";

export interface MaintenanceDeps {
  maintenance: MaintenanceRepository;
  clock?: Clock;
}

/** Schedules a window (the request as windowRequestSchema has it) on behalf of `actor`. */
export async function scheduleWindow(
  deps: MaintenanceDeps,
  request: unknown,
  actor: Actor,
): Promise<MaintenanceWindow> {
  const now = (deps.clock ?? systemClock).now();
  const plan = planWindow(request, now);
  const number = await deps.maintenance.allocateNumber();
  const at = now.toISOString();
  const window: MaintenanceWindow = {
    id: newId(now.getTime()),
    number,
    ...plan,
    createdBy: actor,
    createdAt: at,
  };
  const key = windowKey(window);
  await deps.maintenance.create(window, {
    id: newId(now.getTime()),
    incidentId: window.id,
    kind: "maintenance.scheduled",
    actor,
    at,
    summary: `${key} scheduled by ${actor.name ?? actor.id} for ${windowScope(window)}, ${window.from} to ${window.to}: ${window.reason}`,
    data: {
      window: key,
      windowId: window.id,
      services: window.services,
      ...(window.team ? { team: window.team } : {}),
      from: window.from,
      to: window.to,
      reason: window.reason,
    },
  });
  return window;
}

/** MW-<n>, "mw-3" or "3" → 3; a ValidationError naming `field` otherwise. */
export function parseWindowRef(ref: string, field = "id"): number {
  const match = /^(?:mw-?)?(\d{1,9})$/i.exec(ref.trim());
  if (!match) {
    const message = `expected a maintenance window such as MW-3, got ${JSON.stringify(ref.slice(0, 40))}`;
    throw new ValidationError(`invalid ${field}: ${message}`, [{ path: field, message }]);
  }
  return Number(match[1]);
}

export async function getWindow(deps: MaintenanceDeps, ref: string): Promise<MaintenanceWindow> {
  const window = await deps.maintenance.get(parseWindowRef(ref));
  if (!window) throw new NotFoundError("maintenance window", ref);
  return window;
}

/** Cancels a window that has not ended. Its held alarms are released by the next sweep (≤ 1 min). */
export async function cancelWindow(
  deps: MaintenanceDeps,
  ref: string,
  actor: Actor,
): Promise<MaintenanceWindow> {
  const window = await getWindow(deps, ref);
  const now = (deps.clock ?? systemClock).now();
  const state = windowState(window, now);
  if (state === "ended" || state === "cancelled")
    throw new WindowEndedError(window, `has already ${state === "ended" ? "ended" : "been cancelled"}`);
  const at = now.toISOString();
  const key = windowKey(window);
  return deps.maintenance.cancel(window, actor, at, {
    id: newId(now.getTime()),
    incidentId: window.id,
    kind: "maintenance.cancelled",
    actor,
    at,
    summary: `${key} cancelled by ${actor.name ?? actor.id}${state === "active" ? "; the alarms it held are released" : " before it began"}`,
    data: { window: key, windowId: window.id, wasActive: state === "active" },
  });
}

/** A window as the API, CLI, Slack and dashboard show it. */
export interface WindowView extends MaintenanceWindow {
  key: string;
  state: WindowState;
  end: string;
}

export function windowView(window: MaintenanceWindow, now: Date): WindowView {
  return { ...window, key: windowKey(window), state: windowState(window, now), end: windowEnd(window) };
}

/**
 * Windows that have not ended, and those that ended in the last `recentMs` (default 7 days),
 * soonest first; with `service`, only those for that service (or that name no service: a team's).
 */
export async function listWindows(
  deps: MaintenanceDeps,
  options: { service?: string; recentMs?: number } = {},
): Promise<WindowView[]> {
  const now = (deps.clock ?? systemClock).now();
  const since = new Date(now.getTime() - (options.recentMs ?? 7 * 24 * 3_600_000)).toISOString();
  const windows = await deps.maintenance.endingAfter(since);
  return windows
    .filter((w) => !options.service || w.services.includes(options.service) || w.services.length === 0)
    .map((w) => windowView(w, now))
    .sort((a, b) => a.from.localeCompare(b.from) || a.number - b.number);
}

/** One window with its held alarms (each alarm's latest held state), releases and timeline. */
export async function windowDetail(
  deps: MaintenanceDeps,
  ref: string,
): Promise<
  WindowView & {
    held: { arn: string; name: string; state: string; stateTimestamp: string }[];
    releases: ReleaseRecord[];
    timeline: TimelineEntry[];
  }
> {
  const window = await getWindow(deps, ref);
  const now = (deps.clock ?? systemClock).now();
  const [held, releases, timeline] = await Promise.all([
    deps.maintenance.held(window.id),
    deps.maintenance.releases(window.id),
    deps.maintenance.timeline(window.id),
  ]);
  return {
    ...windowView(window, now),
    held: latestPerAlarm(held).map((t) => ({
      arn: t.alarmArn,
      name: t.alarmName,
      state: t.state,
      stateTimestamp: t.stateTimestamp,
    })),
    releases,
    timeline,
  };
}
