import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { isValidTimeZone } from "@firebreak/core/oncall/tz";
import { exportBucketFromEnv } from "@firebreak/core/postmortem/export-config";
import { ingestConfigFromEnv } from "@firebreak/core/shared/config";
import { ValidationError, type ValidationIssue } from "@firebreak/core/shared/errors";
import * as z from "zod";
import { consoleLog } from "./console-log";
import { acquireDataDirLock, DataDirInUseError, type DataDirLock } from "./data-lock";
import { JavaMissingError } from "./dynamo-local";
import { FAKE_TEAM_ID } from "./fake-slack";
import { LOCAL_SIGNING_SECRET, type LocalRuntime, startLocalRuntime } from "./runtime";
import { pagingSinksFromEnv } from "./sinks";
import { ensureDashboardBuilt } from "./web-build";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  FIREBREAK_DATA_DIR: z.string().min(1).default(".firebreak"),
  // The same check as the deployed functions' (core/oncall/tz.ts timezoneFromEnv).
  FIREBREAK_TIMEZONE: z
    .string()
    .refine(isValidTimeZone, 'expected an IANA time zone such as "Europe/London" or "UTC"')
    .default("UTC"),
  SLACK_SIGNING_SECRET: z.string().min(8, "at least 8 characters").optional(),
  SLACK_TEAM_ID: z
    .string()
    .regex(/^[TE][A-Z0-9]{2,}$/, "a Slack workspace id, e.g. T0123ABCD")
    .optional(),
  SLACK_BOT_TOKEN: z.string().startsWith("xoxb-", "a bot token starts with xoxb-").optional(),
  SLACK_CLIENT_ID: z.string().min(1).optional(),
  SLACK_CLIENT_SECRET: z.string().min(8, "at least 8 characters").optional(),
  FIREBREAK_TABLE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, "3-255 characters: letters, digits, _ . -")
    .default("firebreak-local"),
});

/** Prints each invalid setting and exits 2 (the runtime never starts on a bad setting). */
function exitWith(issues: readonly ValidationIssue[]): never {
  for (const issue of issues) console.error(`Invalid ${issue.path}: ${issue.message}`);
  process.exit(2);
}

/** A setting read by `read`, or exit naming what is wrong with it. */
function settingOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ValidationError) exitWith(error.issues);
    throw error;
  }
}

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      console.error(`Invalid ${issue.path.join(".")}: ${issue.message}`);
    process.exit(2);
  }
  const env = parsed.data;
  // Read again by the wiring (the same names as on Lambda); validated here first, to exit with the name.
  settingOrExit(() => ingestConfigFromEnv(process.env));
  const postmortemBucket = settingOrExit(() => exportBucketFromEnv(process.env));
  const { sinks, issues: sinkIssues } = pagingSinksFromEnv(process.env);
  if (sinkIssues.length > 0) exitWith(sinkIssues);
  if (Boolean(env.SLACK_CLIENT_ID) !== Boolean(env.SLACK_CLIENT_SECRET)) {
    console.error(
      "Invalid SLACK_CLIENT_ID / SLACK_CLIENT_SECRET: set both for Sign in with Slack, or neither",
    );
    process.exit(2);
  }
  if (env.SLACK_CLIENT_ID && !env.SLACK_TEAM_ID) {
    console.error("Invalid SLACK_TEAM_ID: Sign in with Slack needs the workspace id allowed to sign in");
    process.exit(2);
  }
  const dataDir = resolve(env.FIREBREAK_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  let lock: DataDirLock;
  try {
    lock = await acquireDataDirLock(dataDir, (line) => console.warn(line));
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  let runtime: LocalRuntime | undefined;
  const runtimeFile = join(dataDir, "runtime.json");
  /** runtime.json is removed only by the process that wrote it (its pid is inside). */
  const removeOwnRuntimeFile = () => {
    try {
      if ((JSON.parse(readFileSync(runtimeFile, "utf8")) as { pid?: unknown }).pid === process.pid)
        rmSync(runtimeFile, { force: true });
    } catch {
      // absent or unreadable: not ours to remove
    }
  };
  // Last resort, however this process exits: never leave the JVM, runtime.json or the lock behind.
  // (On SIGKILL nothing here runs: the watchdog stops the JVM, and the next start finds the lock stale.)
  process.on("exit", () => {
    runtime?.dynamo.process?.kill("SIGKILL");
    removeOwnRuntimeFile();
    lock.release();
  });

  let stoppingSince: number | undefined;
  /** Stops the runtime; exits `exitCode` (0 for a requested stop) once it is stopped. */
  const shutdown = async (reason: string, exitCode = 0) => {
    if (stoppingSince !== undefined) return;
    stoppingSince = Date.now();
    if (!runtime) {
      // Still starting: exit now. The exit handler releases the lock; the watchdog stops a JVM
      // that had already started.
      console.log(`\n${reason} while starting: stopped.`);
      process.exit(1);
    }
    console.log(`\n${reason}: stopping…`);
    const started = runtime;
    const force = setTimeout(() => {
      console.error("Did not stop within 10 s: killing DynamoDB Local and exiting.");
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await started.stop();
      removeOwnRuntimeFile();
      console.log("Stopped: HTTP server closed, DynamoDB Local shut down.");
      process.exit(exitCode);
    } catch (error) {
      console.error(`Error while stopping: ${String(error)}`);
      process.exit(1);
    }
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, () => {
      if (stoppingSince === undefined) return void shutdown(signal);
      // One Ctrl-C arrives twice: from the terminal (to the whole process group) and forwarded by
      // npm. A signal a second or more later is a second Ctrl-C: stop waiting for a clean stop.
      if (Date.now() - stoppingSince < 1000) return;
      console.error(`${signal} again: exiting now.`);
      process.exit(1);
    });
  watchNpmParent(() => void shutdown("npm start was stopped"));

  console.log("Starting Firebreak locally…");
  if (process.env.FIREBREAK_SKIP_DASHBOARD_BUILD === "1") {
    console.log("Not building the dashboard (FIREBREAK_SKIP_DASHBOARD_BUILD=1).");
  } else {
    try {
      await ensureDashboardBuilt();
    } catch (error) {
      console.error(`The dashboard could not be built; serving the API only: ${(error as Error).message}`);
    }
  }
  try {
    runtime = await startLocalRuntime({
      port: env.PORT,
      host: env.HOST,
      dataDir,
      tableName: env.FIREBREAK_TABLE,
      settings: process.env,
      timezone: env.FIREBREAK_TIMEZONE,
      slack: {
        signingSecret: env.SLACK_SIGNING_SECRET ?? LOCAL_SIGNING_SECRET,
        teamId: env.SLACK_TEAM_ID ?? FAKE_TEAM_ID,
        ...(sinks.slack.kind === "real" ? { botToken: sinks.slack.token, realApi: true } : {}),
      },
      ...(sinks.sns.kind === "real" ? { sns: { region: sinks.sns.region } } : {}),
      ...(postmortemBucket ? { postmortemBucket } : {}),
      ...(env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET && env.SLACK_TEAM_ID
        ? {
            slackOidc: {
              clientId: env.SLACK_CLIENT_ID,
              clientSecret: env.SLACK_CLIENT_SECRET,
              teamId: env.SLACK_TEAM_ID,
            },
          }
        : {}),
      log: consoleLog,
      // DynamoDB Local died and could not be restarted (runtime.ts has logged why): nothing can be
      // stored or paged, so stop rather than answer as if alive.
      onFatal: (error) => {
        console.error(`Firebreak cannot run without its database: ${error.message}`);
        void shutdown("DynamoDB Local is gone", 1);
      },
    });
  } catch (error) {
    if (error instanceof JavaMissingError) {
      console.error(error.message);
      process.exit(1);
    }
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      console.error(
        `Port ${env.PORT} is in use. Stop the other server, or pick another port: PORT=3001 npm start`,
      );
      process.exit(1);
    }
    throw error;
  }
  lock.setUrl(runtime.url);

  console.log(
    [
      "",
      "Firebreak is running",
      `  Dashboard           ${runtime.url}/   (opens the sign-in page below first)`,
      `  HTTP API            ${runtime.url}   (GET /health; /api/* needs a sign-in or a token)`,
      `  Sign in             ${runtime.url}/auth/dev   (dev sign-in: pick a person and a role)${env.SLACK_CLIENT_ID ? `, or ${runtime.url}/auth/slack/login` : ""}`,
      `  Alarm events        POST ${runtime.url}/events   (EventBridge events, routed by the alarm rule; JSON with Authorization: Bearer <${join(dataDir, "events-token")}>)`,
      `  DynamoDB Local      ${runtime.dynamo.endpoint}   (table ${env.FIREBREAK_TABLE}, data in ${join(dataDir, "dynamodb")})`,
      "  Domain events       in-process: table stream → outbox → local dispatcher",
      `  Slack               POST ${runtime.url}/slack/events   (workspace ${runtime.slack.teamId})`,
      runtime.fakeSlack
        ? `  Slack Web API       recording fake at ${runtime.fakeSlack.url} (set SLACK_BOT_TOKEN for a real workspace)`
        : "  Slack Web API       https://slack.com/api/ (SLACK_BOT_TOKEN)",
      sinks.sns.kind === "real"
        ? `  SNS                 real SNS: SMS from ${sinks.sns.region}, topics in their ARN's region (FIREBREAK_SNS_REAL)`
        : `  SNS                 recording fake at ${runtime.fakeSns.endpoint} (set FIREBREAK_SNS_REAL=1 and AWS_REGION for real SNS)`,
      "  Pages               printed here as they are recorded, one block each, with the ack link",
      ...(env.SLACK_SIGNING_SECRET
        ? []
        : [`  Slack signing       development secret "${LOCAL_SIGNING_SECRET}" (set SLACK_SIGNING_SECRET)`]),
      "",
      "Simulate an alarm:   npm run firebreak -- alarm fire checkout-5xx --service checkout",
      "API token:           npm run firebreak -- token create --user alice --role responder",
      'Try Slack:           npm run firebreak -- slack "/incident declare Checkout down sev1 service:checkout" --user U123',
      "Stop:                Ctrl-C",
      "",
    ].join("\n"),
  );
}

/**
 * How `npm start` runs this process, and how a stop reaches it:
 *   npm start → sh -c "exec node --import tsx …/main.ts" → (exec) node → java + its watchdog
 * npm runs a script with `sh -c` and forwards SIGINT/SIGTERM only to that child. Without `exec`, the
 * shell stays in between and passes nothing on: dash (Debian's sh) dies of SIGTERM, and holds SIGINT
 * until its child exits, which never happens; the tsx CLI was one more layer (a second node process).
 * With `exec` and `node --import tsx`, npm's signal reaches this process directly.
 * What is left is npm dying without forwarding anything (`kill -9` of npm, or a wrapper shell that
 * does not exec): so when started by an npm script, a change of parent process (we were reparented)
 * means npm is gone, and `onOrphaned` runs. Checked twice a second; process.ppid is read live.
 * Started outside npm (`node --import tsx …`), the parent is not watched.
 */
function watchNpmParent(onOrphaned: () => void): void {
  if (!process.env.npm_lifecycle_event || process.platform === "win32") return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, 500);
  timer.unref();
}

main().catch((error: unknown) => {
  console.error(`Firebreak failed to start: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
