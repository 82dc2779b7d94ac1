import { AsyncLocalStorage } from "node:async_hooks";
import { type Actor, SYSTEM_ACTOR } from "../incident/model";

const storage = new AsyncLocalStorage<Actor>();

/** Runs `fn` on behalf of `actor`: every timeline entry written inside records it. */
export function runAs<T>(actor: Actor, fn: () => T): T {
  return storage.run(actor, fn);
}

/** The actor of the current request (Slack user, API user, alarm), or the system. */
export function currentActor(): Actor {
  return storage.getStore() ?? SYSTEM_ACTOR;
}
