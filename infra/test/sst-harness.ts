/**
 * Offline verification of the SST app (no AWS account, no internet; see
 * docs/notes/sst-offline.md):
 * - `ensureSstInstall()`: `sst install` with bun, once, under a lock; skipped while
 *   `.sst/platform` is current (installed by this sst version, after sst.config.ts last changed);
 * - `typecheck()`: `tsc --noEmit -p tsconfig.infra.json` (sst.config.ts + infra/**);
 * - `evaluate()`: bundles `.sst/platform/src/auto/run.ts` + a config the way the CLI does, and
 *   runs it in a child process under Pulumi mocks (sst-mock-run.ts), returning every resource.
 *
 * Also runnable by hand: `npx tsx infra/test/sst-harness.ts [config] [stage]` prints the evaluation
 * (FIREBREAK_HANDLER_ROOT=<dir> resolves handlers elsewhere, FIREBREAK_EVAL_SOURCEMAPS=1 maps
 * stack traces to the sources); with `--write-sst-env` it writes packages/functions/sst-env.d.ts
 * from the links instead.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as esbuild from "esbuild";
import type { Evaluation, RecordedResource } from "./sst-mock-run";

export type { Evaluation, RecordedBuild, RecordedResource } from "./sst-mock-run";

const run = promisify(execFile);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const PLATFORM = path.join(ROOT, ".sst", "platform");
const SST_BIN = path.join(ROOT, "node_modules", ".bin", "sst");
const STAMP = path.join(ROOT, ".sst", "firebreak-install.json");
const LOCK = path.join(ROOT, ".sst", "firebreak-install.lock");

function sstVersion(): string {
  return JSON.parse(readFileSync(path.join(ROOT, "node_modules", "sst", "package.json"), "utf8")).version;
}

function installIsCurrent(): boolean {
  if (!existsSync(STAMP) || !existsSync(path.join(PLATFORM, "node_modules", "@pulumi", "pulumi")))
    return false;
  const stamp = JSON.parse(readFileSync(STAMP, "utf8")) as { sst?: string };
  return (
    stamp.sst === sstVersion() && statSync(STAMP).mtimeMs > statSync(path.join(ROOT, "sst.config.ts")).mtimeMs
  );
}

/**
 * A bun that runs: `node_modules/.bin/bun` needs bun's postinstall, which npm 11 may not have run
 * (unapproved install scripts); the platform package `@oven/bun-<os>-<arch>` always has the binary.
 */
function bunBinary(): string {
  const oven = path.join(ROOT, "node_modules", "@oven");
  const candidates = [
    path.join(ROOT, "node_modules", ".bin", "bun"),
    ...(existsSync(oven) ? readdirSync(oven).map((pkg) => path.join(oven, pkg, "bin", "bun")) : []),
  ];
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore", timeout: 10_000 });
      return candidate;
    } catch {
      // not installed for this platform, or a placeholder left by a skipped postinstall
    }
  }
  throw new Error(
    `no working bun (tried ${candidates.join(", ")}): run npm install, approving bun's postinstall`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `sst install`, offline, once: concurrent callers (test files in other workers) wait on a lock. */
export async function ensureSstInstall(): Promise<void> {
  if (installIsCurrent()) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // Another process is installing; a lock older than 2 minutes is stale.
      const lock = statSync(LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 120_000) rmSync(LOCK, { force: true, recursive: true });
      await sleep(250);
    }
  }
  try {
    if (installIsCurrent()) return;
    await run(SST_BIN, ["install"], {
      cwd: ROOT,
      timeout: 120_000,
      env: {
        ...process.env,
        SST_SKIP_DEPENDENCY_CHECK: "1",
        SST_TELEMETRY_DISABLED: "1",
        SST_STAGE: "ci",
        SST_BUN_PATH: bunBinary(),
        NO_COLOR: "1",
      },
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`sst install failed: ${error.message}\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
    });
    writeFileSync(STAMP, JSON.stringify({ sst: sstVersion(), installedAt: new Date().toISOString() }));
  } finally {
    rmSync(LOCK, { force: true, recursive: true });
  }
}

/** `tsc --noEmit -p tsconfig.infra.json` (incremental: its build info is kept under .sst/). */
export async function typecheck(): Promise<{ ok: boolean; output: string }> {
  try {
    await run(path.join(ROOT, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "tsconfig.infra.json"], {
      cwd: ROOT,
      // ~15 s alone; minutes when the whole suite shares 2 loaded cores. A kill reports no output.
      timeout: 400_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true, output: "" };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` || e.message };
  }
}

export interface EvaluateOptions {
  /** The config to evaluate, relative to the repo root. Default: sst.config.ts. */
  config?: string;
  stage?: string;
  /** Where handler paths are resolved (default: $FIREBREAK_HANDLER_ROOT, else the repo root). */
  handlerRoot?: string;
  /** SST_SECRET_<Name> values; defaults to TEST_SECRETS. Pass {} to see a missing secret fail. */
  secrets?: Record<string, string>;
  /** Deploy-time configuration (infra/config.ts); defaults to TEST_CONFIG. */
  env?: Record<string, string>;
  /** The AWS region deployed to (default us-east-1): the mock endpoints and ARNs name it. */
  region?: string;
}

/** Deploy-time configuration for the evaluations (what a user puts in `.env`). */
export const TEST_CONFIG: Record<string, string> = {
  FIREBREAK_OPS_EMAIL: "ops@example.com",
  FIREBREAK_ORG_ID: "o-a1b2c3d4e5",
};

/**
 * The project root the evaluation reports to SST components: a scratch folder holding a stand-in for the dashboard's build
 * output (`packages/web/dist/index.html`). StaticSite resolves its `path` against the working
 * directory and checks the build output exists (the build command itself is a resource, not run
 * under mocks), so the evaluation neither needs nor writes into packages/web.
 */
function siteStubDir(): string {
  const dir = path.join(ROOT, ".sst", "firebreak-site-stub");
  const dist = path.join(dir, "packages", "web", "dist");
  if (!existsSync(path.join(dist, "index.html"))) {
    mkdirSync(dist, { recursive: true });
    writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>Firebreak</title>\n");
  }
  return dir;
}

let counter = 0;
const SOURCEMAPS = process.env.FIREBREAK_EVAL_SOURCEMAPS === "1";

/** Bundles `run()` of a config like the SST CLI and evaluates it under Pulumi mocks in a child. */
/** Test values of the app's secrets (infra/secrets.ts), as the CLI passes them: SST_SECRET_<Name>. */
export const TEST_SECRETS: Record<string, string> = {
  SST_SECRET_SlackSigningSecret: "test-signing-secret",
  SST_SECRET_SlackBotToken: "xoxb-test",
  SST_SECRET_SlackTeamId: "T0TEST",
  SST_SECRET_SessionKey: "test-session-key-0123456789abcdef0123456789",
  SST_SECRET_SlackClientId: "1234.5678",
  SST_SECRET_SlackClientSecret: "test-client-secret",
  SST_SECRET_AckKey: "k1:test-ack-key-of-at-least-thirty-two-bytes",
};

export async function evaluate(options: EvaluateOptions = {}): Promise<Evaluation> {
  const config = path.resolve(ROOT, options.config ?? "sst.config.ts");
  const id = `${process.pid}-${Date.now()}-${counter++}`;
  const bundle = path.join(PLATFORM, `firebreak-eval.${id}.mjs`);
  const outFile = path.join(ROOT, ".sst", `firebreak-eval.${id}.json`);
  const started = Date.now();
  const globals = [
    'import * as aws from "@pulumi/aws";',
    `import * as sst from ${JSON.stringify(path.join(PLATFORM, "src", "components"))};`,
  ].join("\n");
  try {
    await esbuild.build({
      stdin: {
        contents: [
          `import { evaluate } from ${JSON.stringify(path.join(ROOT, "infra", "test", "sst-mock-run.ts"))};`,
          `import { run } from ${JSON.stringify(path.join(PLATFORM, "src", "auto", "run.ts"))};`,
          `import mod from ${JSON.stringify(config)};`,
          "await evaluate(mod, run);",
        ].join("\n"),
        resolveDir: ROOT,
        sourcefile: "eval.ts",
        loader: "ts",
      },
      outfile: bundle,
      bundle: true,
      format: "esm",
      platform: "node",
      mainFields: ["module", "main"],
      // Source-mapped stack traces cost ~1 s per evaluation (Pulumi captures one per resource).
      sourcemap: SOURCEMAPS ? "inline" : false,
      nodePaths: [path.join(PLATFORM, "node_modules")],
      inject: [path.join(PLATFORM, "src", "shim", "run.js")],
      external: [
        "@pulumi/*",
        "@pulumiverse/*",
        "@sst-provider/*",
        "@aws-sdk/*",
        "undici",
        "esbuild",
        "archiver",
        "glob",
        "vite",
      ],
      banner: {
        js: [
          'import { createRequire as topLevelCreateRequire } from "module";',
          "const require = topLevelCreateRequire(import.meta.url);",
          'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url";',
          "const __filename = topLevelFileUrlToPath(import.meta.url);",
          'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url));',
        ].join("\n"),
      },
      plugins: [
        {
          // The CLI makes `aws` and `sst` available to user code by prefixing every user file.
          name: "inject-globals",
          setup(build) {
            build.onLoad({ filter: /\.(js|ts|jsx|tsx)$/ }, async (args) => {
              const contents = await readFile(args.path, "utf8");
              const user =
                !args.path.includes(`${path.sep}.sst${path.sep}`) && !args.path.includes("node_modules");
              return { contents: user ? `${globals}\n${contents}` : contents, loader: "default" };
            });
          },
        },
      ],
      logLevel: "silent",
    });
  } catch (error) {
    return {
      ok: false,
      error: `bundle failed: ${(error as Error).message}`,
      stage: "",
      resources: [],
      calls: [],
      builds: [],
    };
  }

  const bundled = Date.now();
  try {
    const flags = SOURCEMAPS ? ["--enable-source-maps"] : [];
    const child = await run(process.execPath, [...flags, "--no-warnings", bundle], {
      cwd: ROOT,
      // Evaluations run side by side; on a loaded 2-core machine one alone takes ~25 s.
      // FIREBREAK_EVAL_TIMEOUT_MS overrides the limit.
      timeout: Number(process.env.FIREBREAK_EVAL_TIMEOUT_MS) || 240_000,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        FIREBREAK_EVAL_OUT: outFile,
        FIREBREAK_ROOT: ROOT,
        FIREBREAK_CLI_ROOT: siteStubDir(),
        FIREBREAK_STAGE: options.stage ?? "ci",
        FIREBREAK_HANDLER_ROOT: options.handlerRoot ?? process.env.FIREBREAK_HANDLER_ROOT ?? ROOT,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        FIREBREAK_EVAL_REGION: options.region ?? "us-east-1",
        // The deploy-time configuration is exactly options.env (nothing leaks from the shell).
        FIREBREAK_PRODUCTION_STAGES: "",
        FIREBREAK_SELF_SERVICE: "",
        FIREBREAK_OPS_EMAIL: "",
        FIREBREAK_ORG_ID: "",
        ...(options.env ?? TEST_CONFIG),
        // What `sst secret set` provides to a deploy; unset, the evaluation fails like a deploy would.
        ...(options.secrets ?? TEST_SECRETS),
      },
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => error);
    if (!existsSync(outFile)) {
      const e = child as { stdout?: string; stderr?: string; message?: string };
      return {
        ok: false,
        error: `evaluation crashed: ${e.message ?? ""}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`,
        stage: "",
        resources: [],
        calls: [],
        builds: [],
      };
    }
    const evaluation = JSON.parse(await readFile(outFile, "utf8")) as Evaluation;
    evaluation.timings = { bundleMs: bundled - started, runMs: Date.now() - bundled };
    return evaluation;
  } finally {
    await rm(bundle, { force: true });
    await rm(outFile, { force: true });
  }
}

/** Query helpers over an evaluation's recorded resources. */
export function resourcesOf(evaluation: Evaluation, type: string): RecordedResource[] {
  return evaluation.resources.filter((r) => r.type === type);
}

export function resource(evaluation: Evaluation, type: string, name: string): RecordedResource {
  const found = evaluation.resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const names = resourcesOf(evaluation, type).map((r) => r.name);
    throw new Error(`no ${type} named ${name}; found: ${names.join(", ") || "none"}`);
  }
  return found;
}

export const SST_ENV = path.join(ROOT, "packages", "functions", "sst-env.d.ts");

/**
 * `packages/functions/sst-env.d.ts`: the `Resource` types of everything linked to a function, in
 * the format `sst deploy` / `sst dev` use (they rewrite the file, listing every linkable resource).
 */
export function renderSstEnv(evaluation: Evaluation): string {
  const linked = new Map<string, Record<string, unknown>>();
  for (const build of evaluation.builds) {
    for (const [name, properties] of Object.entries(build.links)) linked.set(name, properties);
  }
  const typeOf = (key: string, value: unknown) =>
    key === "type"
      ? JSON.stringify(value)
      : typeof value === "number" || typeof value === "boolean"
        ? typeof value
        : "string";
  const entries = [...linked.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, properties]) => {
      const fields = Object.entries(properties)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => `      ${JSON.stringify(key)}: ${typeOf(key, value)}`);
      return `    ${JSON.stringify(name)}: {\n${fields.join("\n")}\n    }`;
    });
  return [
    "/* This file is generated from the SST app's links: `npx tsx infra/test/sst-harness.ts --write-sst-env`. */",
    "/* infra/test/app.test.ts fails when it is out of date. `sst deploy` / `sst dev` rewrite it. */",
    'import "sst";',
    'declare module "sst" {',
    "  export interface Resource {",
    ...entries,
    "  }",
    "}",
    "export {};",
    "",
  ].join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes("--write-sst-env");
  const [config, stage] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  await ensureSstInstall();
  const evaluation = await evaluate({ config, stage });
  if (write && evaluation.ok) {
    writeFileSync(SST_ENV, renderSstEnv(evaluation));
    console.log(`wrote ${path.relative(ROOT, SST_ENV)}`);
  } else {
    console.log(JSON.stringify(evaluation, null, 2));
  }
  process.exitCode = evaluation.ok ? 0 : 1;
}
