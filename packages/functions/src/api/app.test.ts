import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TokenStore } from "@firebreak/core/adapters/dynamodb/auth/token-store";
import { ContactStore } from "@firebreak/core/adapters/dynamodb/oncall/contact-store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { PageStore } from "@firebreak/core/adapters/dynamodb/paging/page-store";
import { TestPageStore } from "@firebreak/core/adapters/dynamodb/paging/test-page-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { issueSession } from "@firebreak/core/auth/session";
import { applyDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import {
  onIncidentDeclared,
  onIncidentStatusChanged,
  type PagingReplyDeps,
} from "@firebreak/core/paging/service";
import { draftPostmortem } from "@firebreak/core/postmortem/draft";
import { pinnedClock, testClock } from "@firebreak/testkit/clock";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { tamper } from "@firebreak/testkit/tamper";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createApiHandler } from "../api";
import { type ApiDeps, createApiApp, MAX_API_BODY_BYTES } from "./app";
import { ROUTES } from "./openapi";

const DIRECTORY_YAML = readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8");
const SESSION_KEY = "contract-test-session-key-0123456789abcdef";
const ULID_MISSING = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

let deps: ApiDeps;
let app: ReturnType<typeof createApiApp>;
let tokens: Record<"viewer" | "responder" | "admin", string>;
let paging: PagingReplyDeps & { pages: PageStore };
let fakeSlack: {
  server: Server;
  url: string;
  kid: string;
  signIdToken(claims: Record<string, unknown>): Promise<string>;
};

type Init = {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  token?: string | null;
  raw?: string;
};

async function call(path: string, init: Init = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== null) headers.authorization ??= `Bearer ${init.token ?? tokens.admin}`;
  if (init.body !== undefined || init.raw !== undefined) headers["content-type"] ??= "application/json";
  const res = await app.request(path, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? "POST" : "GET"),
    headers,
    body: init.raw ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: contract tests read many response shapes loosely
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

async function declare(title = "Checkout errors", service = "checkout") {
  const res = await call("/api/incidents", {
    body: { title, severity: "SEV2", service },
    token: tokens.responder,
  });
  expect(res.status).toBe(201);
  return res.json as { id: string; number: number; version: number; status: string };
}

beforeAll(async () => {
  const table = await createTestTable("api-contract");
  const store = storeFor(table);
  const directory = new DirectoryStore(store.db, table.tableName);
  await applyDirectoryYaml(directory, DIRECTORY_YAML);
  const tokenStore = new TokenStore(store.db, table.tableName);
  paging = {
    incidents: store,
    pages: new PageStore(store.db, table.tableName),
    directory,
    contacts: new ContactStore(directory),
    testPages: new TestPageStore(store.db, table.tableName),
    channels: {},
    ackKey: { id: "t1", secret: "contract-ack-secret-0123456789-abcdefghijkl" },
    ackBaseUrl: "http://127.0.0.1/ack",
    // Who paging finds on call depends on the date: pinned (see packages/testkit/src/clock.ts).
    clock: testClock(),
  };

  // A fake Slack OIDC provider over HTTP: real RS256 id_tokens, a real JWKS, the token endpoint.
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "fake-slack-1", alg: "RS256", use: "sig" };
  const codes = new Map<string, Record<string, unknown>>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      if (req.url === "/openid/connect/keys") {
        res.setHeader("content-type", "application/json");
        return res.end(JSON.stringify({ keys: [jwk] }));
      }
      if (req.url === "/api/openid.connect.token" && req.method === "POST") {
        const form = new URLSearchParams(body);
        const claims = codes.get(form.get("code") ?? "");
        res.setHeader("content-type", "application/json");
        if (!claims || form.get("client_secret") !== "fake-client-secret")
          return res.end(JSON.stringify({ ok: false, error: "invalid_code" }));
        return res.end(
          JSON.stringify({
            ok: true,
            access_token: "xoxp-fake",
            id_token: await fakeSlack.signIdToken(claims),
          }),
        );
      }
      res.statusCode = 404;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fakeSlack = {
    server,
    url,
    kid: jwk.kid,
    signIdToken: (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
        .setIssuer("https://slack.com")
        .setAudience("fake-client-id")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey),
  };
  (fakeSlack as unknown as { codes: typeof codes }).codes = codes;

  deps = {
    store,
    postmortems: new PostmortemStore(store.db, table.tableName),
    paging,
    directory,
    auth: {
      sessionKey: SESSION_KEY,
      tokens: tokenStore,
      admins: ["dana"],
      devSignIn: true,
      slack: {
        clientId: "fake-client-id",
        clientSecret: "fake-client-secret",
        teamId: "T0FAKE",
        authorizeUrl: `${url}/openid/connect/authorize`,
        tokenUrl: `${url}/api/openid.connect.token`,
        jwksUrl: `${url}/openid/connect/keys`,
        redirectUri: "http://localhost/auth/slack/callback",
      },
    },
  };
  app = createApiApp(() => deps);
  tokens = {
    viewer: (await tokenStore.create({ name: "viewer", role: "viewer", userId: "kate" })).token,
    responder: (await tokenStore.create({ name: "responder", role: "responder", userId: "alice" })).token,
    admin: (await tokenStore.create({ name: "admin", role: "admin", userId: "dana" })).token,
  };
});

afterAll(() => new Promise<void>((r) => (fakeSlack ? fakeSlack.server.close(() => r()) : r())));

/** Signs in through the dev page and returns the cookies and CSRF token, as a browser holds them. */
async function devSignIn(person = "alice", role = "responder") {
  const res = await app.request("/auth/dev", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ person, role }).toString(),
  });
  expect(res.status).toBe(303);
  const cookies = res.headers.getSetCookie();
  const session = cookies.find((c) => c.startsWith("fb_session="))!;
  const csrf = cookies.find((c) => c.startsWith("fb_csrf="))!;
  expect(session).toMatch(/HttpOnly/i);
  expect(session).toMatch(/Secure/);
  expect(session).toMatch(/SameSite=Lax/);
  expect(csrf).not.toMatch(/HttpOnly/i);
  const value = (c: string) => c.split(";")[0]!.split("=").slice(1).join("=");
  return { cookie: `fb_session=${value(session)}; fb_csrf=${value(csrf)}`, csrf: value(csrf) };
}

describe("auth", () => {
  it("answers /health without auth, and 401 problem+json on every /api route without credentials", async () => {
    expect((await call("/health", { token: null })).status).toBe(200);
    for (const route of ROUTES.filter((r) => r.role)) {
      const path = route.path.replace("{id}", ULID_MISSING);
      const res = await app.request(path, {
        method: route.method.toUpperCase(),
        headers: { "content-type": "application/json" },
        ...(route.method === "get" || route.method === "delete" ? {} : { body: "{}" }),
      });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
  });

  it("refuses forged, revoked, malformed and non-fbk bearer tokens", async () => {
    const forged = tamper(tokens.viewer);
    for (const token of [forged, "fbk_nope", "not-a-token", tokens.viewer.replace("fbk_", "fbx_")]) {
      expect((await call("/api/incidents", { token })).status).toBe(401);
    }
    expect(
      (await call("/api/incidents", { headers: { authorization: "Basic abc" }, token: null })).status,
    ).toBe(401);
    const created = await call("/api/tokens", { body: { name: "ci", role: "viewer" } });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^fbk_/);
    expect((await call("/api/incidents", { token: created.json.token })).status).toBe(200);
    const list = await call("/api/tokens");
    const listed = list.json.items.find((t: { id: string }) => t.id === created.json.id);
    expect(listed).toMatchObject({ name: "ci", role: "viewer" });
    expect(JSON.stringify(list.json)).not.toContain(created.json.token);
    expect(JSON.stringify(list.json)).not.toContain("hash");
    expect((await call(`/api/tokens/${created.json.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await call("/api/incidents", { token: created.json.token })).status).toBe(401);
    expect((await call(`/api/tokens/${ULID_MISSING}`, { method: "DELETE" })).status).toBe(404);
    const bad = await call("/api/tokens", { body: { name: "", role: "root" } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues.map((i: { path: string }) => i.path).sort()).toEqual(["name", "role"]);
  });

  it("refuses expired and forged session cookies", async () => {
    const expired = await issueSession(
      SESSION_KEY,
      { sub: "alice", name: "Alice", role: "admin" },
      { ttlSeconds: 60, now: new Date(Date.now() - 3600_000) },
    );
    const wrongKey = await issueSession("another-key-another-key-another-key-0000", {
      sub: "alice",
      name: "Alice",
      role: "admin",
    });
    for (const cookie of [expired.token, wrongKey.token, "garbage.jwt.value"]) {
      const res = await call("/api/me", { headers: { cookie: `fb_session=${cookie}` }, token: null });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe("unauthenticated");
    }
  });

  it("refreshes a session silently: same person and CSRF token, a later expiry, never past 7 days after the sign-in", async () => {
    const hour = 3600_000;
    // The API's clock is pinned for this test: sessions are issued relative to it.
    const AT = Date.parse("2026-12-04T12:00:00Z");
    deps.auth.clock = { now: () => new Date(AT) };
    onTestFinished(() => {
      delete deps.auth.clock;
    });
    const signedIn = new Date(AT - 7 * hour);
    const old = await issueSession(
      SESSION_KEY,
      { sub: "alice", name: "Alice", role: "responder", csrf: "c".repeat(32) },
      { now: signedIn },
    );
    const cookie = `fb_session=${old.token}; fb_csrf=${"c".repeat(32)}`;
    const me = await call("/api/me", { headers: { cookie }, token: null });
    expect(me.json.session).toEqual({
      issuedAt: new Date(Math.floor(signedIn.getTime() / 1000) * 1000).toISOString(),
      expiresAt: old.expiresAt.toISOString(),
      signedInAt: new Date(Math.floor(signedIn.getTime() / 1000) * 1000).toISOString(),
    });
    // A POST like any write: the CSRF header is needed.
    const noCsrf = await call("/auth/refresh", { method: "POST", headers: { cookie }, token: null });
    expect(noCsrf.status).toBe(403);
    const refreshed = await call("/auth/refresh", {
      method: "POST",
      headers: { cookie, "x-csrf-token": "c".repeat(32) },
      token: null,
    });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(Date.parse(refreshed.json.expiresAt)).toBeGreaterThan(old.expiresAt.getTime() + 6 * hour);
    expect(refreshed.json.signedInAt).toBe(me.json.session.signedInAt);
    const set = refreshed.headers.getSetCookie();
    const session = set.find((c) => c.startsWith("fb_session="))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(set.find((c) => c.startsWith("fb_csrf="))).toMatch(new RegExp(`^fb_csrf=${"c".repeat(32)};`));
    const token = session.split(";")[0]!.slice("fb_session=".length);
    const again = await call("/api/me", {
      headers: { cookie: `fb_session=${token}; fb_csrf=${"c".repeat(32)}` },
      token: null,
    });
    expect(again.json).toMatchObject({ user: { id: "alice" }, role: "responder", csrfToken: "c".repeat(32) });
    expect(again.json.session.signedInAt).toBe(me.json.session.signedInAt);

    // Signed in 7 days ago: no more refreshes; and a session near that end expires with it.
    const longAgo = new Date(AT - 7 * 24 * hour + 30_000);
    const late = await issueSession(
      SESSION_KEY,
      {
        sub: "alice",
        name: "Alice",
        role: "responder",
        csrf: "d".repeat(32),
        auth_time: Math.floor(longAgo.getTime() / 1000),
      },
      { now: new Date(AT) },
    );
    expect(late.expiresAt.getTime()).toBeLessThanOrEqual(longAgo.getTime() + 7 * 24 * hour + 1000);
    const refused = await call("/auth/refresh", {
      method: "POST",
      headers: {
        cookie: `fb_session=${late.token}; fb_csrf=${"d".repeat(32)}`,
        "x-csrf-token": "d".repeat(32),
      },
      token: null,
    });
    expect(refused.status).toBe(401);
    expect(refused.json.detail).toContain("longest life (7 days): sign in again");
    // In the cloud (no dev sign-in) a refresh takes the role the directory and admins give now:
    // alice, signed in as admin, is no longer one (only dana is).
    deps.auth.devSignIn = false;
    try {
      for (const [sub, slackUserId, want] of [
        ["alice", "U01ALICE01", "responder"],
        ["dana", "U01DANA004", "admin"],
      ] as const) {
        const s = await issueSession(
          SESSION_KEY,
          {
            sub,
            name: sub,
            role: "admin",
            slackUserId,
            csrf: "e".repeat(32),
          },
          { now: new Date(AT) },
        );
        const r = await call("/auth/refresh", {
          method: "POST",
          headers: {
            cookie: `fb_session=${s.token}; fb_csrf=${"e".repeat(32)}`,
            "x-csrf-token": "e".repeat(32),
          },
          token: null,
        });
        expect(r.status, r.text).toBe(200);
        expect(r.json.role, sub).toBe(want);
      }
    } finally {
      deps.auth.devSignIn = true;
    }
    // No session at all, or an API token: nothing to refresh.
    expect((await call("/auth/refresh", { method: "POST", token: null })).status).toBe(401);
    expect((await call("/auth/refresh", { method: "POST" })).status).toBe(401);
  });

  it("dev sign-in: lists directory people (escaped), sets the cookies, /api/me answers; writes need the CSRF header", async () => {
    const page = await call("/auth/dev", { token: null });
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="alice"');
    const { cookie, csrf } = await devSignIn("alice", "responder");
    const me = await call("/api/me", { headers: { cookie }, token: null });
    expect(me.json).toMatchObject({
      user: { id: "alice", slackUserId: "U01ALICE01" },
      role: "responder",
      csrfToken: csrf,
      devSignIn: true,
    });
    const body = { title: "From the dashboard", severity: "SEV3" };
    const noCsrf = await call("/api/incidents", { body, headers: { cookie }, token: null });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.json.code).toBe("csrf_failed");
    const wrongCsrf = await call("/api/incidents", {
      body,
      headers: { cookie, "x-csrf-token": "x".repeat(32) },
      token: null,
    });
    expect(wrongCsrf.status).toBe(403);
    const ok = await call("/api/incidents", { body, headers: { cookie, "x-csrf-token": csrf }, token: null });
    expect(ok.status).toBe(201);
    expect(ok.json.status).toBe("declared");
    const unknown = await app.request("/auth/dev", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "person=%3Cscript%3E&role=admin",
    });
    expect(unknown.status).toBe(400);
    const logout = await call("/auth/logout", { method: "POST", headers: { cookie }, token: null });
    expect(logout.status).toBe(204);
  });

  it("dev sign-in is off unless enabled", async () => {
    const off = createApiApp(() => ({ ...deps, auth: { ...deps.auth, devSignIn: false } }));
    expect((await off.request("/auth/dev")).status).toBe(404);
  });

  it("Sign in with Slack behind the dashboard's Router: the callback is on the forwarded (browser's) origin", async () => {
    const { redirectUri: _, ...slack } = deps.auth.slack!;
    const routed = createApiApp(() => ({ ...deps, auth: { ...deps.auth, slack } }));
    const redirectOf = async (headers: Record<string, string>) => {
      const res = await routed.request("https://abc.execute-api.eu-west-1.amazonaws.com/auth/slack/login", {
        headers,
      });
      return new URL(res.headers.get("location")!).searchParams.get("redirect_uri");
    };
    expect(await redirectOf({ "x-forwarded-host": "d123example.cloudfront.net" })).toBe(
      "https://d123example.cloudfront.net/auth/slack/callback",
    );
    expect(await redirectOf({})).toBe("https://abc.execute-api.eu-west-1.amazonaws.com/auth/slack/callback");
    // Not a host name: ignored.
    expect(await redirectOf({ "x-forwarded-host": "evil.example/path?x" })).toBe(
      "https://abc.execute-api.eu-west-1.amazonaws.com/auth/slack/callback",
    );
  });

  it("Sign in with Slack: authorize redirect, code exchange, id_token verified against the JWKS, team checked", async () => {
    const codes = (fakeSlack as unknown as { codes: Map<string, Record<string, unknown>> }).codes;
    const start = await app.request("/auth/slack/login");
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(`${fakeSlack.url}/openid/connect/authorize`);
    expect(location.searchParams.get("client_id")).toBe("fake-client-id");
    expect(location.searchParams.get("scope")).toBe("openid profile");
    const state = location.searchParams.get("state")!;
    const nonce = location.searchParams.get("nonce")!;
    const oidcCookie = start.headers
      .getSetCookie()
      .find((c) => c.startsWith("fb_oidc="))!
      .split(";")[0]!;

    const finish = (code: string, s = state, cookie = oidcCookie) =>
      app.request(`/auth/slack/callback?code=${code}&state=${s}`, { headers: { cookie } });

    // dana is a directory person listed in admins; bob is a responder; an unknown member is a viewer.
    const cases = [
      { code: "c-dana", user: "U01DANA004", role: "admin", id: "dana" },
      { code: "c-bob", user: "U01BOB0002", role: "responder", id: "bob" },
      { code: "c-stranger", user: "U09STRANGER", role: "viewer", id: "U09STRANGER" },
    ];
    for (const c of cases) {
      codes.set(c.code, {
        sub: c.user,
        "https://slack.com/user_id": c.user,
        "https://slack.com/team_id": "T0FAKE",
        name: `Slack ${c.user}`,
        nonce,
      });
      const res = await finish(c.code);
      expect(res.status, c.code).toBe(303);
      const session = res.headers
        .getSetCookie()
        .find((x) => x.startsWith("fb_session="))!
        .split(";")[0]!;
      const me = await call("/api/me", { headers: { cookie: session }, token: null });
      expect(me.json).toMatchObject({ role: c.role, user: { id: c.id, slackUserId: c.user } });
    }
    codes.set("c-other-team", {
      sub: "U1",
      "https://slack.com/user_id": "U1",
      "https://slack.com/team_id": "T0OTHER",
      nonce,
    });
    expect((await finish("c-other-team")).status).toBe(401);
    codes.set("c-bad-nonce", {
      sub: "U1",
      "https://slack.com/user_id": "U1",
      "https://slack.com/team_id": "T0FAKE",
      nonce: "other",
    });
    expect((await finish("c-bad-nonce")).status).toBe(401);
    expect((await finish("c-dana", "wrong-state")).status).toBe(401);
    expect((await finish("c-dana", state, "fb_oidc=forged")).status).toBe(401);
    expect((await finish("unknown-code")).status).toBe(401);
    const missing = await app.request("/auth/slack/callback?state=x", { headers: { cookie: oidcCookie } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { issues: { path: string }[] }).issues[0]!.path).toBe("code");
  });
});

describe("incidents", () => {
  it("declares (responder), lists with ETag/304 and filters, and shows the detail with timeline and pages", async () => {
    const incident = await declare("Payments down", "payments");
    const list = await call("/api/incidents?status=open", { token: tokens.viewer });
    expect(list.status).toBe(200);
    expect(list.json.items.some((i: { id: string }) => i.id === incident.id)).toBe(true);
    const etag = list.headers.get("etag")!;
    expect(etag).toBeTruthy();
    const cached = await call("/api/incidents?status=open", {
      token: tokens.viewer,
      headers: { "if-none-match": etag },
    });
    expect(cached.status).toBe(304);
    const filtered = await call("/api/incidents?status=all&service=payments&severity=SEV2", {
      token: tokens.viewer,
    });
    expect(filtered.json.items.map((i: { id: string }) => i.id)).toContain(incident.id);
    expect(filtered.json.items.every((i: { services: string[] }) => i.services.includes("payments"))).toBe(
      true,
    );
    const none = await call("/api/incidents?status=open&severity=SEV5", { token: tokens.viewer });
    expect(none.json.items).toEqual([]);
    const detail = await call(`/api/incidents/${incident.id}`, { token: tokens.viewer });
    expect(detail.json).toMatchObject({
      id: incident.id,
      key: expect.stringMatching(/^INC-\d+$/),
      service: "payments",
    });
    expect(detail.json.timeline.map((e: { kind: string }) => e.kind)).toContain("incident.declared");
    expect(Array.isArray(detail.json.pages)).toBe(true);
    // The detail too: the dashboard polls it, and an unchanged incident costs a 304.
    const detailTag = detail.headers.get("etag")!;
    expect(detail.headers.get("cache-control")).toBe("private, no-cache");
    const unchanged = await call(`/api/incidents/${incident.id}`, {
      token: tokens.viewer,
      headers: { "if-none-match": detailTag },
    });
    expect(unchanged.status).toBe(304);
    await call(`/api/incidents/${incident.id}/updates`, {
      body: { text: "still looking" },
      token: tokens.responder,
    });
    const changed = await call(`/api/incidents/${incident.id}`, {
      token: tokens.viewer,
      headers: { "if-none-match": detailTag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(detailTag);
    expect((await call(`/api/incidents/${ULID_MISSING}`)).status).toBe(404);
  });

  it("serves every list variant with index Queries only, never a Scan", async () => {
    const commands: { name: string; index?: string }[] = [];
    deps.store.db.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { IndexName?: string };
        commands.push({ name: String(context.commandName), index: input.IndexName });
        return next(args);
      },
      { step: "initialize", name: "contractCommandSpy" },
    );
    try {
      for (const query of [
        "status=open",
        "status=open&severity=SEV1",
        "status=resolved&service=checkout",
        "status=all&severity=SEV2&service=payments",
      ]) {
        commands.length = 0;
        expect((await call(`/api/incidents?${query}`)).status).toBe(200);
        // GetItem and UpdateItem are the API token check (and its last-used stamp).
        const reads = commands.filter((c) => c.name !== "GetItemCommand" && c.name !== "UpdateItemCommand");
        expect(reads.length, query).toBeGreaterThan(0);
        expect(
          reads.every((c) => c.name === "QueryCommand" && c.index),
          `${query}: ${JSON.stringify(commands)}`,
        ).toBe(true);
      }
    } finally {
      deps.store.db.middlewareStack.remove("contractCommandSpy");
    }
  });

  it("pages through the list with a cursor, and through resolved incidents", async () => {
    for (let i = 0; i < 3; i++) await declare(`Paged ${i}`, "paging-test");
    const first = await call("/api/incidents?status=open&service=paging-test&limit=2");
    expect(first.json.items).toHaveLength(2);
    expect(first.json.cursor).toBeTruthy();
    const second = await call(
      `/api/incidents?status=open&service=paging-test&limit=2&cursor=${first.json.cursor}`,
    );
    expect(second.json.items).toHaveLength(1);
    const ids = [...first.json.items, ...second.json.items].map((i: { id: string }) => i.id);
    expect(new Set(ids).size).toBe(3);
    await call(`/api/incidents/${ids[0]}/resolve`, { body: { summary: "fixed" }, token: tokens.responder });
    const resolved = await call("/api/incidents?status=resolved&service=paging-test");
    expect(resolved.json.items.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    const badCursor = await call("/api/incidents?cursor=bm9wZQ");
    expect(badCursor.status).toBe(400);
    expect(badCursor.json.issues[0].path).toBe("cursor");
  });

  it("names the field path on bad input, for every body route", async () => {
    const { id } = await declare();
    const cases: [string, Init, string][] = [
      ["/api/incidents?status=sideways", {}, "status"],
      ["/api/incidents?severity=SEV9", {}, "severity"],
      ["/api/incidents?limit=0", {}, "limit"],
      ["/api/incidents/not-an-id", {}, "id"],
      ["/api/incidents", { body: { title: "", severity: "SEV3" } }, "title"],
      ["/api/incidents", { body: { title: "x", severity: "SEV7" } }, "severity"],
      ["/api/incidents", { body: { title: "x", colour: "red" } }, "(root)"],
      ["/api/incidents", { raw: "{nope" }, "(root)"],
      [`/api/incidents/${id}/ack`, { body: { expectedVersion: "one" } }, "expectedVersion"],
      [`/api/incidents/${id}/mitigate`, { body: { expectedVersion: -1 } }, "expectedVersion"],
      [`/api/incidents/${id}/resolve`, { body: { summary: 5 } }, "summary"],
      [`/api/incidents/${id}/roles`, { body: { role: "boss", personId: "alice" } }, "role"],
      [`/api/incidents/${id}/roles`, { body: { role: "ic", personId: "nobody" } }, "personId"],
      [`/api/incidents/${id}/updates`, { body: { text: "  " } }, "text"],
      [`/api/incidents/${id}/updates`, { body: { text: "x", temporary: "yes" } }, "temporary"],
      [`/api/incidents/${id}/updates`, { body: { text: "x", public: "yes" } }, "public"],
      [`/api/incidents/${id}/postmortem`, { method: "PUT", body: { markdown: "# x" } }, "baseVersion"],
      ["/api/metrics?since=yesterday-ish", {}, "since"],
      ["/api/pages?incident=nope", {}, "incident"],
      ["/api/tokens", { body: { name: "x", role: "god" } }, "role"],
      ["/api/tokens/nope", { method: "DELETE" }, "id"],
      ["/api/directory", { method: "PUT", body: { version: 1, people: [{ id: "x" }] } }, "people[0].name"],
      [
        "/api/directory",
        { method: "PUT", raw: "people: [", headers: { "content-type": "application/yaml" } },
        "line 1, column 10",
      ],
    ];
    for (const [path, init, field] of cases) {
      const res = await call(path, init);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const paths = (res.json.issues ?? []).map((i: { path: string }) => i.path);
      expect(paths, `${path} ${JSON.stringify(res.json)}`).toContain(field);
    }
  });

  it("refuses the wrong role with 403 for every route above the caller's role", async () => {
    const { id } = await declare();
    for (const route of ROUTES.filter((r) => r.role === "responder" || r.role === "admin")) {
      const path = route.path.replace("{id}", route.path.startsWith("/api/tokens") ? ULID_MISSING : id);
      const init: Init = { method: route.method.toUpperCase(), token: tokens.viewer };
      if (route.method === "post" || route.method === "put") init.body = {};
      const res = await call(path, init);
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      expect(res.json.code).toBe("forbidden");
    }
    for (const route of ROUTES.filter((r) => r.role === "admin")) {
      const path = route.path.replace("{id}", ULID_MISSING);
      const init: Init = { method: route.method.toUpperCase(), token: tokens.responder };
      if (route.method === "post" || route.method === "put") init.body = {};
      expect((await call(path, init)).status, `${route.method} ${route.path}`).toBe(403);
    }
  });

  it("declares with a lower-case severity as Slack and the CLI take it, stored upper-case; sev0 is a 400", async () => {
    const declare = (severity: string) =>
      app.request("/api/incidents", {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.responder}`, "content-type": "application/json" },
        body: JSON.stringify({ title: `Any case ${severity}`, severity }),
      });
    const res = await declare("sev1");
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ severity: "SEV1" });
    const bad = await declare("sev0");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("severity");
  });

  it("declares, and stamps the timeline, at the clock it is given (ApiDeps.clock)", async () => {
    const pinned = Date.parse("2026-03-08T07:30:00Z");
    const app = createApiApp(() => ({ ...deps, clock: pinnedClock(pinned) }));
    const res = await app.request("/api/incidents", {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.responder}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Pinned clock", severity: "SEV3", service: "clock-test" }),
    });
    expect(res.status).toBe(201);
    const { id, declaredAt } = (await res.json()) as { id: string; declaredAt: string };
    const detail = (await (
      await app.request(`/api/incidents/${id}`, { headers: { authorization: `Bearer ${tokens.viewer}` } })
    ).json()) as { timeline: { at: string }[] };
    for (const at of [declaredAt, ...detail.timeline.map((e) => e.at)]) {
      expect(Date.parse(at)).toBeGreaterThanOrEqual(pinned);
      expect(Date.parse(at)).toBeLessThan(pinned + 3_600_000);
    }
  });

  it("as deployed (a page store, no paging secrets): lists pages; an ack reaches paging through incident.status_changed", async () => {
    const incident = await declare("Ledger lag", "checkout");
    await onIncidentDeclared(paging, incident.id);
    const deployed = createApiApp(() => ({ ...deps, paging: undefined, pages: paging.pages }));
    const get = async (path: string) => {
      const res = await deployed.request(path, { headers: { authorization: `Bearer ${tokens.viewer}` } });
      const json = (await res.json()) as { pages: unknown[]; items: unknown[] };
      return { status: res.status, cacheControl: res.headers.get("cache-control"), json };
    };
    const detail = await get(`/api/incidents/${incident.id}`);
    expect(detail.status).toBe(200);
    expect(detail.json.pages.length).toBeGreaterThan(0);
    // Revalidated on every poll (ETag), kept only in the user's own browser.
    expect(detail.cacheControl).toBe("private, no-cache");
    const listed = await get(`/api/pages?incident=${incident.id}`);
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual(detail.json.pages);

    const acked = await deployed.request(`/api/incidents/${incident.id}/ack`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.responder}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(acked.status).toBe(200);
    // The Pager consumer's handling of incident.status_changed stops the ladder.
    await onIncidentStatusChanged(paging, incident.id);
    expect((await paging.pages.getEscalation(incident.id))?.ladderDone?.reason).toBe("acknowledged");
  });

  it("acks through paging (the escalation stops), then mitigates, assigns, updates and resolves; 409 on stale versions", async () => {
    const incident = await declare("Checkout 5xx", "checkout");
    await onIncidentDeclared(paging, incident.id);
    const escalation = await paging.pages.getEscalation(incident.id);
    expect(escalation?.status).toBe("active");
    const fresh = (await call(`/api/incidents/${incident.id}`)).json;

    const stale = await call(`/api/incidents/${incident.id}/ack`, {
      body: { expectedVersion: fresh.version - 1 > 0 ? fresh.version - 1 : fresh.version + 5 },
      token: tokens.responder,
    });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ currentVersion: fresh.version, current: { id: incident.id } });

    const acked = await call(`/api/incidents/${incident.id}/ack`, {
      body: { expectedVersion: fresh.version },
      token: tokens.responder,
    });
    expect(acked.status).toBe(200);
    expect(acked.json.status).toBe("acknowledged");
    const after = await paging.pages.getEscalation(incident.id);
    expect(after?.acknowledgedAt).toBeTruthy();
    // The ladder stopped (role coverage may still watch a SEV2 whose IC has not acknowledged).
    expect(after?.ladderDone?.reason).toBe("acknowledged");

    // Paging may have made someone IC already: hand off to someone else, so the write is real.
    const newIc = acked.json.roles?.ic?.personId === "bob" ? "chen" : "bob";
    const role = await call(`/api/incidents/${incident.id}/roles`, {
      body: { role: "ic", personId: newIc, expectedVersion: acked.json.version },
      token: tokens.responder,
    });
    expect(role.status).toBe(200);
    expect(role.json.version).toBe(acked.json.version + 1);
    expect(role.json.roles.ic).toMatchObject({ personId: newIc, personName: expect.any(String) });
    const staleRole = await call(`/api/incidents/${incident.id}/roles`, {
      body: { role: "scribe", personId: "maria", expectedVersion: acked.json.version },
      token: tokens.responder,
    });
    expect(staleRole.status).toBe(409);
    expect(staleRole.json.currentVersion).toBe(role.json.version);

    const update = await call(`/api/incidents/${incident.id}/updates`, {
      body: { text: "Rolled back the deploy", temporary: true },
      token: tokens.responder,
    });
    expect(update.status).toBe(201);
    expect(update.json).toMatchObject({
      kind: "incident.update_posted",
      data: { temporary: true, public: false },
    });
    const publicUpdate = await call(`/api/incidents/${incident.id}/updates`, {
      body: { text: "Checkout is recovering", public: true },
      token: tokens.responder,
    });
    expect(publicUpdate.json).toMatchObject({ data: { temporary: false, public: true } });
    const staleUpdate = await call(`/api/incidents/${incident.id}/updates`, {
      body: { text: "x", expectedVersion: 1 },
      token: tokens.responder,
    });
    expect(staleUpdate.status).toBe(409);

    const current = (await call(`/api/incidents/${incident.id}`)).json;
    const staleMitigate = await call(`/api/incidents/${incident.id}/mitigate`, {
      body: { expectedVersion: current.version - 1 },
      token: tokens.responder,
    });
    expect(staleMitigate.status).toBe(409);
    expect(staleMitigate.json.currentVersion).toBe(current.version);
    const mitigated = await call(`/api/incidents/${incident.id}/mitigate`, {
      body: { expectedVersion: current.version },
      token: tokens.responder,
    });
    expect(mitigated.json.status).toBe("mitigated");
    const staleResolve = await call(`/api/incidents/${incident.id}/resolve`, {
      body: { expectedVersion: current.version },
      token: tokens.responder,
    });
    expect(staleResolve.status).toBe(409);
    const resolved = await call(`/api/incidents/${incident.id}/resolve`, {
      body: { summary: "Deploy rolled back", expectedVersion: mitigated.json.version },
      token: tokens.responder,
    });
    expect(resolved.json).toMatchObject({ status: "resolved", summary: "Deploy rolled back" });
    const again = await call(`/api/incidents/${incident.id}/ack`, { body: {}, token: tokens.responder });
    expect(again.status).toBe(409);
    expect((await call(`/api/incidents/${ULID_MISSING}/ack`, { body: {} })).status).toBe(404);
  });

  it("serves and edits the postmortem with a version check", async () => {
    const incident = await declare("Postmortem subject", "checkout");
    await call(`/api/incidents/${incident.id}/resolve`, {
      body: { summary: "done" },
      token: tokens.responder,
    });
    expect((await call(`/api/incidents/${incident.id}/postmortem`)).status).toBe(404);
    await draftPostmortem({ incidents: deps.store, postmortems: deps.postmortems }, incident.id);
    const pm = await call(`/api/incidents/${incident.id}/postmortem`, { token: tokens.viewer });
    expect(pm.status).toBe(200);
    expect(pm.json.version).toBe(1);
    const md = await call(`/api/incidents/${incident.id}/postmortem.md`, { token: tokens.viewer });
    expect(md.headers.get("content-type")).toContain("text/markdown");
    const meta = await call(`/api/incidents/${incident.id}/postmortem.json`, { token: tokens.viewer });
    expect(meta.json.incident.id).toBe(incident.id);
    const edited = await call(`/api/incidents/${incident.id}/postmortem`, {
      method: "PUT",
      body: { markdown: `${pm.json.markdown}\n\nEdited by a person.`, baseVersion: 1 },
      token: tokens.responder,
    });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({ version: 2, origin: "human" });
    const stale = await call(`/api/incidents/${incident.id}/postmortem`, {
      method: "PUT",
      body: { markdown: "# Stale edit", baseVersion: 1 },
      token: tokens.responder,
    });
    expect(stale.status).toBe(409);
    expect(stale.json.currentVersion).toBe(2);
    // A viewer may read it but not edit it: 403 for a well-formed edit, and nothing is written.
    const refused = await call(`/api/incidents/${incident.id}/postmortem`, {
      method: "PUT",
      body: { markdown: "# A viewer's edit", baseVersion: 2 },
      token: tokens.viewer,
    });
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe("forbidden");
    const after = await call(`/api/incidents/${incident.id}/postmortem`, { token: tokens.viewer });
    expect(after.json.version).toBe(2);
    expect(after.json.versions).toHaveLength(2);
    // Each stored version can be read back with its Markdown (by id or key), for a diff.
    const v1 = await call(`/api/incidents/${incident.id}/postmortem/versions/1`, { token: tokens.viewer });
    expect(v1.status).toBe(200);
    expect(v1.json).toMatchObject({ version: 1, origin: "generated", markdown: pm.json.markdown });
    const v2 = await call(`/api/incidents/INC-${incident.number}/postmortem/versions/2`, {
      token: tokens.viewer,
    });
    expect(v2.json).toMatchObject({ version: 2, origin: "human", basedOnVersion: 1 });
    expect(v2.json.markdown).toContain("Edited by a person.");
    expect((await call(`/api/incidents/${incident.id}/postmortem/versions/9`)).status).toBe(404);
    expect((await call(`/api/incidents/${incident.id}/postmortem/versions/0`)).status).toBe(400);
  });

  it("answers 413 problem for oversize bodies, in-process and through the Lambda handler", async () => {
    const big = JSON.stringify({ title: "x".repeat(MAX_API_BODY_BYTES + 10) });
    const res = await call("/api/incidents", { raw: big, token: tokens.responder });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ status: 413, code: "payload_too_large" });

    const handler = createApiHandler(() => deps);
    const event = (body: string) => ({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/api/incidents",
      rawQueryString: "",
      headers: {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        authorization: `Bearer ${tokens.responder}`,
        host: "api.example.com",
      },
      requestContext: {
        accountId: "123456789012",
        apiId: "api",
        domainName: "api.example.com",
        domainPrefix: "api",
        http: {
          method: "POST",
          path: "/api/incidents",
          protocol: "HTTP/1.1",
          sourceIp: "1.2.3.4",
          userAgent: "t",
        },
        requestId: "r1",
        routeKey: "$default",
        stage: "$default",
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
      },
      body,
      isBase64Encoded: false,
    });
    const context = {
      functionName: "api",
      awsRequestId: "r1",
      getRemainingTimeInMillis: () => 30_000,
    } as never;
    const tooBig = (await handler(event(big) as never, context)) as { statusCode: number; body: string };
    expect(tooBig.statusCode).toBe(413);
    expect(JSON.parse(tooBig.body).status).toBe(413);
    const fine = (await handler(event(JSON.stringify({ title: "via lambda" })) as never, context)) as {
      statusCode: number;
    };
    expect(fine.statusCode).toBe(201);
  });
});

describe("ack, mitigate and resolve: one rule", () => {
  /** POST an action through `on` (the app with paging, or as deployed without it). */
  async function act(on: ReturnType<typeof createApiApp>, id: string, action: string, body: object) {
    const res = await on.request(`/api/incidents/${id}/${action}`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.responder}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the answers are read loosely
    return { status: res.status, json: (await res.json()) as any };
  }
  const asDeployed = () => createApiApp(() => ({ ...deps, paging: undefined, pages: paging.pages }));
  const timelineOf = async (id: string) => (await deps.store.getIncidentWithTimeline(id))!.timeline;

  it.each([
    ["with paging (the escalation is acknowledged too)", true],
    ["as deployed (no paging)", false],
  ])(
    "50 concurrent acks with the same expectedVersion: one 200 that changed it, 49 × 409 %s",
    async (_what, withPaging) => {
      const incident = await declare(`Concurrent acks ${withPaging}`, "checkout");
      if (withPaging) await onIncidentDeclared(paging, incident.id);
      const on = withPaging ? app : asDeployed();
      const version = (await deps.store.getIncident(incident.id))!.version;
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => act(on, incident.id, "ack", { expectedVersion: version })),
      );
      const won = answers.filter((a) => a.status === 200);
      expect(won).toHaveLength(1);
      expect(won[0]!.json).toMatchObject({ status: "acknowledged", changed: true, alreadyInState: false });
      const lost = answers.filter((a) => a.status === 409);
      expect(lost).toHaveLength(49);
      const current = (await deps.store.getIncident(incident.id))!;
      for (const answer of lost) {
        expect(answer.json).toMatchObject({ code: "version_conflict", currentVersion: current.version });
      }
      const timeline = await timelineOf(incident.id);
      expect(timeline.filter((e) => e.kind === "incident.status_changed")).toHaveLength(1);
      if (withPaging) expect(timeline.filter((e) => e.kind === "page.acknowledged")).toHaveLength(1);
    },
  );

  it("50 concurrent acks without expectedVersion: one 200 that changed it, 49 × 200 already acknowledged", async () => {
    const incident = await declare("Concurrent acks, no version", "checkout");
    const on = asDeployed();
    const answers = await Promise.all(Array.from({ length: 50 }, () => act(on, incident.id, "ack", {})));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.json.changed === true)).toHaveLength(1);
    expect(answers.filter((a) => a.json.alreadyInState === true)).toHaveLength(49);
    const timeline = await timelineOf(incident.id);
    expect(timeline.filter((e) => e.kind === "incident.status_changed")).toHaveLength(1);
  });

  it("a repeated ack, mitigate or resolve is 200 already-in-state with no new entry; a stale version is 409", async () => {
    const incident = await declare("Repeated actions", "checkout");
    for (const action of ["ack", "mitigate", "resolve"]) {
      const first = await act(app, incident.id, action, {});
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({ changed: true, alreadyInState: false });
      const entries = (await timelineOf(incident.id)).length;

      const again = await act(app, incident.id, action, {});
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ changed: false, alreadyInState: true, version: first.json.version });
      const withVersion = await act(app, incident.id, action, { expectedVersion: first.json.version });
      expect(withVersion.status).toBe(200);
      expect(withVersion.json).toMatchObject({ changed: false, alreadyInState: true });
      expect((await timelineOf(incident.id)).length).toBe(entries);

      const stale = await act(app, incident.id, action, { expectedVersion: first.json.version - 1 });
      expect(stale.status).toBe(409);
      expect(stale.json).toMatchObject({ currentVersion: first.json.version, current: { id: incident.id } });
    }
    // A step backwards is not a repeat: still 409 (illegal transition).
    expect((await act(app, incident.id, "mitigate", {})).status).toBe(409);
  });
});

describe("people, directory, OpenAPI", () => {
  it("lists people for viewers; reads and writes the directory for admins, with If-Match versioning", async () => {
    const people = await call("/api/people", { token: tokens.viewer });
    expect(people.json.items).toContainEqual({
      id: "alice",
      name: expect.any(String),
      slackUserId: "U01ALICE01",
      verified: [],
    });
    const current = await call("/api/directory");
    expect(current.status).toBe(200);
    const version = current.json.version as number;
    const put = await call("/api/directory", {
      method: "PUT",
      raw: DIRECTORY_YAML,
      headers: { "content-type": "application/yaml", "if-match": `"${version}"` },
    });
    expect(put.status).toBe(200);
    expect(put.json.version).toBe(version + 1);
    expect(put.json.updatedBy).toMatchObject({ type: "api", id: "dana" });
    const stale = await call("/api/directory", {
      method: "PUT",
      raw: DIRECTORY_YAML,
      headers: { "content-type": "application/yaml", "if-match": `"${version}"` },
    });
    expect(stale.status).toBe(409);
    expect(stale.json.currentVersion).toBe(version + 1);
  });

  it("serves an OpenAPI 3.1 document generated from the request schemas, covering every route", async () => {
    const res = await call("/api/openapi.json", { token: tokens.viewer });
    expect(res.json.openapi).toBe("3.1.0");
    for (const route of ROUTES) expect(res.json.paths[route.path]?.[route.method], route.path).toBeDefined();
    const list = res.json.paths["/api/incidents"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["status", "severity", "service", "limit", "cursor"]),
    );
    const declareSchema =
      res.json.paths["/api/incidents"].post.requestBody.content["application/json"].schema;
    expect(declareSchema.required).toEqual(["title"]);
    expect(declareSchema.properties.severity.enum).toContain("SEV1");
  });
});
