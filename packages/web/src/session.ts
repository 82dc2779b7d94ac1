/**
 * Silent session refresh: while the tab is in use (a key or pointer press in the last 5 minutes),
 * a session past half its life is refreshed by POST /auth/refresh, so someone working an incident
 * is never signed out mid-sentence. An idle tab lets its session run out; the server ends every
 * session 7 days after its sign-in whatever happens.
 */
import { useEffect, useRef } from "preact/hooks";
import { refreshSession } from "./api";
import type { SessionTimes } from "./types";

export const ACTIVE_WITHIN_MS = 5 * 60_000;
const CHECK_EVERY_MS = 60_000;
const LONGEST_MS = 7 * 24 * 3600_000;

/** Whether a session should be refreshed at `now`: past half its life, not expired, not at its end. */
export function shouldRefresh(session: SessionTimes, now: number): boolean {
  const issued = Date.parse(session.issuedAt);
  const expires = Date.parse(session.expiresAt);
  const signedIn = Date.parse(session.signedInAt);
  if (![issued, expires, signedIn].every(Number.isFinite)) return false;
  return now >= issued + (expires - issued) / 2 && now < expires && now < signedIn + LONGEST_MS - 60_000;
}

export function useSessionRefresh(
  session: SessionTimes | undefined,
  onRefreshed: (s: SessionTimes) => void,
): void {
  const current = useRef(session);
  current.current = session;
  const lastActive = useRef(Date.now());
  useEffect(() => {
    if (!session) return;
    let running = false;
    const check = async () => {
      const s = current.current;
      const now = Date.now();
      if (!s || running || document.visibilityState !== "visible") return;
      if (now - lastActive.current > ACTIVE_WITHIN_MS || !shouldRefresh(s, now)) return;
      running = true;
      try {
        const fresh = await refreshSession();
        onRefreshed({ ...s, issuedAt: new Date().toISOString(), ...fresh });
      } catch {
        // Not now (offline, or the session's end): the next 401 shows the sign-in, drafts kept.
      } finally {
        running = false;
      }
    };
    const active = () => {
      lastActive.current = Date.now();
      void check();
    };
    document.addEventListener("keydown", active);
    document.addEventListener("pointerdown", active);
    const timer = setInterval(() => void check(), CHECK_EVERY_MS);
    return () => {
      document.removeEventListener("keydown", active);
      document.removeEventListener("pointerdown", active);
      clearInterval(timer);
    };
  }, [session !== undefined]);
}
