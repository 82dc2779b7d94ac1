import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  SNSClient,
  type SNSClientConfig,
} from "@aws-sdk/client-sns";
import { wellFormed } from "@firebreak/core/shared/text";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import {
  DELIVERY_ERRORS,
  type DeliveryResult,
  failed,
  type OutgoingPage,
  type PageChannel,
  retryOptionsFor,
  type SendOptions,
} from "../../paging/channels";
import { truncate } from "../../paging/messages";
import {
  classifyAwsError,
  type RetryOutcome,
  type RetryPolicy,
  type Sleep,
  withRetry,
} from "../../paging/retry";

/**
 * The SNS paging channel: a topic target gets one `Publish` with `MessageStructure: "json"`
 * (a rendering per protocol: `default`, `sms`, `email`), a person with a phone gets a direct,
 * transactional SMS.
 *
 * Retries: the SDK's own retries are switched off (`maxAttempts: 1` in {@link createSnsClient})
 * and `withRetry` (paging/retry.ts) does them, so attempts, backoff and the time spent are explicit and
 * bounded, and reported in the result. SNS has no de-duplication for standard topics: a retry
 * after a timeout may deliver a page twice (at least once, never zero times, is the intent).
 */

/** SNS rejects subjects of 100 characters or more, and ones with line breaks or control characters. */
export const MAX_SUBJECT_LENGTH = 99;
/** SMS text budget: 140 UTF-16 code units (one GSM-7 message; SNS splits longer or UCS-2 ones). */
export const MAX_SMS_LENGTH = 140;
const E164 = /^\+[1-9]\d{1,14}$/;

export interface SnsClientOptions {
  /** Per-request timeout, ms (default 3 s). The request fails with `TimeoutError` when exceeded. */
  requestTimeoutMs?: number;
  /** TCP connect timeout, ms (default 1 s). */
  connectionTimeoutMs?: number;
}

/**
 * An SNS client for paging: SDK retries off (`maxAttempts: 1`, whatever `config` says) and a
 * request timeout that really throws (`@smithy/node-http-handler` only logs a warning for
 * `requestTimeout` unless `throwOnRequestTimeout` is set).
 */
export function createSnsClient(config: SNSClientConfig = {}, options: SnsClientOptions = {}): SNSClient {
  return new SNSClient({ ...config, maxAttempts: 1, requestHandler: pagingRequestHandler(options) });
}

/** The HTTP handler of the AWS paging clients: bounded connect and request timeouts that throw. */
export function pagingRequestHandler(options: SnsClientOptions = {}): NodeHttpHandler {
  return new NodeHttpHandler({
    connectionTimeout: options.connectionTimeoutMs ?? 1_000,
    requestTimeout: options.requestTimeoutMs ?? 3_000,
    throwOnRequestTimeout: true,
  });
}

export interface SnsChannelOptions extends SnsClientOptions {
  /**
   * A ready client. Its own retry settings apply on top of ours: make it with
   * {@link createSnsClient} (or set `maxAttempts: 1`) to keep retries bounded and explicit.
   */
  client?: SNSClient;
  /** Used to make the client when `client` is not given (region etc. from the environment). */
  clientConfig?: SNSClientConfig;
  /**
   * The client for a topic in another region. A topic can only be published to in its own region
   * (the ARN says which), and a directory may name topics in several: with this set, a topic page
   * goes through `clientForRegion(<the ARN's region>)` (cache the clients; see
   * {@link regionalSnsClients}). SMS always goes through `client`.
   */
  clientForRegion?: (region: string) => SNSClient;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  random?: () => number;
}

/** The region of a topic ARN (`arn:aws:sns:<region>:<account>:<name>`), or undefined. */
export function topicRegion(arn: string): string | undefined {
  const region = arn.split(":")[3];
  return region && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : undefined;
}

/** One paging client per region, made on first use with `config` plus the region. */
export function regionalSnsClients(
  config: SNSClientConfig = {},
  options: SnsClientOptions = {},
): (region: string) => SNSClient {
  const clients = new Map<string, SNSClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = createSnsClient({ ...config, region }, options);
      clients.set(region, client);
    }
    return client;
  };
}

export class SnsChannel implements PageChannel {
  readonly name = "sns" as const;
  private readonly client: SNSClient;
  private readonly options: SnsChannelOptions;

  constructor(options: SnsChannelOptions = {}) {
    this.client = options.client ?? createSnsClient(options.clientConfig, options);
    this.options = options;
  }

  async send(page: OutgoingPage, options: SendOptions = {}): Promise<DeliveryResult> {
    const input = snsPublishFor(page);
    if ("error" in input) return input.error;
    const region = input.publish.TopicArn ? topicRegion(input.publish.TopicArn) : undefined;
    const client =
      region && this.options.clientForRegion ? this.options.clientForRegion(region) : this.client;
    const outcome = await withRetry(
      (_attempt, signal) => client.send(new PublishCommand(input.publish), { abortSignal: signal }),
      classifySnsError,
      retryOptionsFor(this.options, options),
    );
    return messageIdResult(outcome, "SNS");
  }
}

/** An AWS send's outcome as a delivery: its `MessageId` the provider id (none is a retryable failure). */
export function messageIdResult(
  outcome: RetryOutcome<{ MessageId?: string | undefined }>,
  service: string,
): DeliveryResult {
  if (!outcome.ok) {
    const { code, message, retryable, retryAfterMs } = outcome.failure;
    return failed(code, message, retryable, outcome.attempts, retryAfterMs);
  }
  const messageId = outcome.value.MessageId;
  if (!messageId)
    return failed("NoMessageId", `${service} answered without a MessageId`, true, outcome.attempts);
  return { status: "delivered", providerId: messageId, attempts: outcome.attempts };
}

/** The Publish request for a page, or why SNS cannot deliver it. */
export function snsPublishFor(
  page: OutgoingPage,
): { publish: PublishCommandInput } | { error: DeliveryResult } {
  const { target } = page;
  switch (target.kind) {
    case "topic":
      return { publish: topicPublish(page, target.arn) };
    case "person": {
      const phone = phoneOf(target);
      return "error" in phone ? phone : { publish: smsPublish(page, phone.phone) };
    }
    case "channel":
      return {
        error: failed(DELIVERY_ERRORS.unsupportedTarget, "SNS cannot page a Slack channel", false),
      };
  }
}

/** A person's phone, or why it cannot be called or texted (none, or not E.164). */
export function phoneOf(
  target: Extract<OutgoingPage["target"], { kind: "person" }>,
): { phone: string } | { error: DeliveryResult } {
  if (!target.phone)
    return {
      error: failed(DELIVERY_ERRORS.noAddress, `person ${target.personId} has no phone number`, false),
    };
  if (!E164.test(target.phone))
    return {
      error: failed(
        "InvalidPhoneNumber",
        `phone number of person ${target.personId} is not E.164 (+<country><number>)`,
        false,
      ),
    };
  return { phone: target.phone };
}

/** Publish to a topic: one JSON message with a rendering per protocol; attributes for filter policies. */
export function topicPublish(page: OutgoingPage, topicArn: string): PublishCommandInput {
  const message = {
    default: wellFormed(page.text),
    sms: smsText(page.sms),
    email: wellFormed(page.email.body),
  };
  return {
    TopicArn: topicArn,
    MessageStructure: "json",
    Message: JSON.stringify(message),
    Subject: sanitiseSubject(page.email.subject),
    MessageAttributes: pageAttributes(page),
  };
}

/** Direct SMS to a phone number, marked transactional (delivery priority, not marketing). */
export function smsPublish(page: OutgoingPage, phoneNumber: string): PublishCommandInput {
  return {
    PhoneNumber: phoneNumber,
    Message: smsText(page.sms),
    MessageAttributes: {
      ...pageAttributes(page),
      "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" },
    },
  };
}

/** `severity` and `incident_id`, for subscription filter policies. */
function pageAttributes(page: OutgoingPage): Record<string, MessageAttributeValue> {
  return {
    severity: { DataType: "String", StringValue: wellFormed(page.severity) },
    incident_id: { DataType: "String", StringValue: wellFormed(page.incidentId) },
  };
}

/**
 * A subject SNS accepts: control characters and line breaks become spaces, runs of spaces
 * collapse, at most 99 characters (cut with an ellipsis), never empty.
 */
export function sanitiseSubject(subject: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const flat = wellFormed(subject).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ");
  const clean = flat.replace(/\s+/g, " ").trim();
  return cut(clean, MAX_SUBJECT_LENGTH) || "Firebreak page";
}

/**
 * The prebuilt SMS text, cut to 140 UTF-16 code units (the budget `smsPage` keeps, see paging/messages.ts)
 * if a caller broke the contract: a page must still go out. Never inside a grapheme. Lone
 * surrogates become U+FFFD: the SDK URI-encodes the message (SNS's query protocol), and
 * `encodeURIComponent` throws "URI malformed" on them (text is made well-formed where it enters;
 * this is the last line of defence).
 */
export function smsText(sms: string): string {
  return wellFormed(truncate(sms, MAX_SMS_LENGTH));
}

/** Cuts to `max` code points (never through a surrogate pair), ending with `…` when cut. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, max - 1)
    .join("")
    .trimEnd()}…`;
}

/**
 * SNS / SDK errors as provider failures (paging/retry.ts `classifyAwsError`): throttling, 5xx, timeouts and
 * socket errors are retryable; other service errors (4xx: InvalidParameter, AuthorizationError,
 * NotFound…) are permanent.
 */
export const classifySnsError = classifyAwsError;
