import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { type DeadLetter, MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { IngestConfig } from "@firebreak/core/alarm/ingest";
import type { ProcessSummary } from "@firebreak/core/alarm/process";
import { ALARM_RULE_PATTERN, matchesRule } from "@firebreak/core/alarm/rule";
import { type AuthRole, parseAdmins } from "@firebreak/core/auth/roles";
import { newSessionSecret } from "@firebreak/core/auth/session";
import type { SlackOidcConfig } from "@firebreak/core/auth/slack-oidc";
import { TokenStore } from "@firebreak/core/auth/tokens";
import { LocalDispatcher } from "@firebreak/core/events/dispatcher";
import { applyDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { DirectoryStore } from "@firebreak/core/oncall/store";
import {
  onIncidentDeclared,
  onIncidentStatusChanged,
  type PagingDeps,
  sweepEscalations,
} from "@firebreak/core/paging/service";
import { createSlackClient, SlackChannel } from "@firebreak/core/paging/slack-channel";
import { createSnsClient, regionalSnsClients, SnsChannel } from "@firebreak/core/paging/sns-channel";
import { PageStore } from "@firebreak/core/paging/store";
import { S3ObjectSink } from "@firebreak/core/postmortem/export";
import { PostmortemStore } from "@firebreak/core/postmortem/store";
import type { Clock } from "@firebreak/core/shared/clock";
import { issuesFromZod, type ValidationIssue } from "@firebreak/core/shared/errors";
import type { Log } from "@firebreak/core/shared/log";
import { createDocumentClient } from "@firebreak/core/storage/client";
import { IncidentStore } from "@firebreak/core/storage/incident-store";
import { SlackStore } from "@firebreak/core/storage/slack-store";
import { createTableInput } from "@firebreak/core/storage/table";
import { createAlarmIngestHandler } from "@firebreak/functions/alarm-ingest";
import { createApiHandler } from "@firebreak/functions/api/app";
import { createOutboxHandler } from "@firebreak/functions/outbox";
import { createPostmortemHandler } from "@firebreak/functions/postmortem";
import { createPostmortemExportHandler } from "@firebreak/functions/postmortem-export";
import { createSlackHandler } from "@firebreak/functions/slack";
import { directoryPersonLookup } from "@firebreak/functions/slack/directory-lookup";
import { parseChannelSeverities } from "@firebreak/functions/slack/incident-channel";
import { publisherEnqueue } from "@firebreak/functions/slack/work";
import { SLACK_WORKER_EVENT_TYPES } from "@firebreak/functions/slack/worker";
import { createSlackWorkerHandler } from "@firebreak/functions/slack-worker";
import * as z from "zod";
import {
  BodyTooLargeError,
  type HttpResult,
  lambdaContext,
  readBody,
  sendResult,
  toApiGatewayV2Event,
} from "./apigw";
import { type DynamoLocal, startDynamoLocal } from "./dynamo-local";
import { type FakeS3, startFakeS3 } from "./fake-s3";
import { FAKE_BOT_ID, FAKE_BOT_USER_ID, FAKE_TEAM_ID, type FakeSlack, startFakeSlack } from "./fake-slack";
import { type FakeSns, startFakeSns } from "./fake-sns";
import { formatSlackPage, formatSnsPage } from "./sinks";
import { serveDashboard, WEB_DIST } from "./static-web";
import { startStreamPoller } from "./stream-poller";

export interface RuntimeOptions {
  /** HTTP port; 0 picks a free one. */
  port: number;
  host?: string;
  /** Folder for DynamoDB Local's data and runtime files; null keeps everything in memory. */
  dataDir: string | null;
  tableName?: string;
  /** The on-call directory loaded on first start (default: examples/directory.yaml). */
  demoDirectory?: string | null;
  /** How often the escalation sweeper runs (the cloud runs it every minute). */
  sweepIntervalMs?: number;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local (tests share one). */
  dynamoEndpoint?: string;
  ingest?: Partial<IngestConfig>;
  /** The team's IANA time zone, for local times in postmortems. */
  timezone?: string;
  /**
   * Slack: the signing secret and workspace the local /slack/events accepts. With a bot token,
   * calls go to the real Slack Web API; without one, to a recording fake on 127.0.0.1.
   */
  slack?: { signingSecret: string; teamId: string; botToken?: string };
  /** The built dashboard served at / (default packages/web/dist); null serves the API only. */
  webDir?: string | null;
  /** Sign in with Slack (OIDC) for the dashboard; without it, only the dev sign-in page. */
  slackOidc?: Omit<SlackOidcConfig, "redirectUri"> & { redirectUri?: string };
  /** SNS: real SNS in this region (topics in the region their ARN names); default: the recording fake. */
  sns?: { region: string };
  /**
   * The postmortem export (FIREBREAK_POSTMORTEM_BUCKET): every stored version is written to this
   * bucket of a recording fake S3 on 127.0.0.1 (the real S3 client runs) and printed. Off if unset.
   */
  postmortemBucket?: string;
  log?: Log;
  /** The time every handler and use case reads (default: the system clock); tests pin it. */
  clock?: Clock;
}

export interface LocalRuntime {
  url: string;
  dynamo: Pick<DynamoLocal, "endpoint"> & Partial<DynamoLocal>;
  store: IncidentStore;
  deadLetters: MemoryDeadLetterSink;
  /** The in-process app bus: domain events from the table stream, via the outbox handler. */
  bus: LocalDispatcher;
  /** The recording fake of the Slack Web API (absent when a real bot token is configured). */
  fakeSlack?: FakeSlack;
  /** The recording fake of SNS: every page published to a topic or phone (idle when `sns` is real). */
  fakeSns: FakeSns;
  /** The recording fake S3 of the postmortem export (only with `postmortemBucket`). */
  fakeS3?: FakeS3;
  paging: PagingDeps;
  slack: { signingSecret: string; teamId: string };
  auth: { tokens: TokenStore; sessionKey: string };
  /** Creates an API token (for tests and scripts): `Authorization: Bearer <token>`. */
  apiToken(role: AuthRole, userId?: string): Promise<string>;
  stop(): Promise<void>;
}

const DEMO_DIRECTORY = fileURLToPath(new URL("../../../examples/directory.yaml", import.meta.url));

/** The ack-link key: FIREBREAK_ACK_KEY, else one kept in the data folder (so links survive restarts). */
function ackSecret(dataDir: string | null): string {
  if (process.env.FIREBREAK_ACK_KEY) return process.env.FIREBREAK_ACK_KEY;
  const file = dataDir ? join(dataDir, "ack-key") : undefined;
  if (file && existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  if (file) writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The session-signing key: FIREBREAK_SESSION_KEY, else one kept in the data folder (sessions survive restarts). */
function sessionSecret(dataDir: string | null): string {
  if (process.env.FIREBREAK_SESSION_KEY) return process.env.FIREBREAK_SESSION_KEY;
  const file = dataDir ? join(dataDir, "session-key") : undefined;
  if (file && existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = newSessionSecret();
  if (file) writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The development signing secret the local /slack/events accepts when SLACK_SIGNING_SECRET is unset. */
export const LOCAL_SIGNING_SECRET = "firebreak-local-signing-secret";

const envelopeSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().min(1, "must not be empty"),
  source: z.string().min(1, "must not be empty"),
  "detail-type": z.string().min(1, "must not be empty"),
  account: z.string().optional(),
  region: z.string().optional(),
  time: z.string().optional(),
  detail: z.record(z.string(), z.unknown(), { message: "expected an object" }),
});

const silent: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Creates the table, or brings an existing one (a dev's `.firebreak/` from an older checkout) up
 * to the current definition by adding the indexes it lacks.
 */
async function ensureTable(endpoint: string, tableName: string, log: Log): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const wanted = createTableInput(tableName);
  try {
    await client.send(new CreateTableCommand(wanted));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of wanted.GlobalSecondaryIndexes) {
      if (existing.has(index.IndexName)) continue;
      log.info(`adding index ${index.IndexName} to ${tableName}`);
      const attributes = new Set<string>(index.KeySchema.map((k) => k.AttributeName));
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: wanted.AttributeDefinitions.filter((a) => attributes.has(a.AttributeName)),
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    }
  } finally {
    client.destroy();
  }
}

function problem(
  status: number,
  title: string,
  detail: string,
  errors?: ValidationIssue[],
): HttpResult & { headers: Record<string, string> } {
  return {
    statusCode: status,
    headers: { "content-type": "application/problem+json" },
    body: JSON.stringify({ type: "about:blank", title, status, detail, ...(errors ? { errors } : {}) }),
  };
}

function json(status: number, body: unknown): HttpResult {
  return { statusCode: status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/**
 * Starts the whole product on this machine: DynamoDB Local, the table, and one HTTP server that
 * mounts the same Lambda handlers as production, through API Gateway v2-shaped events.
 */
export async function startLocalRuntime(options: RuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? silent;
  const tableName = options.tableName ?? "firebreak-local";
  const dataDir = options.dataDir ? resolve(options.dataDir) : null;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dynamo: LocalRuntime["dynamo"] = options.dynamoEndpoint
    ? { endpoint: options.dynamoEndpoint }
    : await startDynamoLocal(dataDir ? { dataDir: join(dataDir, "dynamodb") } : {});
  let server: Server | undefined;
  let poller: { stop(): Promise<void> } | undefined;
  let fakeSlack: FakeSlack | undefined;
  let fakeSns: FakeSns | undefined;
  let fakeS3: FakeS3 | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  const bus = new LocalDispatcher({ log, clock: options.clock });
  const stop = async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server?.closeAllConnections();
    await poller?.stop();
    await bus.drain();
    clearInterval(sweeper);
    await fakeSlack?.stop();
    await fakeSns?.stop();
    await fakeS3?.stop();
    await dynamo.stop?.();
  };
  try {
    await ensureTable(dynamo.endpoint, tableName, log);
    const store = new IncidentStore(
      createDocumentClient({ tableName, endpoint: dynamo.endpoint }),
      tableName,
    );
    const deadLetters = new MemoryDeadLetterSink((letter: DeadLetter) => {
      log.warn(`dead letter: ${letter.reason}`);
      if (dataDir) appendFileSync(join(dataDir, "dead-letters.jsonl"), `${JSON.stringify(letter)}\n`);
    });
    // The outbox: the table's stream → the same handler as on Lambda → the in-process bus.
    const outbox = createOutboxHandler(() => bus);
    poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      log,
      onRecords: (event) => outbox(event, lambdaContext("outbox")),
    });
    bus.subscribe("console", { source: ["firebreak"] }, async (event) => {
      log.info(`event ${event["detail-type"]}: ${event.detail.detail.summary}`);
    });
    const ingest = createAlarmIngestHandler(() => ({
      store,
      deadLetters,
      config: options.ingest,
      clock: options.clock,
    }));
    const postmortems = new PostmortemStore(store.db, tableName);
    const postmortem = createPostmortemHandler(() => ({
      incidents: store,
      postmortems,
      timezone: options.timezone,
      clock: options.clock,
    }));
    bus.subscribe(
      "postmortem",
      { source: ["firebreak"], "detail-type": ["incident.status_changed"] },
      async (event) => {
        await postmortem(event, lambdaContext("postmortem"));
      },
    );
    if (options.postmortemBucket) {
      const bucket = options.postmortemBucket;
      const s3 = await startFakeS3({ buckets: [bucket] });
      fakeS3 = s3;
      const exporter = createPostmortemExportHandler(() => ({
        incidents: store,
        postmortems,
        sink: new S3ObjectSink(
          new S3Client({
            endpoint: s3.endpoint,
            forcePathStyle: true,
            region: "us-east-1",
            credentials: { accessKeyId: "local", secretAccessKey: "local" },
          }),
          bucket,
        ),
      }));
      bus.subscribe(
        "postmortem-export",
        { source: ["firebreak"], "detail-type": ["postmortem.drafted"] },
        async (event) => {
          const result = await exporter(event, lambdaContext("postmortem-export"));
          if (result.status === "exported")
            log.info(
              `postmortem exported to the local fake S3: ${result.keys.map((k) => `s3://${bucket}/${k}`).join(", ")}`,
            );
        },
      );
    }
    const slackConfig = options.slack ?? { signingSecret: LOCAL_SIGNING_SECRET, teamId: FAKE_TEAM_ID };
    // Paging: SNS and Slack go to recording fakes at the HTTP level, so the real SDK code runs.
    // Each recorded page is printed as one block (ack link included); see sinks.ts.
    if (!slackConfig.botToken)
      fakeSlack = await startFakeSlack({
        onCall: (call, answer) => {
          const block = formatSlackPage(call, answer);
          if (block) log.info(block);
        },
      });
    fakeSns = await startFakeSns({ onPublish: (message) => log.info(formatSnsPage(message)) });
    const directory = new DirectoryStore(store.db, tableName, options.clock);
    const demo = options.demoDirectory === undefined ? DEMO_DIRECTORY : options.demoDirectory;
    if (demo && !(await directory.get())) {
      await applyDirectoryYaml(directory, readFileSync(demo, "utf8"));
      log.info(`loaded the demo on-call directory from ${demo}`);
    }
    const paging: PagingDeps = {
      incidents: store,
      pages: new PageStore(store.db, tableName),
      directory,
      channels: {
        sns: options.sns
          ? new SnsChannel({
              client: createSnsClient({ region: options.sns.region }),
              clientForRegion: regionalSnsClients(),
            })
          : new SnsChannel({
              client: createSnsClient({
                endpoint: fakeSns.endpoint,
                region: "local",
                credentials: { accessKeyId: "local", secretAccessKey: "local" },
              }),
            }),
        slack: new SlackChannel({
          token: slackConfig.botToken ?? "xoxb-local-fake",
          ...(fakeSlack ? { slackApiUrl: fakeSlack.url } : {}),
        }),
      },
      ackKey: { id: "l1", secret: ackSecret(dataDir) },
      ackBaseUrl: "http://127.0.0.1/ack",
      log,
      clock: options.clock,
    };
    bus.subscribe(
      "paging",
      { source: ["firebreak"], "detail-type": ["incident.declared"] },
      async (event) => {
        await onIncidentDeclared(paging, event.detail.incidentId);
      },
    );
    bus.subscribe(
      "paging-status",
      { source: ["firebreak"], "detail-type": ["incident.status_changed"] },
      async (event) => {
        await onIncidentStatusChanged(paging, event.detail.incidentId);
      },
    );
    // Incident channels and postmortem delivery: the same consumer as on Lambda, same event types.
    const slackStore = new SlackStore(store.db, tableName);
    const slackWorker = createSlackWorkerHandler(() => ({
      incidents: store,
      slack: slackStore,
      postmortems,
      directory,
      client: createSlackClient(slackConfig.botToken ?? "xoxb-local-fake", {
        ...(fakeSlack ? { slackApiUrl: fakeSlack.url } : {}),
      }),
      ...(fakeSlack ? { botUserId: FAKE_BOT_USER_ID } : {}),
      channelSeverities: parseChannelSeverities(process.env.FIREBREAK_SLACK_CHANNEL_SEVERITIES),
      ...(options.timezone ? { timezone: options.timezone } : {}),
      clock: options.clock,
    }));
    bus.subscribe(
      "slack-worker",
      { source: ["firebreak"], "detail-type": [...SLACK_WORKER_EVENT_TYPES] },
      async (event) => {
        await slackWorker(event, lambdaContext("slack-worker"));
      },
    );
    const tokens = new TokenStore(store.db, tableName, options.clock);
    const sessionKey = sessionSecret(dataDir);
    const api = createApiHandler(() => ({
      store,
      postmortems,
      paging,
      directory,
      clock: options.clock,
      auth: {
        sessionKey,
        tokens,
        admins: parseAdmins(process.env.FIREBREAK_ADMINS),
        // Local only: the dev sign-in page, and cookies without `Secure` (plain http).
        devSignIn: true,
        secureCookies: false,
        ...(options.slackOidc ? { slack: options.slackOidc } : {}),
      },
    }));
    const slack = createSlackHandler(() => ({
      signingSecret: slackConfig.signingSecret,
      botToken: slackConfig.botToken ?? "xoxb-local-fake",
      teamIds: [slackConfig.teamId],
      ...(fakeSlack ? { botId: FAKE_BOT_ID, botUserId: FAKE_BOT_USER_ID, slackApiUrl: fakeSlack.url } : {}),
      store,
      postmortems,
      timezone: options.timezone,
      clock: options.clock,
      enqueue: publisherEnqueue(bus, options.clock),
      channelIncident: (channelId) => slackStore.incidentForChannel(channelId),
      personIdFor: directoryPersonLookup(directory),
      permissions: {
        admins: (process.env.FIREBREAK_SLACK_ADMINS ?? "")
          .split(",")
          .map((id) => id.trim())
          .filter(Boolean),
      },
    }));

    const routeEvent = async (body: Buffer): Promise<HttpResult> => {
      let event: unknown;
      try {
        event = JSON.parse(body.toString("utf8"));
      } catch (error) {
        return problem(
          400,
          "Body is not JSON",
          `POST /events takes one EventBridge event as JSON: ${(error as Error).message}`,
        );
      }
      const envelope = envelopeSchema.safeParse(event);
      if (!envelope.success) {
        const issues = issuesFromZod(envelope.error.issues);
        return problem(
          400,
          "Not an EventBridge event",
          `POST /events takes one EventBridge event: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
          issues,
        );
      }
      if (!matchesRule(envelope.data)) {
        return json(202, {
          status: "ignored",
          reason: `no rule matches source "${envelope.data.source}" and detail-type "${envelope.data["detail-type"]}"`,
          rule: ALARM_RULE_PATTERN,
        });
      }
      let summary: ProcessSummary;
      try {
        summary = await ingest(event, lambdaContext("alarm-ingest"));
      } catch (error) {
        log.error(`alarm-ingest failed: ${(error as Error).message}`);
        const unavailable = problem(503, "Try again", "The event could not be stored; send it again.");
        return { ...unavailable, headers: { ...unavailable.headers, "retry-after": "1" } };
      }
      const rejected = summary.rejected[0];
      if (rejected)
        return problem(400, "Malformed alarm event", rejected.error.message, rejected.error.issues);
      if (summary.ignored) return json(202, { status: "ignored", reason: summary.ignored });
      return json(202, { status: "accepted", results: summary.ingested });
    };

    const handle = async (req: IncomingMessage, res: ServerResponse) => {
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          // Answer, then close: the client may still be sending, so the socket can't be reused.
          const tooLarge = problem(413, "Body too large", error.message);
          res.once("finish", () => req.destroy());
          return sendResult(res, { ...tooLarge, headers: { ...tooLarge.headers, connection: "close" } });
        }
        throw error;
      }
      const path = new URL(req.url ?? "/", "http://local").pathname;
      if (path === "/events") {
        if (req.method !== "POST")
          return sendResult(res, problem(405, "Method not allowed", "use POST /events"));
        return sendResult(res, await routeEvent(body));
      }
      const webDir = options.webDir === undefined ? WEB_DIST : options.webDir;
      if (webDir && (await serveDashboard(webDir, req, res, path))) return;
      const event = toApiGatewayV2Event(req, body);
      if (path === "/slack/events" && req.method === "POST") {
        return sendResult(res, await slack(event, lambdaContext("slack")));
      }
      const result = await api(event, lambdaContext("api"));
      sendResult(res, result);
    };

    server = createServer((req, res) => {
      handle(req, res).catch((error: unknown) => {
        log.error(`request failed: ${(error as Error).stack ?? String(error)}`);
        if (!res.headersSent)
          sendResult(res, problem(500, "Internal error", "The local runtime failed; see its console."));
        else res.end();
      });
    });
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolvePromise, reject) => {
      server!.once("error", reject);
      server!.listen(options.port, host, () => resolvePromise());
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : options.port;
    const url = `http://${host}:${port}`;
    paging.ackBaseUrl = `${url}/ack`;
    paging.dashboardUrl = url;
    sweeper = setInterval(() => {
      sweepEscalations(paging).catch((error: unknown) =>
        log.error(`escalation sweep failed: ${String(error)}`),
      );
    }, options.sweepIntervalMs ?? 15_000);
    sweeper.unref();
    if (dataDir)
      writeFileSync(
        join(dataDir, "runtime.json"),
        // The CLI finds the running runtime here (`directory apply|show` write to its table directly).
        JSON.stringify({
          url,
          pid: process.pid,
          slackTeamId: slackConfig.teamId,
          dynamoEndpoint: dynamo.endpoint,
          tableName,
        }),
      );
    return {
      url,
      dynamo,
      store,
      deadLetters,
      bus,
      fakeSlack,
      fakeSns,
      ...(fakeS3 ? { fakeS3 } : {}),
      paging,
      slack: { signingSecret: slackConfig.signingSecret, teamId: slackConfig.teamId },
      auth: { tokens, sessionKey },
      apiToken: async (role, userId = "local-test") =>
        (await tokens.create({ name: `${role} token`, role, userId })).token,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
