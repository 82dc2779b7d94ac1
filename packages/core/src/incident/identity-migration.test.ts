import { readFileSync } from "node:fs";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { beforeEach, describe, expect, it } from "vitest";
import type { IncidentStore } from "../adapters/dynamodb/incident/incident-store";
import { parseDirectoryYaml } from "../oncall/directory-yaml";
import { assignRole, declareIncident, postUpdate } from "./actions";
import { migrateSlackIdentities } from "./identity-migration";

const demo = parseDirectoryYaml(
  readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8"),
);
// As recorded before one identity per person: the Slack id, and Slack's legacy lowercased user_name.
const danaBySlack = { type: "slack" as const, id: "U01DANA004", name: "u01dana004" };
const stranger = { type: "slack" as const, id: "U0STRANGER", name: "Stranger" };

let store: IncidentStore;
beforeEach(async () => {
  store = storeFor(await createTestTable("identity"));
});

describe("migrating Slack ids to directory people", () => {
  it("rewrites role holders, actors and summaries of directory people; leaves others; runs again as a no-op", async () => {
    const incident = await declareIncident({ store }, { title: "checkout down" }, danaBySlack);
    await assignRole(
      { store },
      incident.id,
      { role: "comms", personId: "U01ALICE01", page: false },
      danaBySlack,
    );
    await assignRole(
      { store },
      incident.id,
      { role: "comms", personId: "U01BOB0002", page: false },
      danaBySlack,
    );
    await postUpdate({ store }, incident.id, { text: "looking" }, stranger);
    const other = await declareIncident({ store }, { title: "unrelated" }, stranger);

    const dry = await migrateSlackIdentities(store, demo, { dryRun: true });
    expect(dry).toEqual({ incidents: 2, incidentsChanged: 1, rolesChanged: 1, entriesChanged: 3 });
    expect((await store.getIncident(incident.id))!.roles?.comms?.personId).toBe("U01BOB0002");

    const report = await migrateSlackIdentities(store, demo);
    expect(report).toEqual(dry);
    const found = (await store.getIncidentWithTimeline(incident.id))!;
    expect(found.incident.roles?.comms).toMatchObject({ personId: "bob", personName: "Bob Okafor" });
    expect(found.timeline.map((e) => e.actor)).toEqual([
      { type: "slack", id: "dana", name: "Dana Fischer" },
      { type: "slack", id: "dana", name: "Dana Fischer" },
      { type: "slack", id: "dana", name: "Dana Fischer" },
      stranger,
    ]);
    const handoff = found.timeline[2]!;
    expect(handoff.summary).toBe("COMMS handed off from Alice Moreau to Bob Okafor by Dana Fischer");
    expect(handoff.data).toMatchObject({
      personId: "bob",
      personName: "Bob Okafor",
      previous: { personId: "alice", personName: "Alice Moreau" },
    });
    expect(JSON.stringify(found.timeline)).not.toMatch(/U01DANA004|u01dana004|U01ALICE01|U01BOB0002/i);
    expect((await store.getIncidentWithTimeline(other.id))!.timeline[0]!.actor).toEqual(stranger);

    expect(await migrateSlackIdentities(store, demo)).toEqual({
      incidents: 2,
      incidentsChanged: 0,
      rolesChanged: 0,
      entriesChanged: 0,
    });
  });
});
