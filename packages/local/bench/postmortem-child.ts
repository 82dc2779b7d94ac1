/**
 * One postmortem-generation measurement in a fresh process (spawned by bench/postmortem.ts), so
 * its memory figure is this generation's alone: `node --import tsx postmortem-child.ts <entries> <runs>`.
 * Prints one JSON line: the median and each run's time of `generatePostmortem` (Markdown, metadata,
 * schema validation, blameless lint) over an incident with `<entries>` extra timeline entries, the
 * RSS before the first run and the process's peak RSS (kernel maxRSS) after the runs.
 */
import { generatePostmortem } from "@firebreak/core/postmortem/generate";
import { largeTimeline } from "@firebreak/core/postmortem/test-support";

const entries = Number(process.argv[2]);
const runs = Number(process.argv[3] ?? 5);
if (!Number.isInteger(entries) || entries < 0 || !Number.isInteger(runs) || runs < 1) {
  console.error("usage: postmortem-child.ts <entries> <runs>");
  process.exit(2);
}
const now = new Date("2026-03-14T12:00:00.000Z");
const mb = (bytes: number) => bytes / (1024 * 1024);

// Warm-up on a small incident: loads and compiles the schema validator and the linter, and lets
// the JIT see the code, so the runs measure generation, not start-up.
for (let i = 0; i < 5; i++) generatePostmortem({ ...largeTimeline(10), timezone: "Europe/London", now });

const input = largeTimeline(entries);
globalThis.gc?.();
const rssBeforeMb = mb(process.memoryUsage().rss);
const times: number[] = [];
let markdownBytes = 0;
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const out = generatePostmortem({ ...input, timezone: "Europe/London", now });
  times.push(performance.now() - started);
  markdownBytes = out.markdown.length;
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
process.stdout.write(
  `${JSON.stringify({
    entries: input.timeline.length,
    runs,
    medianMs: median,
    timesMs: times,
    rssBeforeMb,
    rssPeakMb: process.resourceUsage().maxRSS / 1024,
    markdownBytes,
  })}\n`,
);
