/**
 * Postmortem draft generation (issue 6): `generatePostmortem` (Markdown, metadata, ajv schema
 * validation, blameless lint) over incidents with 10, 1,000 and 10,000 extra timeline entries.
 *
 * Each size runs in its own child process (postmortem-child.ts, `node --import tsx`), one after
 * another, so that the memory figure is that generation's: the child warms up on a small incident,
 * builds the large timeline, runs the generation several times and reports the median time and the
 * kernel's peak RSS of the process (maxRSS). The peak therefore includes Node, the tsx loader and
 * the loaded modules (`pm_rss_mb_baseline`, measured in the same child before the first run);
 * `pm_rss_mb_peak` is the whole process, the honest upper bound a Lambda would see.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { BenchContext, BenchModule } from "./harness";
import { round } from "./stats";

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL("./postmortem-child.ts", import.meta.url));
const SIZES = [
  { entries: 10, runs: 15, key: "10" },
  { entries: 1_000, runs: 9, key: "1k" },
  { entries: 10_000, runs: 5, key: "10k" },
] as const;

interface ChildResult {
  entries: number;
  runs: number;
  medianMs: number;
  timesMs: number[];
  rssBeforeMb: number;
  rssPeakMb: number;
  markdownBytes: number;
}

async function measure(entries: number, runs: number): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", CHILD, String(entries), String(runs)], {
    timeout: 600_000,
    maxBuffer: 1024 * 1024,
  });
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as ChildResult;
}

export const postmortemGeneration: BenchModule = {
  name: "postmortem generation",
  targets: [
    { figure: "pm_linearity_ratio", op: "<=", value: 12, correctness: false },
    { figure: "pm_rss_mb_peak", op: "<=", value: 200, correctness: false },
  ],
  async run(ctx: BenchContext) {
    const figures: Record<string, number> = {};
    let peak = 0;
    let baseline = 0;
    for (const size of SIZES) {
      ctx.log(`postmortem: ${size.entries} extra timeline entries, ${size.runs} runs in a fresh process`);
      const result = await measure(size.entries, size.runs);
      ctx.log(
        `  ${result.entries} entries: median ${result.medianMs.toFixed(1)} ms (runs ${result.timesMs.map((t) => t.toFixed(0)).join(", ")} ms), ` +
          `${(result.markdownBytes / 1024).toFixed(0)} KB of Markdown, RSS ${result.rssBeforeMb.toFixed(0)} MB before → peak ${result.rssPeakMb.toFixed(0)} MB`,
      );
      figures[`pm_ms_${size.key}`] = round(result.medianMs, 2);
      peak = Math.max(peak, result.rssPeakMb);
      baseline = Math.max(baseline, result.rssBeforeMb);
    }
    figures.pm_linearity_ratio = round(figures.pm_ms_10k! / figures.pm_ms_1k!, 2);
    figures.pm_rss_mb_peak = round(peak, 1);
    figures.pm_rss_mb_baseline = round(baseline, 1);
    return figures;
  },
};
