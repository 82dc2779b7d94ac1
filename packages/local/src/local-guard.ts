/**
 * The local runtime is not an open door. A web page the developer visits must not be able to
 * drive it, and neither may another host on the network:
 * - Host: every request must name this server (127.0.0.1, localhost or [::1] with its port, the
 *   configured HOST, or a name in FIREBREAK_ALLOWED_HOSTS). A DNS-rebinding page reaches the
 *   server under its own name, and is refused.
 * - POST /events (the stand-in for the default bus) takes `application/json` only (a cross-site
 *   "simple" POST can send text/plain or a form, never JSON without a CORS preflight, which this
 *   server never grants) and the local events token that `npm start` prints and keeps in the data
 *   folder, where the CLI reads it.
 * - POST /auth/dev (the dev sign-in) must come from this server's own pages: a cross-site
 *   `Origin` is refused. The dev sign-in exists only while the server listens on loopback.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export interface GuardRefusal {
  status: 400 | 401 | 403 | 415;
  title: string;
  detail: string;
}

export interface LocalGuard {
  /** Why this request is refused, or undefined when it may go on. */
  check(req: IncomingMessage, path: string): GuardRefusal | undefined;
}

/** Whether a listening host is loopback only. */
export function isLoopbackHost(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host.startsWith("127.");
}

export function localGuard(options: {
  host: string;
  port: number;
  eventsToken: string;
  allowedHosts?: string;
}): LocalGuard {
  const { host, port } = options;
  const names = new Set(["127.0.0.1", "localhost", "[::1]"]);
  if (host !== "0.0.0.0" && host !== "::") names.add(host.includes(":") ? `[${host}]` : host);
  for (const extra of (options.allowedHosts ?? "").split(","))
    if (extra.trim()) names.add(extra.trim().toLowerCase());
  const hosts = new Set([...names].flatMap((name) => [`${name}:${port}`, ...(port === 80 ? [name] : [])]));
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  const token = Buffer.from(options.eventsToken);

  return {
    check(req, path) {
      const hostHeader = (req.headers.host ?? "").toLowerCase();
      if (!hosts.has(hostHeader))
        return {
          status: 403,
          title: "Host not allowed",
          detail: `this local server answers to ${[...hosts].join(", ")}, not "${hostHeader}" (set FIREBREAK_ALLOWED_HOSTS to add a name)`,
        };
      if (path === "/events" && req.method === "POST") {
        const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
        if (type !== "application/json")
          return {
            status: 415,
            title: "Unsupported media type",
            detail: `POST /events takes application/json, not "${type || "(none)"}"`,
          };
        const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
        const presented = Buffer.from(given);
        if (presented.length !== token.length || !timingSafeEqual(presented, token))
          return {
            status: 401,
            title: "Events token required",
            detail:
              "POST /events needs `Authorization: Bearer <token>`: the token `npm start` prints, kept in <data folder>/events-token (the CLI sends it)",
          };
      }
      if (path.startsWith("/auth/dev") && req.method !== "GET" && req.method !== "HEAD") {
        const origin = req.headers.origin;
        const site = req.headers["sec-fetch-site"];
        if (
          (origin !== undefined && !origins.has(origin.toLowerCase())) ||
          (site !== undefined && site !== "same-origin" && site !== "none")
        )
          return {
            status: 403,
            title: "Cross-site sign-in refused",
            detail: `the dev sign-in takes requests from this server's own pages only (Origin ${origin ?? "none"})`,
          };
      }
      return undefined;
    },
  };
}
