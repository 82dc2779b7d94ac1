/**
 * Child-process side of the infra harness (see sst-harness.ts, which bundles this file together
 * with `.sst/platform/src/auto/run.ts` and an `sst.config.ts`, the way the SST CLI does).
 *
 * It plays the parts of the CLI and of the Pulumi engine:
 * - a JSON-RPC stub at SST_SERVER for `Provider.Aws.Bootstrap` and `Runtime.Build`; the latter
 *   resolves the handler file, bundles it with esbuild and checks that it exports the function;
 * - Pulumi mocks that record every resource (type, name, inputs) and provider call;
 * - `$app` / `$cli` / `$dev` from the config's `app()`;
 * then runs `run()` inside `runInPulumiStack` and writes an `Evaluation` (JSON) to the path in
 * FIREBREAK_EVAL_OUT. Run only as a child process: Pulumi keeps process-wide state.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as esbuild from "esbuild";

export interface RecordedResource {
  type: string;
  name: string;
  /** The (mock) physical id. */
  id: string;
  custom: boolean;
  /** Set when the resource is read (`X.get(...)`) rather than created. */
  readId?: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
}

export interface RecordedBuild {
  functionID: string;
  handler: string;
  file?: string;
  exports?: string[];
  links: Record<string, Record<string, unknown>>;
  errors: string[];
}

export interface Evaluation {
  ok: boolean;
  error?: string;
  stage: string;
  app?: Record<string, unknown>;
  /** `app()` evaluated for the production stage, to check its removal policy. */
  productionApp?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  resources: RecordedResource[];
  calls: RecordedCall[];
  builds: RecordedBuild[];
  /** Filled in by the harness: esbuild bundle and child-process run, in ms. */
  timings?: { bundleMs: number; runMs: number };
}

interface Config {
  app(input: { stage: string }): Record<string, unknown> | Promise<Record<string, unknown>>;
  run(): Promise<Record<string, unknown> | undefined>;
}

type Runner = (program: () => Promise<Record<string, unknown> | undefined>) => Promise<unknown>;

/** The region deployed to (FIREBREAK_EVAL_REGION; the harness passes `region`). */
const REGION = process.env.FIREBREAK_EVAL_REGION || "us-east-1";
const ACCOUNT = "123456789012";
const HANDLER_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

export async function evaluate(config: Config, run: Runner): Promise<void> {
  const outFile = process.env.FIREBREAK_EVAL_OUT;
  if (!outFile) throw new Error("FIREBREAK_EVAL_OUT is not set");
  const root = process.env.FIREBREAK_ROOT ?? process.cwd();
  const handlerRoot = process.env.FIREBREAK_HANDLER_ROOT ?? root;
  const stage = process.env.FIREBREAK_STAGE ?? "ci";
  const work = mkdtempSync(path.join(tmpdir(), "firebreak-sst-work-"));

  const result: Evaluation = { ok: false, stage, resources: [], calls: [], builds: [] };
  let finished = false;
  const finish = (error?: unknown) => {
    if (finished) return;
    finished = true;
    if (error !== undefined) {
      result.ok = false;
      result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    }
    writeFileSync(outFile, JSON.stringify(result, jsonSafe));
    rmSync(work, { recursive: true, force: true });
    process.exit(result.ok ? 0 : 1);
  };
  process.on("uncaughtException", finish);
  process.on("unhandledRejection", finish);
  const limit = Math.max(210_000, (Number(process.env.FIREBREAK_EVAL_TIMEOUT_MS) || 0) - 15_000);
  setTimeout(() => finish(new Error("evaluation timed out")), limit).unref();

  const server = await startRpcStub({ handlerRoot, work, builds: result.builds });
  process.env.SST_SERVER = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const app = await config.app({ stage });
  result.app = app;
  result.productionApp = await config.app({ stage: "production" });
  Object.assign(globalThis, {
    $app: {
      name: app.name,
      stage,
      removal: app.removal ?? "retain",
      providers: app.providers ?? { aws: {} },
      home: app.home,
      protect: app.protect ?? false,
    },
    $cli: {
      command: "deploy",
      dev: false,
      // The project root as the CLI reports it (run.ts chdirs there): the harness passes a scratch
      // folder with a stand-in for the static site's build output; code and handlers stay at `root`.
      paths: {
        home: work,
        root: process.env.FIREBREAK_CLI_ROOT ?? root,
        work,
        platform: path.join(root, ".sst", "platform"),
      },
      state: { version: {} },
    },
    $dev: false,
  });

  await pulumi.runtime.setMocks(mocks(result), String(app.name), stage, false);
  // Like the engine (and unlike the mock monitor), leave the root stack out of URN types:
  // `Link` takes the linked resource's type (`sst.aws.Dynamo`) from its URN.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    newUrn(p: string, t: string, n: string): string;
  };
  const newUrn = monitor.newUrn.bind(monitor);
  monitor.newUrn = (parent, type, name) =>
    newUrn(parent?.split("::")[2] === "pulumi:pulumi:Stack" ? "" : parent, type, name);
  try {
    const outputs = await pulumi.runtime.runInPulumiStack(async () => run(() => config.run()));
    // Resources created inside `apply` callbacks register after run() returns, like in a deploy:
    // wait until the RPC queue has drained and nothing new was registered.
    let seen = -1;
    while (seen !== result.resources.length) {
      seen = result.resources.length;
      await pulumi.runtime.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    result.outputs = outputs as Record<string, unknown>;
    result.ok = true;
    server.close();
    finish();
  } catch (error) {
    finish(error);
  }
}

function mocks(result: Evaluation): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const state = mockState(args);
      const id = args.id || `${args.name}-id`;
      result.resources.push({
        type: args.type,
        name: args.name,
        id,
        custom: Boolean(args.custom),
        ...(args.id ? { readId: args.id } : {}),
        inputs: args.inputs,
        state,
      });
      return { id, state };
    },
    call(args) {
      result.calls.push({ token: args.token, inputs: args.inputs });
      switch (args.token) {
        case "aws:index/getPartition:getPartition":
          return {
            id: "aws",
            partition: "aws",
            dnsSuffix: "amazonaws.com",
            reverseDnsPrefix: "com.amazonaws",
          };
        case "aws:index/getRegion:getRegion":
          return { id: REGION, name: REGION, region: REGION, endpoint: `ec2.${REGION}.amazonaws.com` };
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return {
            id: ACCOUNT,
            accountId: ACCOUNT,
            arn: `arn:aws:iam::${ACCOUNT}:user/mock`,
            userId: "MOCK",
          };
        case "aws:iam/getPolicyDocument:getPolicyDocument":
          return { ...args.inputs, id: "policy", json: JSON.stringify(policyDocument(args.inputs)) };
        default:
          return {};
      }
    },
  };
}

/** A stable id of `length` lowercase letters and digits, derived from a resource name. */
function mockId(name: string, length: number): string {
  let id = "";
  for (let round = 0; id.length < length; round++)
    id += BigInt(`0x${createHash("sha256").update(`${name}#${round}`).digest("hex")}`).toString(36);
  return id.slice(0, length);
}

/** Output properties a real provider would compute, derived from the inputs. */
function mockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  // A read (`X.get(name, id)`) reports the existing resource, whose name is its id (e.g. "default").
  const name = String(args.id || inputs.name || `${args.name}-mock`);
  const service = args.type.split(":")[1]?.split("/")[0] ?? "unknown";
  const base = `arn:aws:${service}:${REGION}:${ACCOUNT}`;
  const state: Record<string, unknown> = { ...inputs, name };
  switch (args.type) {
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      return {
        ...state,
        arn,
        qualifiedArn: `${arn}:$LATEST`,
        version: "$LATEST",
        invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`,
      };
    }
    case "aws:sqs/queue:Queue":
      return {
        ...state,
        arn: `${base}:${name}`,
        url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
      };
    case "aws:dynamodb/table:Table": {
      const arn = `${base}:table/${name}`;
      return {
        ...state,
        arn,
        ...(inputs.streamEnabled ? { streamArn: `${arn}/stream/1970-01-01T00:00:00.000` } : {}),
      };
    }
    case "aws:sns/topic:Topic":
      return { ...state, arn: `${base}:${name}` };
    case "aws:cloudwatch/eventBus:EventBus":
      return { ...state, arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}` };
    case "aws:cloudwatch/eventRule:EventRule": {
      const bus = inputs.eventBusName && inputs.eventBusName !== "default" ? `${inputs.eventBusName}/` : "";
      return { ...state, arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${bus}${name}` };
    }
    case "aws:iam/role:Role":
      return { ...state, arn: `arn:aws:iam::${ACCOUNT}:role/${name}` };
    case "aws:apigatewayv2/api:Api":
      return {
        ...state,
        // An API id is 10 lowercase letters and digits, as API Gateway makes them.
        apiEndpoint: `https://${mockId(args.name, 10)}.execute-api.${REGION}.amazonaws.com`,
        executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${args.name}`,
      };
    case "aws:cloudfront/distribution:Distribution":
      return {
        ...state,
        arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/${name}`,
        // A distribution's domain is `d` + 13 lowercase letters and digits.
        domainName: `d${mockId(args.name, 13)}.cloudfront.net`,
      };
    case "random:index/randomBytes:RandomBytes":
      return { ...state, base64: Buffer.alloc(Number(inputs.length ?? 32), 7).toString("base64") };
    default:
      return { ...state, arn: `${base}:${name}` };
  }
}

interface PolicyStatementInput {
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
}

function policyDocument(inputs: Record<string, unknown>) {
  const statements = (inputs.statements ?? []) as PolicyStatementInput[];
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Effect: s.effect ?? "Allow",
      ...(s.actions ? { Action: s.actions } : {}),
      ...(s.resources ? { Resource: s.resources } : {}),
      ...(s.principals
        ? { Principal: Object.fromEntries(s.principals.map((p) => [p.type, p.identifiers])) }
        : {}),
    })),
  };
}

interface BuildInput {
  functionID: string;
  handler: string;
  links?: Record<string, Record<string, unknown>>;
}

/** The CLI's JSON-RPC server, reduced to what AWS functions need during a deploy. */
function startRpcStub(ctx: { handlerRoot: string; work: string; builds: RecordedBuild[] }) {
  const methods: Record<string, (input: never) => Promise<unknown>> = {
    "Provider.Aws.Bootstrap": async () => ({
      asset: `sst-asset-${ACCOUNT}`,
      assetEcrRegistryId: ACCOUNT,
      assetEcrUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/sst-asset`,
      state: `sst-state-${ACCOUNT}`,
      appsyncHttp: "",
      appsyncRealtime: "",
    }),
    "Runtime.Build": async (input: BuildInput) => buildHandler(input, ctx),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", async () => {
      const { method, params } = JSON.parse(body) as { method: string; params: [never] };
      const reply = (payload: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      const fn = methods[method];
      if (!fn) return reply({ error: `rpc: can't find method ${method}` });
      try {
        reply({ result: await fn(params[0]) });
      } catch (error) {
        reply({ error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
  return new Promise<ReturnType<typeof createServer>>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(server)),
  );
}

/**
 * What `Runtime.Build` does for a Node.js function, minus the encrypted link file: resolve the
 * handler to a file, bundle it (every import must resolve) and check the named export exists.
 */
async function buildHandler(
  input: BuildInput,
  ctx: { handlerRoot: string; work: string; builds: RecordedBuild[] },
) {
  const dot = input.handler.lastIndexOf(".");
  const base = input.handler.slice(0, dot);
  const exportName = input.handler.slice(dot + 1);
  const record: RecordedBuild = {
    functionID: input.functionID,
    handler: input.handler,
    links: input.links ?? {},
    errors: [],
  };
  ctx.builds.push(record);
  const out = path.join(ctx.work, "artifacts", `${input.functionID}-src`);
  const fail = (message: string) => {
    record.errors.push(message);
    return { handler: input.handler, out, errors: record.errors, sourcemaps: [] };
  };

  const file = HANDLER_EXTENSIONS.map((ext) => path.join(ctx.handlerRoot, base + ext)).find((f) =>
    existsSync(f),
  );
  if (dot <= 0 || !file) {
    return fail(`Could not find file for handler "${input.handler}" (function ${input.functionID})`);
  }
  record.file = path.relative(ctx.handlerRoot, file);
  try {
    const built = await esbuild.build({
      entryPoints: [file],
      absWorkingDir: ctx.handlerRoot,
      outfile: path.join(out, `${base}.mjs`),
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      mainFields: ["module", "main"],
      external: ["@aws-sdk/*"],
      banner: {
        js: 'import { createRequire as topLevelCreateRequire } from "module"; const require = topLevelCreateRequire(import.meta.url);',
      },
      metafile: true,
      logLevel: "silent",
    });
    const entry = Object.values(built.metafile?.outputs ?? {}).find((o) => o.entryPoint);
    record.exports = entry?.exports ?? [];
    if (!record.exports.includes(exportName)) {
      return fail(
        `Handler "${input.handler}" (function ${input.functionID}): ${record.file} does not export "${exportName}" (exports: ${record.exports.join(", ") || "none"})`,
      );
    }
  } catch (error) {
    return fail(
      `Could not bundle handler "${input.handler}": ${error instanceof Error ? error.message : error}`,
    );
  }
  return { handler: `${base}.${exportName}`, out, errors: [], sourcemaps: [] };
}

/** JSON.stringify replacer: Pulumi resources, assets and cycles become short markers. */
function jsonSafe(this: unknown, _key: string, value: unknown): unknown {
  if (value && typeof value === "object") {
    if (pulumi.Resource.isInstance(value)) return { $resource: value.constructor.name };
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
      return { $asset: (value as { path?: unknown }).path ?? true };
    }
  }
  return value;
}
