/**
 * `npm run bench`: starts its own in-memory DynamoDB Local, runs the bench modules in order,
 * prints progress on stderr, a table of figures and targets on stdout, and, as the LAST line of
 * stdout, one JSON object with every module's figures. New figures: add a module to MODULES.
 *
 * Exit code: 0 when every correctness target holds (performance targets are reported, never
 * enforced); 1 when one does not (e.g. duplicate incidents or lost transitions); 2 on a crash.
 */
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { createTableInput } from "@firebreak/core/storage/table";
import { type DynamoLocal, startDynamoLocal } from "../src/dynamo-local";
import type { BenchContext, BenchModule, Target } from "./harness";
import { ingestLatency } from "./ingest";
import { round } from "./stats";
import { storm } from "./storm";

// The SDK reads this when a client is constructed; no client exists before this line runs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const MODULES: BenchModule[] = [ingestLatency, storm];

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

async function main(): Promise<number> {
  const rss = sampleRss(50);
  let dynamo: DynamoLocal | undefined;
  let stopping = false;
  const stopDynamo = async () => {
    if (stopping || !dynamo) return;
    stopping = true;
    log("stopping DynamoDB Local");
    await dynamo.stop();
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void stopDynamo().finally(() => process.exit(130));
    });
  }

  try {
    log("starting DynamoDB Local (in memory)");
    dynamo = await startDynamoLocal();
    log(`DynamoDB Local ready on ${dynamo.endpoint}`);
    const admin = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: "local",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    let tables = 0;
    const ctx: BenchContext = {
      endpoint: dynamo.endpoint,
      log,
      async createTable(prefix) {
        const name = `${prefix}-${Date.now().toString(36)}-${++tables}`;
        await admin.send(new CreateTableCommand(createTableInput(name)));
        await waitUntilTableExists({ client: admin, maxWaitTime: 30 }, { TableName: name });
        log(`created table ${name}`);
        return name;
      },
    };

    const figures: Record<string, number> = {};
    const targets: Target[] = [];
    for (const module of MODULES) {
      log(`── ${module.name}`);
      const moduleStarted = performance.now();
      Object.assign(figures, await module.run(ctx));
      targets.push(...module.targets);
      log(`── ${module.name}: done in ${((performance.now() - moduleStarted) / 1000).toFixed(1)} s`);
    }
    admin.destroy();
    await stopDynamo();

    rss.stop();
    figures.rss_mb_peak = round(rss.peakMb(), 1);
    figures.bench_runtime_s = round((performance.now() - began) / 1000, 1);
    const correct = printTable(figures, targets);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return correct ? 0 : 1;
  } catch (error) {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await stopDynamo().catch(() => {});
    return 2;
  } finally {
    rss.stop();
  }
}

process.exitCode = await main();
