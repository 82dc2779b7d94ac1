import type { TimelineEntry } from "../incident/timeline";
import type { ContactRecords } from "../oncall/contact-methods";
import type { Directory } from "../oncall/directory-types";
import type { ShiftOverride } from "../oncall/shift-overrides";
import type {
  ApplyOptions,
  PersonalRules,
  StoredContacts,
  StoredDirectory,
} from "../oncall/stored-directory";

/** The on-call directory, with its runtime overrides. */
export interface DirectoryRepository {
  /** The directory, its runtime overrides, rules and verifications, read at once. */
  get(): Promise<StoredDirectory | undefined>;
  /** The stored runtime overrides, their version and the next OV number, with the directory as applied. */
  getOverrides(): Promise<{ items: ShiftOverride[]; version: number; next: number; applied?: Directory }>;
  /** Replaces the runtime overrides (conditioned on the version read) with the change's entry. */
  saveOverrides(
    items: readonly ShiftOverride[],
    expectedVersion: number,
    next: number,
    entry: TimelineEntry,
  ): Promise<void>;
  /** Stores `directory` (already validated) as the current one, atomically. */
  apply(
    directory: Directory,
    expectedVersion?: number,
    options?: Omit<ApplyOptions, "expectedVersion">,
  ): Promise<StoredDirectory>;
}

/** Contact-method verifications: every write conditioned on the version read. */
export interface ContactRepository {
  get(): Promise<StoredContacts>;
  save(items: ContactRecords, expectedVersion: number, entry?: TimelineEntry): Promise<void>;
}

/** People's own notification rules: every write conditioned on the version read (0: none yet). */
export interface PersonalRulesRepository {
  get(): Promise<{ items: Record<string, PersonalRules>; version: number; applied?: Directory }>;
  save(items: Record<string, PersonalRules>, expectedVersion: number, entry: TimelineEntry): Promise<void>;
}
