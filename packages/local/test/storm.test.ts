/**
 * Storms through the local runtime's real path (POST /events → ingest → table stream → outbox →
 * pager → fake SNS), with a seeded order, so every run is the same run:
 *
 * - duplicates and reordering: each alarm's ALARM is delivered three times (twice with one
 *   EventBridge id, once more under another id: the same transition through another channel), and
 *   its later OK once, all shuffled. Every stored incident is paged exactly once: one SMS to its
 *   level-1 on-call, and each of its page records handed to its channel once.
 * - kill -9 mid-storm: a runtime in a child process is killed while the storm is being sent and
 *   dispatched; a restart on the same data folder and table, and the senders' retries, leave every
 *   stored incident paged.
 *
 * "Paged exactly once" is about the pages Firebreak plans for an incident at declaration (no
 * escalation happens: the clock is pinned, so no acknowledgement deadline passes).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Clock } from "@firebreak/core/shared/clock";
import { testClock } from "@firebreak/testkit/clock";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { auditPaging, pagingStorm, sendStorm, smsPagesFor, storedIncidents } from "../bench/storm-paging";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";

const clock = testClock();
const dirs: string[] = [];
const started: LocalRuntime[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(started.map((r) => r.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("alarm storms", () => {
  it("duplicates and reordering: one incident per alarm, each paged exactly once", async () => {
    const runtime = await startLocalRuntime({
      port: 0,
      dataDir: null,
      webDir: null,
      tableName: `storm-${process.pid}-${Date.now()}`,
      dynamoEndpoint: inject("dynamoEndpoint"),
      clock,
    });
    started.push(runtime);
    const ALARMS = 40;
    const { accepted, failed } = await sendStorm(
      runtime.url,
      runtime.eventsToken,
      pagingStorm("storm", ALARMS, 0x5eed, clock.now()),
      8,
    );
    expect(failed).toEqual([]);
    expect(accepted.size).toBe(ALARMS);

    await vi.waitFor(
      async () => {
        const incidents = await storedIncidents(runtime);
        expect(incidents).toHaveLength(ALARMS);
        for (const incident of incidents)
          expect(smsPagesFor(runtime, incident.number).length).toBeGreaterThan(0);
      },
      { timeout: 60_000, interval: 250 },
    );
    await runtime.bus.drain();
    const audit = await auditPaging(runtime);
    expect(new Set(audit.incidents.map((i) => i.alarm?.name)).size).toBe(ALARMS);
    expect(audit.problems).toEqual([]);
    expect(audit.pagedExactlyOnce).toHaveLength(ALARMS);
  }, 120_000);

  it("kill -9 mid-storm, then a restart: every stored incident is paged", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "firebreak-storm-kill-"));
    dirs.push(dataDir);
    const tableName = `storm-kill-${process.pid}-${Date.now()}`;
    const endpoint = inject("dynamoEndpoint");
    const deliveries = pagingStorm("kill", 30, 0xdead, clock.now());

    // The first runtime, in a child process.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        fileURLToPath(new URL("./support/runtime-child.ts", import.meta.url)),
        dataDir,
        tableName,
        endpoint,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    let output = "";
    child.stdout!.on("data", (d) => {
      output += d;
    });
    child.stderr!.on("data", (d) => {
      output += d;
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once("exit", (_, signal) => resolve(signal)),
    );
    await vi.waitFor(() => expect(output).toMatch(/^READY /m), { timeout: 60_000, interval: 50 });
    const [, url, token] = /^READY (\S+) (\S+)$/m.exec(output)!;

    // Kill it once a third of the storm was accepted: ingests, dispatches and pages are in flight.
    const first = await sendStorm(url!, token!, deliveries, 6, (count) => {
      if (count === 40) child.kill("SIGKILL");
    });
    expect(await exited).toBe("SIGKILL");
    expect(first.failed.length).toBeGreaterThan(0);

    // The restart, on the same data folder (its stream checkpoint) and table; the senders retry
    // what was not accepted.
    // It comes back a few minutes later (the pinned clock, 3 minutes on): a page the killed
    // process had claimed but not sent is then stale, and the sweeper sends it (paging/service.ts,
    // staleAfterMs). The sweep runs every 200 ms here instead of every minute.
    const later: Clock = { now: () => new Date(clock.now().getTime() + 3 * 60_000) };
    const second = await startLocalRuntime({
      port: 0,
      dataDir,
      webDir: null,
      tableName,
      dynamoEndpoint: endpoint,
      clock: later,
      sweepIntervalMs: 200,
    });
    started.push(second);
    // As EventBridge does: what is refused with 503 ("send it again", Retry-After: 1) is sent again,
    // a few rounds at most; under load a restarted runtime may refuse a conflicting write once.
    let pending = first.failed;
    for (let round = 0; round < 5 && pending.length > 0; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, 1000));
      pending = (await sendStorm(second.url, second.eventsToken, pending, 6)).failed;
    }
    expect(pending).toEqual([]);

    const pagedByChild = new Set([...output.matchAll(/^PAGED INC-(\d+)$/gm)].map((m) => Number(m[1])));
    const paged = (number: number) => pagedByChild.has(number) || smsPagesFor(second, number).length > 0;
    await vi.waitFor(
      async () => {
        const incidents = await storedIncidents(second);
        expect(new Set(incidents.map((i) => i.alarm?.name)).size).toBe(30);
        expect(incidents.filter((i) => !paged(i.number)).map((i) => `INC-${i.number}`)).toEqual([]);
      },
      { timeout: 60_000, interval: 250 },
    );
    // One incident per alarm, whichever process opened it.
    expect(await storedIncidents(second)).toHaveLength(30);
  }, 180_000);
});
