/**
 * DynamoDB Local under the runtime: killed, stopped and continued, and made impossible to restart.
 * The runtime starts its own DynamoDB Local here (not the suite's shared one), on a data folder,
 * as `npm start` does.
 *
 * - kill -9 of the JVM: the runtime starts it again on the same port and data; what was stored
 *   before is still there, and an alarm after it is paged exactly once (nothing paged twice).
 * - SIGSTOP: GET /health answers 503 naming the table (a read that gets no answer within its
 *   bound); after SIGCONT, 200 again, and paging goes on.
 * - a JVM that cannot be started again (its data folder replaced by a file): `npm start` (main.ts)
 *   exits 1, saying why (the runtime's onFatal).
 * - DynamoDB Local listens on 127.0.0.1 only, and refuses a web page (Origin) and a foreign Host.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { testClock } from "@firebreak/testkit/clock";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";
import { checkoutAlarm } from "./support/alarm";

const dirs: string[] = [];
const started: LocalRuntime[] = [];
const clock = testClock();

afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string, extra: { onFatal?: (error: Error) => void } = {}) {
  const runtime = await startLocalRuntime({ port: 0, dataDir, webDir: null, clock, ...extra });
  started.push(runtime);
  return runtime;
}

const alarm = (name: string) => checkoutAlarm(name, clock);

async function fire(runtime: LocalRuntime, name: string): Promise<void> {
  const res = await fetch(`${runtime.url}/events`, {
    method: "POST",
    headers: runtime.eventHeaders,
    body: JSON.stringify(alarm(name)),
  });
  expect(res.status, await res.clone().text()).toBe(202);
}

const smsFor = (runtime: LocalRuntime, number: number) =>
  runtime.fakeSns.published.filter(
    (m) => m.phoneNumber && new RegExp(`\\bINC-${number}(?!\\d)`).test(m.message),
  );

async function health(runtime: LocalRuntime) {
  const res = await fetch(`${runtime.url}/health`);
  return {
    status: res.status,
    body: (await res.json()) as {
      status: string;
      reasons: string[];
      checks: Record<string, { ok: boolean }>;
    },
  };
}

describe("DynamoDB Local under the local runtime", () => {
  it("kill -9 of DynamoDB Local: restarted on the same port and data, nothing lost, the next alarm paged once", async () => {
    const runtime = await start(tempDir("firebreak-dynamo-kill-"));
    await fire(runtime, "checkout-before-kill");
    await vi.waitFor(() => expect(smsFor(runtime, 1)).toHaveLength(1), { timeout: 20_000 });
    const endpoint = runtime.dynamo.endpoint;
    const firstJvm = runtime.dynamo.process?.pid;
    expect(firstJvm).toBeGreaterThan(0);

    process.kill(firstJvm!, "SIGKILL");
    await vi.waitFor(() => expect(runtime.dynamo.restarts).toBe(1), { timeout: 60_000, interval: 100 });
    expect(runtime.dynamo.process?.pid).not.toBe(firstJvm);
    expect(runtime.dynamo.endpoint).toBe(endpoint);
    await vi.waitFor(async () => expect((await health(runtime)).status).toBe(200), { timeout: 30_000 });

    // What was stored before the kill is still there (on disk), and the pipeline runs again.
    expect(await listTitles(runtime)).toEqual([expect.stringContaining("checkout-before-kill")]);
    await fire(runtime, "checkout-after-kill");
    await vi.waitFor(() => expect(smsFor(runtime, 2)).toHaveLength(1), { timeout: 30_000 });
    await runtime.bus.drain();
    expect(smsFor(runtime, 1)).toHaveLength(1);
    expect(smsFor(runtime, 2)).toHaveLength(1);
  }, 120_000);

  it("SIGSTOP: /health is 503 naming the table within its bound; after SIGCONT, 200 and paging goes on", async () => {
    const runtime = await start(tempDir("firebreak-dynamo-stop-"));
    const jvm = runtime.dynamo.process!;
    jvm.kill("SIGSTOP");
    try {
      const stopped = await health(runtime);
      expect(stopped.status).toBe(503);
      expect(stopped.body.status).toBe("unavailable");
      expect(stopped.body.reasons).toContainEqual(
        expect.stringMatching(/^table: .*did not answer a read within 2000 ms$/),
      );
    } finally {
      jvm.kill("SIGCONT");
    }
    await vi.waitFor(async () => expect((await health(runtime)).status).toBe(200), { timeout: 30_000 });
    expect(runtime.dynamo.restarts).toBe(0);
    await fire(runtime, "checkout-after-continue");
    await vi.waitFor(() => expect(smsFor(runtime, 1)).toHaveLength(1), { timeout: 30_000 });
  }, 90_000);

  it("npm start exits 1, saying why, when DynamoDB Local dies and cannot be restarted", async () => {
    const dataDir = tempDir("firebreak-dynamo-exit-");
    const child = spawn(process.execPath, ["--import", "tsx", "packages/local/src/main.ts"], {
      env: { ...process.env, PORT: "0", FIREBREAK_DATA_DIR: dataDir, FIREBREAK_SKIP_DASHBOARD_BUILD: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await vi.waitFor(() => expect(output).toContain("Firebreak is running"), {
        timeout: 90_000,
        interval: 100,
      });
      const { dynamoEndpoint } = JSON.parse(readFileSync(join(dataDir, "runtime.json"), "utf8")) as {
        dynamoEndpoint: string;
      };
      const jvm = javaPidOn(Number(new URL(dynamoEndpoint).port));
      rmSync(join(dataDir, "dynamodb"), { recursive: true, force: true });
      writeFileSync(join(dataDir, "dynamodb"), "not a folder");
      process.kill(jvm, "SIGKILL");
      expect(await exited).toBe(1);
      expect(output).toMatch(
        /Firebreak cannot run without its database: DynamoDB Local died \(signal SIGKILL\) and could not be restarted on http:\/\/127\.0\.0\.1:\d+ after 3 attempts: DynamoDB Local exited/,
      );
    } finally {
      child.kill("SIGKILL");
    }
  }, 150_000);

  it("/health checks the table and the outbox; DynamoDB Local listens on 127.0.0.1 only and refuses a web page (Origin) and a rebinding Host with 403", async () => {
    const runtime = await start(tempDir("firebreak-dynamo-bind-"));
    const { status, body } = await health(runtime);
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.reasons).toEqual([]);
    expect(Object.keys(body.checks).sort()).toEqual(["outbox", "table"]);

    const port = Number(new URL(runtime.dynamo.endpoint).port);
    // Not on any other address of this machine.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === "IPv4" && !a.internal)
      .map((a) => a!.address);
    for (const address of others) expect(await connects(address, port), address).toBe(false);
    expect(await connects("127.0.0.1", port)).toBe(true);

    const target = "DynamoDB_20120810.ListTables";
    const headers = { "content-type": "application/x-amz-json-1.0", "x-amz-target": target };
    expect((await rawPost(port, { ...headers, host: `127.0.0.1:${port}` })).status).not.toBe(403);
    expect((await rawPost(port, { ...headers, host: `attacker.example:${port}` })).status).toBe(403);
    expect(
      (await rawPost(port, { ...headers, host: `127.0.0.1:${port}`, origin: "https://attacker.example" }))
        .status,
    ).toBe(403);
  });
});

async function listTitles(runtime: LocalRuntime): Promise<string[]> {
  const page = await runtime.store.listIncidents({ status: "all", limit: 10 });
  return page.items.map((i) => i.title);
}

function javaPidOn(port: number): number {
  const out = execFileSync("pgrep", ["-f", `LoopbackDynamoDB(\\.java)? -port ${port} `], {
    encoding: "utf8",
  });
  return Number(out.trim().split("\n")[0]);
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A POST with exactly these headers (fetch would not let us set Host). */
function rawPost(port: number, headers: Record<string, string>): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on("error", reject);
    req.end("{}");
  });
}
