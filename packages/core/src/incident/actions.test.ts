import { runAs } from "@firebreak/core/shared/actor";
import { ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { transition as alarmTransition } from "@firebreak/testkit/factories";
import { beforeEach, describe, expect, it } from "vitest";
import type { IncidentStore } from "../adapters/dynamodb/incident/incident-store";
import { ingestAlarmTransition } from "../alarm/ingest";
import {
  assignRole,
  changeSeverity,
  changeStatus,
  declareIncident,
  IncidentResolvedError,
  postUpdate,
  setStatus,
} from "./actions";
import { IllegalTransitionError, parseSeverity } from "./model";

let store: IncidentStore;
const alice = { type: "user" as const, id: "U1", name: "alice" };

beforeEach(async () => {
  store = storeFor(await createTestTable("actions"));
});

const timeline = async (id: string) => (await store.getIncidentWithTimeline(id))!.timeline;

describe("status changes conditioned on the status seen (expectedStatus)", () => {
  it("an unrelated change since does not block them; a status change since is a conflict", async () => {
    const incident = await declareIncident({ store }, { title: "x" }, alice);
    await assignRole({ store }, incident.id, { role: "comms", personId: "dana", page: false }, alice);
    const acked = await setStatus(
      { store },
      incident.id,
      { to: "acknowledged", expectedStatus: "declared" },
      alice,
    );
    expect(acked).toMatchObject({ changed: true, incident: { status: "acknowledged", version: 3 } });
    await changeStatus({ store }, incident.id, { to: "resolved" }, alice);
    const stale = await setStatus(
      { store },
      incident.id,
      { to: "mitigated", expectedStatus: "acknowledged" },
      alice,
    ).catch((e) => e);
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(stale.message).toBe(
      `INC-${incident.number} is resolved now, not acknowledged: reload and try again`,
    );
    // Asking for the state it is in already is still a no-op, whatever was seen.
    expect(
      (await setStatus({ store }, incident.id, { to: "resolved", expectedStatus: "declared" }, alice))
        .changed,
    ).toBe(false);
  });
});

describe("incident actions", () => {
  it("declares a manual incident with a number and a declared entry by its actor", async () => {
    const incident = await declareIncident(
      { store },
      { title: "Checkout down", severity: "SEV1", services: ["checkout"] },
      alice,
    );
    expect(incident).toMatchObject({
      number: 1,
      status: "declared",
      source: "manual",
      severity: "SEV1",
      version: 1,
    });
    expect(await store.getIncidentByNumber(1)).toMatchObject({ id: incident.id });
    const entries = await timeline(incident.id);
    expect(entries).toMatchObject([
      { kind: "incident.declared", actor: alice, data: { title: "Checkout down" } },
    ]);
    expect((await store.listOpen()).items.map((i) => i.id)).toEqual([incident.id]);
  });

  it("names the bad field when the input is invalid", async () => {
    const error = await declareIncident({ store }, { title: " ", severity: "SEV9" as "SEV1" }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(["severity", "title"]);
  });

  it("records the actor from AsyncLocalStorage when none is passed", async () => {
    const incident = await runAs(alice, () => declareIncident({ store }, { title: "x" }));
    await runAs(alice, () => changeStatus({ store }, incident.id, { to: "acknowledged" }));
    expect((await timeline(incident.id)).map((e) => e.actor.id)).toEqual(["U1", "U1"]);
  });

  it("walks the lifecycle and rejects going back with a typed error", async () => {
    const incident = await declareIncident({ store }, { title: "x" }, alice);
    await changeStatus({ store }, incident.id, { to: "acknowledged" }, alice);
    await changeStatus({ store }, incident.id, { to: "mitigated" }, alice);
    const resolved = await changeStatus(
      { store },
      incident.id,
      { to: "resolved", summary: "rolled back" },
      alice,
    );
    expect(resolved).toMatchObject({ status: "resolved", summary: "rolled back", version: 4 });
    await expect(changeStatus({ store }, incident.id, { to: "acknowledged" }, alice)).rejects.toBeInstanceOf(
      IllegalTransitionError,
    );
    expect((await store.listOpen()).items).toEqual([]);
    expect((await timeline(incident.id)).map((e) => e.data.to ?? null)).toEqual([
      null,
      "acknowledged",
      "mitigated",
      "resolved",
    ]);
  });

  it("resolving an alarm-made incident ends the episode: the next ALARM (reopen window off) opens a new incident", async () => {
    const config = { reopenWindowMs: 0 };
    const opened = await ingestAlarmTransition({ store, config }, alarmTransition("db", "ALARM", 0));
    await changeStatus({ store }, opened.incidentId!, { to: "resolved" }, alice);
    const again = await ingestAlarmTransition({ store, config }, alarmTransition("db", "ALARM", 600));
    expect(again.outcome).toBe("opened");
    expect(again.incidentId).not.toBe(opened.incidentId);
    // A late transition lands on the incident open for the alarm.
    const late = await ingestAlarmTransition({ store, config }, alarmTransition("db", "OK", 300));
    expect(late).toMatchObject({ outcome: "appended", incidentId: again.incidentId });
  });

  it("an ALARM within the reopen window of a person's resolution reopens it; resolving it again releases the alarm again", async () => {
    let seconds = 0;
    const clock = {
      now: () => new Date(Date.parse(alarmTransition("db2", "ALARM", seconds).stateTimestamp)),
    };
    const opened = await ingestAlarmTransition({ store, clock }, alarmTransition("db2", "ALARM", 0));
    seconds = 300;
    await changeStatus({ store, clock }, opened.incidentId!, { to: "resolved" }, alice);
    seconds = 600;
    const again = await ingestAlarmTransition({ store, clock }, alarmTransition("db2", "ALARM", 600));
    expect(again).toMatchObject({ outcome: "reopened", incidentId: opened.incidentId });
    const reopened = await store.getIncident(opened.incidentId!);
    expect(reopened).toMatchObject({ status: "declared", reopens: 1 });
    seconds = 700;
    await changeStatus({ store, clock }, opened.incidentId!, { to: "resolved" }, alice);
    expect((await store.getIncident(opened.incidentId!))?.status).toBe("resolved");
    // 31 minutes after that resolution: a new incident.
    seconds = 700 + 31 * 60;
    const later = await ingestAlarmTransition({ store, clock }, alarmTransition("db2", "ALARM", seconds));
    expect(later.outcome).toBe("opened");
  });

  it("reports a stale expectedVersion as a conflict carrying the current version", async () => {
    const incident = await declareIncident({ store }, { title: "x" }, alice);
    await postUpdate({ store }, incident.id, { text: "looking" }, alice);
    const error = await changeStatus(
      { store },
      incident.id,
      { to: "acknowledged", expectedVersion: 1 },
      alice,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ currentVersion: 2 });
  });

  it("hands a role off, recording who, when and from whom", async () => {
    const incident = await declareIncident({ store }, { title: "x" }, alice);
    await assignRole({ store }, incident.id, { role: "ic", personId: "bob", personName: "Bob" }, alice);
    const after = await assignRole(
      { store },
      incident.id,
      { role: "ic", personId: "carol", personName: "Carol" },
      alice,
    );
    expect(after.roles?.ic).toMatchObject({ personId: "carol" });
    const same = await assignRole({ store }, incident.id, { role: "ic", personId: "carol" }, alice);
    expect(same.version).toBe(after.version);
    const roles = (await timeline(incident.id)).filter((e) => e.kind === "incident.role_assigned");
    expect(roles).toHaveLength(2);
    expect(roles[1]!.data).toMatchObject({ role: "ic", personId: "carol", previous: { personId: "bob" } });
    expect(roles[1]!.summary).toContain("handed off from Bob to Carol");
  });

  it("keeps 50 concurrent acknowledge/assign/update calls consistent, each accepted change on the timeline", {
    timeout: 120_000,
  }, async () => {
    const incident = await declareIncident({ store }, { title: "busy" }, alice);
    const calls = Array.from({ length: 50 }, (_, i) => {
      const actor = { type: "user" as const, id: `U${i}` };
      if (i % 5 === 0) return changeStatus({ store }, incident.id, { to: "acknowledged" }, actor);
      if (i % 5 === 1) return assignRole({ store }, incident.id, { role: "ops", personId: `p${i}` }, actor);
      return postUpdate({ store }, incident.id, { text: `update ${i}` }, actor);
    });
    const results = await Promise.allSettled(calls);
    const accepted = results.filter((r) => r.status === "fulfilled").length;
    const rejected = results.filter((r) => r.status === "rejected");
    // Exactly one acknowledge wins; the other nine are told it is already acknowledged.
    expect(rejected).toHaveLength(9);
    for (const r of rejected)
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(IllegalTransitionError);
    const final = await store.getIncidentWithTimeline(incident.id);
    expect(final!.incident.status).toBe("acknowledged");
    expect(final!.incident.version).toBe(1 + accepted);
    expect(final!.timeline).toHaveLength(1 + accepted);
    const lastOps = final!.timeline.filter((e) => e.kind === "incident.role_assigned").at(-1)!;
    expect(final!.incident.roles?.ops?.personId).toBe(lastOps.data.personId);
  });
});

describe("changeSeverity", () => {
  const kate = { type: "user" as const, id: "kate", name: "Kate Lindqvist" };

  it("raises without a reason, lowers only with one, and records each with the person", async () => {
    const incident = await declareIncident({ store }, { title: "queue age", severity: "SEV4" }, alice);
    const raised = await changeSeverity({ store }, incident.id, { severity: "SEV2" }, kate);
    expect(raised).toMatchObject({
      changed: true,
      incident: { severity: "SEV2", version: incident.version + 1 },
    });

    const refused = await changeSeverity({ store }, incident.id, { severity: "SEV3" }, kate).catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.message).toBe(`lowering INC-${incident.number} from SEV2 to SEV3 needs a reason`);
    expect(refused.issues).toEqual([{ path: "reason", message: "required when the severity is lowered" }]);

    await changeSeverity({ store }, incident.id, { severity: "SEV3", reason: "internal users only" }, kate);
    const same = await changeSeverity({ store }, incident.id, { severity: "SEV3" }, kate);
    expect(same.changed).toBe(false);

    const entries = (await timeline(incident.id)).filter((e) => e.kind === "incident.severity_changed");
    expect(entries.map((e) => [e.summary, e.actor.id])).toEqual([
      ["severity raised from SEV4 to SEV2 by Kate Lindqvist", "kate"],
      ["severity lowered from SEV2 to SEV3 by Kate Lindqvist: internal users only", "kate"],
    ]);
    expect(entries[1]!.data).toEqual({
      from: "SEV2",
      to: "SEV3",
      direction: "lowered",
      reason: "internal users only",
    });
  });

  it("refuses a resolved incident, a stale version and a severity that is not one", async () => {
    const incident = await declareIncident({ store }, { title: "x" }, alice);
    const stale = await changeSeverity(
      { store },
      incident.id,
      { severity: "SEV1", expectedVersion: incident.version + 5 },
      kate,
    ).catch((e) => e);
    expect(stale).toBeInstanceOf(VersionConflictError);
    const bad = await changeSeverity({ store }, incident.id, { severity: "SEV0" as "SEV1" }, kate).catch(
      (e) => e,
    );
    expect(bad).toBeInstanceOf(ValidationError);
    await changeStatus({ store }, incident.id, { to: "resolved" }, kate);
    const resolved = await changeSeverity({ store }, incident.id, { severity: "SEV1" }, kate).catch((e) => e);
    expect(resolved).toBeInstanceOf(IncidentResolvedError);
    expect(resolved.message).toBe(`INC-${incident.number} is resolved: its severity is kept as it was`);
    expect((await store.getIncident(incident.id))?.severity).toBe("SEV3");
  });

  it("keeps concurrent changes on one version: one wins, the others are 409", async () => {
    const incident = await declareIncident({ store }, { title: "x", severity: "SEV4" }, alice);
    const results = await Promise.allSettled(
      (["SEV1", "SEV2", "SEV3"] as const).map((severity) =>
        changeSeverity({ store }, incident.id, { severity, expectedVersion: incident.version }, kate),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const entries = (await timeline(incident.id)).filter((e) => e.kind === "incident.severity_changed");
    expect(entries).toHaveLength(1);
  });
});

describe("parseSeverity: one parser for the API, Slack and the CLI", () => {
  it("takes SEVn, sevN and N (1–5), and nothing else", () => {
    expect(["SEV1", "sev2", "Sev3", " 4 ", "5"].map(parseSeverity)).toEqual([
      "SEV1",
      "SEV2",
      "SEV3",
      "SEV4",
      "SEV5",
    ]);
    expect(["sev0", "SEV6", "high", "critical", "sev-1", "1.0", "", "sev 1"].map(parseSeverity)).toEqual(
      Array(8).fill(undefined),
    );
  });
});
