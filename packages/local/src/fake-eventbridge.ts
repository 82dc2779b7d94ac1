import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake EventBridge at the HTTP level: a node:http server on 127.0.0.1 that speaks the AWS JSON
 * 1.1 protocol for `AWSEvents.PutEvents`, so the real SDK client (serialisation, retries,
 * signing) runs against it. Tests script its answers to inject partial failures, 5xx and
 * throttling, and read back what it received.
 */

/** One entry as it arrives on the wire (`Time` is epoch seconds). */
export interface FakeEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number;
  Resources?: string[];
  TraceHeader?: string;
}

export interface FakeCall {
  /** 0-based count of PutEvents requests received, including ones answered with an error. */
  index: number;
  entries: FakeEntry[];
}

/** Per-entry outcome, in request order; entries without an outcome succeed. */
export type FakeEntryOutcome = "ok" | { errorCode: string; errorMessage?: string };

export type FakeReply =
  | { entries: FakeEntryOutcome[] }
  /** An error for the whole request, e.g. 500 InternalException or 400 ThrottlingException. */
  | { status: number; errorType: string; message?: string };

/** Decides the answer to each call; `undefined` means every entry succeeds. */
export type FakeResponder = (call: FakeCall) => FakeReply | undefined;

export interface FakeEventBridge {
  endpoint: string;
  /** Every PutEvents request, in arrival order. */
  readonly calls: FakeCall[];
  /** Every entry answered with an EventId, in order. */
  readonly accepted: FakeEntry[];
  respondWith(responder: FakeResponder): void;
  stop(): Promise<void>;
}

const TARGET = "AWSEvents.PutEvents";
const CONTENT_TYPE = "application/x-amz-json-1.1";

export async function startFakeEventBridge(responder?: FakeResponder): Promise<FakeEventBridge> {
  const calls: FakeCall[] = [];
  const accepted: FakeEntry[] = [];
  let respond: FakeResponder = responder ?? (() => undefined);
  let nextEventId = 1;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const target = req.headers["x-amz-target"];
    if (target !== TARGET)
      return sendError(res, 400, "UnknownOperationException", `unknown target ${target}`);
    const entries = parseEntries(body);
    if (!entries) return sendError(res, 400, "SerializationException", "body is not a PutEvents request");
    const call: FakeCall = { index: calls.length, entries };
    calls.push(call);
    const reply = respond(call) ?? { entries: [] };
    if ("status" in reply)
      return sendError(res, reply.status, reply.errorType, reply.message ?? reply.errorType);
    const results = entries.map((entry, i) => {
      const outcome = reply.entries[i] ?? "ok";
      if (outcome !== "ok")
        return { ErrorCode: outcome.errorCode, ErrorMessage: outcome.errorMessage ?? "failed" };
      accepted.push(entry);
      return { EventId: `fake-${nextEventId++}` };
    });
    const failedEntryCount = results.filter((r) => "ErrorCode" in r).length;
    send(res, 200, { FailedEntryCount: failedEntryCount, Entries: results });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, 500, "InternalException", String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    accepted,
    respondWith(next) {
      respond = next;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseEntries(body: string): FakeEntry[] | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null || !("Entries" in parsed)) return undefined;
    return Array.isArray(parsed.Entries) ? (parsed.Entries as FakeEntry[]) : undefined;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": CONTENT_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** AWS JSON 1.1 error: `__type` in the body and `x-amzn-ErrorType` header carry the error code. */
function sendError(res: ServerResponse, status: number, errorType: string, message: string): void {
  res.setHeader("x-amzn-errortype", errorType);
  send(res, status, { __type: errorType, message });
}
