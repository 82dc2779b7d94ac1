/**
 * Alerts from other monitors, end to end through the local runtime (issue 16, items 1, 6 and 7):
 * a real Prometheus Alertmanager started by the test, `@pagerduty/pdjs`'s own `event()` and
 * Opsgenie-shaped requests open, acknowledge and resolve incidents through the same ingest, pager
 * and API as CloudWatch alarms. Keys are created and revoked with the CLI and the API; every
 * endpoint refuses without a valid key, over 1 MB, and with a body it cannot read (dead-lettered).
 *
 * Each test uses its own service of the demo directory, so grouping by service keeps them apart.
 */
import { Agent as HttpsAgent } from "node:https";
import { connect, type Socket } from "node:net";
import { fixture } from "@firebreak/testkit/fixtures";
import { event as pagerDutyEvent } from "@pagerduty/pdjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildCli } from "../src/cli";
import type { LocalRuntime } from "../src/runtime";
import { alertmanagerInstalled, type RunningAlertmanager, startAlertmanager } from "./support/alertmanager";
import { apiCaller, startTestRuntime } from "./support/runtime";

let runtime: LocalRuntime;
let admin: string;
const keys: Record<string, { id: string; key: string }> = {};

const call = apiCaller(
  () => runtime,
  () => admin,
);

async function cli(...args: string[]): Promise<{ out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
  try {
    await buildCli().parseAsync(["node", "firebreak", ...args, "--url", runtime.url, "--token", admin]);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  return { out, err };
}

beforeAll(async () => {
  runtime = await startTestRuntime("integrations");
  admin = await runtime.apiToken("admin", "alice");
  // The CLI creates one (and prints the key once, with the sender's configuration) ...
  const created = await cli("integration", "create", "alertmanager", "--name", "prometheus-eu");
  const id = /Integration key (\S+) /.exec(created.err.join("\n"))?.[1];
  expect(created.out[0]).toMatch(/^[0-9a-f]{32}$/);
  expect(created.err.join("\n")).toContain(`url: ${runtime.url}/integrations/alertmanager`);
  keys.alertmanager = { id: id!, key: created.out[0]! };
  // ... and so does the API.
  for (const [format, extra] of [
    ["pagerduty", { service: "ledger" }],
    ["opsgenie", {}],
  ] as const) {
    const res = await call("/api/integrations", { body: { format, name: `${format}-main`, ...extra } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    keys[format] = { id: res.json.id, key: res.json.key };
  }
});
afterAll(() => runtime.stop());

interface IncidentSummary {
  id: string;
  number: number;
  status: string;
  severity: string;
  title: string;
  services: string[];
}

async function incidentsOf(service: string): Promise<IncidentSummary[]> {
  const res = await call(`/api/incidents?status=all&service=${service}`);
  expect(res.status).toBe(200);
  return res.json.items;
}

async function detail(id: string) {
  const res = await call(`/api/incidents/${id}`);
  expect(res.status).toBe(200);
  return res.json;
}

/** Waits until the service has exactly one incident and it is in `status`. */
async function oneIncident(service: string, status: string): Promise<IncidentSummary> {
  return vi.waitFor(
    async () => {
      const items = await incidentsOf(service);
      expect(items).toHaveLength(1);
      expect(items[0]?.status).toBe(status);
      return items[0]!;
    },
    { timeout: 30_000, interval: 200 },
  );
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${runtime.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A notification as Alertmanager 0.25 posts it (captured from the real one), for one service. */
function notification(
  service: string,
  alerts: { fingerprint: string; status: "firing" | "resolved"; at: Date }[],
) {
  return {
    receiver: "firebreak",
    status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: { alertname: "HighErrorRate", service, instance: a.fingerprint, severity: "critical" },
      annotations: {
        summary: `${service} error rate above 5%`,
        runbook_url: `https://runbooks.example.com/${service}/high-error-rate`,
      },
      startsAt: a.status === "firing" ? a.at.toISOString() : new Date(a.at.getTime() - 60_000).toISOString(),
      endsAt: a.status === "firing" ? "0001-01-01T00:00:00Z" : a.at.toISOString(),
      generatorURL: "",
      fingerprint: a.fingerprint,
    })),
    groupLabels: { alertname: "HighErrorRate", service },
    commonLabels: { alertname: "HighErrorRate", service },
    commonAnnotations: {},
    externalURL: "http://127.0.0.1:9093",
    version: "4",
    groupKey: `{}:{alertname="HighErrorRate", service="${service}"}`,
    truncatedAlerts: 0,
  };
}

const secondsAgo = (s: number) => new Date(runtime.clock.now().getTime() - s * 1000);

describe.skipIf(!alertmanagerInstalled() && !process.env.CI)("a real Prometheus Alertmanager", () => {
  let alertmanager: RunningAlertmanager;
  beforeAll(async () => {
    alertmanager = await startAlertmanager({
      webhookUrl: `${runtime.url}/integrations/alertmanager`,
      bearer: keys.alertmanager!.key,
    });
  });
  afterAll(() => alertmanager?.stop());

  it("opens an incident for its alerts (paged, with their context) and resolves it when they resolve", async () => {
    const alert = (instance: string, endsAt?: string) => ({
      labels: { alertname: "CartHighErrorRate", service: "cart", instance, severity: "critical" },
      annotations: {
        summary: "Cart error rate above 5%",
        description: "5xx responses are 7.2% of cart requests over the last 5 minutes.",
        runbook_url: "https://runbooks.example.com/cart/high-error-rate",
      },
      startsAt: secondsAgo(120).toISOString(),
      ...(endsAt ? { endsAt } : {}),
      generatorURL: "http://prometheus.example.com:9090/graph?g0.expr=cart_errors",
    });
    await alertmanager.post([alert("cart-1"), alert("cart-2")]);
    const incident = await oneIncident("cart", "declared");
    expect(incident).toMatchObject({ severity: "SEV1", title: "CartHighErrorRate" });
    const opened = await detail(incident.id);
    expect(opened.alarm.context).toMatchObject({
      source: "Prometheus Alertmanager",
      reason: "Cart error rate above 5%",
      consoleUrl: "http://prometheus.example.com:9090/graph?g0.expr=cart_errors",
      links: [{ label: "Runbook", url: "https://runbooks.example.com/cart/high-error-rate" }],
      integration: { id: keys.alertmanager!.id, name: "prometheus-eu" },
    });
    // Both alerts of the group are on the one incident (grouped by service).
    await vi.waitFor(async () => expect((await detail(incident.id)).alarms).toHaveLength(2), {
      timeout: 30_000,
    });
    // Paged like any alarm-made incident.
    await vi.waitFor(
      async () => {
        const pages = (await call(`/api/pages?incident=${incident.id}`)).json.items as unknown[];
        expect(pages.length).toBeGreaterThan(0);
      },
      { timeout: 30_000, interval: 200 },
    );

    // One resolves: still open. Both: resolved, by the alerts' own resolution.
    const now = runtime.clock.now().toISOString();
    await alertmanager.post([alert("cart-1", now)]);
    await vi.waitFor(
      async () => {
        const d = await detail(incident.id);
        expect(d.alarms.find((a: { name: string; state: string }) => a.state === "OK")).toBeDefined();
      },
      { timeout: 30_000, interval: 200 },
    );
    expect((await detail(incident.id)).status).toBe("declared");
    await alertmanager.post([alert("cart-2", now)]);
    await oneIncident("cart", "resolved");
  });
});

describe("the Alertmanager webhook, redelivered, reordered and refused", () => {
  it("a redelivered notification is a duplicate; a repeat of a firing alert changes nothing", async () => {
    const body = notification("dns", [
      { fingerprint: "a1b2c3d4e5f60718", status: "firing", at: secondsAgo(90) },
    ]);
    const first = await post("/integrations/alertmanager", body, bearer(keys.alertmanager!.key));
    expect(first.status).toBe(200);
    const opened = (await first.json()) as { results: { outcome: string; incidentId: string }[] };
    expect(opened.results[0]?.outcome).toBe("opened");
    for (let i = 0; i < 3; i++) {
      const again = await post("/integrations/alertmanager", body, bearer(keys.alertmanager!.key));
      expect(((await again.json()) as { results: { outcome: string }[] }).results[0]?.outcome).toBe(
        "duplicate",
      );
    }
    expect(await incidentsOf("dns")).toHaveLength(1);
  });

  it("a resolved alert that arrives before its firing one: one incident, resolved, never left open", async () => {
    const fp = "0f1e2d3c4b5a6978";
    const resolved = notification("ci", [{ fingerprint: fp, status: "resolved", at: secondsAgo(30) }]);
    const firing = notification("ci", [{ fingerprint: fp, status: "firing", at: secondsAgo(120) }]);
    expect((await post("/integrations/alertmanager", resolved, bearer(keys.alertmanager!.key))).status).toBe(
      200,
    );
    expect(await incidentsOf("ci")).toHaveLength(0);
    expect((await post("/integrations/alertmanager", firing, bearer(keys.alertmanager!.key))).status).toBe(
      200,
    );
    const incident = await oneIncident("ci", "resolved");
    expect((await detail(incident.id)).timeline.map((e: { kind: string }) => e.kind)).toContain(
      "incident.status_changed",
    );
  });

  it("takes the good alerts of a notification with a malformed one, which is dead-lettered with its reason", async () => {
    const body = notification("network", [
      { fingerprint: "1111222233334444", status: "firing", at: secondsAgo(60) },
      { fingerprint: "5555666677778888", status: "firing", at: secondsAgo(60) },
    ]);
    (body.alerts[1] as Record<string, unknown>).startsAt = "not a time";
    body.truncatedAlerts = 3;
    const before = runtime.deadLetters.letters.length;
    const res = await post("/integrations/alertmanager", body, bearer(keys.alertmanager!.key));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      results: { outcome: string }[];
      refused: { index: number; issues: { path: string }[] }[];
      truncatedAlerts: number;
      warning: string;
    };
    expect(answer.results.map((r) => r.outcome)).toEqual(["opened"]);
    expect(answer.refused).toEqual([
      { index: 1, issues: [{ path: "alerts[1].startsAt", message: expect.stringContaining("RFC 3339") }] },
    ]);
    expect(answer.truncatedAlerts).toBe(3);
    expect(answer.warning).toMatch(/left 3 alert\(s\) out/);
    const letter = runtime.deadLetters.letters
      .slice(before)
      .find((l) => l.source === "integration:alertmanager");
    expect(letter?.reason).toMatch(/alert 1 of an Alertmanager notification refused: alerts\[1\]\.startsAt/);
    expect(letter?.reason).toContain("prometheus-eu");
  });

  it("says which formats it accepts when sent something else (dead-lettered), and never a 500", async () => {
    const before = runtime.deadLetters.letters.length;
    const res = await post(
      "/integrations/alertmanager",
      fixture("pagerduty/pd-trigger-full.json"),
      bearer(keys.alertmanager!.key),
    );
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string };
    expect(problem.detail).toContain("Not an Alertmanager notification");
    expect(problem.detail).toContain("PagerDuty Events API v2 events at POST /v2/enqueue");
    expect(runtime.deadLetters.letters.length).toBe(before + 1);
    const notJson = await post("/integrations/alertmanager", "{nope", bearer(keys.alertmanager!.key));
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { detail: string }).detail).toMatch(/^the body is not JSON: expected/);
  });
});

/**
 * pdjs always builds `https://<server>/v2/enqueue`. Its requests reach the local runtime through an
 * https.Agent whose connection is plain TCP to the runtime on loopback (API Gateway terminates TLS
 * in the cloud): the bytes pdjs sends are what the runtime receives, unchanged.
 */
function toRuntime(): { server: string; agent: HttpsAgent } {
  const { port, hostname } = new URL(runtime.url);
  class LoopbackAgent extends HttpsAgent {
    override createConnection(): Socket {
      return connect(Number(port), hostname);
    }
  }
  return { server: `${hostname}:${port}`, agent: new LoopbackAgent({ keepAlive: false }) };
}

describe("@pagerduty/pdjs's event(), pointed at the local runtime", () => {
  const send = (data: Record<string, unknown>) => pagerDutyEvent({ ...toRuntime(), data } as never);

  it("triggers, acknowledges and resolves: one incident, in PagerDuty's answers", async () => {
    const trigger = await send({
      routing_key: keys.pagerduty!.key,
      event_action: "trigger",
      dedup_key: "ledger-api-5xx-high",
      payload: {
        summary: "ledger-api 5xx above 40/min",
        source: "ledger-api.prod",
        severity: "error",
        component: "ledger-api",
        custom_details: { threshold: 40, recent: [73, 88] },
      },
      links: [{ href: "https://runbooks.example.com/ledger/api-5xx", text: "Runbook" }],
      client: "Grafana",
      client_url: "https://grafana.example.com/alerting/list",
    });
    expect(trigger.status).toBe(202);
    expect(trigger.data).toEqual({
      status: "success",
      message: "Event processed",
      dedup_key: "ledger-api-5xx-high",
    });
    const incident = await oneIncident("ledger", "declared");
    // The key maps to the service; "error" is SEV2.
    expect(incident).toMatchObject({
      severity: "SEV2",
      title: "ledger-api 5xx above 40/min",
      services: ["ledger"],
    });

    const ack = await send({
      routing_key: keys.pagerduty!.key,
      event_action: "acknowledge",
      dedup_key: "ledger-api-5xx-high",
    });
    expect(ack.status).toBe(202);
    await oneIncident("ledger", "acknowledged");
    const acknowledged = await detail(incident.id);
    const entry = acknowledged.timeline.find(
      (e: { kind: string; data: { to?: string } }) =>
        e.kind === "incident.status_changed" && e.data.to === "acknowledged",
    );
    expect(entry.actor.name).toBe("PagerDuty Events API (pagerduty-main)");

    const resolve = await send({
      routing_key: keys.pagerduty!.key,
      event_action: "resolve",
      dedup_key: "ledger-api-5xx-high",
    });
    expect(resolve.status).toBe(202);
    await oneIncident("ledger", "resolved");
  });

  it("returns the dedup_key it made for a trigger without one, and refuses in PagerDuty's shape", async () => {
    const made = await send({
      routing_key: keys.pagerduty!.key,
      event_action: "trigger",
      payload: { summary: "queue depth high", source: "search-indexer", severity: "info" },
    });
    expect(made.status).toBe(202);
    expect(made.data.dedup_key).toMatch(/^[0-9a-f]{32}$/);

    const invalid = await send({
      routing_key: keys.pagerduty!.key,
      event_action: "trigger",
      payload: { summary: "x" },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.data).toEqual({
      status: "invalid event",
      message: "Event object is invalid",
      errors: [
        "'payload.source' is missing or blank",
        "'payload.severity' is invalid (expected one of critical, error, warning, info)",
      ],
    });
  });
});

describe("Opsgenie-shaped requests (the official SDKs' paths, GenieKey header and bodies)", () => {
  const genie = () => ({ authorization: `GenieKey ${keys.opsgenie!.key}` });

  it("create, acknowledge and close by alias round-trip to one incident", async () => {
    const created = await post(
      "/v2/alerts",
      {
        message: "Search indexing stalled",
        alias: "search-indexing-stalled",
        description: "No documents indexed for 10 minutes",
        tags: ["service:search", "indexing"],
        details: { runbook_url: "https://runbooks.example.com/search/indexing" },
        entity: "search-indexer",
        priority: "P1",
      },
      genie(),
    );
    expect(created.status).toBe(202);
    expect(await created.json()).toEqual({
      result: "Request will be processed",
      took: expect.any(Number),
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const incident = await oneIncident("search", "declared");
    expect(incident.severity).toBe("SEV1");

    const ack = await post(
      "/v2/alerts/search-indexing-stalled/acknowledge?identifierType=alias",
      { user: "dana" },
      genie(),
    );
    expect(ack.status).toBe(202);
    await oneIncident("search", "acknowledged");
    const close = await post(
      "/v2/alerts/search-indexing-stalled/close?identifierType=alias",
      { note: "reindexed" },
      genie(),
    );
    expect(close.status).toBe(202);
    await oneIncident("search", "resolved");

    const byId = await post(
      "/v2/alerts/8418d193-2dab-4490-b331-8c02cdd196b7/close?identifierType=id",
      {},
      genie(),
    );
    expect(byId.status).toBe(422);
    expect(((await byId.json()) as { message: string }).message).toMatch(/identifierType=alias/);
  });
});

describe("keys and limits", () => {
  const endpoints = [
    {
      path: "/integrations/alertmanager",
      format: "alertmanager",
      auth: (k: string) => bearer(k),
      body: () => notification("cart", []),
    },
    {
      path: "/v2/enqueue",
      format: "pagerduty",
      auth: () => ({}),
      body: (k: string) => ({ ...fixture<object>("pagerduty/pd-trigger-full.json"), routing_key: k }),
    },
    {
      path: "/v2/alerts",
      format: "opsgenie",
      auth: (k: string) => ({ authorization: `GenieKey ${k}` }),
      body: () => ({ message: "m" }),
    },
  ] as const;

  it("every endpoint refuses without a key, with a wrong one and with another format's", async () => {
    for (const e of endpoints) {
      const other = e.format === "pagerduty" ? keys.opsgenie!.key : keys.pagerduty!.key;
      for (const key of ["", "0123456789abcdef0123456789abcdef", other]) {
        const res = await post(e.path, e.body(key), key ? e.auth(key) : {});
        expect(res.status, `${e.path} with "${key}"`).toBe(401);
        expect(await res.text()).toMatch(
          key ? /not a valid .* integration key/ : /integration key is required/,
        );
      }
    }
  });

  it("a revoked key stops working at once (CLI), and list shows it revoked", async () => {
    const res = await call("/api/integrations", { body: { format: "opsgenie", name: "to-revoke" } });
    const { id, key } = res.json as { id: string; key: string };
    expect(
      (await post("/v2/alerts", { message: "before" }, { authorization: `GenieKey ${key}` })).status,
    ).toBe(202);
    const revoked = await cli("integration", "revoke", id);
    expect(revoked.out[0]).toMatch(new RegExp(`^Revoked: ${id}  opsgenie +to-revoke  revoked `));
    expect(
      (await post("/v2/alerts", { message: "after" }, { authorization: `GenieKey ${key}` })).status,
    ).toBe(401);
    const listed = await cli("integration", "list");
    expect(listed.out.some((l) => l.startsWith(id) && l.includes("revoked"))).toBe(true);
    // The key itself is never listed.
    expect(JSON.stringify((await call("/api/integrations")).json)).not.toContain(key);
  });

  it("bodies over 1 MB get 413, in each format's shape", async () => {
    for (const e of endpoints) {
      const key = keys[e.format]!.key;
      const big = JSON.stringify({ ...e.body(key), padding: "x".repeat(1024 * 1024) });
      const res = await post(e.path, big, e.auth(key));
      expect(res.status, e.path).toBe(413);
      expect(await res.text()).toMatch(/larger than 1048576 bytes/);
    }
  });

  it("only admins create keys, and bad input names the field", async () => {
    const viewer = await runtime.apiToken("viewer", "bob");
    expect(
      (await call("/api/integrations", { token: viewer, body: { format: "opsgenie", name: "x" } })).status,
    ).toBe(403);
    const bad = await call("/api/integrations", {
      body: { format: "nagios", name: "x", service: "Not A Service" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.issues.map((i: { path: string }) => i.path)).toEqual(["format", "service"]);
  });
});
