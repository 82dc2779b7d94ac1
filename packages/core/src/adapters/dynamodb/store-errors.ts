/**
 * The translation of DynamoDB's refusals into the errors of incident writes (incident/errors.ts):
 * a size or depth limit (permanent), a cancelled alarm transaction (duplicate delivery or a
 * concurrent change). SDK exceptions are translated here, and only here.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { ConcurrentChangeError, DuplicateDeliveryError, StorageLimitError } from "../../incident/errors";

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
