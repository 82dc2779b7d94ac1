/**
 * `npm run bench`: runs the bench modules in order, each against its own in-memory DynamoDB Local,
 * prints progress on stderr, a table of figures and targets on stdout, and, as the LAST line of
 * stdout, one JSON object with every module's figures. New figures: add a module to MODULES.
 *
 * Exit code: 0 when every correctness target holds (performance targets are reported, never
 * enforced); 1 when one does not (e.g. duplicate incidents or lost transitions); 2 on a crash.
 */
import { cpus, loadavg } from "node:os";
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { createTableInput } from "@firebreak/core/adapters/dynamodb/table";
import { type DynamoLocal, startDynamoLocal } from "../src/dynamo-local";
import { alertmanagerGroup } from "./alertmanager";
import { bundles } from "./bundles";
import { BENCH_SCALE, type BenchContext, type BenchModule, type Target } from "./harness";
import { ingestLatency } from "./ingest";
import { listOpen } from "./list";
import { pagingLatency } from "./paging";
import { postmortemGeneration } from "./postmortem";
import { dynamoRecovery } from "./recovery";
import { slackAck } from "./slack";
import { round } from "./stats";
import { storm } from "./storm";
import { stormPaging } from "./storm-paging";
import { webBundle } from "./web";

// The SDK reads this when a client is constructed; no client exists before this line runs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
// The handlers' Powertools logs (modules that run the local runtime) would bury the figures on
// stdout; warnings and errors still show.
process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";

const ALL_MODULES: BenchModule[] = [
  ingestLatency,
  storm,
  stormPaging,
  alertmanagerGroup,
  pagingLatency,
  postmortemGeneration,
  listOpen,
  slackAck,
  webBundle,
  bundles,
  dynamoRecovery,
];
/** FIREBREAK_BENCH_ONLY=storm runs only the modules whose name contains one of the words. */
const only = (process.env.FIREBREAK_BENCH_ONLY ?? "").split(",").filter(Boolean);
const MODULES = only.length ? ALL_MODULES.filter((m) => only.some((w) => m.name.includes(w))) : ALL_MODULES;

const began = performance.now();
const log = (message: string) => {
  process.stderr.write(
    `[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(6)}s] ${message}\n`,
  );
};

/** Peak resident set size of this Node process (DynamoDB Local's JVM is another process). */
function sampleRss(intervalMs: number) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  timer.unref();
  return {
    /** MB: the larger of the sampled peak and the kernel's maxRSS (KiB on Linux). */
    peakMb: () => {
      peak = Math.max(peak, process.memoryUsage().rss);
      return Math.max(peak / (1024 * 1024), process.resourceUsage().maxRSS / 1024);
    },
    stop: () => clearInterval(timer),
  };
}

function meets(value: number, target: Target): boolean {
  if (target.op === "<=") return value <= target.value;
  if (target.op === ">=") return value >= target.value;
  return value === target.value;
}

function printTable(figures: Record<string, number>, targets: Target[]): boolean {
  const byFigure = new Map(targets.map((t) => [t.figure, t]));
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  const symbol = { "<=": "≤", ">=": "≥", "=": "=" } as const;
  let correct = true;
  const lines = ["", `${"figure".padEnd(width)}  ${"value".padStart(12)}  target`];
  for (const [figure, value] of Object.entries(figures)) {
    const target = byFigure.get(figure);
    let status = "";
    if (target) {
      const ok = meets(value, target);
      if (!ok && target.correctness) correct = false;
      status = `${symbol[target.op]} ${target.value}  ${ok ? "✓" : "✗"}${target.correctness ? " (correctness)" : ""}`;
    }
    lines.push(`${figure.padEnd(width)}  ${String(value).padStart(12)}  ${status}`);
  }
  for (const target of targets) {
    if (!(target.figure in figures)) {
      lines.push(`${target.figure.padEnd(width)}  ${"missing".padStart(12)}  ✗`);
      if (target.correctness) correct = false;
    }
  }
  process.stdout.write(`${lines.join("\n")}\n\n`);
  return correct;
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

async function main(): Promise<number> {
  const rss = sampleRss(50);
  // The DynamoDB Local of the module running now (each module gets its own, see below).
  let current: Promise<DynamoLocal> | undefined;
  let interrupted: Promise<void> | undefined;
  const stopCurrent = async () => {
    const dynamo = await current?.catch(() => undefined);
    current = undefined;
    if (!dynamo) return;
    log("stopping DynamoDB Local");
    await dynamo.stop();
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      // Also when the JVM is still starting: wait for it, then stop it.
      interrupted ??= stopCurrent();
      void interrupted.finally(() => process.exit(130));
    });
  }

  try {
    if (BENCH_SCALE !== 1) log(`FIREBREAK_BENCH_SCALE=${BENCH_SCALE}: counts scaled, figures not comparable`);
    log(`${cpus().length} CPUs, load average ${load()} (other processes on this machine skew every figure)`);
    const figures: Record<string, number> = {};
    const targets: Target[] = [];
    for (const module of MODULES) {
      log(`── ${module.name}`);
      const moduleStarted = performance.now();
      // A fresh in-memory DynamoDB Local per module: Local's stream-enabled tables leave state
      // that slows every later request in the same JVM (after the 2,000 sequential ingests,
      // 16-way ingest ran ~10× slower than in a fresh JVM), so one module must not tax the next.
      log("starting DynamoDB Local (in memory)");
      current = startDynamoLocal();
      const dynamo = await current;
      if (interrupted) return await interrupted.then(() => 130);
      log(`DynamoDB Local ready on ${dynamo.endpoint}`);
      const admin = new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: "local",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      });
      const ctx: BenchContext = {
        endpoint: dynamo.endpoint,
        log,
        async createTable(prefix) {
          const name = `${prefix}-${Date.now().toString(36)}`;
          await admin.send(new CreateTableCommand(createTableInput(name)));
          await waitUntilTableExists({ client: admin, maxWaitTime: 30 }, { TableName: name });
          log(`created table ${name}`);
          return name;
        },
      };
      try {
        Object.assign(figures, await module.run(ctx));
      } finally {
        admin.destroy();
        await stopCurrent();
      }
      targets.push(...module.targets);
      log(
        `── ${module.name}: done in ${((performance.now() - moduleStarted) / 1000).toFixed(1)} s (load average ${load()})`,
      );
    }

    rss.stop();
    figures.rss_mb_peak = round(rss.peakMb(), 1);
    figures.bench_runtime_s = round((performance.now() - began) / 1000, 1);
    if (BENCH_SCALE !== 1) figures.bench_scale = BENCH_SCALE;
    const correct = printTable(figures, targets);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return correct ? 0 : 1;
  } catch (error) {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await stopCurrent().catch(() => {});
    return 2;
  } finally {
    rss.stop();
  }
}

process.exitCode = await main();
// Every module closes what it opened, so the process ends here. If something is still open (a
// server, a socket, a child process), say what instead of hanging silently; the timer itself does
// not keep the process alive.
setTimeout(() => {
  const open = process.getActiveResourcesInfo().filter((r) => r !== "Timeout");
  log(`still running 5 s after the last figure; open: ${open.join(", ") || "timers only"}`);
}, 5_000).unref();
