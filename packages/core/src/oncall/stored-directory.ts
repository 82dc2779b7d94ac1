import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import type { Actor } from "../incident/model";
import type { ContactRecords } from "./contact-methods";
import type { Directory } from "./directory-types";
import type { NotifyRules } from "./notify-rules";
import type { ShiftOverride } from "./shift-overrides";

/**
 * The on-call directory as stored: the applied directory with its live shift overrides, people's
 * own rules and contact verifications (DirectoryRepository, ports/oncall.ts).
 */
export interface StoredDirectory {
  /**
   * The directory everything that asks "who is on call" uses: as applied, plus the live runtime
   * shift overrides (shift-overrides.ts) in their rotations.
   */
  directory: Directory;
  /** The directory exactly as applied (what editors read and apply again); absent: `directory`. */
  applied?: Directory;
  /** The runtime shift overrides that have not ended, soonest first (absent: none). */
  overrides?: ShiftOverride[];
  /** People's own notification rules by person id (in `directory` already; absent: none). */
  personalRules?: Record<string, PersonalRules>;
  /** Contact-method verifications by person id (contact-methods.ts; absent: none yet). */
  contacts?: ContactRecords;
  /** Starts at 1 and grows by one on every apply (optimistic locking for editors). */
  version: number;
  updatedAt: string;
  updatedBy?: Actor;
}

/** Rules a person set for themselves (or an admin for them), kept across directory applies. */
export interface PersonalRules {
  rules: NotifyRules;
  updatedAt: string;
  updatedBy: Actor;
}

/** The directory with each person's own rules in place of the directory's `notify`. */
export function withPersonalRules(directory: Directory, personal: Record<string, PersonalRules>): Directory {
  if (Object.keys(personal).length === 0) return directory;
  return {
    ...directory,
    people: directory.people.map((p) => {
      const own = Object.hasOwn(personal, p.id) ? personal[p.id] : undefined;
      return own ? { ...p, notify: own.rules } : p;
    }),
  };
}

export interface ApplyOptions {
  /**
   * The version the editor read: the apply only succeeds if it is still current
   * (0 = "there must be no directory yet"). Without it, the last apply wins.
   */
  expectedVersion?: number;
  actor?: Actor;
}

/**
 * The directory as read at most once per `ttlMs` (default 30 s): for hot paths (alarm ingest's
 * ignore rules) that can use a directory a few seconds old. A failed read is not cached.
 */
export function cachedDirectory(
  store: { get(): Promise<StoredDirectory | undefined> },
  ttlMs = 30_000,
  clock: Clock = systemClock,
): () => Promise<Directory | undefined> {
  let cached: { at: number; value: Promise<Directory | undefined> } | undefined;
  return () => {
    const now = clock.now().getTime();
    if (!cached || now - cached.at >= ttlMs) {
      const value = store.get().then((stored) => stored?.directory);
      cached = { at: now, value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

export interface StoredContacts {
  items: ContactRecords;
  /** The item's version (0: none stored yet). */
  version: number;
  /** The directory as applied (absent: none yet): the addresses are its people's. */
  applied?: Directory;
}
