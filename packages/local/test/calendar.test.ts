/**
 * iCal feeds through the local runtime (issue 16, item 5): a person gets their own feed's secret
 * URL (the CLI or the API), a calendar client fetches it without signing in, ical.js reads it, and
 * it shows the shifts the directory's on-call view shows; creating it again rotates it.
 */
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildCli } from "../src/cli";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, startTestRuntime } from "./support/runtime";

let runtime: LocalRuntime;
let admin: string;
let alice: string;
const call = apiCaller(
  () => runtime,
  () => admin,
);

beforeAll(async () => {
  runtime = await startTestRuntime("calendar");
  admin = await runtime.apiToken("admin", "kate");
  alice = await runtime.apiToken("viewer", "alice");
});
afterAll(() => runtime.stop());

async function cli(...args: string[]): Promise<string[]> {
  const out: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    await buildCli().parseAsync(["node", "firebreak", ...args, "--url", runtime.url]);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  return out;
}

describe("iCal feeds, through the local runtime", () => {
  it("a person's own feed: a secret URL, fetched without signing in, read by ical.js", async () => {
    const [url] = await cli("calendar", "url", "person", "alice", "--token", alice);
    expect(url).toMatch(new RegExp(`^${runtime.url}/ical/[A-Za-z0-9_-]{43}\\.ics$`));
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const calendar = new ICAL.Component(ICAL.parse(await res.text()));
    expect(calendar.getFirstPropertyValue("x-wr-calname")).toBe("On call: Alice Moreau");
    const events = calendar.getAllSubcomponents("vevent");
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => String(e.getFirstPropertyValue("uid")).endsWith("-alice@firebreak"))).toBe(
      true,
    );
    expect(calendar.getAllSubcomponents("vtimezone").length).toBeGreaterThan(0);
  });

  it("creating it again rotates it: the old URL is a 404", async () => {
    const first = await call("/api/calendars", { body: { kind: "rotation", id: "checkout-primary" } });
    const second = await call("/api/calendars", { body: { kind: "rotation", id: "checkout-primary" } });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await fetch(`${runtime.url}${first.json.path}`)).status).toBe(404);
    expect((await fetch(`${runtime.url}${second.json.path}?weeks=2`)).status).toBe(200);
    expect((await fetch(`${runtime.url}${second.json.path}?weeks=27`)).status).toBe(400);
    expect((await fetch(`${runtime.url}/ical/${"x".repeat(43)}.ics`)).status).toBe(404);
  });

  it("only admins make feeds of others and of rotations; unknown ones are a 404", async () => {
    expect((await call("/api/calendars", { token: alice, body: { kind: "person", id: "bob" } })).status).toBe(
      403,
    );
    expect(
      (await call("/api/calendars", { token: alice, body: { kind: "rotation", id: "checkout-primary" } }))
        .status,
    ).toBe(403);
    expect((await call("/api/calendars", { body: { kind: "person", id: "nobody" } })).status).toBe(404);
    const bad = await call("/api/calendars", { body: { kind: "team", id: "checkout" } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues[0].path).toBe("kind");
  });
});
