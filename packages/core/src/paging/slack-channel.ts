import { type ChatPostMessageArguments, ErrorCode, WebClient } from "@slack/web-api";
import {
  DELIVERY_ERRORS,
  type DeliveryResult,
  failed,
  type OutgoingPage,
  type PageChannel,
  retryOptionsFor,
  type SendOptions,
} from "./channels";
import {
  errorMessage,
  isNetworkError,
  isRetryableStatus,
  isTimeoutError,
  type ProviderFailure,
  type RetryPolicy,
  type Sleep,
  withRetry,
} from "./retry";

/**
 * The Slack paging channel: `chat.postMessage` to a channel, or to a person's user id.
 *
 * DMs: `chat.postMessage` with `channel` set to the user id (`U…`/`W…`), which a bot token posts
 * into the app's DM with that user (its Messages tab). One call instead of
 * `conversations.open` + `chat.postMessage`: one less failure point and rate-limit bucket while
 * paging. The answer carries the real `D…` channel id; `providerId` is `<channel>:<ts>` of the
 * posted message, ready for `chat.update` (see {@link parseSlackProviderId}).
 *
 * Retries: the WebClient's own retries are off (`retryConfig: { retries: 0 }`; its default
 * retries for about 30 minutes) and `rejectRateLimitedCalls` is on, so a 429 surfaces at once as
 * an error carrying `Retry-After`; `withRetry` (retry.ts) then waits that long (capped) or backs
 * off, within a bounded number of attempts. Slack has no idempotency key for messages: a retry
 * after a timeout may post a page twice.
 */

export interface SlackClientOptions {
  /** Web API base URL, ending with `/api/` (default `https://slack.com/api/`); a fake's `url` in tests. */
  slackApiUrl?: string;
  /** Per-request timeout, ms (default 3 s). */
  requestTimeoutMs?: number;
}

/** A WebClient for paging: no WebClient retries, 429s reject with their Retry-After, requests time out. */
export function createSlackClient(token: string, options: SlackClientOptions = {}): WebClient {
  return new WebClient(token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    // retries: 0 alone is valid; do not set maxTimeout without minTimeout (maxTimeout < 1000 throws).
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.requestTimeoutMs ?? 3_000,
  });
}

export interface SlackChannelOptions extends SlackClientOptions {
  /** Bot token (`xoxb-…`); needed unless `client` is given. */
  token?: string;
  /**
   * A ready client. Make it with {@link createSlackClient}: a WebClient with its default retry
   * policy can hold a page for half an hour.
   */
  client?: WebClient;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  random?: () => number;
}

/** Slack errors worth retrying (besides rate limiting): Slack's own transient failures. */
export const RETRYABLE_SLACK_ERRORS: ReadonlySet<string> = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
]);

/** Slack's rate-limit error codes in a 200 `{ ok: false }` answer. */
const RATE_LIMITED_ERRORS: ReadonlySet<string> = new Set(["ratelimited", "rate_limited"]);

export class SlackChannel implements PageChannel {
  readonly name = "slack" as const;
  private readonly client: WebClient;
  private readonly options: SlackChannelOptions;

  constructor(options: SlackChannelOptions) {
    if (options.client) this.client = options.client;
    else if (options.token) this.client = createSlackClient(options.token, options);
    else throw new TypeError("SlackChannel needs a token or a client");
    this.options = options;
  }

  async send(page: OutgoingPage, options: SendOptions = {}): Promise<DeliveryResult> {
    const args = slackMessageFor(page);
    if ("error" in args) return args.error;
    const outcome = await withRetry(
      () => this.client.chat.postMessage(args.message),
      classifySlackError,
      retryOptionsFor(this.options, options),
    );
    if (!outcome.ok) {
      const { code, message, retryable, retryAfterMs } = outcome.failure;
      return failed(code, message, retryable, outcome.attempts, retryAfterMs);
    }
    const { channel, ts } = outcome.value;
    if (!channel || !ts)
      return failed("no_ts", "Slack answered without channel and ts", true, outcome.attempts);
    return { status: "delivered", providerId: `${channel}:${ts}`, attempts: outcome.attempts };
  }
}

export type SlackPostArguments = ChatPostMessageArguments & { channel: string; text: string };

/** The `chat.postMessage` arguments for a page, or why Slack cannot deliver it. */
export function slackMessageFor(
  page: OutgoingPage,
): { message: SlackPostArguments } | { error: DeliveryResult } {
  const { target } = page;
  let channel: string;
  switch (target.kind) {
    case "channel":
      channel = target.slackChannelId;
      break;
    case "person":
      if (!target.slackUserId)
        return {
          error: failed(DELIVERY_ERRORS.noAddress, `person ${target.personId} has no Slack user id`, false),
        };
      channel = target.slackUserId;
      break;
    case "topic":
      return { error: failed(DELIVERY_ERRORS.unsupportedTarget, "Slack cannot page an SNS topic", false) };
  }
  // `text` is always set: Slack uses it for notifications and screen readers when blocks are present.
  const text = page.slack.text || page.text;
  const message = {
    channel,
    text,
    // Passed through as built; an empty list is left out rather than sent as `blocks: []`.
    ...(page.slack.blocks.length > 0 ? { blocks: page.slack.blocks } : {}),
    unfurl_links: false,
    unfurl_media: false,
  };
  return { message: message as unknown as SlackPostArguments };
}

/** Splits a Slack `providerId` back into the `channel` and `ts` that `chat.update` needs. */
export function parseSlackProviderId(providerId: string): { channel: string; ts: string } | undefined {
  const at = providerId.indexOf(":");
  if (at <= 0 || at === providerId.length - 1) return undefined;
  return { channel: providerId.slice(0, at), ts: providerId.slice(at + 1) };
}

/**
 * WebClient errors as provider failures. Rate limiting (429, `ratelimited`) is retryable and
 * carries Retry-After; HTTP 5xx, request timeouts, socket errors and Slack's transient errors are
 * retryable; every other Slack error (`not_in_channel`, `channel_not_found`, `invalid_auth`…)
 * is permanent. Anything else is rethrown (a programming error).
 */
export function classifySlackError(error: unknown): ProviderFailure {
  if (!(error instanceof Error)) throw error;
  const message = errorMessage(error);
  switch (errorCodeOf(error)) {
    case ErrorCode.RateLimitedError: {
      const seconds = (error as Error & { retryAfter?: unknown }).retryAfter;
      return {
        code: "rate_limited",
        message,
        retryable: true,
        ...(typeof seconds === "number" ? { retryAfterMs: seconds * 1000 } : {}),
      };
    }
    case ErrorCode.PlatformError: {
      const data = (
        error as Error & { data?: { error?: unknown; response_metadata?: { retryAfter?: unknown } } }
      ).data;
      const code = typeof data?.error === "string" ? data.error : "platform_error";
      if (RATE_LIMITED_ERRORS.has(code)) {
        const seconds = data?.response_metadata?.retryAfter;
        return {
          code: "rate_limited",
          message,
          retryable: true,
          ...(typeof seconds === "number" ? { retryAfterMs: seconds * 1000 } : {}),
        };
      }
      return { code, message, retryable: RETRYABLE_SLACK_ERRORS.has(code) };
    }
    case ErrorCode.HTTPError: {
      const status = (error as Error & { statusCode?: unknown }).statusCode;
      const known = typeof status === "number";
      return {
        code: known ? `http_${status}` : "http_error",
        message,
        retryable: known ? isRetryableStatus(status) : true,
      };
    }
    case ErrorCode.RequestError: {
      const original = (error as Error & { original?: unknown }).original;
      if (isTimeoutError(original)) return { code: "timeout", message, retryable: true };
      if (original instanceof Error && original.name === "AbortError")
        return { code: "aborted", message, retryable: true };
      // fetch failures (refused, reset, DNS) and anything else on the way: worth another try.
      return { code: isNetworkError(original) ? "network_error" : "request_error", message, retryable: true };
    }
  }
  // A 429 without a usable Retry-After header: the WebClient rejects with a plain Error.
  if (message.startsWith("Retry header did not contain a valid timeout"))
    return { code: "rate_limited", message, retryable: true };
  throw error;
}

function errorCodeOf(error: Error): string | undefined {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}
