/**
 * The local runtime: the whole product on one machine, as production with local adapters.
 * `startLocalRuntime` runs its steps in order, each in runtime/: the settings and secrets
 * (settings.ts), DynamoDB Local and the table (table.ts), the fakes (fakes.ts), the Platform
 * (platform.ts), the bus's consumers (bus.ts), the outbox's stream poller (outbox.ts), the HTTP
 * server and its routes (server.ts, routes.ts, events.ts), the timers (schedule.ts); stop.ts
 * stops what was started, in reverse order.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TokenStore } from "@firebreak/core/adapters/dynamodb/auth/token-store";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import type { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { AuthRole } from "@firebreak/core/auth/roles";
import { LocalDispatcher } from "@firebreak/core/events/dispatcher";
import type { PagingReplyDeps } from "@firebreak/core/paging/service";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { type Log, silentLog } from "@firebreak/core/shared/log";
import type { SnsHttp } from "@firebreak/functions/integrations/app";
import { pagingDeps, withReplies } from "@firebreak/functions/wiring/paging";
import type { DynamoLocal } from "./dynamo-local";
import type { FakeS3 } from "./fake-s3";
import type { FakeSlack } from "./fake-slack";
import type { FakeSmsVoice } from "./fake-sms-voice";
import type { FakeSns } from "./fake-sns";
import { isLoopbackHost } from "./local-guard";
import { subscribeBusConsumers } from "./runtime/bus";
import { eventRouter } from "./runtime/events";
import { startPageFakes, startPostmortemS3 } from "./runtime/fakes";
import { startOutbox } from "./runtime/outbox";
import { localDeadLetters, localPlatform } from "./runtime/platform";
import { httpFunctions } from "./runtime/routes";
import { scheduledRuns, startTimers } from "./runtime/schedule";
import { startHttpServer } from "./runtime/server";
import { eventsTokenOf, runtimeSecrets, runtimeSettings, slackConfigOf } from "./runtime/settings";
import { type Started, stopper } from "./runtime/stop";
import { ensureTable, loadDemoDirectory, startDynamo } from "./runtime/table";

export { LOCAL_SIGNING_SECRET } from "./runtime/settings";

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
  paging: PagingReplyDeps;
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
  const dynamo = await startDynamo(options, dataDir, log, () => afterDynamoRestart());
  const started: Started = { timers: [] };
  const bus = new LocalDispatcher({ log, ...(options.clock ? { clock: options.clock } : {}) });
  const stop = stopper(dynamo, bus, started);
  try {
    await ensureTable(dynamo.endpoint, tableName, log);
    const settings = runtimeSettings(options);
    const slackConfig = slackConfigOf(options);
    const secrets = runtimeSecrets(options, settings, dataDir, slackConfig);
    const db = createDocumentClient({ tableName, endpoint: dynamo.endpoint });
    const store = new IncidentStore(db, tableName);
    const fakes = await startPageFakes(slackConfig, log, started);
    const platform = localPlatform({ options, settings, secrets, db, tableName, bus, log, fakes, started });
    const deadLetters = localDeadLetters(log, dataDir);
    await loadDemoDirectory(db, tableName, options, log);

    // Paging is wired once the server's URL (the default ack base and dashboard) is known.
    let paging: PagingReplyDeps | undefined;
    const pagingOf = () => {
      if (!paging) throw new Error("paging is wired when the HTTP server listens");
      return paging;
    };
    const s3 = await startPostmortemS3(settings, started);
    subscribeBusConsumers({ bus, platform, settings, pagingOf, s3, log });
    afterDynamoRestart = await startOutbox({ dynamo, tableName, dataDir, bus, deadLetters, log, started });
    const routeEvent = eventRouter({ platform, deadLetters, log });

    // The dev sign-in exists only while the server listens on loopback (see local-guard.ts).
    const host = options.host ?? "127.0.0.1";
    const localAuth = { devSignIn: isLoopbackHost(host), secureCookies: false };
    const eventsToken = eventsTokenOf(dataDir, settings);
    const http = httpFunctions({ platform, localAuth, pagingOf, deadLetters });
    const runs = scheduledRuns({ platform, pagingOf, deadLetters });
    const tokens = new TokenStore(db, tableName, options.clock);
    const sessionKey = secrets.SessionKey!;

    const url = await startHttpServer({
      options,
      host,
      settings,
      eventsToken,
      http,
      routeEvent,
      log,
      started,
    });
    // A deploy sets these to the API's /ack and the dashboard's URL; locally, this server's.
    settings.FIREBREAK_ACK_BASE_URL ||= `${url}/ack`;
    settings.FIREBREAK_DASHBOARD_URL ||= url;
    paging = withReplies(pagingDeps(platform));
    const wiredPaging = paging;
    const schedules = startTimers({ options, platform, runs, log, started });
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
      fakeSlack: started.fakeSlack,
      fakeSns: fakes.fakeSns,
      fakeSmsVoice: fakes.fakeSmsVoice,
      ...(started.fakeS3 ? { fakeS3: started.fakeS3 } : {}),
      settings,
      paging: wiredPaging,
      slack: { signingSecret: slackConfig.signingSecret, teamId: slackConfig.teamId },
      auth: { tokens, sessionKey },
      eventsToken,
      releaseMaintenance: runs.releaseMaintenance,
      sweepHeartbeats: runs.sweepHeartbeats,
      checkCoverage: runs.checkCoverage,
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
