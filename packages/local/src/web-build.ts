import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The dashboard's workspace (packages/web) and what its build reads. */
export const WEB_ROOT = fileURLToPath(new URL("../../web", import.meta.url));
const SOURCES = ["src", "public", "index.html", "vite.config.ts", "package.json", "tsconfig.json"];

function newestMtime(path: string): number {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why the built dashboard must be rebuilt, or null when dist/ is newer than every source. */
export function dashboardStaleReason(root = WEB_ROOT): string | null {
  const built = newestMtime(join(root, "dist", "index.html"));
  if (built === 0) return "not built yet";
  const sources = Math.max(...SOURCES.map((s) => newestMtime(join(root, s))));
  return sources > built ? "sources changed since the last build" : null;
}

/** Builds the dashboard with Vite (in this process) into `outDir` (default packages/web/dist). */
export async function buildDashboard(options: { root?: string; outDir?: string } = {}): Promise<void> {
  const { build } = await import("vite");
  const root = options.root ?? WEB_ROOT;
  await build({
    root,
    configFile: join(root, "vite.config.ts"),
    logLevel: "warn",
    ...(options.outDir ? { build: { outDir: options.outDir, emptyOutDir: true } } : {}),
  });
}

/** `npm start`: builds the dashboard when dist/ is missing or older than its sources. */
export async function ensureDashboardBuilt(log: (line: string) => void = console.log): Promise<void> {
  const reason = dashboardStaleReason();
  if (!reason) return;
  log(`Building the dashboard (${reason})…`);
  const started = Date.now();
  await buildDashboard();
  log(`Dashboard built in ${((Date.now() - started) / 1000).toFixed(1)}s → packages/web/dist`);
}
