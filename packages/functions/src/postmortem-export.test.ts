import { S3Client } from "@aws-sdk/client-s3";
import { S3ObjectSink } from "@firebreak/core/adapters/aws/s3-object-sink";
import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { changeStatus, declareIncident } from "@firebreak/core/incident/actions";
import type { TimelineEntry } from "@firebreak/core/incident/timeline";
import { draftPostmortem } from "@firebreak/core/postmortem/draft";
import { type FakeS3, startFakeS3 } from "@firebreak/local/fake-s3";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { busEvent } from "@firebreak/testkit/factories";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lambdaContext } from "../../local/src/apigw";
import { createPostmortemExportHandler } from "./postmortem-export";

const BUCKET = "firebreak-exports";
const actor = { type: "user" as const, id: "U_BOB", name: "Bob" };
let s3: FakeS3;
let incidents: IncidentStore;
let postmortems: PostmortemStore;
let handler: ReturnType<typeof createPostmortemExportHandler>;

beforeAll(async () => {
  s3 = await startFakeS3({ buckets: [BUCKET] });
});
afterAll(() => s3.stop());
beforeEach(async () => {
  s3.reset();
  incidents = storeFor(await createTestTable("pm-export-fn"));
  postmortems = new PostmortemStore(incidents.db, incidents.tableName);
  const client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: "eu-west-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 2,
  });
  handler = createPostmortemExportHandler(() => ({
    incidents,
    postmortems,
    sink: new S3ObjectSink(client, BUCKET),
  }));
});

const ctx = (): Context => lambdaContext("postmortem-export");

async function draftedEntry(): Promise<{ entry: TimelineEntry; number: number }> {
  const incident = await declareIncident(
    { store: incidents },
    { title: "Checkout errors", severity: "SEV2" },
    actor,
  );
  await changeStatus({ store: incidents }, incident.id, { to: "resolved" }, actor);
  await draftPostmortem({ incidents, postmortems }, incident.id);
  const { timeline } = (await incidents.getIncidentWithTimeline(incident.id))!;
  const entry = timeline.find((e) => e.kind === "postmortem.drafted");
  if (!entry) throw new Error("no postmortem.drafted entry");
  return { entry, number: incident.number };
}

describe("postmortem-export (app-bus consumer)", () => {
  it("exports the version a postmortem.drafted event names, again identically on redelivery", async () => {
    const { entry, number } = await draftedEntry();
    const result = await handler(busEvent(entry), ctx());
    expect(result).toEqual({
      status: "exported",
      keys: [`postmortems/INC-${number}/v1.md`, `postmortems/INC-${number}/v1.json`],
    });
    await handler(busEvent(entry), ctx());
    expect(s3.objects.size).toBe(2);
    expect(new Set(s3.puts.map((p) => p.etag)).size).toBe(2);
  });

  it("throws when S3 keeps failing, so Lambda retries and then sends the event to the DLQ", async () => {
    const { entry } = await draftedEntry();
    s3.failNext("500", "500", "500", "500");
    await expect(handler(busEvent(entry), ctx())).rejects.toMatchObject({ name: "InternalError" });
  });

  it("ignores other events", async () => {
    const { entry } = await draftedEntry();
    expect(await handler(busEvent({ ...entry, kind: "incident.updated" }), ctx())).toEqual({
      status: "ignored",
    });
    expect(s3.puts).toEqual([]);
  });
});
