import type { Severity } from "../incident/model";
import { ABORTED, errorMessage, type RetryOptions, type RetryPolicy, type Sleep } from "./retry";

/**
 * Paging channel adapters: the common contract, and `sendIsolated`, which sends pages through
 * several channels at once so that one channel failing or hanging never holds up another.
 *
 * A page is (incident, target, level, channel). The caller builds every rendering of the page
 * up front (SMS text, e-mail, Slack blocks); an adapter only picks the ones its channel uses.
 */

/** `voice`: a call that speaks the page (End User Messaging SMS and Voice, voice-channel.ts). */
export type ChannelName = "sns" | "slack" | "voice";

export type PageTarget =
  /** A person: SNS pages their `phone` (SMS), voice calls it, Slack DMs their `slackUserId`. */
  | { kind: "person"; personId: string; phone?: string; slackUserId?: string; email?: string }
  /** An SNS topic: its subscriptions (SMS, e-mail, HTTPS, chat bots…) get the page. */
  | { kind: "topic"; arn: string }
  /** A Slack channel. */
  | { kind: "channel"; slackChannelId: string };

export interface OutgoingPage {
  /** Stable per page: the same page retried keeps its id. */
  pageId: string;
  incidentId: string;
  incidentNumber: number;
  severity: Severity;
  title: string;
  target: PageTarget;
  /** Prebuilt SMS text, at most 140 characters (longer text is cut by the SNS adapter). */
  sms: string;
  email: { subject: string; body: string };
  /** The default rendering, for any transport without its own. */
  text: string;
  /** `text` is the notification / accessibility fallback; `blocks` are passed to Slack as they are. */
  slack: { text: string; blocks: unknown[] };
  /**
   * A voice page: the SSML the call speaks, and the six-digit ack code it reads out (a reply by
   * SMS with the code acknowledges this page; see `voiceAckCode`). Only on voice pages.
   */
  voice?: { ssml: string; ackCode: string };
  /** The ack link did not fit the 140-character SMS, which says where to acknowledge instead. */
  smsLinkOmitted?: boolean;
}

export interface DeliveryError {
  code: string;
  message: string;
  /** Whether sending the same page again later may succeed (throttling, 5xx, timeouts). */
  retryable: boolean;
  /** The provider asked for this pause before trying again (Slack 429 `Retry-After`). */
  retryAfterMs?: number;
}

export type DeliveryResult =
  /** `providerId`: the SNS MessageId, or `<channel>:<ts>` of the Slack message. */
  | { status: "delivered"; providerId: string; attempts: number }
  | { status: "failed"; error: DeliveryError; attempts: number };

export interface SendOptions {
  /** Stop: no further attempt starts and the one in flight is abandoned (or cancelled). */
  signal?: AbortSignal;
  /** Called as each attempt starts (1-based). */
  onAttempt?: (attempt: number) => void;
}

/** A channel's retry settings (its constructor options), shared by every adapter. */
export interface ChannelRetrySettings {
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  random?: () => number;
}

/** The retry options of one send: the channel's settings plus the caller's signal and hook. */
export function retryOptionsFor(channel: ChannelRetrySettings, send: SendOptions): RetryOptions {
  return {
    policy: channel.retry,
    sleep: channel.sleep,
    random: channel.random,
    signal: send.signal,
    onAttempt: send.onAttempt,
  };
}

export interface PageChannel {
  readonly name: ChannelName;
  /**
   * Sends one page with bounded retries. Never throws for a provider failure (it returns
   * `failed`); it may throw for a programming error.
   */
  send(page: OutgoingPage, options?: SendOptions): Promise<DeliveryResult>;
}

/** Failure codes shared by the adapters (the others are the providers' own codes). */
export const DELIVERY_ERRORS = {
  /** The target has no address on this channel (a person without a phone for SNS, say). */
  noAddress: "no_address",
  /** The channel cannot reach this kind of target (a Slack channel through SNS). */
  unsupportedTarget: "unsupported_target",
  /** `sendIsolated` was asked for a channel it was not given. */
  channelNotConfigured: "channel_not_configured",
  /** The channel did not finish within its time budget in `sendIsolated`. */
  channelTimeout: "channel_timeout",
  /** The adapter threw (a bug): reported as a failure so the other channels are unaffected. */
  channelError: "channel_error",
} as const;

export function failed(
  code: string,
  message: string,
  retryable: boolean,
  attempts = 0,
  retryAfterMs?: number,
): DeliveryResult {
  const error: DeliveryError = { code, message, retryable };
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  return { status: "failed", error, attempts };
}

// ---- sending through several channels at once ----

export interface ChannelPage {
  channel: ChannelName;
  page: OutgoingPage;
}

export interface IsolatedResult {
  channel: ChannelName;
  pageId: string;
  result: DeliveryResult;
  /** From the start of `sendIsolated` to this page's result. */
  elapsedMs: number;
  /** What the adapter threw, when it threw (the result is then `channel_error`). */
  thrown?: unknown;
}

export interface SendIsolatedOptions {
  /**
   * Time budget of each send, in ms: one number for every channel, or one per channel
   * (default 10 s). Set it above the adapter's own worst case (attempts × request timeout +
   * backoff) so the adapter's own `failed` result, not the budget, normally ends a send.
   */
  timeoutMs?: number | Partial<Record<ChannelName, number>>;
  /** Monotonic clock in ms (default `performance.now`). */
  now?: () => number;
}

export const DEFAULT_CHANNEL_TIMEOUT_MS = 10_000;

/**
 * Sends every page through its channel, all concurrently, and reports one result per page in
 * input order. Each send has its own `AbortSignal.timeout`: when it fires the adapter is told to
 * stop and the page is reported `channel_timeout` at once, whether or not the adapter has
 * noticed. An adapter that throws is reported as `channel_error`. So no channel's failure or
 * slowness delays, blocks or hides another channel's result. Never rejects.
 */
export async function sendIsolated(
  channels: readonly PageChannel[],
  pages: readonly ChannelPage[],
  options: SendIsolatedOptions = {},
): Promise<IsolatedResult[]> {
  const byName = new Map<ChannelName, PageChannel>();
  for (const channel of channels) byName.set(channel.name, channel);
  const now = options.now ?? (() => performance.now());
  const started = now();

  const sends = pages.map(async ({ channel: name, page }): Promise<IsolatedResult> => {
    const channel = byName.get(name);
    if (!channel) {
      const result = failed(DELIVERY_ERRORS.channelNotConfigured, `no ${name} channel is configured`, false);
      return { channel: name, pageId: page.pageId, result, elapsedMs: now() - started };
    }
    const budget = timeoutFor(name, options.timeoutMs);
    const signal = AbortSignal.timeout(budget);
    let attempts = 0;
    const onAttempt = (attempt: number) => {
      attempts = attempt;
    };
    const timedOut = (cause?: string) =>
      failed(
        DELIVERY_ERRORS.channelTimeout,
        `${name} did not finish within ${budget} ms${cause ? ` (${cause})` : ""}`,
        true,
        attempts,
      );
    const deadline = new Promise<DeliveryResult>((resolve) =>
      signal.addEventListener("abort", () => resolve(timedOut()), { once: true }),
    );
    try {
      // `Promise.resolve().then` so that an adapter throwing synchronously is caught here too.
      const sent = Promise.resolve().then(() => channel.send(page, { signal, onAttempt }));
      let result = await Promise.race([sent, deadline]);
      if (result.status === "failed" && result.error.code === ABORTED && signal.aborted)
        result = timedOut(result.error.message);
      return { channel: name, pageId: page.pageId, result, elapsedMs: now() - started };
    } catch (thrown) {
      const result = failed(
        DELIVERY_ERRORS.channelError,
        `${name} adapter threw: ${errorMessage(thrown)}`,
        false,
        attempts,
      );
      return { channel: name, pageId: page.pageId, result, elapsedMs: now() - started, thrown };
    }
  });

  const settled = await Promise.allSettled(sends);
  return settled.map((outcome, i) => {
    if (outcome.status === "fulfilled") return outcome.value;
    // Unreachable (each send catches), kept so that a bug here cannot lose the other results.
    const { channel, page } = pages[i]!;
    const result = failed(DELIVERY_ERRORS.channelError, errorMessage(outcome.reason), false);
    return { channel, pageId: page.pageId, result, elapsedMs: now() - started, thrown: outcome.reason };
  });
}

function timeoutFor(name: ChannelName, timeoutMs: SendIsolatedOptions["timeoutMs"]): number {
  if (typeof timeoutMs === "number") return timeoutMs;
  return timeoutMs?.[name] ?? DEFAULT_CHANNEL_TIMEOUT_MS;
}
