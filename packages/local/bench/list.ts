/**
 * The dashboard's list: `GET /api/incidents?status=open` through the real API Lambda handler (an
 * API Gateway v2 event with a bearer token: auth, validation, the index Query, the ETag), with 50
 * open incidents among 100, 10,000 and 100,000 stored. The open list reads the sparse
 * openBySeverity index, so its latency must not grow with the table: list_flatness_ratio is the
 * 100k p99 over the 100 p99. A conditional PutItem (the baseline of every module) is interleaved.
 */
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TokenStore } from "@firebreak/core/adapters/dynamodb/auth/token-store";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore, incidentItem } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { keys } from "@firebreak/core/adapters/dynamodb/keys";
import { PageStore } from "@firebreak/core/adapters/dynamodb/paging/page-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { createTableInput } from "@firebreak/core/adapters/dynamodb/table";
import type { Incident } from "@firebreak/core/incident/model";
import { createApiHandler } from "@firebreak/functions/api";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { lambdaContext } from "../src/apigw";
import { type BenchContext, type BenchModule, cursor, rawConditionalPut, runPool, scaled } from "./harness";
import { describeMs, round, summarise } from "./stats";

const OPEN = 50;
const SIZES = [
  { label: "100", total: 100 },
  { label: "10k", total: 10_000 },
  { label: "100k", total: 100_000 },
] as const;
const WARM_UP = 100;
const REQUESTS = scaled(400);
const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"] as const;

function incident(n: number, open: boolean, base: number): Incident {
  const created = new Date(base - n * 60_000).toISOString();
  const id = `01J${String(n).padStart(23, "0")}`;
  return {
    id,
    number: n + 1,
    title: `bench incident ${n}`,
    severity: SEVERITIES[n % 5]!,
    status: open ? "declared" : "resolved",
    services: [`svc-${n % 40}`],
    locations: [{ account: "123456789012", region: "eu-west-1" }],
    source: "alarm",
    alarm: {
      name: `bench-alarm-${n}`,
      arn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:bench-alarm-${n}`,
      account: "123456789012",
      region: "eu-west-1",
    },
    flapping: false,
    description: `service: svc-${n % 40}`,
    createdAt: created,
    updatedAt: created,
    ...(open ? {} : { acknowledgedAt: created, resolvedAt: created }),
    version: open ? 1 : 3,
  };
}

/** BatchWriteItem, 25 items a call, 8 calls in flight, unprocessed items retried. */
/** An escalation item two steps in, with its ladder snapshot (the list projects a few fields of it). */
function escalationItem(incident: Incident): Record<string, unknown> {
  const person = (id: string) => ({
    id,
    name: `Person ${id}`,
    phone: "+12025550100",
    slackUserId: "U0ABCDEF1",
  });
  return {
    ...keys.escalation(incident.id),
    type: "escalation",
    incidentId: incident.id,
    version: 3,
    status: "active",
    severity: incident.severity,
    declaredAt: incident.createdAt,
    ladder: {
      levels: [1, 2, 3].map((level) => ({
        level,
        timeoutMinutes: 5,
        targets: [{ kind: "person", person: person(`p${level}`) }],
      })),
      repeat: 1,
      fallback: { targets: [] },
    },
    people: ["p1", "p2", "p3"].map(person),
    steps: [
      { level: 1, round: 0, requestedAt: incident.createdAt, trigger: "start" },
      { level: 2, round: 0, requestedAt: incident.updatedAt, trigger: "timeout" },
    ],
    coverage: { attempts: 0 },
    startedAt: incident.createdAt,
    updatedAt: incident.updatedAt,
    paged: ["p1", "p2"],
  };
}

async function seed(
  db: DynamoDBDocumentClient,
  tableName: string,
  items: Record<string, unknown>[],
  log: (m: string) => void,
) {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let written = 0;
  let nextReport = 10_000;
  await runPool(8, cursor(batches), async (batch) => {
    let pending = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(500, 20 * 2 ** attempt)));
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
    written += batch.length;
    if (written >= nextReport) {
      log(`  seeded ${written} / ${items.length}`);
      nextReport += 10_000;
    }
  });
}

/** One table holding `total` incidents, `OPEN` of them open, and a list call through the API handler. */
async function prepare(ctx: BenchContext, size: (typeof SIZES)[number], base: number) {
  const tableName = `bench-list-${size.label}-${Date.now().toString(36)}`;
  // The table definition without its stream: DynamoDB Local keeps every stream record in the JVM
  // and slows down as they pile up (seeding 100k rows took over an hour with it, on a busy
  // machine), while the list path never reads the stream. Keys and indexes are the real ones.
  const admin = new DynamoDBClient({
    endpoint: ctx.endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await admin.send(
    new CreateTableCommand({ ...createTableInput(tableName), StreamSpecification: { StreamEnabled: false } }),
  );
  await waitUntilTableExists({ client: admin, maxWaitTime: 60 }, { TableName: tableName });
  admin.destroy();
  const db = createDocumentClient({ tableName, endpoint: ctx.endpoint });
  const store = new IncidentStore(db, tableName);
  const tokens = new TokenStore(db, tableName);
  const { token } = await tokens.create({ name: "bench", role: "viewer", userId: "bench" });
  const handler = createApiHandler(() => ({
    store,
    postmortems: new PostmortemStore(db, tableName),
    pages: new PageStore(db, tableName),
    auth: { sessionKey: "bench-session-key-0123456789abcdef0123", tokens },
  }));
  const items: Record<string, unknown>[] = [];
  for (let n = 0; n < size.total; n++) items.push(incidentItem(incident(n, n < OPEN, base)));
  // The open incidents' escalations, as the pager leaves them: the list reads these (one BatchGetItem).
  for (let n = 0; n < OPEN; n++) items.push(escalationItem(incident(n, true, base)));
  ctx.log(`seeding ${size.total} incidents (${OPEN} open) into ${tableName} with BatchWriteItem`);
  await seed(db, tableName, items, ctx.log);
  const event = (): APIGatewayProxyEventV2 => {
    const now = new Date();
    return {
      version: "2.0",
      routeKey: "$default",
      rawPath: "/api/incidents",
      rawQueryString: "status=open",
      headers: { authorization: `Bearer ${token}`, host: "bench.local", accept: "application/json" },
      queryStringParameters: { status: "open" },
      requestContext: {
        accountId: "123456789012",
        apiId: "bench",
        domainName: "bench.local",
        domainPrefix: "bench",
        http: {
          method: "GET",
          path: "/api/incidents",
          protocol: "HTTP/1.1",
          sourceIp: "127.0.0.1",
          userAgent: "bench",
        },
        requestId: `r-${now.getTime()}`,
        routeKey: "$default",
        stage: "$default",
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      isBase64Encoded: false,
    };
  };
  const list = async () => {
    const started = performance.now();
    const res = (await handler(event(), lambdaContext("api"))) as { statusCode: number; body: string };
    const ms = performance.now() - started;
    if (res.statusCode !== 200) throw new Error(`GET /api/incidents answered ${res.statusCode}: ${res.body}`);
    const count = (JSON.parse(res.body) as { items: unknown[] }).items.length;
    if (count !== OPEN) throw new Error(`expected ${OPEN} open incidents, the API listed ${count}`);
    return ms;
  };
  return { size, db, tableName, list };
}

export const listOpen: BenchModule = {
  name: "list open incidents (API)",
  targets: [{ figure: "list_flatness_ratio", op: "<=", value: 1.5, correctness: false }],
  async run(ctx: BenchContext) {
    const base = Date.parse("2026-06-01T12:00:00.000Z");
    // Three tables (100, 10k, 100k stored), measured round-robin: whatever else the machine does
    // at a moment lands on every size alike, so the ratio compares sizes, not moments.
    const tables = [];
    for (const size of SIZES) tables.push(await prepare(ctx, size, base));
    const rawPut = rawConditionalPut(tables[0]!.db, tables[0]!.tableName);
    const timedPut = async () => {
      const started = performance.now();
      await rawPut();
      return performance.now() - started;
    };
    ctx.log(`warm-up: ${WARM_UP} lists per table`);
    for (let i = 0; i < WARM_UP; i++) for (const t of tables) await t.list();
    ctx.log(
      `measuring: ${REQUESTS} GET /api/incidents?status=open per size through the API handler (bearer token), round-robin over the sizes, each round with one conditional put`,
    );
    const samples = new Map<string, number[]>(tables.map((t) => [t.size.label, []]));
    const putMs: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      // Rotate the order each round so no size always runs first.
      for (let k = 0; k < tables.length; k++) {
        const t = tables[(i + k) % tables.length]!;
        samples.get(t.size.label)!.push(await t.list());
      }
      putMs.push(await timedPut());
      if ((i + 1) % 100 === 0) ctx.log(`  ${i + 1} / ${REQUESTS} rounds`);
    }
    const figures: Record<string, number> = {};
    const p99s: Record<string, number> = {};
    for (const t of tables) {
      const summary = summarise(samples.get(t.size.label)!);
      ctx.log(`  list, ${t.size.total} stored: ${describeMs(summary)}`);
      p99s[t.size.label] = summary.p99;
      figures[`list_open_p99_ms_${t.size.label}`] = round(summary.p99, 3);
    }
    const put = summarise(putMs);
    ctx.log(`  conditional put (baseline, same run): ${describeMs(put)}`);
    for (const t of tables) t.db.destroy();
    return {
      ...figures,
      list_raw_put_p99_ms: round(put.p99, 3),
      list_open_p99_ratio_100k: round(p99s["100k"]! / put.p99, 3),
      list_flatness_ratio: round(p99s["100k"]! / p99s["100"]!, 3),
    };
  },
};
