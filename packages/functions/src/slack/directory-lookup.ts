import type { Directory } from "@firebreak/core/oncall/directory-types";

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
 * `load` is the app's one cached directory (`cachedDirectory`: at most one read per 30 s), so a
 * slash command costs at most one extra read now and then.
 */
export function directoryPersonLookup(load: () => Promise<Directory | undefined>) {
  const bySlackId = new WeakMap<Directory, Map<string, DirectoryPerson>>();
  return async (slackUserId: string): Promise<PersonLookupResult> => {
    const directory = await load();
    if (!directory) return { directory: false };
    let people = bySlackId.get(directory);
    if (!people) {
      people = new Map();
      for (const p of directory.people)
        if (p.slackUserId) people.set(p.slackUserId, { id: p.id, name: p.name });
      bySlackId.set(directory, people);
    }
    const known = directory.people.length > 0;
    const person = people.get(slackUserId);
    return person ? { directory: known, person } : { directory: known };
  };
}
