import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../src/dynamo-local";

/**
 * A real Prometheus Alertmanager for integration tests: one process per call, on a free loopback
 * port, with its config and data in a temporary folder of its own, routing every alert to one
 * webhook. Debian/Ubuntu: `apt-get install prometheus-alertmanager` (FIREBREAK_ALERTMANAGER_BIN
 * names another binary, e.g. Homebrew's `alertmanager`).
 */

export interface AlertmanagerOptions {
  /** The webhook receiver URL (http://127.0.0.1:<port>/...). */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer <credentials>` by Alertmanager's webhook http_config. */
  bearer?: string;
  /** group_by labels of the route (default ["alertname", "service"]). */
  groupBy?: string[];
  /** webhook max_alerts (0 = unlimited, the default). */
  maxAlerts?: number;
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface RunningAlertmanager {
  /** http://127.0.0.1:<port> */
  url: string;
  /** POST /api/v2/alerts; throws with the response body on a non-2xx answer. */
  post(alerts: PostableAlert[]): Promise<void>;
  /** Kills the process and removes its temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

const BINARY = process.env.FIREBREAK_ALERTMANAGER_BIN ?? "/usr/bin/prometheus-alertmanager";
const READY_TIMEOUT_MS = 20_000;
/** Stops the process if this one dies without stop() (a crash, `kill -9`); see its header. */
const WATCHDOG = fileURLToPath(new URL("../../src/dynamo-watchdog.mjs", import.meta.url));

/**
 * Whether the binary exists. Tests use describe.skipIf(!alertmanagerInstalled()) only when NOT in
 * CI; in CI (process.env.CI) a missing binary must fail loudly instead.
 */
export function alertmanagerInstalled(): boolean {
  try {
    accessSync(BINARY, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The config, as JSON (which is YAML): no quoting to get wrong. Alerts are delivered as soon as
 * they arrive (group_wait 0s), changes to a group a second later (group_interval), and an unchanged
 * group is not sent again during a test (repeat_interval).
 */
function config(options: AlertmanagerOptions) {
  return {
    route: {
      receiver: "webhook",
      group_by: options.groupBy ?? ["alertname", "service"],
      group_wait: "0s",
      group_interval: "1s",
      repeat_interval: "4h",
    },
    receivers: [
      {
        name: "webhook",
        webhook_configs: [
          {
            url: options.webhookUrl,
            send_resolved: true,
            max_alerts: options.maxAlerts ?? 0,
            ...(options.bearer !== undefined && {
              http_config: { authorization: { type: "Bearer", credentials: options.bearer } },
            }),
          },
        ],
      },
    ],
  };
}

export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  if (!alertmanagerInstalled()) {
    throw new Error(
      `Alertmanager not found at ${BINARY}: apt-get install prometheus-alertmanager (or set FIREBREAK_ALERTMANAGER_BIN)`,
    );
  }
  // The free port may be taken by someone else before Alertmanager binds it: then try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(options, await freePort());
    } catch (error) {
      if (attempt >= 3 || !/address already in use/.test(String(error))) throw error;
    }
  }
}

async function launch(options: AlertmanagerOptions, port: number): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-alertmanager-"));
  const configFile = join(dir, "alertmanager.yml");
  writeFileSync(configFile, JSON.stringify(config(options), null, 2));
  const url = `http://127.0.0.1:${port}`;

  const child = spawn(
    BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      "--cluster.listen-address=", // no gossip (and no port 9094)
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  let ended: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      ended ??= signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
    // A spawn failure may come without an "exit".
    child.on("error", (error) => {
      ended ??= String(error);
      resolve();
    });
  });
  const watchdog = startWatchdog(child);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!ended) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      watchdog?.kill();
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await waitUntilReady(
      url,
      () => ended,
      () => stderr,
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    stop,
    post: async (alerts) => {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alerts),
      });
      const body = await response.text();
      if (!response.ok)
        throw new Error(`Alertmanager answered ${response.status} to POST /api/v2/alerts: ${body}`);
    },
  };
}

async function waitUntilReady(url: string, ended: () => string | undefined, stderr: () => string) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const how = ended();
    if (how) throw new Error(`Alertmanager exited (${how}) before it was ready:\n${stderr().trim()}`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Alertmanager did not answer 200 on ${url}/-/ready within ${READY_TIMEOUT_MS} ms:\n${stderr().trim()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The runtime's DynamoDB Local watchdog, which works for any pid: it holds a pipe only this process
 * writes, and stops Alertmanager when this process ends without stop() (the test worker crashed or
 * was killed). Its exit otherwise keeps nothing alive here.
 */
function startWatchdog(child: ChildProcess): ChildProcess | undefined {
  if (child.pid === undefined) return undefined;
  const watchdog = spawn(process.execPath, [WATCHDOG, String(child.pid)], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  watchdog.on("error", () => undefined);
  watchdog.unref();
  child.once("exit", () => watchdog.kill());
  return watchdog;
}
