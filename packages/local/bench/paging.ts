/**
 * Paging latency (issue 3): from the alarm event to both pages requested in the sinks. Each
 * incident is one new alarm on `checkout` (demo directory): `processAlarmEvent` (the alarm-ingest
 * path) opens the incident, then `onIncidentDeclared` (what the pager consumer runs for
 * `incident.declared`) assigns roles and pages level 1. The clock stops when the SNS fake has
 * received the first Publish AND the Slack fake the first chat.postMessage for that incident, both
 * over HTTP through the real SDK clients. The hop through the table stream, the outbox and the bus
 * is not in the figure (in AWS it is EventBridge's and Lambda's delivery delay, not our code).
 * Each incident is interleaved with one conditional PutItem, the baseline of `page_p99_ratio`.
 *
 * Who is on call depends on the date: the module runs on a clock pinned to BENCH_NOW (advancing with
 * real time), so its figures and its checks do not change with the week of the demo rotation.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSnsClient, SnsChannel } from "@firebreak/core/adapters/aws/sns-channel";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { PageStore } from "@firebreak/core/adapters/dynamodb/paging/page-store";
import { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { processAlarmEvent } from "@firebreak/core/alarm/process";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { onIncidentDeclared, type PagingDeps } from "@firebreak/core/paging/service";
import { createSlackClient, SlackChannel } from "@firebreak/core/paging/slack-channel";
import { pinnedClock } from "@firebreak/core/shared/clock";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { startFakeSlack } from "../src/fake-slack";
import { startFakeSns } from "../src/fake-sns";
import {
  BENCH_ACCOUNT,
  BENCH_REGION,
  type BenchContext,
  type BenchModule,
  countRoundTrips,
  describeRoundTrips,
  rawConditionalPut,
  scaled,
  seededRandom,
  seededUuid,
} from "./harness";
import { describeMs, round, summarise } from "./stats";

const WARM_UP = 30;
const INCIDENTS = Math.max(scaled(500), 10);
const SEED = 0x9a61_0003;
const DEMO = fileURLToPath(new URL("../../../examples/directory.yaml", import.meta.url));
/** Wednesday 2026-02-04 12:00 UTC: mid-week of checkout-primary (alice), far from any handoff. */
const BENCH_NOW = "2026-02-04T12:00:00Z";

export const pagingLatency: BenchModule = {
  name: "paging latency",
  targets: [{ figure: "page_p99_ratio", op: "<=", value: 10, correctness: false }],
  async run(ctx: BenchContext) {
    const tableName = await ctx.createTable("bench-paging");
    const db = createDocumentClient({ tableName, endpoint: ctx.endpoint });
    const rawDb = createDocumentClient({ tableName, endpoint: ctx.endpoint });
    const trips = countRoundTrips(db);
    const clock = pinnedClock(BENCH_NOW);
    // First arrival per incident in each sink, stamped by the fakes' own request handlers.
    const arrivals = new Map<string, { sns?: number; slack?: number }>();
    const arrived = (incidentId: string | undefined, sink: "sns" | "slack") => {
      if (!incidentId) return;
      const entry = arrivals.get(incidentId) ?? {};
      entry[sink] ??= performance.now();
      arrivals.set(incidentId, entry);
    };
    const sns = await startFakeSns({
      onPublish: (m) => arrived(m.attributes.incident_id?.stringValue, "sns"),
    });
    const slack = await startFakeSlack({
      onCall: (call) => {
        if (call.method !== "chat.postMessage") return;
        const blocks = JSON.stringify(call.body.blocks ?? "");
        arrived(/Incident id `([A-Za-z0-9_-]+)`/.exec(blocks)?.[1], "slack");
      },
    });
    const local = { accessKeyId: "local", secretAccessKey: "local" };
    const snsClient = createSnsClient({ endpoint: sns.endpoint, region: BENCH_REGION, credentials: local });
    // Everything opened here is closed when the module ends, also when it fails (else the bench
    // process would not exit: the fakes' servers would keep listening).
    const close = async () => {
      snsClient.destroy();
      await Promise.all([sns.stop(), slack.stop()]);
      db.destroy();
      rawDb.destroy();
    };
    try {
      const incidents = new IncidentStore(db, tableName);
      const directory = new DirectoryStore(db, tableName, clock);
      await directory.apply(parseDirectoryYaml(readFileSync(DEMO, "utf8")));
      const deps: PagingDeps = {
        incidents,
        pages: new PageStore(db, tableName),
        directory,
        channels: {
          sns: new SnsChannel({ client: snsClient }),
          slack: new SlackChannel({ client: createSlackClient("xoxb-bench", { slackApiUrl: slack.url }) }),
        },
        ackKey: { id: "b1", secret: "bench-ack-key-of-at-least-thirty-two-bytes" },
        ackBaseUrl: "http://127.0.0.1:3000/ack",
        dashboardUrl: "http://127.0.0.1:3000",
        clock,
      };
      const ingestDeps = { store: incidents, deadLetters: new MemoryDeadLetterSink(), clock };
      const rawPut = rawConditionalPut(rawDb, tableName);
      const random = seededRandom(SEED);

      const page = async (n: number, prefix: string): Promise<number> => {
        const event = {
          ...alarmStateChangeEvent({
            name: `${prefix}-${n}`,
            state: "ALARM",
            service: "checkout",
            // High urgency (SEV1–SEV2 by default): the SMS goes at once, which is what is timed.
            // A SEV3 would page Slack now and hold its SMS (oncall/urgency.ts).
            severity: n % 10 === 0 ? "SEV1" : "SEV2",
            account: BENCH_ACCOUNT,
            region: BENCH_REGION,
            at: clock.now(),
          }),
          id: seededUuid(random),
        };
        const started = performance.now();
        const summary = await processAlarmEvent(ingestDeps, event);
        const incidentId = summary.ingested[0]?.incidentId;
        if (!incidentId || summary.ingested[0]?.outcome !== "opened")
          throw new Error(`bench alarm ${event.id} did not open an incident: ${JSON.stringify(summary)}`);
        const declared = await onIncidentDeclared(deps, incidentId);
        const at = arrivals.get(incidentId);
        if (declared.outcome !== "started" || at?.sns === undefined || at.slack === undefined)
          throw new Error(
            `incident ${incidentId}: ${declared.outcome}, SNS ${at?.sns !== undefined}, Slack ${at?.slack !== undefined}`,
          );
        arrivals.delete(incidentId);
        return Math.max(at.sns, at.slack) - started;
      };

      ctx.log(`warm-up: ${WARM_UP} incidents paged, interleaved with conditional puts`);
      for (let i = 0; i < WARM_UP; i++) {
        await page(i, "bench-page-warm");
        await rawPut();
      }
      ctx.log(
        `measuring: ${INCIDENTS} alarms → incident → roles → SNS + Slack pages, one at a time, interleaved with ${INCIDENTS} conditional puts`,
      );
      const pageMs: number[] = [];
      const putMs: number[] = [];
      const snsBefore = sns.published.length;
      trips.reset();
      for (let i = 0; i < INCIDENTS; i++) {
        if (i % 2 === 1) putMs.push(await timed(rawPut));
        pageMs.push(await page(i, "bench-page"));
        if (i % 2 === 0) putMs.push(await timed(rawPut));
      }
      const paged = summarise(pageMs);
      const put = summarise(putMs);
      ctx.log(`  alarm → both pages: ${describeMs(paged)}`);
      ctx.log(`  conditional put:    ${describeMs(put)}`);
      ctx.log(`  alarm → pages path: ${describeRoundTrips(trips, INCIDENTS)}`);
      ctx.log(
        `  sinks: ${sns.published.length - snsBefore} SNS publishes and ${slack.calls.filter((c) => c.method === "chat.postMessage").length} Slack posts in all`,
      );
      return {
        page_incidents: INCIDENTS,
        page_p50_ms: round(paged.p50, 3),
        page_p99_ms: round(paged.p99, 3),
        page_raw_put_p99_ms: round(put.p99, 3),
        page_p99_ratio: round(paged.p99 / put.p99, 3),
      };
    } finally {
      await close();
    }
  },
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}
