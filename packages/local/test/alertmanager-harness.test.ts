import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alertmanagerInstalled, type RunningAlertmanager, startAlertmanager } from "./support/alertmanager";

/**
 * The Alertmanager test harness (support/alertmanager.ts) against a real Alertmanager and a plain
 * HTTP receiver: no Firebreak runtime. Skipped where Alertmanager is not installed, except in CI.
 */

/** The webhook body of Alertmanager 0.25 (version "4"), as far as these tests read it. */
interface Notification {
  version: string;
  status: "firing" | "resolved";
  groupKey: string;
  alerts: { status: "firing" | "resolved"; labels: Record<string, string>; fingerprint: string }[];
}

interface Received {
  authorization: string | undefined;
  body: Notification;
}

/** A webhook receiver that answers 200 and keeps what it got. */
async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received.push({ authorization: request.headers.authorization, body: JSON.parse(body) });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alertmanager`;
  return { server, url, received };
}

describe.skipIf(!alertmanagerInstalled() && !process.env.CI)("Alertmanager harness", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const started: RunningAlertmanager[] = [];
  let server: Server | undefined;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = receiver.server;
  });

  afterAll(async () => {
    await Promise.all(started.map((alertmanager) => alertmanager.stop()));
    await new Promise((resolve) => server?.close(resolve));
  });

  it("delivers a firing alert, then its resolution, to the webhook with the bearer token", async () => {
    const alertmanager = await startAlertmanager({ webhookUrl: receiver.url, bearer: "test-token" });
    started.push(alertmanager);
    const alert = {
      labels: { alertname: "HighErrorRate", service: "checkout", severity: "critical" },
      annotations: {
        summary: "Checkout error rate above 5%",
        description: "5xx responses are 7.2% of checkout requests over the last 5 minutes.",
        runbook_url: "https://runbooks.example.com/checkout/high-error-rate",
      },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
    };

    await alertmanager.post([alert]);
    const firing = await vi.waitFor(
      () => {
        const notification = receiver.received.find((r) => r.body.status === "firing");
        expect(notification).toBeDefined();
        return notification!;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(firing.authorization).toBe("Bearer test-token");
    expect(firing.body).toMatchObject({
      version: "4",
      receiver: "webhook",
      status: "firing",
      groupLabels: { alertname: "HighErrorRate", service: "checkout" },
      truncatedAlerts: 0,
    });
    expect(firing.body.alerts).toHaveLength(1);
    expect(firing.body.alerts[0]).toMatchObject({
      status: "firing",
      labels: alert.labels,
      annotations: alert.annotations,
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });

    await alertmanager.post([{ ...alert, endsAt: new Date().toISOString() }]);
    const resolved = await vi.waitFor(
      () => {
        const notification = receiver.received.find((r) => r.body.alerts[0]?.status === "resolved");
        expect(notification).toBeDefined();
        return notification!;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(resolved.authorization).toBe("Bearer test-token");
    expect(resolved.body).toMatchObject({ version: "4", status: "resolved", groupKey: firing.body.groupKey });
    expect(resolved.body.alerts[0]?.fingerprint).toBe(firing.body.alerts[0]?.fingerprint);
  }, 90_000);

  it("rejects with Alertmanager's own message when it cannot start", async () => {
    await expect(startAlertmanager({ webhookUrl: "ftp://127.0.0.1/hook" })).rejects.toThrow(
      /exited .* before it was ready:[\s\S]*unsupported scheme \\?"ftp/,
    );
  });

  it("post() throws with the body of a rejected request; stop() ends it and may be called twice", async () => {
    const alertmanager = await startAlertmanager({ webhookUrl: receiver.url });
    started.push(alertmanager);
    await expect(alertmanager.post([{ labels: {} }])).rejects.toThrow(/answered 400 .*: .+/);
    await alertmanager.stop();
    await alertmanager.stop();
    await expect(fetch(`${alertmanager.url}/-/ready`)).rejects.toThrow();
  });
});
