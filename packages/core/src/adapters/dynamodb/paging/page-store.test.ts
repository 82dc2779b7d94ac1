import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { VersionConflictError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { beforeEach, describe, expect, it } from "vitest";
import type { TimelineEntry } from "../../../incident/timeline";
import { EscalationExistsError, type EscalationRecord, type StoredPage } from "../../../paging/records";
import type { IncidentStore } from "../incident/incident-store";
import { PageStore } from "./page-store";

let incidents: IncidentStore;
let store: PageStore;

beforeEach(async () => {
  incidents = storeFor(await createTestTable("pages"));
  store = new PageStore(incidents.db, incidents.tableName);
});

const AT = "2026-03-14T09:42:13.274Z";
const SYSTEM = { type: "system" as const, id: "firebreak" };

function escalation(incidentId: string, overrides: Partial<EscalationRecord> = {}): EscalationRecord {
  return {
    incidentId,
    version: 1,
    status: "active",
    severity: "SEV2",
    declaredAt: AT,
    ladder: { levels: [], repeat: 0, fallback: { targets: [] } },
    people: [],
    steps: [],
    coverage: { attempts: 0 },
    nextDueAt: AT,
    startedAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

function entry(incidentId: string, kind = "page.requested"): TimelineEntry {
  return { id: newId(), incidentId, kind, actor: SYSTEM, at: AT, summary: kind, data: {} };
}

function newPage(incidentId: string, pageId: string): StoredPage {
  return {
    pageId,
    incidentId,
    channel: "sns",
    target: { kind: "person", personId: "bob", phone: "+12025550102", name: "Bob" },
    targetKey: "person:bob",
    level: 1,
    round: 0,
    purpose: "escalation",
    state: "requested",
    delivery: "requested",
    attempts: 0,
    sends: 1,
    requestedAt: AT,
    claimedAt: AT,
    requestedEntryId: newId(),
  };
}

async function timelineKinds(incidentId: string): Promise<string[]> {
  const out = await incidents.db.send(
    new QueryCommand({
      TableName: incidents.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :tl)",
      ExpressionAttributeValues: { ":pk": `INC#${incidentId}`, ":tl": "TL#" },
    }),
  );
  return (out.Items ?? []).map((i) => String(i.kind));
}

describe("PageStore", () => {
  it("remembers everyone paged across saves, and summarises escalations for the list in one read", async () => {
    const second = { ...newPage("S1", "P2"), target: { kind: "person" as const, personId: "carol" } };
    const topic = {
      ...newPage("S1", "P3"),
      target: { kind: "topic" as const, arn: "arn:aws:sns:eu-west-1:1:t" },
    };
    await store.saveEscalation({
      expectedVersion: undefined,
      escalation: escalation("S1", { steps: [{ level: 1, round: 0, requestedAt: AT, trigger: "start" }] }),
      newPages: [newPage("S1", "P1"), topic],
    });
    const read = (await store.getEscalation("S1"))!;
    expect(read.paged).toEqual(["bob"]);
    const later = "2026-03-14T09:47:13.274Z";
    // The next step is planned from what was read (as the service does): bob stays, carol is added,
    // and paging bob again adds nobody.
    await store.saveEscalation({
      expectedVersion: 1,
      escalation: {
        ...read,
        version: 2,
        steps: [...read.steps, { level: 2, round: 0, requestedAt: later, trigger: "timeout" }],
      },
      newPages: [second, { ...newPage("S1", "P4") }],
    });
    await store.saveEscalation({
      expectedVersion: undefined,
      escalation: escalation("S2", { status: "done", doneReason: "low_urgency", acknowledgedAt: later }),
    });

    const summaries = await store.escalationSummaries(["S1", "S2", "never-paged"]);
    expect(Object.fromEntries(summaries)).toEqual({
      S1: { level: 2, since: later, acknowledged: false, active: true, paged: ["bob", "carol"] },
      S2: { acknowledged: true, active: false, doneReason: "low_urgency", paged: [] },
    });
    expect(await store.escalationSummaries([])).toEqual(new Map());
  });

  it("starts an escalation once, and moves it only from the version that was read", async () => {
    await store.saveEscalation({
      expectedVersion: undefined,
      escalation: escalation("I1"),
      newPages: [newPage("I1", "P1")],
    });
    await expect(
      store.saveEscalation({ expectedVersion: undefined, escalation: escalation("I1") }),
    ).rejects.toBeInstanceOf(EscalationExistsError);

    await store.saveEscalation({ expectedVersion: 1, escalation: escalation("I1", { version: 2 }) });
    const stale = await store
      .saveEscalation({
        expectedVersion: 1,
        escalation: escalation("I1", { version: 2 }),
        newPages: [newPage("I1", "P2")],
      })
      .catch((e) => e);
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect((stale as VersionConflictError).currentVersion).toBe(2);
    // The loser's pages were not written either; a page's `page.requested` entry waits for its outcome.
    expect((await store.listPages("I1")).map((p) => p.pageId)).toEqual(["P1"]);
    expect(await timelineKinds("I1")).toEqual([]);
  });

  it("lists due escalations from the sparse index, earliest first, and drops them once done", async () => {
    await store.saveEscalation({
      expectedVersion: undefined,
      escalation: escalation("LATE", { nextDueAt: "2026-03-14T10:00:00.000Z" }),
    });
    await store.saveEscalation({
      expectedVersion: undefined,
      escalation: escalation("SOON", { nextDueAt: "2026-03-14T09:45:00.000Z" }),
    });
    await store.saveEscalation({
      expectedVersion: undefined,
      escalation: escalation("EXACT", { nextDueAt: "2026-03-14T09:50:00.000Z" }),
    });
    await store.saveEscalation({
      expectedVersion: undefined,
      escalation: escalation("DONE", { status: "done", nextDueAt: "2026-03-14T09:40:00.000Z" }),
    });

    const due = await store.queryDue(new Date("2026-03-14T09:50:00.000Z"));
    expect(due).toEqual([
      { incidentId: "SOON", dueAt: "2026-03-14T09:45:00.000Z" },
      { incidentId: "EXACT", dueAt: "2026-03-14T09:50:00.000Z" },
    ]);
    expect(await store.queryDue(new Date("2026-03-14T11:00:00.000Z"), 1)).toHaveLength(1);

    const done = escalation("SOON", { version: 2, status: "done" });
    delete done.nextDueAt;
    await store.saveEscalation({ expectedVersion: 1, escalation: done });
    expect((await store.queryDue(new Date("2026-03-14T11:00:00.000Z"))).map((d) => d.incidentId)).toEqual([
      "EXACT",
      "LATE",
    ]);
  });

  it("records a page's outcome once, with its timeline entries", async () => {
    await store.saveEscalation({
      expectedVersion: undefined,
      escalation: escalation("I2"),
      newPages: [newPage("I2", "P1")],
    });
    const delivered = { delivery: "delivered" as const, at: AT, attempts: 2, providerId: "m-1" };
    const requested = entry("I2", "page.requested");
    expect(await store.recordOutcome("I2", "P1", delivered, [requested, entry("I2", "page.delivered")])).toBe(
      true,
    );
    expect(await store.recordOutcome("I2", "P1", delivered, [requested, entry("I2", "page.delivered")])).toBe(
      false,
    );
    const failed = {
      delivery: "failed" as const,
      at: AT,
      attempts: 3,
      error: { code: "Throttling", message: "x", retryable: true },
    };
    expect(await store.recordOutcome("I2", "P1", failed, [entry("I2", "page.failed")])).toBe(false);
    expect(await store.getPage("I2", "P1")).toMatchObject({
      state: "delivered",
      attempts: 2,
      providerId: "m-1",
      deliveredAt: AT,
    });
    expect((await timelineKinds("I2")).sort()).toEqual(["page.delivered", "page.requested"]);
  });

  it("lets one sender claim a stale page, and none once it is recorded or acknowledged", async () => {
    await store.saveEscalation({
      expectedVersion: undefined,
      escalation: escalation("I3"),
      newPages: [newPage("I3", "P1")],
    });
    const later = "2026-03-14T09:50:00.000Z";
    const claims = await Promise.all([
      store.claimPage("I3", "P1", AT, later),
      store.claimPage("I3", "P1", AT, later),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.getPage("I3", "P1")).toMatchObject({ claimedAt: later, sends: 2 });

    await store.saveEscalation({
      expectedVersion: 1,
      escalation: escalation("I3", { version: 2 }),
      acknowledgePages: [{ pageId: "P1", at: later, by: SYSTEM }],
    });
    expect(await store.claimPage("I3", "P1", later, "2026-03-14T10:00:00.000Z")).toBe(false);
    expect((await store.getPage("I3", "P1"))?.state).toBe("acknowledged");
  });

  it("consumes an ack link once; a released link can be used again", async () => {
    expect(await store.consumeAckLink("I4", "P1", AT, 2_000_000_000, "k1")).toBe(true);
    expect(await store.consumeAckLink("I4", "P1", AT, 2_000_000_000, "k1")).toBe(false);
    await store.releaseAckLink("I4", "P1", "another time"); // not ours: kept
    expect(await store.consumeAckLink("I4", "P1", AT, 2_000_000_000, "k1")).toBe(false);
    await store.releaseAckLink("I4", "P1", AT);
    expect(await store.consumeAckLink("I4", "P1", AT, 2_000_000_000, "k1")).toBe(true);
  });

  it("writes a step too big for one transaction in several, all of it", async () => {
    const many = Array.from({ length: 70 }, (_, i) => newPage("I5", `P${String(i).padStart(3, "0")}`));
    await store.saveEscalation({
      expectedVersion: undefined,
      escalation: escalation("I5"),
      newPages: many,
      entries: [entry("I5", "escalation.started")],
    });
    expect(await store.listPages("I5")).toHaveLength(70);
    expect(await timelineKinds("I5")).toEqual(["escalation.started"]);
  });
});
