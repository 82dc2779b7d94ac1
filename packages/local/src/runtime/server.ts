/**
 * The local runtime's one HTTP server: the guard first (fail closed until it knows the server's own
 * address), then `POST /events`, the dashboard's files, and the route table (matchRoute), each
 * request as API Gateway would hand it to the function.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Log } from "@firebreak/core/shared/log";
import { type HttpFunctionName, matchRoute } from "@firebreak/functions/wiring/topology";
import { BodyTooLargeError, type HttpResult, readBody, sendResult, toApiGatewayV2Event } from "../apigw";
import { type LocalGuard, localGuard } from "../local-guard";
import type { RuntimeOptions } from "../runtime";
import { serveDashboard, WEB_DIST } from "../static-web";
import { type HttpFunction, json, problem } from "./routes";
import type { Started } from "./stop";

/**
 * Starts the server (recorded in `started` before it listens) on the options' port and `host`,
 * and returns its URL once it listens and its guard is set.
 */
export async function startHttpServer(wiring: {
  options: RuntimeOptions;
  host: string;
  settings: Readonly<Record<string, string | undefined>>;
  eventsToken: string;
  http: Record<HttpFunctionName, HttpFunction>;
  routeEvent: (body: Buffer) => Promise<HttpResult>;
  log: Log;
  started: Started;
}): Promise<string> {
  const { options, host, settings, eventsToken, http, routeEvent, log, started } = wiring;
  let guard: LocalGuard | undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        const tooLarge = problem(413, "Body too large", error.message);
        // Read to its end (readBody drains it), the body leaves the connection usable; else the
        // client is still sending: close after the answer (Node ends the socket once it is sent).
        if (error.drained) return sendResult(res, tooLarge);
        return sendResult(res, { ...tooLarge, headers: { ...tooLarge.headers, connection: "close" } });
      }
      throw error;
    }
    const path = new URL(req.url ?? "/", "http://local").pathname;
    // Fail closed: nothing is served before the guard knows the server's own address.
    const refused = guard
      ? guard.check(req, path)
      : { status: 403 as const, title: "Starting", detail: "not ready yet" };
    if (refused) return sendResult(res, problem(refused.status, refused.title, refused.detail));
    if (path === "/events") {
      if (req.method !== "POST")
        return sendResult(res, problem(405, "Method not allowed", "use POST /events"));
      return sendResult(res, await routeEvent(body));
    }
    const webDir = options.webDir === undefined ? WEB_DIST : options.webDir;
    if (webDir && (await serveDashboard(webDir, req, res, path))) return;
    const route = matchRoute(req.method ?? "GET", path);
    // API Gateway's own answer when no route matches.
    if (!route) return sendResult(res, json(404, { message: "Not Found" }));
    const event = { ...toApiGatewayV2Event(req, body), routeKey: route.route };
    sendResult(res, await http[route.name as HttpFunctionName](event));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error(`request failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent)
        sendResult(res, problem(500, "Internal error", "The local runtime failed; see its console."));
      else res.end();
    });
  });
  started.server = server;
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolvePromise());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  guard = localGuard({ host, port, eventsToken, allowedHosts: settings.FIREBREAK_ALLOWED_HOSTS });
  return `http://${host}:${port}`;
}
