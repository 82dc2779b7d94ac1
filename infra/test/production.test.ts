/**
 * Production stages, evaluated under Pulumi mocks like app.test.ts. One full evaluation, of a stage
 * that is production through FIREBREAK_PRODUCTION_STAGES (the default list, `production` alone,
 * goes through the same `isProductionStage`; app.test.ts checks `app()` for "production"), and one
 * of `production` without an ops email, which fails before any function is built.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { RESERVED_CONCURRENCY } from "../policy";
import {
  type Evaluation,
  ensureSstInstall,
  evaluate,
  type RecordedResource,
  resourcesOf,
} from "./sst-harness";

let production: Evaluation;
let noEmail: Evaluation;

beforeAll(async () => {
  await ensureSstInstall();
  [production, noEmail] = await Promise.all([
    evaluate({
      stage: "prod-eu",
      env: {
        FIREBREAK_PRODUCTION_STAGES: "production, prod-eu",
        FIREBREAK_OPS_EMAIL: "ops@example.com, oncall@example.com",
        FIREBREAK_ADMINS: "alice,U0ADMIN01",
        FIREBREAK_DASHBOARD_URL: "https://firebreak.example.com",
      },
    }),
    evaluate({ stage: "production", env: {} }),
  ]);
  if (!production.ok) throw new Error(`run() failed:\n${production.error}`);
}, 300_000);

const lambda = (e: Evaluation, component: string): RecordedResource => {
  const found = resourcesOf(e, "aws:lambda/function:Function").find((r) => r.name === `${component}Function`);
  if (!found) throw new Error(`no function ${component}`);
  return found;
};

describe("a production stage (listed in FIREBREAK_PRODUCTION_STAGES)", () => {
  const evaluation = () => production;
  it("retains and protects the app (removal retain, protect true)", () => {
    expect(evaluation().app).toMatchObject({ removal: "retain", protect: true });
  });

  it("enables point-in-time recovery and deletion protection on the table", () => {
    const [table] = resourcesOf(evaluation(), "aws:dynamodb/table:Table");
    expect(table?.inputs.pointInTimeRecovery).toEqual({ enabled: true });
    expect(table?.inputs.deletionProtectionEnabled).toBe(true);
  });

  it("reserves concurrency where it protects a dependency, and keeps logs 3 months", () => {
    for (const [component, { reserved }] of Object.entries(RESERVED_CONCURRENCY)) {
      expect(lambda(evaluation(), component).inputs.reservedConcurrentExecutions, component).toBe(reserved);
    }
    const others = resourcesOf(evaluation(), "aws:lambda/function:Function").filter(
      (f) => !Object.keys(RESERVED_CONCURRENCY).some((c) => f.name === `${c}Function`),
    );
    for (const fn of others) expect(fn.inputs.reservedConcurrentExecutions, fn.name).toBeUndefined();
    const lambdaLogs = resourcesOf(evaluation(), "aws:cloudwatch/logGroup:LogGroup").filter((g) =>
      String(g.inputs.name).startsWith("/aws/lambda/"),
    );
    expect(lambdaLogs.length).toBeGreaterThanOrEqual(5);
    for (const group of lambdaLogs) expect(group.inputs.retentionInDays, String(group.inputs.name)).toBe(90);
  });
});

describe("production configuration", () => {
  const variables = (e: Evaluation, component: string) =>
    (lambda(e, component).inputs.environment as { variables?: Record<string, unknown> } | undefined)
      ?.variables ?? {};

  it("passes FIREBREAK_ADMINS to the sign-in function and FIREBREAK_DASHBOARD_URL to the functions that link to it", () => {
    expect(variables(production, "ApiHandler")).toMatchObject({
      FIREBREAK_ADMINS: "alice,U0ADMIN01",
      FIREBREAK_DASHBOARD_URL: "https://firebreak.example.com",
    });
    for (const component of ["Pager", "Escalation", "Ack", "SlackWorker", "SlackHandler"])
      expect(variables(production, component).FIREBREAK_DASHBOARD_URL, component).toBe(
        "https://firebreak.example.com",
      );
  });

  it("subscribes every FIREBREAK_OPS_EMAIL address to OpsAlerts", () => {
    const emails = resourcesOf(production, "aws:sns/topicSubscription:TopicSubscription")
      .filter((s) => s.inputs.protocol === "email")
      .map((s) => s.inputs.endpoint);
    expect(emails).toEqual(["ops@example.com", "oncall@example.com"]);
  });

  it("adds no organization permission to the default bus without FIREBREAK_ORG_ID", () => {
    expect(resourcesOf(production, "aws:cloudwatch/eventPermission:EventPermission")).toEqual([]);
  });

  it("fails a production deploy that has no ops email, naming the variable", () => {
    expect(noEmail.ok).toBe(false);
    expect(noEmail.error).toContain("FIREBREAK_OPS_EMAIL");
  });
});
