import { type Clock, systemClock } from "@firebreak/core/shared/clock";

/**
 * How a Slack user outside the on-call directory is named on the timeline, roles and messages:
 * their display name from `users.info` (else their real name), cached per process, never an id.
 * Directory people are named by the directory instead (directory-lookup.ts).
 */

/** The fields of a `users.info` answer that name someone. */
export interface SlackUserInfo {
  ok?: boolean;
  user?: {
    name?: string;
    real_name?: string;
    profile?: { display_name?: string; real_name?: string };
  };
}

/** A name that is not the id in disguise (Slack's legacy `user_name` can be the lowercased id). */
export function usableName(userId: string, name: string | undefined): string | undefined {
  const trimmed = name?.trim();
  if (!trimmed || trimmed.toLowerCase() === userId.toLowerCase()) return undefined;
  return trimmed;
}

/** The name to show for a `users.info` answer: display name, else real name, else the handle. */
export function nameFromInfo(userId: string, info: SlackUserInfo): string | undefined {
  const u = info.user;
  return (
    usableName(userId, u?.profile?.display_name) ??
    usableName(userId, u?.profile?.real_name) ??
    usableName(userId, u?.real_name) ??
    usableName(userId, u?.name)
  );
}

/**
 * `userId → name | undefined`, calling `usersInfo` at most once per user per `ttlMs` (default an
 * hour; a failure is remembered for a minute, so a Slack outage costs one bounded call per user),
 * keeping at most `max` users. It never throws: without a name the caller falls back.
 */
export function slackDisplayNames(
  usersInfo: (userId: string) => Promise<SlackUserInfo>,
  options: { ttlMs?: number; max?: number; clock?: Clock } = {},
): (userId: string) => Promise<string | undefined> {
  const ttl = options.ttlMs ?? 3_600_000;
  const max = options.max ?? 1_000;
  const clock = options.clock ?? systemClock;
  const cache = new Map<string, { until: number; name: Promise<string | undefined> }>();
  return (userId) => {
    const now = clock.now().getTime();
    const hit = cache.get(userId);
    if (hit && hit.until > now) return hit.name;
    const entry = { until: now + ttl, name: Promise.resolve<string | undefined>(undefined) };
    entry.name = usersInfo(userId).then(
      (info) => (info.ok === false ? undefined : nameFromInfo(userId, info)),
      () => {
        entry.until = now + 60_000;
        return undefined;
      },
    );
    cache.delete(userId);
    cache.set(userId, entry);
    while (cache.size > max) cache.delete(cache.keys().next().value as string);
    return entry.name;
  };
}
