import { S3Client } from "@aws-sdk/client-s3";
import type { ExportDeps } from "@firebreak/core/postmortem/export";
import { exportDeps } from "../wiring/postmortem-export";
import { lambdaPlatform } from "./resources";

/**
 * Production wiring of the postmortem export (its own module, so only the PostmortemExport bundle
 * carries the S3 client): wiring/postmortem.ts on Lambda's platform, with the SDK's default S3 client.
 */
let deps: ExportDeps | undefined;
export function awsExportDeps(): ExportDeps {
  deps ??= exportDeps(lambdaPlatform(), new S3Client({}));
  return deps;
}
