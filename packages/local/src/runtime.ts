import { randomBytes, randomUUID } from "node:crypto";
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
import type { ProcessSummary } from "@firebreak/core/alarm/process";
import { ALARM_RULE_PATTERN, matchesRule } from "@firebreak/core/alarm/rule";
import type { AuthRole } from "@firebreak/core/auth/roles";
import { newSessionSecret } from "@firebreak/core/auth/session";
import { TokenStore } from "@firebreak/core/auth/tokens";
import { type BusEvent, LocalDispatcher } from "@firebreak/core/events/dispatcher";
import { applyDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { DirectoryStore } from "@firebreak/core/oncall/store";
import type { PagingDeps } from "@firebreak/core/paging/service";
import { createSnsClient, regionalSnsClients } from "@firebreak/core/paging/sns-channel";
import { createSmsVoiceClient } from "@firebreak/core/paging/voice-channel";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import type { ValidationIssue } from "@firebreak/core/shared/errors";
import { type Log, silentLog } from "@firebreak/core/shared/log";
import { createDocumentClient } from "@firebreak/core/storage/client";
import { IncidentStore } from "@firebreak/core/storage/incident-store";
import { createTableInput } from "@firebreak/core/storage/table";
import { createAckHandler } from "@firebreak/functions/ack";
import {
  createActionItemPullHandler,
  createActionItemSyncHandler,
} from "@firebreak/functions/action-item-sync";
import { createAlarmIngestHandler } from "@firebreak/functions/alarm-ingest";
import { createApiHandler } from "@firebreak/functions/api";
import type { HealthCheckResult } from "@firebreak/functions/api/health";
import { createApiActionItemsHandler } from "@firebreak/functions/api-action-items";
import { createApiDirectoryHandler } from "@firebreak/functions/api-directory";
import { createApiDocsHandler } from "@firebreak/functions/api-docs";
import { createApiPagingHandler } from "@firebreak/functions/api-paging";
import { createApiPostmortemHandler } from "@firebreak/functions/api-postmortem";
import { createApiStatusHandler } from "@firebreak/functions/api-status";
import { createChangeIngestHandler } from "@firebreak/functions/changes";
import { createCoverageHandler } from "@firebreak/functions/coverage";
import { createEscalationHandler } from "@firebreak/functions/escalation";
import { createHeartbeatsHandler } from "@firebreak/functions/heartbeats";
import { createIntegrationsHandler } from "@firebreak/functions/integrations";
import type { SnsHttp } from "@firebreak/functions/integrations/app";
import { createMaintenanceHandler } from "@firebreak/functions/maintenance";
import { createOutboxHandler } from "@firebreak/functions/outbox";
import { createPagerHandler } from "@firebreak/functions/pager";
import { createPostmortemHandler } from "@firebreak/functions/postmortem";
import { createPostmortemExportHandler } from "@firebreak/functions/postmortem-export";
import { createSlackHandler } from "@firebreak/functions/slack";
import { createSlackWorkerHandler } from "@firebreak/functions/slack-worker";
import { actionItemSyncDeps } from "@firebreak/functions/wiring/action-items";
import { ingestDeps, maintenanceReleaseDeps } from "@firebreak/functions/wiring/alarm-ingest";
import {
  apiActionItemsDeps,
  apiDeps,
  apiDirectoryDeps,
  apiDocsDeps,
  apiPagingDeps,
  apiPostmortemDeps,
  apiStatusDeps,
} from "@firebreak/functions/wiring/api";
import { changeIngestDeps } from "@firebreak/functions/wiring/changes";
import { heartbeatSweepDeps, integrationDeps } from "@firebreak/functions/wiring/integrations";
import { coverageCheckDeps, pagingDeps, smsInboundDeps } from "@firebreak/functions/wiring/paging";
import type { Platform, SecretName } from "@firebreak/functions/wiring/platform";
import { postmortemDeps } from "@firebreak/functions/wiring/postmortem";
import { exportDeps } from "@firebreak/functions/wiring/postmortem-export";
import { slackHandlerDeps, slackWorkerDeps } from "@firebreak/functions/wiring/slack";
import {
  ACTION_ITEM_PULL,
  activeBusConsumers,
  type BusConsumerName,
  CHANGE_INGEST,
  COVERAGE,
  DEFAULT_BUS_RULES,
  ESCALATION,
  HEARTBEATS,
  type HttpFunctionName,
  MAINTENANCE,
  matchRoute,
  OUTBOX,
} from "@firebreak/functions/wiring/topology";
import type { APIGatewayProxyEventV2, Context, ScheduledEvent } from "aws-lambda";
import {
  BodyTooLargeError,
  type HttpResult,
  lambdaContext,
  readBody,
  sendResult,
  toApiGatewayV2Event,
} from "./apigw";
import { type DynamoLocal, startDynamoLocal } from "./dynamo-local";
import { readEventBody } from "./events-body";
import { type FakeS3, startFakeS3 } from "./fake-s3";
import { FAKE_BOT_ID, FAKE_BOT_USER_ID, FAKE_TEAM_ID, type FakeSlack, startFakeSlack } from "./fake-slack";
import { type FakeSmsVoice, startFakeSmsVoice } from "./fake-sms-voice";
import { type FakeSns, startFakeSns } from "./fake-sns";
import { isLoopbackHost, type LocalGuard, localGuard } from "./local-guard";
import { formatSlackPage, formatSnsPage } from "./sinks";
import { serveDashboard, WEB_DIST } from "./static-web";
import { type StreamPoller, startStreamPoller } from "./stream-poller";

export interface RuntimeOptions {
  /** HTTP port; 0 picks a free one. */
  port: number;
  host?: string;
  /** Folder for DynamoDB Local's data and runtime files; null keeps everything in memory. */
  dataDir: string | null;
  tableName?: string;
  /** The on-call directory loaded on first start (default: examples/directory.yaml). */
  demoDirectory?: string | null;
  /** How often the escalation sweep runs (default: the cloud's schedule, every minute). */
  sweepIntervalMs?: number;
  /** How often the maintenance release runs (default: the cloud's schedule, every minute). */
  maintenanceIntervalMs?: number;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local (tests share one). */
  dynamoEndpoint?: string;
  /**
   * The settings, by the names the Lambda functions read (`FIREBREAK_ACK_BASE_URL`,
   * `FIREBREAK_DASHBOARD_URL`, `FIREBREAK_ADMINS`, `FIREBREAK_TIMEZONE`, `FIREBREAK_AUTO_RESOLVE_ON_OK`,
   * `FIREBREAK_SLACK_*`, …); `npm start` passes its environment. Unset, the ack links' base is this
   * server's `/ack` and the dashboard is this server.
   */
  settings?: Readonly<Record<string, string | undefined>>;
  /** The team's IANA time zone (the setting `FIREBREAK_TIMEZONE`). */
  timezone?: string;
  /**
   * Slack: the signing secret, workspace(s) (comma-separated, as the SlackTeamId secret) and bot
   * token. Web API calls go to a recording fake on 127.0.0.1 unless `realApi` is set, when they go
   * to Slack with the bot token.
   */
  slack?: { signingSecret: string; teamId: string; botToken?: string; realApi?: boolean };
  /** The built dashboard served at / (default packages/web/dist); null serves the API only. */
  webDir?: string | null;
  /** Sign in with Slack (OIDC) for the dashboard; without it, only the dev sign-in page. */
  slackOidc?: { clientId: string; clientSecret: string; teamId: string };
  /** SNS: real SNS in this region (topics in the region their ARN names); default: the recording fake. */
  sns?: { region: string };
  /**
   * SNS's hosts for HTTP(S) subscriptions (signing certificates, confirmations); default: the real
   * ones over https. Tests give a fake: SNS's hosts have no local form.
   */
  snsHttp?: SnsHttp;
  /**
   * The postmortem export (the setting `FIREBREAK_POSTMORTEM_BUCKET`): every stored version is
   * written to this bucket of a recording fake S3 on 127.0.0.1 (the real S3 client runs) and printed.
   */
  postmortemBucket?: string;
  /** The clock of every use case (default: the system clock). */
  clock?: Clock;
  log?: Log;
  /**
   * Called when the runtime cannot go on: DynamoDB Local (started by the runtime) died and could
   * not be restarted. `npm start` exits non-zero with the message; without it, it is only logged.
   */
  onFatal?: (error: Error) => void;
  /** GET /health fails its `outbox` check when the stream poller lags more than this (default 30 s). */
  healthMaxLagMs?: number;
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
  /**
   * The recording fake of End User Messaging SMS and Voice: every voice page (called only with the
   * setting `FIREBREAK_VOICE_ORIGINATION`).
   */
  fakeSmsVoice: FakeSmsVoice;
  /** The recording fake S3 of the postmortem export (only with `postmortemBucket`). */
  fakeS3?: FakeS3;
  /** The settings the functions were wired with (defaults filled in). */
  settings: Readonly<Record<string, string | undefined>>;
  paging: PagingDeps;
  slack: { signingSecret: string; teamId: string };
  auth: { tokens: TokenStore; sessionKey: string };
  /** The local events token: `POST /events` needs `Authorization: Bearer <eventsToken>`. */
  eventsToken: string;
  /**
   * One run of the maintenance release, now (the same handler the timer runs every minute): tests
   * and `npm start` users need not wait for the next minute.
   */
  releaseMaintenance(): Promise<unknown>;
  /** One run of the heartbeat sweep, now (the same handler the timer runs every minute). */
  sweepHeartbeats(): Promise<unknown>;
  /** One run of the coverage check, now (the same handler the timer runs every hour). */
  checkCoverage(): Promise<unknown>;
  /** The timers this runtime started: each scheduled handler and its interval (the cloud's cron rules). */
  schedules: { handler: string; intervalMs: number }[];
  /** The runtime's "now" (the injected clock, else the system's): tests state times relative to it. */
  clock: Clock;
  /** The headers a client of `POST /events` sends (JSON and the events token). */
  eventHeaders: Record<string, string>;
  /** Creates an API token (for tests and scripts): `Authorization: Bearer <token>`. */
  apiToken(role: AuthRole, userId?: string): Promise<string>;
  stop(): Promise<void>;
}

const DEMO_DIRECTORY = fileURLToPath(new URL("../../../examples/directory.yaml", import.meta.url));

/**
 * A secret given by a setting, else one kept in the data folder (0600) so it survives restarts
 * (made by `make` the first time; in memory without a data folder).
 */
function keptSecret(
  dataDir: string | null,
  given: string | undefined,
  fileName: string,
  make: () => string,
): string {
  if (given) return given;
  const file = dataDir ? join(dataDir, fileName) : undefined;
  if (file && existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = make();
  if (file) writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

const DEFAULT_HEALTH_MAX_LAG_MS = 30_000;

/** GET /health's `outbox` check: the stream poller is running and not lagging (see PollerStatus). */
function outboxHealth(poller: StreamPoller | undefined, maxLagMs: number): HealthCheckResult {
  if (!poller) return { ok: false, detail: "the outbox's stream poller is not running" };
  const { lagMs, problem } = poller.status();
  if (lagMs > maxLagMs)
    return {
      ok: false,
      detail: `the outbox's stream poller is ${Math.round(lagMs / 1000)} s behind (more than ${Math.round(maxLagMs / 1000)} s)${problem ? `: ${problem}` : ""}`,
    };
  return {
    ok: true,
    detail: problem ? `retrying after: ${problem}` : `the outbox's stream poller is current (${lagMs} ms)`,
  };
}

/** The development signing secret the local /slack/events accepts when SLACK_SIGNING_SECRET is unset. */
export const LOCAL_SIGNING_SECRET = "firebreak-local-signing-secret";

/** Where the local runtime's fakes answer for the bot (no `auth.test` call needed). */
const FAKE_BOT = { botId: FAKE_BOT_ID, botUserId: FAKE_BOT_USER_ID };

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

/** A Lambda handler of the HTTP API, called as API Gateway calls it. */
function lambdaOf(
  name: string,
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>,
): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  return async (event) => (await handler(event, lambdaContext(name))) as HttpResult;
}

/** The event EventBridge Scheduler's rule sends the Escalation function every minute. */
function scheduledEvent(): ScheduledEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "000000000000",
    time: new Date().toISOString(),
    region: "local",
    resources: [],
    detail: {},
  };
}

function json(status: number, body: unknown): HttpResult {
  return { statusCode: status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/**
 * Starts the whole product on this machine: DynamoDB Local, the table, and one HTTP server. It is
 * production with local adapters: the same handler modules, built through the same wiring functions
 * (packages/functions/src/wiring/) from the same setting and secret names, subscribed to the same
 * patterns and routed by the same route table (wiring/topology.ts). Only the adapters differ:
 * DynamoDB Local, the HTTP fakes of SNS, Slack and S3, the in-process bus, a timer for the schedule.
 */
export async function startLocalRuntime(options: RuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? silentLog;
  const tableName = options.tableName ?? "firebreak-local";
  const dataDir = options.dataDir ? resolve(options.dataDir) : null;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // Set once the table and the poller exist: what a restart of DynamoDB Local must redo.
  let afterDynamoRestart: () => Promise<void> = async () => undefined;
  const dynamo: LocalRuntime["dynamo"] = options.dynamoEndpoint
    ? { endpoint: options.dynamoEndpoint }
    : await startDynamoLocal({
        ...(dataDir ? { dataDir: join(dataDir, "dynamodb") } : {}),
        // A JVM that dies is started again on the same port and data; if it cannot be, the
        // runtime cannot take alarms, so it says why and (npm start) exits non-zero.
        supervise: {
          log,
          onRestarted: () => afterDynamoRestart(),
          onFatal: (error) => {
            log.error(error.message);
            options.onFatal?.(error);
          },
        },
      });
  let server: Server | undefined;
  let poller: StreamPoller | undefined;
  let fakeSlack: FakeSlack | undefined;
  let fakeSns: FakeSns | undefined;
  let fakeSmsVoice: FakeSmsVoice | undefined;
  let fakeS3: FakeS3 | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let maintenanceTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let coverageTimer: NodeJS.Timeout | undefined;
  let actionItemTimer: NodeJS.Timeout | undefined;
  const bus = new LocalDispatcher({ log, ...(options.clock ? { clock: options.clock } : {}) });
  let stopped: Promise<void> | undefined;
  // Safe to call twice: the second call waits for the first.
  const stop = () => {
    // The supervisor first: a JVM that exits while everything stops is not restarted.
    dynamo.standDown?.();
    stopped ??= (async () => {
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server?.closeAllConnections();
      await poller?.stop();
      await bus.drain();
      clearInterval(sweeper);
      clearInterval(maintenanceTimer);
      clearInterval(heartbeatTimer);
      clearInterval(coverageTimer);
      clearInterval(actionItemTimer);
      await fakeSlack?.stop();
      await fakeSns?.stop();
      await fakeSmsVoice?.stop();
      await fakeS3?.stop();
      await dynamo.stop?.();
    })();
    return stopped;
  };
  try {
    await ensureTable(dynamo.endpoint, tableName, log);
    // The settings, by the names the functions read; the runtime's own options fill them in.
    const settings: Record<string, string | undefined> = {
      ...options.settings,
      ...(options.timezone ? { FIREBREAK_TIMEZONE: options.timezone } : {}),
      ...(options.postmortemBucket ? { FIREBREAK_POSTMORTEM_BUCKET: options.postmortemBucket } : {}),
    };
    const slackConfig = options.slack ?? { signingSecret: LOCAL_SIGNING_SECRET, teamId: FAKE_TEAM_ID };
    const secrets: Partial<Record<SecretName, string>> = {
      SlackSigningSecret: slackConfig.signingSecret,
      SlackBotToken: slackConfig.botToken ?? "xoxb-local-fake",
      SlackTeamId: slackConfig.teamId,
      SessionKey: keptSecret(dataDir, settings.FIREBREAK_SESSION_KEY, "session-key", newSessionSecret),
      // One key, or a keyring `k2:<new>,k1:<old>` as on AWS.
      AckKey: keptSecret(dataDir, settings.FIREBREAK_ACK_KEY, "ack-key", () =>
        randomBytes(32).toString("base64url"),
      ),
      ...(options.slackOidc
        ? { SlackClientId: options.slackOidc.clientId, SlackClientSecret: options.slackOidc.clientSecret }
        : {}),
      // The trackers of the action-item sync, when given (the same names as the SST secrets).
      ...(settings.FIREBREAK_GITHUB_TOKEN ? { GithubToken: settings.FIREBREAK_GITHUB_TOKEN } : {}),
      ...(settings.FIREBREAK_JIRA_API_TOKEN ? { JiraApiToken: settings.FIREBREAK_JIRA_API_TOKEN } : {}),
      ...(settings.FIREBREAK_LINEAR_API_KEY ? { LinearApiKey: settings.FIREBREAK_LINEAR_API_KEY } : {}),
    };
    const db = createDocumentClient({ tableName, endpoint: dynamo.endpoint });
    const store = new IncidentStore(db, tableName);

    // Paging: SNS and Slack go to recording fakes at the HTTP level, so the real SDK code runs.
    // Each recorded page is printed as one block (ack link included); see sinks.ts.
    if (!(slackConfig.realApi && slackConfig.botToken))
      fakeSlack = await startFakeSlack({
        onCall: (call, answer) => {
          const block = formatSlackPage(call, answer);
          if (block) log.info(block);
        },
      });
    fakeSns = await startFakeSns({ onPublish: (message) => log.info(formatSnsPage(message)) });
    fakeSmsVoice = await startFakeSmsVoice({
      onCall: (call) =>
        log.info(
          `voice call to ${call.destinationPhoneNumber} from ${call.originationIdentity}: ${call.messageBody}`,
        ),
    });
    const platform: Platform = {
      env: settings,
      secret: (name) => secrets[name],
      table: () => ({ db, tableName }),
      bus: () => bus,
      ...(options.clock ? { clock: options.clock } : {}),
      log,
      adapters: {
        sns: options.sns
          ? { client: createSnsClient({ region: options.sns.region }), clientForRegion: regionalSnsClients() }
          : {
              client: createSnsClient({
                endpoint: fakeSns.endpoint,
                region: "local",
                credentials: { accessKeyId: "local", secretAccessKey: "local" },
              }),
            },
        smsVoice: createSmsVoiceClient({
          endpoint: fakeSmsVoice.endpoint,
          region: "local",
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }),
        ...(fakeSlack ? { slackApiUrl: fakeSlack.url, slackBot: FAKE_BOT } : {}),
        ...(options.snsHttp ? { snsHttp: options.snsHttp } : {}),
        health: { outbox: () => outboxHealth(poller, options.healthMaxLagMs ?? DEFAULT_HEALTH_MAX_LAG_MS) },
      },
    };

    const deadLetters = new MemoryDeadLetterSink((letter: DeadLetter) => {
      log.warn(`dead letter: ${letter.reason}`);
      if (dataDir) appendFileSync(join(dataDir, "dead-letters.jsonl"), `${JSON.stringify(letter)}\n`);
    });
    const directory = new DirectoryStore(db, tableName, options.clock);
    const demo = options.demoDirectory === undefined ? DEMO_DIRECTORY : options.demoDirectory;
    if (demo && !(await directory.get())) {
      await applyDirectoryYaml(directory, readFileSync(demo, "utf8"));
      log.info(`loaded the demo on-call directory from ${demo}`);
    }

    // Paging is wired once the server's URL (the default ack base and dashboard) is known.
    let paging: PagingDeps | undefined;
    const pagingOf = () => {
      if (!paging) throw new Error("paging is wired when the HTTP server listens");
      return paging;
    };
    let s3: S3Client | undefined;
    if (settings.FIREBREAK_POSTMORTEM_BUCKET) {
      const bucket = settings.FIREBREAK_POSTMORTEM_BUCKET;
      fakeS3 = await startFakeS3({ buckets: [bucket] });
      s3 = new S3Client({
        endpoint: fakeS3.endpoint,
        forcePathStyle: true,
        region: "us-east-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      });
    }

    // The app bus's consumers: the same handlers, subscribed with the same patterns as the cloud's
    // rules (BUS_CONSUMERS; an optional one only with its setting, as infra does).
    const pager = createPagerHandler(pagingOf);
    const slackWorker = createSlackWorkerHandler(() => slackWorkerDeps(platform));
    const postmortem = createPostmortemHandler(() => postmortemDeps(platform));
    const exporter = createPostmortemExportHandler(() => {
      if (!s3) throw new Error("FIREBREAK_POSTMORTEM_BUCKET is not set");
      return exportDeps(platform, s3);
    });
    const actionItemSync = createActionItemSyncHandler(() => actionItemSyncDeps(platform));
    const consumers: Record<BusConsumerName, (event: BusEvent) => Promise<unknown>> = {
      Pager: (event) => pager(event, lambdaContext("Pager")),
      ActionItemSync: (event) => actionItemSync(event, lambdaContext("ActionItemSync")),
      SlackWorker: (event) => slackWorker(event, lambdaContext("SlackWorker")),
      Postmortem: (event) => postmortem(event, lambdaContext("Postmortem")),
      PostmortemExport: async (event) => {
        const result = await exporter(event, lambdaContext("PostmortemExport"));
        if (result.status === "exported")
          log.info(
            `postmortem exported to the local fake S3: ${result.keys
              .map((k) => `s3://${settings.FIREBREAK_POSTMORTEM_BUCKET}/${k}`)
              .join(", ")}`,
          );
        return result;
      },
    };
    for (const [name, consumer] of activeBusConsumers(settings)) {
      const handle = consumers[name];
      bus.subscribe(name, consumer.pattern, async (event) => {
        await handle(event);
      });
    }
    bus.tap((event) => log.info(`event ${event["detail-type"]}: ${event.detail.detail.summary}`));

    // The outbox: the table's stream (filtered as the cloud's event source mapping) → the same
    // handler as on Lambda → the in-process bus. With a data folder, from a durable checkpoint (and
    // from the oldest record without one, as the cloud's mapping starts at TRIM_HORIZON), so a
    // restart after a crash dispatches what was committed but not yet dispatched. The in-process
    // bus is not durable as EventBridge is: a batch counts as published (and is checkpointed) only
    // once its consumers have handled it, or a kill -9 in between would lose its pages for good.
    const outbox = createOutboxHandler(() => ({
      publisher: { publish: (events) => bus.publishAndWait(events) },
      deadLetters,
    }));
    const startOutboxPoller = () =>
      startStreamPoller({
        endpoint: dynamo.endpoint,
        tableName,
        log,
        filter: OUTBOX.filter,
        ...(dataDir
          ? {
              checkpointFile: join(dataDir, `stream-checkpoint.${tableName}.json`),
              startingPosition: "TRIM_HORIZON" as const,
            }
          : {}),
        onRecords: (event) => outbox(event, lambdaContext("Outbox")),
      });
    poller = await startOutboxPoller();
    afterDynamoRestart = async () => {
      // On disk, the table, its stream and the checkpoint survive: the poller reconnects by itself.
      // In memory, they are gone: a new table, and a poller on its new stream.
      await ensureTable(dynamo.endpoint, tableName, log);
      if (dataDir) return;
      await poller?.stop();
      poller = await startOutboxPoller();
    };
    // The default bus's alarm rule: POST /events, routed by the same pattern.
    const ingest = createAlarmIngestHandler(() => ingestDeps(platform, deadLetters));

    // The HTTP API: each route goes to the function the cloud's route table names (HTTP_FUNCTIONS).
    // The dev sign-in exists only while the server listens on loopback (see local-guard.ts).
    const host = options.host ?? "127.0.0.1";
    const localAuth = { devSignIn: isLoopbackHost(host), secureCookies: false };
    const eventsToken = keptSecret(dataDir, settings.FIREBREAK_EVENTS_TOKEN, "events-token", () =>
      randomBytes(24).toString("base64url"),
    );
    let guard: LocalGuard | undefined;
    const http: Record<HttpFunctionName, (event: APIGatewayProxyEventV2) => Promise<HttpResult>> = {
      ApiHandler: lambdaOf(
        "ApiHandler",
        createApiHandler(() => apiDeps(platform, localAuth)),
      ),
      ApiPostmortem: lambdaOf(
        "ApiPostmortem",
        createApiPostmortemHandler(() => apiPostmortemDeps(platform, localAuth)),
      ),
      ApiDirectory: lambdaOf(
        "ApiDirectory",
        createApiDirectoryHandler(() => apiDirectoryDeps(platform, localAuth)),
      ),
      ApiDocs: lambdaOf(
        "ApiDocs",
        createApiDocsHandler(() => apiDocsDeps(platform, localAuth)),
      ),
      ApiPaging: lambdaOf(
        "ApiPaging",
        createApiPagingHandler(() => apiPagingDeps(platform, localAuth)),
      ),
      ApiActionItems: lambdaOf(
        "ApiActionItems",
        createApiActionItemsHandler(() => apiActionItemsDeps(platform, localAuth)),
      ),
      ApiStatus: lambdaOf(
        "ApiStatus",
        createApiStatusHandler(() => apiStatusDeps(platform, localAuth)),
      ),
      Ack: lambdaOf(
        "Ack",
        createAckHandler(pagingOf, () => smsInboundDeps(platform, pagingOf(), deadLetters)),
      ),
      Integrations: lambdaOf(
        "Integrations",
        createIntegrationsHandler(() => integrationDeps(platform, deadLetters)),
      ),
      SlackHandler: lambdaOf(
        "SlackHandler",
        createSlackHandler(() => slackHandlerDeps(platform)),
      ),
    };
    // The schedule: the same Escalation handler, on a timer.
    const escalation = createEscalationHandler(pagingOf);
    const maintenance = createMaintenanceHandler(() => maintenanceReleaseDeps(platform, deadLetters));
    const releaseMaintenance = () => maintenance(scheduledEvent(), lambdaContext("MaintenanceRelease"));
    const heartbeats = createHeartbeatsHandler(() => heartbeatSweepDeps(platform, deadLetters));
    const changeIngest = createChangeIngestHandler(() => changeIngestDeps(platform, deadLetters));
    const sweepHeartbeats = () => heartbeats(scheduledEvent(), lambdaContext("HeartbeatSweep"));
    const coverage = createCoverageHandler(() => coverageCheckDeps(platform));
    const checkCoverage = () => coverage(scheduledEvent(), lambdaContext("CoverageCheck"));
    const tokens = new TokenStore(db, tableName, options.clock);
    const sessionKey = secrets.SessionKey!;

    const routeEvent = async (body: Buffer): Promise<HttpResult> => {
      // Parsed with a nesting bound, checked as an envelope (events-body.ts): else a 400.
      const read = readEventBody(body);
      if (!read.ok) return problem(read.status, read.title, read.detail, read.issues);
      const { event, envelope } = read;
      // AWS's deployment events: the default bus's other rule (DEFAULT_BUS_RULES.ChangeIngest).
      if (matchesRule(envelope, CHANGE_INGEST.pattern)) {
        const result = await changeIngest(event, lambdaContext("ChangeIngest"));
        if (result.status === "refused") return problem(400, "Deployment event refused", result.reason);
        return json(202, result);
      }
      if (!matchesRule(envelope)) {
        return json(202, {
          status: "ignored",
          reason: `no rule matches source "${envelope.source}" and detail-type "${envelope["detail-type"]}"`,
          rules: Object.values(DEFAULT_BUS_RULES).map((r) => r.pattern),
          rule: ALARM_RULE_PATTERN,
        });
      }
      let summary: ProcessSummary;
      try {
        summary = await ingest(event, lambdaContext("AlarmIngest"));
      } catch (error) {
        log.error(`alarm-ingest failed: ${(error as Error).message}`);
        const unavailable = problem(503, "Try again", "The event could not be stored; send it again.");
        return { ...unavailable, headers: { ...unavailable.headers, "retry-after": "1" } };
      }
      const rejected = summary.rejected[0];
      if (rejected) return problem(400, "Alarm event refused", rejected.error.message, rejected.error.issues);
      if (summary.ignored) return json(202, { status: "ignored", reason: summary.ignored });
      return json(202, { status: "accepted", results: summary.ingested });
    };

    const handle = async (req: IncomingMessage, res: ServerResponse) => {
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          const tooLarge = problem(413, "Body too large", error.message);
          // Read to its end (readBody drains it), the body leaves the connection usable; else the
          // client is still sending: close after the answer (Node ends the socket once it is sent).
          if (error.drained) return sendResult(res, tooLarge);
          return sendResult(res, { ...tooLarge, headers: { ...tooLarge.headers, connection: "close" } });
        }
        throw error;
      }
      const path = new URL(req.url ?? "/", "http://local").pathname;
      // Fail closed: nothing is served before the guard knows the server's own address.
      const refused = guard
        ? guard.check(req, path)
        : { status: 403 as const, title: "Starting", detail: "not ready yet" };
      if (refused) return sendResult(res, problem(refused.status, refused.title, refused.detail));
      if (path === "/events") {
        if (req.method !== "POST")
          return sendResult(res, problem(405, "Method not allowed", "use POST /events"));
        return sendResult(res, await routeEvent(body));
      }
      const webDir = options.webDir === undefined ? WEB_DIST : options.webDir;
      if (webDir && (await serveDashboard(webDir, req, res, path))) return;
      const route = matchRoute(req.method ?? "GET", path);
      // API Gateway's own answer when no route matches.
      if (!route) return sendResult(res, json(404, { message: "Not Found" }));
      const event = { ...toApiGatewayV2Event(req, body), routeKey: route.route };
      sendResult(res, await http[route.name as HttpFunctionName](event));
    };

    server = createServer((req, res) => {
      handle(req, res).catch((error: unknown) => {
        log.error(`request failed: ${(error as Error).stack ?? String(error)}`);
        if (!res.headersSent)
          sendResult(res, problem(500, "Internal error", "The local runtime failed; see its console."));
        else res.end();
      });
    });
    await new Promise<void>((resolvePromise, reject) => {
      server!.once("error", reject);
      server!.listen(options.port, host, () => resolvePromise());
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : options.port;
    const url = `http://${host}:${port}`;
    guard = localGuard({ host, port, eventsToken, allowedHosts: settings.FIREBREAK_ALLOWED_HOSTS });
    // A deploy sets these to the API's /ack and the dashboard's URL; locally, this server's.
    settings.FIREBREAK_ACK_BASE_URL ||= `${url}/ack`;
    settings.FIREBREAK_DASHBOARD_URL ||= url;
    paging = pagingDeps(platform);
    const wiredPaging = paging;
    const schedules = [
      { handler: ESCALATION.handler, intervalMs: options.sweepIntervalMs ?? ESCALATION.intervalMs },
      { handler: MAINTENANCE.handler, intervalMs: options.maintenanceIntervalMs ?? MAINTENANCE.intervalMs },
      { handler: HEARTBEATS.handler, intervalMs: HEARTBEATS.intervalMs },
      { handler: COVERAGE.handler, intervalMs: COVERAGE.intervalMs },
      { handler: ACTION_ITEM_PULL.handler, intervalMs: ACTION_ITEM_PULL.intervalMs },
    ];
    sweeper = setInterval(() => {
      escalation(scheduledEvent(), lambdaContext("Escalation")).catch((error: unknown) =>
        log.error(`escalation sweep failed: ${String(error)}`),
      );
    }, schedules[0]!.intervalMs);
    sweeper.unref();
    maintenanceTimer = setInterval(() => {
      releaseMaintenance().catch((error: unknown) =>
        log.error(`maintenance release failed: ${String(error)}`),
      );
    }, schedules[1]!.intervalMs);
    maintenanceTimer.unref();
    heartbeatTimer = setInterval(() => {
      sweepHeartbeats().catch((error: unknown) => log.error(`heartbeat sweep failed: ${String(error)}`));
    }, schedules[2]!.intervalMs);
    heartbeatTimer.unref();
    coverageTimer = setInterval(() => {
      checkCoverage().catch((error: unknown) => log.error(`coverage check failed: ${String(error)}`));
    }, schedules[3]!.intervalMs);
    coverageTimer.unref();
    const pullActionItems = createActionItemPullHandler(() => actionItemSyncDeps(platform));
    actionItemTimer = setInterval(() => {
      pullActionItems(scheduledEvent(), lambdaContext("ActionItemPull")).catch((error: unknown) =>
        log.error(`action item sync failed: ${String(error)}`),
      );
    }, schedules[4]!.intervalMs);
    actionItemTimer.unref();
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
      fakeSmsVoice,
      ...(fakeS3 ? { fakeS3 } : {}),
      settings,
      paging: wiredPaging,
      slack: { signingSecret: slackConfig.signingSecret, teamId: slackConfig.teamId },
      auth: { tokens, sessionKey },
      eventsToken,
      releaseMaintenance,
      sweepHeartbeats,
      checkCoverage,
      schedules,
      clock: options.clock ?? systemClock,
      eventHeaders: { "content-type": "application/json", authorization: `Bearer ${eventsToken}` },
      apiToken: async (role, userId = "local-test") =>
        (await tokens.create({ name: `${role} token`, role, userId })).token,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
