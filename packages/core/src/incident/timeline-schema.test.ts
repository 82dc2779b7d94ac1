/**
 * Every timeline entry that reaches the table is one the outbox can publish: the schema the
 * outbox reads with is checked where entries are written, and an invalid one stores nothing.
 */

import { ValidationError } from "@firebreak/core/shared/errors";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { beforeEach, describe, expect, it } from "vitest";
import { eventFromStreamRecord } from "../adapters/dynamodb/events/outbox";
import { streamRecord } from "../adapters/dynamodb/events/testing";
import { type IncidentStore, timelineItem } from "../adapters/dynamodb/incident/incident-store";
import { timelineEntry } from "../events/testing";
import { changeStatus, declareIncident, postUpdate } from "./actions";
import type { Actor } from "./model";
import { validTimelineEntry } from "./timeline-schema";

/** What a Slack command without user_id once produced: `{ type: "slack", id: undefined }`. */
const nobody = { type: "slack", id: undefined, name: "ghost" } as unknown as Actor;
const paths = (error: unknown) => (error as ValidationError).issues.map((issue) => issue.path);

describe("validTimelineEntry", () => {
  it("accepts a whole entry, and names each bad field of one that is not", () => {
    const entry = timelineEntry();
    expect(validTimelineEntry(entry, "x")).toEqual(entry);
    const bad = { ...entry, actor: { type: "slack" }, kind: "", data: "none" };
    const error = (() => {
      try {
        return validTimelineEntry(bad, "TL#1");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/TL#1/);
    expect(paths(error).sort()).toEqual(["actor", "data", "kind"]);
  });

  it("is the outbox's check: an item timelineItem refuses is one the outbox could not publish", () => {
    const entry = timelineEntry({ actor: nobody });
    expect(() => timelineItem(entry)).toThrow(ValidationError);
    const item = { pk: `INC#${entry.incidentId}`, sk: `TL#${entry.id}`, type: "timeline", ...entry };
    expect(() => eventFromStreamRecord(streamRecord("INSERT", item))).toThrow(ValidationError);
  });
});

describe("writing an invalid timeline entry", () => {
  let store: IncidentStore;
  beforeEach(async () => {
    store = storeFor(await createTestTable("timeline-schema"));
  });

  it("fails with a ValidationError naming the actor, and stores nothing", async () => {
    const error = await declareIncident({ store }, { title: "DB down", severity: "SEV1" }, nobody).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(paths(error)).toEqual(["actor"]);
    expect((await store.listOpen()).items).toEqual([]);
    expect(await store.getIncidentByNumber(1)).toBeUndefined();
  });

  it("leaves an incident as it was when a change's entry is invalid (status, update)", async () => {
    const alice = { type: "user" as const, id: "U1", name: "alice" };
    const incident = await declareIncident({ store }, { title: "DB down" }, alice);
    const status = await changeStatus({ store }, incident.id, { to: "acknowledged" }, nobody).catch(
      (e: unknown) => e,
    );
    expect(paths(status)).toEqual(["actor"]);
    const update = await postUpdate(
      { store },
      incident.id,
      { text: "looking" },
      { type: "user", id: "" },
    ).catch((e: unknown) => e);
    expect(paths(update)).toEqual(["actor"]);
    const after = (await store.getIncidentWithTimeline(incident.id))!;
    expect(after.incident).toMatchObject({ status: "declared", version: incident.version });
    expect(after.timeline.map((e) => e.kind)).toEqual(["incident.declared"]);
  });
});
