/**
 * Keyboard shortcuts. One key each, never while typing in a field or with Ctrl/Alt/Meta held (so
 * the browser's and the screen reader's own keys still work):
 *
 * | key | where | does |
 * |---|---|---|
 * | `j` / `k` | incident list | move to the next / previous incident |
 * | `/` | incident list | search |
 * | `a` | incident page | acknowledge |
 * | `r` | incident page | resolve: to the resolution summary (Enter resolves) |
 * | `?` | everywhere | the list of shortcuts |
 */
import { useEffect, useRef } from "preact/hooks";

export const SHORTCUTS: readonly { keys: string; where: string; does: string }[] = [
  { keys: "j / k", where: "Incidents", does: "next / previous incident" },
  { keys: "Enter", where: "Incidents", does: "open the incident" },
  { keys: "/", where: "Incidents", does: "search" },
  { keys: "a", where: "An incident", does: "acknowledge" },
  { keys: "r", where: "An incident", does: "resolve (type a summary, then Enter)" },
  { keys: "?", where: "Everywhere", does: "show these shortcuts" },
  { keys: "Esc", where: "This list", does: "close it" },
];

/** True when a key press belongs to what the user is typing in, or is someone else's chord. */
export function isTyping(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return true;
  const target = event.target as HTMLElement | null;
  if (!target || typeof target.closest !== "function") return false;
  return Boolean(
    target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true'], dialog"),
  );
}

/** Calls `handlers[event.key]` for a shortcut key press (see `isTyping`). */
export function useShortcuts(handlers: Record<string, () => void>): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event)) return;
      const handler = current.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}

/** Moves focus `by` rows among the list's incident links (from the focused one, else the first). */
export function moveFocus(selector: string, by: 1 | -1): void {
  const links = [...document.querySelectorAll<HTMLElement>(selector)];
  if (links.length === 0) return;
  const at = links.indexOf(document.activeElement as HTMLElement);
  const next = at < 0 ? (by === 1 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, at + by));
  links[next]!.focus();
  links[next]!.scrollIntoView?.({ block: "nearest" });
}
