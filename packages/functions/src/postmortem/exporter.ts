import { type ExportDeps, exportPostmortemVersion } from "@firebreak/core/postmortem/export";
import { defineConsumer } from "../wiring/consumer";

export type ExportResult = { status: "exported"; keys: Awaited<ReturnType<typeof exportPostmortemVersion>> };

/**
 * The postmortem export (BUS_CONSUMERS.PostmortemExport): every stored version (a generated draft,
 * a regeneration or a human edit: `postmortem.drafted`) written to the S3 bucket
 * FIREBREAK_POSTMORTEM_BUCKET (core/postmortem/export.ts). A failure throws, so Lambda retries,
 * then the DLQ. Deployed only when the bucket is configured (infra/postmortem.ts).
 */
export function createPostmortemExportHandler(getDeps: () => ExportDeps) {
  return defineConsumer<"PostmortemExport", ExportResult>("PostmortemExport", (logger) => ({
    "postmortem.drafted": async ({ incidentId, data: { version } }) => {
      try {
        const keys = await exportPostmortemVersion(getDeps(), incidentId, version);
        logger.info("postmortem exported", { incidentId, version, keys });
        return { status: "exported", keys };
      } catch (error) {
        logger.error("postmortem export failed (retried, then the DLQ)", {
          incidentId,
          version,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        throw error;
      }
    },
  }));
}
