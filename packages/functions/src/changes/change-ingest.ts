import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { DeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { withBoundedDepth } from "@firebreak/core/alarm/process";
import { type ChangeDeps, recordDeployChange } from "@firebreak/core/changes/actions";
import { readDeployEvent } from "@firebreak/core/changes/change";
import { systemClock } from "@firebreak/core/shared/clock";
import { ValidationError } from "@firebreak/core/shared/errors";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { createLogger } from "../lib/logger";

export type ChangeIngestResult =
  | { status: "recorded" | "duplicate"; change: { id: string; service: string; summary: string } }
  | { status: "ignored"; reason: string }
  | { status: "refused"; reason: string };

export type ChangeIngestDeps = ChangeDeps & { deadLetters: DeadLetterSink };

/**
 * The change ingest: AWS's deployment events from the default-bus rule (CHANGE_INGEST in
 * wiring/topology.ts): CodeDeploy, ECS and CloudFormation, recorded as changes to the service they
 * name (core/changes). A redelivery is the same change (its event id). An event that lacks what it
 * needs is dead-lettered with its reason, never retried; a failure to write is thrown (retried).
 */
export function createChangeIngestHandler(getDeps: () => ChangeIngestDeps) {
  const logger = createLogger("change-ingest");
  return middy(async (event: unknown, _context: Context): Promise<ChangeIngestResult> => {
    const deps = getDeps();
    try {
      const change = readDeployEvent(event);
      if (!change)
        return { status: "ignored", reason: "not a CodeDeploy, ECS or CloudFormation deployment event" };
      const { recorded, change: stored } = await recordDeployChange(deps, change);
      logger.info("change recorded", { id: stored.id, service: stored.service, recorded });
      return {
        status: recorded ? "recorded" : "duplicate",
        change: { id: stored.id, service: stored.service, summary: stored.summary },
      };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      logger.warn("deployment event that cannot be recorded sent to the dead letters", {
        reason: error.message,
      });
      await deps.deadLetters.send({
        source: "change-ingest",
        reason: error.message,
        issues: error.issues,
        event: withBoundedDepth(event, 40),
        at: (deps.clock ?? systemClock).now().toISOString(),
      });
      return { status: "refused", reason: error.message };
    }
  }).use(injectLambdaContext(logger));
}
