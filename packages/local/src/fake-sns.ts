import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback, readBody } from "./fake-http";

/**
 * A fake SNS at the HTTP level: a node:http server on 127.0.0.1 that answers `Publish` the way
 * SNS does, so the real `@aws-sdk/client-sns` client (serialisation, signing, error parsing,
 * timeouts) runs against it.
 *
 * Protocol (checked against @aws-sdk/client-sns 3.1169): SNS is still on the AWS **Query**
 * protocol. The client POSTs `/` with `content-type: application/x-www-form-urlencoded` and a
 * body `Action=Publish&Version=2010-03-31&TopicArn=…&Message=…&MessageStructure=json&Subject=…
 * &MessageAttributes.entry.1.Name=…&MessageAttributes.entry.1.Value.DataType=String
 * &MessageAttributes.entry.1.Value.StringValue=…` (no `x-amz-target`). Answers are XML; the SDK
 * reads the request id from the `x-amzn-RequestId` header, not from the body, and the error
 * code from `<Error><Code>` (that becomes the SDK error's `name`). A JSON-protocol request
 * (`x-amz-target`) is refused with a clear message, so a future SDK switch shows up at once.
 *
 * Like SNS, it rejects a publish with no or several destinations, a JSON message without a
 * `default` string, a subject of 100+ characters or with line breaks, and a non-E.164 phone.
 */

export interface FakeAttribute {
  dataType: string;
  stringValue?: string;
  binaryValue?: string;
}

export interface PublishedMessage {
  messageId: string;
  topicArn?: string;
  targetArn?: string;
  phoneNumber?: string;
  subject?: string;
  /** The raw `Message` parameter. */
  message: string;
  messageStructure?: string;
  /** `Message` parsed, when `MessageStructure` is `json`. */
  structure?: Record<string, string>;
  attributes: Record<string, FakeAttribute>;
  at: Date;
}

/** `throttle`: 400 Throttling; `500`: 500 InternalError; `timeout`: the request is never answered. */
export type SnsFault =
  | "throttle"
  | "500"
  | "timeout"
  /** Any other error answer, e.g. `{ status: 403, code: "AuthorizationError" }`. */
  | { status: number; code: string; message?: string };

export interface FakeSnsRequest {
  action: string | undefined;
  params: Record<string, string>;
  /** The fault injected into this request, if any. */
  fault?: SnsFault;
  at: Date;
}

export interface FakeSns {
  /** `http://127.0.0.1:<port>`: pass as the SNS client's `endpoint`. */
  endpoint: string;
  /** Every message accepted, in order. */
  readonly published: PublishedMessage[];
  /** Every request received, answered or not. */
  readonly requests: FakeSnsRequest[];
  /** The next `n` Publish requests get `fault` (queued after any faults already pending). */
  failNext(n: number, fault: SnsFault): void;
  /** Clears recorded messages, requests and pending faults. */
  reset(): void;
  stop(): Promise<void>;
}

const XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";
const E164 = /^\+[1-9]\d{1,14}$/;

class SnsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeSnsOptions {
  /** Called for each message accepted (the local runtime prints pages). */
  onPublish?: (message: PublishedMessage) => void;
}

export async function startFakeSns(options: FakeSnsOptions = {}): Promise<FakeSns> {
  const published: PublishedMessage[] = [];
  const requests: FakeSnsRequest[] = [];
  const faults: SnsFault[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const contentType = req.headers["content-type"] ?? "";
    if (req.headers["x-amz-target"] !== undefined || contentType.startsWith("application/x-amz-json")) {
      return sendError(
        res,
        new SnsError(
          400,
          "UnknownOperation",
          "fake-sns speaks the AWS Query protocol only (form body, XML answers)",
        ),
      );
    }
    const params = Object.fromEntries(new URLSearchParams(body));
    const request: FakeSnsRequest = { action: params.Action, params, at: new Date() };
    requests.push(request);
    if (params.Action !== "Publish")
      return sendError(
        res,
        new SnsError(400, "InvalidAction", `fake-sns does not implement ${params.Action}`),
      );
    const fault = faults.shift();
    if (fault !== undefined) {
      request.fault = fault;
      if (fault === "timeout") return; // never answered; `stop` closes the socket
      return sendError(res, faultError(fault));
    }
    const message = toPublished(params);
    published.push(message);
    options.onPublish?.(message);
    sendXml(
      res,
      200,
      `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${message.messageId}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof SnsError) sendError(res, error);
      else sendError(res, new SnsError(500, "InternalError", String(error)));
    });
  });
  const { endpoint, stop } = await listenOnLoopback(server);

  return {
    endpoint,
    published,
    requests,
    failNext(n, fault) {
      for (let i = 0; i < n; i++) faults.push(fault);
    },
    reset() {
      published.length = 0;
      requests.length = 0;
      faults.length = 0;
    },
    stop,
  };
}

function faultError(fault: Exclude<SnsFault, "timeout">): SnsError {
  if (fault === "throttle") return new SnsError(400, "Throttling", "Rate exceeded");
  if (fault === "500") return new SnsError(500, "InternalError", "An internal error has occurred");
  return new SnsError(fault.status, fault.code, fault.message ?? fault.code);
}

function toPublished(params: Record<string, string>): PublishedMessage {
  const invalid = (message: string) => new SnsError(400, "InvalidParameter", `Invalid parameter: ${message}`);
  const destinations = [params.TopicArn, params.TargetArn, params.PhoneNumber].filter((d) => d !== undefined);
  if (destinations.length !== 1)
    throw invalid("exactly one of TopicArn, TargetArn or PhoneNumber must be specified");
  if (params.PhoneNumber !== undefined && !E164.test(params.PhoneNumber))
    throw invalid("PhoneNumber Reason: input incorrectly formatted");
  const message = params.Message;
  if (message === undefined || message === "") throw invalid("Message Reason: Empty message");
  const { Subject: subject } = params;
  if (subject !== undefined) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: SNS rejects control characters
    if (Array.from(subject).length >= 100 || subject === "" || /[\u0000-\u001f\u007f]/.test(subject))
      throw invalid("Subject");
  }
  let structure: Record<string, string> | undefined;
  if (params.MessageStructure !== undefined) {
    if (params.MessageStructure !== "json") throw invalid("MessageStructure");
    structure = parseStructure(message);
    if (!structure) throw invalid("Message Structure - JSON message body failed to parse");
    if (structure.default === undefined)
      throw invalid("Message Structure - No default entry in JSON message body");
  }
  const attributes = parseAttributes(params);
  const out: PublishedMessage = {
    messageId: randomUUID(),
    message,
    attributes,
    at: new Date(),
  };
  if (params.TopicArn !== undefined) out.topicArn = params.TopicArn;
  if (params.TargetArn !== undefined) out.targetArn = params.TargetArn;
  if (params.PhoneNumber !== undefined) out.phoneNumber = params.PhoneNumber;
  if (subject !== undefined) out.subject = subject;
  if (params.MessageStructure !== undefined) out.messageStructure = params.MessageStructure;
  if (structure) out.structure = structure;
  return out;
}

/** A JSON object whose values are all strings (SNS requires "simple JSON string values"). */
function parseStructure(message: string): Record<string, string> | undefined {
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed);
    if (!entries.every(([, v]) => typeof v === "string")) return undefined;
    return Object.fromEntries(entries) as Record<string, string>;
  } catch {
    return undefined;
  }
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` / `.Value.BinaryValue`. */
function parseAttributes(params: Record<string, string>): Record<string, FakeAttribute> {
  const attributes: Record<string, FakeAttribute> = {};
  for (let n = 1; ; n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    const name = params[`${prefix}.Name`];
    if (name === undefined) break;
    const dataType = params[`${prefix}.Value.DataType`];
    if (dataType === undefined)
      throw new SnsError(
        400,
        "ParameterValueInvalid",
        `The message attribute '${name}' must contain a data type`,
      );
    const attribute: FakeAttribute = { dataType };
    const stringValue = params[`${prefix}.Value.StringValue`];
    const binaryValue = params[`${prefix}.Value.BinaryValue`];
    if (stringValue !== undefined) attribute.stringValue = stringValue;
    if (binaryValue !== undefined) attribute.binaryValue = binaryValue;
    if (stringValue === undefined && binaryValue === undefined)
      throw new SnsError(
        400,
        "ParameterValueInvalid",
        `The message attribute '${name}' must contain a value`,
      );
    attributes[name] = attribute;
  }
  return attributes;
}

function sendXml(res: ServerResponse, status: number, xml: string, requestId = randomUUID()): void {
  res.writeHead(status, {
    "content-type": "text/xml",
    "content-length": Buffer.byteLength(xml),
    "x-amzn-requestid": requestId,
  });
  res.end(xml);
}

/** Query-protocol error: `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code>…`. */
function sendError(res: ServerResponse, error: SnsError): void {
  const requestId = randomUUID();
  const type = error.status >= 500 ? "Receiver" : "Sender";
  sendXml(
    res,
    error.status,
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    requestId,
  );
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
