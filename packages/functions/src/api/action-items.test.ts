import { readFileSync } from "node:fs";
import { TokenStore } from "@firebreak/core/adapters/dynamodb/auth/token-store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { applyDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { draftPostmortem } from "@firebreak/core/postmortem/draft";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiDeps, createApiApp } from "./app";

/**
 * Action items through the API app (every route group, as the local server serves them), at a
 * clock that stands still: create (idempotent with Idempotency-Key), from the draft, list, change
 * with a 409, the risk view, and bad input answered with a 4xx naming the field.
 */

const DIRECTORY_YAML = readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8");
const NOW = new Date("2026-12-03T10:00:00.000Z");

let deps: ApiDeps;
let viewer: string;
let responder: string;
let incidentId: string;
let incidentNumber: number;

const app = () => createApiApp(() => ({ ...deps, clock: { now: () => new Date(NOW) } }));

async function call(
  path: string,
  token: string | null,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await app().request(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the answers are read loosely
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  const table = await createTestTable("api-actions");
  const store = storeFor(table);
  const directory = new DirectoryStore(store.db, table.tableName);
  await applyDirectoryYaml(directory, DIRECTORY_YAML);
  const tokens = new TokenStore(store.db, table.tableName);
  deps = {
    store,
    postmortems: new PostmortemStore(store.db, table.tableName),
    directory,
    auth: { sessionKey: "actions-test-session-key-0123456789abcdef", tokens, admins: [] },
  };
  viewer = (await tokens.create({ name: "viewer", role: "viewer", userId: "kate" })).token;
  responder = (await tokens.create({ name: "responder", role: "responder", userId: "alice" })).token;
  const declared = await call("/api/incidents", responder, {
    body: { title: "Checkout errors", severity: "SEV2", service: "checkout" },
  });
  expect(declared.status).toBe(201);
  incidentId = declared.json.id;
  incidentNumber = declared.json.number;
});

describe("action items over the API", () => {
  it("creates one with Idempotency-Key (201, then 200 with the same item), and lists it", async () => {
    const request = {
      body: { title: "Add a pre-deploy check", owner: "U01BOB0002", due: "2026-12-20" },
      headers: { "idempotency-key": "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d" },
    };
    const first = await call(`/api/incidents/INC-${incidentNumber}/action-items`, responder, request);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      id: `AI-${incidentNumber}-1`,
      owner: "bob",
      status: "open",
      tags: ["postmortem"],
      createdBy: "alice",
    });
    const again = await call(`/api/incidents/${incidentId}/action-items`, responder, request);
    expect(again).toEqual({ status: 200, json: first.json });
    const list = await call("/api/action-items?service=checkout&status=open", viewer);
    expect(list.json.items.map((i: { id: string }) => i.id)).toEqual([first.json.id]);
    expect((await call(`/api/action-items/${String(first.json.id).toLowerCase()}`, viewer)).json.id).toBe(
      first.json.id,
    );
  });

  it("answers bad input with a 4xx naming the field, never a 500; viewers cannot write", async () => {
    const path = `/api/incidents/${incidentId}/action-items`;
    const bad = await call(path, responder, { body: { title: "", owner: "bob" } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([expect.objectContaining({ path: "title" })]);
    const unknown = await call(path, responder, { body: { title: "x", owner: "mallory" } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.issues[0].message).toContain('unknown person "mallory"');
    const key = await call(path, responder, {
      body: { title: "x", owner: "bob" },
      headers: { "idempotency-key": "has spaces in it" },
    });
    expect(key.status).toBe(400);
    expect(key.json.issues[0].path).toBe("Idempotency-Key");
    expect((await call(path, viewer, { body: { title: "x", owner: "bob" } })).status).toBe(403);
    expect(
      (await call("/api/incidents/INC-99999/action-items", responder, { body: { title: "x", owner: "bob" } }))
        .status,
    ).toBe(404);
    expect((await call("/api/action-items/AI-1-999", viewer)).status).toBe(404);
    expect((await call("/api/action-items/DROP%20TABLE", viewer)).status).toBe(400);
    expect((await call("/api/action-items?status=closed", viewer)).status).toBe(400);
    const notJson = await app().request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${responder}`, "content-type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
  });

  it("changes status with expectedVersion; a stale version is a 409 with the item as it is now", async () => {
    const created = await call(`/api/incidents/${incidentId}/action-items`, responder, {
      body: { title: "Alert on queue depth", owner: "chen" },
    });
    const id = created.json.id as string;
    const done = await call(`/api/action-items/${id}`, responder, {
      method: "PATCH",
      body: { status: "done", expectedVersion: 1 },
    });
    expect(done).toMatchObject({ status: 200, json: { status: "done", version: 2 } });
    const stale = await call(`/api/action-items/${id}`, responder, {
      method: "PATCH",
      body: { status: "wont_do", expectedVersion: 1 },
    });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ currentVersion: 2, current: { id, status: "done", version: 2 } });
  });

  it("makes the draft's rows into items once, and shows each service's open items with its budget left", async () => {
    // Resolve with a temporary fix, so the draft lists one action item.
    const other = await call("/api/incidents", responder, {
      body: { title: "Search down", severity: "SEV2", service: "checkout" },
    });
    const id = other.json.id as string;
    await call(`/api/incidents/${id}/updates`, responder, {
      body: { text: "rolled back search to v41", temporary: true },
    });
    expect(
      (await call(`/api/incidents/${id}/resolve`, responder, { body: { summary: "rolled back" } })).status,
    ).toBe(200);
    await draftPostmortem({ incidents: deps.store, postmortems: deps.postmortems }, id);
    const first = await call(`/api/incidents/${id}/action-items/from-draft`, responder, { body: {} });
    expect(first.status).toBe(201);
    expect(first.json.created).toBe(1);
    expect(first.json.items[0]).toMatchObject({
      title: expect.stringContaining("rolled back search to v41"),
      owner: "alice",
      tags: ["postmortem", "temporary-fix"],
      source: { kind: "draft", draftItemId: "AI-1", postmortemVersion: 1 },
    });
    const second = await call(`/api/incidents/${id}/action-items/from-draft`, responder, { body: {} });
    expect(second).toMatchObject({ status: 200, json: { created: 0, items: first.json.items } });
    // An incident without a draft: 404.
    expect(
      (await call(`/api/incidents/${incidentId}/action-items/from-draft`, responder, { body: {} })).status,
    ).toBe(404);

    const risk = await call("/api/risk?service=checkout", viewer);
    expect(risk.status).toBe(200);
    const checkout = risk.json.services[0];
    expect(checkout).toMatchObject({ service: "checkout", team: expect.any(String) });
    expect(checkout.openActionItems).toBeGreaterThanOrEqual(1);
    expect(checkout.budget).toMatchObject({
      budgetMinutes: expect.any(Number),
      remainingMinutes: expect.any(Number),
    });
    expect((await call("/api/risk?service=nope", viewer)).status).toBe(404);
  });
});
