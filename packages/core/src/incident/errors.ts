/**
 * The errors of alarm and incident writes: a duplicate delivery, a concurrent change, a released
 * alarm, an item the table refuses for good. The adapters of the repositories (ports.ts) translate
 * their storage's refusals into them.
 */
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
