import type { AnchorHTMLAttributes, ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

/** A tiny History-API router: the runtime and the CDN serve index.html for every client route. */
const listeners = new Set<() => void>();

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  for (const listener of listeners) listener();
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return path;
}

export type Route =
  | { name: "list" }
  | { name: "incident"; id: string }
  | { name: "postmortem"; id: string }
  | { name: "metrics" }
  | { name: "ignored" }
  | { name: "maintenance" }
  | { name: "action-items" }
  | { name: "oncall" }
  | { name: "maintenance-window"; id: string }
  | { name: "service"; service: string }
  | { name: "not-found" };

export function matchRoute(path: string): Route {
  if (path === "/" || path === "/incidents" || path === "/incidents/") return { name: "list" };
  if (path === "/metrics") return { name: "metrics" };
  if (path === "/alarms/ignored") return { name: "ignored" };
  if (path === "/maintenance" || path === "/maintenance/") return { name: "maintenance" };
  if (path === "/oncall" || path === "/oncall/") return { name: "oncall" };
  if (path === "/action-items" || path === "/action-items/") return { name: "action-items" };
  // A service's name as the directory writes it (letters, digits, . _ -).
  const service = /^\/services\/([A-Za-z0-9][A-Za-z0-9._-]{0,127})\/?$/.exec(path);
  if (service) return { name: "service", service: service[1]! };
  const window = /^\/maintenance\/(MW-\d{1,9})\/?$/i.exec(path);
  if (window) return { name: "maintenance-window", id: window[1]!.toUpperCase() };
  // An incident's id (ULID) or its key INC-<n>: the API resolves both.
  const postmortem = /^\/incidents\/([0-9A-Za-z]{1,64}|INC-\d{1,9})\/postmortem\/?$/i.exec(path);
  if (postmortem) return { name: "postmortem", id: postmortem[1]! };
  const incident = /^\/incidents\/([0-9A-Za-z]{1,64}|INC-\d{1,9})\/?$/i.exec(path);
  if (incident) return { name: "incident", id: incident[1]! };
  return { name: "not-found" };
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren };

/** An ordinary link (open in new tab works) that navigates in-app on a plain click. */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
