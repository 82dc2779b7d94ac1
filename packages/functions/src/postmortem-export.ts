import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { BusEvent } from "@firebreak/core/events/dispatcher";
import { type ExportDeps, exportPostmortemVersion } from "@firebreak/core/postmortem/export";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { awsExportDeps } from "./lib/export-resources";
import { createLogger } from "./lib/logger";

/**
 * postmortem-export: on `postmortem.drafted` (from the app bus: a generated draft, a regeneration or
 * a human edit was stored), writes that version to the S3 bucket FIREBREAK_POSTMORTEM_BUCKET
 * (packages/core/src/postmortem/export.ts). A failure throws, so Lambda retries, then the DLQ.
 * Deployed only when the bucket is configured (infra/postmortem.ts).
 */
export function createPostmortemExportHandler(getDeps: () => ExportDeps) {
  const logger = createLogger("postmortem-export");
  return middy(async (event: BusEvent, _context: Context) => {
    const entry = event.detail?.detail;
    const version = entry?.data?.version;
    if (event["detail-type"] !== "postmortem.drafted" || !entry?.incidentId || typeof version !== "number") {
      logger.warn("event ignored: not a stored postmortem version", { type: event["detail-type"] });
      return { status: "ignored" as const };
    }
    try {
      const keys = await exportPostmortemVersion(getDeps(), entry.incidentId, version);
      logger.info("postmortem exported", { incidentId: entry.incidentId, version, keys });
      return { status: "exported" as const, keys };
    } catch (error) {
      logger.error("postmortem export failed (retried, then the DLQ)", {
        incidentId: entry.incidentId,
        version,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      throw error;
    }
  }).use(injectLambdaContext(logger));
}

export const handler = createPostmortemExportHandler(awsExportDeps);
