import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from "@aws-sdk/client-eventbridge";
import { sleep as realSleep, retry, type Sleep } from "@firebreak/core/shared/retry";
import {
  type DomainEvent,
  EVENT_SOURCE,
  type EventPublisher,
  type FailedEvent,
  PublishError,
} from "../../events/publisher";

/** PutEvents takes at most 10 entries per call. */
export const MAX_ENTRIES_PER_CALL = 10;
/** PutEvents takes at most 256 KiB per call (and so per entry), sized as EventBridge sizes entries. */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** Error code of an event whose entry alone exceeds the request size limit: it is never sent. */
export const EVENT_TOO_LARGE = "EventTooLarge";
/** Error code of events left unsent because an earlier call failed outright. */
export const NOT_ATTEMPTED = "NotAttempted";
/** Error code of an entry the response did not account for (no EventId, no ErrorCode). */
export const NO_RESULT = "NoResult";

/**
 * Entry error codes that resending cannot fix (from the PutEventsResultEntry documentation);
 * any other code (InternalFailure, ThrottlingException, or one we do not know) is resent.
 */
export const NON_RETRYABLE_ENTRY_ERRORS: ReadonlySet<string> = new Set([
  "AccessDeniedException",
  "InvalidAccountIdException",
  "InvalidArgument",
  "MalformedDetail",
  "RedactionFailure",
  "NotAuthorizedForSourceException",
  "NotAuthorizedForDetailTypeException",
]);

export interface EventBridgePublisherOptions {
  busName: string;
  /** A ready client; otherwise one is made from `clientConfig` (region etc. from the environment). */
  client?: EventBridgeClient;
  clientConfig?: EventBridgeClientConfig;
  /** Rounds of PutEvents per batch, resending only failed entries between rounds (default 5). */
  maxAttempts?: number;
  /** Backoff between rounds: full jitter, base 100 ms, capped at 5 s by default. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Request size limit; defaults to EventBridge's 256 KiB. */
  maxRequestBytes?: number;
  sleep?: Sleep;
  random?: () => number;
}

interface Pending {
  /** Position in the `publish` input, to report failures in input order. */
  index: number;
  event: DomainEvent;
  entry: PutEventsRequestEntry;
  size: number;
}

interface Failure {
  index: number;
  failure: FailedEvent;
}

/** Publishes domain events to an EventBridge bus with PutEvents. Every event is published, or it throws PublishError. */
export class EventBridgePublisher implements EventPublisher {
  private readonly client: EventBridgeClient;
  private readonly busName: string;
  private readonly maxAttempts: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly maxRequestBytes: number;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(options: EventBridgePublisherOptions) {
    this.client = options.client ?? new EventBridgeClient(options.clientConfig ?? {});
    this.busName = options.busName;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.backoff = { baseMs: options.baseDelayMs ?? 100, maxMs: options.maxDelayMs ?? 5_000 };
    this.maxRequestBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  /**
   * Sends batches in order. Entry failures are resent with backoff; an event that is too large
   * is reported, never dropped. If a call fails outright (after the SDK's own retries for 5xx and
   * throttling), the remaining batches are not sent and are reported as NotAttempted.
   */
  async publish(events: DomainEvent[]): Promise<void> {
    const pending = events.map((event, index) => toPending(event, index, this.busName));
    const failures: Failure[] = pending
      .filter((p) => p.size > this.maxRequestBytes)
      .map((p) => this.tooLarge(p));
    const batches = toBatches(
      pending.filter((p) => p.size <= this.maxRequestBytes),
      this.maxRequestBytes,
    );
    for (const [i, batch] of batches.entries()) {
      const outcome = await this.sendWithRetries(batch);
      failures.push(...outcome.failures);
      if (outcome.fatal !== undefined) {
        const unsent = batches.slice(i + 1).flat();
        failures.push(
          ...unsent.map((p) => failureOf(p, NOT_ATTEMPTED, "not sent: an earlier PutEvents call failed")),
        );
        throw new PublishError(inInputOrder(failures), { cause: outcome.fatal });
      }
    }
    if (failures.length > 0) throw new PublishError(inInputOrder(failures));
  }

  private tooLarge(p: Pending): Failure {
    const message = `event ${p.event.id} (${p.event.type}) is ${p.size} bytes as a PutEvents entry; the limit is ${this.maxRequestBytes}`;
    return failureOf(p, EVENT_TOO_LARGE, message);
  }

  /**
   * The entries that still failed after all rounds (or failed with a non-retryable code). A call
   * that fails outright ends the rounds: its entries fail with the error's name, and `fatal` is set.
   */
  private async sendWithRetries(batch: Pending[]): Promise<{ failures: Failure[]; fatal?: unknown }> {
    const final: Failure[] = [];
    let toSend = batch;
    let retryable: Failure[] = [];
    try {
      await retry(
        async () => {
          const failed = await this.send(toSend);
          retryable = failed.filter((f) => !NON_RETRYABLE_ENTRY_ERRORS.has(f.failure.errorCode));
          final.push(...failed.filter((f) => NON_RETRYABLE_ENTRY_ERRORS.has(f.failure.errorCode)));
          if (retryable.length === 0) return;
          const again = new Set(retryable.map((f) => f.index));
          toSend = toSend.filter((p) => again.has(p.index));
          throw new EntriesFailed();
        },
        {
          attempts: this.maxAttempts,
          retryable: (error) => error instanceof EntriesFailed,
          backoff: this.backoff,
          sleep: this.sleep,
          random: this.random,
        },
      );
      return { failures: final };
    } catch (error) {
      if (error instanceof EntriesFailed) return { failures: [...final, ...retryable] };
      const lost = toSend.map((p) => failureOf(p, errorName(error), errorMessage(error)));
      return { failures: [...final, ...lost], fatal: error };
    }
  }

  /** One PutEvents call; returns its failed entries. PutEvents answers 200 even when entries fail. */
  private async send(batch: Pending[]): Promise<Failure[]> {
    const output = await this.client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
    const results = output.Entries ?? [];
    const failed: Failure[] = [];
    for (const [i, p] of batch.entries()) {
      const failure = entryFailure(results[i]);
      if (failure) failed.push(failureOf(p, failure.code, failure.message));
    }
    return failed;
  }
}

function entryFailure(
  result: PutEventsResultEntry | undefined,
): { code: string; message: string } | undefined {
  if (result?.ErrorCode) return { code: result.ErrorCode, message: result.ErrorMessage ?? result.ErrorCode };
  if (result?.EventId) return undefined;
  return { code: NO_RESULT, message: "PutEvents returned no EventId and no ErrorCode for this entry" };
}

function toPending(event: DomainEvent, index: number, busName: string): Pending {
  const time = new Date(event.time);
  const entry: PutEventsRequestEntry = {
    EventBusName: busName,
    Source: EVENT_SOURCE,
    DetailType: event.type,
    Detail: JSON.stringify(event),
    ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
  };
  return { index, event, entry, size: entrySize(entry) };
}

/** Entry size as EventBridge computes it ("Calculating PutEvents event entry size"). */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  size += Buffer.byteLength(entry.Source ?? "", "utf8");
  size += Buffer.byteLength(entry.DetailType ?? "", "utf8");
  size += Buffer.byteLength(entry.Detail ?? "", "utf8");
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, "utf8");
  return size;
}

/** Greedy batches of ≤ 10 entries and ≤ maxBytes, in input order. Every entry must fit alone. */
function toBatches(pending: Pending[], maxBytes: number): Pending[][] {
  const batches: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const p of pending) {
    if (current.length === MAX_ENTRIES_PER_CALL || bytes + p.size > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += p.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function failureOf(p: Pending, errorCode: string, errorMessage: string): Failure {
  return { index: p.index, failure: { eventId: p.event.id, type: p.event.type, errorCode, errorMessage } };
}

function inInputOrder(failures: Failure[]): FailedEvent[] {
  return [...failures].sort((a, b) => a.index - b.index).map((f) => f.failure);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "UnknownError";
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Some entries of a PutEvents call failed with a retryable code: they are sent again. */
class EntriesFailed extends Error {}
