import { monotonicFactory } from "ulid";

const next = monotonicFactory();

/** Sortable, unique ids (ULID). Monotonic within a process, so entries written together keep order. */
export function newId(at: number = Date.now()): string {
  return next(at);
}
