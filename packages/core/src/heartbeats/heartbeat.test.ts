import type { ValidationError } from "@firebreak/core/shared/errors";
import { validate } from "@firebreak/core/shared/validate";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { describe, expect, it } from "vitest";
import { HeartbeatStore } from "../adapters/dynamodb/heartbeats/store";
import { createHeartbeat, pingHeartbeat, sweepHeartbeats } from "./actions";
import {
  deadlineOf,
  type Heartbeat,
  heartbeatInputSchema,
  missedAlert,
  overdue,
  recoveredAlert,
} from "./heartbeat";

const hb: Heartbeat = {
  id: "nightly-backup",
  name: "ledger nightly backup",
  service: "ledger",
  severity: "SEV2",
  intervalSeconds: 300,
  graceSeconds: 60,
  createdAt: "2026-03-29T00:00:00.000Z",
  lastPingAt: "2026-03-29T00:58:30.000Z",
  state: "up",
};

describe("heartbeats", () => {
  it("are due at the last ping + interval + grace, on UTC instants (a DST change is no gap)", () => {
    // Europe's 2026 change is at 01:00 UTC on 29 March: the deadline is 6 minutes after the ping.
    expect(deadlineOf(hb)?.toISOString()).toBe("2026-03-29T01:04:30.000Z");
    expect(overdue(hb, new Date("2026-03-29T01:04:30.000Z"))).toBe(false);
    expect(overdue(hb, new Date("2026-03-29T01:04:30.001Z"))).toBe(true);
    const { lastPingAt: _never, ...fresh } = hb;
    expect(overdue({ ...fresh }, new Date("2030-01-01T00:00:00Z"))).toBe(false);
  });

  it("miss as one alert per heartbeat, at the deadline it missed, and recover as its resolve", () => {
    const deadline = deadlineOf(hb)!;
    expect(missedAlert(hb, deadline)).toMatchObject({
      identity: "missed",
      action: "trigger",
      title: "Heartbeat ledger nightly backup missed",
      severity: "SEV2",
      at: "2026-03-29T01:04:30.000Z",
      deliveryHint: "2026-03-29T01:04:30.000Z",
    });
    expect(recoveredAlert(hb, new Date("2026-03-29T01:20:00Z"))).toMatchObject({
      identity: "missed",
      action: "resolve",
      at: "2026-03-29T01:20:00.000Z",
    });
  });

  it("validate their input with path-named errors and defaults", () => {
    expect(validate(heartbeatInputSchema, { id: "etl", service: "Ledger", interval: "1h" })).toEqual({
      id: "etl",
      service: "ledger",
      interval: "1h",
      grace: "1m",
      severity: "SEV3",
    });
    try {
      validate(heartbeatInputSchema, { id: "etl job", service: "ledger", interval: "8d", grace: "0m" });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([
        { path: "id", message: expect.stringContaining("expected a heartbeat id") },
        {
          path: "interval",
          message: 'expected an interval such as "5m", "1h" or "1d", from 1 minute to 7 days',
        },
        {
          path: "grace",
          message: 'expected a grace period such as "5m", "1h" or "1d", from 1 minute to 1 day',
        },
      ]);
    }
  });
});

describe("a ping after a miss, with a crash between its two writes", () => {
  it("resolves the incident first; the heartbeat stays down until a ping is recorded, and the next ping finishes it", async () => {
    const table = await createTestTable("heartbeat-crash");
    const store = storeFor(table);
    let now = new Date("2026-03-29T00:58:30.000Z");
    const clock = { now: () => now };
    const heartbeats = new HeartbeatStore(store.db, table.tableName);
    const deps = {
      heartbeats,
      receive: { store, deadLetters: { send: async () => undefined }, clock },
      clock,
    };
    await createHeartbeat(deps, { id: "nightly-backup", service: "ledger", interval: "5m" });
    await heartbeats.recordPing("nightly-backup", now.toISOString());
    now = new Date("2026-03-29T01:05:00.000Z");
    const swept = await sweepHeartbeats(deps);
    expect(swept.missed.map((m) => m.outcome)).toEqual(["opened"]);
    const incidentId = swept.missed[0]!.incidentId!;

    now = new Date("2026-03-29T01:10:00.000Z");
    const crashing = Object.create(heartbeats) as HeartbeatStore;
    crashing.recordPing = async () => {
      throw new Error("the process died here");
    };
    const [down] = await heartbeats.list();
    await expect(pingHeartbeat({ ...deps, heartbeats: crashing }, down!)).rejects.toThrow(
      "the process died here",
    );
    expect((await store.getIncident(incidentId))?.status).toBe("resolved");
    expect((await heartbeats.list())[0]?.state).toBe("down");

    now = new Date("2026-03-29T01:11:00.000Z");
    const [still] = await heartbeats.list();
    const pinged = await pingHeartbeat(deps, still!);
    expect(pinged?.heartbeat.state).toBe("up");
    expect((await store.getIncident(incidentId))?.status).toBe("resolved");
  });
});
