/**
 * People's own notification rules (oncall/notify-actions.ts), one item beside the directory
 * (`DIRECTORY` / `NOTIFY`): the directory store (store.ts) reads it with the directory and puts
 * each person's own rules in place (oncall/stored-directory.ts `withPersonalRules`); this module
 * writes it. Apart from
 * DirectoryStore so that the functions that only read the directory do not carry it.
 */

import type { TimelineEntry } from "../../../incident/timeline";
import type { Directory } from "../../../oncall/directory-types";
import type { PersonalRules } from "../../../oncall/stored-directory";
import type { PersonalRulesRepository } from "../../../ports";
import { keys } from "../keys";
import type { DirectoryStore } from "./store";

export class PersonalRulesStore implements PersonalRulesRepository {
  constructor(private readonly directory: Pick<DirectoryStore, "read" | "putBeside">) {}

  /** People's own rules and their item's version (0: none stored yet), with the directory as applied. */
  async get(): Promise<{ items: Record<string, PersonalRules>; version: number; applied?: Directory }> {
    const { current, personal } = await this.directory.read();
    return typeof current?.body === "string"
      ? { ...personal, applied: JSON.parse(current.body) as Directory }
      : personal;
  }

  /**
   * Replaces people's own rules (conditioned on the version read; 0: none stored yet) and writes
   * the change's timeline entry in the same transaction.
   */
  save(items: Record<string, PersonalRules>, expectedVersion: number, entry: TimelineEntry): Promise<void> {
    return this.directory.putBeside(
      { ...keys.personalRules(), type: "personal-rules", people: items, version: expectedVersion + 1 },
      expectedVersion,
      entry,
      `people's notification rules changed since version ${expectedVersion} was read`,
    );
  }
}
