/**
 * The local runtime cannot be driven from a web page, nor reached under another host name: the
 * cross-site simple POST, the DNS-rebinding Host, the cross-site dev sign-in, and /events without
 * the local events token are refused, and nothing is stored.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import type { LocalRuntime } from "../src/runtime";
import { startTestRuntime } from "./support/runtime";

let runtime: LocalRuntime;
let viewer: { authorization: string };

beforeAll(async () => {
  runtime = await startTestRuntime("security");
  viewer = { authorization: `Bearer ${await runtime.apiToken("viewer")}` };
});
afterAll(() => runtime.stop());

const event = () =>
  JSON.stringify(
    alarmStateChangeEvent({
      name: "sev1/checkout/pwned",
      state: "ALARM",
      account: "210987654321",
      region: "eu-west-1",
    }),
  );

/** A raw HTTP request, so the Host header can be anything (fetch would not let us set it). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = "",
): Promise<{ status: number; body: string }> {
  const { port } = new URL(runtime.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function openIncidents(): Promise<number> {
  const res = await fetch(`${runtime.url}/api/incidents?status=all`, { headers: viewer });
  return ((await res.json()) as { items: unknown[] }).items.length;
}

describe("the local runtime is not an open door", () => {
  it("refuses a cross-site simple POST to /events (text/plain, as a web page can send without asking)", async () => {
    const res = await fetch(`${runtime.url}/events`, {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8", origin: "https://evil.example" },
      body: event(),
    });
    expect(res.status).toBe(415);
    expect(await openIncidents()).toBe(0);
  });

  it("refuses /events without the local events token, or with a wrong one; accepts it with the token", async () => {
    const json = { "content-type": "application/json" };
    expect(
      (await fetch(`${runtime.url}/events`, { method: "POST", headers: json, body: event() })).status,
    ).toBe(401);
    const wrong = { ...json, authorization: `Bearer ${"x".repeat(runtime.eventsToken.length)}` };
    expect(
      (await fetch(`${runtime.url}/events`, { method: "POST", headers: wrong, body: event() })).status,
    ).toBe(401);
    expect(await openIncidents()).toBe(0);
    const ok = await fetch(`${runtime.url}/events`, {
      method: "POST",
      headers: runtime.eventHeaders,
      body: event(),
    });
    expect(ok.status).toBe(202);
  });

  it("refuses a DNS-rebinding Host: the dev sign-in, the API and /events answer 403 under another name", async () => {
    const port = new URL(runtime.url).port;
    const rebound = { host: `attacker.example:${port}` };
    const signIn = await raw(
      "POST",
      "/auth/dev",
      { ...rebound, "content-type": "application/x-www-form-urlencoded" },
      "person=dana&role=admin",
    );
    expect(signIn.status).toBe(403);
    expect(signIn.body).toContain("Host not allowed");
    expect((await raw("GET", "/api/incidents", { ...rebound, ...viewer })).status).toBe(403);
    expect((await raw("POST", "/events", { ...rebound, ...runtime.eventHeaders }, event())).status).toBe(403);
    // Its own names still work.
    expect((await raw("GET", "/health", { host: `localhost:${port}` })).status).toBe(200);
    expect((await raw("GET", "/health", { host: `127.0.0.1:${port}` })).status).toBe(200);
  });

  it("refuses a cross-site dev sign-in (Origin of another site), and takes one from its own page", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const crossSite = await fetch(`${runtime.url}/auth/dev`, {
      method: "POST",
      headers: { ...form, origin: "https://evil.example" },
      body: "person=dana&role=admin",
      redirect: "manual",
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("set-cookie")).toBeNull();
    const sameSite = await fetch(`${runtime.url}/auth/dev`, {
      method: "POST",
      headers: { ...form, origin: runtime.url, "sec-fetch-site": "same-origin" },
      body: "person=dana&role=admin",
      redirect: "manual",
    });
    expect(sameSite.status).toBeLessThan(400);
    expect(sameSite.headers.get("set-cookie")).toContain("fb_session=");
  });
});
