/**
 * web_js_gz_kb: the JavaScript a browser downloads to show the dashboard's first screen — every
 * script and modulepreload that dist/index.html names, gzipped (level 9, as Vite reports it).
 * Lazy chunks (the postmortem's Markdown renderer, the metrics charts) are reported apart.
 * Baseline, built in the same run by the same Vite: an app whose entry sets one text node, i.e.
 * what Vite itself adds to any page (its module-preload polyfill).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildDashboard } from "../src/web-build";
import type { BenchModule } from "./harness";
import { round } from "./stats";

const gzKb = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length / 1024;

/** The local JS files index.html loads up front: module scripts, classic scripts, modulepreloads. */
export function firstLoadScripts(html: string): string[] {
  const refs = new Set<string>();
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) refs.add(match[1]!);
  for (const match of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g))
    refs.add(match[1]!);
  return [...refs].filter((ref) => !/^[a-z]+:\/\//i.test(ref)).map((ref) => ref.replace(/^\//, ""));
}

function measure(dist: string): { firstKb: number; allKb: number } {
  const first = firstLoadScripts(readFileSync(join(dist, "index.html"), "utf8"));
  const firstKb = first.reduce((sum, file) => sum + gzKb(join(dist, file)), 0);
  const assets = join(dist, "assets");
  const allKb = readdirSync(assets)
    .filter((f) => f.endsWith(".js"))
    .reduce((sum, f) => sum + gzKb(join(assets, f)), 0);
  const classic = first.filter((f) => !f.startsWith("assets/"));
  return { firstKb, allKb: allKb + classic.reduce((sum, f) => sum + gzKb(join(dist, f)), 0) };
}

export const webBundle: BenchModule = {
  name: "web bundle",
  targets: [{ figure: "web_js_gz_kb", op: "<=", value: 60, correctness: false }],
  async run(ctx) {
    const work = mkdtempSync(join(tmpdir(), "firebreak-bench-web-"));
    try {
      ctx.log("building the dashboard with Vite");
      const dist = join(work, "dashboard");
      await buildDashboard({ outDir: dist });
      const app = measure(dist);

      ctx.log("building the baseline: a one-line app with the same Vite");
      const empty = join(work, "empty");
      mkdirSync(empty);
      writeFileSync(
        join(empty, "index.html"),
        '<!doctype html><div id="app"></div><script type="module" src="/main.js"></script>',
      );
      writeFileSync(join(empty, "main.js"), 'document.getElementById("app").textContent = "Hello";\n');
      const { build } = await import("vite");
      await build({
        root: empty,
        configFile: false,
        logLevel: "warn",
        build: { outDir: join(empty, "dist"), emptyOutDir: true },
      });
      const baseline = measure(join(empty, "dist"));
      return {
        web_js_gz_kb: round(app.firstKb, 2),
        web_js_gz_kb_baseline_empty_vite: round(baseline.firstKb, 2),
        web_js_gz_kb_lazy_chunks: round(app.allKb - app.firstKb, 2),
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
