import { S3Client } from "@aws-sdk/client-s3";
import type { Clock } from "@firebreak/core/shared/clock";
import { NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { type FakeS3, startFakeS3 } from "@firebreak/local/fake-s3";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { transition } from "@firebreak/testkit/factories";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ingestAlarmTransition } from "../../alarm/ingest";
import { changeStatus } from "../../incident/actions";
import type { Actor } from "../../incident/model";
import { draftPostmortem } from "../../postmortem/draft";
import { editPostmortem } from "../../postmortem/edit";
import { exportPostmortemVersion } from "../../postmortem/export";
import { validatePostmortem } from "../../postmortem/schema";
import type { PostmortemDeps } from "../../postmortem/service";
import type { IncidentStore } from "../dynamodb/incident/incident-store";
import { PostmortemStore } from "../dynamodb/postmortem/store";
import { S3ObjectSink } from "./s3-object-sink";

const BUCKET = "firebreak-postmortems-test";
const T0 = Date.parse("2026-03-14T09:42:13.274Z");
let now = T0;
const clock: Clock = { now: () => new Date(now) };
const bob: Actor = { type: "user", id: "U_BOB", name: "Bob" };

let s3: FakeS3;
let incidents: IncidentStore;
let deps: PostmortemDeps;
let sink: S3ObjectSink;

beforeAll(async () => {
  s3 = await startFakeS3({ buckets: [BUCKET] });
  const client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: "eu-west-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    retryStrategy: undefined,
    maxAttempts: 3,
  });
  sink = new S3ObjectSink(client, BUCKET);
});
afterAll(() => s3.stop());
beforeEach(async () => {
  s3.reset();
  now = T0;
  incidents = storeFor(await createTestTable("pm-export"));
  deps = { incidents, postmortems: new PostmortemStore(incidents.db, incidents.tableName), clock };
});

/** An alarm-made incident, resolved 30 minutes later, with its first draft. */
async function resolvedWithDraft(): Promise<{ id: string; number: number }> {
  const opened = await ingestAlarmTransition(
    { store: incidents, clock },
    transition("checkout-5xx", "ALARM", 0, { description: "severity: sev2\nservice: checkout" }),
  );
  const id = opened.incidentId!;
  now = T0 + 30 * 60_000;
  await changeStatus({ store: incidents, clock }, id, { to: "resolved" }, bob);
  await draftPostmortem(deps, id);
  const incident = await incidents.getIncident(id);
  return { id, number: incident!.number };
}

const exportDeps = () => ({ incidents, postmortems: deps.postmortems, sink });

describe("postmortem export to S3 (the real S3 client against an HTTP-level fake)", () => {
  it("writes a generated draft and a human edit as Markdown and schema-valid JSON, one key per version", async () => {
    const { id, number } = await resolvedWithDraft();
    const keys = await exportPostmortemVersion(exportDeps(), id, 1);
    expect(keys).toEqual([`postmortems/INC-${number}/v1.md`, `postmortems/INC-${number}/v1.json`]);

    const markdown = s3.objects.get(`${BUCKET}/postmortems/INC-${number}/v1.md`)!;
    expect(markdown.contentType).toBe("text/markdown; charset=utf-8");
    expect(markdown.body).toMatch(/^---\n/);
    expect(markdown.body).toContain(`INC-${number}`);
    const metadata = s3.objects.get(`${BUCKET}/postmortems/INC-${number}/v1.json`)!;
    expect(metadata.contentType).toBe("application/json");
    const document = JSON.parse(metadata.body);
    expect(validatePostmortem(document).valid).toBe(true);
    expect(document.incident.number).toBe(number);

    const edited = await editPostmortem(
      deps,
      id,
      { markdown: `${markdown.body}\nOur notes.`, expectedVersion: 1 },
      bob,
    );
    await exportPostmortemVersion(exportDeps(), id, edited.version);
    expect(s3.objects.get(`${BUCKET}/postmortems/INC-${number}/v2.md`)?.body).toContain("Our notes.");
    // Version 1 is left as it was: each version has its own keys.
    expect(s3.objects.get(`${BUCKET}/postmortems/INC-${number}/v1.md`)?.body).toBe(markdown.body);
  });

  it("a redelivered event writes the same keys with the same bytes, and nothing else", async () => {
    const { id } = await resolvedWithDraft();
    await exportPostmortemVersion(exportDeps(), id, 1);
    const first = s3.puts.map((p) => [p.key, p.etag]);
    await exportPostmortemVersion(exportDeps(), id, 1);
    expect(s3.objects.size).toBe(2);
    expect(s3.puts.slice(2).map((p) => [p.key, p.etag])).toEqual(expect.arrayContaining(first));
    expect(s3.puts).toHaveLength(4);
  });

  it("retries S3 500 and 503 (SlowDown), then surfaces a failure that outlasts the retries", async () => {
    const { id, number } = await resolvedWithDraft();
    s3.failNext("500", "503");
    await exportPostmortemVersion(exportDeps(), id, 1);
    expect(s3.faults.map((f) => f.fault)).toEqual(["500", "503"]);
    expect(s3.objects.has(`${BUCKET}/postmortems/INC-${number}/v1.md`)).toBe(true);
    expect(s3.objects.has(`${BUCKET}/postmortems/INC-${number}/v1.json`)).toBe(true);

    s3.reset();
    s3.failNext("500", "500", "500", "500", "500", "500");
    await expect(exportPostmortemVersion(exportDeps(), id, 1)).rejects.toMatchObject({
      name: "InternalError",
    });
  });

  it("refuses a version that does not exist (the consumer retries, then its DLQ) and an invalid one", async () => {
    const { id } = await resolvedWithDraft();
    await expect(exportPostmortemVersion(exportDeps(), id, 7)).rejects.toBeInstanceOf(NotFoundError);
    await expect(exportPostmortemVersion(exportDeps(), id, 0)).rejects.toBeInstanceOf(ValidationError);
    expect(s3.puts).toEqual([]);
  });

  it("a missing bucket is an S3 error, not a silent success", async () => {
    const { id } = await resolvedWithDraft();
    const elsewhere = new S3ObjectSink(
      new S3Client({
        endpoint: s3.endpoint,
        forcePathStyle: true,
        region: "eu-west-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }),
      "no-such-bucket",
    );
    await expect(exportPostmortemVersion({ ...exportDeps(), sink: elsewhere }, id, 1)).rejects.toMatchObject({
      name: "NoSuchBucket",
    });
  });
});
