import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import * as esbuild from "esbuild";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sstBuildOptions } from "../../packages/local/bench/bundles";
import plugins, { LAMBDA_CREDENTIALS, LAMBDA_EXCLUDED } from "../esbuild-plugins.mjs";
import { LAMBDA_CREDENTIALS_MISSING } from "../lambda-credentials.mjs";

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
async function node(script: string, env: NodeJS.ProcessEnv = process.env) {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    cwd: outDir,
    env: { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    timeout: 60_000,
  });
  return stdout;
}

/** The process environment without any AWS credential source. */
function withoutAwsCredentials(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|CONTAINER_)/.test(k),
    ),
  );
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
    expect(inputs.filter((i) => i.startsWith("firebreak-lambda-excluded:")).sort()).toEqual(
      Object.keys(LAMBDA_EXCLUDED)
        .map((p) => `firebreak-lambda-excluded:${p}`)
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

  it("keeps @smithy/core's event streams out; loading them fails with an error naming the reason", async () => {
    const entry = path.join(outDir, "event-streams.ts");
    await writeFile(
      entry,
      [
        `import { DynamoDBClient } from "@aws-sdk/client-dynamodb";`,
        "export const client = DynamoDBClient;",
        "export const handler = async () => {",
        `  const { EventStreamSerde } = await import("@smithy/core/event-streams");`,
        "  try { new EventStreamSerde({} as never); return 'constructed'; } catch (e) { return (e as Error).message; }",
        "};",
      ].join("\n"),
    );
    const { file, inputs } = await bundle(entry, "event-streams");
    expect(inputs.filter((i) => i.includes("/submodules/event-streams/"))).toEqual([]);
    expect(inputs).toContain("firebreak-lambda-excluded:@smithy/core/event-streams");
    const out = await node(`const m = await import(${JSON.stringify(pathToFileURL(file).href)});
      process.stdout.write(await m.handler());`);
    expect(out).toMatch(/@smithy\/core\/event-streams is not bundled/);
  }, 120_000);

  it("gives the SDK clients and Slack's Web API only the name and version of their package.json, which their user agents still carry", async () => {
    const entry = path.join(outDir, "versions.ts");
    await writeFile(
      entry,
      [
        `import { SNSClient } from "@aws-sdk/client-sns";`,
        `import { PinpointSMSVoiceV2Client } from "@aws-sdk/client-pinpoint-sms-voice-v2";`,
        `import { WebClient } from "@slack/web-api";`,
        "export const handler = async () => {",
        `  const sns = new SNSClient({ region: "us-east-1" });`,
        `  const voice = new PinpointSMSVoiceV2Client({ region: "us-east-1" });`,
        "  const agents = [await sns.config.defaultUserAgentProvider(), await voice.config.defaultUserAgentProvider()];",
        `  return JSON.stringify({ agents, slack: typeof WebClient });`,
        "};",
      ].join("\n"),
    );
    const { file, inputs } = await bundle(entry, "versions");
    const manifests = inputs.filter((i) => i.endsWith("/package.json"));
    expect(manifests.length).toBeGreaterThanOrEqual(3);
    for (const manifest of manifests) expect(manifest, manifest).toMatch(/^firebreak-sdk-version:/);
    const out = JSON.parse(
      await node(`const m = await import(${JSON.stringify(pathToFileURL(file).href)});
      process.stdout.write(await m.handler());`),
    ) as { agents: string[][][]; slack: string };
    const version = (pkg: string) =>
      JSON.parse(readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8"))
        .version as string;
    const flat = out.agents.flat().map((pair) => pair.join("/"));
    expect(flat).toContain(`aws-sdk-js/${version("@aws-sdk/client-sns")}`);
    expect(flat).toContain(`aws-sdk-js/${version("@aws-sdk/client-pinpoint-sms-voice-v2")}`);
    expect(out.slack).toBe("function");
  }, 120_000);

  describe("Lambda credentials: the default chain is replaced by what Lambda provides", () => {
    let file: string;
    let inputs: string[];
    const endpoint = inject("dynamoEndpoint");
    beforeAll(async () => {
      const entry = path.join(outDir, "credentials.ts");
      await writeFile(
        entry,
        [
          `import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";`,
          "export const handler = async (endpoint: string) => {",
          `  const client = new DynamoDBClient({ endpoint, region: "us-east-1" });`,
          "  try { const out = await client.send(new ListTablesCommand({ Limit: 1 }));",
          "    return { ok: Array.isArray(out.TableNames) }; }",
          "  catch (e) { return { error: (e as Error).message }; }",
          "};",
        ].join("\n"),
      );
      ({ file, inputs } = await bundle(entry, "credentials"));
    }, 120_000);

    const call = (env: NodeJS.ProcessEnv) =>
      node(
        `const m = await import(${JSON.stringify(pathToFileURL(file).href)});
        process.stdout.write(JSON.stringify(await m.handler(${JSON.stringify(endpoint)})));`,
        env,
      ).then((out) => JSON.parse(out) as { ok?: boolean; error?: string });

    it("bundles infra/lambda-credentials.mjs instead of SSO, STS, ini and process providers", () => {
      expect(inputs).toContain(path.relative(process.cwd(), LAMBDA_CREDENTIALS));
      for (const pkg of [
        "credential-provider-node",
        "credential-provider-ini",
        "credential-provider-sso",
        "credential-provider-process",
        "credential-provider-web-identity",
        "nested-clients",
        "token-providers",
      ]) {
        expect(inputs.filter((i) => i.includes(`node_modules/@aws-sdk/${pkg}/`))).toEqual([]);
      }
    });

    it("signs requests with the credentials Lambda puts in the environment", async () => {
      const env = {
        ...withoutAwsCredentials(),
        AWS_ACCESS_KEY_ID: "AKIDLAMBDA",
        AWS_SECRET_ACCESS_KEY: "secret",
      };
      expect(await call({ ...env, AWS_SESSION_TOKEN: "token" })).toEqual({ ok: true });
    }, 60_000);

    it("without them fails with an error naming the sources it reads, not an SSO or IMDS timeout", async () => {
      const { error } = await call({ ...withoutAwsCredentials(), AWS_PROFILE: "ignored" });
      expect(error).toBe(LAMBDA_CREDENTIALS_MISSING);
    }, 60_000);
  });
});
