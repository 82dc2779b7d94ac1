/**
 * The storage errors of the incident store and the translation of DynamoDB's refusals into them:
 * a size or depth limit (permanent), a cancelled alarm transaction (duplicate delivery or a
 * concurrent change). SDK exceptions are translated here, and only here.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { FirebreakError, ValidationError } from "@firebreak/core/shared/errors";

/** The delivery was already processed: nothing to do. */
export class DuplicateDeliveryError extends FirebreakError {
  constructor(deliveryId: string) {
    super("duplicate_delivery", `delivery ${deliveryId} was already processed`);
  }
}

/** Someone else changed the alarm or incident between our read and our write: read again and retry. */
export class ConcurrentChangeError extends FirebreakError {
  constructor(what: string, options?: { cause?: unknown }) {
    super("concurrent_change", `${what} changed concurrently; retry`, options);
  }
}

/** The alarm no longer points at this incident (already released): save without releasing it. */
export class AlarmReleasedError extends FirebreakError {
  constructor(arn: string) {
    super("alarm_released", `alarm ${arn} is not held by this incident`);
  }
}

/** Grouped alarms that no longer hold the incident (internal: the commit retries without them). */
export class RelatedAlarmsReleasedError extends FirebreakError {
  constructor(readonly arns: string[]) {
    super("alarm_released", `alarms ${arns.join(", ")} are not held by this incident`);
  }
}

/**
 * DynamoDB refused the item for good: a key over 2 KB, an item over 400 KB, attributes nested
 * deeper than 32 levels. Sending it again cannot help: a permanent error (dead-lettered, 400).
 */
export class StorageLimitError extends ValidationError {}

const LIMIT_MESSAGE = /size|nest(ing|ed) level|must be under \d+ bytes|exceed/i;

/** DynamoDB's ValidationException for a size or depth limit, as a permanent StorageLimitError. */
export function permanentStorageError(error: unknown): unknown {
  const name = (error as { name?: unknown } | null)?.name;
  let message: string | undefined;
  if (name === "ValidationException") message = (error as Error).message;
  if (error instanceof TransactionCanceledException) {
    message = error.CancellationReasons?.find((r) => r.Code === "ValidationError")?.Message ?? undefined;
  }
  if (message === undefined || !LIMIT_MESSAGE.test(message)) return error;
  return new StorageLimitError(
    `DynamoDB refused the item: ${message}`,
    [{ path: "(item)", message: `DynamoDB refused the item: ${message}` }],
    { cause: error },
  );
}

/** A cancelled alarm transaction (`commitAlarmChange`) as the error its first failed condition means. */
export function translateTransactionError(
  error: unknown,
  deliveryId: string,
  withTransition: boolean,
): unknown {
  const permanent = permanentStorageError(error);
  if (permanent !== error || !(error instanceof TransactionCanceledException)) return permanent;
  const reasons = error.CancellationReasons ?? [];
  if (reasons[0]?.Code === "ConditionalCheckFailed") return new DuplicateDeliveryError(deliveryId);
  // The same transition, delivered by another channel, was committed first.
  if (withTransition && reasons[1]?.Code === "ConditionalCheckFailed")
    return new DuplicateDeliveryError(deliveryId);
  return new ConcurrentChangeError("the alarm or its incident", { cause: error });
}
