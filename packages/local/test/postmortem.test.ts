import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableInput } from "@firebreak/core/adapters/dynamodb/table";
import { validatePostmortem } from "@firebreak/core/postmortem/schema";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { buildCli } from "../src/cli";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";
import { whenDefined } from "./support/runtime";

let runtime: LocalRuntime;
let token: string;
let headers: { authorization: string };
const tableName = `pm-runtime-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  // An "old" table, created before the postmortem index existed: the runtime must add it.
  const client = new DynamoDBClient({
    endpoint: inject("dynamoEndpoint"),
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const old = createTableInput(tableName);
  old.GlobalSecondaryIndexes = old.GlobalSecondaryIndexes.filter((i) => i.IndexName === "openBySeverity");
  old.AttributeDefinitions = old.AttributeDefinitions.filter((a) =>
    ["pk", "sk", "openPk", "openSk"].includes(a.AttributeName),
  );
  await client.send(new CreateTableCommand(old));
  client.destroy();
  runtime = await startLocalRuntime({
    port: 0,
    dataDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName,
    settings: { FIREBREAK_AUTO_RESOLVE_ON_OK: "true" },
    timezone: "Europe/London",
    postmortemBucket: "firebreak-local-postmortems",
  });
  token = await runtime.apiToken("viewer");
  headers = { authorization: `Bearer ${token}` };
});
afterAll(() => runtime.stop());

const post = (path: string, body: object) =>
  fetch(`${runtime.url}${path}`, {
    method: "POST",
    headers: path === "/events" ? runtime.eventHeaders : { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("resolve → postmortem, through the local runtime", () => {
  it("adds missing indexes to an existing table", async () => {
    const client = new DynamoDBClient({
      endpoint: inject("dynamoEndpoint"),
      region: "local",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    client.destroy();
    expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
      createTableInput(tableName)
        .GlobalSecondaryIndexes.map((i) => i.IndexName)
        .sort(),
    );
  });

  it("drafts a postmortem when an alarm-made incident resolves, served as JSON, Markdown and schema-valid metadata", async () => {
    const t0 = new Date(Date.now() - 10 * 60_000);
    const fire = alarmStateChangeEvent({
      name: "payments-latency",
      state: "ALARM",
      service: "payments",
      severity: "sev2",
      account: "123456789012",
      region: "eu-west-1",
      at: t0,
    });
    const { results } = (await (await post("/events", fire)).json()) as { results: { incidentId: string }[] };
    const id = results[0]!.incidentId;
    const ok = alarmStateChangeEvent({
      name: "payments-latency",
      state: "OK",
      account: "123456789012",
      region: "eu-west-1",
    });
    expect((await post("/events", ok)).status).toBe(202);

    const draft = await whenDefined(async () => {
      const res = await fetch(`${runtime.url}/api/incidents/${id}/postmortem`, { headers });
      return res.status === 200
        ? ((await res.json()) as { version: number; origin: string; markdown: string; lint: unknown[] })
        : undefined;
    });
    expect(draft).toMatchObject({ version: 1, origin: "generated" });
    expect(draft.markdown).toContain("payments-latency");
    expect(Array.isArray(draft.lint)).toBe(true);

    const md = await fetch(`${runtime.url}/api/incidents/${id}/postmortem.md`, { headers });
    expect(md.headers.get("content-type")).toContain("text/markdown");
    expect(await md.text()).toBe(draft.markdown);

    const json = (await (
      await fetch(`${runtime.url}/api/incidents/${id}/postmortem.json`, { headers })
    ).json()) as {
      incident: { id: string };
      timestamps: { impact_start: string };
      detection: { source: string };
    };
    expect(validatePostmortem(json)).toEqual({ valid: true });
    expect(json).toMatchObject({ incident: { id }, detection: { source: "alarm" } });
    expect(json.timestamps.impact_start).toBe(t0.toISOString());

    // The optional export: the stored version, exported by the same consumer as on Lambda.
    const number = (json as unknown as { incident: { number: number } }).incident.number;
    const exported = await whenDefined(async () =>
      runtime.fakeS3?.objects.get(`firebreak-local-postmortems/postmortems/INC-${number}/v1.json`),
    );
    expect(JSON.parse(exported.body)).toEqual(json);
    expect(
      runtime.fakeS3?.objects.get(`firebreak-local-postmortems/postmortems/INC-${number}/v1.md`)?.body,
    ).toBe(draft.markdown);

    const schema = (await (
      await fetch(`${runtime.url}/api/schemas/postmortem.v1.json`, { headers })
    ).json()) as {
      $id: string;
    };
    expect(schema.$id).toBe("https://firebreak.dev/schemas/postmortem.v1.json");
    const v2 = (await (await fetch(`${runtime.url}/api/schemas/postmortem.v2.json`, { headers })).json()) as {
      $id: string;
    };
    expect(v2.$id).toBe("https://firebreak.dev/schemas/postmortem.v2.json");

    const metrics = (await (
      await fetch(`${runtime.url}/api/metrics?since=1d&service=payments`, { headers })
    ).json()) as {
      overall: { count: number; mttr: number | null };
      byRelease: { key: string; count: number; mttr: number | null }[];
    };
    expect(metrics.overall.count).toBe(1);
    expect(metrics.overall.mttr).toBeGreaterThan(0);
    // MTTR split by release involvement: every value listed; this incident's is in one of them.
    expect(metrics.byRelease.map((g) => g.key)).toEqual(["yes", "suspected", "no", "unknown"]);
    expect(metrics.byRelease.reduce((n, g) => n + g.count, 0)).toBe(1);
    expect(metrics.byRelease.find((g) => g.count === 1)?.mttr).toBe(metrics.overall.mttr);

    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => lines.push(args.join(" "));
    try {
      await buildCli().parseAsync([
        "node",
        "firebreak",
        "report",
        "--since",
        "1d",
        "--format",
        "json",
        "--url",
        runtime.url,
        "--token",
        token,
      ]);
    } finally {
      console.log = log;
    }
    expect(JSON.parse(lines.join("\n"))).toMatchObject({ overall: { count: 1 } });
  });

  it("answers 404 for an incident without a postmortem and 400 for a bad window", async () => {
    expect(
      (await fetch(`${runtime.url}/api/incidents/01ARZ3NDEKTSV4RRFFQ69G5FAV/postmortem`, { headers })).status,
    ).toBe(404);
    const bad = await fetch(`${runtime.url}/api/metrics?since=yesterday-ish`, { headers });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("since");
  });
});
