import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

/**
 * One runtime per data folder. Two runtimes on one folder would run two JVMs on one database file,
 * and each would treat `runtime.json` as its own. The lock file `runtime.lock` in the data folder
 * names its holder; it is created with O_EXCL (`wx`), so of two starts exactly one creates it. A
 * lock whose holder is gone (its pid is dead, or now belongs to another process) is stale: the next
 * start takes it over and says so. Only the holder removes it (it checks the token inside first).
 */
export const LOCK_FILE = "runtime.lock";

export interface LockHolder {
  pid: number;
  /** Unique per start: tells the holder's lock from a later one with the same pid. */
  token: string;
  hostname: string;
  /** When the holder started (ISO), for people. */
  startedAt: string;
  /** The holder process's start time as the OS reports it (see processStartId), or null. */
  processStart: string | null;
  /** Where the holder serves, once it does. */
  url?: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly holder: LockHolder,
  ) {
    const where = holder.url ? `, serving ${holder.url}` : "";
    const host = holder.hostname === hostname() ? "" : ` on host ${holder.hostname}`;
    super(
      [
        `Firebreak is already running on the data folder ${dataDir}: pid ${holder.pid}${host}, started ${holder.startedAt}${where}.`,
        `Stop it first (Ctrl-C in its terminal, or kill ${holder.pid}), or give this one another folder: FIREBREAK_DATA_DIR=.firebreak-2 npm start`,
        `(If no such runtime runs, remove the lock: rm ${lockFile})`,
      ].join("\n"),
    );
    this.name = "DataDirInUseError";
  }
}

export interface DataDirLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Records where this runtime serves (atomically replaces the lock's content). */
  setUrl(url: string): void;
  /** Removes the lock if it is still this process's. Safe to call twice, and from an exit handler. */
  release(): void;
}

/**
 * The start time of process `pid` as an opaque string, to tell a pid from the same pid reused: on
 * Linux the boot id and the start time in clock ticks (/proc, no process spawned); elsewhere `ps -o
 * lstart=` (one short-lived process, only when a lock is found or taken); null when unknown.
 */
export function processStartId(pid: number): string | null {
  if (process.platform === "linux") {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command (which may contain spaces and parentheses); starttime is field 22.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
      return `${bootId}:${fields[19]}`;
    } catch {
      return null;
    }
  }
  if (process.platform === "win32") return null;
  const ps = spawnSync("ps", ["-o", "lstart=", "-p", String(pid)], { encoding: "utf8", timeout: 2000 });
  const out = ps.status === 0 ? ps.stdout.trim() : "";
  return out || null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Why the lock's holder no longer holds it, or null when it (as far as this host can tell) does. */
export function staleReason(holder: LockHolder): string | null {
  // Another host's pid means nothing here (a data folder on a shared drive): assume it runs.
  if (holder.hostname !== hostname()) return null;
  if (holder.pid === process.pid) return `pid ${holder.pid} is this process (a previous run's lock)`;
  if (!isAlive(holder.pid)) return `pid ${holder.pid} is gone`;
  if (holder.processStart) {
    const now = processStartId(holder.pid);
    if (now && now !== holder.processStart) return `pid ${holder.pid} is now another process`;
  }
  return null;
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== "number" || typeof value.token !== "string") return null;
    return {
      pid: value.pid,
      token: value.token,
      hostname: typeof value.hostname === "string" ? value.hostname : hostname(),
      startedAt: typeof value.startedAt === "string" ? value.startedAt : "at an unknown time",
      processStart: typeof value.processStart === "string" ? value.processStart : null,
      ...(typeof value.url === "string" ? { url: value.url } : {}),
    };
  } catch {
    return null;
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Creates `file` only if it does not exist (O_EXCL); false when it does. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A lock file that cannot be parsed younger than this is being written; older, it is stale. */
const UNREADABLE_GRACE_MS = 2000;
/** A takeover mutex older than this was left by a start that died while taking over. */
const TAKEOVER_GRACE_MS = 5000;

/**
 * Takes the data folder's lock, or throws DataDirInUseError naming the runtime that holds it. A
 * stale lock is taken over (with a notice through `notice`); two starts taking over the same stale
 * lock at once are serialised by a second O_EXCL file, so exactly one of them wins.
 */
export async function acquireDataDirLock(
  dataDir: string,
  notice: (line: string) => void = console.warn,
): Promise<DataDirLock> {
  const file = join(dataDir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    token: randomUUID(),
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    processStart: processStartId(process.pid),
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`Could not take the lock ${file} (it keeps changing)`);
    if (createExclusive(file, JSON.stringify(holder))) break;
    const text = readText(file);
    if (text === null) continue; // released between our create and our read: try again
    const current = parseHolder(text);
    let reason: string | null;
    if (current) {
      reason = staleReason(current);
      if (reason === null) throw new DataDirInUseError(dataDir, file, current);
    } else {
      // Being written right now by a start that just created it, or left half-written by a crash.
      const age = Date.now() - statSync(file, { throwIfNoEntry: false })!.mtimeMs;
      if (!(age > UNREADABLE_GRACE_MS)) {
        await sleep(100);
        continue;
      }
      reason = "the lock file is unreadable";
    }
    // Take over: under the mutex, remove the lock only if it is still the stale one we read.
    const mutex = `${file}.takeover`;
    if (!createExclusive(mutex, String(process.pid))) {
      const mutexAge = Date.now() - (statSync(mutex, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (mutexAge > TAKEOVER_GRACE_MS) rmSync(mutex, { force: true });
      await sleep(100);
      continue;
    }
    try {
      if (readText(file) === text) {
        rmSync(file, { force: true });
        notice(
          `Taking over the data folder lock ${file}${current ? ` from pid ${current.pid}` : ""}: ${reason} (it did not stop cleanly).`,
        );
      }
    } finally {
      rmSync(mutex, { force: true });
    }
  }

  const owned = () => parseHolder(readText(file) ?? "")?.token === holder.token;
  return {
    file,
    holder,
    setUrl(url) {
      if (!owned()) return;
      holder.url = url;
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(holder));
      renameSync(temp, file); // atomic: a reader sees the old content or the new, never half
    },
    release() {
      try {
        if (owned()) rmSync(file, { force: true });
      } catch {
        // the folder is gone or unreadable: nothing of ours is left to remove
      }
    },
  };
}
