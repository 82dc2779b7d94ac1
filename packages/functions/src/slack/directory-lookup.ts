import type { Directory } from "@firebreak/core/oncall/directory";
import type { DirectoryStore } from "@firebreak/core/oncall/store";

/** A Slack user as the on-call directory knows them. */
export interface DirectoryPerson {
  id: string;
  name: string;
}

/** What the directory says of a Slack user: whether there is a directory, and who they are in it. */
export interface PersonLookupResult {
  /** A directory with people is applied (without one, nobody is a directory person). */
  directory: boolean;
  person?: DirectoryPerson;
}

/**
 * Slack user id → on-call directory person, for permission checks (who may acknowledge, who holds
 * a role) and for recording each action under the person's directory name rather than a Slack id.
 * The directory is cached for `ttlMs` (default 30 s) so a slash command costs at most one extra
 * GetItem now and then.
 */
export function directoryPersonLookup(directory: DirectoryStore, ttlMs = 30_000) {
  let cached: { at: number; byUser: Map<string, DirectoryPerson>; known: boolean } | undefined;
  const load = async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached;
    const stored = await directory.get();
    const people = (stored?.directory as Directory | undefined)?.people ?? [];
    const byUser = new Map<string, DirectoryPerson>();
    for (const person of people)
      if (person.slackUserId) byUser.set(person.slackUserId, { id: person.id, name: person.name });
    cached = { at: Date.now(), byUser, known: people.length > 0 };
    return cached;
  };
  return async (slackUserId: string): Promise<PersonLookupResult> => {
    const { byUser, known } = await load();
    const person = byUser.get(slackUserId);
    return person ? { directory: known, person } : { directory: known };
  };
}
