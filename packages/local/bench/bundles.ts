/**
 * Bundle sizes and cold-start module init of every Lambda handler, bundled the way `sst deploy`
 * bundles a Node.js function (SST 4's Go runtime, pkg/runtime/node/build.go, with the component's
 * defaults: `format: "esm"`, `minify: true`, `sourcemap: false`): esbuild with platform node, ESM,
 * target esnext, main fields module → main, keepNames, whitespace/syntax/identifier minification,
 * no source map, only `sharp` and `pg-native` external (the AWS SDK is bundled, not taken from the
 * runtime), SST's banner that defines `require`, `__filename` and `__dirname`, and the esbuild
 * plugins infra/defaults.ts gives every function (`nodejs.plugins`: infra/esbuild-plugins.mjs,
 * imported here from the same file).
 *
 * Entries: every top-level file of packages/functions/src that exports `handler` (the files infra/
 * points functions at), so a new handler is measured without touching this module.
 *
 * Figures:
 * - `bundle_kb_max`: the largest minified bundle except the Slack ones (target ≤ 500 KB);
 * - `bundle_kb_slack`: the largest Slack bundle (`slack*.ts`, Bolt + Web API; target ≤ 1500 KB);
 * - `init_ms_max`: the slowest module init: a fresh `node` process times `await import(bundle)`,
 *   median of ROUNDS, minus the median import of an empty module (`init_ms_empty`), interleaved
 *   round by round in the same run. Measured on this machine's Node, not Lambda's.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import * as esbuild from "esbuild";
import lambdaPlugins from "../../../infra/esbuild-plugins.mjs";
import type { BenchContext, BenchModule } from "./harness";
import { round } from "./stats";

const run = promisify(execFile);
const FUNCTIONS_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../functions/src");
const ROUNDS = 7;

/** SST's esbuild options for a Node.js function (see the module comment). */
export function sstBuildOptions(entry: string, outfile: string): esbuild.BuildOptions {
  return {
    entryPoints: [entry],
    platform: "node",
    external: ["sharp", "pg-native"],
    keepNames: true,
    bundle: true,
    metafile: true,
    outfile,
    sourcemap: false,
    write: true,
    format: "esm",
    target: "esnext",
    mainFields: ["module", "main"],
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        "const require = topLevelCreateRequire(import.meta.url);",
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        "const __filename = topLevelFileUrlToPath(import.meta.url)",
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
        "",
      ].join("\n"),
    },
    plugins: lambdaPlugins,
    logLevel: "silent",
  };
}

export interface BundleReport {
  name: string;
  kb: number;
  file: string;
  /** The largest inputs, for trimming. */
  top: { input: string; kb: number }[];
}

/** Bundles every handler entry into `outDir`; entries that do not export `handler` are skipped. */
export async function bundleHandlers(outDir: string): Promise<BundleReport[]> {
  const entries = (await readdir(FUNCTIONS_SRC))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts"))
    .sort();
  const reports: BundleReport[] = [];
  for (const entry of entries) {
    const name = entry.replace(/\.ts$/, "");
    const file = path.join(outDir, `${name}.mjs`);
    const result = await esbuild.build(sstBuildOptions(path.join(FUNCTIONS_SRC, entry), file));
    const output = Object.values(result.metafile?.outputs ?? {})[0];
    if (!output?.exports.includes("handler")) continue;
    const top = Object.entries(output.inputs)
      .map(([input, { bytesInOutput }]) => ({ input, kb: round(bytesInOutput / 1024, 1) }))
      .sort((a, b) => b.kb - a.kb)
      .slice(0, 5);
    reports.push({ name, kb: round((await stat(file)).size / 1024, 1), file, top });
  }
  return reports;
}

/** Milliseconds a fresh Node process spends in `await import(file)`. */
async function importMs(file: string): Promise<number> {
  const script = [
    "const started = performance.now();",
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
    "process.stdout.write(String(performance.now() - started));",
  ].join("\n");
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    cwd: path.dirname(file),
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    timeout: 60_000,
  });
  return Number(stdout);
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export const bundles: BenchModule = {
  name: "bundles and cold start",
  targets: [
    { figure: "bundle_kb_max", op: "<=", value: 500, correctness: false },
    { figure: "bundle_kb_slack", op: "<=", value: 1500, correctness: false },
  ],
  async run(ctx: BenchContext) {
    const outDir = await mkdtemp(path.join(tmpdir(), "firebreak-bundles-"));
    try {
      const reports = await bundleHandlers(outDir);
      if (reports.length === 0) throw new Error(`no handler entries in ${FUNCTIONS_SRC}`);
      for (const r of reports) {
        ctx.log(
          `${r.name}: ${r.kb} KB (largest inputs: ${r.top.map((t) => `${t.input} ${t.kb}`).join(", ")})`,
        );
      }
      const empty = path.join(outDir, "empty.mjs");
      await writeFile(empty, "");
      const samples = new Map<string, number[]>([["empty", []]]);
      for (const r of reports) samples.set(r.name, []);
      for (let i = 0; i < ROUNDS; i++) {
        samples.get("empty")?.push(await importMs(empty));
        for (const r of reports) samples.get(r.name)?.push(await importMs(r.file));
      }
      const emptyMs = median(samples.get("empty") ?? []);
      const initMs = reports.map((r) => ({ name: r.name, ms: median(samples.get(r.name) ?? []) - emptyMs }));
      for (const { name, ms } of initMs) ctx.log(`${name}: init ${round(ms, 1)} ms over an empty module`);
      const isSlack = (name: string) => name.startsWith("slack");
      const kb = (names: BundleReport[]) => Math.max(0, ...names.map((r) => r.kb));
      return {
        bundle_kb_max: kb(reports.filter((r) => !isSlack(r.name))),
        bundle_kb_slack: kb(reports.filter((r) => isSlack(r.name))),
        init_ms_max: round(Math.max(...initMs.map((i) => i.ms)), 1),
        init_ms_empty: round(emptyMs, 1),
        bundles_measured: reports.length,
      };
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  },
};
