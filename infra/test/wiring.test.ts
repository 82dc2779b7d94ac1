/**
 * One wiring for local and cloud: the deployed app (evaluated under Pulumi mocks) and the local
 * runtime must subscribe the same consumers to the same event patterns, route the same HTTP routes
 * to the same functions, filter the table stream the same way and run the same schedule. Both read
 * packages/functions/src/wiring/topology.ts; this test reads what each side actually built, so a
 * rule, subscriber or route added on one side only fails here.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ACTION_ITEM_PULL,
  BUS_CONSUMERS,
  COVERAGE,
  DEFAULT_BUS_RULES,
  ESCALATION,
  HEARTBEATS,
  HTTP_FUNCTIONS,
  MAINTENANCE,
  matchRoute,
  OUTBOX,
} from "../../packages/functions/src/wiring/topology";
import { type LocalRuntime, startLocalRuntime } from "../../packages/local/src/runtime";
import {
  type Evaluation,
  ensureSstInstall,
  evaluate,
  type RecordedResource,
  resourcesOf,
} from "./sst-harness";

const BUCKET = "firebreak-wiring-postmortems";

/** A value the mocks recorded, unwrapped from Pulumi's `{ value }` secret/output form. */
function plain(value: unknown): unknown {
  return value && typeof value === "object" && "value" in value ? (value as { value: unknown }).value : value;
}

/** Every consumer of the app bus in a deployed evaluation: `handler → pattern`. */
function cloudBusConsumers(app: Evaluation): Record<string, unknown> {
  const functions = resourcesOf(app, "aws:lambda/function:Function");
  const handlerOf = (arn: unknown) =>
    functions.find((fn) => fn.state.arn === plain(arn))?.inputs.handler as string | undefined;
  const consumers: Record<string, unknown> = {};
  const rules = resourcesOf(app, "aws:cloudwatch/eventRule:EventRule").filter(
    (rule) => rule.inputs.eventPattern !== undefined && rule.inputs.eventBusName !== "default",
  );
  for (const rule of rules) {
    const targets = resourcesOf(app, "aws:cloudwatch/eventTarget:EventTarget").filter(
      (t) => t.inputs.rule === rule.inputs.name,
    );
    for (const target of targets) {
      const handler = handlerOf(target.inputs.arn) ?? `(not a function: ${String(plain(target.inputs.arn))})`;
      consumers[handler] = JSON.parse(String(rule.inputs.eventPattern));
    }
  }
  return consumers;
}

/** Every consumer of the local runtime's bus: `handler → pattern`, through its subscriber name. */
function localBusConsumers(runtime: LocalRuntime): Record<string, unknown> {
  const consumers: Record<string, unknown> = {};
  for (const { name, pattern } of runtime.bus.subscribers()) {
    const consumer = (BUS_CONSUMERS as Record<string, { handler: string } | undefined>)[name];
    consumers[consumer?.handler ?? `(not a deployed consumer: ${name})`] = JSON.parse(
      JSON.stringify(pattern),
    );
  }
  return consumers;
}

/** Every HTTP route of the deployed API: `route key → handler`. */
function cloudRoutes(app: Evaluation): Record<string, string> {
  const functions = resourcesOf(app, "aws:lambda/function:Function");
  const integrations = resourcesOf(app, "aws:apigatewayv2/integration:Integration");
  const routes: Record<string, string> = {};
  for (const route of resourcesOf(app, "aws:apigatewayv2/route:Route")) {
    const integration = integrations.find((i) => route.inputs.target === `integrations/${i.id}`);
    const fn = functions.find((f) => f.state.arn === plain(integration?.inputs.integrationUri));
    routes[String(route.inputs.routeKey)] = String(fn?.inputs.handler);
  }
  return routes;
}

/** A concrete request path for a route key (`{id}` → a value). */
function samplePath(routeKey: string): { method: string; path: string } {
  const [method = "GET", path = "/"] = routeKey.split(" ");
  return {
    method: method === "ANY" ? "POST" : method,
    path: path.replace(/\{[^}]+\+\}/g, "some/thing").replace(/\{[^}]+\}/g, "x1"),
  };
}

let plainApp: Evaluation;
let exportApp: Evaluation;
let plainRuntime: LocalRuntime;
let exportRuntime: LocalRuntime;

beforeAll(async () => {
  await ensureSstInstall();
  [plainApp, exportApp] = await Promise.all([
    evaluate(),
    evaluate({
      env: {
        FIREBREAK_OPS_EMAIL: "ops@example.com",
        FIREBREAK_ORG_ID: "o-a1b2c3d4e5",
        FIREBREAK_POSTMORTEM_BUCKET: BUCKET,
      },
    }),
  ]);
  for (const app of [plainApp, exportApp]) if (!app.ok) throw new Error(`run() failed:\n${app.error}`);
  const common = {
    port: 0,
    dataDir: null,
    demoDirectory: null,
    webDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
  };
  [plainRuntime, exportRuntime] = await Promise.all([
    startLocalRuntime({ ...common, tableName: `wiring-${process.pid}-a` }),
    startLocalRuntime({ ...common, tableName: `wiring-${process.pid}-b`, postmortemBucket: BUCKET }),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([plainRuntime?.stop(), exportRuntime?.stop()]);
});

describe("local and cloud are wired the same", () => {
  it("subscribe the same consumers to the same app-bus patterns (default settings)", () => {
    const cloud = cloudBusConsumers(plainApp);
    expect(Object.keys(cloud).length).toBeGreaterThanOrEqual(3);
    expect(localBusConsumers(plainRuntime)).toStrictEqual(cloud);
  });

  it("subscribe the same consumers with the optional postmortem export on", () => {
    const cloud = cloudBusConsumers(exportApp);
    expect(cloud).toHaveProperty([BUS_CONSUMERS.PostmortemExport.handler]);
    expect(localBusConsumers(exportRuntime)).toStrictEqual(cloud);
  });

  it("route every deployed HTTP route to the same function locally, and nothing more", () => {
    const cloud = cloudRoutes(plainApp);
    const localRoutes = Object.values(HTTP_FUNCTIONS).flatMap((fn) => fn.routes);
    expect(Object.keys(cloud).sort()).toEqual([...localRoutes].sort());
    for (const [routeKey, handler] of Object.entries(cloud)) {
      const { method, path } = samplePath(routeKey);
      const local = matchRoute(method, path);
      expect(local, routeKey).toBeDefined();
      expect(HTTP_FUNCTIONS[local!.name as keyof typeof HTTP_FUNCTIONS].handler, routeKey).toBe(handler);
    }
  });

  it("send the default bus's events (alarm state changes, deployments) to the functions the local POST /events routes them to", () => {
    const functions = resourcesOf(plainApp, "aws:lambda/function:Function");
    const cloud: Record<string, unknown> = {};
    for (const rule of resourcesOf(plainApp, "aws:cloudwatch/eventRule:EventRule").filter(
      (r) => r.inputs.eventBusName === "default" && r.inputs.eventPattern !== undefined,
    )) {
      for (const target of resourcesOf(plainApp, "aws:cloudwatch/eventTarget:EventTarget").filter(
        (t) => t.inputs.rule === rule.inputs.name,
      )) {
        const fn = functions.find((f) => f.state.arn === plain(target.inputs.arn));
        cloud[String(fn?.inputs.handler)] = JSON.parse(String(rule.inputs.eventPattern));
      }
    }
    expect(cloud).toStrictEqual(
      Object.fromEntries(
        Object.values(DEFAULT_BUS_RULES).map((r) => [r.handler, JSON.parse(JSON.stringify(r.pattern))]),
      ),
    );
  });

  it("filter the table stream into the outbox the same way", () => {
    const mappings = resourcesOf(plainApp, "aws:lambda/eventSourceMapping:EventSourceMapping");
    expect(mappings).toHaveLength(1);
    const criteria = mappings[0]!.inputs.filterCriteria as { filters: { pattern: string }[] };
    expect(criteria.filters.map((f) => JSON.parse(f.pattern))).toStrictEqual([OUTBOX.filter]);
  });

  it("run the same scheduled handlers (escalation sweep, maintenance release, heartbeat sweep, coverage check, action-item pull) on the same schedules", () => {
    const functions = resourcesOf(plainApp, "aws:lambda/function:Function");
    const cloud: Record<string, unknown> = {};
    for (const rule of resourcesOf(plainApp, "aws:cloudwatch/eventRule:EventRule").filter(
      (r: RecordedResource) => r.inputs.scheduleExpression !== undefined,
    )) {
      const targets = resourcesOf(plainApp, "aws:cloudwatch/eventTarget:EventTarget").filter(
        (t) => t.inputs.rule === rule.inputs.name,
      );
      for (const target of targets) {
        const fn = functions.find((f) => f.state.arn === plain(target.inputs.arn));
        cloud[String(fn?.inputs.handler)] = rule.inputs.scheduleExpression;
      }
    }
    expect(cloud).toStrictEqual({
      [ESCALATION.handler]: ESCALATION.schedule,
      [MAINTENANCE.handler]: MAINTENANCE.schedule,
      [HEARTBEATS.handler]: HEARTBEATS.schedule,
      [COVERAGE.handler]: COVERAGE.schedule,
      [ACTION_ITEM_PULL.handler]: ACTION_ITEM_PULL.schedule,
    });
    // EventBridge's rate syntax: "1 minute", "5 minutes", "1 hour", "2 hours".
    const rate = (ms: number) => {
      const minutes = ms / 60_000;
      if (minutes % 60 === 0) return `rate(${minutes / 60} hour${minutes === 60 ? "" : "s"})`;
      return `rate(${minutes} minute${minutes === 1 ? "" : "s"})`;
    };
    const local = Object.fromEntries(plainRuntime.schedules.map((s) => [s.handler, rate(s.intervalMs)]));
    expect(local).toStrictEqual(cloud);
  });
});
