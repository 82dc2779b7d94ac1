/**
 * Offline checks of the SST app (sst-harness.ts): the type-check of sst.config.ts + infra/**, and
 * the resource graph of `run()` evaluated under Pulumi mocks (what a deploy would create),
 * checked against the shared definitions in packages/core. tsc and the evaluations run side by
 * side, as child processes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../packages/core/src/adapters/dynamodb/keys";
import { createTableInput, TABLE } from "../../packages/core/src/adapters/dynamodb/table";
import { classifyAlarm } from "../../packages/core/src/alarm/classify";
import { ALARM_RULE_PATTERN } from "../../packages/core/src/alarm/rule";
import { ROUTES as OPENAPI_ROUTES } from "../../packages/functions/src/api/openapi";
import { DASHBOARD_CSP, DASHBOARD_HTML_HEADERS } from "../../packages/functions/src/wiring/web-headers";
import {
  ALLOWED_MANAGED_POLICIES,
  DLQ_MIN_RETENTION_SECONDS,
  LINK_ACTIONS,
  SCOPED_GRANTS,
  WILDCARD_RESOURCE_EXCEPTIONS,
} from "../policy";
import { API_FUNCTIONS, API_ROUTES } from "../routes";
import {
  type Evaluation,
  ensureSstInstall,
  evaluate,
  type RecordedResource,
  ROOT,
  renderSstEnv,
  resourcesOf,
  SST_ENV,
  TEST_CONFIG,
  typecheck,
} from "./sst-harness";

const HANDLERS = {
  alarmIngest: "packages/functions/src/alarm-ingest.handler",
  maintenance: "packages/functions/src/maintenance.handler",
  outbox: "packages/functions/src/outbox.handler",
  api: "packages/functions/src/api.handler",
  apiPostmortem: "packages/functions/src/api-postmortem.handler",
  apiDirectory: "packages/functions/src/api-directory.handler",
  apiDocs: "packages/functions/src/api-docs.handler",
  postmortem: "packages/functions/src/postmortem.handler",
  slack: "packages/functions/src/slack.handler",
  slackWorker: "packages/functions/src/slack-worker.handler",
  pager: "packages/functions/src/pager.handler",
  testSender: "packages/functions/src/test-sender.handler",
  escalation: "packages/functions/src/escalation.handler",
  ack: "packages/functions/src/ack.handler",
  integrations: "packages/functions/src/integrations.handler",
  heartbeats: "packages/functions/src/heartbeats.handler",
  changes: "packages/functions/src/changes.handler",
  coverage: "packages/functions/src/coverage.handler",
  apiPaging: "packages/functions/src/api-paging.handler",
  apiStatus: "packages/functions/src/api-status.handler",
  apiActionItems: "packages/functions/src/api-action-items.handler",
  actionItemSync: "packages/functions/src/action-item-sync.handler",
  actionItemPull: "packages/functions/src/action-item-sync.pull",
};
const INTEGRATION_ROUTES = [
  "POST /integrations/alertmanager",
  "POST /integrations/sns/{key}",
  "POST /v2/enqueue",
  "POST /v2/change/enqueue",
  "POST /v2/alerts",
  "POST /v2/alerts/{identifier}/close",
  "POST /v2/alerts/{identifier}/acknowledge",
  "GET /heartbeats/{id}",
  "POST /heartbeats/{id}",
];
const FOURTEEN_DAYS = 14 * 24 * 60 * 60;
const ACK_ROUTES = ["GET /ack/{token}", "POST /ack/{token}", "POST /sms/inbound"];

type Inputs = Record<string, unknown>;

let app: Evaluation;
let missingFile: Evaluation;
let missingExport: Evaluation;
let missingSecret: Evaluation;
let typecheckResult: ReturnType<typeof typecheck>;

beforeAll(async () => {
  await ensureSstInstall();
  typecheckResult = typecheck();
  [app, missingFile, missingExport, missingSecret] = await Promise.all([
    evaluate(),
    evaluate({ config: "infra/test/fixtures/missing-handler-file.config.ts" }),
    evaluate({ config: "infra/test/fixtures/missing-export.config.ts" }),
    evaluate({ secrets: {} }),
  ]);
  if (!app.ok) throw new Error(`run() failed under mocks:\n${app.error}`);
}, 300_000);

function only(type: string, match: (r: RecordedResource) => boolean = () => true): RecordedResource {
  const found = resourcesOf(app, type).filter(match);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]!;
}
const byName = (name: string) => (r: RecordedResource) => r.name === name;
const state = (r: RecordedResource, key: string) => r.state[key] as string;

/** The Lambda function deployed for a handler (the build returns the handler path unchanged). */
function lambdaFor(handler: string) {
  return only("aws:lambda/function:Function", (r) => r.inputs.handler === handler);
}

/** IAM statements of the role of a Lambda function. */
function statementsOf(fn: RecordedResource): { Effect: string; Action: string[]; Resource: string[] }[] {
  const role = only("aws:iam/role:Role", (r) => state(r, "arn") === fn.inputs.role);
  const policies = role.inputs.inlinePolicies as { policy: string }[];
  return policies.flatMap((p) => JSON.parse(p.policy).Statement);
}
function allows(fn: RecordedResource, action: string, resource: string): boolean {
  const service = action.split(":")[0];
  return statementsOf(fn).some(
    (s) =>
      s.Effect === "Allow" &&
      s.Action.some((a) => a === action || a === `${service}:*`) &&
      s.Resource.includes(resource),
  );
}

it("sst.config.ts and infra/** type-check (tsc --noEmit -p tsconfig.infra.json)", {
  timeout: 420_000,
}, async () => {
  const result = await typecheckResult;
  expect(result.output).toBe("");
  expect(result.ok).toBe(true);
});

describe("app()", () => {
  it("names the app and retains + protects production only", () => {
    expect(app.app).toMatchObject({ name: "firebreak", home: "aws", removal: "remove", protect: false });
    expect(app.productionApp).toMatchObject({ name: "firebreak", removal: "retain", protect: true });
  });
});

describe("Table", () => {
  const expected = createTableInput("unused");
  const sortBy = <T>(items: T[], key: (item: T) => string) =>
    [...items].sort((a, b) => key(a).localeCompare(key(b)));

  it("has exactly the keys, attributes, indexes and stream of the shared TABLE definition", () => {
    const table = only("aws:dynamodb/table:Table").inputs;
    const keySchema = (index: Inputs) => [
      { AttributeName: index.hashKey, KeyType: "HASH" },
      ...(index.rangeKey ? [{ AttributeName: index.rangeKey, KeyType: "RANGE" }] : []),
    ];
    const actual = {
      BillingMode: table.billingMode,
      AttributeDefinitions: sortBy(
        (table.attributes as Inputs[]).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
        (a) => String(a.AttributeName),
      ),
      KeySchema: keySchema(table),
      GlobalSecondaryIndexes: sortBy(
        (table.globalSecondaryIndexes as Inputs[]).map((gsi) => ({
          IndexName: gsi.name,
          KeySchema: keySchema(gsi),
          Projection: { ProjectionType: gsi.projectionType },
        })),
        (g) => String(g.IndexName),
      ),
      StreamSpecification: { StreamEnabled: table.streamEnabled, StreamViewType: table.streamViewType },
    };
    const { TableName: _, ...definition } = expected;
    expect(actual).toEqual({
      ...definition,
      AttributeDefinitions: sortBy(definition.AttributeDefinitions, (a) => a.AttributeName),
      GlobalSecondaryIndexes: sortBy(definition.GlobalSecondaryIndexes, (g) => g.IndexName),
    });
    expect(table.localSecondaryIndexes ?? []).toEqual([]);
  });

  it("expires items on the TTL attribute of TABLE", () => {
    expect(only("aws:dynamodb/table:Table").inputs.ttl).toEqual({ attributeName: TABLE.ttl, enabled: true });
  });
});

describe("alarm ingestion", () => {
  it("has one rule on the default bus with exactly the CloudWatch alarm pattern (and one for deployments)", () => {
    expect(
      resourcesOf(app, "aws:cloudwatch/eventRule:EventRule").filter(
        (r) => r.inputs.eventBusName === "default",
      ),
    ).toHaveLength(2);
    const rule = alarmRuleOnDefaultBus();
    const pattern = JSON.parse(rule.inputs.eventPattern as string);
    expect(pattern).toStrictEqual({
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
    });
    expect(pattern).toStrictEqual(ALARM_RULE_PATTERN);
    expect(rule.inputs.state).toBe("ENABLED");
    // The default bus is referenced, never created.
    const defaultBus = only("aws:cloudwatch/eventBus:EventBus", (r) => r.readId === "default");
    expect(state(defaultBus, "name")).toBe("default");
  });

  it("targets AlarmIngest from that rule, with permission for EventBridge to invoke it", () => {
    const rule = alarmRuleOnDefaultBus();
    const fn = lambdaFor(HANDLERS.alarmIngest);
    const target = only("aws:cloudwatch/eventTarget:EventTarget", (r) => r.inputs.rule === rule.inputs.name);
    expect(target.inputs).toMatchObject({ eventBusName: "default", arn: state(fn, "arn") });
    only(
      "aws:lambda/permission:Permission",
      (r) =>
        r.inputs.principal === "events.amazonaws.com" &&
        r.inputs.function === state(fn, "arn") &&
        r.inputs.sourceArn === state(rule, "arn"),
    );
  });

  it("subscribes AlarmIngest to the AlarmTopic SNS topic", () => {
    const fn = lambdaFor(HANDLERS.alarmIngest);
    const topic = only("aws:sns/topic:Topic", byName("AlarmTopicTopic"));
    const subscription = only(
      "aws:sns/topicSubscription:TopicSubscription",
      (r) => r.inputs.protocol === "lambda",
    );
    expect(subscription.inputs).toMatchObject({
      protocol: "lambda",
      endpoint: state(fn, "arn"),
      topic: state(topic, "arn"),
    });
    only(
      "aws:lambda/permission:Permission",
      (r) =>
        r.inputs.principal === "sns.amazonaws.com" &&
        r.inputs.function === state(fn, "arn") &&
        r.inputs.sourceArn === state(topic, "arn"),
    );
  });

  it("retries async invocations twice, then sends them to AlarmIngestDlq (14 days)", () => {
    const fn = lambdaFor(HANDLERS.alarmIngest);
    const dlq = only("aws:sqs/queue:Queue", byName("AlarmIngestDlqQueue"));
    expect(dlq.inputs.messageRetentionSeconds).toBeGreaterThanOrEqual(FOURTEEN_DAYS);
    const config = only(
      "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      (r) => r.inputs.functionName === state(fn, "name"),
    );
    expect(config.inputs).toMatchObject({
      maximumRetryAttempts: 2,
      destinationConfig: { onFailure: { destination: state(dlq, "arn") } },
    });
    expect(allows(fn, "sqs:SendMessage", state(dlq, "arn"))).toBe(true);
  });

  it("links AlarmIngest to Table and AlarmIngestDlq (Resource.Table.name, Resource.AlarmIngestDlq.url)", () => {
    const build = app.builds.find((b) => b.handler === HANDLERS.alarmIngest);
    expect(Object.keys(build?.links ?? {}).sort()).toEqual(["AlarmIngestDlq", "Table"]);
    const table = only("aws:dynamodb/table:Table");
    const dlq = only("aws:sqs/queue:Queue", byName("AlarmIngestDlqQueue"));
    expect(build?.links.Table).toMatchObject({ name: state(table, "name"), type: "sst.aws.Dynamo" });
    expect(build?.links.AlarmIngestDlq).toMatchObject({ url: state(dlq, "url"), type: "sst.aws.Queue" });
    expect(allows(lambdaFor(HANDLERS.alarmIngest), "dynamodb:PutItem", state(table, "arn"))).toBe(true);
  });

  it("routes the alert endpoints to Integrations, linked like AlarmIngest (Table, AlarmIngestDlq) with its settings, and nothing else", () => {
    const build = app.builds.find((b) => b.handler === HANDLERS.integrations);
    expect(Object.keys(build?.links ?? {}).sort()).toEqual(["AlarmIngestDlq", "Table"]);
    const fn = lambdaFor(HANDLERS.integrations);
    const table = only("aws:dynamodb/table:Table");
    expect(allows(fn, "dynamodb:PutItem", state(table, "arn"))).toBe(true);
    const unwrap = (v: unknown) =>
      typeof v === "object" && v && "value" in v ? (v as { value: unknown }).value : v;
    for (const key of INTEGRATION_ROUTES) {
      const route = only("aws:apigatewayv2/route:Route", (r) => r.inputs.routeKey === key);
      const integration = only(
        "aws:apigatewayv2/integration:Integration",
        (i) => route.inputs.target === `integrations/${i.id}`,
      );
      expect(unwrap(integration.inputs.integrationUri), key).toBe(state(fn, "arn"));
    }
    const ingestEnv = lambdaFor(HANDLERS.alarmIngest).inputs.environment;
    expect(fn.inputs.environment).toEqual(ingestEnv);
  });

  it("sends CodeDeploy, ECS and CloudFormation deployment events to ChangeIngest (Table, AlarmIngestDlq)", () => {
    const build = app.builds.find((b) => b.handler === HANDLERS.changes);
    expect(Object.keys(build?.links ?? {}).sort()).toEqual(["AlarmIngestDlq", "Table"]);
    const fn = lambdaFor(HANDLERS.changes);
    const target = only(
      "aws:cloudwatch/eventTarget:EventTarget",
      (t) => plain(t.inputs.arn) === state(fn, "arn"),
    );
    const rule = only("aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.name === target.inputs.rule);
    expect(rule.inputs.eventBusName).toBe("default");
    expect(JSON.parse(String(rule.inputs.eventPattern))).toEqual({
      source: ["aws.codedeploy", "aws.ecs", "aws.cloudformation"],
      "detail-type": [
        "CodeDeploy Deployment State-change Notification",
        "ECS Deployment State Change",
        "CloudFormation Stack Status Change",
      ],
    });
    expectAsyncFailuresTo(fn, "AlarmIngestDlqQueue", 2);
  });

  it.each([
    ["MaintenanceRelease", HANDLERS.maintenance],
    ["HeartbeatSweep", HANDLERS.heartbeats],
  ])(
    "runs %s every minute, linked like AlarmIngest (it ingests); a failed sweep goes to AlarmIngestDlq",
    (_name, handler) => {
      const fn = lambdaFor(handler);
      const build = app.builds.find((b) => b.handler === handler);
      expect(Object.keys(build?.links ?? {}).sort()).toEqual(["AlarmIngestDlq", "Table"]);
      const target = only(
        "aws:cloudwatch/eventTarget:EventTarget",
        (t) => plain(t.inputs.arn) === state(fn, "arn"),
      );
      const rule = only("aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.name === target.inputs.rule);
      expect(rule.inputs.scheduleExpression).toBe("rate(1 minute)");
      expectAsyncFailuresTo(fn, "AlarmIngestDlqQueue", 0);
    },
  );
});

describe("outbox", () => {
  it("subscribes the outbox function to the table stream, INSERTs of timeline items only", () => {
    const table = only("aws:dynamodb/table:Table");
    const fn = lambdaFor(HANDLERS.outbox);
    const mapping = only("aws:lambda/eventSourceMapping:EventSourceMapping");
    expect(mapping.inputs).toMatchObject({
      eventSourceArn: state(table, "streamArn"),
      functionName: state(fn, "arn"),
    });
    const filters = (mapping.inputs.filterCriteria as { filters: { pattern: string }[] }).filters;
    expect(filters.map((f) => JSON.parse(f.pattern))).toStrictEqual([
      { eventName: ["INSERT"], dynamodb: { Keys: { sk: { S: [{ prefix: "TL#" }] } } } },
    ]);
    expect(keys.timeline("incident", "entry").sk.startsWith("TL#")).toBe(true);
    expect(allows(fn, "dynamodb:GetRecords", state(table, "streamArn"))).toBe(true);
  });

  it("sends batches that keep failing to OutboxDlq (14 days)", () => {
    const fn = lambdaFor(HANDLERS.outbox);
    const dlq = only("aws:sqs/queue:Queue", byName("OutboxDlqQueue"));
    expect(dlq.inputs.messageRetentionSeconds).toBeGreaterThanOrEqual(FOURTEEN_DAYS);
    const mapping = only("aws:lambda/eventSourceMapping:EventSourceMapping");
    expect(mapping.inputs).toMatchObject({
      destinationConfig: { onFailure: { destinationArn: state(dlq, "arn") } },
      bisectBatchOnFunctionError: true,
      functionResponseTypes: ["ReportBatchItemFailures"],
    });
    expect(mapping.inputs.maximumRetryAttempts).toBe(5);
    expect(mapping.inputs.startingPosition).toBe("TRIM_HORIZON");
    expect(allows(fn, "sqs:SendMessage", state(dlq, "arn"))).toBe(true);
    // Only that: the outbox neither reads nor purges its dead letters.
    for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:PurgeQueue"])
      expect(allows(fn, action, state(dlq, "arn"))).toBe(false);
    // Poison records (never publishable) go to the same queue from the handler, with their reason.
    const env = (fn.inputs.environment as { variables: Record<string, unknown> }).variables;
    expect(plain(env.FIREBREAK_OUTBOX_DLQ_URL)).toBe(state(dlq, "url"));
    // A message there raises an alarm (monitoring: every *Dlq queue).
    const alarm = resourcesOf(app, "aws:cloudwatch/metricAlarm:MetricAlarm").find(
      (a) => (a.inputs.dimensions as { QueueName?: string } | undefined)?.QueueName === state(dlq, "name"),
    );
    expect(alarm?.inputs.metricName).toBe("ApproximateNumberOfMessagesVisible");
    expect(alarm?.inputs.threshold).toBe(1);
    expect(alarm?.inputs.alarmActions).toHaveLength(1);
  });

  it("links the outbox function to the app bus (Resource.Bus.name)", () => {
    const bus = only("aws:cloudwatch/eventBus:EventBus", byName("BusBus"));
    const build = app.builds.find((b) => b.handler === HANDLERS.outbox);
    expect(Object.keys(build?.links ?? {})).toEqual(["Bus"]);
    expect(build?.links.Bus).toMatchObject({ name: state(bus, "name"), arn: state(bus, "arn") });
    expect(allows(lambdaFor(HANDLERS.outbox), "events:PutEvents", state(bus, "arn"))).toBe(true);
  });
});

describe("API", () => {
  it("deploys a route for every path the API serves (its OpenAPI document, the sign-in flow)", () => {
    const covered = (method: string, path: string) =>
      API_ROUTES.some((route) => {
        const [m, p] = route.split(" ") as [string, string];
        if (m !== "ANY" && m !== method.toUpperCase()) return false;
        return p.endsWith("/{proxy+}") ? path.startsWith(p.slice(0, -"{proxy+}".length)) : p === path;
      });
    const paths = [
      ...OPENAPI_ROUTES.map((r) => [r.method, r.path] as const),
      ["get", "/auth/slack/login"] as const,
      ["get", "/auth/slack/callback"] as const,
      ["post", "/auth/logout"] as const,
    ];
    for (const [method, path] of paths) expect(covered(method, path), `${method} ${path}`).toBe(true);
  });

  it("routes each API route to its function (the api handler, postmortem edits, directory writes, paging reads, action items, the status page)", () => {
    const routes = resourcesOf(app, "aws:apigatewayv2/route:Route");
    expect(routes.map((r) => r.inputs.routeKey).sort()).toEqual(
      [
        "ANY /api/{proxy+}",
        "ANY /auth/{proxy+}",
        "GET /health",
        "GET /ical/{token}",
        "PUT /api/incidents/{id}/postmortem",
        "PUT /api/directory",
        "POST /api/oncall/overrides",
        "DELETE /api/oncall/overrides/{id}",
        "GET /api/openapi.json",
        "GET /api/schemas/postmortem.v1.json",
        "GET /api/schemas/postmortem.v2.json",
        "GET /api/incidents/{id}/trace",
        "GET /api/oncall/coverage",
        "GET /api/oncall/calendar",
        "GET /api/budgets",
        "POST /api/test-pages",
        "GET /api/test-pages/{id}",
        "POST /api/incidents/{id}/action-items",
        "POST /api/incidents/{id}/action-items/from-draft",
        "GET /api/action-items",
        "GET /api/action-items/{id}",
        "PATCH /api/action-items/{id}",
        "POST /api/action-items/{id}/sync",
        "GET /api/risk",
        "GET /api/status/summary",
        "GET /api/status/feed.atom",
        "POST /slack/events",
        ...ACK_ROUTES,
        ...INTEGRATION_ROUTES,
      ].sort(),
    );
    const unwrap = (v: unknown) =>
      typeof v === "object" && v && "value" in v ? (v as { value: unknown }).value : v;
    for (const { handler, routes: keys } of Object.values(API_FUNCTIONS)) {
      const fn = lambdaFor(handler);
      for (const key of keys) {
        const route = only("aws:apigatewayv2/route:Route", (r) => r.inputs.routeKey === key);
        const integration = only(
          "aws:apigatewayv2/integration:Integration",
          (i) => route.inputs.target === `integrations/${i.id}`,
        );
        // Linked secrets make Pulumi mark the function's outputs secret: { <sig>, value }.
        expect(unwrap(integration.inputs.integrationUri), key).toBe(state(fn, "arn"));
        expect(integration.inputs.integrationType).toBe("AWS_PROXY");
      }
      expect(
        resourcesOf(app, "aws:lambda/permission:Permission").filter(
          (p) =>
            p.inputs.principal === "apigateway.amazonaws.com" &&
            unwrap(p.inputs.function) === state(fn, "arn"),
        ),
        handler,
      ).toHaveLength(keys.length);
    }
  });

  it("routes POST /slack/events to the Slack handler, linked to its secrets, the table and the bus", () => {
    const fn = lambdaFor(HANDLERS.slack);
    const route = only("aws:apigatewayv2/route:Route", (r) => r.inputs.routeKey === "POST /slack/events");
    const integration = only(
      "aws:apigatewayv2/integration:Integration",
      (i) => route.inputs.target === `integrations/${i.id}`,
    );
    // Linking secrets makes Pulumi mark the function's outputs secret: { <sig>, value }.
    const uri = integration.inputs.integrationUri as string | { value: string };
    expect(typeof uri === "string" ? uri : uri.value).toBe(state(fn, "arn"));
    expect(integration.inputs.integrationType).toBe("AWS_PROXY");
    const build = app.builds.find((b) => b.handler === HANDLERS.slack);
    expect(Object.keys(build?.links ?? {}).sort()).toEqual([
      "Bus",
      "SlackBotToken",
      "SlackSigningSecret",
      "SlackTeamId",
      "Table",
    ]);
  });

  it("links the api handler to Table and the auth secrets", () => {
    const build = app.builds.find((b) => b.handler === HANDLERS.api);
    expect(Object.keys(build?.links ?? {}).sort()).toEqual([
      "SessionKey",
      "SlackClientId",
      "SlackClientSecret",
      "SlackTeamId",
      "Table",
    ]);
  });
});

describe("API functions beside the main one", () => {
  it("links postmortem edits, directory writes, the OpenAPI document, the paging reads and the status page to Table and SessionKey only", () => {
    for (const handler of [
      HANDLERS.apiPostmortem,
      HANDLERS.apiDirectory,
      HANDLERS.apiDocs,
      HANDLERS.apiPaging,
      HANDLERS.apiStatus,
    ]) {
      const build = app.builds.find((b) => b.handler === handler);
      expect(Object.keys(build?.links ?? {}).sort(), handler).toEqual(["SessionKey", "Table"]);
      const table = only("aws:dynamodb/table:Table");
      expect(allows(lambdaFor(handler), "dynamodb:PutItem", state(table, "arn")), handler).toBe(true);
      expect(allows(lambdaFor(handler), "sns:Publish", "*"), handler).toBe(false);
    }
  });
});

describe("postmortem", () => {
  it("invokes Postmortem from an app-bus rule on resolutions only", () => {
    const fn = lambdaFor(HANDLERS.postmortem);
    const rule = ruleTargeting(fn);
    expect(JSON.parse(rule.inputs.eventPattern as string)).toStrictEqual({
      source: ["firebreak"],
      "detail-type": ["incident.status_changed"],
      detail: { detail: { data: { to: ["resolved"] } } },
    });
    const target = only("aws:cloudwatch/eventTarget:EventTarget", (r) => r.inputs.rule === rule.inputs.name);
    expect(target.inputs.arn).toBe(state(fn, "arn"));
  });

  it("has no postmortem export without FIREBREAK_POSTMORTEM_BUCKET (production.test.ts covers it set)", () => {
    expect(lambdas().filter((f) => String(f.name).startsWith("PostmortemExport"))).toEqual([]);
    expect(
      resourcesOf(app, "aws:sqs/queue:Queue").filter((q) => q.name.startsWith("PostmortemExport")),
    ).toEqual([]);
  });

  it("retries twice, then sends to PostmortemDlq (14 days), and links only Table", () => {
    const fn = lambdaFor(HANDLERS.postmortem);
    const dlq = only("aws:sqs/queue:Queue", byName("PostmortemDlqQueue"));
    expect(dlq.inputs.messageRetentionSeconds).toBeGreaterThanOrEqual(FOURTEEN_DAYS);
    const config = only(
      "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      (r) => r.inputs.functionName === state(fn, "name"),
    );
    expect(config.inputs).toMatchObject({
      maximumRetryAttempts: 2,
      destinationConfig: { onFailure: { destination: state(dlq, "arn") } },
    });
    const build = app.builds.find((b) => b.handler === HANDLERS.postmortem);
    expect(Object.keys(build?.links ?? {})).toEqual(["Table"]);
  });
});

/** The one app-bus rule whose target is `fn`. */
function ruleTargeting(fn: RecordedResource): RecordedResource {
  const targets = resourcesOf(app, "aws:cloudwatch/eventTarget:EventTarget").filter(
    (t) => plain(t.inputs.arn) === state(fn, "arn"),
  );
  expect(targets, "exactly one bus target").toHaveLength(1);
  return only("aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.name === targets[0]!.inputs.rule);
}

describe("slack worker", () => {
  it("is invoked from an app-bus rule matching exactly the Slack worker's event types", () => {
    const fn = lambdaFor(HANDLERS.slackWorker);
    const rule = ruleTargeting(fn);
    expect(rule.inputs.eventBusName).not.toBe("default");
    const pattern = JSON.parse(rule.inputs.eventPattern as string);
    expect(Object.keys(pattern).sort()).toEqual(["detail-type", "source"]);
    expect(pattern.source).toEqual(["firebreak"]);
    expect([...pattern["detail-type"]].sort()).toEqual(
      [
        "incident.declared",
        "incident.role_assigned",
        "incident.severity_changed",
        "incident.status_changed",
        "incident.update_posted",
        "incident.merge_received",
        "incident.linked",
        "incident.unlinked",
        "postmortem.drafted",
        "oncall.coverage_gaps_found",
        "slack.incident_declared",
        "slack.role_assigned",
        "slo.budget_thresholds_crossed",
      ].sort(),
    );
  });

  it("retries twice, then sends to SlackWorkerDlq (14 days); links Table and the bot token only", () => {
    const fn = lambdaFor(HANDLERS.slackWorker);
    expectAsyncFailuresTo(fn, "SlackWorkerDlqQueue", 2);
    expect(fn.inputs.timeout).toBe(60);
    const build = app.builds.find((b) => b.handler === HANDLERS.slackWorker);
    expect(Object.keys(build?.links ?? {}).sort()).toEqual(["SlackBotToken", "Table"]);
  });
});

describe("handlers", () => {
  it("every function's handler file resolves, bundles and exports its function", () => {
    expect(app.builds.map((b) => b.handler).sort()).toEqual(Object.values(HANDLERS).sort());
    for (const build of app.builds) {
      expect(build.errors, build.handler).toEqual([]);
      expect(build.exports, build.handler).toContain(build.handler.split(".").at(-1));
    }
    expect(resourcesOf(app, "aws:lambda/function:Function")).toHaveLength(app.builds.length);
  });

  it("packages/functions/sst-env.d.ts declares exactly the linked resources", () => {
    const current = existsSync(SST_ENV) ? readFileSync(SST_ENV, "utf8") : "(missing)";
    expect(current, "regenerate: npx tsx infra/test/sst-harness.ts --write-sst-env").toBe(renderSstEnv(app));
  });

  it("fails the evaluation, like a deploy, when a secret has no value", () => {
    expect(missingSecret.ok).toBe(false);
    expect(missingSecret.error).toMatch(/Set a value for (Slack\w+|AckKey) with `sst secret set/);
  });

  it("fails the evaluation when a handler file does not exist", () => {
    expect(missingFile.ok).toBe(false);
    expect(missingFile.error).toContain(
      'Could not find file for handler "infra/test/fixtures/handlers/does-not-exist.handler"',
    );
  });

  it("fails the evaluation when the handler file lacks the named export", () => {
    expect(missingExport.ok).toBe(false);
    expect(missingExport.error).toContain('does not export "handler"');
  });
});

// ---------------------------------------------------------------------------------------------
// Generic checks: they iterate over every function, queue, rule and subscription of the evaluated
// app, so a function added in any infra file is held to them without a test of its own.

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
}

/** Linking a secret makes Pulumi mark dependent outputs secret: `{ <signature>: …, value }`. */
function plain<T>(value: T | { value: T }): T {
  if (value && typeof value === "object" && "value" in value && Object.keys(value).length === 2) {
    return (value as { value: T }).value;
  }
  return value as T;
}

const lambdas = () => resourcesOf(app, "aws:lambda/function:Function");
const arnOf = (r: RecordedResource) => state(r, "arn");
function roleOf(fn: RecordedResource): RecordedResource {
  return only("aws:iam/role:Role", (r) => arnOf(r) === plain(fn.inputs.role));
}
function statementsOfRole(role: RecordedResource): Statement[] {
  return ((role.inputs.inlinePolicies ?? []) as { policy: string }[]).flatMap(
    (p) => JSON.parse(p.policy).Statement as Statement[],
  );
}
/** The build (links) of a Lambda function: SST names the function `<component>Function`. */
function buildOf(fn: RecordedResource) {
  const build = app.builds.find((b) => `${b.functionID}Function` === fn.name);
  if (!build) throw new Error(`no build for ${fn.name}`);
  return build;
}
function queueByArn(arn: string): RecordedResource | undefined {
  return resourcesOf(app, "aws:sqs/queue:Queue").find((q) => arnOf(q) === arn);
}

/** Every ARN a function's triggers and failure destinations legitimately need. */
function wiringArns(fn: RecordedResource): string[] {
  const arns: string[] = [];
  for (const m of resourcesOf(app, "aws:lambda/eventSourceMapping:EventSourceMapping")) {
    if (plain(m.inputs.functionName) !== arnOf(fn)) continue;
    arns.push(String(m.inputs.eventSourceArn));
    const onFailure = (m.inputs.destinationConfig as { onFailure?: { destinationArn?: string } })?.onFailure;
    if (onFailure?.destinationArn) arns.push(onFailure.destinationArn);
  }
  for (const c of resourcesOf(app, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")) {
    if (plain(c.inputs.functionName) !== state(fn, "name")) continue;
    const destinations = c.inputs.destinationConfig as Record<string, { destination?: string }> | undefined;
    for (const d of Object.values(destinations ?? {})) if (d.destination) arns.push(d.destination);
  }
  return arns;
}

/** The ARNs of the resources a function links (matched on the link's name/url/arn properties). */
function linkedArns(fn: RecordedResource): string[] {
  const arns: string[] = [];
  for (const [name, properties] of Object.entries(buildOf(fn).links)) {
    if (properties.type === "sst.sst.Secret") continue; // a value in the bundle, no IAM
    const matches = app.resources.filter(
      (r) =>
        r.custom &&
        ((properties.url !== undefined && r.state.url === properties.url) ||
          (properties.arn !== undefined && r.state.arn === properties.arn) ||
          (properties.name !== undefined && r.state.name === properties.name && r.state.arn !== undefined)),
    );
    expect(matches.length, `link ${name} of ${fn.name} matches a resource`).toBeGreaterThan(0);
    for (const m of matches) arns.push(arnOf(m), `${arnOf(m)}/*`);
  }
  return arns;
}

describe("least-privilege IAM (every function role)", () => {
  it("no statement allows a wildcard action, and Resource '*' only for the listed exceptions", () => {
    const roles = resourcesOf(app, "aws:iam/role:Role");
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      for (const statement of statementsOfRole(role)) {
        const where = `${role.name}: ${JSON.stringify(statement)}`;
        for (const action of statement.Action) expect(action, where).not.toMatch(/\*/);
        if (statement.Resource.includes("*")) {
          for (const action of statement.Action) {
            expect(
              WILDCARD_RESOURCE_EXCEPTIONS[action],
              `${where}: ${action} on "*" needs a listed reason`,
            ).toBeTruthy();
          }
        }
      }
      for (const managed of (role.inputs.managedPolicyArns ?? []) as string[]) {
        expect(ALLOWED_MANAGED_POLICIES, role.name).toContain(managed);
      }
    }
  });

  it("each function is granted only what it links, its event source and its failure destinations", () => {
    for (const fn of lambdas()) {
      const allowed = new Set([...linkedArns(fn), ...wiringArns(fn)]);
      for (const statement of statementsOfRole(roleOf(fn))) {
        for (const resource of statement.Resource) {
          if (resource === "*") continue; // checked above
          expect(allowed.has(resource), `${fn.name} may not reach ${resource} (${statement.Action})`).toBe(
            true,
          );
        }
      }
    }
  });

  it("links grant exactly LINK_ACTIONS (not SST's service:*)", () => {
    const granted = new Set(
      resourcesOf(app, "aws:iam/role:Role").flatMap((r) => statementsOfRole(r).flatMap((s) => s.Action)),
    );
    for (const action of LINK_ACTIONS["sst.aws.Dynamo"]) expect(granted).toContain(action);
    expect(granted).toContain("events:PutEvents");
    expect(granted).toContain("sqs:SendMessage");
  });

  it("every AWS SDK command the code imports is allowed by a link grant or a listed exception", () => {
    const LIB_DYNAMODB: Record<string, string[]> = {
      Get: ["GetItem"],
      Put: ["PutItem"],
      Update: ["UpdateItem"],
      Delete: ["DeleteItem"],
      Query: ["Query"],
      Scan: ["Scan"],
      BatchGet: ["BatchGetItem"],
      BatchWrite: ["BatchWriteItem"],
      TransactGet: ["GetItem"],
      TransactWrite: ["PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"],
    };
    const PREFIX: Record<string, string> = {
      "client-dynamodb": "dynamodb",
      "lib-dynamodb": "dynamodb",
      "client-sqs": "sqs",
      "client-sns": "sns",
      "client-eventbridge": "events",
      "client-scheduler": "scheduler",
      "client-s3": "s3",
      "client-pinpoint-sms-voice-v2": "sms-voice",
    };
    const allowed = new Set<string>([
      ...Object.values(LINK_ACTIONS).flat(),
      ...Object.keys(WILDCARD_RESOURCE_EXCEPTIONS),
      ...Object.keys(SCOPED_GRANTS),
    ]);
    // A TransactWriteItems is authorised per item; the client's own name is not an IAM action.
    const NOT_ACTIONS = new Set(["dynamodb:TransactWriteItems", "dynamodb:TransactGetItems"]);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry)) files.push(full);
      }
    };
    for (const pkg of ["core", "functions"]) walk(path.join(ROOT, "packages", pkg, "src"));
    const used = new Map<string, string>();
    const IMPORT = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"@aws-sdk\/([a-z0-9-]+)"/g;
    for (const file of files) {
      for (const [, names, pkg] of readFileSync(file, "utf8").matchAll(IMPORT)) {
        const prefix = PREFIX[pkg ?? ""];
        if (!prefix) continue;
        for (const raw of (names ?? "").split(",")) {
          const name =
            raw
              .trim()
              .replace(/^type\s+/, "")
              .split(/\s+as\s+/)[0] ?? "";
          if (!name.endsWith("Command")) continue;
          const base = name.slice(0, -"Command".length);
          const actions = pkg === "lib-dynamodb" ? (LIB_DYNAMODB[base] ?? [base]) : [base];
          for (const action of actions) used.set(`${prefix}:${action}`, path.relative(ROOT, file));
        }
      }
    }
    expect(used.size).toBeGreaterThan(0);
    for (const [action, file] of used) {
      if (NOT_ACTIONS.has(action)) continue;
      expect(allowed.has(action), `${file} calls ${action}, which no link grants (infra/policy.ts)`).toBe(
        true,
      );
    }
  });
});

/** The Lambda functions invoked asynchronously: rule/cron targets and SNS subscriptions. */
function asyncConsumers(): RecordedResource[] {
  const arns = new Set<string>();
  for (const t of resourcesOf(app, "aws:cloudwatch/eventTarget:EventTarget"))
    arns.add(String(plain(t.inputs.arn)));
  for (const s of resourcesOf(app, "aws:sns/topicSubscription:TopicSubscription")) {
    if (s.inputs.protocol === "lambda") arns.add(String(plain(s.inputs.endpoint)));
  }
  return lambdas().filter((fn) => arns.has(arnOf(fn)));
}

function expectDeadLetterQueue(arn: string | undefined, where: string) {
  expect(arn, `${where} has a dead-letter destination`).toBeTruthy();
  const queue = queueByArn(String(arn));
  expect(queue, `${where}: its dead-letter destination ${arn} is an SQS queue of the app`).toBeDefined();
  expect(Number(queue?.inputs.messageRetentionSeconds), `${where}: retention`).toBeGreaterThanOrEqual(
    DLQ_MIN_RETENTION_SECONDS,
  );
}

describe("dead-letter queues (every async consumer)", () => {
  it("every function invoked asynchronously sends failed events to a 14-day queue it may write to", () => {
    const consumers = asyncConsumers();
    expect(consumers.map((f) => f.name).sort()).toEqual(
      expect.arrayContaining(["AlarmIngestFunction", "PostmortemFunction"]),
    );
    for (const fn of consumers) {
      const config = resourcesOf(app, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").find(
        (c) => plain(c.inputs.functionName) === state(fn, "name"),
      );
      const destination = (config?.inputs.destinationConfig as { onFailure?: { destination?: string } })
        ?.onFailure?.destination;
      expectDeadLetterQueue(destination, fn.name);
      expect(allows(fn, "sqs:SendMessage", String(destination)), `${fn.name} may write its DLQ`).toBe(true);
    }
  });

  it("every event source mapping has a 14-day failure destination (streams) or redrive queue (SQS)", () => {
    const mappings = resourcesOf(app, "aws:lambda/eventSourceMapping:EventSourceMapping");
    expect(mappings.length).toBeGreaterThan(0);
    for (const m of mappings) {
      const source = String(m.inputs.eventSourceArn);
      const sourceQueue = queueByArn(source);
      if (sourceQueue) {
        const redrive = JSON.parse(String(sourceQueue.inputs.redrivePolicy ?? "{}")) as {
          deadLetterTargetArn?: string;
        };
        expectDeadLetterQueue(redrive.deadLetterTargetArn, `${m.name} (queue ${sourceQueue.name})`);
      } else {
        const onFailure = (m.inputs.destinationConfig as { onFailure?: { destinationArn?: string } })
          ?.onFailure;
        expectDeadLetterQueue(onFailure?.destinationArn, m.name);
        const fn = lambdas().find((f) => arnOf(f) === plain(m.inputs.functionName));
        expect(fn && allows(fn, "sqs:SendMessage", String(onFailure?.destinationArn)), m.name).toBe(true);
      }
    }
  });
});

/** Every queue some consumer dead-letters to. */
function deadLetterQueues(): RecordedResource[] {
  const arns = new Set<string>();
  for (const c of resourcesOf(app, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")) {
    const d = (c.inputs.destinationConfig as { onFailure?: { destination?: string } })?.onFailure
      ?.destination;
    if (d) arns.add(d);
  }
  for (const m of resourcesOf(app, "aws:lambda/eventSourceMapping:EventSourceMapping")) {
    const d = (m.inputs.destinationConfig as { onFailure?: { destinationArn?: string } })?.onFailure
      ?.destinationArn;
    if (d) arns.add(d);
  }
  for (const q of resourcesOf(app, "aws:sqs/queue:Queue")) {
    const d = (JSON.parse(String(q.inputs.redrivePolicy ?? "{}")) as { deadLetterTargetArn?: string })
      .deadLetterTargetArn;
    if (d) arns.add(d);
  }
  return resourcesOf(app, "aws:sqs/queue:Queue").filter((q) => arns.has(arnOf(q)));
}

describe("self-monitoring", () => {
  const alarms = () => resourcesOf(app, "aws:cloudwatch/metricAlarm:MetricAlarm");
  const alarmsOn = (metric: string, dimension: string, value: string) =>
    alarms().filter(
      (a) =>
        a.inputs.metricName === metric &&
        plain(a.inputs.dimensions as Record<string, string> | { value: Record<string, string> })[
          dimension
        ] === value,
    );
  const opsTopic = () => only("aws:sns/topic:Topic", byName("OpsAlertsTopic"));

  it("alarms on errors and throttles of every function", () => {
    expect(lambdas().length).toBeGreaterThanOrEqual(5);
    for (const fn of lambdas()) {
      for (const metric of ["Errors", "Throttles"]) {
        const [alarm, ...more] = alarmsOn(metric, "FunctionName", state(fn, "name"));
        expect(alarm, `${metric} alarm of ${fn.name}`).toBeDefined();
        expect(more).toEqual([]);
        expect(alarm?.inputs).toMatchObject({ namespace: "AWS/Lambda", statistic: "Sum", threshold: 1 });
      }
    }
  });

  it("alarms when any dead-letter queue holds a message", () => {
    const dlqs = deadLetterQueues();
    expect(dlqs.map((q) => q.name)).toEqual(
      expect.arrayContaining(["AlarmIngestDlqQueue", "OutboxDlqQueue", "PostmortemDlqQueue"]),
    );
    for (const queue of dlqs) {
      const [alarm] = alarmsOn("ApproximateNumberOfMessagesVisible", "QueueName", state(queue, "name"));
      // infra/monitoring.ts alarms on depth for queues named "…Dlq"; name a new DLQ that way.
      expect(alarm, `depth alarm of ${queue.name}`).toBeDefined();
      expect(alarm?.inputs).toMatchObject({
        namespace: "AWS/SQS",
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
      });
    }
  });

  it("alarms when the outbox lags behind the table's stream (IteratorAge over a minute, sev1)", () => {
    const fn = lambdaFor(HANDLERS.outbox);
    const [alarm, ...more] = alarmsOn("IteratorAge", "FunctionName", state(fn, "name"));
    expect(more).toEqual([]);
    expect(alarm?.inputs).toMatchObject({
      namespace: "AWS/Lambda",
      statistic: "Maximum",
      threshold: 60_000,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    expect(String(alarm?.inputs.name)).toMatch(/^sev1\/firebreak\//);
  });

  it("alarms on 5xx answers of the HTTP API", () => {
    const httpApi = only("aws:apigatewayv2/api:Api");
    const [alarm] = alarmsOn("5xx", "ApiId", httpApi.id);
    expect(alarm?.inputs).toMatchObject({ namespace: "AWS/ApiGateway", dimensions: { Stage: "$default" } });
  });

  it("names and describes every alarm so Firebreak's classifier pages the platform's owners", () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) {
      const name = String(alarm.inputs.name);
      const description = String(alarm.inputs.alarmDescription);
      const classification = classifyAlarm({ alarmName: name, description });
      expect(classification, name).toMatchObject({
        severitySource: "description",
        serviceSource: "description",
      });
      expect(classification.services).toEqual(["firebreak"]);
      const fromName = classifyAlarm({ alarmName: name, description: "" });
      expect(fromName.severity, `${name}: name and description agree`).toBe(classification.severity);
      expect(fromName.services).toEqual(["firebreak"]);
      expect(name).toContain(`firebreak-${app.stage}-`);
    }
    const ingestErrors = alarmsOn(
      "Errors",
      "FunctionName",
      state(lambdaFor(HANDLERS.alarmIngest), "name"),
    )[0];
    expect(
      classifyAlarm({
        alarmName: String(ingestErrors?.inputs.name),
        description: String(ingestErrors?.inputs.alarmDescription),
      }).severity,
    ).toBe("SEV1");
  });

  it("notifies the plain OpsAlerts topic on ALARM and OK, with an email subscription", () => {
    for (const alarm of alarms()) {
      expect(alarm.inputs.alarmActions, String(alarm.inputs.name)).toEqual([arnOf(opsTopic())]);
      expect(alarm.inputs.okActions, String(alarm.inputs.name)).toEqual([arnOf(opsTopic())]);
    }
    const email = only("aws:sns/topicSubscription:TopicSubscription", (r) => r.inputs.protocol === "email");
    expect(email.inputs).toMatchObject({
      topic: arnOf(opsTopic()),
      endpoint: TEST_CONFIG.FIREBREAK_OPS_EMAIL,
    });
  });

  it("reaches Firebreak through the default-bus rule: alarm state changes match its pattern", () => {
    // CloudWatch emits every alarm's state change on the default bus; nothing per alarm is needed.
    const rule = alarmRuleOnDefaultBus();
    expect(JSON.parse(String(rule.inputs.eventPattern))).toStrictEqual(ALARM_RULE_PATTERN);
  });
});

describe("defaults", () => {
  it("sets memory, timeout, arm64 and a short log retention on every function (non-production)", () => {
    for (const fn of lambdas()) {
      expect(fn.inputs.architectures, fn.name).toEqual(["arm64"]);
      expect(Number(fn.inputs.memorySize), fn.name).toBeLessThanOrEqual(1024);
      expect(Number(fn.inputs.timeout), fn.name).toBeLessThanOrEqual(60);
      expect(
        fn.inputs.reservedConcurrentExecutions,
        `${fn.name}: reserved only in production`,
      ).toBeUndefined();
      const logGroup = only(
        "aws:cloudwatch/logGroup:LogGroup",
        (g) => g.inputs.name === plain((fn.inputs.loggingConfig as { logGroup: string }).logGroup),
      );
      expect(logGroup.inputs.retentionInDays, fn.name).toBe(7);
    }
  });

  it("throttles every API route (the stage's default route settings apply per route)", () => {
    const stage = only("aws:apigatewayv2/stage:Stage");
    expect(stage.inputs.defaultRouteSettings).toMatchObject({
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
    });
    // No route overrides the defaults, so the routes of the API's write functions are throttled too.
    expect(stage.inputs.routeSettings ?? []).toEqual([]);
    const apiId = only("aws:apigatewayv2/api:Api").id;
    for (const route of resourcesOf(app, "aws:apigatewayv2/route:Route"))
      expect(route.inputs.apiId, String(route.inputs.routeKey)).toBe(apiId);
  });

  it("keeps non-production tables cheap and removable: no PITR, no deletion protection", () => {
    const table = only("aws:dynamodb/table:Table").inputs;
    expect(table.billingMode).toBe("PAY_PER_REQUEST");
    expect(table.pointInTimeRecovery).toEqual({ enabled: false });
    expect(table.deletionProtectionEnabled).toBe(false);
  });
});

describe("dashboard (StaticSite)", () => {
  it("builds packages/web with the workspace build, same-origin (no VITE_API_URL)", () => {
    const builder = only("command:local:Command", byName("WebBuilder"));
    expect(builder.inputs.create).toBe("npm run build --workspace @firebreak/web");
    expect(String(builder.inputs.dir).endsWith(path.join("packages", "web"))).toBe(true);
    expect(builder.inputs.environment ?? {}).not.toHaveProperty("VITE_API_URL");
    expect(app.outputs?.web).toMatch(/^https:\/\/.+\.cloudfront\.net$/);
  });

  it("serves the dashboard and routes /api, /auth and /ack to the HTTP API through one CloudFront Router", () => {
    // A Router URL route is a CloudFront KeyValueStore entry (a dynamic resource) naming the origin host.
    const host = new URL(String(app.outputs?.api)).host;
    const keys = resourcesOf(app, "pulumi-nodejs:dynamic:Resource");
    for (const prefix of ["/api", "/auth", "/ack"]) {
      const key = keys.find((r) => r.name === `DashboardRoute${prefix}RouteKey.sst.aws.KvKeys`);
      expect(key, prefix).toBeDefined();
      const entries = plain(key!.inputs.entries) as { metadata: string };
      expect(JSON.parse(entries.metadata)).toMatchObject({ host });
    }
  });

  it("sends the local runtime's CSP and security headers, and HSTS, on everything the Router serves (issue 18)", () => {
    const policy = only("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy");
    expect(policy.inputs.securityHeadersConfig).toEqual({
      contentSecurityPolicy: { contentSecurityPolicy: DASHBOARD_CSP, override: false },
      frameOptions: { frameOption: "DENY", override: false },
      referrerPolicy: { referrerPolicy: DASHBOARD_HTML_HEADERS["referrer-policy"], override: false },
      contentTypeOptions: { override: true },
      strictTransportSecurity: {
        accessControlMaxAgeSec: 63_072_000,
        includeSubdomains: false,
        preload: false,
        override: true,
      },
    });
    // The CSP the local runtime sends, word for word, and nothing looser than 'self'.
    expect(DASHBOARD_HTML_HEADERS["content-security-policy"]).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("script-src 'self';");
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    expect(DASHBOARD_CSP).not.toMatch(/\*|unsafe-eval|http:/);
    // The Router's one behaviour carries it.
    const distribution = only("aws:cloudfront/distribution:Distribution", (r) =>
      r.name.startsWith("Dashboard"),
    );
    const behavior = plain(distribution.inputs.defaultCacheBehavior) as { responseHeadersPolicyId?: string };
    expect(policy.id).toMatch(/\S/);
    expect(behavior.responseHeadersPolicyId).toBe(policy.id);
  });
});

describe("multi-account forwarding (central side)", () => {
  it("lets the organization put events on the default bus, where the alarm rule is", () => {
    const permission = only("aws:cloudwatch/eventPermission:EventPermission");
    expect(permission.inputs).toEqual({
      eventBusName: "default",
      statementId: "FirebreakOrgAlarmForwarding",
      action: "events:PutEvents",
      principal: "*",
      condition: { key: "aws:PrincipalOrgID", type: "StringEquals", value: TEST_CONFIG.FIREBREAK_ORG_ID },
    });
    const defaultBus = only("aws:cloudwatch/eventBus:EventBus", (r) => r.readId === "default");
    expect(app.outputs?.centralBusArn).toBe(arnOf(defaultBus));
  });
});

describe("paging", () => {
  const linksOf = (handler: string) =>
    Object.keys(app.builds.find((b) => b.handler === handler)?.links ?? {}).sort();

  const PAGER_KINDS = [
    "incident.declared",
    "incident.status_changed",
    "page.acknowledged",
    "incident.severity_changed",
    "incident.alarm_attached",
    "incident.responder_requested",
    "incident.escalation_requested",
  ];
  const TEST_SENDER_KINDS = ["oncall.verification_requested", "page.test_requested"];

  it.each([
    ["Pager", HANDLERS.pager, PAGER_KINDS],
    ["TestSender", HANDLERS.testSender, TEST_SENDER_KINDS],
  ])("invokes %s from an app-bus rule on exactly its events", (name, handler, kinds) => {
    const fn = lambdaFor(handler);
    const rule = only("aws:cloudwatch/eventRule:EventRule", byName(`BusSubscriber${name}Rule`));
    const bus = only("aws:cloudwatch/eventBus:EventBus", byName("BusBus"));
    expect(rule.inputs.eventBusName).toBe(state(bus, "name"));
    expect(JSON.parse(rule.inputs.eventPattern as string)).toStrictEqual({
      source: ["firebreak"],
      "detail-type": kinds,
    });
    const target = only("aws:cloudwatch/eventTarget:EventTarget", (r) => r.inputs.rule === rule.inputs.name);
    expect(plain(target.inputs.arn)).toBe(state(fn, "arn"));
  });

  it("retries Pager and TestSender twice, then sends to PagerDlq (14 days)", () => {
    for (const handler of [HANDLERS.pager, HANDLERS.testSender])
      expectAsyncFailuresTo(lambdaFor(handler), "PagerDlqQueue", 2);
  });

  it("runs Escalation every minute from a schedule rule; a failed sweep goes to EscalationDlq (14 days)", () => {
    const fn = lambdaFor(HANDLERS.escalation);
    const target = only(
      "aws:cloudwatch/eventTarget:EventTarget",
      (t) => plain(t.inputs.arn) === state(fn, "arn"),
    );
    const rule = only("aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.name === target.inputs.rule);
    expect(rule.inputs.scheduleExpression).toBe("rate(1 minute)");
    only(
      "aws:lambda/permission:Permission",
      (r) => r.inputs.principal === "events.amazonaws.com" && r.inputs.sourceArn === state(rule, "arn"),
    );
    expectAsyncFailuresTo(fn, "EscalationDlqQueue", 0);
  });

  it("runs CoverageCheck every hour, linked to Table only (no SNS, no Slack: the Slack worker posts); a failed check goes to EscalationDlq", () => {
    const fn = lambdaFor(HANDLERS.coverage);
    const target = only(
      "aws:cloudwatch/eventTarget:EventTarget",
      (t) => plain(t.inputs.arn) === state(fn, "arn"),
    );
    const rule = only("aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.name === target.inputs.rule);
    expect(rule.inputs.scheduleExpression).toBe("rate(1 hour)");
    expect(linksOf(HANDLERS.coverage)).toEqual(["Table"]);
    expect(allows(fn, "sns:Publish", "*")).toBe(false);
    expectAsyncFailuresTo(fn, "EscalationDlqQueue", 0);
  });

  it("links Pager, TestSender, Escalation and Ack to Table, SlackBotToken and AckKey, with the dashboard's /ack as the link base", () => {
    for (const handler of [HANDLERS.pager, HANDLERS.testSender, HANDLERS.escalation, HANDLERS.ack])
      expect(linksOf(handler), handler).toEqual(["AckKey", "SlackBotToken", "Table"]);
    for (const handler of [HANDLERS.pager, HANDLERS.testSender]) {
      const env = (lambdaFor(handler).inputs.environment as { variables: Record<string, unknown> }).variables;
      const base = env.FIREBREAK_ACK_BASE_URL as string | { value: string };
      // The dashboard Router's short CloudFront host, which routes /ack to the API: the link fits an SMS.
      expect(typeof base === "string" ? base : base.value).toBe(`${app.outputs?.web}/ack`);
    }
    const env = (lambdaFor(HANDLERS.pager).inputs.environment as { variables: Record<string, unknown> })
      .variables;
    // Settings unset at deploy are not passed: the functions keep their defaults.
    expect(env).not.toHaveProperty("FIREBREAK_DASHBOARD_URL");
    expect(lambdaFor(HANDLERS.api).inputs.environment ?? {}).not.toHaveProperty("variables.FIREBREAK_ADMINS");
    // Only the paging functions hold the ack key.
    for (const handler of [HANDLERS.api, HANDLERS.slack, HANDLERS.postmortem, HANDLERS.outbox])
      expect(linksOf(handler)).not.toContain("AckKey");
  });

  it("lets Pager, TestSender and Escalation publish to SNS (topics and direct SMS); not the others", () => {
    for (const handler of [HANDLERS.pager, HANDLERS.testSender, HANDLERS.escalation])
      expect(allows(lambdaFor(handler), "sns:Publish", "*"), handler).toBe(true);
    for (const handler of [HANDLERS.ack, HANDLERS.api, HANDLERS.slack])
      expect(allows(lambdaFor(handler), "sns:Publish", "*"), handler).toBe(false);
  });

  it("routes GET and POST /ack/{token} to the Ack function, and creates the PagesTopic", () => {
    const fn = lambdaFor(HANDLERS.ack);
    for (const key of ACK_ROUTES) {
      const route = only("aws:apigatewayv2/route:Route", (r) => r.inputs.routeKey === key);
      const integration = only(
        "aws:apigatewayv2/integration:Integration",
        (i) => route.inputs.target === `integrations/${i.id}`,
      );
      const uri = integration.inputs.integrationUri as string | { value: string };
      expect(typeof uri === "string" ? uri : uri.value).toBe(state(fn, "arn"));
    }
    only("aws:sns/topic:Topic", byName("PagesTopicTopic"));
  });
});

/**
 * `fn` is invoked asynchronously with `retries` retries, then sends the event to the 14-day queue
 * `queueName`, which its role may write to.
 */
/** The default bus's alarm rule (the other one, ChangeIngest's, matches AWS's deployment events). */
function alarmRuleOnDefaultBus(): RecordedResource {
  return only(
    "aws:cloudwatch/eventRule:EventRule",
    (r) => r.inputs.eventBusName === "default" && String(r.inputs.eventPattern).includes("aws.cloudwatch"),
  );
}

function expectAsyncFailuresTo(fn: RecordedResource, queueName: string, retries: number): void {
  const dlq = only("aws:sqs/queue:Queue", byName(queueName));
  expect(dlq.inputs.messageRetentionSeconds).toBeGreaterThanOrEqual(FOURTEEN_DAYS);
  const config = only(
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    (r) => plain(r.inputs.functionName) === state(fn, "name"),
  );
  expect(config.inputs).toMatchObject({
    maximumRetryAttempts: retries,
    destinationConfig: { onFailure: { destination: state(dlq, "arn") } },
  });
  expect(allows(fn, "sqs:SendMessage", state(dlq, "arn")), `${fn.name} may write ${queueName}`).toBe(true);
}

describe("voice pages and SMS replies (optional)", () => {
  const ORIGINATION =
    "arn:aws:sms-voice:eu-west-2:123456789012:phone-number/phone-0123456789abcdef0123456789abcdef";
  const TOPIC = "arn:aws:sns:eu-west-2:123456789012:firebreak-two-way-sms";
  let withVoice: Evaluation;
  beforeAll(async () => {
    withVoice = await evaluate({
      env: {
        FIREBREAK_VOICE_ORIGINATION: ORIGINATION,
        FIREBREAK_VOICE_SEVERITIES: "SEV1",
        FIREBREAK_SMS_INBOUND_TOPIC_ARN: TOPIC,
      },
    });
    if (!withVoice.ok) throw new Error(`run() failed under mocks:\n${withVoice.error}`);
  }, 300_000);

  const fnIn = (evaluation: Evaluation, handler: string) => {
    const found = resourcesOf(evaluation, "aws:lambda/function:Function").filter(
      (r) => r.inputs.handler === handler,
    );
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const statementsIn = (evaluation: Evaluation, fn: RecordedResource) => {
    const role = resourcesOf(evaluation, "aws:iam/role:Role").find((r) => state(r, "arn") === fn.inputs.role);
    return ((role?.inputs.inlinePolicies ?? []) as { policy: string }[]).flatMap(
      (p) => JSON.parse(p.policy).Statement as { Effect: string; Action: string[]; Resource: string[] }[],
    );
  };
  const voiceGrants = (evaluation: Evaluation) =>
    resourcesOf(evaluation, "aws:lambda/function:Function").flatMap((fn) =>
      statementsIn(evaluation, fn)
        .filter((s) => s.Action.some((a) => a.startsWith("sms-voice:")))
        .map((s) => ({ handler: String(fn.inputs.handler), actions: s.Action, resources: s.Resource })),
    );

  it("grants nothing of End User Messaging, and subscribes no topic, without the settings", () => {
    expect(voiceGrants(app)).toEqual([]);
    expect(
      resourcesOf(app, "aws:sns/topicSubscription:TopicSubscription").filter(
        (s) => s.inputs.protocol === "https",
      ),
    ).toEqual([]);
    expect(allows(lambdaFor(HANDLERS.ack), "sns:Publish", "*")).toBe(false);
  });

  it("lets Pager, TestSender and Escalation alone send voice messages, from the origination identity only", () => {
    const grants = voiceGrants(withVoice);
    expect(grants.map((g) => g.handler).sort()).toEqual(
      [HANDLERS.escalation, HANDLERS.pager, HANDLERS.testSender].sort(),
    );
    for (const grant of grants) {
      expect(grant.actions).toEqual(["sms-voice:SendVoiceMessage"]);
      expect(grant.resources).toEqual([ORIGINATION]);
    }
    for (const handler of [HANDLERS.pager, HANDLERS.testSender, HANDLERS.escalation])
      expect(fnIn(withVoice, handler).inputs.environment).toMatchObject({
        variables: { FIREBREAK_VOICE_ORIGINATION: ORIGINATION, FIREBREAK_VOICE_SEVERITIES: "SEV1" },
      });
  });

  it("subscribes the two-way SMS topic over https to POST /sms/inbound on the Ack function", () => {
    const subscriptions = resourcesOf(withVoice, "aws:sns/topicSubscription:TopicSubscription").filter(
      (s) => s.inputs.protocol === "https",
    );
    expect(subscriptions).toHaveLength(1);
    expect(plain(subscriptions[0]!.inputs.topic)).toBe(TOPIC);
    expect(String(plain(subscriptions[0]!.inputs.endpoint))).toMatch(/\/sms\/inbound$/);
    const ack = fnIn(withVoice, HANDLERS.ack);
    expect(ack.inputs.environment).toMatchObject({ variables: { FIREBREAK_SMS_INBOUND_TOPIC_ARN: TOPIC } });
    // The "Acknowledged INC-n" reply is an SMS (sns:Publish to a phone number: "*", as the pager's).
    expect(
      statementsIn(withVoice, ack).some((s) => s.Action.includes("sns:Publish") && s.Resource.includes("*")),
    ).toBe(true);
    expect(statementsIn(withVoice, ack).some((s) => s.Action.some((a) => a.startsWith("sms-voice:")))).toBe(
      false,
    );
  });
});
