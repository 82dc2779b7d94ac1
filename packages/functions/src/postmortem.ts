import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { BusEvent } from "@firebreak/core/events/dispatcher";
import {
  draftPostmortem,
  IncidentMergedError,
  IncidentReopenedError,
} from "@firebreak/core/postmortem/draft";
import type { PostmortemDeps } from "@firebreak/core/postmortem/service";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { createLogger } from "./lib/logger";
import { awsPostmortemDeps } from "./lib/resources";

/**
 * postmortem: on `incident.status_changed` to resolved (from the app bus), drafts the
 * postmortem. Idempotent under redelivery; a failure throws, so Lambda retries, then the DLQ.
 */
export function createPostmortemHandler(getDeps: () => PostmortemDeps) {
  const logger = createLogger("postmortem");
  return middy(async (event: BusEvent, _context: Context) => {
    const entry = event.detail?.detail;
    if (event["detail-type"] !== "incident.status_changed" || entry?.data?.to !== "resolved") {
      logger.info("event ignored: not a resolution", { type: event["detail-type"] });
      return { status: "ignored" as const };
    }
    let result: Awaited<ReturnType<typeof draftPostmortem>>;
    try {
      result = await draftPostmortem(getDeps(), entry.incidentId);
    } catch (error) {
      if (error instanceof IncidentMergedError) {
        logger.info("postmortem not drafted", { incidentId: entry.incidentId, reason: error.message });
        return { status: "merged" as const };
      }
      if (!(error instanceof IncidentReopenedError)) throw error;
      logger.info("postmortem not drafted", { incidentId: entry.incidentId, reason: error.message });
      return { status: "reopened" as const };
    }
    logger.info("postmortem draft", {
      incidentId: entry.incidentId,
      action: result.action,
      version: result.draft.version,
      lintFindings: result.draft.metadata.lint.length,
    });
    return { status: result.action, version: result.draft.version };
  }).use(injectLambdaContext(logger));
}

export const handler = createPostmortemHandler(awsPostmortemDeps);
