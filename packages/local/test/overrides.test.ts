/**
 * Shift overrides end to end through the local runtime (issue 15 item 8): Bob takes Alice's shift
 * through the API; "who is on call" says so, and an alarm that fires during the override pages Bob,
 * not Alice. The directory as applied is untouched; `directory show` and `directory apply` list
 * the override beside it. Refusals are 4xx naming the field or who may.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { testClock, testInstant } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { applyDirectoryFile, showDirectory } from "../src/directory-cli";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, sendAlarmEvent, startTestRuntime } from "./support/runtime";

const EXAMPLE = fileURLToPath(new URL("../../../examples/directory.yaml", import.meta.url));
const clock = testClock();
const tableName = `overrides-${randomUUID().slice(0, 8)}`;
let runtime: LocalRuntime;
let bob: string;
let erin: string;
let viewer: string;
let admin: string;

beforeAll(async () => {
  runtime = await startTestRuntime("overrides", { clock, tableName });
  bob = await runtime.apiToken("responder", "bob");
  erin = await runtime.apiToken("responder", "erin");
  viewer = await runtime.apiToken("viewer", "kate");
  admin = await runtime.apiToken("admin", "maria");
});
afterAll(() => runtime.stop());

const call = apiCaller(
  () => runtime,
  () => bob,
);
const iso = (ms: number) => new Date(testInstant().getTime() + ms).toISOString();
const HOUR = 3_600_000;

describe("shift overrides, through the local runtime", () => {
  it("Bob takes the checkout shift for a while: on-call, paging and the directory views all say so", async () => {
    const before = await call("/api/oncall?team=checkout", { token: viewer });
    const primary = () => before.json.items[0].levels[0].now.map((p: { personId: string }) => p.personId);
    expect(primary()).not.toContain("bob");

    const created = await call("/api/oncall/overrides", {
      body: {
        personId: "bob",
        rotationId: "checkout-primary",
        from: iso(-HOUR),
        to: iso(4 * HOUR),
        reason: "covering for the dentist",
      },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      id: "OV-1",
      personId: "bob",
      personName: "Bob Okafor",
      rotationId: "checkout-primary",
      rotationName: "Checkout primary",
      createdBy: { type: "api", id: "bob", name: "Bob Okafor" },
    });
    const after = await call("/api/oncall?team=checkout", { token: viewer });
    expect(after.json.items[0].levels[0].now).toMatchObject([{ personId: "bob", until: iso(4 * HOUR) }]);
    const listed = await call("/api/oncall/overrides", { token: viewer });
    expect(listed.json.items.map((o: { id: string }) => o.id)).toEqual(["OV-1"]);

    // An alarm now pages Bob, not the rotation's own holder.
    const opened = await sendAlarmEvent(
      runtime,
      alarmStateChangeEvent({
        name: "checkout-5xx-cover",
        state: "ALARM",
        service: "checkout",
        severity: "sev2",
        account: "210987654321",
        region: "eu-west-1",
        at: new Date(testInstant().getTime() - 30_000),
      }),
    );
    const pages = await vi.waitFor(
      async () => {
        const found = await call(`/api/pages?incident=${opened.incidentId}`, { token: viewer });
        const first = found.json.items.filter((p: { level: unknown }) => p.level === 1);
        expect(first.length).toBeGreaterThan(0);
        return first;
      },
      { timeout: 20_000, interval: 100 },
    );
    const people = pages.flatMap((p: { target: { personId?: string } }) => p.target.personId ?? []);
    expect(new Set(people)).toEqual(new Set(["bob"]));

    // The directory as applied is unchanged; the override is beside it.
    const directory = await call("/api/directory", { token: admin });
    expect(directory.json.overrides.map((o: { id: string }) => o.id)).toEqual(["OV-1"]);
    const rotation = directory.json.directory.teams
      .flatMap((t: { rotations: { id: string; overrides: unknown[] }[] }) => t.rotations)
      .find((r: { id: string }) => r.id === "checkout-primary");
    expect(JSON.stringify(rotation.overrides)).not.toContain("OV-1");

    // The CLI lists it, and applying the directory again keeps it.
    const target = { table: tableName, endpoint: inject("dynamoEndpoint"), clock };
    const shown: string[] = [];
    await showDirectory(target, (line) => shown.push(line));
    expect(shown.join("\n")).toMatch(
      /Shift overrides \(1, .*\):\n {2}OV-1 {2}bob on call in checkout-primary .* by Bob Okafor {2}\(covering for the dentist\)/,
    );
    const applied: string[] = [];
    await applyDirectoryFile(EXAMPLE, target, (line) => applied.push(line));
    expect(applied.join("\n")).toContain("1 shift override still applies");
    expect(
      (await call("/api/oncall?team=checkout", { token: viewer })).json.items[0].levels[0].now,
    ).toMatchObject([{ personId: "bob" }]);
  });

  it("refuses what it cannot do, naming the field or who may; cancelling ends it", async () => {
    const window = { from: iso(24 * HOUR), to: iso(30 * HOUR), rotationId: "checkout-primary" };
    const forbidden = await call("/api/oncall/overrides", {
      body: { personId: "erin", ...window },
      token: erin,
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toMatchObject({ code: "override_forbidden" });
    expect(forbidden.json.detail).toContain("only members of rotation checkout-primary");
    const local = await call("/api/oncall/overrides", {
      body: { personId: "bob", ...window, from: "2026-12-24 09:00" },
    });
    expect(local.status).toBe(400);
    expect(local.json.issues[0]).toMatchObject({ path: "from" });
    const unknown = await call("/api/oncall/overrides", { body: { personId: "zed", ...window } });
    expect(unknown.json.issues[0]).toMatchObject({ path: "personId" });
    expect(
      (await call("/api/oncall/overrides", { body: { personId: "bob", ...window }, token: viewer })).status,
    ).toBe(403);

    const made = await call("/api/oncall/overrides", { body: { personId: "bob", ...window } });
    expect(made.status).toBe(201);
    const duplicate = await call("/api/oncall/overrides", { body: { personId: "bob", ...window } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.code).toBe("override_refused");
    expect(
      (await call(`/api/oncall/overrides/${made.json.id}`, { method: "DELETE", token: erin })).status,
    ).toBe(403);
    const cancelled = await call(`/api/oncall/overrides/${made.json.id}`, { method: "DELETE" });
    expect(cancelled.status).toBe(200);
    expect((await call(`/api/oncall/overrides/${made.json.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await call("/api/oncall/overrides/MW-1", { method: "DELETE" })).status).toBe(400);
  });
});
