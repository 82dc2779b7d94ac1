import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";

/**
 * An oversize body gets its 413, with the problem JSON, whatever the client: the runtime must not
 * reset the connection while the client is still sending (Node's fetch and curl both saw resets).
 */

const run = promisify(execFile);
const MB = 1024 * 1024;

let runtime: LocalRuntime;
let dir: string;
let token: string;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dataDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: `body-limits-${process.pid}-${Date.now()}`,
  });
  token = await runtime.apiToken("responder");
  dir = mkdtempSync(join(tmpdir(), "firebreak-body-limits-"));
});
afterAll(async () => {
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A JSON-ish body of `size` bytes (the content does not matter: it is too large). */
const body = (size: number) => Buffer.alloc(size, 0x61);

const CASES = [
  // 2 MB reaches the API, whose limit is 1 MB; 10 MB is over the runtime's own 6 MB.
  { size: 2 * MB, path: "/api/incidents" },
  { size: 10 * MB, path: "/api/incidents" },
  { size: 10 * MB, path: "/events" },
] as const;

const headersFor = (path: string): Record<string, string> =>
  path === "/events"
    ? runtime.eventHeaders
    : { "content-type": "application/json", authorization: `Bearer ${token}` };

function expectProblem(status: number, text: string) {
  expect(status).toBe(413);
  expect(JSON.parse(text)).toMatchObject({ status: 413, title: "Body too large" });
}

describe("413 for oversize bodies, delivered", () => {
  it.each(CASES)(
    "Node's fetch (undici) sending $size bytes to $path sees the 413 and its problem JSON",
    async ({ size, path }) => {
      // A few times over: a reset depends on how far the upload got when the server answered.
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${runtime.url}${path}`, {
          method: "POST",
          headers: headersFor(path),
          body: body(size),
        });
        expectProblem(res.status, await res.text());
      }
    },
  );

  it.each(CASES)(
    "curl sending $size bytes to $path sees the 413 and its problem JSON",
    async ({ size, path }) => {
      const file = join(dir, `body-${size}.json`);
      writeFileSync(file, body(size));
      const headers = Object.entries(headersFor(path)).flatMap(([name, value]) => [
        "-H",
        `${name}: ${value}`,
      ]);
      for (let i = 0; i < 3; i++) {
        // Exit status 0: no reset (55 "failed sending", 56 "failure receiving" otherwise).
        const { stdout } = await run(
          "curl",
          [
            "-sS",
            "-X",
            "POST",
            ...headers,
            "--data-binary",
            `@${file}`,
            "-w",
            "\n%{http_code}",
            `${runtime.url}${path}`,
          ],
          { maxBuffer: 4 * MB },
        );
        const lines = stdout.trimEnd().split("\n");
        const status = Number(lines.pop());
        expectProblem(status, lines.join("\n"));
      }
    },
  );

  it.each(CASES)(
    "a node:http client uploading $size bytes to $path in paced 64 KB writes sees the 413",
    async ({ size, path }) => {
      // The client that saw resets every time: it is still writing when the server answers.
      for (let i = 0; i < 2; i++) {
        const { status, text } = await pacedUpload(`${runtime.url}${path}`, headersFor(path), size);
        expectProblem(status, text);
      }
    },
  );

  it.each(CASES)(
    "Node's fetch streaming $size bytes to $path (no content-length) sees the 413",
    async ({ size, path }) => {
      const chunk = 256 * 1024;
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= size) return controller.close();
          sent += chunk;
          controller.enqueue(new Uint8Array(chunk).fill(0x61));
          await new Promise((r) => setTimeout(r, 1));
        },
      });
      const res = await fetch(`${runtime.url}${path}`, {
        method: "POST",
        headers: headersFor(path),
        body: stream,
        duplex: "half",
      } as RequestInit);
      expectProblem(res.status, await res.text());
    },
  );

  it("answers 400, never 500, for JSON nested deeper than 64 levels at POST /events and at the API", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const event = `{"version":"0","id":"e-1","source":"aws.cloudwatch","detail-type":"CloudWatch Alarm State Change","detail":{"alarmName":${deep}}}`;
    for (const path of ["/events", "/api/incidents"]) {
      const res = await fetch(`${runtime.url}${path}`, {
        method: "POST",
        headers: headersFor(path),
        body: path === "/events" ? event : `{"title":${deep}}`,
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/nested (at most|more than) 64 levels/);
    }
  });

  it("keeps serving afterwards", async () => {
    expect((await fetch(`${runtime.url}/health`)).status).toBe(200);
  });
});

/** POSTs `size` bytes with a declared length, in 64 KB writes with a pause between them. */
function pacedUpload(url: string, headers: Record<string, string>, size: number) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { ...headers, "content-length": String(size) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    void (async () => {
      for (let sent = 0; sent < size && !req.destroyed; sent += chunk.length) {
        if (!req.write(chunk.subarray(0, Math.min(chunk.length, size - sent))))
          await new Promise((r) => req.once("drain", r));
        await new Promise((r) => setTimeout(r, 1));
      }
      req.end();
    })();
  });
}
