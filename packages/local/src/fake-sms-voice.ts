import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback, readBody } from "./fake-http";

/**
 * A fake AWS End User Messaging SMS and Voice at the HTTP level: a node:http server on 127.0.0.1
 * that answers `SendVoiceMessage` as the service does, so the real
 * `@aws-sdk/client-pinpoint-sms-voice-v2` client (serialisation, signing, error parsing, timeouts)
 * runs against it.
 *
 * Protocol (checked against @aws-sdk/client-pinpoint-sms-voice-v2 3.1138): awsJson1_0. The client
 * POSTs `/` with `content-type: application/x-amz-json-1.0` and `x-amz-target:
 * PinpointSMSVoiceV2.SendVoiceMessage`, the request's fields as a JSON object. A success is 200
 * `{"MessageId": "…"}`; an error is its status with `{"__type": "<Shape>", "message": "…"}`
 * (the SDK names the error after `__type`).
 *
 * Like the service it refuses (ValidationException) a call without an E.164 destination or an
 * origination identity, a body type other than TEXT or SSML, a body over 3,000 (TEXT) or 6,000
 * (SSML) characters, and SSML that is not one well-formed `<speak>` element: a page whose title
 * injected a tag shows up here as a refused call.
 */

export interface VoiceCall {
  messageId: string;
  destinationPhoneNumber: string;
  originationIdentity: string;
  messageBody: string;
  messageBodyTextType: string;
  voiceId?: string;
  configurationSetName?: string;
  context?: Record<string, string>;
  at: Date;
}

/** `throttle`: 400 ThrottlingException; `500`: InternalServerException; `timeout`: never answered. */
export type VoiceFault = "throttle" | "500" | "timeout" | { status: number; type: string; message?: string };

export interface FakeSmsVoiceRequest {
  target: string | undefined;
  body: unknown;
  fault?: VoiceFault;
  at: Date;
}

export interface FakeSmsVoice {
  /** `http://127.0.0.1:<port>`: the client's `endpoint`. */
  endpoint: string;
  /** Every call accepted, in order. */
  readonly calls: VoiceCall[];
  /** Every request received, answered or not. */
  readonly requests: FakeSmsVoiceRequest[];
  /** The next `n` SendVoiceMessage requests get `fault`. */
  failNext(n: number, fault: VoiceFault): void;
  reset(): void;
  stop(): Promise<void>;
}

export interface FakeSmsVoiceOptions {
  /** Called for each call accepted (the local runtime prints it). */
  onCall?: (call: VoiceCall) => void;
}

const TARGET = "PinpointSMSVoiceV2.SendVoiceMessage";
const E164 = /^\+[1-9]\d{1,14}$/;

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeSmsVoice(options: FakeSmsVoiceOptions = {}): Promise<FakeSmsVoice> {
  const calls: VoiceCall[] = [];
  const requests: FakeSmsVoiceRequest[] = [];
  const faults: VoiceFault[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const text = await readBody(req);
    const target = req.headers["x-amz-target"];
    const contentType = req.headers["content-type"] ?? "";
    let body: unknown;
    try {
      body = JSON.parse(text || "{}");
    } catch {
      throw new ServiceError(400, "SerializationException", "the body is not JSON");
    }
    const request: FakeSmsVoiceRequest = {
      target: typeof target === "string" ? target : undefined,
      body,
      at: new Date(),
    };
    requests.push(request);
    if (!contentType.startsWith("application/x-amz-json-1.0"))
      throw new ServiceError(400, "UnknownOperationException", "expected application/x-amz-json-1.0");
    if (target !== TARGET)
      throw new ServiceError(400, "UnknownOperationException", `fake-sms-voice implements ${TARGET} only`);
    const fault = faults.shift();
    if (fault !== undefined) {
      request.fault = fault;
      if (fault === "timeout") return; // never answered; `stop` closes the socket
      throw faultError(fault);
    }
    const call = toCall(body);
    calls.push(call);
    options.onCall?.(call);
    sendJson(res, 200, { MessageId: call.messageId });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e =
        error instanceof ServiceError
          ? error
          : new ServiceError(500, "InternalServerException", String(error));
      sendJson(res, e.status, { __type: e.type, message: e.message }, { "x-amzn-errortype": e.type });
    });
  });
  const { endpoint, stop } = await listenOnLoopback(server);
  return {
    endpoint,
    calls,
    requests,
    failNext(n, fault) {
      for (let i = 0; i < n; i++) faults.push(fault);
    },
    reset() {
      calls.length = 0;
      requests.length = 0;
      faults.length = 0;
    },
    stop,
  };
}

function faultError(fault: Exclude<VoiceFault, "timeout">): ServiceError {
  if (fault === "throttle") return new ServiceError(400, "ThrottlingException", "Rate exceeded");
  if (fault === "500") return new ServiceError(500, "InternalServerException", "Internal error");
  return new ServiceError(fault.status, fault.type, fault.message ?? fault.type);
}

function toCall(body: unknown): VoiceCall {
  const invalid = (message: string) => new ServiceError(400, "ValidationException", message);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalid("expected a JSON object");
  const b = body as Record<string, unknown>;
  const str = (name: string) => (typeof b[name] === "string" ? (b[name] as string) : undefined);
  const destination = str("DestinationPhoneNumber");
  if (!destination || !E164.test(destination)) throw invalid("DestinationPhoneNumber must be E.164");
  const origination = str("OriginationIdentity");
  if (!origination) throw invalid("OriginationIdentity is required");
  const type = str("MessageBodyTextType") ?? "TEXT";
  if (type !== "TEXT" && type !== "SSML") throw invalid("MessageBodyTextType must be TEXT or SSML");
  const message = str("MessageBody") ?? "";
  const max = type === "SSML" ? 6000 : 3000;
  if (message.length === 0 || message.length > max)
    throw invalid(`MessageBody must be 1 to ${max} characters for ${type}`);
  if (type === "SSML") {
    const problem = ssmlProblem(message);
    if (problem) throw invalid(`MessageBody is not valid SSML: ${problem}`);
  }
  const call: VoiceCall = {
    messageId: randomUUID(),
    destinationPhoneNumber: destination,
    originationIdentity: origination,
    messageBody: message,
    messageBodyTextType: type,
    at: new Date(),
  };
  const voiceId = str("VoiceId");
  if (voiceId) call.voiceId = voiceId;
  const configurationSet = str("ConfigurationSetName");
  if (configurationSet) call.configurationSetName = configurationSet;
  if (typeof b.Context === "object" && b.Context !== null) call.context = b.Context as Record<string, string>;
  return call;
}

const SSML_TAGS = new Set(["speak", "break", "say-as", "p", "s", "prosody", "emphasis", "lang", "sub"]);

/**
 * Why `ssml` is not one well-formed `<speak>` element of SSML tags (or undefined): every tag
 * balanced and known, every `&` an entity, no stray `<`.
 */
export function ssmlProblem(ssml: string): string | undefined {
  if (!ssml.startsWith("<speak>") || !ssml.endsWith("</speak>")) return "not one <speak> element";
  const stack: string[] = [];
  const token =
    /<(\/?)([a-zA-Z-]+)((?:\s+[a-zA-Z-]+="[^"<>&]*")*)\s*(\/?)>|&(?:#\d+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);|[<>&]/g;
  for (const match of ssml.matchAll(token)) {
    const [whole, closing, name, , selfClosing] = match;
    if (whole.startsWith("&") && whole.length > 1) continue;
    if (!name) return `a stray ${JSON.stringify(whole)} at ${match.index}`;
    if (!SSML_TAGS.has(name)) return `an unknown tag <${name}>`;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return `</${name}> closes nothing open`;
      if (stack.length === 0 && (match.index ?? 0) + whole.length !== ssml.length)
        return "text after </speak>";
    } else stack.push(name);
  }
  return stack.length === 0 ? undefined : `<${stack.at(-1)}> is not closed`;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    ...headers,
  });
  res.end(text);
}
