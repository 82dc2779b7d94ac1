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
  /**
   * Events or records that can never be ingested (malformed, a state timestamp too far ahead, an
   * item DynamoDB refuses for its size or depth): sent to the dead-letter sink once, never retried.
   */
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

/** Dead letters keep the event to this depth (deeper parts are cut): JSON can always encode them. */
const MAX_LETTER_DEPTH = 40;

/**
 * A copy of `value` whose objects and arrays deeper than `maxDepth` are replaced by a note. The
 * recursion is bounded by `maxDepth`, so a 50,000-level event cannot overflow the stack.
 */
export function withBoundedDepth(value: unknown, maxDepth: number): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (maxDepth <= 0) return `[cut: nested deeper than ${MAX_LETTER_DEPTH} levels]`;
  if (Array.isArray(value)) return value.map((v) => withBoundedDepth(v, maxDepth - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBoundedDepth(v, maxDepth - 1)]));
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

  const reject = async (unit: { index: number; raw: unknown }, error: ValidationError) => {
    summary.rejected.push({ index: unit.index, error });
    deps.log?.warn("alarm event that cannot be ingested sent to the dead-letter queue", {
      reason: error.message,
      issues: error.issues,
    });
    await deps.deadLetters.send({
      source: "alarm-ingest",
      reason: error.message,
      issues: error.issues,
      event: withBoundedDepth(unit.raw, MAX_LETTER_DEPTH),
      at: (deps.clock ?? systemClock).now().toISOString(),
    });
  };

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
      await reject(unit, error);
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
        if (result.deadLettered)
          deps.log?.warn("transitions waiting for a delayed ALARM did not fit and were dead-lettered", {
            alarm: t.alarmName,
            count: result.deadLettered,
          });
      } catch (error) {
        // A permanent error (a state timestamp too far ahead, an item DynamoDB refuses): retrying
        // cannot fix it, so it is dead-lettered and reported, not thrown.
        if (error instanceof ValidationError) {
          await reject(unit, error);
          continue;
        }
        deps.log?.error("alarm transition failed; it will be retried", { deliveryId: t.deliveryId, error });
        retryable.push(error);
      }
    }
  }
  if (retryable.length > 0) throw new RetryableBatchError(retryable);
  return summary;
}
