import { readFileSync } from "node:fs";
import { NotFoundError, ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { beforeEach, describe, expect, it } from "vitest";
import { ActionItemStore } from "../adapters/dynamodb/action-items/store";
import type { IncidentStore } from "../adapters/dynamodb/incident/incident-store";
import { declareIncident } from "../incident/actions";
import type { Actor, Incident } from "../incident/model";
import { parseDirectoryYaml } from "../oncall/directory-yaml";
import {
  type ActionItemDeps,
  createActionItem,
  createFromDraft,
  getActionItem,
  listActionItems,
  openItemsByService,
  parseActionItemId,
  updateActionItem,
} from "./actions";

const DIRECTORY = parseDirectoryYaml(
  readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8"),
);
const ALICE: Actor = { type: "user", id: "alice", name: "Alice Moreau" };
const NOW = new Date("2026-12-03T10:00:00.000Z");

let store: IncidentStore;
let actionItems: ActionItemStore;
let incident: Incident;
let deps: ActionItemDeps;

beforeEach(async () => {
  store = storeFor(await createTestTable("actions"));
  actionItems = new ActionItemStore(store.db, store.tableName);
  // Stands still: ages and due dates are exact.
  const clock = { now: () => new Date(NOW) };
  incident = await declareIncident(
    { store, clock },
    { title: "checkout 5xx", severity: "SEV2", services: ["checkout"] },
    ALICE,
  );
  deps = { actionItems, incidents: store, directory: async () => DIRECTORY, clock };
});

const timeline = async () => (await store.getIncidentWithTimeline(incident.id))?.timeline ?? [];

const validation = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
};

describe("action items", () => {
  it("creates AI-<n>-1 for a directory person, tagged postmortem, with its timeline entry", async () => {
    const { item, created } = await createActionItem(
      deps,
      incident.id,
      { title: "Add a pre-deploy check", owner: "<@U01BOB0002>", due: "2026-12-20" },
      ALICE,
      "slack:trigger-1",
    );
    expect(created).toBe(true);
    expect(item).toMatchObject({
      id: `AI-${incident.number}-1`,
      incidentId: incident.id,
      incidentNumber: incident.number,
      services: ["checkout"],
      title: "Add a pre-deploy check",
      owner: "bob",
      due: "2026-12-20",
      status: "open",
      tags: ["postmortem"],
      source: { kind: "manual" },
      createdBy: "Alice Moreau",
      version: 1,
    });
    expect(item.team).toBeTruthy();
    const entries = (await timeline()).filter((e) => e.kind === "action_item.created");
    expect(entries).toHaveLength(1);
    expect(entries[0]?.actor).toEqual(ALICE);
    expect(entries[0]?.summary).toContain("Add a pre-deploy check");
    expect(entries[0]?.data).toMatchObject({ actionItemId: item.id, owner: "bob" });
  });

  it("makes one item per idempotency key, also when the same request arrives 10 times at once", async () => {
    const request = { title: "Alert on queue depth", owner: "chen" };
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => createActionItem(deps, incident.id, request, ALICE, "api:key-7")),
    );
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.item.id)).size).toBe(1);
    expect(await actionItems.all()).toHaveLength(1);
    const entries = (await timeline()).filter((e) => e.kind === "action_item.created");
    expect(entries).toHaveLength(1);
    // A later redelivery takes no number; another key is the next item.
    const first = outcomes[0]!.item;
    const counter = async () => Number((await actionItems.allocateNumber(incident.id)) - 1);
    const before = await counter();
    expect(await createActionItem(deps, incident.id, request, ALICE, "api:key-7")).toEqual({
      item: first,
      created: false,
    });
    const other = await createActionItem(deps, incident.id, request, ALICE, "api:key-8");
    expect(other.item.id).toBe(`AI-${incident.number}-${before + 2}`);
  });

  it("refuses bad input with the field named: empty or multi-line title, unknown owner, bad or past dates", async () => {
    expect(
      await validation(createActionItem(deps, incident.id, { title: " ", owner: "bob" }, ALICE)),
    ).toEqual([expect.objectContaining({ path: "title" })]);
    expect(
      await validation(createActionItem(deps, incident.id, { title: "x".repeat(201), owner: "bob" }, ALICE)),
    ).toEqual([expect.objectContaining({ path: "title", message: "at most 200 characters" })]);
    expect(
      await validation(createActionItem(deps, incident.id, { title: "fix", owner: "mallory" }, ALICE)),
    ).toEqual([
      expect.objectContaining({
        path: "owner",
        message: expect.stringContaining('unknown person "mallory"'),
      }),
    ]);
    for (const due of ["2026-02-30", "20-12-2026", "tomorrow"]) {
      const issues = await validation(
        createActionItem(deps, incident.id, { title: "fix", owner: "bob", due }, ALICE),
      );
      expect(issues.map((i) => i.path)).toContain("due");
      expect(issues.every((i) => i.path === "due")).toBe(true);
    }
    expect(
      await validation(
        createActionItem(deps, incident.id, { title: "fix", owner: "bob", due: "2026-12-02" }, ALICE),
      ),
    ).toEqual([
      expect.objectContaining({ path: "due", message: "2026-12-02 is in the past (today is 2026-12-03)" }),
    ]);
    expect(
      await validation(createActionItem(deps, incident.id, { title: "fix", owner: "bob", extra: 1 }, ALICE)),
    ).toEqual([expect.objectContaining({ path: "(root)" })]);
    await expect(
      createActionItem(deps, "01NOPE", { title: "fix", owner: "bob" }, ALICE),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await actionItems.all()).toEqual([]);
  });

  it("keeps hostile text as one line of plain text (control characters and newlines flattened)", async () => {
    const { item } = await createActionItem(
      deps,
      incident.id,
      { title: "fix\n<!channel> *now*\u0007 `rm -rf`", owner: "bob" },
      ALICE,
    );
    expect(item.title).not.toContain("\n");
    expect(item.title).not.toContain(String.fromCharCode(7));
    expect(item.title).toContain("<!channel>");
  });

  it("changes status and fields with a version check, one timeline entry per change, none for a no-op", async () => {
    const { item } = await createActionItem(deps, incident.id, { title: "Add a check", owner: "bob" }, ALICE);
    const done = await updateActionItem(
      deps,
      item.id.toLowerCase(),
      { status: "done", expectedVersion: 1 },
      ALICE,
    );
    expect(done).toMatchObject({ changed: true, item: { status: "done", version: 2 } });
    const again = await updateActionItem(deps, item.id, { status: "done" }, ALICE);
    expect(again.changed).toBe(false);
    await expect(
      updateActionItem(deps, item.id, { status: "wont_do", expectedVersion: 1 }, ALICE),
    ).rejects.toBeInstanceOf(VersionConflictError);
    const edited = await updateActionItem(
      deps,
      item.id,
      { title: "Add a canary check", owner: "U01CHEN003", due: "2027-01-15", status: "open" },
      ALICE,
    );
    expect(edited.item).toMatchObject({
      title: "Add a canary check",
      owner: "chen",
      due: "2027-01-15",
      status: "open",
      version: 3,
    });
    const updates = (await timeline()).filter((e) => e.kind === "action_item.updated");
    expect(updates.map((e) => e.summary)).toEqual([
      `${item.id} done (by Alice Moreau)`,
      `${item.id} title Add a canary check, owner chen, due 2027-01-15, reopened (by Alice Moreau)`,
    ]);
    expect(await validation(updateActionItem(deps, item.id, {}, ALICE))).toHaveLength(1);
    expect(await validation(updateActionItem(deps, item.id, { status: "closed" }, ALICE))).toEqual([
      expect.objectContaining({ path: "status", message: "expected one of open, done, wont_do" }),
    ]);
  });

  it("applies concurrent status changes without a version one after another, each recorded", async () => {
    const { item } = await createActionItem(deps, incident.id, { title: "Add a check", owner: "bob" }, ALICE);
    const results = await Promise.all([
      updateActionItem(deps, item.id, { title: "one" }, ALICE),
      updateActionItem(deps, item.id, { owner: "chen" }, ALICE),
      updateActionItem(deps, item.id, { due: "2027-02-01" }, ALICE),
    ]);
    expect(results.every((r) => r.changed)).toBe(true);
    expect(await getActionItem(deps, item.id)).toMatchObject({
      title: "one",
      owner: "chen",
      due: "2027-02-01",
      version: 4,
    });
  });

  it("lists by service, owner, status and incident", async () => {
    const other = await declareIncident(
      { store, clock: deps.clock },
      { title: "search slow", severity: "SEV3", services: ["search"] },
      ALICE,
    );
    const a = await createActionItem(deps, incident.id, { title: "a", owner: "bob" }, ALICE);
    await createActionItem(deps, incident.id, { title: "b", owner: "chen" }, ALICE);
    const c = await createActionItem(deps, other.id, { title: "c", owner: "bob" }, ALICE);
    await updateActionItem(deps, a.item.id, { status: "done" }, ALICE);
    const ids = async (filter: Record<string, string>) =>
      (await listActionItems(deps, filter)).map((i) => i.title);
    expect(await ids({})).toEqual(["c", "a", "b"]);
    expect(await ids({ service: "checkout" })).toEqual(["a", "b"]);
    expect(await ids({ owner: "bob" })).toEqual(["c", "a"]);
    expect(await ids({ status: "open" })).toEqual(["c", "b"]);
    expect(await ids({ incident: `INC-${other.number}` })).toEqual(["c"]);
    expect(await ids({ incident: incident.id, status: "done" })).toEqual(["a"]);
    expect(c.item.services).toEqual(["search"]);
    await expect(listActionItems(deps, { status: "closed" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("makes the draft's rows into items once each; an unknown owner falls to the caller, a past due date to today", async () => {
    const rows = [
      {
        id: "AI-1",
        title: "Follow up the temporary fix",
        owner: "Bob Okafor",
        due: "2026-12-10",
        tags: ["postmortem", "temporary-fix"],
      },
      { id: "AI-2", title: "Remove the flag", owner: null, due: "2026-11-01", tags: ["postmortem"] },
    ];
    const bob = DIRECTORY.people.find((p) => p.id === "bob");
    rows[0]!.owner = bob?.name ?? "bob";
    const first = await createFromDraft(deps, incident.id, rows, 3, ALICE, "alice");
    expect(first.map((o) => o.created)).toEqual([true, true]);
    expect(first.map((o) => [o.item.owner, o.item.due, o.item.tags, o.item.source])).toEqual([
      [
        "bob",
        "2026-12-10",
        ["postmortem", "temporary-fix"],
        { kind: "draft", draftItemId: "AI-1", postmortemVersion: 3 },
      ],
      ["alice", "2026-12-03", ["postmortem"], { kind: "draft", draftItemId: "AI-2", postmortemVersion: 3 }],
    ]);
    const second = await createFromDraft(deps, incident.id, rows, 4, ALICE, "alice");
    expect(second.map((o) => o.created)).toEqual([false, false]);
    expect(second.map((o) => o.item.id)).toEqual(first.map((o) => o.item.id));
    expect(await actionItems.all()).toHaveLength(2);
  });

  it("parses item ids strictly", () => {
    expect(parseActionItemId(" ai-42-1 ")).toBe("AI-42-1");
    expect(() => parseActionItemId("AI-42")).toThrow(ValidationError);
    expect(() => parseActionItemId("AI-42-1; DROP")).toThrow("expected an action item such as AI-42-1");
  });

  it("summarises the open items of each service with their ages", async () => {
    const a = await createActionItem(
      deps,
      incident.id,
      { title: "a", owner: "bob", due: "2026-12-05" },
      ALICE,
    );
    await createActionItem(deps, incident.id, { title: "b", owner: "chen" }, ALICE);
    const later = new Date("2026-12-13T10:00:00.000Z");
    const risk = openItemsByService(await actionItems.all(), later);
    expect(risk).toEqual([
      expect.objectContaining({
        service: "checkout",
        open: 2,
        overdue: 1,
        oldestOpenDays: 10,
        medianOpenDays: 10,
      }),
    ]);
    await updateActionItem(deps, a.item.id, { status: "wont_do" }, ALICE);
    expect(openItemsByService(await actionItems.all(), later)[0]).toMatchObject({ open: 1, overdue: 0 });
  });
});

describe("the tracker sync's storage port", () => {
  it("claims a create once until the claim lapses; recording the issue ends the claims", async () => {
    const { item } = await createActionItem(deps, incident.id, { title: "a", owner: "bob" }, ALICE);
    const t = (s: number) => new Date(NOW.getTime() + s * 1000);
    const claims = await Promise.all([1, 2, 3].map(() => actionItems.claimCreate(item.id, t(0), t(120))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await actionItems.claimCreate(item.id, t(60), t(180))).toBeUndefined();
    expect(await actionItems.claimCreate(item.id, t(121), t(241))).toBeDefined();
    const ref = {
      kind: "github" as const,
      key: "acme/ops#7",
      url: "https://github.com/acme/ops/issues/7",
      state: "open" as const,
    };
    await actionItems.recordSync(
      item.id,
      { tracker: ref, sync: { state: "synced", attempts: 0, syncedAt: t(122).toISOString() } },
      t(122),
    );
    expect(await actionItems.claimCreate(item.id, t(999), t(1100))).toBeUndefined();
    expect(await actionItems.listSyncable(t(130))).toEqual([
      expect.objectContaining({ id: item.id, tracker: ref }),
    ]);
  });

  it("records a status the tracker changed as the tracker's act, with its event; failures wait for their backoff", async () => {
    const { item } = await createActionItem(deps, incident.id, { title: "a", owner: "bob" }, ALICE);
    const failed = await actionItems.recordSync(
      item.id,
      {
        sync: {
          state: "failed",
          attempts: 1,
          lastError: "GitHub answered 502",
          nextAttemptAt: "2026-12-03T10:05:00.000Z",
        },
      },
      NOW,
    );
    expect(failed.sync).toMatchObject({ state: "failed", attempts: 1, lastError: "GitHub answered 502" });
    expect(await actionItems.listSyncable(new Date("2026-12-03T10:04:59.000Z"))).toEqual([]);
    expect(await actionItems.listSyncable(new Date("2026-12-03T10:05:00.000Z"))).toHaveLength(1);
    const ref = {
      kind: "linear" as const,
      key: "ENG-7",
      url: "https://linear.app/acme/issue/ENG-7",
      state: "closed" as const,
    };
    const done = await actionItems.recordSync(
      item.id,
      { tracker: ref, sync: { state: "synced", attempts: 0 }, status: "done" },
      NOW,
    );
    expect(done).toMatchObject({ status: "done", tracker: ref });
    const updates = (await timeline()).filter((e) => e.kind === "action_item.updated");
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      actor: { type: "system", id: "linear" },
      data: { changes: { status: { from: "open", to: "done" } } },
    });
    expect(await actionItems.listSyncable(NOW)).toEqual([]);
  });
});
