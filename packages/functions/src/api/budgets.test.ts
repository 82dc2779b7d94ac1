import { readFileSync } from "node:fs";
import { TokenStore } from "@firebreak/core/adapters/dynamodb/auth/token-store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import type { ServiceBudget } from "@firebreak/core/metrics/budget";
import { applyDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { draftPostmortem } from "@firebreak/core/postmortem/draft";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiDeps, createApiApp } from "./app";

/**
 * GET /api/budgets through the API app (every route group, as the local server serves them): the
 * example directory's checkout SLO (99.9% over 28 days = 40.32 minutes), one drafted incident and
 * one still open, at pinned instants.
 */

const DIRECTORY_YAML = readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8");
const NOW = Date.parse("2026-03-31T12:00:00.000Z");
const MIN = 60_000;

let deps: ApiDeps;
let viewer: string;
let responder: string;

/** The API at a frozen instant: the minutes consumed do not depend on how long a request takes. */
const appAt = (ms: number) => createApiApp(() => ({ ...deps, clock: { now: () => new Date(ms) } }));

async function call(at: number, path: string, token: string | null, body?: unknown) {
  const res = await appAt(at).request(path, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const table = await createTestTable("api-budgets");
  const store = storeFor(table);
  const directory = new DirectoryStore(store.db, table.tableName);
  await applyDirectoryYaml(directory, DIRECTORY_YAML);
  const tokens = new TokenStore(store.db, table.tableName);
  deps = {
    store,
    postmortems: new PostmortemStore(store.db, table.tableName),
    directory,
    auth: { sessionKey: "budgets-test-session-key-0123456789abcdef", tokens, admins: [] },
  };
  viewer = (await tokens.create({ name: "viewer", role: "viewer", userId: "kate" })).token;
  responder = (await tokens.create({ name: "responder", role: "responder", userId: "alice" })).token;

  // Drafted: declared 3 days ago, mitigated 10 minutes later, resolved after 25.
  const t1 = NOW - 3 * 86_400_000;
  const drafted = await call(t1, "/api/incidents", responder, {
    title: "Checkout errors",
    severity: "SEV2",
    service: "checkout",
  });
  expect(drafted.status).toBe(201);
  const id = drafted.json.id as string;
  expect((await call(t1 + 10 * MIN, `/api/incidents/${id}/mitigate`, responder, {})).status).toBe(200);
  expect(
    (await call(t1 + 25 * MIN, `/api/incidents/${id}/resolve`, responder, { summary: "rolled back" })).status,
  ).toBe(200);
  await draftPostmortem({ incidents: deps.store, postmortems: deps.postmortems }, id);

  // Open: declared 20 minutes before now.
  const open = await call(NOW - 20 * MIN, "/api/incidents", responder, {
    title: "Checkout slow",
    severity: "SEV3",
    service: "checkout",
  });
  expect(open.status).toBe(201);
});

describe("GET /api/budgets", () => {
  it("lists each service with an SLO: budget, the incidents that consumed it, remaining and a burn-down", async () => {
    const res = await call(NOW, "/api/budgets", viewer);
    expect(res.status).toBe(200);
    expect(res.json.now).toBe(new Date(NOW).toISOString());
    const items = res.json.items as ServiceBudget[];
    expect(items.map((i) => i.service)).toEqual(["checkout"]);
    const [checkout] = items;
    expect(checkout).toMatchObject({
      service: "checkout",
      team: "checkout",
      slo: { target: 0.999, windowDays: 28 },
      budgetMinutes: 40.32,
    });
    expect(checkout!.consumedMinutes).toBeCloseTo(30, 9);
    expect(checkout!.remainingMinutes).toBeCloseTo(10.32, 9);
    expect(checkout!.incidents.map((i) => [i.title, Math.round(i.minutes), i.open])).toEqual([
      ["Checkout errors", 10, false],
      ["Checkout slow", 20, true],
    ]);
    expect(checkout!.burndown[0]).toEqual({
      at: new Date(NOW - 28 * 86_400_000).toISOString(),
      remainingMinutes: 40.32,
    });
    expect(checkout!.burndown.at(-1)?.remainingMinutes).toBe(checkout!.remainingMinutes);
  });

  it("narrows to one service; one without an SLO says so", async () => {
    const one = await call(NOW, "/api/budgets?service=checkout", viewer);
    expect((one.json.items as ServiceBudget[]).map((i) => i.service)).toEqual(["checkout"]);
    const none = await call(NOW, "/api/budgets?service=cart", viewer);
    expect(none.status).toBe(200);
    expect(none.json.items).toEqual([
      expect.objectContaining({
        service: "cart",
        team: "checkout",
        slo: null,
        budgetMinutes: null,
        note: "no SLO is declared for cart in the on-call directory, so it has no error budget",
      }),
    ]);
  });

  it("needs a viewer, and a valid service name", async () => {
    expect((await call(NOW, "/api/budgets", null)).status).toBe(401);
    const bad = await call(NOW, "/api/budgets?service=%20no%20spaces", viewer);
    expect(bad.status).toBe(400);
  });
});
