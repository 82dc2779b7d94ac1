import { useEffect, useState } from "preact/hooks";
import { getZoneMode, setZoneMode, type ZoneMode } from "./format";

const KEY = "fb-zone";
const listeners = new Set<() => void>();

function saved(): ZoneMode {
  try {
    return localStorage.getItem(KEY) === "utc" ? "utc" : "local";
  } catch {
    return "local";
  }
}

setZoneMode(saved());

/** The zone times are shown in; a component that calls this re-renders (with its children) on a switch. */
export function useZoneMode(): ZoneMode {
  const [mode, setMode] = useState<ZoneMode>(getZoneMode);
  useEffect(() => {
    const update = () => setMode(getZoneMode());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return mode;
}

/** Times in the viewer's zone (the default) or in UTC, the zone incident channels often agree on. */
export function ZoneToggle() {
  const mode = useZoneMode();
  const next = () => {
    const value: ZoneMode = mode === "utc" ? "local" : "utc";
    setZoneMode(value);
    try {
      if (value === "local") localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, value);
    } catch {
      // storage may be blocked: the choice then lasts for this page only
    }
    for (const listener of listeners) listener();
  };
  return (
    <button
      type="button"
      class="ghost"
      onClick={next}
      aria-pressed={mode === "utc"}
      title="Show times in UTC instead of your own zone"
    >
      Times in UTC
    </button>
  );
}
