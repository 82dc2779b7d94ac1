/**
 * esbuild plugins for every Lambda bundle, given to SST through `nodejs.plugins` (infra/defaults.ts)
 * and read from this same file by the bundle bench (packages/local/bench/bundles.ts), so the bench
 * measures exactly what `sst deploy` ships.
 *
 * `lambdaOnly`: Bolt's entry module loads every receiver, and with them Socket Mode (`@slack/socket-mode`
 * → undici, ws), Express (→ body-parser, mime-db) and iconv-lite (raw-body's optional charset
 * decoding), ~1.2 MB of the Slack bundle. On Lambda the app only uses `AwsLambdaReceiver`, which
 * needs none of them, so they are replaced by small modules that throw a clear error if anything
 * ever calls them (a constructor of SocketModeReceiver or ExpressReceiver, or a raw-body read with
 * a charset). Loading Bolt still works: its receivers only touch these packages when constructed.
 *
 * The same for `@smithy/core/event-streams`, which only operations that stream events load.
 *
 * `sdkVersionOnly`: every AWS SDK client, and the Slack Web API client, imports its whole
 * `package.json` (≈ 2 KB of scripts, dependencies and metadata) to read `name` and `version` for its
 * user agent. It gets a module of those two fields instead (−1.7 KB per client in every bundle).
 *
 * `lambdaCredentials`: every AWS SDK client imports the default credential chain
 * (`@aws-sdk/credential-provider-node`: SSO, STS, ini profiles, processes, web identity, IMDS,
 * ~140 KB minified). It is resolved to infra/lambda-credentials.mjs, which reads what Lambda provides
 * (the role's credentials in environment variables, or a container credentials endpoint).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const UNAVAILABLE = "is not bundled into Firebreak's Lambda functions (infra/esbuild-plugins.mjs)";

/**
 * Packages excluded from Lambda bundles, each with the module that takes its place: it exports the
 * names the importer reads and throws an error naming the package if anything calls them (CommonJS,
 * like the packages they replace). The Slack bundle test checks they load and fail this way.
 */
export const LAMBDA_EXCLUDED = {
  "@slack/socket-mode": `
    const message = "@slack/socket-mode ${UNAVAILABLE}: use AwsLambdaReceiver";
    class SocketModeClient { constructor() { throw new Error(message); } }
    module.exports = { SocketModeClient };`,
  express: `
    const message = "express ${UNAVAILABLE}: use AwsLambdaReceiver";
    function express() { throw new Error(message); }
    express.Router = function Router() { throw new Error(message); };
    module.exports = express;`,
  // Loaded (a dynamic import in @smithy/core's HttpProtocol) only by operations that stream events;
  // none of the AWS operations Firebreak calls does (−15 KB in every bundle).
  "@smithy/core/event-streams": `
    const message = "@smithy/core/event-streams ${UNAVAILABLE}: no AWS operation Firebreak calls streams events";
    function eventStreamSerdeProvider() { throw new Error(message); }
    class EventStreamSerde { constructor() { throw new Error(message); } }
    module.exports = { EventStreamSerde, eventStreamSerdeProvider };`,
  "iconv-lite": `
    const message = "iconv-lite ${UNAVAILABLE}: request bodies are read as bytes";
    module.exports = {
      encodingExists: () => false,
      getDecoder() { throw new Error(message); },
      decode() { throw new Error(message); },
      encode() { throw new Error(message); },
    };`,
};

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Resolves each package of `LAMBDA_EXCLUDED` (imported by its bare name) to its failing module. */
export const lambdaOnly = {
  name: "firebreak-lambda-only",
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(LAMBDA_EXCLUDED).map(escapeRegExp).join("|")})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "firebreak-lambda-excluded" }));
    build.onLoad({ filter: /.*/, namespace: "firebreak-lambda-excluded" }, (args) => ({
      contents: LAMBDA_EXCLUDED[args.path],
      loader: "js",
    }));
  },
};

/** The file `@aws-sdk/credential-provider-node` resolves to in Lambda bundles. */
export const LAMBDA_CREDENTIALS = fileURLToPath(new URL("./lambda-credentials.mjs", import.meta.url));

export const lambdaCredentials = {
  name: "firebreak-lambda-credentials",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: LAMBDA_CREDENTIALS }));
  },
};

/** The modules that read only `name` and `version` of their `../package.json` (user agents). */
const SDK_RUNTIME_CONFIG =
  /[\\/]node_modules[\\/](?:@aws-sdk[\\/]client-[^\\/]+[\\/]dist-(?:es|cjs)[\\/]runtimeConfig(?:\.[a-z-]+)?|@slack[\\/]web-api[\\/]dist[\\/]instrument)\.js$/;

export const sdkVersionOnly = {
  name: "firebreak-sdk-version-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/package\.json$/ }, (args) =>
      SDK_RUNTIME_CONFIG.test(args.importer)
        ? { path: path.resolve(args.resolveDir, args.path), namespace: "firebreak-sdk-version" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "firebreak-sdk-version" }, (args) => {
      const { name, version } = JSON.parse(readFileSync(args.path, "utf8"));
      return { contents: JSON.stringify({ name, version }), loader: "json" };
    });
  },
};

export default [lambdaOnly, sdkVersionOnly, lambdaCredentials];
