import type { S3Client } from "@aws-sdk/client-s3";
import { S3ObjectSink } from "@firebreak/core/adapters/aws/s3-object-sink";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import type { ExportDeps } from "@firebreak/core/postmortem/export";
import { BUCKET_SETTING, exportBucketFromEnv } from "@firebreak/core/postmortem/export-config";
import { FirebreakError } from "@firebreak/core/shared/errors";
import type { Platform } from "./platform";

/** The PostmortemExport consumer: every stored version to FIREBREAK_POSTMORTEM_BUCKET through `s3`. */
export function exportDeps(platform: Platform, s3: S3Client): ExportDeps {
  const bucket = exportBucketFromEnv(platform.env);
  if (!bucket)
    throw new FirebreakError(
      "config_missing",
      `${BUCKET_SETTING} is not set: the export function has nowhere to write`,
    );
  const { db, tableName } = platform.table();
  return {
    incidents: new IncidentStore(db, tableName),
    postmortems: new PostmortemStore(db, tableName),
    sink: new S3ObjectSink(s3, bucket),
  };
}
