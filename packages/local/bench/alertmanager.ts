/**
 * A grouped Alertmanager notification of 500 alerts (issue 16): one request to the Integrations
 * function's app (the same Hono app Lambda runs), firing, then the same 500 resolved. It must fit
 * the endpoint's 1 MB body limit and finish well inside the function's 29 s timeout (API Gateway's
 * own limit is 30 s). Baseline in the same run: 500 sequential conditional PutItems, the floor of
 * writing 500 things one after another.
 *
 * Correctness: the 500 alerts of one service make one incident (grouped), and resolving all 500
 * resolves it.
 */
import { readFileSync } from "node:fs";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { IntegrationKeyStore } from "@firebreak/core/adapters/dynamodb/integrations/key-store";
import { MaintenanceStore } from "@firebreak/core/adapters/dynamodb/maintenance/store";
import { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { createIntegrationsApp } from "@firebreak/functions/integrations/app";
import { type BenchContext, type BenchModule, rawConditionalPut } from "./harness";
import { round } from "./stats";

const ALERTS = 500;
const DEMO_DIRECTORY = new URL("../../../examples/directory.yaml", import.meta.url);
const STARTED = new Date("2026-03-02T09:00:00.000Z");

/** A version-4 notification as Alertmanager 0.25 posts it, `count` alerts of one group. */
function notification(service: string, count: number, status: "firing" | "resolved") {
  // Alertmanager fingerprints the label set: another service, other fingerprints.
  const base = service === "ledger" ? 0x10000000 : 0x20000000;
  const alerts = Array.from({ length: count }, (_, i) => ({
    status,
    labels: {
      alertname: "KubePodCrashLooping",
      service,
      namespace: "ledger",
      pod: `ledger-api-7d9f8c6b5-${i.toString(36).padStart(5, "0")}`,
      container: "api",
      severity: "critical",
    },
    annotations: {
      summary: `Pod ledger/ledger-api-${i} is crash looping`,
      description: `Pod ledger/ledger-api-${i} (api) is restarting 2.1 times / 10 minutes.`,
      runbook_url: "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping",
    },
    startsAt: new Date(STARTED.getTime() + i * 10).toISOString(),
    endsAt:
      status === "firing"
        ? "0001-01-01T00:00:00Z"
        : new Date(STARTED.getTime() + 600_000 + i * 10).toISOString(),
    generatorURL:
      "http://prometheus.monitoring.svc:9090/graph?g0.expr=kube_pod_container_status_restarts_total",
    fingerprint: (base + i).toString(16).padStart(16, "0"),
  }));
  return {
    receiver: "firebreak",
    status,
    alerts,
    groupLabels: { alertname: "KubePodCrashLooping", service },
    commonLabels: { alertname: "KubePodCrashLooping", service, severity: "critical" },
    commonAnnotations: {},
    externalURL: "http://alertmanager.monitoring.svc:9093",
    version: "4",
    groupKey: `{}:{alertname="KubePodCrashLooping", service="${service}"}`,
    truncatedAlerts: 0,
  };
}

export const alertmanagerGroup: BenchModule = {
  name: "alertmanager grouped notification",
  targets: [
    { figure: "am_group_body_kb", op: "<=", value: 1024, correctness: true },
    { figure: "am_group_incidents", op: "=", value: 1, correctness: true },
    { figure: "am_group_resolved", op: "=", value: 1, correctness: true },
    { figure: "am_group_firing_ms", op: "<=", value: 29_000, correctness: false },
    { figure: "am_group_resolved_ms", op: "<=", value: 29_000, correctness: false },
  ],
  async run(ctx: BenchContext) {
    const tableName = await ctx.createTable("bench-am");
    const db = createDocumentClient({ tableName, endpoint: ctx.endpoint });
    const directory = parseDirectoryYaml(readFileSync(DEMO_DIRECTORY, "utf8"));
    const clock = { now: () => new Date(STARTED.getTime() + 900_000) };
    const keys = new IntegrationKeyStore(db, tableName, clock);
    const store = new IncidentStore(db, tableName);
    const app = createIntegrationsApp(() => ({
      keys,
      // As deployed (wiring/integrations.ts): the ingest with the maintenance windows and the directory.
      receive: {
        store,
        deadLetters: new MemoryDeadLetterSink(),
        maintenance: new MaintenanceStore(db, tableName),
        directory: async () => directory,
        clock,
      },
    }));
    const { key } = await keys.create({ name: "bench", format: "alertmanager" });
    const send = async (body: unknown) => {
      const started = performance.now();
      const res = await app.request("/integrations/alertmanager", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
      const ms = performance.now() - started;
      const answer = (await res.json()) as { results?: { outcome: string; incidentId?: string }[] };
      if (res.status !== 200)
        throw new Error(`notification refused (${res.status}): ${JSON.stringify(answer)}`);
      return { ms, results: answer.results ?? [] };
    };

    ctx.log("warm-up: a notification of 20 alerts (another service)");
    await send(notification("dns", 20, "firing"));

    const firing = notification("ledger", ALERTS, "firing");
    const bodyKb = Buffer.byteLength(JSON.stringify(firing)) / 1024;
    ctx.log(
      `measuring: one notification of ${ALERTS} firing alerts (${bodyKb.toFixed(1)} KB), then the same resolved`,
    );
    const opened = await send(firing);
    const incidents = new Set(opened.results.flatMap((r) => (r.incidentId ? [r.incidentId] : [])));
    const outcomes = (results: { outcome: string }[]) => {
      const counts = new Map<string, number>();
      for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
      return [...counts].map(([k, n]) => `${k} ${n}`).join(", ");
    };
    ctx.log(`  firing:   ${opened.ms.toFixed(0)} ms (${outcomes(opened.results)})`);
    const resolved = await send(notification("ledger", ALERTS, "resolved"));
    ctx.log(`  resolved: ${resolved.ms.toFixed(0)} ms (${outcomes(resolved.results)})`);
    const [incidentId] = incidents;
    const incident = incidentId ? await store.getIncident(incidentId) : undefined;

    const rawPut = rawConditionalPut(db, tableName);
    const started = performance.now();
    for (let i = 0; i < ALERTS; i++) await rawPut();
    const rawMs = performance.now() - started;
    ctx.log(`  baseline: ${ALERTS} sequential conditional puts in ${rawMs.toFixed(0)} ms`);
    db.destroy();
    return {
      am_group_alerts: ALERTS,
      am_group_body_kb: round(bodyKb, 1),
      am_group_firing_ms: round(opened.ms, 0),
      am_group_resolved_ms: round(resolved.ms, 0),
      am_group_raw_puts_ms: round(rawMs, 0),
      am_group_firing_ratio: round(opened.ms / rawMs, 2),
      am_group_incidents: incidents.size,
      am_group_resolved: incident?.status === "resolved" ? 1 : 0,
    };
  },
};
