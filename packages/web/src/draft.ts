/**
 * Drafts that survive a session expiry: text a responder is typing (a status update, a resolution
 * summary) is kept in this tab's sessionStorage as they type, so signing in again, which leaves the
 * page and comes back to it, restores it. Cleared when posted, and all of them on sign-out.
 */
import { useCallback, useState } from "preact/hooks";

const PREFIX = "fb-draft:";

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage disabled: drafts just do not persist
  }
}

/** `[value, set]` for the draft named `key` (e.g. `<incident id>:update`). */
export function useDraft(key: string): [string, (value: string) => void] {
  const [value, setValue] = useState(() => storage()?.getItem(PREFIX + key) ?? "");
  const set = useCallback(
    (next: string) => {
      setValue(next);
      const s = storage();
      if (!s) return;
      if (next) s.setItem(PREFIX + key, next);
      else s.removeItem(PREFIX + key);
    },
    [key],
  );
  return [value, set];
}

/** Forgets every draft (signing out on a shared machine). */
export function clearDrafts(): void {
  const s = storage();
  if (!s) return;
  for (const key of Object.keys(s)) if (key.startsWith(PREFIX)) s.removeItem(key);
}
