/**
 * The local runtime's Platform (what the wiring builds every handler's dependencies from): its
 * settings and secrets, the table on DynamoDB Local, the in-process bus, the clock and the local
 * adapters (the fakes, GET /health's outbox check); and the dead-letter sink beside it.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { createSnsClient, regionalSnsClients } from "@firebreak/core/adapters/aws/sns-channel";
import { createSmsVoiceClient } from "@firebreak/core/adapters/aws/voice-channel";
import type { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { type DeadLetter, MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { LocalDispatcher } from "@firebreak/core/events/dispatcher";
import type { Log } from "@firebreak/core/shared/log";
import type { HealthCheckResult } from "@firebreak/functions/api/health";
import type { Platform, SecretName } from "@firebreak/functions/wiring/platform";
import { FAKE_BOT_ID, FAKE_BOT_USER_ID } from "../fake-slack";
import type { RuntimeOptions } from "../runtime";
import type { StreamPoller } from "../stream-poller";
import type { PageFakes } from "./fakes";
import type { Started } from "./stop";

const DEFAULT_HEALTH_MAX_LAG_MS = 30_000;

/** Where the local runtime's fakes answer for the bot (no `auth.test` call needed). */
const FAKE_BOT = { botId: FAKE_BOT_ID, botUserId: FAKE_BOT_USER_ID };

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

/** What the local Platform is made of. */
export interface LocalPlatformParts {
  options: RuntimeOptions;
  settings: Readonly<Record<string, string | undefined>>;
  secrets: Partial<Record<SecretName, string>>;
  db: ReturnType<typeof createDocumentClient>;
  tableName: string;
  bus: LocalDispatcher;
  log: Log;
  fakes: PageFakes;
  /** Read by the health check each time: the poller starts after the Platform is built. */
  started: Started;
}

/** The Platform of production's wiring, with local adapters. */
export function localPlatform(parts: LocalPlatformParts): Platform {
  const { options, settings, secrets, db, tableName, bus, log, fakes, started } = parts;
  return {
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
              endpoint: fakes.fakeSns.endpoint,
              region: "local",
              credentials: { accessKeyId: "local", secretAccessKey: "local" },
            }),
          },
      smsVoice: createSmsVoiceClient({
        endpoint: fakes.fakeSmsVoice.endpoint,
        region: "local",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }),
      ...(fakes.fakeSlack ? { slackApiUrl: fakes.fakeSlack.url, slackBot: FAKE_BOT } : {}),
      ...(options.snsHttp ? { snsHttp: options.snsHttp } : {}),
      health: {
        outbox: () => outboxHealth(started.poller, options.healthMaxLagMs ?? DEFAULT_HEALTH_MAX_LAG_MS),
      },
    },
  };
}

/** Dead letters: logged, and with a data folder appended to its dead-letters.jsonl. */
export function localDeadLetters(log: Log, dataDir: string | null): MemoryDeadLetterSink {
  return new MemoryDeadLetterSink((letter: DeadLetter) => {
    log.warn(`dead letter: ${letter.reason}`);
    if (dataDir) appendFileSync(join(dataDir, "dead-letters.jsonl"), `${JSON.stringify(letter)}\n`);
  });
}
