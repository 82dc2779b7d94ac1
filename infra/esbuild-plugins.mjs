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
 */

const UNAVAILABLE = "is not bundled into Firebreak's Lambda functions (infra/esbuild-plugins.mjs)";

/** Module source per replaced package (CommonJS, like the packages they replace). */
export const LAMBDA_STUBS = {
  "@slack/socket-mode": `
    const message = "@slack/socket-mode ${UNAVAILABLE}: use AwsLambdaReceiver";
    class SocketModeClient { constructor() { throw new Error(message); } }
    module.exports = { SocketModeClient };`,
  express: `
    const message = "express ${UNAVAILABLE}: use AwsLambdaReceiver";
    function express() { throw new Error(message); }
    express.Router = function Router() { throw new Error(message); };
    module.exports = express;`,
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

/** Replaces the packages of `LAMBDA_STUBS` (imported by their bare name) with their stub. */
export const lambdaOnly = {
  name: "firebreak-lambda-only",
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(LAMBDA_STUBS).map(escapeRegExp).join("|")})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "firebreak-lambda-stub" }));
    build.onLoad({ filter: /.*/, namespace: "firebreak-lambda-stub" }, (args) => ({
      contents: LAMBDA_STUBS[args.path],
      loader: "js",
    }));
  },
};

export default [lambdaOnly];
