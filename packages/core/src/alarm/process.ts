import { systemClock } from "@firebreak/core/shared/clock";
import { ValidationError } from "@firebreak/core/shared/errors";
import type { Log } from "@firebreak/core/shared/log";
import type { DeadLetterSink } from "./dead-letter";
import { type IngestDeps, type IngestResult, ingestAlarmTransition } from "./ingest";
import { normaliseAlarmEvent, normaliseSnsRecord } from "./normalise";
import type { AlarmTransition } from "./transition";

export interface ProcessDeps extends IngestDeps {
  deadLetters: DeadLetterSink;
  log?: Log;
}

export interface ProcessSummary {
  ingested: (IngestResult & { deliveryId: string; alarmArn: string })[];
  /** Malformed events or records: sent to the dead-letter sink once, never retried. */
  rejected: { index: number; error: ValidationError }[];
  /** Deliberately ignored (another detail type). */
  ignored?: string;
}

/** Thrown after every record was tried when some failed for a reason a retry can fix. */
export class RetryableBatchError extends AggregateError {
  constructor(errors: unknown[]) {
    super(errors, `${errors.length} record(s) failed and will be retried; the others were processed`);
    this.name = "RetryableBatchError";
  }
}

interface SnsLike {
  Records: unknown[];
}

function isSnsEvent(event: unknown): event is SnsLike {
  return (
    typeof event === "object" &&
    event !== null &&
    Array.isArray((event as { Records?: unknown }).Records) &&
    (event as SnsLike).Records.some((r) => typeof r === "object" && r !== null && "Sns" in r)
  );
}

/**
 * Everything alarm-ingest does with one Lambda event, in any of the three formats. Each record
 * is independent: a malformed one is dead-lettered once, a transient failure is retried (by
 * throwing after the rest were processed: the processed ones are idempotent on redelivery).
 */
export async function processAlarmEvent(deps: ProcessDeps, event: unknown): Promise<ProcessSummary> {
  const summary: ProcessSummary = { ingested: [], rejected: [] };
  const retryable: unknown[] = [];
  const units: { index: number; raw: unknown; normalise: () => AlarmTransition[] | string }[] = isSnsEvent(
    event,
  )
    ? event.Records.map((raw, index) => ({ index, raw, normalise: () => [normaliseSnsRecord(raw, index)] }))
    : [
        {
          index: 0,
          raw: event,
          normalise: () => {
            const result = normaliseAlarmEvent(event);
            return result.kind === "ignored" ? result.reason : result.transitions;
          },
        },
      ];

  for (const unit of units) {
    let transitions: AlarmTransition[];
    try {
      const normalised = unit.normalise();
      if (typeof normalised === "string") {
        summary.ignored = normalised;
        deps.log?.info("event ignored", { reason: normalised });
        continue;
      }
      transitions = normalised;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      summary.rejected.push({ index: unit.index, error });
      deps.log?.warn("malformed alarm event sent to the dead-letter queue", {
        reason: error.message,
        issues: error.issues,
      });
      await deps.deadLetters.send({
        source: "alarm-ingest",
        reason: error.message,
        issues: error.issues,
        event: unit.raw,
        at: (deps.clock ?? systemClock).now().toISOString(),
      });
      continue;
    }
    for (const t of transitions) {
      try {
        const result = await ingestAlarmTransition(deps, t);
        summary.ingested.push({ ...result, deliveryId: t.deliveryId, alarmArn: t.alarmArn });
        deps.log?.info("alarm transition ingested", {
          outcome: result.outcome,
          incidentId: result.incidentId,
          alarm: t.alarmName,
          state: t.state,
          deliveryId: t.deliveryId,
        });
      } catch (error) {
        deps.log?.error("alarm transition failed; it will be retried", { deliveryId: t.deliveryId, error });
        retryable.push(error);
      }
    }
  }
  if (retryable.length > 0) throw new RetryableBatchError(retryable);
  return summary;
}
