import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, getIfChanged } from "./api";

/** How often the open views revalidate: new or changed incidents show within 5 seconds. */
export const POLL_MS = 3000;
/** The longest wait between retries while the API is down: it is back on screen within this. */
export const MAX_RETRY_MS = 15_000;

/** The API is down for this view: unreachable, or answering 5xx. */
export interface Outage {
  /** When the first failed request of this outage was made (ms). */
  since: number;
  /** When the next retry is due (ms). */
  retryAt: number;
  error: Error;
}

/** Unreachable (fetch threw) or a server error: the data may be stale, retry. A 4xx is an answer. */
export function isOutage(error: unknown): boolean {
  return !(error instanceof ApiError) || error.status >= 500;
}

/** The wait before the next poll after `failures` failures in a row: 3 s, 6 s, 12 s, then 15 s. */
export function retryDelay(failures: number, intervalMs = POLL_MS): number {
  return failures === 0 ? intervalMs : Math.min(MAX_RETRY_MS, intervalMs * 2 ** (failures - 1));
}

export interface Polled<T> {
  data: T | null;
  error: Error | null;
  /** When the data was last confirmed current (a 200 or a 304). */
  checkedAt: number | null;
  /** Set while the API is unreachable or failing: `data` is then stale, and writes are disabled. */
  outage: Outage | null;
  /** Revalidate now (after a write), without waiting for the next tick. */
  refresh: () => Promise<void>;
}

/**
 * Polls `path` with If-None-Match (a 304 costs no body and no re-render), and stops while the tab
 * is hidden: a hidden tab makes no requests, and showing it again revalidates at once. While the
 * API is down it retries with backoff (`retryDelay`) and says so (`outage`), and recovers by itself.
 */
export function usePolling<T>(path: string | null, intervalMs = POLL_MS): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [checkedAt, setCheckedAt] = useState<number | null>(null);
  const [outage, setOutage] = useState<Outage | null>(null);
  const failures = useRef(0);
  const etag = useRef<string | null>(null);
  const inFlight = useRef<Promise<void> | null>(null);
  const current = useRef(path);
  current.current = path;

  const refresh = useCallback(async () => {
    if (!path) return;
    if (inFlight.current) return inFlight.current;
    const startedAt = Date.now();
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
        failures.current = 0;
        setOutage(null);
      } catch (e) {
        if (current.current !== path) return;
        setError(e as Error);
        if (isOutage(e)) {
          failures.current++;
          const retryAt = Date.now() + retryDelay(failures.current, intervalMs);
          setOutage((was) => ({ since: was?.since ?? startedAt, retryAt, error: e as Error }));
        } else {
          failures.current = 0;
          setOutage(null);
        }
      } finally {
        inFlight.current = null;
      }
    })();
    inFlight.current = run;
    return run;
  }, [path, intervalMs]);

  useEffect(() => {
    etag.current = null;
    failures.current = 0;
    setData(null);
    setError(null);
    setOutage(null);
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
      if (!stopped && visible()) timer = setTimeout(tick, retryDelay(failures.current, intervalMs));
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

  return { data, error, checkedAt, outage, refresh };
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
