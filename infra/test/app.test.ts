/**
 * Offline checks of the SST app (sst-harness.ts): the type-check of sst.config.ts + infra/**, and
 * the resource graph of `run()` evaluated under Pulumi mocks (what a deploy would create),
 * checked against the shared definitions in packages/core. tsc and the evaluations run side by
 * side, as child processes.
 */
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ALARM_RULE_PATTERN } from "../../packages/core/src/alarm/rule";
import { keys } from "../../packages/core/src/storage/keys";
import { createTableInput, TABLE } from "../../packages/core/src/storage/table";
import { SLACK_WORKER_EVENT_TYPES } from "../../packages/functions/src/slack/worker-events";
import {
  type Evaluation,
  ensureSstInstall,
  evaluate,
  type RecordedResource,
  renderSstEnv,
  resourcesOf,
  SST_ENV,
  typecheck,
} from "./sst-harness";

const HANDLERS = {
  alarmIngest: "packages/functions/src/alarm-ingest.handler",
  outbox: "packages/functions/src/outbox.handler",
  api: "packages/functions/src/api.handler",
  postmortem: "packages/functions/src/postmortem.handler",
  slack: "packages/functions/src/slack.handler",
  slackWorker: "packages/functions/src/slack-worker.handler",
};
const FOURTEEN_DAYS = 14 * 24 * 60 * 60;

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
  timeout: 120_000,
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
  it("has one rule on the default bus with exactly the CloudWatch alarm pattern", () => {
    const rule = only("aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.eventBusName === "default");
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
    const rule = only("aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.eventBusName === "default");
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
    const subscription = only("aws:sns/topicSubscription:TopicSubscription");
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
    expect(mapping.inputs.maximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(allows(fn, "sqs:SendMessage", state(dlq, "arn"))).toBe(true);
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
  it("routes every API route to the api handler", () => {
    const fn = lambdaFor(HANDLERS.api);
    const routes = resourcesOf(app, "aws:apigatewayv2/route:Route");
    expect(routes.map((r) => r.inputs.routeKey).sort()).toEqual([
      "GET /api/incidents",
      "GET /api/incidents/{id}",
      "GET /api/incidents/{id}/postmortem",
      "GET /api/incidents/{id}/postmortem.json",
      "GET /api/incidents/{id}/postmortem.md",
      "GET /api/metrics",
      "GET /api/schemas/postmortem.v1.json",
      "GET /health",
      "POST /slack/events",
    ]);
    for (const route of routes.filter((r) => r.inputs.routeKey !== "POST /slack/events")) {
      const integration = only(
        "aws:apigatewayv2/integration:Integration",
        (i) => route.inputs.target === `integrations/${i.id}`,
      );
      expect(integration.inputs).toMatchObject({
        integrationType: "AWS_PROXY",
        integrationUri: state(fn, "arn"),
      });
    }
    expect(
      resourcesOf(app, "aws:lambda/permission:Permission").filter(
        (p) => p.inputs.principal === "apigateway.amazonaws.com" && p.inputs.function === state(fn, "arn"),
      ),
    ).toHaveLength(routes.length - 1);
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

  it("links the api handler to Table", () => {
    const build = app.builds.find((b) => b.handler === HANDLERS.api);
    expect(Object.keys(build?.links ?? {})).toEqual(["Table"]);
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

/** An input that linking a secret made secret (`{ <sig>, value }`), as its plain value. */
const plainInput = (value: unknown) =>
  typeof value === "object" && value !== null && "value" in value
    ? (value as { value: unknown }).value
    : value;

/** The one app-bus rule whose target is `fn`. */
function ruleTargeting(fn: RecordedResource): RecordedResource {
  const targets = resourcesOf(app, "aws:cloudwatch/eventTarget:EventTarget").filter(
    (t) => plainInput(t.inputs.arn) === state(fn, "arn"),
  );
  expect(targets, "exactly one bus target").toHaveLength(1);
  return only("aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.name === targets[0]!.inputs.rule);
}

describe("slack worker", () => {
  it("is invoked from an app-bus rule matching exactly the Slack worker's event types", () => {
    const fn = lambdaFor(HANDLERS.slackWorker);
    const rule = ruleTargeting(fn);
    expect(rule.inputs.eventBusName).not.toBe("default");
    expect(JSON.parse(rule.inputs.eventPattern as string)).toStrictEqual({
      source: ["firebreak"],
      "detail-type": [...SLACK_WORKER_EVENT_TYPES],
    });
    expect([...SLACK_WORKER_EVENT_TYPES].sort()).toEqual(
      [
        "incident.declared",
        "incident.role_assigned",
        "incident.severity_changed",
        "incident.status_changed",
        "incident.update_posted",
        "postmortem.drafted",
        "slack.incident_declared",
        "slack.role_assigned",
      ].sort(),
    );
  });

  it("retries twice, then sends to SlackWorkerDlq (14 days); links Table and the bot token only", () => {
    const fn = lambdaFor(HANDLERS.slackWorker);
    const dlq = only("aws:sqs/queue:Queue", byName("SlackWorkerDlqQueue"));
    expect(dlq.inputs.messageRetentionSeconds).toBeGreaterThanOrEqual(FOURTEEN_DAYS);
    const config = only(
      "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      (r) => plainInput(r.inputs.functionName) === state(fn, "name"),
    );
    expect(config.inputs).toMatchObject({
      maximumRetryAttempts: 2,
      destinationConfig: { onFailure: { destination: state(dlq, "arn") } },
    });
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
    expect(missingSecret.error).toMatch(/Set a value for Slack\w+ with `sst secret set/);
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
