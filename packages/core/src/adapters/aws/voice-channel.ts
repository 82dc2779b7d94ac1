import {
  PinpointSMSVoiceV2Client,
  type PinpointSMSVoiceV2ClientConfig,
  SendVoiceMessageCommand,
  type SendVoiceMessageCommandInput,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import {
  DELIVERY_ERRORS,
  type DeliveryResult,
  failed,
  type OutgoingPage,
  type PageChannel,
  retryOptionsFor,
  type SendOptions,
} from "../../paging/channels";
import { classifyAwsError, type RetryPolicy, type Sleep, withRetry } from "../../paging/retry";
import { VOICE_SSML_MAX_LENGTH } from "../../paging/voice-message";
import { messageIdResult, pagingRequestHandler, phoneOf, type SnsClientOptions } from "./sns-channel";

/**
 * The voice paging channel: a person with a phone gets a call that speaks the page, through AWS
 * End User Messaging SMS and Voice (`SendVoiceMessage` of the `pinpoint-sms-voice-v2` API,
 * awsJson1_0, `X-Amz-Target: PinpointSMSVoiceV2.SendVoiceMessage`): the SSML of `voicePage`
 * (paging/messages.ts), from the origination identity (a phone number or pool with the VOICE capability:
 * the setting `FIREBREAK_VOICE_ORIGINATION`).
 *
 * The call takes no input: `SendVoiceMessage` only speaks text (it has no keypad or "press 1"
 * option), so the message reads out a six-digit ack code, and a reply by SMS acknowledges
 * (paging/sms-reply.ts).
 *
 * Retries as the SNS channel: the SDK's own retries are off and `withRetry` does them. Throttling
 * (`ThrottlingException`), `InternalServerException`, 5xx, timeouts and socket errors are
 * retryable; `ValidationException`, `AccessDeniedException`, `ResourceNotFoundException`,
 * `ServiceQuotaExceededException` (the monthly voice spend limit) and `ConflictException` are not.
 * A retry after a timeout may call twice (at least once, never zero times).
 */

/** Per-request and connect timeouts, as the SNS client's (default 3 s and 1 s). */
export type VoiceClientOptions = SnsClientOptions;

/** An End User Messaging client for paging: SDK retries off, a request timeout that really throws. */
export function createSmsVoiceClient(
  config: PinpointSMSVoiceV2ClientConfig = {},
  options: VoiceClientOptions = {},
): PinpointSMSVoiceV2Client {
  return new PinpointSMSVoiceV2Client({
    ...config,
    maxAttempts: 1,
    requestHandler: pagingRequestHandler(options),
  });
}

export interface VoiceChannelOptions extends VoiceClientOptions {
  /** The phone number, pool (id or ARN) the calls come from: `FIREBREAK_VOICE_ORIGINATION`. */
  originationIdentity: string;
  /** The Polly voice (`VoiceId`, e.g. `JOANNA`); the service's default when unset. */
  voiceId?: string;
  /** A configuration set (event destinations for call status), when the deploy has one. */
  configurationSetName?: string;
  /** A ready client (make it with {@link createSmsVoiceClient}). */
  client?: PinpointSMSVoiceV2Client;
  clientConfig?: PinpointSMSVoiceV2ClientConfig;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  random?: () => number;
}

export class VoiceChannel implements PageChannel {
  readonly name = "voice" as const;
  private readonly client: PinpointSMSVoiceV2Client;
  private readonly options: VoiceChannelOptions;

  constructor(options: VoiceChannelOptions) {
    this.client = options.client ?? createSmsVoiceClient(options.clientConfig, options);
    this.options = options;
  }

  async send(page: OutgoingPage, options: SendOptions = {}): Promise<DeliveryResult> {
    const input = voiceMessageFor(page, this.options);
    if ("error" in input) return input.error;
    const outcome = await withRetry(
      (_attempt, signal) =>
        this.client.send(new SendVoiceMessageCommand(input.message), { abortSignal: signal }),
      classifyVoiceError,
      retryOptionsFor(this.options, options),
    );
    return messageIdResult(outcome, "End User Messaging");
  }
}

/** The SendVoiceMessage request for a page, or why it cannot be called. */
export function voiceMessageFor(
  page: OutgoingPage,
  options: Pick<VoiceChannelOptions, "originationIdentity" | "voiceId" | "configurationSetName">,
): { message: SendVoiceMessageCommandInput } | { error: DeliveryResult } {
  const { target } = page;
  if (target.kind !== "person")
    return {
      error: failed(
        DELIVERY_ERRORS.unsupportedTarget,
        `voice can only call a person, not a ${target.kind}`,
        false,
      ),
    };
  const phone = phoneOf(target);
  if ("error" in phone) return phone;
  const ssml = page.voice?.ssml;
  if (!ssml) return { error: failed("render_failed", "the page has no voice rendering", false) };
  if (ssml.length > VOICE_SSML_MAX_LENGTH)
    return {
      error: failed(
        "ValidationException",
        `the SSML is ${ssml.length} characters, over End User Messaging's ${VOICE_SSML_MAX_LENGTH}`,
        false,
      ),
    };
  return {
    message: {
      DestinationPhoneNumber: phone.phone,
      OriginationIdentity: options.originationIdentity,
      MessageBody: ssml,
      MessageBodyTextType: "SSML",
      ...(options.voiceId ? { VoiceId: options.voiceId as SendVoiceMessageCommandInput["VoiceId"] } : {}),
      ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
      // What the call was for, in the service's event records (string values, small).
      Context: { firebreakPageId: page.pageId, firebreakIncidentId: page.incidentId },
    },
  };
}

/** End User Messaging / SDK errors as provider failures (awsJson1_0: the code is the `__type` shape name). */
export const classifyVoiceError = classifyAwsError;
