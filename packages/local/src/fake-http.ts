import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What the HTTP-level fakes of AWS services (fake-sns.ts, fake-sms-voice.ts) share: listening on
 * 127.0.0.1 on a free port, stopping (open sockets closed, so a request left unanswered to
 * simulate a timeout ends), and reading a request's body.
 */
export async function listenOnLoopback(server: Server): Promise<{ endpoint: string; stop(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
