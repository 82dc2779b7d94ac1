/**
 * Slack ack latency: a signed `/incident declare … sev1` request, as API Gateway hands it to the
 * Lambda, through the real Slack handler (middy, the Bolt wrapper, signature/timestamp/workspace
 * checks, Bolt, the listener: DynamoDB number + incident transaction, the announcement to a fake
 * Slack Web API on 127.0.0.1, the hand-off to an in-process bus) to the HTTP answer. Interleaved
 * one at a time with the conditional PutItem baseline in the same run and DynamoDB Local.
 */

import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { SlackStore } from "@firebreak/core/adapters/dynamodb/slack/slack-store";
import { LocalDispatcher } from "@firebreak/core/events/dispatcher";
import { createSlackHandler } from "@firebreak/functions/slack";
import { signedEvent } from "@firebreak/functions/slack/testing";
import { publisherEnqueue } from "@firebreak/functions/slack/work";
import { lambdaContext } from "../src/apigw";
import { FAKE_BOT_ID, FAKE_BOT_USER_ID, FAKE_TEAM_ID, startFakeSlack } from "../src/fake-slack";
import {
  type BenchContext,
  type BenchModule,
  countRoundTrips,
  describeRoundTrips,
  rawConditionalPut,
  scaled,
} from "./harness";
import { describeMs, round, summarise } from "./stats";

const WARM_UP = 50;
const REQUESTS = Math.max(500, scaled(1000));
const SECRET = "bench-signing-secret";
const TOKEN = "xoxb-bench";

function declareBody(i: number): string {
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: FAKE_TEAM_ID,
    team_domain: "firebreak-bench",
    channel_id: "C0BENCH001",
    channel_name: "ops",
    user_id: "U0BENCH001",
    user_name: "bench",
    command: "/incident",
    text: `declare Checkout errors ${i} sev1 service:checkout`,
    api_app_id: "A0BENCH001",
    is_enterprise_install: "false",
    response_url: "https://hooks.slack.com/commands/T0FAKETEAM/1/bench",
    trigger_id: `1.${i}.bench`,
  }).toString();
}

export const slackAck: BenchModule = {
  name: "slack ack latency (sequential)",
  targets: [{ figure: "slack_ack_p99_ratio", op: "<=", value: 10, correctness: false }],
  async run(ctx: BenchContext) {
    const tableName = await ctx.createTable("bench-slack");
    const db = createDocumentClient({ tableName, endpoint: ctx.endpoint });
    const rawDb = createDocumentClient({ tableName, endpoint: ctx.endpoint });
    const trips = countRoundTrips(db);
    const store = new IncidentStore(db, tableName);
    const slackStore = new SlackStore(db, tableName);
    const fake = await startFakeSlack({ token: TOKEN });
    // The hand-off goes to an in-process bus with no subscriber: channel setup is the worker's, not the ack's.
    const bus = new LocalDispatcher({ log: { info() {}, warn() {}, error() {} } });
    const handler = createSlackHandler(() => ({
      signingSecret: SECRET,
      botToken: TOKEN,
      botId: FAKE_BOT_ID,
      botUserId: FAKE_BOT_USER_ID,
      teamIds: [FAKE_TEAM_ID],
      slackApiUrl: fake.url,
      store,
      postmortems: new PostmortemStore(db, tableName),
      enqueue: publisherEnqueue(bus),
      channelIncident: (channelId) => slackStore.incidentForChannel(channelId),
    }));
    const rawPut = rawConditionalPut(rawDb, tableName);
    const declare = async (i: number) => {
      const event = signedEvent(declareBody(i), { secret: SECRET });
      const started = performance.now();
      const result = await handler(event, lambdaContext("slack"));
      const ms = performance.now() - started;
      const body = typeof result.body === "string" ? result.body : "";
      if (result.statusCode !== 200 || !body.includes("Declared"))
        throw new Error(`declare ${i} was not acknowledged: ${result.statusCode} ${body.slice(0, 200)}`);
      return ms;
    };
    const timedPut = async () => {
      const started = performance.now();
      await rawPut();
      return performance.now() - started;
    };

    try {
      ctx.log(`warm-up: ${WARM_UP} signed declares and ${WARM_UP} conditional puts, interleaved`);
      for (let i = 0; i < WARM_UP; i++) {
        await declare(i);
        await rawPut();
      }
      ctx.log(
        `measuring: ${REQUESTS} signed /incident declare requests interleaved with ${REQUESTS} conditional puts`,
      );
      trips.reset();
      const ackMs: number[] = [];
      const putMs: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const declareFirst = i % 2 === 0;
        if (!declareFirst) putMs.push(await timedPut());
        ackMs.push(await declare(WARM_UP + i));
        if (declareFirst) putMs.push(await timedPut());
      }
      await bus.drain();
      const ack = summarise(ackMs);
      const put = summarise(putMs);
      const announced = fake.calls.filter((c) => c.method === "chat.postMessage").length;
      if (announced !== WARM_UP + REQUESTS)
        throw new Error(`expected ${WARM_UP + REQUESTS} announcements, the fake Slack saw ${announced}`);
      ctx.log(`  slack ack:       ${describeMs(ack)}`);
      ctx.log(`  conditional put: ${describeMs(put)}`);
      ctx.log(`  slack ack path: ${describeRoundTrips(trips, REQUESTS)}`);
      return {
        slack_ack_requests: REQUESTS,
        slack_ack_p50_ms: round(ack.p50, 3),
        slack_ack_p99_ms: round(ack.p99, 3),
        slack_raw_put_p99_ms: round(put.p99, 3),
        slack_ack_p99_ratio: round(ack.p99 / put.p99, 3),
      };
    } finally {
      await fake.stop();
      db.destroy();
      rawDb.destroy();
    }
  },
};
