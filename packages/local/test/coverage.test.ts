/**
 * The hourly coverage check through the local runtime, on a pinned clock: the same handler the
 * cloud's cron runs finds the directory's gaps for the next 14 days, writes one event for the new
 * problems, and the Slack worker posts it once to the team's alert channel. The next hour's check
 * announces nothing; a redelivered event posts nothing more; a gap that appears after a directory
 * change is announced on its own.
 */

import { eventFromEntry } from "@firebreak/core/events/publisher";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { verifiedRecords } from "@firebreak/testkit/directory";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LocalRuntime } from "../src/runtime";
import { startTestRuntime } from "./support/runtime";

const DIRECTORY = (pat: string) => `
version: 1
people:
  - { id: ann, name: Ann Lee, slackUserId: U01ANN0001, phone: "+12025550101", timezone: America/New_York }
  - ${pat}
teams:
  - id: checkout
    name: Checkout
    services: [checkout, cart]
    alertChannel: C0CHECKOUT1
    rotations:
      - id: us-primary
        members: [ann, pat]
        shift: { type: daily }
        handoffTime: "09:00"
        timezone: America/New_York
        start: "2026-03-01"
    escalationPolicy:
      levels:
        - targets: [{ type: rotation, id: us-primary }]
          timeoutMinutes: 5
      fallback: { type: person, id: ann }
`;
/** Pat has no Slack id and no phone: every other day, level 1 would page nobody. */
const UNREACHABLE_PAT = "{ id: pat, name: Pat Doe, email: pat@example.com, timezone: America/New_York }";
const REACHABLE_PAT = '{ id: pat, name: Pat Doe, phone: "+12025550102", timezone: America/New_York }';

let now = new Date("2026-03-01T14:00:00Z");
const clock = { now: () => now };
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime("coverage", { clock, demoDirectory: null, sweepIntervalMs: 3_600_000 });
  // Ann's and Pat's methods were verified (at the addresses below): this suite is about the
  // rotation's gaps; verify.test.ts verifies for real and checks unverified ones.
  const people = [
    { id: "ann", slackUserId: "U01ANN0001", phone: "+12025550101" },
    { id: "pat", phone: "+12025550102" },
  ];
  await runtime.paging.contacts.save(verifiedRecords(people), 0);
}, 60_000);
afterAll(() => runtime.stop());

const posts = () =>
  runtime.fakeSlack!.calls.filter(
    (c) => c.method === "chat.postMessage" && !c.fault && c.body.channel === "C0CHECKOUT1",
  );

async function apply(yaml: string) {
  const current = await runtime.paging.directory.get();
  await runtime.paging.directory.apply(parseDirectoryYaml(yaml), current?.version ?? 0, {
    actor: { type: "user", id: "test", name: "coverage test" },
  });
}

describe("the hourly coverage check, through the local runtime", () => {
  it("announces new gaps once in the team's alert channel, and only new ones after that", {
    timeout: 60_000,
  }, async () => {
    await apply(DIRECTORY(UNREACHABLE_PAT));
    expect(await runtime.checkCoverage()).toEqual({
      action: "checked",
      gaps: 7,
      announced: 7,
      teams: ["checkout"],
    });
    await vi.waitFor(() => expect(posts()).toHaveLength(1), { timeout: 20_000, interval: 100 });
    const text = String(posts()[0]!.body.text);
    expect(text).toContain("*Coverage gaps for Checkout* in the next 14 days");
    expect(text.match(/^• checkout, cart · level 1 \(high and low urgency\)/gm)).toHaveLength(7);
    expect(text).toContain(
      'no Slack id or phone: rotation "us-primary": Pat Doe (pat) has no Slack id and no phone',
    );
    // Slack shows each time in the reader's zone; the ISO instant is the fallback.
    expect(text).toContain("<!date^1772460000^{date_short_pretty} {time}|2026-03-02T14:00:00.000Z>");

    // A day later: the same problem (one more of Pat's shifts has entered the window) is not news.
    now = new Date("2026-03-02T15:00:00Z");
    expect(await runtime.checkCoverage()).toEqual({ action: "checked", gaps: 8, announced: 0, teams: [] });

    // The event delivered again (at least once): the worker posts nothing more.
    const event = runtime.bus.recentEvents().find((e) => e["detail-type"] === "oncall.coverage_gaps_found");
    expect(event).toBeDefined();
    await runtime.bus.publishAndWait([eventFromEntry(event!.detail.detail)]);
    await runtime.bus.drain();
    expect(posts()).toHaveLength(1);

    // Pat adds a phone: no gap left, nothing to say. Pat's phone is removed again: the gaps are new.
    await apply(DIRECTORY(REACHABLE_PAT));
    expect(await runtime.checkCoverage()).toEqual({ action: "checked", gaps: 0, announced: 0, teams: [] });
    await apply(DIRECTORY(UNREACHABLE_PAT));
    expect(await runtime.checkCoverage()).toMatchObject({ action: "checked", announced: 8 });
    await vi.waitFor(() => expect(posts()).toHaveLength(2), { timeout: 20_000, interval: 100 });
  });

  it("GET /api/oncall/coverage answers the same report, GET /api/oncall/calendar who is on; bad windows are 400 naming the parameter", async () => {
    const viewer = await runtime.apiToken("viewer", "bob");
    const get = (query: string) =>
      fetch(`${runtime.url}/api/oncall/coverage${query}`, { headers: { authorization: `Bearer ${viewer}` } });
    const res = await get("?from=2026-03-02T00:00:00Z&days=2");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      from: string;
      to: string;
      directoryVersion: number;
      gaps: unknown[];
    };
    expect(body).toMatchObject({ from: "2026-03-02T00:00:00.000Z", to: "2026-03-04T00:00:00.000Z" });
    expect(body.gaps).toEqual([
      expect.objectContaining({ level: 1, from: "2026-03-02T14:00:00.000Z", to: "2026-03-03T14:00:00.000Z" }),
    ]);
    // The calendar of the same window: Ann, then Pat from 09:00 New York (14:00Z) on the 2nd.
    const calendar = await fetch(`${runtime.url}/api/oncall/calendar?from=2026-03-02T00:00:00Z&days=2`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(calendar.status).toBe(200);
    const cal = (await calendar.json()) as { rotations: { id: string; segments: unknown[] }[] };
    expect(cal.rotations.map((r) => r.id)).toEqual(["us-primary"]);
    expect(cal.rotations[0]!.segments.slice(0, 2)).toEqual([
      {
        personId: "ann",
        name: "Ann Lee",
        start: "2026-03-02T00:00:00.000Z",
        end: "2026-03-02T14:00:00.000Z",
        source: "rotation",
      },
      {
        personId: "pat",
        name: "Pat Doe",
        start: "2026-03-02T14:00:00.000Z",
        end: "2026-03-03T14:00:00.000Z",
        source: "rotation",
      },
    ]);
    expect(
      (
        await fetch(`${runtime.url}/api/oncall/calendar?days=0`, {
          headers: { authorization: `Bearer ${viewer}` },
        })
      ).status,
    ).toBe(400);
    for (const [query, path] of [
      ["?days=40", "days"],
      ["?days=two", "days"],
      ["?from=yesterday", "from"],
    ] as const) {
      const bad = await get(query);
      expect(bad.status, query).toBe(400);
      expect(((await bad.json()) as { issues: { path: string }[] }).issues[0]!.path, query).toBe(path);
    }
  });
});
