import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake S3 at the HTTP level, for the postmortem export: a node:http server on 127.0.0.1 that
 * answers `PutObject` (path-style, `PUT /<bucket>/<key>`) the way S3 does, so the real
 * `@aws-sdk/client-s3` client (serialisation, signing, checksums, retries, error parsing) runs
 * against it. Only buckets it was told about exist (`NoSuchBucket` otherwise). Faults can be
 * queued: `500` (InternalError) and `503` (SlowDown), which the SDK retries, or any other answer.
 */

export interface StoredObject {
  bucket: string;
  key: string;
  body: string;
  contentType: string | undefined;
  etag: string;
  at: Date;
}

export type S3Fault = "500" | "503" | { status: number; code: string; message?: string };

export interface FakeS3 {
  /** The endpoint for `new S3Client({ endpoint, forcePathStyle: true })`. */
  endpoint: string;
  /** Every PutObject accepted, in order (a rewrite of a key appears again). */
  puts: StoredObject[];
  /** The current object per `bucket/key`. */
  objects: Map<string, StoredObject>;
  /** Requests that got a fault. */
  faults: { fault: S3Fault; key: string }[];
  failNext(...faults: S3Fault[]): void;
  reset(): void;
  stop(): Promise<void>;
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
}

/** The payload of an `aws-chunked` body (the SDK streams with it when it adds a trailing checksum). */
function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const lineEnd = raw.indexOf("\r\n", offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString("latin1").split(";")[0] ?? "", 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export async function startFakeS3(options: { buckets: string[]; port?: number }): Promise<FakeS3> {
  const buckets = new Set(options.buckets);
  const queued: S3Fault[] = [];
  const state = {
    puts: [] as StoredObject[],
    objects: new Map<string, StoredObject>(),
    faults: [] as { fault: S3Fault; key: string }[],
  };

  const send = (res: ServerResponse, status: number, body = "", headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      "x-amz-request-id": randomUUID(),
      ...(body ? { "content-type": "application/xml" } : {}),
      ...headers,
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://fake-s3");
    const [, bucket = "", ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    // The SDK adds `?x-id=PutObject`; any other query is another operation.
    const otherQuery = [...url.searchParams.keys()].some((name) => name !== "x-id");
    if (req.method !== "PUT" || !key || otherQuery) {
      send(
        res,
        501,
        errorXml(
          "NotImplemented",
          `the fake S3 only answers PutObject, not ${req.method} ${url.pathname}${url.search}`,
        ),
      );
      return;
    }
    if (!buckets.has(bucket)) {
      send(res, 404, errorXml("NoSuchBucket", `The specified bucket does not exist: ${bucket}`));
      return;
    }
    const fault = queued.shift();
    if (fault) {
      state.faults.push({ fault, key });
      if (fault === "500")
        send(res, 500, errorXml("InternalError", "We encountered an internal error. Please try again."));
      else if (fault === "503") send(res, 503, errorXml("SlowDown", "Please reduce your request rate."));
      else send(res, fault.status, errorXml(fault.code, fault.message ?? fault.code));
      return;
    }
    const chunked = (req.headers["content-encoding"] ?? "").includes("aws-chunked");
    const body = (chunked ? decodeAwsChunked(raw) : raw).toString("utf8");
    const etag = `"${createHash("md5").update(body).digest("hex")}"`;
    const stored: StoredObject = {
      bucket,
      key,
      body,
      contentType: req.headers["content-type"],
      etag,
      at: new Date(),
    };
    state.puts.push(stored);
    state.objects.set(`${bucket}/${key}`, stored);
    send(res, 200, "", { etag });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, errorXml("InternalError", String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get puts() {
      return state.puts;
    },
    get objects() {
      return state.objects;
    },
    get faults() {
      return state.faults;
    },
    failNext(...faults: S3Fault[]) {
      queued.push(...faults);
    },
    reset() {
      queued.length = 0;
      state.puts = [];
      state.objects = new Map();
      state.faults = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
