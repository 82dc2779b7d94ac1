import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DASHBOARD_HTML_HEADERS, NOSNIFF } from "@firebreak/functions/wiring/web-headers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReservedPath, serveDashboard } from "./static-web";

const root = mkdtempSync(join(tmpdir(), "firebreak-web-"));
const empty = mkdtempSync(join(tmpdir(), "firebreak-web-empty-"));
let server: Server;
let url: string;

beforeAll(async () => {
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), '<!doctype html><div id="app"></div>');
  writeFileSync(join(root, "assets", "index-abc.js"), "console.log(1)");
  writeFileSync(join(root, "assets", "index-abc.css"), "body{}");
  writeFileSync(join(root, "favicon.svg"), "<svg/>");
  writeFileSync(join(tmpdir(), "firebreak-secret.txt"), "secret");
  server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const dir = path.startsWith("/empty") ? empty : root;
    const served = await serveDashboard(dir, req, res, path.replace(/^\/empty/, "") || "/");
    if (!served) res.writeHead(418).end("api");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

describe("serveDashboard", () => {
  it("serves files with their content types; hashed assets are immutable, index.html revalidates", async () => {
    const js = await fetch(`${url}/assets/index-abc.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await js.text()).toBe("console.log(1)");
    expect((await fetch(`${url}/assets/index-abc.css`)).headers.get("content-type")).toBe(
      "text/css; charset=utf-8",
    );
    expect((await fetch(`${url}/favicon.svg`)).headers.get("content-type")).toBe("image/svg+xml");
    const index = await fetch(`${url}/`);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("content-security-policy")).toContain("script-src 'self'");
    // The headers the deployed Router's response headers policy sends too (infra/web.ts).
    for (const [name, value] of Object.entries({ ...DASHBOARD_HTML_HEADERS, ...NOSNIFF }))
      expect(index.headers.get(name), name).toBe(value);
    expect(await index.text()).toContain('<div id="app">');
  });

  it("answers client routes with index.html, but a missing asset is not the app", async () => {
    for (const route of ["/incidents/01J0000000000000000000000A", "/metrics", "/incidents/x/postmortem"]) {
      const response = await fetch(`${url}${route}`);
      expect(response.status, route).toBe(200);
      expect(await response.text()).toContain('<div id="app">');
    }
    expect((await fetch(`${url}/assets/gone-123.js`)).status).toBe(418);
  });

  it("never shadows the API, auth, ack links, Slack, health or events, and ignores writes", async () => {
    for (const path of [
      "/api/incidents",
      "/api",
      "/auth/dev",
      "/ack/abc",
      "/slack/events",
      "/health",
      "/events",
      // Every route of the API, from the route table: a heartbeat's GET ping, the alert endpoints, iCal.
      "/heartbeats/nightly-backup",
      "/integrations/alertmanager",
      "/v2/enqueue",
      "/v2/alerts/x/close",
      "/ical/abc.ics",
    ]) {
      expect(isReservedPath(path), path).toBe(true);
      expect((await fetch(`${url}${path}`)).status, path).toBe(418);
    }
    expect(isReservedPath("/apix")).toBe(false);
    expect((await fetch(`${url}/metrics`, { method: "POST" })).status).toBe(418);
  });

  it("answers HEAD without a body and refuses to leave its folder", async () => {
    const head = await fetch(`${url}/assets/index-abc.js`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("14");
    expect(await head.text()).toBe("");
    for (const path of ["/..%2ffirebreak-secret.txt", "/%2e%2e/firebreak-secret.txt", "/bad%zz.txt"]) {
      const response = await fetch(`${url}${path}`);
      expect(await response.text(), path).not.toContain("secret");
    }
  });

  it("explains how to build the dashboard when it is not built", async () => {
    const response = await fetch(`${url}/empty/incidents`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("npm run build --workspace @firebreak/web");
  });
});
