import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";

/** Bodies larger than this get 413, like API Gateway (its limit is 10 MB; Lambda's is 6 MB). */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** Of an oversize body, up to this many times the limit is read (and thrown away) before the 413. */
export const DRAIN_FACTOR = 4;

export class BodyTooLargeError extends Error {
  /**
   * `drained`: the whole body was read (and discarded), so the 413 can be answered on a connection
   * that stays usable. Otherwise the client is still sending (a body larger than `DRAIN_FACTOR` ×
   * the limit): answer with `connection: close`.
   */
  constructor(
    message: string,
    readonly drained: boolean,
  ) {
    super(message);
  }
}

/**
 * The request body, at most `limit` bytes; else BodyTooLargeError. An oversize body is still read
 * to its end (and discarded, never kept) up to `drainLimit` bytes: answering while the client is
 * still sending and then closing the socket resets the connection, and the client never sees the
 * 413. The request stream is never destroyed here (that would close the socket before the answer).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES, drainLimit = limit * DRAIN_FACTOR) {
  const tooLarge = (drained: boolean) =>
    new BodyTooLargeError(`request body is larger than ${limit} bytes`, drained);
  return new Promise<Buffer>((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > drainLimit) return reject(tooLarge(false));
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (outcome: () => void) => {
      req.off("data", onData).off("end", onEnd).off("error", onError);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > drainLimit) {
        // Stop reading: the answer goes with `connection: close`; Node discards what is left.
        req.pause();
        return done(() => reject(tooLarge(false)));
      }
      if (size > limit) chunks.length = 0;
      else chunks.push(chunk);
    };
    const onEnd = () => done(() => (size > limit ? reject(tooLarge(true)) : resolve(Buffer.concat(chunks))));
    const onError = (error: Error) => done(() => reject(error));
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

/** API Gateway sends JSON and text as text, and everything else (forms, binary) base64-encoded. */
function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || type.endsWith("+json") || type.startsWith("text/");
}

/** Builds the API Gateway HTTP API (payload v2) event that Lambda would receive for this request. */
export function toApiGatewayV2Event(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? "/", "http://local");
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === "cookie") cookies.push(...String(value).split(/;\s*/));
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const textual = isTextual(headers["content-type"]);
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: cookies.length ? cookies : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? (textual ? body.toString("utf8") : body.toString("base64")) : undefined,
    isBase64Encoded: body.length > 0 && !textual,
  };
}

export function lambdaContext(functionName: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Writes a Lambda proxy result (payload v2) to the HTTP response, as API Gateway would. */
export interface HttpResult {
  statusCode?: number;
  headers?: Record<string, unknown>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

export function sendResult(res: ServerResponse, result: HttpResult | string | undefined | null): void {
  if (typeof result === "string" || result === undefined || result === null) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(typeof result === "string" ? result : "");
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers["set-cookie"] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  const body = result.body ?? "";
  res.end(result.isBase64Encoded ? Buffer.from(body, "base64") : body);
}
