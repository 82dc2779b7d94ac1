import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { HTTP_FUNCTIONS } from "@firebreak/functions/wiring/topology";
import { DASHBOARD_HTML_HEADERS, NOSNIFF } from "@firebreak/functions/wiring/web-headers";

/** Where `npm run build --workspace @firebreak/web` writes the dashboard. */
export const WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));

/**
 * Paths that belong to the API and handlers: the dashboard never answers for them. The first
 * segment of every route of the HTTP API (the one route table), and the local `/events`.
 */
const RESERVED = [
  ...new Set([
    ...Object.values(HTTP_FUNCTIONS).flatMap((fn) =>
      fn.routes.map((route) => `/${route.split(" ")[1]?.split("/")[1]}`),
    ),
    "/events",
  ]),
];

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
};

export function isReservedPath(path: string): boolean {
  return RESERVED.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

async function fileAt(root: string, path: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const file = resolve(root, `.${normalize(`/${decoded}`)}`);
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    return (await stat(file)).isFile() ? file : null;
  } catch {
    return null;
  }
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Firebreak</title>
<h1>The dashboard is not built</h1>
<p>Run <code>npm run build --workspace @firebreak/web</code> (or restart <code>npm start</code>, which builds it).
The API is at <a href="/api/incidents">/api/incidents</a>.</p>`;

/**
 * Serves the built dashboard: its files with their content types (hashed assets cached for a
 * year, the rest revalidated), and index.html for any other GET that looks like a client route.
 * Returns false when the request is not for the dashboard (API paths, writes), so the caller
 * hands it to the API.
 */
export async function serveDashboard(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (isReservedPath(path)) return false;
  const dir = resolve(root);
  const head = req.method === "HEAD";
  const send = (status: number, headers: Record<string, string>, body: Buffer | string) => {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    res.writeHead(status, {
      ...headers,
      "content-length": String(bytes.length),
      ...NOSNIFF,
    });
    res.end(head ? undefined : bytes);
  };
  const file = path === "/" ? null : await fileAt(dir, path);
  if (file) {
    const type = TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
    const immutable = file.startsWith(join(dir, "assets") + sep);
    send(
      200,
      {
        "content-type": type,
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
        ...(type.startsWith("text/html") ? DASHBOARD_HTML_HEADERS : {}),
      },
      await readFile(file),
    );
    return true;
  }
  // A missing file (it has an extension) is a 404, not the app: a stale asset must not get HTML.
  if (extname(path) !== "") return false;
  let index: Buffer;
  try {
    index = await readFile(join(dir, "index.html"));
  } catch {
    send(503, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, NOT_BUILT);
    return true;
  }
  send(
    200,
    { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", ...DASHBOARD_HTML_HEADERS },
    index,
  );
  return true;
}
