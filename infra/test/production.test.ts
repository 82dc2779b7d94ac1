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
let badZone: Evaluation;

beforeAll(async () => {
  await ensureSstInstall();
  [production, noEmail, badZone] = await Promise.all([
    evaluate({
      stage: "prod-eu",
      env: {
        FIREBREAK_PRODUCTION_STAGES: "production, prod-eu",
        FIREBREAK_OPS_EMAIL: "ops@example.com, oncall@example.com",
        FIREBREAK_ADMINS: "alice,U0ADMIN01",
        FIREBREAK_DASHBOARD_URL: "https://firebreak.example.com",
        FIREBREAK_POSTMORTEM_BUCKET: "acme-postmortems",
        FIREBREAK_ACK_BASE_URL: "https://ack.acme.io/ack/",
        FIREBREAK_TIMEZONE: "Australia/Sydney",
      },
    }),
    evaluate({ stage: "production", env: {} }),
    evaluate({ stage: "dev", env: { FIREBREAK_TIMEZONE: "Europe/Londn" } }),
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
    for (const component of ["Pager", "TestSender", "Escalation", "Ack", "SlackWorker", "SlackHandler"])
      expect(variables(production, component).FIREBREAK_DASHBOARD_URL, component).toBe(
        "https://firebreak.example.com",
      );
  });

  it("passes FIREBREAK_TIMEZONE to the functions that write local times (drafts, Slack), and fails a deploy on an unknown zone", () => {
    for (const component of ["Postmortem", "SlackHandler", "SlackWorker"])
      expect(variables(production, component).FIREBREAK_TIMEZONE, component).toBe("Australia/Sydney");
    expect(badZone.ok).toBe(false);
    expect(badZone.error).toContain('FIREBREAK_TIMEZONE: "Europe/Londn" is not an IANA time zone');
  });

  it("builds ack links on FIREBREAK_ACK_BASE_URL when set (a short custom domain), without its trailing slash", () => {
    for (const component of ["Pager", "TestSender", "Escalation", "Ack"])
      expect(variables(production, component).FIREBREAK_ACK_BASE_URL, component).toBe(
        "https://ack.acme.io/ack",
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

describe("postmortem export (FIREBREAK_POSTMORTEM_BUCKET)", () => {
  const named = (type: string, name: string) => resourcesOf(production, type).filter((r) => r.name === name);
  const plainValue = (v: unknown): unknown =>
    v && typeof v === "object" && "value" in (v as Record<string, unknown>)
      ? (v as { value: unknown }).value
      : v;

  it("adds PostmortemExport on postmortem.drafted, with the bucket, a 14-day DLQ and only PutObject under postmortems/", () => {
    const fn = lambda(production, "PostmortemExport");
    expect((fn.inputs.environment as { variables: Record<string, unknown> }).variables).toMatchObject({
      FIREBREAK_POSTMORTEM_BUCKET: "acme-postmortems",
    });
    const fnArn = fn.state.arn;
    const targets = resourcesOf(production, "aws:cloudwatch/eventTarget:EventTarget").filter(
      (t) => plainValue(t.inputs.arn) === fnArn,
    );
    expect(targets).toHaveLength(1);
    const rule = resourcesOf(production, "aws:cloudwatch/eventRule:EventRule").find(
      (r) => r.inputs.name === targets[0]?.inputs.rule,
    );
    expect(JSON.parse(String(plainValue(rule?.inputs.eventPattern)))).toEqual({
      source: ["firebreak"],
      "detail-type": ["postmortem.drafted"],
    });
    const [dlq] = named("aws:sqs/queue:Queue", "PostmortemExportDlqQueue");
    expect(Number(dlq?.inputs.messageRetentionSeconds)).toBe(14 * 24 * 3600);
    const config = resourcesOf(
      production,
      "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    ).find((c) => c.inputs.functionName === fn.state.name);
    expect(config?.inputs).toMatchObject({
      maximumRetryAttempts: 2,
      destinationConfig: { onFailure: { destination: dlq?.state.arn } },
    });
    const role = resourcesOf(production, "aws:iam/role:Role").find((r) => r.state.arn === fn.inputs.role);
    if (!role) throw new Error("no role for PostmortemExport");
    const statements = ((role.inputs.inlinePolicies ?? []) as { policy: string }[]).flatMap(
      (p) => JSON.parse(p.policy).Statement as { Action: string[]; Resource: string[] }[],
    );
    const s3 = statements.filter((s) => s.Action.some((a) => a.startsWith("s3:")));
    expect(s3).toEqual([
      expect.objectContaining({
        Action: ["s3:PutObject"],
        Resource: ["arn:aws:s3:::acme-postmortems/postmortems/*"],
      }),
    ]);
    // No other function may write to S3.
    const others = resourcesOf(production, "aws:iam/role:Role").filter((r) => r !== role);
    for (const other of others)
      expect(JSON.stringify(other.inputs.inlinePolicies ?? []), other.name).not.toContain("s3:");
  });
});
