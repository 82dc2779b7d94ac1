import { readFileSync } from "node:fs";
import { ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import { createTestTable, storeFor, updateItem } from "@firebreak/testkit/dynamo";
import { transition as alarmTransition, at } from "@firebreak/testkit/factories";
import { beforeEach, describe, expect, it } from "vitest";
import type { IncidentStore } from "../adapters/dynamodb/incident/incident-store";
import { incidentAlarms } from "../alarm/grouping";
import { ingestAlarmTransition } from "../alarm/ingest";
import { parseDirectoryYaml } from "../oncall/directory-yaml";
import { changeStatus, declareIncident, IncidentResolvedError, reopenIncident } from "./actions";
import { CannotMergeError, linkIncidents, mergeIncident, unlinkIncidents } from "./merge";

let store: IncidentStore;
const alice = { type: "user" as const, id: "alice", name: "Alice Moreau" };
const bob = { type: "slack" as const, id: "bob", name: "Bob Okafor" };

beforeEach(async () => {
  store = storeFor(await createTestTable("merge"));
});

const partition = async (id: string) => (await store.getIncidentWithTimeline(id))!;
const kinds = async (id: string) => (await partition(id)).timeline.map((e) => e.kind);
const fire = (name: string, state: "ALARM" | "OK", seconds: number) =>
  ingestAlarmTransition({ store }, alarmTransition(name, state, seconds));

describe("merging a duplicate into the incident that survives", () => {
  it("resolves the duplicate, points it at the survivor, and moves its alarm there with its state", async () => {
    const survivor = await declareIncident({ store }, { title: "Checkout is down", severity: "SEV1" }, alice);
    const opened = await fire("checkout-5xx", "ALARM", 0);
    const duplicate = await store.getIncident(opened.incidentId!);

    const result = await mergeIncident(
      { store },
      duplicate!.id,
      { into: survivor.id, reason: "same outage" },
      bob,
    );

    expect(result).toMatchObject({ changed: true, movedAlarms: [duplicate!.alarm!.arn] });
    const merged = await partition(duplicate!.id);
    expect(merged.incident).toMatchObject({
      status: "resolved",
      mergedInto: { id: survivor.id, number: survivor.number, title: "Checkout is down" },
      summary: `Merged into INC-${survivor.number}: same outage`,
    });
    expect(merged.timeline.slice(-2)).toMatchObject([
      {
        kind: "incident.merged",
        actor: bob,
        data: { into: { number: survivor.number }, reason: "same outage" },
      },
      {
        kind: "incident.status_changed",
        actor: bob,
        data: { from: "declared", to: "resolved", merged: { into: { id: survivor.id } } },
      },
    ]);
    const kept = await partition(survivor.id);
    expect(kept.incident.merged).toMatchObject([{ id: duplicate!.id, number: duplicate!.number }]);
    expect(kept.incident.relatedAlarms?.map((a) => a.name)).toEqual(["checkout-5xx"]);
    const received = kept.timeline.find((e) => e.kind === "incident.merge_received")!;
    expect(received).toMatchObject({
      actor: bob,
      data: { from: { number: duplicate!.number }, alarms: [{ name: "checkout-5xx", state: "ALARM" }] },
    });
    expect(incidentAlarms(kept.incident, kept.timeline)).toMatchObject([
      { name: "checkout-5xx", state: "ALARM", role: "grouped" },
    ]);
    expect((await store.getAlarmRecord(duplicate!.alarm!.arn))?.openIncidentId).toBe(survivor.id);
    // Only the survivor is open.
    expect((await store.listOpen()).items.map((i) => i.id)).toEqual([survivor.id]);
  });

  it("the moved alarm's next transition lands on the survivor, and resolving the survivor frees it", async () => {
    const survivor = await declareIncident({ store }, { title: "Checkout is down" }, alice);
    const opened = await fire("checkout-5xx", "ALARM", 0);
    await mergeIncident({ store }, opened.incidentId!, { into: survivor.id }, bob);

    const recovered = await fire("checkout-5xx", "OK", 60);
    expect(recovered.incidentId).toBe(survivor.id);
    const kept = await partition(survivor.id);
    expect(incidentAlarms(kept.incident, kept.timeline)).toMatchObject([
      { name: "checkout-5xx", state: "OK" },
    ]);

    await changeStatus(
      { store, clock: { now: () => new Date(at(120)) } },
      survivor.id,
      { to: "resolved" },
      alice,
    );
    const record = await store.getAlarmRecord(kept.incident.relatedAlarms![0]!.arn);
    expect(record).toMatchObject({ lastIncidentId: survivor.id });
    expect(record?.openIncidentId).toBeUndefined();
    // It fires again soon: the survivor reopens (never the merged duplicate).
    const soon = await fire("checkout-5xx", "ALARM", 180);
    expect(soon).toMatchObject({ outcome: "reopened", incidentId: survivor.id });
  });

  it("a repeated merge (a retry) writes nothing; merging elsewhere afterwards is refused", async () => {
    const a = await declareIncident({ store }, { title: "A" }, alice);
    const b = await declareIncident({ store }, { title: "B" }, alice);
    const c = await declareIncident({ store }, { title: "C" }, alice);
    await mergeIncident({ store }, a.id, { into: b.id }, bob);
    const before = [await kinds(a.id), await kinds(b.id)];

    const again = await mergeIncident({ store }, a.id, { into: b.id }, bob);

    expect(again.changed).toBe(false);
    expect([await kinds(a.id), await kinds(b.id)]).toEqual(before);
    const reopened = await reopenIncident({ store }, a.id, { reason: "not a duplicate" }, bob).catch(
      (e) => e,
    );
    expect(reopened.message).toBe(
      `INC-${a.number} was merged into INC-${b.number}: reopen INC-${b.number} instead`,
    );
    const elsewhere = await mergeIncident({ store }, a.id, { into: c.id }, bob).catch((e) => e);
    expect(elsewhere).toBeInstanceOf(CannotMergeError);
    expect(elsewhere.message).toBe(`INC-${a.number} was already merged into INC-${b.number}`);
  });

  it("refuses what cannot be merged, saying why, and writes nothing", async () => {
    const a = await declareIncident({ store }, { title: "A" }, alice);
    const b = await declareIncident({ store }, { title: "B" }, alice);
    const self = await mergeIncident({ store }, a.id, { into: a.id }, bob).catch((e) => e);
    expect(self).toBeInstanceOf(ValidationError);
    expect(self.issues).toEqual([
      { path: "into", message: expect.stringContaining("is the incident being merged") },
    ]);

    await changeStatus({ store }, b.id, { to: "resolved" }, alice);
    const intoResolved = await mergeIncident({ store }, a.id, { into: b.id }, bob).catch((e) => e);
    expect(intoResolved).toBeInstanceOf(CannotMergeError);
    expect(intoResolved.message).toContain(`INC-${b.number} is resolved`);

    const fromResolved = await mergeIncident({ store }, b.id, { into: a.id }, bob).catch((e) => e);
    expect(fromResolved).toBeInstanceOf(IncidentResolvedError);

    const stale = await mergeIncident({ store }, a.id, { into: b.id, expectedVersion: 7 }, bob).catch(
      (e) => e,
    );
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(await kinds(a.id)).toEqual(["incident.declared"]);
  });

  it("merging while others change the survivor loses no entry of anyone's", async () => {
    const survivor = await declareIncident({ store }, { title: "S" }, alice);
    const dups = await Promise.all(
      [1, 2, 3].map((n) => declareIncident({ store }, { title: `dup ${n}` }, alice)),
    );
    await Promise.all([
      ...dups.map((d) => mergeIncident({ store }, d.id, { into: survivor.id }, bob)),
      changeStatus({ store }, survivor.id, { to: "acknowledged" }, alice),
    ]);
    const kept = await partition(survivor.id);
    expect(kept.incident.merged?.map((m) => m.id).sort()).toEqual(dups.map((d) => d.id).sort());
    expect(kept.incident.status).toBe("acknowledged");
    expect(kept.timeline.filter((e) => e.kind === "incident.merge_received")).toHaveLength(3);
  });

  it("an alarm freed between the read and the write stays out of the survivor; the rest is saved", async () => {
    const survivor = await declareIncident({ store }, { title: "S" }, alice);
    const opened = await fire("checkout-5xx", "ALARM", 0);
    const arn = (await store.getIncident(opened.incidentId!))!.alarm!.arn;
    // Another writer frees the alarm just before the merge commits.
    const racing = Object.create(store) as IncidentStore;
    racing.commitIncidentChanges = async (...args) => {
      await updateItem(store.db, {
        TableName: store.tableName,
        Key: { pk: `ALARM#${arn}`, sk: "STATE" },
        UpdateExpression: "REMOVE openIncidentId",
      });
      return store.commitIncidentChanges(...args);
    };

    const result = await mergeIncident({ store: racing }, opened.incidentId!, { into: survivor.id }, bob);

    expect(result.movedAlarms).toEqual([]);
    const kept = await partition(survivor.id);
    expect(kept.incident.relatedAlarms ?? []).toEqual([]);
    expect(kept.timeline.find((e) => e.kind === "incident.merge_received")?.data.alarms).toEqual([]);
    expect((await store.getIncident(opened.incidentId!))?.mergedInto?.id).toBe(survivor.id);
  });

  it("an alarm of a merged incident's service groups into the survivor", async () => {
    const demo = parseDirectoryYaml(
      readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8"),
    );
    const on = (name: string, seconds: number) =>
      ingestAlarmTransition(
        { store, directory: async () => demo },
        alarmTransition(name, "ALARM", seconds, { description: "severity: sev2\nservice: checkout" }),
      );
    const first = await on("checkout-5xx", 0);
    const survivor = await declareIncident({ store }, { title: "Payments and checkout down" }, alice);
    await mergeIncident({ store }, first.incidentId!, { into: survivor.id }, bob);

    const second = await on("checkout-latency", 30);

    expect(second).toMatchObject({ outcome: "grouped", incidentId: survivor.id });
  });
});

describe("linking related incidents", () => {
  it("links both ways, once, and unlinks both ways; a resolved incident may be linked", async () => {
    const old = await declareIncident({ store }, { title: "Last week's DNS outage" }, alice);
    await changeStatus({ store }, old.id, { to: "resolved" }, alice);
    const now = await declareIncident({ store }, { title: "DNS again" }, alice);

    const linked = await linkIncidents({ store }, now.id, { other: old.id, reason: "same resolver" }, bob);
    expect(linked.changed).toBe(true);
    expect(linked.incident.links).toMatchObject([{ id: old.id, number: old.number, title: old.title }]);
    expect((await store.getIncident(old.id))?.links).toMatchObject([{ id: now.id, number: now.number }]);
    expect((await partition(old.id)).timeline.at(-1)).toMatchObject({
      kind: "incident.linked",
      actor: bob,
      data: { other: { number: now.number }, reason: "same resolver" },
    });

    expect((await linkIncidents({ store }, old.id, { other: now.id }, bob)).changed).toBe(false);
    expect(await kinds(now.id)).toEqual(["incident.declared", "incident.linked"]);

    const unlinked = await unlinkIncidents({ store }, old.id, now.id, alice);
    expect(unlinked.changed).toBe(true);
    expect((await store.getIncident(now.id))?.links).toEqual([]);
    expect((await store.getIncident(old.id))?.links).toEqual([]);
    expect((await unlinkIncidents({ store }, old.id, now.id, alice)).changed).toBe(false);
    expect(await kinds(now.id)).toEqual(["incident.declared", "incident.linked", "incident.unlinked"]);

    const self = await linkIncidents({ store }, now.id, { other: now.id }, bob).catch((e) => e);
    expect(self).toBeInstanceOf(ValidationError);
  });
});
