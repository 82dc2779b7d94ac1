import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import * as esbuild from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sstBuildOptions } from "../../packages/local/bench/bundles";
import plugins, { LAMBDA_STUBS } from "../esbuild-plugins.mjs";

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), "firebreak-plugins-"));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function bundle(entry: string, name: string) {
  const file = path.join(outDir, `${name}.mjs`);
  // nodePaths: an entry written to a temporary directory resolves packages from the repository.
  const result = await esbuild.build({
    ...sstBuildOptions(entry, file),
    nodePaths: [path.join(ROOT, "node_modules")],
  });
  return { file, inputs: Object.keys(result.metafile?.inputs ?? {}) };
}

/** Runs `script` (ESM) in a fresh Node process; resolves with its stdout. */
async function node(script: string) {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    cwd: outDir,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    timeout: 60_000,
  });
  return stdout;
}

describe("Lambda esbuild plugins (infra/esbuild-plugins.mjs)", () => {
  it("is the file infra/defaults.ts gives every function as nodejs.plugins, and the bench uses it", async () => {
    const defaults = await readFile(path.join(ROOT, "infra/defaults.ts"), "utf8");
    const [, relative] = defaults.match(/LAMBDA_ESBUILD_PLUGINS = "([^"]+)"/) ?? [];
    expect(relative).toBeDefined();
    const loaded = await import(pathToFileURL(path.join(ROOT, relative ?? "")).href);
    expect(loaded.default).toBe(plugins);
    expect(sstBuildOptions("x.ts", "x.mjs").plugins).toBe(plugins);
  });

  it("keeps Socket Mode, Express and iconv-lite out of the Slack bundle, which still loads", async () => {
    const { file, inputs } = await bundle(path.join(ROOT, "packages/functions/src/slack.ts"), "slack");
    for (const pkg of ["@slack/socket-mode", "express", "iconv-lite", "undici", "body-parser"]) {
      expect(inputs.filter((i) => i.includes(`node_modules/${pkg}/`))).toEqual([]);
    }
    expect(inputs.filter((i) => i.startsWith("firebreak-lambda-stub:")).sort()).toEqual(
      Object.keys(LAMBDA_STUBS)
        .map((p) => `firebreak-lambda-stub:${p}`)
        .sort(),
    );
    const out = await node(`const m = await import(${JSON.stringify(pathToFileURL(file).href)});
      process.stdout.write(typeof m.handler);`);
    expect(out).toBe("function");
  }, 120_000);

  it("a replaced receiver fails with an error naming the reason, not an undefined property", async () => {
    const entry = path.join(outDir, "receivers.ts");
    await writeFile(
      entry,
      [
        `import { ExpressReceiver, SocketModeReceiver } from "@slack/bolt";`,
        "const messages: string[] = [];",
        `try { new SocketModeReceiver({ appToken: "xapp-1" }); } catch (e) { messages.push((e as Error).message); }`,
        `try { new ExpressReceiver({ signingSecret: "s" }); } catch (e) { messages.push((e as Error).message); }`,
        "export const handler = () => messages;",
      ].join("\n"),
    );
    const { file } = await bundle(entry, "receivers");
    const out = await node(`const m = await import(${JSON.stringify(pathToFileURL(file).href)});
      process.stdout.write(JSON.stringify(m.handler()));`);
    const messages: string[] = JSON.parse(out);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/@slack\/socket-mode is not bundled .*AwsLambdaReceiver/);
    expect(messages[1]).toMatch(/express is not bundled .*AwsLambdaReceiver/);
  }, 120_000);
});
