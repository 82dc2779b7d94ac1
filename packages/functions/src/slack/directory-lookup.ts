import type { Directory } from "@firebreak/core/oncall/directory";
import type { DirectoryStore } from "@firebreak/core/oncall/store";

/**
 * Slack user id → on-call directory person id, for permission checks (a role holder assigned by
 * paging is a directory person). The directory is cached for `ttlMs` (default 30 s) so a slash
 * command costs at most one extra GetItem now and then.
 */
export function directoryPersonLookup(directory: DirectoryStore, ttlMs = 30_000) {
  let cached: { at: number; byUser: Map<string, string> } | undefined;
  const load = async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.byUser;
    const stored = await directory.get();
    const byUser = new Map<string, string>();
    for (const person of (stored?.directory as Directory | undefined)?.people ?? [])
      if (person.slackUserId) byUser.set(person.slackUserId, person.id);
    cached = { at: Date.now(), byUser };
    return byUser;
  };
  return async (slackUserId: string): Promise<string | undefined> => (await load()).get(slackUserId);
}
