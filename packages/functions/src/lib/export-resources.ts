import { S3Client } from "@aws-sdk/client-s3";
import {
  BUCKET_SETTING,
  type ExportDeps,
  exportBucketFromEnv,
  S3ObjectSink,
} from "@firebreak/core/postmortem/export";
import { PostmortemStore } from "@firebreak/core/postmortem/store";
import { awsStore } from "./resources";

/**
 * Production wiring of the postmortem export (its own module, like dead-letters.ts and
 * paging-resources.ts, so only the PostmortemExport bundle carries the S3 client): the table, and
 * the bucket of FIREBREAK_POSTMORTEM_BUCKET, which infra/postmortem.ts sets on the function.
 */
let deps: ExportDeps | undefined;
export function awsExportDeps(): ExportDeps {
  if (deps) return deps;
  const bucket = exportBucketFromEnv();
  if (!bucket) throw new Error(`${BUCKET_SETTING} is not set: the export function has nowhere to write`);
  const incidents = awsStore();
  deps = {
    incidents,
    postmortems: new PostmortemStore(incidents.db, incidents.tableName),
    sink: new S3ObjectSink(new S3Client({}), bucket),
  };
  return deps;
}
