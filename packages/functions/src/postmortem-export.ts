import { awsExportDeps } from "./lib/export-resources";
import { createPostmortemExportHandler } from "./postmortem/exporter";

export { createPostmortemExportHandler };

/** PostmortemExport (infra/postmortem.ts, only with a bucket): postmortem/exporter.ts on Lambda. */
export const handler = createPostmortemExportHandler(awsExportDeps);
