import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  acquireDataDirLock,
  DataDirInUseError,
  LOCK_FILE,
  type LockHolder,
  processStartId,
} from "../src/data-lock";

/**
 * The lifecycle of `npm start` as a user sees it: the real npm → sh → node → java (+ watchdog)
 * process tree, signalled from outside. Each start gets a fresh data folder and PORT=0, and skips
 * the dashboard build (FIREBREAK_SKIP_DASHBOARD_BUILD=1). Every process started here is killed in
 * afterEach, whatever the test's outcome.
 */

const REPO = fileURLToPath(new URL("../../..", import.meta.url));
const STOP_BOUND_MS = 10_000;
const START_BOUND_MS = 120_000;

interface Proc {
  pid: number;
  ppid: number;
  stat: string;
  args: string;
}

/** Every process on the machine (ps works on Linux and macOS alike). */
function processes(): Proc[] {
  const out = spawnSync("ps", ["-eo", "pid=,ppid=,stat=,args="], { encoding: "utf8" }).stdout;
  return out
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), stat: m[3]!, args: m[4]! }));
}

/** `root` and all its descendants, by ppid. */
function tree(root: number): Proc[] {
  const all = processes();
  const found = new Map<number, Proc>();
  const self = all.find((p) => p.pid === root);
  if (self) found.set(root, self);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all)
      if (!found.has(p.pid) && (p.pid === root || found.has(p.ppid))) {
        found.set(p.pid, p);
        grew = true;
      }
  }
  return [...found.values()];
}

/** Which of `procs` still run: same pid and same command line (not a reused pid), not a zombie. */
function stillRunning(procs: Proc[]): Proc[] {
  const now = new Map(processes().map((p) => [p.pid, p]));
  return procs.filter((p) => {
    const current = now.get(p.pid);
    return current !== undefined && current.args === p.args && !current.stat.startsWith("Z");
  });
}

async function waitUntil<T>(read: () => T, done: (value: T) => boolean, boundMs: number): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Started {
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves when the pipes have closed: the output is complete (npmStart only). */
  closed?: Promise<void>;
  /** Every process seen in its tree so far (for cleanup). */
  seen: Map<number, Proc>;
  detached: boolean;
}

const started: Started[] = [];
const dataDirs: string[] = [];

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-lifecycle-"));
  dataDirs.push(dir);
  return dir;
}

/** `npm start`, exactly the README's command, in its own process group (for cleanup only). */
function npmStart(dataDir: string): Started {
  const child = spawn("npm", ["start"], {
    cwd: REPO,
    env: {
      ...process.env,
      PORT: "0",
      FIREBREAK_DATA_DIR: dataDir,
      FIREBREAK_SKIP_DASHBOARD_BUILD: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // Every byte the tree wrote has been read once its pipes close (a process seen gone by `ps` may
  // still have its last line in the pipe, delivered after the next timer).
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const run: Started = {
    child,
    dataDir,
    output: () => output,
    exited,
    closed,
    seen: new Map(),
    detached: true,
  };
  started.push(run);
  return run;
}

function snapshot(run: Started): Proc[] {
  const procs = run.child.pid ? tree(run.child.pid) : [];
  for (const p of procs) run.seen.set(p.pid, p);
  return procs;
}

/** Waits for the banner; returns the tree then running (npm, sh, node, esbuild, java, watchdog). */
async function running(run: Started): Promise<Proc[]> {
  let exitCode: number | null | undefined;
  void run.exited.then((code) => {
    exitCode = code;
  });
  await waitUntil(
    () => run.output(),
    (out) => out.includes("Firebreak is running") || exitCode !== undefined,
    START_BOUND_MS,
  );
  expect(run.output()).toContain("Firebreak is running");
  return snapshot(run);
}

/** The runtime's node process (not the `sh -c node …` above it). */
const nodeOf = (procs: Proc[]) =>
  procs.find((p) => /^(\S*\/)?node\s.*packages\/local\/src\/main\.ts/.test(p.args));
const javaOf = (procs: Proc[]) => procs.find((p) => p.args.includes("DynamoDBLocal.jar"));
const watchdogOf = (procs: Proc[]) => procs.find((p) => p.args.includes("dynamo-watchdog.mjs"));

afterEach(() => {
  for (const run of started.splice(0)) {
    snapshot(run); // also whatever started since the last look
    for (const p of stillRunning([...run.seen.values()])) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    run.child.kill("SIGKILL");
    // npm start runs in its own process group: that catches any descendant reparented unseen.
    if (run.detached && run.child.pid) {
      try {
        process.kill(-run.child.pid, "SIGKILL");
      } catch {
        // the group is empty
      }
    }
  }
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("npm start: stopping", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`kill -${signal.slice(3)} <npm pid> stops the whole tree (node, java, watchdog) and cleans the data folder`, async () => {
      const run = npmStart(newDataDir());
      const procs = await running(run);
      expect(nodeOf(procs)).toBeDefined();
      expect(javaOf(procs)).toBeDefined();
      expect(watchdogOf(procs)).toBeDefined();
      expect(existsSync(join(run.dataDir, "runtime.json"))).toBe(true);
      expect(existsSync(join(run.dataDir, LOCK_FILE))).toBe(true);

      process.kill(run.child.pid!, signal);
      const left = await waitUntil(
        () => stillRunning(procs),
        (l) => l.length === 0,
        STOP_BOUND_MS,
      );
      expect(left.map((p) => `${p.pid} ${p.args}`)).toEqual([]);
      // Stopped cleanly (not just killed): the runtime's own files are gone. Read the output once
      // the pipes have closed (bounded: a closed tree closes them at once).
      await Promise.race([run.closed, new Promise((r) => setTimeout(r, 5_000))]);
      expect(run.output()).toContain("Stopped: HTTP server closed, DynamoDB Local shut down.");
      expect(existsSync(join(run.dataDir, "runtime.json"))).toBe(false);
      expect(existsSync(join(run.dataDir, LOCK_FILE))).toBe(false);
    }, 180_000);
  }

  it("Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops cleanly, not forced", async () => {
    const run = npmStart(newDataDir());
    const procs = await running(run);
    expect(javaOf(procs)).toBeDefined();
    // npm, node, java and the watchdog all get it; npm forwards it to node once more.
    process.kill(-run.child.pid!, "SIGINT");
    const left = await waitUntil(
      () => stillRunning(procs),
      (l) => l.length === 0,
      STOP_BOUND_MS,
    );
    expect(left.map((p) => `${p.pid} ${p.args}`)).toEqual([]);
    await Promise.race([run.closed, new Promise((r) => setTimeout(r, 5_000))]);
    expect(run.output()).toContain("Stopped: HTTP server closed, DynamoDB Local shut down.");
    expect(run.output()).not.toContain("again: exiting now");
    // The JVM got the Ctrl-C too: it is not taken for a crash and restarted.
    expect(run.output()).not.toContain("DynamoDB Local stopped unexpectedly");
    expect(existsSync(join(run.dataDir, "runtime.json"))).toBe(false);
    expect(existsSync(join(run.dataDir, LOCK_FILE))).toBe(false);
  }, 180_000);

  it("kill -9 <npm pid>: the runtime notices npm is gone and stops the rest of the tree", async () => {
    const run = npmStart(newDataDir());
    const procs = await running(run);
    expect(javaOf(procs)).toBeDefined();
    process.kill(run.child.pid!, "SIGKILL");
    const left = await waitUntil(
      () => stillRunning(procs),
      (l) => l.length === 0,
      STOP_BOUND_MS,
    );
    expect(left.map((p) => `${p.pid} ${p.args}`)).toEqual([]);
    expect(existsSync(join(run.dataDir, LOCK_FILE))).toBe(false);
  }, 180_000);

  it("kill -9 <node pid>: the watchdog stops DynamoDB Local; the lock stays behind, stale", async () => {
    const run = npmStart(newDataDir());
    const procs = await running(run);
    const node = nodeOf(procs)!;
    const java = javaOf(procs)!;
    const watchdog = watchdogOf(procs)!;
    expect(java).toBeDefined();
    expect(watchdog.args).toContain(String(java.pid));

    process.kill(node.pid, "SIGKILL");
    const left = await waitUntil(
      () => stillRunning([java, watchdog, node]),
      (l) => l.length === 0,
      STOP_BOUND_MS,
    );
    expect(left.map((p) => `${p.pid} ${p.args}`)).toEqual([]);
    const lock = JSON.parse(readFileSync(join(run.dataDir, LOCK_FILE), "utf8")) as LockHolder;
    expect(lock.pid).toBe(node.pid);
  }, 180_000);
});

describe("npm start: one runtime per data folder", () => {
  it("refuses a second runtime on the same folder; the first keeps running and keeps its runtime.json", async () => {
    const dataDir = newDataDir();
    const first = npmStart(dataDir);
    const firstProcs = await running(first);
    const firstNode = nodeOf(firstProcs)!;
    const runtimeJson = readFileSync(join(dataDir, "runtime.json"), "utf8");
    const { url, pid } = JSON.parse(runtimeJson) as { url: string; pid: number };
    expect(pid).toBe(firstNode.pid);

    const second = npmStart(dataDir);
    const code = await Promise.race([
      second.exited,
      new Promise<"timeout">((r) => setTimeout(() => r("timeout"), START_BOUND_MS)),
    ]);
    expect(code).toBe(1);
    expect(second.output()).toContain(`Firebreak is already running on the data folder ${dataDir}`);
    expect(second.output()).toContain(`pid ${firstNode.pid}`);
    expect(second.output()).toContain(url);
    expect(second.output()).not.toContain("Firebreak is running");

    // The first is untouched: same processes, same runtime.json, still serving, its lock intact.
    expect(stillRunning(firstProcs).map((p) => p.pid)).toEqual(firstProcs.map((p) => p.pid));
    expect(readFileSync(join(dataDir, "runtime.json"), "utf8")).toBe(runtimeJson);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8")) as LockHolder;
    expect(lock).toMatchObject({ pid: firstNode.pid, url });

    // The CLI still finds the first runtime through runtime.json (its table, then its URL).
    const cli = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "packages/local/src/cli.ts",
        "token",
        "create",
        "--user",
        "alice",
        "--role",
        "viewer",
      ],
      { cwd: REPO, env: { ...process.env, FIREBREAK_DATA_DIR: dataDir }, encoding: "utf8", timeout: 60_000 },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const token = cli.stdout.trim().split("\n").at(-1)!;
    const incidents = await fetch(`${url}/api/incidents`, { headers: { authorization: `Bearer ${token}` } });
    expect(incidents.status).toBe(200);
  }, 240_000);

  it("takes over a stale lock (its pid is gone) with a notice", async () => {
    const dataDir = newDataDir();
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const deadPid = Number(dead.stdout.trim());
    const stale: LockHolder = {
      pid: deadPid,
      token: "left-by-a-crash",
      hostname: hostname(),
      startedAt: "2026-01-01T00:00:00.000Z",
      processStart: null,
      url: "http://127.0.0.1:1",
    };
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify(stale));
    writeFileSync(join(dataDir, "runtime.json"), JSON.stringify({ url: stale.url, pid: deadPid }));

    const run = npmStart(dataDir);
    const procs = await running(run);
    const node = nodeOf(procs)!;
    expect(run.output()).toContain(
      `Taking over the data folder lock ${join(dataDir, LOCK_FILE)} from pid ${deadPid}`,
    );
    expect(run.output()).toContain(`pid ${deadPid} is gone`);
    const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8")) as LockHolder;
    expect(lock.pid).toBe(node.pid);
    expect(lock.token).not.toBe(stale.token);
    const info = JSON.parse(readFileSync(join(dataDir, "runtime.json"), "utf8")) as {
      pid: number;
      url: string;
    };
    expect(info.pid).toBe(node.pid);
    expect((await fetch(`${info.url}/health`)).status).toBe(200);
  }, 180_000);
});

describe("the data folder lock (in process)", () => {
  /** A live process that is not this one, to hold locks; killed in afterEach via `started`. */
  function holderProcess(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    started.push({
      child,
      dataDir: "",
      output: () => "",
      exited: new Promise((r) => child.once("exit", r)),
      seen: new Map(),
      detached: false,
    });
    return new Promise((resolve, reject) => {
      child.once("spawn", () => resolve(child));
      child.once("error", reject);
    });
  }

  it("is refused while a live process holds it, and the holder's file is left alone", async () => {
    const dataDir = newDataDir();
    const holder = await holderProcess();
    const held: LockHolder = {
      pid: holder.pid!,
      token: "the-holder",
      hostname: hostname(),
      startedAt: "2026-01-01T00:00:00.000Z",
      processStart: processStartId(holder.pid!),
      url: "http://127.0.0.1:3000",
    };
    const file = join(dataDir, LOCK_FILE);
    writeFileSync(file, JSON.stringify(held));
    const error = await acquireDataDirLock(dataDir, () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirInUseError);
    expect((error as Error).message).toContain(`pid ${holder.pid}`);
    expect((error as Error).message).toContain("http://127.0.0.1:3000");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(held);
  });

  it("is taken over when its pid now belongs to another process (start time differs)", async () => {
    const dataDir = newDataDir();
    const holder = await holderProcess();
    const actual = processStartId(holder.pid!);
    expect(actual).not.toBeNull();
    writeFileSync(
      join(dataDir, LOCK_FILE),
      JSON.stringify({
        pid: holder.pid,
        token: "old",
        hostname: hostname(),
        startedAt: "2026-01-01T00:00:00.000Z",
        processStart: `${actual}-earlier`,
      }),
    );
    const notices: string[] = [];
    const lock = await acquireDataDirLock(dataDir, (line) => notices.push(line));
    expect(notices.join("\n")).toContain(`pid ${holder.pid} is now another process`);
    expect(JSON.parse(readFileSync(lock.file, "utf8"))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it("is removed on release only by its owner", async () => {
    const dataDir = newDataDir();
    const lock = await acquireDataDirLock(dataDir, () => undefined);
    lock.setUrl("http://127.0.0.1:4000");
    expect(JSON.parse(readFileSync(lock.file, "utf8"))).toMatchObject({
      pid: process.pid,
      url: "http://127.0.0.1:4000",
    });
    // Someone else's lock now (taken over after this one was judged stale): release leaves it.
    const other = { ...lock.holder, token: "someone-else" };
    writeFileSync(lock.file, JSON.stringify(other));
    lock.release();
    expect(JSON.parse(readFileSync(lock.file, "utf8"))).toEqual(other);
  });

  it("lets exactly one of several simultaneous starts take a stale lock", async () => {
    const dataDir = newDataDir();
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    writeFileSync(
      join(dataDir, LOCK_FILE),
      JSON.stringify({
        pid: Number(dead.stdout.trim()),
        token: "t",
        hostname: hostname(),
        processStart: null,
      }),
    );
    // Separate processes (a lock holder with this process's pid would count as stale here). Each
    // loads the module, says "ready", then spins until the go file appears, so all three read the
    // stale lock within a few milliseconds of each other.
    const go = join(dataDir, "go");
    const script = `
      import { existsSync } from "node:fs";
      import { acquireDataDirLock } from ${JSON.stringify(join(REPO, "packages/local/src/data-lock.ts"))};
      console.log("ready");
      while (!existsSync(process.argv[2])) await new Promise((r) => setTimeout(r, 2));
      try { await acquireDataDirLock(process.argv[1], () => undefined); console.log("acquired"); setTimeout(() => {}, 3000); }
      catch (e) { console.log(e.name); }`;
    const racers = [0, 1, 2].map(() => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", script, dataDir, go],
        {
          cwd: REPO,
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      started.push({
        child,
        dataDir,
        output: () => "",
        exited: new Promise((r) => child.once("exit", r)),
        seen: new Map(),
        detached: false,
      });
      let out = "";
      const lines = () => out.split("\n").filter(Boolean);
      child.stdout.on("data", (d) => {
        out += d;
      });
      const ready = waitUntil(lines, (l) => l.length >= 1, 30_000);
      const result = waitUntil(lines, (l) => l.length >= 2, 40_000).then((l) => l[1] ?? "no answer");
      return { ready, result };
    });
    expect(await Promise.all(racers.map((r) => r.ready))).toEqual([["ready"], ["ready"], ["ready"]]);
    writeFileSync(go, "");
    const results = (await Promise.all(racers.map((r) => r.result))).sort();
    expect(results).toEqual(["DataDirInUseError", "DataDirInUseError", "acquired"]);
  }, 60_000);
});
