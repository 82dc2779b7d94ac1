/**
 * SNS HTTP(S) subscriptions at the edge, shared by every endpoint a topic is subscribed to
 * (`POST /integrations/sns/{key}`, `POST /sms/inbound`): SNS's own hosts (certificates,
 * confirmations), and one message settled before its endpoint reads it: signature verified
 * (core/integrations/sns.ts), a subscription confirmed, an unsubscribe confirmation ignored.
 */
import {
  type CertificateFetcher,
  cachedCertificateFetcher,
  isSnsUrl,
  type SnsHttpMessage,
  SnsSignatureError,
  topicRegion,
  verifySnsMessage,
} from "@firebreak/core/integrations/sns";

/** What the SNS endpoints need of SNS's hosts (the real ones on Lambda; a fake in tests). */
export interface SnsHttp {
  fetchCertificate: CertificateFetcher;
  /** Visits a subscription's SubscribeURL (already checked to be SNS's own host). */
  confirm(url: string): Promise<void>;
}

/** SNS's hosts over https: certificates cached per URL, confirmations with a 5 s bound. */
export function snsOverHttps(): SnsHttp {
  return {
    fetchCertificate: cachedCertificateFetcher(),
    async confirm(url) {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw new Error(`SNS answered ${res.status} to the subscription confirmation`);
    },
  };
}

/** What became of a verified-or-not SNS message before its endpoint reads the notification. */
export type SettledSnsMessage =
  /** A notification with a valid signature: the endpoint reads its `Message`. */
  | { kind: "notification" }
  /** Answered here: the status and why (403 forged, 503 confirmation failed, 200 done). */
  | { kind: "answered"; status: 200 | 403 | 503; reason: string };

/** Verifies the signature, then confirms a subscription or ignores an unsubscribe confirmation. */
export async function settleSnsMessage(message: SnsHttpMessage, sns: SnsHttp): Promise<SettledSnsMessage> {
  try {
    await verifySnsMessage(message, sns.fetchCertificate);
  } catch (error) {
    if (!(error instanceof SnsSignatureError)) throw error;
    return { kind: "answered", status: 403, reason: `SNS message refused: ${error.message}` };
  }
  if (message.Type === "UnsubscribeConfirmation")
    return { kind: "answered", status: 200, reason: "ignored: an unsubscribe confirmation" };
  if (message.Type === "SubscriptionConfirmation") {
    const url = message.SubscribeURL ?? "";
    if (!isSnsUrl(url, topicRegion(message.TopicArn) ?? "", "subscribe"))
      return {
        kind: "answered",
        status: 403,
        reason: `SubscribeURL must be https on SNS's host for the topic's region, not ${url.slice(0, 200)}`,
      };
    try {
      await sns.confirm(url);
    } catch (error) {
      return {
        kind: "answered",
        status: 503,
        reason: `the subscription confirmation failed; SNS will send it again: ${String(error)}`,
      };
    }
    return { kind: "answered", status: 200, reason: "confirmed" };
  }
  return { kind: "notification" };
}
