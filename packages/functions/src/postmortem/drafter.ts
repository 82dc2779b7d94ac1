import {
  draftPostmortem,
  IncidentMergedError,
  IncidentReopenedError,
} from "@firebreak/core/postmortem/draft";
import type { PostmortemDeps } from "@firebreak/core/postmortem/service";
import { defineConsumer } from "../wiring/consumer";

export type DrafterResult =
  | { status: "ignored" | "merged" | "reopened" }
  | { status: Awaited<ReturnType<typeof draftPostmortem>>["action"]; version: number };

/**
 * The postmortem drafter (BUS_CONSUMERS.Postmortem): an incident resolved → its postmortem draft.
 * Idempotent under redelivery; an incident merged or reopened since is not drafted (and says why);
 * any other failure throws, so Lambda retries, then the DLQ.
 */
export function createPostmortemHandler(getDeps: () => PostmortemDeps) {
  return defineConsumer<"Postmortem", DrafterResult>("Postmortem", (logger) => ({
    "incident.status_changed": async ({ incidentId, data }) => {
      if (data.to !== "resolved") return { status: "ignored" };
      try {
        const { action, draft } = await draftPostmortem(getDeps(), incidentId);
        logger.info("postmortem draft", {
          incidentId,
          action,
          version: draft.version,
          lintFindings: draft.metadata.lint.length,
        });
        return { status: action, version: draft.version };
      } catch (error) {
        if (!(error instanceof IncidentMergedError || error instanceof IncidentReopenedError)) throw error;
        logger.info("postmortem not drafted", { incidentId, reason: error.message });
        return { status: error instanceof IncidentMergedError ? "merged" : "reopened" };
      }
    },
  }));
}
