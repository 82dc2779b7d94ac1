import { TokenStore } from "@firebreak/core/adapters/dynamodb/auth/token-store";
import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { ValidationError } from "@firebreak/core/shared/errors";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { tamper } from "@firebreak/testkit/tamper";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiDeps, createApiApp } from "./app";
import { parseJsonBody } from "./base";
import { toProblem } from "./problem";
import { declareBody, statusBody, updateBody } from "./schemas";
import { parse } from "./validate";

/**
 * The API's edges, found by an adversarial run: crafted list cursors, text that is not
 * well-formed UTF-16, JSON nested deeper than any body needs.
 */

const SESSION_KEY = "edges-test-session-key-0123456789abcdef";

let store: IncidentStore;
let app: ReturnType<typeof createApiApp>;
let token: string;

beforeAll(async () => {
  store = storeFor(await createTestTable("api-edges"));
  const tokens = new TokenStore(store.db, store.tableName);
  const deps: ApiDeps = {
    store,
    postmortems: new PostmortemStore(store.db, store.tableName),
    auth: { sessionKey: SESSION_KEY, tokens, admins: [] },
  };
  app = createApiApp(() => deps);
  token = (await tokens.create({ name: "responder", role: "responder", userId: "alice" })).token;
});

async function call(path: string, init: { body?: unknown; raw?: string } = {}) {
  const write = init.body !== undefined || init.raw !== undefined;
  const res = await app.request(path, {
    method: write ? "POST" : "GET",
    headers: { authorization: `Bearer ${token}`, ...(write ? { "content-type": "application/json" } : {}) },
    body: init.raw ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
  });
  const text = await res.text();
  let json: { items?: { id: string; title: string }[]; cursor?: string | null; issues?: { path: string }[] } =
    {};
  try {
    json = JSON.parse(text);
  } catch {
    json = {};
  }
  return { status: res.status, json, text };
}

const declare = (title: string, severity = "SEV2") =>
  call("/api/incidents", { body: { title, severity, service: "edges" } });

/** A cursor as the store encodes one: base64url JSON of a DynamoDB key. */
const INDEX_KEYS: Record<string, [string, string]> = {
  open: ["openPk", "openSk"],
  resolved: ["resolvedPk", "resolvedSk"],
  all: ["allPk", "allSk"],
};
const PARTITIONS: Record<string, string> = { open: "OPEN", resolved: "RESOLVED", all: "INC" };
const crafted = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString("base64url");

describe("list cursors", () => {
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) expect((await declare(`cursor ${i}`, "SEV3")).status).toBe(201);
  });

  it("pages with the cursors the API hands out", async () => {
    const first = await call("/api/incidents?status=open&limit=2");
    expect(first.json.items).toHaveLength(2);
    expect(first.json.cursor).toEqual(expect.any(String));
    const second = await call(`/api/incidents?status=open&limit=2&cursor=${first.json.cursor}`);
    expect(second.status).toBe(200);
    const seen = [...first.json.items!, ...second.json.items!].map((i) => i.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ["empty key values", { pk: "", sk: "", openPk: "", openSk: "" }, ""],
    [
      "another partition of the index",
      { pk: "INC#01ARZ3NDEKTSV4RRFFQ69G5FAV", sk: "META", openPk: "CLOSED", openSk: "SEV1#1#x" },
      "",
    ],
    [
      "a start key outside the query (another severity)",
      {
        pk: "INC#01ARZ3NDEKTSV4RRFFQ69G5FAV",
        sk: "META",
        openPk: "OPEN",
        openSk: "SEV3#8000000000000#01ARZ3NDEKTSV4RRFFQ69G5FAV",
      },
      "&severity=SEV1",
    ],
    [
      "a key longer than DynamoDB allows",
      {
        pk: "INC#01ARZ3NDEKTSV4RRFFQ69G5FAV",
        sk: "META",
        openPk: "OPEN",
        openSk: `SEV1#${"9".repeat(1300)}`,
      },
      "",
    ],
  ])("refuses a crafted cursor (%s) with a 400 naming cursor", async (_name, key, query) => {
    const cursor = crafted(key);
    expect(cursor.length).toBeLessThanOrEqual(2048);
    const res = await call(`/api/incidents?status=open${query}&cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(res.json.issues?.[0]?.path).toBe("cursor");
  });

  it("refuses a genuine cursor used for another query, or altered by one character", async () => {
    const first = await call("/api/incidents?status=open&limit=1");
    const cursor = first.json.cursor!;
    for (const path of [
      `/api/incidents?status=open&severity=SEV1&cursor=${cursor}`,
      `/api/incidents?status=all&cursor=${cursor}`,
      `/api/incidents?status=open&cursor=${tamper(cursor)}`,
    ]) {
      const res = await call(path);
      expect(res.status).toBe(400);
      expect(res.json.issues?.[0]?.path).toBe("cursor");
    }
  });

  it("the store checks a cursor against the index's key shape too (callers without the seal)", async () => {
    const id = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    const open = { pk: `INC#${id}`, sk: "META", openPk: "OPEN", openSk: `SEV3#8000000000000#${id}` };
    await expect(store.listIncidents({ status: "open", cursor: crafted(open) })).resolves.toBeDefined();
    for (const [query, key] of [
      [{ status: "open" }, { ...open, openSk: "" }],
      [{ status: "open" }, { ...open, openPk: "RESOLVED" }],
      [{ status: "open", severity: "SEV1" }, open],
      [{ status: "open" }, { ...open, sk: "ESCALATION" }],
      [{ status: "open" }, { ...open, openSk: `SEV3#${"9".repeat(1100)}#${id}` }],
    ] as const) {
      await expect(store.listIncidents({ ...query, cursor: crafted(key) })).rejects.toMatchObject({
        issues: [{ path: "cursor" }],
      });
    }
    await expect(store.listOpen({ cursor: crafted({ ...open, pk: "INC#x" }) })).rejects.toMatchObject({
      issues: [{ path: "cursor" }],
    });
  });

  it("never answers 500 for an arbitrary string as cursor", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("open", "resolved", "all").chain((status) =>
          fc.tuple(
            fc.constant(status),
            fc.oneof(
              fc.string({ unit: "binary", maxLength: 300 }),
              fc.base64String({ maxLength: 400 }),
              // The key shape the store expects, with arbitrary values.
              fc
                .record({
                  pk: fc.oneof(fc.string(), fc.constant("INC#01ARZ3NDEKTSV4RRFFQ69G5FAV")),
                  sk: fc.oneof(fc.string(), fc.constant("META")),
                  [INDEX_KEYS[status]![0]]: fc.oneof(fc.string(), fc.constant(PARTITIONS[status]!)),
                  [INDEX_KEYS[status]![1]]: fc.string({ maxLength: 1200 }),
                })
                .map(crafted),
            ),
          ),
        ),
        async ([status, cursor]) => {
          const res = await call(
            `/api/incidents?status=${status}&cursor=${encodeURIComponent(cursor.toWellFormed())}`,
          );
          expect([200, 400]).toContain(res.status);
          if (res.status === 400) expect(res.json.issues?.[0]?.path).toBe("cursor");
        },
      ),
    );
  });
});

describe("text at the edge", () => {
  it("declares with a lone surrogate in the title: U+FFFD in its place, control characters gone", async () => {
    const res = await call("/api/incidents", {
      raw: '{"title":"db \\ud800 down\\u0007\\r\\nagain","severity":"SEV2","service":"edges","description":"line 1\\r\\nline 2\\u0000\\tend \\udc00"}',
    });
    expect(res.status).toBe(201);
    const incident = JSON.parse(res.text) as { id: string; title: string; description: string };
    expect(incident.title).toBe("db \ufffd down again");
    expect(incident.description).toBe("line 1\nline 2\tend \ufffd");
    const update = await call(`/api/incidents/${incident.id}/updates`, {
      raw: '{"text":"still \\ud800\\u001b[31m red\\nnext"}',
    });
    expect(update.status).toBeLessThan(300);
    const { timeline } = (await store.getIncidentWithTimeline(incident.id))!;
    expect(JSON.stringify(timeline)).toContain("still \ufffd[31m red\\nnext");
    expect(JSON.stringify(timeline).isWellFormed()).toBe(true);
  });

  it("answers 400, not 500, for JSON nested deeper than 64 levels", async () => {
    for (const raw of [
      `{"title":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
      `${"[".repeat(65)}${"]".repeat(65)}`,
      `{"title":"x","description":${'{"a":'.repeat(70)}1${"}".repeat(70)}}`,
    ]) {
      const res = await call("/api/incidents", { raw });
      expect(res.status).toBe(400);
      expect(res.text).toContain("nested more than 64 levels");
    }
  });
});

describe("the API body parser, 10,000 bodies", () => {
  const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
  const text = fc
    .array(fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), surrogate, fc.constant("\u0000\r\n")), {
      maxLength: 6,
    })
    .map((parts) => parts.join(""));
  const nested = (depth: number, leaf: string) => {
    let out = leaf;
    for (let i = 0; i < depth; i++) out = i % 2 ? `[${out}]` : `{"title":${out}}`;
    return out;
  };
  const body = fc.oneof(
    // Declare and update bodies whose text carries lone surrogates and control characters.
    fc
      .record({ title: text, description: text, severity: fc.constantFrom("SEV1", "SEV3", "sev9") })
      .map((b) => JSON.stringify(b)),
    fc.record({ text, temporary: fc.boolean() }).map((b) => JSON.stringify(b)),
    // Raw lone surrogates in the text itself (as a client's bytes would decode).
    text.map((t) => `{"title":"${t.replaceAll("\\", "").replaceAll('"', "")}"}`),
    // Nesting 1–300 levels deep, in a field or at the root.
    fc
      .tuple(fc.integer({ min: 1, max: 300 }), text)
      .map(([depth, leaf]) => nested(depth, JSON.stringify(leaf))),
    // Unbalanced brackets, arbitrary text.
    fc.string({ unit: fc.constantFrom("[", "]", "{", "}", '"', ",", ":", "1", "\\"), maxLength: 200 }),
    fc.string({ unit: "binary", maxLength: 200 }),
  );

  it("parses and validates into a 2xx-bound value or a 400, never a throw of anything else", () => {
    fc.assert(
      fc.property(body, fc.constantFrom(declareBody, updateBody, statusBody), (raw, schema) => {
        try {
          const value = parse(schema, parseJsonBody(raw), "body");
          // What passes is well-formed: it can be paged, URL-encoded, stored.
          expect(JSON.stringify(value).isWellFormed()).toBe(true);
          if ("title" in value) expect(encodeURIComponent(value.title)).toEqual(expect.any(String));
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect(toProblem(error).status).toBe(400);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
