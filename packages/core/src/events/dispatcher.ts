import { randomUUID } from "node:crypto";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, ValidationError } from "@firebreak/core/shared/errors";
import type { Log } from "@firebreak/core/shared/log";
import { sleep as realSleep, retry, type Sleep } from "@firebreak/core/shared/retry";
import type { EventBridgeEvent } from "aws-lambda";
import { type DomainEvent, EVENT_SOURCE, type EventPublisher } from "./publisher";

/** A domain event as a bus target receives it: the EventBridge envelope, with the DomainEvent as detail. */
export type BusEvent = EventBridgeEvent<string, DomainEvent>;

/** One element of a pattern array: an exact value, or `{ prefix }` (EventBridge prefix matching). */
export type PatternValue = string | { prefix: string };

/** A pattern over the event's `detail`: at each key, the values to match, or a nested pattern. */
export interface DetailPattern {
  readonly [key: string]: readonly PatternValue[] | DetailPattern;
}

/** The subset of EventBridge event patterns the local bus supports. An omitted key matches anything. */
export interface EventPattern {
  source?: readonly PatternValue[];
  "detail-type"?: readonly PatternValue[];
  /** Nested matching on the detail, as EventBridge does (e.g. `{ detail: { data: { to: ["resolved"] } } }`). */
  detail?: DetailPattern;
}

export type BusHandler = (event: BusEvent) => Promise<void>;

/** An event a subscriber still failed on after every attempt. Kept, never dropped. */
export interface DeadLetteredEvent {
  subscriber: string;
  event: BusEvent;
  attempts: number;
  reason: string;
  error: unknown;
  at: string;
}

export interface LocalDispatcherOptions {
  log?: Log;
  /** Attempts per subscriber and event before dead-lettering (default 3). */
  maxAttempts?: number;
  /** Backoff between attempts: full jitter, base 50 ms, cap 1 s by default. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How many recent events to keep for the local API (default 500). */
  recentLimit?: number;
  account?: string;
  region?: string;
  sleep?: Sleep;
  /** Stamps dead letters (default: the system clock). */
  clock?: Clock;
}

interface Subscription {
  name: string;
  pattern: EventPattern;
  handler: BusHandler;
}

const consoleLog: Log = {
  info: (message, ...extra) => console.info(message, ...extra),
  warn: (message, ...extra) => console.warn(message, ...extra),
  error: (message, ...extra) => console.error(message, ...extra),
};

/**
 * The in-process bus of the local runtime. Routes events to subscribers with EventBridge pattern
 * semantics; delivery is asynchronous (like EventBridge, `publish` returns once events are
 * accepted), each subscriber is isolated, retried, and dead-lettered after its last attempt.
 */
export class LocalDispatcher implements EventPublisher {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly taps: Array<(event: BusEvent) => void> = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly recent: BusEvent[] = [];
  private readonly dead: DeadLetteredEvent[] = [];
  private readonly log: Log;
  private readonly maxAttempts: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly recentLimit: number;
  private readonly account: string;
  private readonly region: string;
  private readonly sleep: Sleep;
  private readonly clock: Clock;

  constructor(options: LocalDispatcherOptions = {}) {
    this.log = options.log ?? consoleLog;
    this.clock = options.clock ?? systemClock;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.backoff = { baseMs: options.retryBaseMs ?? 50, maxMs: options.retryMaxMs ?? 1_000 };
    this.recentLimit = options.recentLimit ?? 500;
    this.account = options.account ?? "000000000000";
    this.region = options.region ?? "local";
    this.sleep = options.sleep ?? realSleep;
  }

  /** Adds a target; returns a function that removes it. Names are unique (they label dead letters). */
  subscribe(name: string, pattern: EventPattern, handler: BusHandler): () => void {
    if (this.subscriptions.has(name)) {
      throw new FirebreakError("duplicate_subscriber", `a subscriber named ${name} already exists`);
    }
    validatePattern(pattern);
    this.subscriptions.set(name, { name, pattern, handler });
    return () => {
      this.subscriptions.delete(name);
    };
  }

  /** The name and pattern of every subscriber, in subscription order. */
  subscribers(): Array<{ name: string; pattern: EventPattern }> {
    return [...this.subscriptions.values()].map(({ name, pattern }) => ({ name, pattern }));
  }

  /** Observes every published event (the local console); not a subscriber: never retried or dead-lettered. */
  tap(observer: (event: BusEvent) => void): void {
    this.taps.push(observer);
  }

  async publish(events: DomainEvent[]): Promise<void> {
    for (const event of events) this.route(this.toBusEvent(event));
  }

  /**
   * Publishes, then resolves once every subscriber has handled these events: delivered, or
   * dead-lettered after its last attempt (never rejects for a subscriber). For a publisher that
   * may only say "done" when the work is done: the local outbox, whose stream checkpoint must
   * not pass an event that a crash would lose with this process's memory.
   */
  async publishAndWait(events: DomainEvent[]): Promise<void> {
    const deliveries = events.flatMap((event) => this.route(this.toBusEvent(event)));
    await Promise.all(deliveries);
  }

  /** Resolves when every delivery started so far (and any started by them) has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The last `recentLimit` events published, oldest first. */
  recentEvents(): BusEvent[] {
    return [...this.recent];
  }

  deadLetters(): DeadLetteredEvent[] {
    return [...this.dead];
  }

  private toBusEvent(event: DomainEvent): BusEvent {
    return {
      version: "0",
      id: randomUUID(),
      "detail-type": event.type,
      source: EVENT_SOURCE,
      account: this.account,
      time: event.time,
      region: this.region,
      resources: [],
      // What a real target gets is JSON: a copy, so subscribers never share (or mutate) one object.
      detail: JSON.parse(JSON.stringify(event)) as DomainEvent,
    };
  }

  /** Starts the deliveries of one event; returns them. */
  private route(event: BusEvent): Promise<void>[] {
    this.recent.push(event);
    if (this.recent.length > this.recentLimit) this.recent.splice(0, this.recent.length - this.recentLimit);
    for (const observer of this.taps) {
      try {
        observer(event);
      } catch (error) {
        this.log.warn("bus tap failed", { detailType: event["detail-type"], error });
      }
    }
    const deliveries: Promise<void>[] = [];
    for (const subscription of this.subscriptions.values()) {
      if (matchesPattern(subscription.pattern, event))
        deliveries.push(this.track(this.deliver(subscription, event)));
    }
    return deliveries;
  }

  private track(delivery: Promise<void>): Promise<void> {
    this.inFlight.add(delivery);
    delivery.finally(() => this.inFlight.delete(delivery));
    return delivery;
  }

  /** Never rejects: every outcome is a delivery or a dead letter. */
  private async deliver(subscription: Subscription, event: BusEvent): Promise<void> {
    await Promise.resolve(); // deliver after publish() returns, as a bus would
    let attempts = 0;
    try {
      await retry(
        async (attempt) => {
          attempts = attempt;
          await subscription.handler(event);
        },
        {
          attempts: this.maxAttempts,
          retryable: () => true,
          onRetry: (error, attempt) =>
            this.log.warn("bus subscriber failed; retrying", {
              ...logAttributes(subscription, event, error),
              attempt,
            }),
          backoff: this.backoff,
          sleep: this.sleep,
        },
      );
    } catch (error) {
      this.deadLetter(subscription, event, attempts, error);
    }
  }

  private deadLetter(subscription: Subscription, event: BusEvent, attempts: number, error: unknown): void {
    const letter: DeadLetteredEvent = {
      subscriber: subscription.name,
      event,
      attempts,
      reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      error,
      at: this.clock.now().toISOString(),
    };
    this.dead.push(letter);
    this.log.error("bus subscriber failed on every attempt; event dead-lettered", {
      ...logAttributes(subscription, event, error),
      attempts,
    });
  }
}

function logAttributes(subscription: Subscription, event: BusEvent, error: unknown): Record<string, unknown> {
  return {
    subscriber: subscription.name,
    detailType: event["detail-type"],
    eventId: event.detail.id,
    incidentId: event.detail.incidentId,
    error,
  };
}

/**
 * EventBridge semantics: `source` and `detail-type` must match one element of their arrays; a
 * `detail` pattern matches key by key, nested objects recursively, and a leaf array matches when
 * the event's value (or any element of an array value) equals one of its elements.
 */
export function matchesPattern(
  pattern: EventPattern,
  event: Pick<BusEvent, "source" | "detail-type"> & { detail?: unknown },
): boolean {
  return (
    matchesField(pattern.source, event.source) &&
    matchesField(pattern["detail-type"], event["detail-type"]) &&
    (pattern.detail === undefined || matchesDetail(pattern.detail, event.detail))
  );
}

function matchesField(values: readonly PatternValue[] | undefined, actual: unknown): boolean {
  if (values === undefined) return true;
  if (Array.isArray(actual)) return actual.some((item) => matchesField(values, item));
  if (typeof actual !== "string") return false;
  return values.some((value) =>
    typeof value === "string" ? value === actual : actual.startsWith(value.prefix),
  );
}

/** EventBridge content matching of `pattern` over any object (a detail, a stream record for a Lambda filter). */
export function matchesDetail(pattern: DetailPattern, actual: unknown): boolean {
  if (typeof actual !== "object" || actual === null) return false;
  const object = actual as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) =>
    isPatternList(expected) ? matchesField(expected, object[key]) : matchesDetail(expected, object[key]),
  );
}

function isPatternList(value: readonly PatternValue[] | DetailPattern): value is readonly PatternValue[] {
  return Array.isArray(value);
}

function validatePattern(pattern: EventPattern): void {
  const issues = [
    ...(["source", "detail-type"] as const).flatMap((key) => valuesIssues(key, pattern[key])),
    ...(pattern.detail === undefined ? [] : detailIssues("detail", pattern.detail)),
  ];
  if (issues.length > 0) throw new ValidationError("invalid event pattern", issues);
}

function valuesIssues(path: string, values: unknown): Array<{ path: string; message: string }> {
  if (values === undefined) return [];
  if (!Array.isArray(values) || values.length === 0) return [{ path, message: "must be a non-empty array" }];
  return values.flatMap((value, i) =>
    isPatternValue(value)
      ? []
      : [{ path: `${path}[${i}]`, message: "must be a string or { prefix: string }" }],
  );
}

function detailIssues(path: string, pattern: unknown): Array<{ path: string; message: string }> {
  if (typeof pattern !== "object" || pattern === null || Array.isArray(pattern))
    return [{ path, message: "must be an object" }];
  return Object.entries(pattern).flatMap(([key, value]) =>
    Array.isArray(value) ? valuesIssues(`${path}.${key}`, value) : detailIssues(`${path}.${key}`, value),
  );
}

function isPatternValue(value: unknown): value is PatternValue {
  if (typeof value === "string") return true;
  return typeof value === "object" && value !== null && "prefix" in value && typeof value.prefix === "string";
}
