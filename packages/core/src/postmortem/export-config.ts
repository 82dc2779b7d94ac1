/**
 * The postmortem export's setting (packages/core/src/postmortem/export.ts), without the S3 client,
 * so the deploy (infra/config.ts) and the local runtime validate it the same way.
 */
import { ValidationError } from "@firebreak/core/shared/errors";

export const BUCKET_SETTING = "FIREBREAK_POSTMORTEM_BUCKET";

const BUCKET_RULES =
  "3-63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address";

/**
 * The export bucket from the environment: undefined when the export is off (unset or empty), the
 * name when valid, a ValidationError naming the variable otherwise.
 */
export function exportBucketFromEnv(
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  const value = env[BUCKET_SETTING]?.trim();
  if (!value) return undefined;
  const valid =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value) &&
    !value.includes("..") &&
    !/^\d{1,3}(\.\d{1,3}){3}$/.test(value) &&
    !value.startsWith("xn--") &&
    !value.endsWith("-s3alias");
  if (!valid) {
    throw new ValidationError(
      `invalid configuration: ${BUCKET_SETTING}: "${value}" is not an S3 bucket name`,
      [{ path: BUCKET_SETTING, message: `expected an S3 bucket name (${BUCKET_RULES})` }],
    );
  }
  return value;
}
