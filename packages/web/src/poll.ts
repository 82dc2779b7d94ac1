import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { getIfChanged } from "./api";

/** How often the open views revalidate: new or changed incidents show within 5 seconds. */
export const POLL_MS = 3000;

export interface Polled<T> {
  data: T | null;
  error: Error | null;
  /** When the data was last confirmed current (a 200 or a 304). */
  checkedAt: number | null;
  /** Revalidate now (after a write), without waiting for the next tick. */
  refresh: () => Promise<void>;
}

/**
 * Polls `path` with If-None-Match (a 304 costs no body and no re-render), and stops while the tab
 * is hidden: a hidden tab makes no requests, and showing it again revalidates at once.
 */
export function usePolling<T>(path: string | null, intervalMs = POLL_MS): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [checkedAt, setCheckedAt] = useState<number | null>(null);
  const etag = useRef<string | null>(null);
  const inFlight = useRef<Promise<void> | null>(null);
  const current = useRef(path);
  current.current = path;

  const refresh = useCallback(async () => {
    if (!path) return;
    if (inFlight.current) return inFlight.current;
    const run = (async () => {
      try {
        const result = await getIfChanged<T>(path, etag.current);
        if (current.current !== path) return;
        if (result) {
          etag.current = result.etag;
          setData(result.data);
        }
        setError(null);
        setCheckedAt(Date.now());
      } catch (e) {
        if (current.current === path) setError(e as Error);
      } finally {
        inFlight.current = null;
      }
    })();
    inFlight.current = run;
    return run;
  }, [path]);

  useEffect(() => {
    etag.current = null;
    setData(null);
    setError(null);
    if (!path) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let looping = false;
    const tick = async () => {
      timer = undefined;
      if (document.visibilityState === "hidden" || looping) return;
      looping = true;
      await refresh();
      looping = false;
      const visible = () => document.visibilityState === "visible";
      if (!stopped && visible()) timer = setTimeout(tick, intervalMs);
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") {
        clearTimeout(timer);
        timer = undefined;
      } else if (!timer) void tick();
    };
    document.addEventListener("visibilitychange", onVisibility);
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [path, intervalMs, refresh]);

  return { data, error, checkedAt, refresh };
}

/** The current time, re-rendered every second (ticking ages). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
