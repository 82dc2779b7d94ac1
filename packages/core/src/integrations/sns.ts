/**
 * Amazon SNS HTTP(S) deliveries (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html):
 * a topic that CloudWatch alarms notify, subscribed to `POST /integrations/sns/{key}`.
 *
 * - Every message is verified before anything else: `SignatureVersion` 1 (SHA1withRSA) or 2
 *   (SHA256withRSA) over SNS's canonical string, against the certificate at `SigningCertURL`,
 *   which must be an https `.pem` on `sns.<the topic's region>.amazonaws.com` (`.com.cn` in
 *   China). Anything unsigned, signed otherwise, or with a certificate elsewhere is refused.
 * - A `SubscriptionConfirmation` is confirmed by visiting its `SubscribeURL` (the same host rule).
 * - A `Notification`'s `Message` is the alarm's notification, ingested as the SNS Lambda path does.
 */
import { createPublicKey, verify } from "node:crypto";
import { FirebreakError, ValidationError, type ValidationIssue } from "@firebreak/core/shared/errors";

export const SNS_FORMAT =
  'an Amazon SNS HTTP(S) message: { "Type": "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", … }';

export interface SnsHttpMessage {
  Type: "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation";
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  SubscribeURL?: string;
  Token?: string;
  UnsubscribeURL?: string;
}

/** The message's signature or certificate does not check out (HTTP 403). */
export class SnsSignatureError extends FirebreakError {
  constructor(message: string) {
    super("sns_signature", message);
  }
}

const TYPES = ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"] as const;
const TOPIC_ARN = /^arn:aws[-a-z]*:sns:([a-z]+(?:-[a-z]+)+-\d+):\d{12}:[A-Za-z0-9_.-]{1,256}$/;

/** Reads the message's fields (strings only), or a ValidationError naming each missing one. */
export function readSnsMessage(body: unknown): SnsHttpMessage {
  const fields =
    typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const issues: ValidationIssue[] = [];
  const str = (name: string, required: boolean) => {
    const value = fields[name];
    if (typeof value === "string" && value !== "") return value;
    if (required) issues.push({ path: name, message: "required (a string)" });
    return undefined;
  };
  const type = str("Type", true);
  if (type && !TYPES.includes(type as never))
    issues.push({ path: "Type", message: `expected one of ${TYPES.join(", ")}` });
  const topic = str("TopicArn", true);
  if (topic && !TOPIC_ARN.test(topic))
    issues.push({ path: "TopicArn", message: "expected an SNS topic ARN" });
  const message: Record<string, string | undefined> = {
    Type: type,
    MessageId: str("MessageId", true),
    TopicArn: topic,
    Subject: str("Subject", false),
    Message: str("Message", true),
    Timestamp: str("Timestamp", true),
    SignatureVersion: str("SignatureVersion", true),
    Signature: str("Signature", true),
    SigningCertURL: str("SigningCertURL", true),
    SubscribeURL: str("SubscribeURL", type === "SubscriptionConfirmation"),
    Token: str("Token", type === "SubscriptionConfirmation"),
    UnsubscribeURL: str("UnsubscribeURL", false),
  };
  if (issues.length > 0)
    throw new ValidationError(
      `Not an SNS message: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
  return Object.fromEntries(
    Object.entries(message).filter(([, v]) => v !== undefined),
  ) as unknown as SnsHttpMessage;
}

/** SNS's canonical string of a message: each signed field's name and value, one per line. */
export function stringToSign(m: SnsHttpMessage): string {
  const names =
    m.Type === "Notification"
      ? [
          "Message",
          "MessageId",
          ...(m.Subject !== undefined ? ["Subject"] : []),
          "Timestamp",
          "TopicArn",
          "Type",
        ]
      : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  return names.map((name) => `${name}\n${(m as unknown as Record<string, string>)[name] ?? ""}\n`).join("");
}

/** The topic's region, from its ARN. */
export function topicRegion(topicArn: string): string | undefined {
  return TOPIC_ARN.exec(topicArn)?.[1];
}

/** Whether `url` is https on SNS's own host for `region` (and, for a certificate, a `.pem`). */
export function isSnsUrl(url: string, region: string, kind: "certificate" | "subscribe"): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const hosts = [`sns.${region}.amazonaws.com`, `sns.${region}.amazonaws.com.cn`];
  if (parsed.protocol !== "https:" || !hosts.includes(parsed.hostname) || parsed.port !== "") return false;
  return kind === "subscribe" || parsed.pathname.endsWith(".pem");
}

/** What verification needs from the network: the certificate at an SNS URL. */
export type CertificateFetcher = (url: string) => Promise<string>;

/** Verifies the message's signature; throws SnsSignatureError saying why it does not check out. */
export async function verifySnsMessage(
  m: SnsHttpMessage,
  fetchCertificate: CertificateFetcher,
): Promise<void> {
  const algorithm = m.SignatureVersion === "1" ? "sha1" : m.SignatureVersion === "2" ? "sha256" : undefined;
  if (!algorithm) throw new SnsSignatureError(`SignatureVersion ${m.SignatureVersion} is not 1 or 2`);
  const region = topicRegion(m.TopicArn) ?? "";
  if (!isSnsUrl(m.SigningCertURL, region, "certificate"))
    throw new SnsSignatureError(
      `SigningCertURL must be an https .pem on sns.${region}.amazonaws.com, not ${m.SigningCertURL.slice(0, 200)}`,
    );
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(await fetchCertificate(m.SigningCertURL));
  } catch (error) {
    throw new SnsSignatureError(`the signing certificate could not be read: ${(error as Error).message}`);
  }
  const signature = Buffer.from(m.Signature, "base64");
  if (!verify(algorithm, Buffer.from(stringToSign(m), "utf8"), key, signature))
    throw new SnsSignatureError("the signature does not match the message");
}

/** Fetches certificates over https, each URL once per process (they do not change). */
export function cachedCertificateFetcher(timeoutMs = 3_000): CertificateFetcher {
  const cache = new Map<string, Promise<string>>();
  return (url) => {
    let pem = cache.get(url);
    if (!pem) {
      pem = fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then(async (res) => {
        if (!res.ok) throw new Error(`${url} answered ${res.status}`);
        return res.text();
      });
      pem.catch(() => cache.delete(url));
      cache.set(url, pem);
    }
    return pem;
  };
}

/** The Lambda SNS record the alarm ingest reads (`normaliseSnsRecord`), from the HTTP message. */
export function asLambdaRecord(m: SnsHttpMessage): { Sns: Record<string, string> } {
  const { SigningCertURL, UnsubscribeURL, ...rest } = m;
  return {
    Sns: {
      ...rest,
      SigningCertUrl: SigningCertURL,
      ...(UnsubscribeURL ? { UnsubscribeUrl: UnsubscribeURL } : {}),
    } as Record<string, string>,
  };
}
