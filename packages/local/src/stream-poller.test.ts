import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { eventsFromStreamRecords } from "@firebreak/core/adapters/dynamodb/events/outbox";
import { timelineItem } from "@firebreak/core/adapters/dynamodb/events/testing";
import { createTableInput } from "@firebreak/core/adapters/dynamodb/table";
import { type BusEvent, LocalDispatcher } from "@firebreak/core/events/dispatcher";
import { timelineEntry } from "@firebreak/core/events/testing";
import type { Log } from "@firebreak/core/shared/log";
import { createOutboxHandler } from "@firebreak/functions/outbox";
import { OUTBOX } from "@firebreak/functions/wiring/topology";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { lambdaContext } from "./apigw";
import { type StreamPoller, type StreamPollerOptions, startStreamPoller } from "./stream-poller";

const credentials = { accessKeyId: "local", secretAccessKey: "local" };
const quiet: Log = { info: () => {}, warn: () => {}, error: () => {} };
const ok: DynamoDBBatchResponse = { batchItemFailures: [] };
const sk = (r: DynamoDBRecord) => r.dynamodb?.Keys?.sk?.S;

let endpoint: string;
let documents: DynamoDBDocumentClient;
const pollers: StreamPoller[] = [];

beforeAll(() => {
  endpoint = inject("dynamoEndpoint");
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: "local", credentials }));
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});

let tables = 0;
async function createTable(): Promise<string> {
  const name = `stream-poller-${process.pid}-${Date.now()}-${tables++}`;
  await documents.send(new CreateTableCommand(createTableInput(name)));
  return name;
}

async function poll(options: Omit<StreamPollerOptions, "endpoint" | "log"> & { endpoint?: string }) {
  const poller = await startStreamPoller({
    endpoint,
    log: quiet,
    intervalMs: 20,
    retryBaseMs: 10,
    ...options,
  });
  pollers.push(poller);
  return poller;
}

async function putTimeline(tableName: string, count: number) {
  const items = Array.from({ length: count }, (_, i) =>
    timelineItem(timelineEntry({ summary: `entry ${i}` })),
  );
  for (const Item of items) await documents.send(new PutCommand({ TableName: tableName, Item }));
  return items;
}

/** Collects every delivered batch; `decide` answers each call. */
function recorder(decide: (event: DynamoDBStreamEvent, call: number) => DynamoDBBatchResponse = () => ok) {
  const batches: DynamoDBRecord[][] = [];
  const onRecords = async (event: DynamoDBStreamEvent) => {
    batches.push(event.Records);
    return decide(event, batches.length - 1);
  };
  return { batches, onRecords, delivered: () => batches.flat() };
}

describe("startStreamPoller on DynamoDB Local", () => {
  it("delivers an item with an empty map (the Streams client reads {M:{}} as {}), never stalling the shard", async () => {
    const tableName = await createTable();
    const { onRecords, delivered } = recorder();
    await poll({ tableName, onRecords });
    const [item] = await putTimeline(tableName, 1);
    await documents.send(
      new PutCommand({ TableName: tableName, Item: { ...item!, sk: "TL#empty-map", data: {} } }),
    );
    await vi.waitFor(() => expect(delivered().map(sk)).toContain("TL#empty-map"), { timeout: 10_000 });
    const record = delivered().find((r) => sk(r) === "TL#empty-map");
    expect(record?.dynamodb?.NewImage?.data).toEqual({ M: {} });
  });

  it("applies the outbox's event-source filter: only new timeline entries are delivered, as on Lambda", async () => {
    const tableName = await createTable();
    const { onRecords, delivered } = recorder();
    await poll({ tableName, onRecords, filter: OUTBOX.filter });
    const [first] = await putTimeline(tableName, 1);
    // Not a timeline item (the incident's META item), and a MODIFY of the timeline item: both filtered out.
    await documents.send(
      new PutCommand({ TableName: tableName, Item: { pk: first!.pk, sk: "META", type: "incident" } }),
    );
    await documents.send(new PutCommand({ TableName: tableName, Item: { ...first!, summary: "changed" } }));
    const [last] = await putTimeline(tableName, 1);
    await vi.waitFor(() => expect(delivered().map(sk)).toContain(last!.sk), { timeout: 10_000 });
    expect(delivered().map((r) => [r.eventName, sk(r)])).toEqual([
      ["INSERT", first!.sk],
      ["INSERT", last!.sk],
    ]);
  });

  it("delivers the INSERT records of new items, shaped like Lambda's DynamoDBStreamEvent", async () => {
    const tableName = await createTable();
    const { onRecords, delivered } = recorder();
    const poller = await poll({ tableName, onRecords });

    const items = await putTimeline(tableName, 2);

    await vi.waitFor(() => expect(delivered()).toHaveLength(2), { timeout: 5_000, interval: 20 });
    const records = delivered();
    for (const [i, record] of records.entries()) {
      expect(record).toMatchObject({
        eventName: "INSERT",
        eventSource: "aws:dynamodb",
        eventSourceARN: poller.streamArn,
        dynamodb: {
          Keys: { pk: { S: items[i]?.pk }, sk: { S: items[i]?.sk } },
          StreamViewType: "NEW_AND_OLD_IMAGES",
        },
      });
      expect(record.dynamodb?.SequenceNumber).toMatch(/^\d+$/);
      expect(typeof record.dynamodb?.ApproximateCreationDateTime).toBe("number");
      expect(unmarshall(record.dynamodb?.NewImage as Parameters<typeof unmarshall>[0])).toEqual(items[i]);
    }
    expect(eventsFromStreamRecords(records).map((e) => e.id)).toEqual(items.map((item) => item.id));
  });

  it("re-reads from the failed record after a reported failure, and not the records before it", async () => {
    const tableName = await createTable();
    let failedOnce = false;
    const [first, second] = [timelineItem(timelineEntry()), timelineItem(timelineEntry())];
    const { onRecords, delivered } = recorder((event) => {
      const failing = event.Records.find((r) => sk(r) === second?.sk);
      if (failedOnce || !failing) return ok;
      failedOnce = true;
      return { batchItemFailures: [{ itemIdentifier: failing.dynamodb?.SequenceNumber ?? "" }] };
    });
    await poll({ tableName, onRecords });

    for (const Item of [first, second]) await documents.send(new PutCommand({ TableName: tableName, Item }));

    await vi.waitFor(() => expect(delivered().filter((r) => sk(r) === second?.sk)).toHaveLength(2), {
      timeout: 5_000,
      interval: 20,
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(delivered().map(sk)).toEqual([first?.sk, second?.sk, second?.sk]);
  });

  it("re-reads the whole batch when onRecords throws", async () => {
    const tableName = await createTable();
    let calls = 0;
    const seen: (string | undefined)[][] = [];
    await poll({
      tableName,
      batchSize: 10,
      onRecords: async (event) => {
        seen.push(event.Records.map(sk));
        if (calls++ === 0) throw new Error("handler crashed");
        return ok;
      },
    });

    const items = await putTimeline(tableName, 1);

    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 5_000, interval: 20 });
    expect(seen).toEqual([[items[0]?.sk], [items[0]?.sk]]);
  });

  it("reports what fails while a batch keeps failing, and is healthy again once it is handled", async () => {
    const tableName = await createTable();
    let failing = true;
    let attempts = 0;
    const poller = await poll({
      tableName,
      retryMaxMs: 20,
      onRecords: async (event) => {
        attempts++;
        if (failing)
          return {
            batchItemFailures: [{ itemIdentifier: event.Records[0]?.dynamodb?.SequenceNumber ?? "" }],
          };
        return ok;
      },
    });
    await vi.waitFor(() => expect(poller.status().problem).toBeUndefined(), { timeout: 5_000, interval: 20 });

    await putTimeline(tableName, 1);
    await vi.waitFor(() => expect(attempts).toBeGreaterThanOrEqual(3), { timeout: 5_000, interval: 20 });
    const stuck = poller.status();
    expect(stuck.problem).toMatch(/^a batch failed \d+ time\(s\) on shard \S+, at record \S+$/);
    // No round has been healthy since the first failure: the lag covers the failing attempts.
    const lagWhileFailing = stuck.lagMs;
    await vi.waitFor(() => expect(poller.status().lagMs).toBeGreaterThan(lagWhileFailing), {
      timeout: 5_000,
      interval: 20,
    });

    failing = false;
    await vi.waitFor(() => expect(poller.status().problem).toBeUndefined(), { timeout: 5_000, interval: 20 });
  });

  it("reports a failing read (the database answering errors) as its problem, until reads succeed again", async () => {
    const tableName = await createTable();
    // A proxy in front of DynamoDB Local that, once `down`, answers every call with a 500.
    let down = false;
    const target = new URL(endpoint);
    const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        if (down) {
          res.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
          res.end(
            JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalFailure", message: "down" }),
          );
          return;
        }
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k)),
        ) as Record<string, string>;
        const answer = await fetch(new URL(req.url ?? "/", target), {
          method: req.method ?? "POST",
          headers: { ...headers, host: target.host },
          body: Buffer.concat(chunks),
        });
        res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
    try {
      const poller = await poll({
        tableName,
        endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        retryMaxMs: 20,
        onRecords: recorder().onRecords,
      });
      await vi.waitFor(() => expect(poller.status().problem).toBeUndefined(), {
        timeout: 5_000,
        interval: 20,
      });
      down = true;
      await vi.waitFor(() => expect(poller.status().problem).toMatch(/failed: .*down/), {
        timeout: 5_000,
        interval: 20,
      });
      down = false;
      await vi.waitFor(() => expect(poller.status().problem).toBeUndefined(), {
        timeout: 10_000,
        interval: 20,
      });
    } finally {
      await Promise.all(pollers.splice(0).map((p) => p.stop()));
      proxy.close();
    }
  });

  it("starts at LATEST by default, and replays history from TRIM_HORIZON when asked", async () => {
    const tableName = await createTable();
    const [before] = await putTimeline(tableName, 1);
    const latest = recorder();
    const horizon = recorder();
    await poll({ tableName, onRecords: latest.onRecords });
    await poll({ tableName, onRecords: horizon.onRecords, startingPosition: "TRIM_HORIZON" });

    const [after] = await putTimeline(tableName, 1);

    await vi.waitFor(() => expect(horizon.delivered()).toHaveLength(2), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(latest.delivered()).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expect(horizon.delivered().map(sk)).toEqual([before?.sk, after?.sk]);
    expect(latest.delivered().map(sk)).toEqual([after?.sk]);
  });

  describe("the durable checkpoint", () => {
    const checkpointIn = () => join(mkdtempSync(join(tmpdir(), "firebreak-checkpoint-")), "checkpoint.json");

    it("resumes after a restart: nothing handled is delivered again, nothing written while stopped is missed", async () => {
      const tableName = await createTable();
      const checkpointFile = checkpointIn();
      const before = recorder();
      const first = await poll({ tableName, onRecords: before.onRecords, checkpointFile });
      const handled = await putTimeline(tableName, 2);
      await vi.waitFor(() => expect(before.delivered()).toHaveLength(2), { timeout: 5_000, interval: 20 });
      await first.stop();
      const [whileStopped] = await putTimeline(tableName, 1);

      // LATEST by default: without the checkpoint, the record written while stopped would be skipped.
      const after = recorder();
      await poll({ tableName, onRecords: after.onRecords, checkpointFile });
      const [later] = await putTimeline(tableName, 1);
      await vi.waitFor(() => expect(after.delivered()).toHaveLength(2), { timeout: 5_000, interval: 20 });
      expect(after.delivered().map(sk)).toEqual([whileStopped?.sk, later?.sk]);
      expect(after.delivered().map(sk)).not.toContain(handled[0]?.sk);
      // Written whole (temp file + rename): valid JSON, no temp file left behind.
      expect(JSON.parse(readFileSync(checkpointFile, "utf8"))).toMatchObject({ shards: expect.any(Object) });
      expect(readdirSync(dirname(checkpointFile))).toEqual(["checkpoint.json"]);
    });

    it("never passes a failed record: the next run starts at it", async () => {
      const tableName = await createTable();
      const checkpointFile = checkpointIn();
      const items = await putTimeline(tableName, 3);
      const failing = recorder((event) => {
        const stuck = event.Records.find((r) => sk(r) === items[1]?.sk);
        return stuck ? { batchItemFailures: [{ itemIdentifier: stuck.dynamodb!.SequenceNumber! }] } : ok;
      });
      const first = await poll({
        tableName,
        onRecords: failing.onRecords,
        checkpointFile,
        startingPosition: "TRIM_HORIZON",
      });
      await vi.waitFor(() => expect(failing.batches.length).toBeGreaterThanOrEqual(2), {
        timeout: 5_000,
        interval: 20,
      });
      await first.stop();

      const next = recorder();
      await poll({ tableName, onRecords: next.onRecords, checkpointFile });
      await vi.waitFor(() => expect(next.delivered()).toHaveLength(2), { timeout: 5_000, interval: 20 });
      expect(next.delivered().map(sk)).toEqual([items[1]?.sk, items[2]?.sk]);
    });

    it("reads from the oldest record when the checkpoint is unreadable, rather than skip anything", async () => {
      const tableName = await createTable();
      const checkpointFile = checkpointIn();
      const items = await putTimeline(tableName, 2);
      writeFileSync(checkpointFile, '{"streamArn": "arn:aws:dynamodb:local');
      const { onRecords, delivered } = recorder();
      await poll({ tableName, onRecords, checkpointFile });
      await vi.waitFor(() => expect(delivered()).toHaveLength(2), { timeout: 5_000, interval: 20 });
      expect(delivered().map(sk)).toEqual(items.map((i) => i.sk));
    });
  });

  it("stops cleanly: stop() resolves and nothing is delivered afterwards", async () => {
    const tableName = await createTable();
    const { onRecords, delivered } = recorder();
    const poller = await startStreamPoller({ endpoint, tableName, onRecords, log: quiet });

    await poller.stop();
    await putTimeline(tableName, 1);
    await new Promise((r) => setTimeout(r, 300));

    expect(delivered()).toEqual([]);
  });

  it("wires table → poller → outbox handler → local bus, like the local runtime", async () => {
    const tableName = await createTable();
    const bus = new LocalDispatcher({ log: quiet });
    const received: BusEvent[] = [];
    bus.subscribe("declared", { "detail-type": [{ prefix: "incident." }] }, async (e) => {
      received.push(e);
    });
    const outbox = createOutboxHandler(
      () => ({ publisher: bus }),
      new Logger({ serviceName: "outbox", logLevel: "SILENT" }),
    );
    await poll({ tableName, onRecords: (event) => outbox(event, lambdaContext("outbox")) });

    const [item] = await putTimeline(tableName, 1);

    await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expect(received[0]).toMatchObject({ source: "firebreak", "detail-type": "incident.declared" });
    expect(received[0]?.detail.id).toBe(item?.id);
  });
});

/**
 * Shard rollover cannot be forced on DynamoDB Local, so this fake speaks just enough of the
 * DynamoDB and DynamoDB Streams JSON protocols (DescribeTable, DescribeStream, GetShardIterator,
 * GetRecords) for the real SDK clients, with a closed parent shard and an open child shard.
 */
describe("startStreamPoller across shards", () => {
  interface FakeShard {
    id: string;
    parentId?: string;
    sequences: string[];
    closed: boolean;
  }
  const STREAM_ARN = "arn:aws:dynamodb:local:000000000000:table/fake/stream/2026-03-14T00:00:00.000";

  function record(sequence: string) {
    return {
      eventID: `e-${sequence}`,
      eventName: "INSERT",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "local",
      dynamodb: {
        ApproximateCreationDateTime: 1_773_481_333,
        Keys: { pk: { S: "INC#1" }, sk: { S: `TL#${sequence}` } },
        NewImage: { pk: { S: "INC#1" }, sk: { S: `TL#${sequence}` }, blob: { B: "AQID" } },
        SequenceNumber: sequence,
        SizeBytes: 40,
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
    };
  }

  async function startFakeStreams(shards: FakeShard[]) {
    const answer = (target: string, body: Record<string, string | number | undefined>): unknown => {
      if (target === "DynamoDB_20120810.DescribeTable") {
        return {
          Table: {
            TableName: "fake",
            LatestStreamArn: STREAM_ARN,
            StreamSpecification: { StreamEnabled: true },
          },
        };
      }
      if (target === "DynamoDBStreams_20120810.DescribeStream") {
        const Shards = shards.map((s) => ({
          ShardId: s.id,
          ParentShardId: s.parentId,
          SequenceNumberRange: {
            StartingSequenceNumber: s.sequences[0],
            EndingSequenceNumber: s.closed ? s.sequences.at(-1) : undefined,
          },
        }));
        return { StreamDescription: { StreamArn: STREAM_ARN, StreamStatus: "ENABLED", Shards } };
      }
      if (target === "DynamoDBStreams_20120810.GetShardIterator") {
        const shard = shards.find((s) => s.id === body.ShardId);
        const at = shard?.sequences.indexOf(String(body.SequenceNumber)) ?? -1;
        const index = {
          TRIM_HORIZON: 0,
          LATEST: shard?.sequences.length ?? 0,
          AT_SEQUENCE_NUMBER: at,
          AFTER_SEQUENCE_NUMBER: at + 1,
        }[String(body.ShardIteratorType)];
        return { ShardIterator: `${body.ShardId}|${index}` };
      }
      const [id, from] = String(body.ShardIterator).split("|");
      const shard = shards.find((s) => s.id === id);
      const start = Number(from);
      const end = Math.min(shard?.sequences.length ?? 0, start + Number(body.Limit ?? 1000));
      const Records = (shard?.sequences.slice(start, end) ?? []).map(record);
      const finished = shard?.closed && end === shard.sequences.length;
      return { Records, ...(finished ? {} : { NextShardIterator: `${id}|${end}` }) };
    };
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
        const text = JSON.stringify(answer(String(req.headers["x-amz-target"]), body));
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it("reads a closed parent shard to its end, then its children, in order", async () => {
    const shards: FakeShard[] = [
      { id: "shard-child", parentId: "shard-parent", sequences: ["300", "400"], closed: false },
      { id: "shard-parent", sequences: ["100", "200"], closed: true },
    ];
    const fake = await startFakeStreams(shards);
    const { onRecords, delivered } = recorder();
    try {
      await poll({
        endpoint: fake.endpoint,
        tableName: "fake",
        onRecords,
        startingPosition: "TRIM_HORIZON",
        batchSize: 1,
      });
      await vi.waitFor(() => expect(delivered()).toHaveLength(4), { timeout: 5_000, interval: 20 });

      shards.push({ id: "shard-grandchild", parentId: "shard-child", sequences: ["500"], closed: false });
      shards[0]!.closed = true;

      await vi.waitFor(() => expect(delivered()).toHaveLength(5), { timeout: 5_000, interval: 20 });
      expect(delivered().map((r) => r.dynamodb?.SequenceNumber)).toEqual(["100", "200", "300", "400", "500"]);
      expect(delivered()[0]?.dynamodb?.NewImage?.blob).toEqual({ B: "AQID" });
    } finally {
      await Promise.all(pollers.splice(0).map((p) => p.stop()));
      await fake.stop();
    }
  });
});
