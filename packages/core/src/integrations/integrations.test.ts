import { ValidationError } from "@firebreak/core/shared/errors";
import { fixture } from "@firebreak/testkit/fixtures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyAlarm } from "../alarm/classify";
import { alarmContextOf, sourceLinkOf } from "../alarm/context";
import { DEFAULT_EPISODE_CONFIG, resolvesOnOk } from "../alarm/episode";
import { RetryableBatchError } from "../alarm/process";
import { type ExternalAlert, severityOf, transitionOf } from "./alert";
import { readAlertmanagerNotification } from "./alertmanager";
import type { IntegrationKey } from "./keys";
import { OpsgenieRequestError, readOpsgenieAction, readOpsgenieCreate } from "./opsgenie";
import { PagerDutyEventError, readPagerDutyEvent } from "./pagerduty";
import { receiveAlerts } from "./receive";

const KEY: IntegrationKey = {
  id: "01JQ7Z9Y8X6W5V4T3S2R1Q0P9N",
  name: "prometheus-eu",
  format: "alertmanager",
  createdAt: "2026-11-30T09:00:00.000Z",
};
const RECEIVED = new Date("2026-12-04T03:12:00.000Z");

type Notification = { alerts: Record<string, unknown>[]; [key: string]: unknown };

describe("Alertmanager notifications", () => {
  it("reads each alert of a grouped notification: fingerprint, labels, annotations, links, startsAt", () => {
    const read = readAlertmanagerNotification(fixture("alertmanager/am-firing-two-alerts.json"));
    expect(read.refused).toEqual([]);
    expect(read.truncatedAlerts).toBe(0);
    expect(read.alerts.map((a) => a.identity)).toEqual(["4d1e8a0b7c2f9365", "a09c3e5f1b7d2846"]);
    const [first] = read.alerts;
    expect(first).toMatchObject({
      action: "trigger",
      title: "PostgresReplicationLagHigh",
      summary: "Replica ledger-db-replica-1:9187 is more than 30 s behind the primary",
      description: "Replication lag is 47 s.",
      // "page" is a label word for high urgency.
      severity: "SEV2",
      at: "2025-08-02T02:58:30.118Z",
      links: [{ label: "Runbook", url: "https://runbooks.example.com/ledger/replication-lag" }],
      sourceUrl:
        "http://prometheus.observability.svc:9090/graph?g0.expr=pg_replication_lag_seconds+%3E+30&g0.tab=1",
    });
    expect(first?.labels).toMatchObject({ service: "ledger", cluster: "ledger-db", severity: "page" });
  });

  it("orders a resolved alert by its endsAt, under the same fingerprint", () => {
    const read = readAlertmanagerNotification(fixture("alertmanager/am-resolved-one-alert.json"));
    const body = fixture<Notification>("alertmanager/am-resolved-one-alert.json");
    expect(read.alerts).toHaveLength(1);
    expect(read.alerts[0]).toMatchObject({
      identity: "4d1e8a0b7c2f9365",
      action: "resolve",
      at: new Date(String(body.alerts[0]?.endsAt)).toISOString(),
    });
  });

  it("refuses a malformed alert on its own, naming its field, and keeps the others; reports truncatedAlerts", () => {
    const body = fixture<Notification>("alertmanager/am-firing-two-alerts.json");
    body.alerts[1] = { ...body.alerts[1], status: "pending", startsAt: "yesterday" };
    body.truncatedAlerts = 7;
    const read = readAlertmanagerNotification(body);
    expect(read.alerts.map((a) => a.identity)).toEqual(["4d1e8a0b7c2f9365"]);
    expect(read.refused).toHaveLength(1);
    expect(read.refused[0]?.index).toBe(1);
    expect(read.refused[0]?.issues.map((i) => i.path)).toEqual(["alerts[1].status", "alerts[1].startsAt"]);
    expect(read.truncatedAlerts).toBe(7);
  });

  it("fingerprints an alert that has none by its labels, the same labels the same identity", () => {
    const body = fixture<Notification>("alertmanager/am-firing-two-alerts.json");
    for (const alert of body.alerts) delete alert.fingerprint;
    const once = readAlertmanagerNotification(body).alerts.map((a) => a.identity);
    const again = readAlertmanagerNotification(structuredClone(body)).alerts.map((a) => a.identity);
    expect(once).toEqual(again);
    expect(new Set(once).size).toBe(2);
  });

  it("says what it accepts when the body is another format, and refuses other webhook versions", () => {
    expect(() => readAlertmanagerNotification(fixture("pagerduty/pd-trigger-full.json"))).toThrow(
      /Not an Alertmanager notification: expected an Alertmanager webhook notification \(version "4"\)/,
    );
    const v3 = { ...fixture<Notification>("alertmanager/am-firing-two-alerts.json"), version: "3" };
    expect(() => readAlertmanagerNotification(v3)).toThrow(/version "3" is not supported/);
  });

  it("drops links that are not plain http(s) and keeps unsafe text out of the source link", () => {
    const body = fixture<Notification>("alertmanager/am-firing-two-alerts.json");
    body.alerts[0] = {
      ...body.alerts[0],
      annotations: {
        runbook_url: "javascript:alert(1)",
        dashboard_url: "https://grafana.example.com/d/x|<b>",
      },
      generatorURL: "http://prometheus/graph?g0.expr=<script>",
    };
    const [alert] = readAlertmanagerNotification(body).alerts;
    expect(alert?.links).toEqual([]);
    expect(alert?.sourceUrl).toBeUndefined();
  });
});

describe("PagerDuty Events API v2", () => {
  it("reads a trigger: dedup_key, severity, PD-CEF fields, custom_details, links and client_url", () => {
    const event = readPagerDutyEvent(fixture("pagerduty/pd-trigger-full.json"));
    expect(event.routingKey).toBe("f3b9a2c47d1e4f0a8b6c5d2e9a1f7c30");
    expect(event.generated).toBe(false);
    expect(event.alert).toMatchObject({
      identity: "firebreak:111122223333:ap-southeast-2:ledger-api-5xx-high",
      action: "trigger",
      title: "INC-12 SEV1 ledger-api-5xx-high: target 5xx >= 40/min for 2 min (Asia Pacific (Sydney))",
      severity: "SEV1",
      labels: { component: "ledger-api", group: "ledger", class: "http 5xx" },
      links: [{ label: "Runbook", url: "https://runbooks.example.com/ledger/api-5xx" }],
      sourceUrl: "https://firebreak.example.com/incidents/INC-12",
      deliveryHint: "2025-08-02T03:17:41.508Z",
    });
    expect(event.alert.description).toContain("recent_datapoints: [73,88]");
    expect(event.alert.description).toContain("component: ledger-api");
  });

  it("reads acknowledge and resolve, which need a dedup_key", () => {
    expect(readPagerDutyEvent(fixture("pagerduty/pd-acknowledge.json")).alert).toMatchObject({
      identity: "firebreak:111122223333:ap-southeast-2:ledger-api-5xx-high",
      action: "acknowledge",
    });
    expect(readPagerDutyEvent(fixture("pagerduty/pd-resolve.json")).alert.action).toBe("resolve");
    const error = (() => {
      try {
        readPagerDutyEvent({ routing_key: "0123456789abcdef0123456789abcdef", event_action: "resolve" });
      } catch (e) {
        return e as PagerDutyEventError;
      }
    })();
    expect(error?.errors).toEqual(["'dedup_key' is missing or blank (required to resolve)"]);
  });

  it("generates a dedup_key for a trigger without one (returned to the sender)", () => {
    const body = fixture<Record<string, unknown>>("pagerduty/pd-trigger-full.json");
    delete body.dedup_key;
    const a = readPagerDutyEvent(body);
    const b = readPagerDutyEvent(body);
    expect(a.generated).toBe(true);
    expect(a.alert.identity).toMatch(/^[0-9a-f]{32}$/);
    expect(a.alert.identity).not.toBe(b.alert.identity);
  });

  it("names every problem in PagerDuty's own words", () => {
    expect(() =>
      readPagerDutyEvent({ event_action: "trigger", payload: { summary: "", severity: "fatal" } }),
    ).toThrow(PagerDutyEventError);
    try {
      readPagerDutyEvent({
        event_action: "escalate",
        payload: { summary: "x", source: "y", severity: "fatal" },
      });
    } catch (error) {
      expect((error as PagerDutyEventError).errors).toEqual([
        "'routing_key' is missing or blank",
        "'event_action' is invalid (expected one of trigger, acknowledge, resolve)",
      ]);
    }
    try {
      readPagerDutyEvent({
        routing_key: "k",
        event_action: "trigger",
        payload: { summary: "x".repeat(1025), severity: "fatal" },
      });
    } catch (error) {
      expect((error as PagerDutyEventError).errors).toEqual([
        "'payload.summary' is too long (at most 1024 characters)",
        "'payload.source' is missing or blank",
        "'payload.severity' is invalid (expected one of critical, error, warning, info)",
      ]);
    }
  });
});

describe("Opsgenie Alert API", () => {
  it("reads a create: alias, priority, key:value tags and details as labels, the rest as description", () => {
    const alert = readOpsgenieCreate({
      message: "Checkout latency p99 above 2 s",
      alias: "checkout-latency-p99",
      description: "p99 is 2.8 s on checkout-api",
      tags: ["service:checkout", "team=payments", "latency"],
      details: { region: "eu-west-1", runbook_url: "https://runbooks.example.com/checkout/latency" },
      entity: "checkout-api",
      source: "datadog",
      priority: "P2",
    });
    expect(alert).toMatchObject({
      identity: "checkout-latency-p99",
      action: "trigger",
      title: "Checkout latency p99 above 2 s",
      severity: "SEV2",
      labels: { service: "checkout", team: "payments", region: "eu-west-1" },
      links: [{ label: "Runbook", url: "https://runbooks.example.com/checkout/latency" }],
    });
    expect(alert.description).toBe(
      "p99 is 2.8 s on checkout-api\nentity: checkout-api\nsource: datadog\ntags: latency",
    );
  });

  it("defaults to P3, a new alias per create without one, and refuses what Opsgenie refuses", () => {
    const a = readOpsgenieCreate({ message: "disk full" });
    expect(a.severity).toBe("SEV3");
    expect(a.identity).not.toBe(readOpsgenieCreate({ message: "disk full" }).identity);
    expect(() => readOpsgenieCreate({ alias: "x" })).toThrow("Message can not be empty.");
    expect(() => readOpsgenieCreate({ message: "m".repeat(131) })).toThrow(/longer than 130/);
    expect(() => readOpsgenieCreate({ message: "m", priority: "P0" })).toThrow(/\[P1, P2, P3, P4, P5\]/);
  });

  it("closes and acknowledges by alias only, saying why another identifier type is refused", () => {
    expect(
      readOpsgenieAction("resolve", "checkout-latency-p99", "alias", { note: "fixed", user: "dana" }),
    ).toMatchObject({
      identity: "checkout-latency-p99",
      action: "resolve",
      summary: "fixed by dana",
    });
    expect(readOpsgenieAction("acknowledge", "a1", undefined, undefined).action).toBe("acknowledge");
    expect(() => readOpsgenieAction("resolve", "8418d193-2dab-4490-b331-8c02cdd196b7", "id", {})).toThrow(
      OpsgenieRequestError,
    );
  });
});

describe("an alert as an alarm transition", () => {
  const alert: ExternalAlert = {
    identity: "4d1e8a0b7c2f9365",
    action: "trigger",
    title: "PostgresReplicationLagHigh",
    summary: "Replica is 47 s behind",
    labels: { cluster: "ledger-db" },
    severity: "SEV2",
    links: [{ label: "Runbook", url: "https://runbooks.example.com/ledger" }],
    sourceUrl: "http://prometheus:9090/graph",
    at: "2026-12-04T03:10:00.000Z",
    deliveryHint: "2026-12-04T03:10:00.000Z",
  };

  it("is an ALARM of `<format>:<key id>:<identity>`, at the sender's time, resolved by its OK", () => {
    const t = transitionOf("alertmanager", KEY, alert, RECEIVED);
    expect(t).toMatchObject({
      format: "alertmanager",
      alarmArn: `alertmanager:${KEY.id}:4d1e8a0b7c2f9365`,
      alarmName: "PostgresReplicationLagHigh",
      state: "ALARM",
      stateTimestamp: "2026-12-04T03:10:00.000Z",
      reason: "Replica is 47 s behind",
      account: "",
      region: "",
      deliveryId: `alertmanager:${KEY.id}:4d1e8a0b7c2f9365:trigger:2026-12-04T03:10:00.000Z`,
    });
    const ok = transitionOf("alertmanager", KEY, { ...alert, action: "resolve" }, RECEIVED);
    expect(ok.state).toBe("OK");
    expect(resolvesOnOk(ok, DEFAULT_EPISODE_CONFIG)).toBe(true);
    expect(DEFAULT_EPISODE_CONFIG.autoResolveOnOk).toBe(false);
  });

  it("is ordered by its arrival when the sender gives no time that orders it", () => {
    const t = transitionOf("pagerduty", KEY, { ...alert, at: undefined, deliveryHint: undefined }, RECEIVED);
    expect(t.stateTimestamp).toBe(RECEIVED.toISOString());
    expect(t.deliveryId.endsWith(`:trigger:${RECEIVED.toISOString()}`)).toBe(true);
  });

  it("is classified by its labels, then its sender's severity, then its key's service and team", () => {
    const keyed = { ...KEY, service: "ledger", team: "data" };
    expect(classifyAlarm(transitionOf("alertmanager", keyed, alert, RECEIVED))).toMatchObject({
      severity: "SEV2",
      severitySource: "integration",
      services: ["ledger"],
      serviceSource: "integration",
      team: "data",
    });
    const labelled = { ...alert, labels: { service: "payments", team: "payments", severity: "sev1" } };
    expect(classifyAlarm(transitionOf("alertmanager", keyed, labelled, RECEIVED))).toMatchObject({
      severity: "SEV1",
      severitySource: "tag",
      services: ["payments"],
      serviceSource: "tag",
      team: "payments",
    });
  });

  it("carries the sender's links and where it lives, never a CloudWatch console link", () => {
    const context = alarmContextOf(transitionOf("alertmanager", KEY, alert, RECEIVED));
    expect(context.links).toEqual([{ label: "Runbook", url: "https://runbooks.example.com/ledger" }]);
    expect(context.source).toBe("Prometheus Alertmanager");
    expect(context.integration).toEqual({ id: KEY.id, name: KEY.name });
    expect(sourceLinkOf(context)).toEqual({
      label: "Prometheus Alertmanager",
      url: "http://prometheus:9090/graph",
    });
    const noSource = alarmContextOf(
      transitionOf("pagerduty", KEY, { ...alert, sourceUrl: undefined }, RECEIVED),
    );
    expect(noSource.consoleUrl).toBeUndefined();
    expect(sourceLinkOf(noSource)).toBeUndefined();
  });

  it("maps severity words and numbers", () => {
    expect(
      ["critical", "error", "warning", "info", "page", "P5", "sev4", "2", "high"].map(severityOf),
    ).toEqual(["SEV1", "SEV2", "SEV3", "SEV4", "SEV2", "SEV5", "SEV4", "SEV2", undefined]);
  });
});

/**
 * Fuzz: 10,000 cases per parser, from anything at all and from a real payload with parts replaced
 * by anything. Each parser either returns alerts that make valid transitions or refuses with its
 * own error: never another exception (which the endpoint would answer with a 5xx).
 */
describe("parsers under fuzz", () => {
  const anyValue = fc.anything({ maxDepth: 4, withNullPrototype: true, withObjectString: true });
  const mutated = (base: Record<string, unknown>, paths: string[][]) =>
    fc.tuple(fc.constantFrom(...paths), anyValue).map(([path, value]) => {
      const copy = structuredClone(base);
      let target: Record<string, unknown> = copy;
      for (const part of path.slice(0, -1)) {
        const next = target[part];
        if (typeof next !== "object" || next === null) return copy;
        target = next as Record<string, unknown>;
      }
      target[path.at(-1) as string] = value;
      return copy;
    });
  const transitionsOf = (alerts: ExternalAlert[]) => {
    for (const a of alerts) {
      if (a.action === "acknowledge") continue;
      const t = transitionOf("alertmanager", KEY, a, RECEIVED);
      expect(Number.isNaN(Date.parse(t.stateTimestamp))).toBe(false);
      alarmContextOf(t);
      classifyAlarm(t);
    }
  };
  const runs = { numRuns: 10_000 };

  it("Alertmanager", () => {
    const base = fixture<Record<string, unknown>>("alertmanager/am-firing-two-alerts.json");
    const paths = [
      ["alerts"],
      ["version"],
      ["truncatedAlerts"],
      ["alerts", "0"],
      ["alerts", "0", "status"],
      ["alerts", "0", "labels"],
      ["alerts", "0", "annotations"],
      ["alerts", "0", "startsAt"],
      ["alerts", "0", "endsAt"],
      ["alerts", "0", "fingerprint"],
      ["alerts", "0", "generatorURL"],
      ["alerts", "1", "labels", "alertname"],
      ["alerts", "1", "annotations", "runbook_url"],
    ];
    fc.assert(
      fc.property(fc.oneof(anyValue, mutated(base, paths)), (body) => {
        try {
          transitionsOf(readAlertmanagerNotification(body).alerts);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
        }
      }),
      runs,
    );
  });

  it("PagerDuty", () => {
    const base = fixture<Record<string, unknown>>("pagerduty/pd-trigger-full.json");
    const paths = [
      ["routing_key"],
      ["event_action"],
      ["dedup_key"],
      ["payload"],
      ["payload", "summary"],
      ["payload", "severity"],
      ["payload", "source"],
      ["payload", "timestamp"],
      ["payload", "custom_details"],
      ["links"],
      ["images"],
      ["client_url"],
    ];
    fc.assert(
      fc.property(fc.oneof(anyValue, mutated(base, paths)), (body) => {
        try {
          transitionsOf([readPagerDutyEvent(body).alert]);
        } catch (error) {
          if (!(error instanceof PagerDutyEventError)) throw error;
        }
      }),
      runs,
    );
  });

  it("Opsgenie", () => {
    const base = {
      message: "Checkout latency p99 above 2 s",
      alias: "checkout-latency-p99",
      tags: ["service:checkout"],
      details: { runbook_url: "https://runbooks.example.com/x" },
      priority: "P2",
    };
    const paths = [["message"], ["alias"], ["tags"], ["details"], ["priority"], ["description"], ["entity"]];
    fc.assert(
      fc.property(
        fc.oneof(anyValue, mutated(base, paths)),
        fc.string(),
        fc.option(fc.string()),
        (body, id, type) => {
          try {
            transitionsOf([readOpsgenieCreate(body)]);
          } catch (error) {
            if (!(error instanceof OpsgenieRequestError)) throw error;
          }
          try {
            transitionsOf([readOpsgenieAction("resolve", id, type ?? undefined, body)]);
          } catch (error) {
            if (!(error instanceof OpsgenieRequestError)) throw error;
          }
        },
      ),
      runs,
    );
  });
});

describe("a request out of time", () => {
  it("stops before the deadline and fails for the sender to retry, having processed none past it", async () => {
    const deps = { store: {} as never, deadLetters: { send: async () => undefined } };
    const alerts = readAlertmanagerNotification(fixture("alertmanager/am-firing-two-alerts.json")).alerts;
    await expect(receiveAlerts(deps, "alertmanager", KEY, alerts, () => true)).rejects.toThrow(
      RetryableBatchError,
    );
    try {
      await receiveAlerts(deps, "alertmanager", KEY, alerts, () => true);
    } catch (error) {
      expect(String((error as RetryableBatchError).errors[0])).toContain("out of time after 0 of 2 alerts");
    }
  });
});
