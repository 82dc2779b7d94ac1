import type { DeliveryKey } from "../alarm/record";
import type { AlarmTransition } from "../alarm/transition";
import type { Actor } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { HeldTransition, MaintenanceWindow, ReleaseRecord } from "../maintenance/window";

/** Maintenance windows, the alarm transitions they hold and their releases. */
export interface MaintenanceRepository {
  /** The next MW-<n> (a lost create leaves a gap, never a duplicate). */
  allocateNumber(): Promise<number>;
  create(window: MaintenanceWindow, entry: TimelineEntry): Promise<void>;
  get(number: number): Promise<MaintenanceWindow | undefined>;
  /** Windows ending after `after` (ISO), oldest end first; `consistent`: a strongly consistent read. */
  endingAfter(after: string, consistent?: boolean): Promise<MaintenanceWindow[]>;
  /** The windows that have not ended at `now` (active or scheduled, not cancelled). */
  current(now: Date): Promise<MaintenanceWindow[]>;
  /** Ended windows whose held alarms were not released yet. */
  dueForRelease(now: Date, lookBackMs?: number): Promise<MaintenanceWindow[]>;
  cancel(window: MaintenanceWindow, by: Actor, at: string, entry: TimelineEntry): Promise<MaintenanceWindow>;
  /** Holds one alarm transition with its delivery key and entry; a redelivery is a DuplicateDeliveryError. */
  hold(
    delivery: DeliveryKey,
    window: MaintenanceWindow,
    t: AlarmTransition,
    entry: TimelineEntry,
  ): Promise<void>;
  held(windowId: string): Promise<HeldTransition[]>;
  releases(windowId: string): Promise<ReleaseRecord[]>;
  timeline(windowId: string): Promise<TimelineEntry[]>;
  /** Records one alarm's release with its entry, once (false when it was already recorded). */
  recordRelease(windowId: string, release: ReleaseRecord, entry: TimelineEntry): Promise<boolean>;
  /** Marks the window released with its entry, once (false when another sweep did it first). */
  finishRelease(window: MaintenanceWindow, at: string, entry: TimelineEntry): Promise<boolean>;
}
