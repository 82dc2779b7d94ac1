/**
 * The AWS SDK credential provider of Firebreak's Lambda bundles: infra/esbuild-plugins.mjs resolves
 * `@aws-sdk/credential-provider-node` (the default chain every SDK v3 client imports) to this file.
 *
 * Why: the default chain bundles every source a laptop or an EC2 host may use (SSO with its OIDC
 * and sign-in clients, STS role assumption, ini profiles, credential processes, web identity, IMDS),
 * ~140 KB of each minified bundle. In Lambda none of them is ever reached: the runtime puts the
 * function role's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, the
 * first source the default chain tries. Container-style runtimes that serve credentials over HTTP
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI) are kept as the second source.
 *
 * Only Lambda bundles use this; the local runtime, CLI and tests keep the full default chain.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";
import { fromHttp } from "@aws-sdk/credential-provider-http";

const CONTAINER_VARIABLES = ["AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"];

export const LAMBDA_CREDENTIALS_MISSING =
  "no AWS credentials: Firebreak's Lambda bundles read them from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY " +
  "(set by the Lambda runtime) or AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI; the other sources of " +
  "the SDK's default chain are not bundled (infra/lambda-credentials.mjs)";

/** The same signature as `@aws-sdk/credential-provider-node`'s `defaultProvider`. */
export const defaultProvider =
  (init = {}) =>
  async (identityProperties) => {
    if (process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY) {
      return fromEnv(init)(identityProperties);
    }
    if (CONTAINER_VARIABLES.some((name) => process.env[name])) return fromHttp(init)(identityProperties);
    const error = new Error(LAMBDA_CREDENTIALS_MISSING);
    error.name = "CredentialsProviderError";
    throw error;
  };

/** Also exported by the package this replaces, with its meaning: refresh 5 minutes before expiry. */
export const credentialsWillNeedRefresh = (credentials) => credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
